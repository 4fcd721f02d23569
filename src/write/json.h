/*
 * json — a tiny pretty-printing JSON writer into a buf: objects, arrays,
 * strings, unsigned integers, booleans and null. It knows nothing of the
 * sandbox: the caller says what goes where, the writer spells it.
 *
 * The shape it writes, always the same for the same calls:
 *  - members and elements one a line, indented two spaces a level;
 *    "key": value with one space; an empty object or array is {} or [];
 *  - keys and members in the order written (nothing sorted, nothing
 *    deduplicated: a caller writing a key twice gets it twice);
 *  - no newline after the last bracket: the caller ends the document.
 *
 * Strings: '"' and '\' are escaped as \" and \\, a newline as \n, every
 * other control byte (below 0x20, and 0x7f) as \u00XX; every other byte
 * is copied as it is, so non-ASCII UTF-8 passes through. The caller
 * passes UTF-8 (the chart's text is checked as such when it is read):
 * the writer does not check it.
 *
 * Misuse is a broken invariant, BUG(): nesting deeper than JSON_MAX_DEPTH
 * levels, a close that does not match its open, a key outside an object
 * or twice in a row, a value in an object without its key, a close
 * between a key and its value.
 */
#ifndef AGENTENV_JSON_H
#define AGENTENV_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Levels of objects and arrays one document may nest, the outermost one. */
#define JSON_MAX_DEPTH 15

struct json {
	struct buf *b;
	int depth;				/* open objects and arrays */
	char open[JSON_MAX_DEPTH + 1];		/* '{' or '[' of each level */
	bool empty[JSON_MAX_DEPTH + 1];		/* no member written yet */
	bool keyed;			/* a key was written, its value next */
};

/* Start a document appended to b (nothing is written yet). */
void json_init(struct json *j, struct buf *b);

/* Open an object ('{') or an array ('['), as a value. */
void json_open(struct json *j, char bracket);

/* Close the innermost open object ('}') or array (']'). */
void json_close(struct json *j, char bracket);

/* The key of the next member of the innermost object. */
void json_key(struct json *j, const char *key);

/* Values: a string (NULL writes null), a number, a boolean. */
void json_str(struct json *j, const char *s);
void json_uint(struct json *j, size_t n);
void json_bool(struct json *j, bool v);

/* "key": s (null when s is NULL). */
void json_str_member(struct json *j, const char *key, const char *s);

/* "key": [names[0], ..., names[nr - 1]] (strings). */
void json_names(struct json *j, const char *key, char *const *names,
		size_t nr);

#endif
