/*
 * words — argument vectors and shell-style word splitting (see words.h).
 */
#include "words.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

void words_addn(struct words *w, const char *s, size_t len)
{
	w->v = xgrow(w->v, sizeof(*w->v), w->nr + 2, &w->alloc);
	w->v[w->nr++] = xmemdup0(s, len);
	w->v[w->nr] = NULL;
}

void words_add(struct words *w, const char *s)
{
	words_addn(w, s, strlen(s));
}

void words_release(struct words *w)
{
	size_t i;

	for (i = 0; i < w->nr; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->nr = w->alloc = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Characters a shell gives a meaning to outside quotes. */
static const char *unquoted_refusal(char c)
{
	switch (c) {
	case '$': case '`':
		return "would be expanded by a shell, and no shell runs here: "
		       "write the value itself, in single quotes if need be";
	case '*': case '?': case '[': case '~':
		return "would be expanded by a shell (a glob or the home "
		       "directory), and no shell runs here: quote it "
		       "('*.example.com')";
	case ';': case '&': case '|': case '<': case '>': case '(':
	case ')': case '#':
		return "is shell syntax, and no shell runs here: quote it if "
		       "it belongs to a value";
	default:
		return NULL;
	}
}

bool words_split(const char *s, struct words *out, const char **why,
		 size_t *at)
{
	struct buf word = BUF_INIT;
	bool in_word = false;
	size_t i = 0;

	for (;;) {
		char c = s[i];

		if (!c || is_blank(c)) {
			if (in_word)
				words_addn(out, word.data, word.len);
			buf_reset(&word);
			in_word = false;
			if (!c)
				break;
			i++;
			continue;
		}
		if (c == '\\') {
			in_word = true;
			if (!s[i + 1]) {	/* a trailing backslash: itself */
				buf_addch(&word, c);
				i++;
			} else if (s[i + 1] == '\n') {
				i += 2;		/* a line continuation */
			} else {
				buf_addch(&word, s[i + 1]);
				i += 2;
			}
			continue;
		}
		if (c == '\'') {
			const char *end = strchr(s + i + 1, '\'');

			if (!end) {
				*why = "opens a single quote that is never "
				       "closed";
				goto refused;
			}
			buf_add(&word, s + i + 1, (size_t)(end - s) - i - 1);
			in_word = true;
			i = (size_t)(end - s) + 1;
			continue;
		}
		if (c == '"') {
			size_t j = i + 1;

			for (; s[j] && s[j] != '"'; j++) {
				if (s[j] == '$' || s[j] == '`') {
					i = j;
					*why = unquoted_refusal(s[j]);
					goto refused;
				}
				if (s[j] == '\\' && s[j + 1] &&
				    strchr("$`\"\\\n", s[j + 1])) {
					if (s[j + 1] != '\n')
						buf_addch(&word, s[j + 1]);
					j++;
					continue;
				}
				buf_addch(&word, s[j]);
			}
			if (!s[j]) {
				*why = "opens a double quote that is never "
				       "closed";
				goto refused;
			}
			in_word = true;
			i = j + 1;
			continue;
		}
		*why = unquoted_refusal(c);
		if (*why)
			goto refused;
		buf_addch(&word, c);
		in_word = true;
		i++;
	}
	buf_release(&word);
	return true;
refused:
	*at = i;
	buf_release(&word);
	return false;
}
