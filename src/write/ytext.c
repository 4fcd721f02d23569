/*
 * ytext — YAML as text in libfyaml's block emitter's shape (see ytext.h).
 */
#include "ytext.h"

#include <string.h>

#include "yaml11.h"

void ytext_quoted(struct buf *b, const char *s)
{
	buf_add_yaml_quoted(b, s, strlen(s));
}

static bool plain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' ||
	       c == '-';
}

void ytext_plain(struct buf *b, const char *s)
{
	const char *p;

	for (p = s; *p && plain_char(*p); p++)
		;
	/* "123", "true", "on": valid names, but YAML 1.1 reads no string. */
	if (*s && !*p && !yaml11_plain_is_not_string(s, (size_t)(p - s)))
		buf_add(b, s, (size_t)(p - s));
	else
		ytext_quoted(b, s);
}

void ytext_indent(struct buf *b, size_t indent)
{
	static const char spaces[] = "                                ";

	while (indent > sizeof(spaces) - 1) {
		buf_add(b, spaces, sizeof(spaces) - 1);
		indent -= sizeof(spaces) - 1;
	}
	buf_add(b, spaces, indent);
}

static void key(struct buf *b, size_t indent, const char *k)
{
	ytext_indent(b, indent);
	ytext_plain(b, k);
	buf_add(b, ": ", 2);
}

void ytext_pair_plain(struct buf *b, size_t indent, const char *k,
		      const char *value)
{
	key(b, indent, k);
	ytext_plain(b, value);
	buf_addch(b, '\n');
}

void ytext_pair_quoted(struct buf *b, size_t indent, const char *k,
		       const char *value)
{
	key(b, indent, k);
	ytext_quoted(b, value);
	buf_addch(b, '\n');
}

void ytext_item_quoted(struct buf *b, size_t indent, const char *k,
		       const char *value)
{
	ytext_indent(b, indent);
	buf_add(b, "- ", 2);
	ytext_pair_quoted(b, 0, k, value);
}

void ytext_literal(struct buf *b, size_t indent, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		ytext_indent(b, indent);
		buf_add(b, text, len);
		buf_addch(b, '\n');
		text += len + (nl ? 1 : 0);
	}
}

bool ytext_slot_is(const char *name, size_t name_len, const char *s)
{
	return strlen(s) == name_len && !memcmp(name, s, name_len);
}

/* The first "${NAME}" in [p, end): *open at '$', *close at '}'. */
static bool find_slot(const char *p, const char *end, const char **open,
		      const char **close)
{
	while ((p = memchr(p, '$', (size_t)(end - p))) && p + 1 < end) {
		if (p[1] == '{') {
			*open = p;
			*close = memchr(p, '}', (size_t)(end - p));
			return *close != NULL;
		}
		p++;
	}
	return false;
}

/* One line (without its '\n') of a template. */
static void template_line(struct buf *b, const char *line, size_t len,
			  size_t indent, ytext_slot_fn *slot, void *data)
{
	const char *end = line + len, *p = line, *open, *close;
	size_t own = 0;

	while (own < len && line[own] == ' ')
		own++;
	if (find_slot(p, end, &open, &close) && open == line + own &&
	    close == end - 1) {
		slot(b, open + 2, (size_t)(close - open - 2), indent + own,
		     true, data);
		return;
	}
	ytext_indent(b, indent);
	while (find_slot(p, end, &open, &close)) {
		buf_add(b, p, (size_t)(open - p));
		slot(b, open + 2, (size_t)(close - open - 2), indent + own,
		     false, data);
		p = close + 1;
	}
	buf_add(b, p, (size_t)(end - p));
	buf_addch(b, '\n');
}

void ytext_template(struct buf *b, const char *tmpl, size_t indent,
		    ytext_slot_fn *slot, void *data)
{
	const char *p = tmpl;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (*p != '#')
			template_line(b, p, len, indent, slot, data);
		p += len + (nl ? 1 : 0);
	}
}
