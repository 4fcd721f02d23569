/*
 * yaml11 — how a YAML 1.1 parser resolves a plain scalar (see yaml11.h).
 */
#include "yaml11.h"

#include <ctype.h>
#include <string.h>

/* The longest of the words below ("false"). */
#define YAML11_WORD_MAX 5

static bool text_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

/* [-+]?digits with '_' allowed between digits, in the given base. */
static bool all_digits(const char *s, size_t n, int base)
{
	size_t i, digits = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (base == 16 && isxdigit((unsigned char)c)) ||
			  (base == 10 && c >= '0' && c <= '9') ||
			  (base == 8 && c >= '0' && c <= '7') ||
			  (base == 2 && (c == '0' || c == '1'));

		if (ok)
			digits++;
		else if (c != '_')
			return false;
	}
	return digits > 0;
}

/* 1.5, .5, 1., 1e3, 1.5E-3, 6.8523015e+5 (YAML 1.1's float, roughly). */
static bool is_float(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
		digits += s[i++] != '_';
	if (i < n && s[i] == '.')
		for (i++; i < n && ((s[i] >= '0' && s[i] <= '9') ||
				    s[i] == '_'); i++)
			digits += s[i] != '_';
	if (!digits)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n)
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

bool yaml11_plain_is_not_string(const char *s, size_t n)
{
	static const char *const words[] = {
		"~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES",
		"n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
		"False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
		".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN",
	};
	size_t i;

	if (!n)
		return true;	/* the empty plain scalar is null */
	/* (No word is longer than YAML11_WORD_MAX: most scalars are.) */
	for (i = 0; n <= YAML11_WORD_MAX &&
	     i < sizeof(words) / sizeof(words[0]); i++)
		if (text_is(s, n, words[i]))
			return true;
	if (s[0] == '+' || s[0] == '-') {
		s++;
		n--;
		if (text_is(s, n, ".inf") || text_is(s, n, ".Inf") ||
		    text_is(s, n, ".INF"))
			return true;
	}
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return all_digits(s + 2, n - 2, 16);
	if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'b'))
		return all_digits(s + 2, n - 2, s[1] == 'o' ? 8 : 2);
	return all_digits(s, n, 10) || is_float(s, n);
}
