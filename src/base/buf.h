/*
 * buf — a growable byte buffer, always NUL-terminated.
 *
 * Invariants (as git's strbuf):
 *  - b->data is never NULL after buf_init(): an empty buffer points at a
 *    static "" until the first append, so b->data can always be printed.
 *  - b->data[b->len] == '\0'.
 *  - Running out of memory is a system failure: the program dies with a
 *    message and exit status 1. buf writes that message itself (into a
 *    fixed buffer, with write(2)) and never calls diag, which is built on
 *    buf: the dependency is one-way, diag -> buf; the messages collected
 *    until then are not written. Before the input is validated nothing has
 *    been written to stdout; in the second pass (see postrender.c) part of
 *    the output may have been, as with a failed write, and the exit status
 *    tells Helm to discard it.
 */
#ifndef AGENTENV_BUF_H
#define AGENTENV_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc;
};

#define BUF_INIT { buf_empty, 0, 0 }
extern char buf_empty[];

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Give up ownership of the bytes: the caller frees the result. */
char *buf_detach(struct buf *b, size_t *len);
void buf_reset(struct buf *b);

/* Make room for extra more bytes (one allocation instead of doublings). */
void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Append s as a YAML double-quoted scalar: "..." with '"', '\\' and every
 * character YAML does not allow raw escaped, so no value can break out of
 * its scalar and every parser reads it (go-yaml, which Helm and kubectl
 * use, refuses a raw C1 control or U+FFFE: "control characters are not
 * allowed"). Escaped: C0 controls and DEL, C1 controls U+0080..U+009F,
 * the line breaks NEL, LS, PS, NBSP, U+FEFF, U+FFFE, U+FFFF; other bytes
 * >= 0x80 are copied: s must be valid UTF-8 (strings from the input came
 * through libfyaml; options are checked with valid_utf8()). The escapes
 * are those libfyaml 0.7.12's emitter writes (fy_emit_token_write_quoted:
 * \n, \t, \e, \x01, \x80, \N, \L, \_ for NBSP, \uFFFE, ...), so text
 * written with it is byte for byte what a tree would have been emitted
 * as. (That emitter also writes characters past U+FFFF as \UXXXXXXXX
 * when it escapes a scalar; they are printable to YAML, and copied here.)
 * The one quoting function of the program.
 */
void buf_add_yaml_quoted(struct buf *b, const char *s, size_t len);

/* Memory helpers that die on exhaustion (the system-failure tier). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xmemdup0(const char *s, size_t len);
/* Grow *p (an array of *alloc elements of size elem) to hold need elements. */
void *xgrow(void *p, size_t elem, size_t need, size_t *alloc);

#endif
