/*
 * buf — a growable byte buffer (see buf.h for the invariants).
 */
#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char buf_empty[1];

/*
 * The system-failure tier of buf itself: diag collects its messages in
 * bufs, so buf must not call back into diag (a circle, and an allocation
 * while out of memory). As git's usage.c, format into a fixed buffer of
 * our own, write it with write(2) and exit 1 (EXIT_INVALID_INPUT): the
 * same "agentenv-post: fatal: ..." line diag's die() writes.
 */
__attribute__((noreturn, format(printf, 1, 2)))
static void buf_die(const char *fmt, ...)
{
	static const char prefix[] = "agentenv-post: fatal: ";
	char msg[256];
	size_t len = sizeof(prefix) - 1, left;
	const char *p = msg;
	va_list ap;
	int n;

	memcpy(msg, prefix, len);
	va_start(ap, fmt);
	n = vsnprintf(msg + len, sizeof(msg) - len - 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		len += (size_t)n < sizeof(msg) - len - 1 ?
		       (size_t)n : sizeof(msg) - len - 2;
	msg[len++] = '\n';
	for (left = len; left;) {
		ssize_t w = write(STDERR_FILENO, p, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		left -= (size_t)w;
	}
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		buf_die("out of memory (allocating %zu bytes)", size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		buf_die("out of memory (allocating %zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		buf_die("out of memory (allocating %zu bytes)", size);
	return q;
}

char *xmemdup0(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

void *xgrow(void *p, size_t elem, size_t need, size_t *alloc)
{
	size_t n;

	if (need <= *alloc)
		return p;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			buf_die("out of memory (growing an array to %zu "
				"items)", need);
		n *= 2;
	}
	*alloc = n;
	return xrealloc(p, n * elem);
}

void buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->data);
	buf_init(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *data = b->alloc ? b->data : xstrdup("");

	if (len)
		*len = b->len;
	buf_init(b);
	return data;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->data[0] = '\0';
}

void buf_reserve(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		buf_die("out of memory (buffer of %zu bytes)", b->len);
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	if (!b->alloc)
		b->data = NULL;
	if (need > 2 * b->alloc) {	/* a big reservation: exactly that */
		b->data = xrealloc(b->data, need);
		b->alloc = need;
	} else {
		b->data = xgrow(b->data, 1, need, &b->alloc);
	}
	b->data[b->len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_reserve(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/*
 * Formatted once into the room b has, when it fits (a reused buffer),
 * else measured, made room for, and formatted again.
 */
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	size_t room = b->alloc ? b->alloc - b->len : 0;	/* with the NUL */
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, copy);
	va_end(copy);
	if (n < 0)
		buf_die("cannot format a message (%s)", fmt);
	if ((size_t)n >= room) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_add_yaml_quoted(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	/* libfyaml's emitter writes these short forms: so do we. */
	static const char short_escape[0x20] = {
		[0x00] = '0', [0x07] = 'a', [0x08] = 'b', [0x09] = 't',
		[0x0a] = 'n', [0x0b] = 'v', [0x0c] = 'f', [0x0d] = 'r',
		[0x1b] = 'e',
	};
	size_t i;

	buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, (char)c);
		} else if (c == 0xc2 && i + 1 < len &&
			   (unsigned char)s[i + 1] == 0x85) {
			/* NEL: a line break to YAML 1.1. */
			buf_adds(b, "\\N");
			i++;
		} else if (c == 0xc2 && i + 1 < len &&
			   (unsigned char)s[i + 1] == 0xa0) {
			/* NBSP: printable, but libfyaml writes it so. */
			buf_adds(b, "\\_");
			i++;
		} else if (c == 0xc2 && i + 1 < len &&
			   (unsigned char)s[i + 1] < 0xa0) {
			/* C1 controls, U+0080..U+009F: no YAML printable. */
			unsigned char c1 = (unsigned char)s[++i];
			char esc[4] = { '\\', 'x', hex[c1 >> 4], hex[c1 & 15] };

			buf_add(b, esc, sizeof(esc));
		} else if (c == 0xef && i + 2 < len &&
			   (((unsigned char)s[i + 1] == 0xbf &&
			     (unsigned char)s[i + 2] >= 0xbe) ||
			    ((unsigned char)s[i + 1] == 0xbb &&
			     (unsigned char)s[i + 2] == 0xbf))) {
			/* U+FFFE, U+FFFF: no YAML printable; U+FEFF, the
			 * byte order mark, which libfyaml escapes too. */
			buf_adds(b, (unsigned char)s[i + 1] == 0xbb ?
				 "\\uFEFF" : (unsigned char)s[i + 2] == 0xbe ?
				 "\\uFFFE" : "\\uFFFF");
			i += 2;
		} else if (c == 0xe2 && i + 2 < len &&
			   (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 ||
			    (unsigned char)s[i + 2] == 0xa9)) {
			/* LS and PS: line breaks to YAML 1.1 too. */
			buf_adds(b, (unsigned char)s[i + 2] == 0xa8 ? "\\L" :
				 "\\P");
			i += 2;
		} else if (c < 0x20 && short_escape[c]) {
			buf_addch(b, '\\');
			buf_addch(b, short_escape[c]);
		} else if (c < 0x20 || c == 0x7f) {
			char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			buf_add(b, esc, sizeof(esc));
		} else {
			buf_addch(b, (char)c);
		}
	}
	buf_addch(b, '"');
}
