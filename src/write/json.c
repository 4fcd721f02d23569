/*
 * json — a pretty-printing JSON writer (see json.h).
 */
#include "json.h"

#include "diag.h"

static void json_string_body(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

static void json_newline(struct json *j)
{
	int i;

	buf_addch(j->b, '\n');
	for (i = 0; i < j->depth; i++)
		buf_adds(j->b, "  ");
}

/* Before a value or a key: the comma and the line break. */
static void json_before(struct json *j, bool key)
{
	bool in_object = j->depth && j->open[j->depth] == '{';

	if (j->keyed) {
		if (key)
			BUG("json: key after key");
		j->keyed = false;
		return;
	}
	if (key && !in_object)
		BUG("json: key outside an object");
	if (!key && in_object)
		BUG("json: value without its key in an object");
	if (j->depth) {
		if (!j->empty[j->depth])
			buf_addch(j->b, ',');
		j->empty[j->depth] = false;
		json_newline(j);
	}
}

void json_init(struct json *j, struct buf *b)
{
	*j = (struct json){ .b = b };
}

void json_key(struct json *j, const char *key)
{
	json_before(j, true);
	json_string_body(j->b, key);
	buf_adds(j->b, ": ");
	j->keyed = true;
}

void json_open(struct json *j, char bracket)
{
	if (bracket != '{' && bracket != '[')
		BUG("json: open with '%c'", bracket);
	if (j->depth >= JSON_MAX_DEPTH)
		BUG("json nesting deeper than %d", JSON_MAX_DEPTH);
	json_before(j, false);
	buf_addch(j->b, bracket);
	j->depth++;
	j->open[j->depth] = bracket;
	j->empty[j->depth] = true;
}

void json_close(struct json *j, char bracket)
{
	bool empty;

	if (!j->depth)
		BUG("json: close '%c' with nothing open", bracket);
	if (bracket != (j->open[j->depth] == '{' ? '}' : ']'))
		BUG("json: close '%c' after open '%c'", bracket,
		    j->open[j->depth]);
	if (j->keyed)
		BUG("json: close '%c' after a key", bracket);
	empty = j->empty[j->depth];
	j->depth--;
	if (!empty)
		json_newline(j);
	buf_addch(j->b, bracket);
}

void json_str(struct json *j, const char *s)
{
	json_before(j, false);
	if (s)
		json_string_body(j->b, s);
	else
		buf_adds(j->b, "null");
}

void json_uint(struct json *j, size_t n)
{
	json_before(j, false);
	buf_addf(j->b, "%zu", n);
}

void json_bool(struct json *j, bool v)
{
	json_before(j, false);
	buf_adds(j->b, v ? "true" : "false");
}

void json_str_member(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_names(struct json *j, const char *key, char *const *names,
		size_t nr)
{
	size_t i;

	json_key(j, key);
	json_open(j, '[');
	for (i = 0; i < nr; i++)
		json_str(j, names[i]);
	json_close(j, ']');
}
