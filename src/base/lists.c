/*
 * lists — the comma-separated lists of annotations (see lists.h).
 */
#include "lists.h"

#include <string.h>

bool list_split(const char *s, size_t len,
		bool (*fn)(void *data, const char *item, size_t len),
		void *data)
{
	const char *p = s, *end = s + len;

	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma ? comma : end;
		const char *a = p, *b = item_end;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		/* 'a' or "a": chart authors quote items such as '*.x.org'. */
		if (b - a >= 2 && (*a == '\'' || *a == '"') && b[-1] == *a) {
			a++;
			b--;
		}
		if (a == b)
			return false;
		if (!fn(data, a, (size_t)(b - a)))
			return true;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

struct list_search {
	const char *word;
	size_t len;
	bool found;
};

static bool match_item(void *data, const char *item, size_t len)
{
	struct list_search *ls = data;

	ls->found = len == ls->len && !memcmp(item, ls->word, len);
	return !ls->found;
}

bool list_has(const char *list, const char *word)
{
	struct list_search ls = { word, strlen(word), false };

	list_split(list, strlen(list), match_item, &ls);
	return ls.found;
}
