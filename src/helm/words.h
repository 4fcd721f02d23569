/*
 * words — a list of strings (an argument vector under construction) and
 * the one way agentenv-helm reads AGENTENV_POST_ARGS: split into words as
 * a POSIX shell splits a command line, without running a shell.
 *
 * words_split() follows sh's quoting (XCU 2.2): blanks (space, tab,
 * newline) separate words; '...' keeps everything literally; "..." keeps
 * everything but a backslash before $ ` " \ or newline; outside quotes a
 * backslash keeps the next character (backslash-newline disappears). ''
 * is an empty word; an empty or blank string gives no words.
 *
 * What a shell would expand or interpret and we cannot do without one is
 * refused, never guessed: an unquoted or double-quoted $ or `, an unquoted
 * * ? [ ~ (globs, the home directory), and an unquoted ; & | < > ( ) #.
 * Quote them ('*.example.com'). An unterminated quote is refused too.
 */
#ifndef AGENTENV_WORDS_H
#define AGENTENV_WORDS_H

#include <stdbool.h>
#include <stddef.h>

/* NULL-terminated once anything was added: v[nr] == NULL. */
struct words {
	char **v;
	size_t nr;
	size_t alloc;
};

#define WORDS_INIT { NULL, 0, 0 }

void words_add(struct words *w, const char *s);
void words_addn(struct words *w, const char *s, size_t len);
void words_release(struct words *w);

/*
 * Append the words of s to out. On a refusal returns false, sets *why to
 * a static sentence (what is wrong and what to write instead) and *at to
 * the 0-based offset of the offending character; out then holds the words
 * before it.
 */
bool words_split(const char *s, struct words *out, const char **why,
		 size_t *at);

#endif
