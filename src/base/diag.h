/*
 * diag — the diagnostics of one run: the only place messages are formatted
 * and the only place they are written.
 *
 * Three tiers of failure, as in git:
 *  - bad input (a document, an annotation, an option value) is collected
 *    with diag_error() and the program goes on, so that one run reports
 *    every problem; main() checks diag_error_count() before writing any
 *    output and exits 1 when it is not zero;
 *  - a system failure (a failed write, ...) is die(): print and exit 1 at
 *    once (running out of memory is buf's own: see buf.h, as diag is
 *    built on buf and buf never calls diag);
 *  - a broken invariant is BUG(): print and abort().
 * Every message, usage errors and BUG() included, goes through here.
 *
 * A message names where the problem is, what is wrong and what would be
 * accepted:
 *
 *   agentenv-post: error: document 3 (Deployment/web), line 12:
 *     metadata.annotations["agentenv.io/allow-cidr"]: '10.0.0.0/33' is not
 *     a CIDR: the prefix length must be 0-32 for IPv4
 *
 * Helm 4 hides a plugin's stderr, so when run as a Helm plugin
 * (HELM_PLUGIN_NAME set) diag_flush() also writes the messages to the
 * controlling terminal, when one can be opened, and to the log file
 * diag_log_path() names. AGENTENV_POST_LOG (set by agentenv-helm, one
 * file per Helm run) replaces that log file and the terminal: the
 * wrapper prints the file on Helm's stderr, so concurrent installs never
 * show each other's messages. Neither log follows a symbolic link or
 * truncates a file that is not the user's own (regular, one link), a new
 * one is 0600, and last-error.log's directory is made 0700 and used only
 * when it is the user's and no one else may write it; a log not written
 * is said on stderr (and the terminal) with the reason.
 */
#ifndef AGENTENV_DIAG_H
#define AGENTENV_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* The exit status, named once (CONTRACT.md). */
enum exit_status {
	EXIT_OK = 0,
	EXIT_INVALID_INPUT = 1,	/* refused input, or a system failure */
	EXIT_USAGE = 2,		/* a bad command line */
};

struct where {
	size_t doc;		/* 1-based document index; 0: not a document */
	size_t item;		/* 1-based item of a list document; 0: none */
	const char *kind;	/* the object's kind, or NULL */
	const char *name;	/* the object's metadata.name, or NULL */
	size_t line;		/* 1-based line in the stream; 0: unknown */
};

/*
 * A value quoted in a message is cut to DIAG_VALUE_MAX bytes, and
 * diag_cut() tells what to append: "..." when it was cut, else "". Use as
 *   "'%.*s%s'", diag_shown(len), value, diag_cut(len)
 */
#define DIAG_VALUE_MAX 120
int diag_shown(size_t len);
const char *diag_cut(size_t len);

void diag_error(const struct where *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warning(const struct where *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t diag_error_count(void);
/*
 * A usage error (bad command line): "agentenv-post: usage: ..." and a
 * hint at --help, collected like an error so that it reaches Helm 4's
 * user too (diag_flush()).
 */
void diag_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a caller's own printf-like wrapper (options.c). */
void diag_vusage(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* Write what was collected (errors and warnings) and forget it. */
void diag_flush(void);
/* Everything collected so far, for tests. */
const char *diag_collected(void);
void diag_clear(void);

/* The log file used when run as a Helm plugin. The caller frees it. */
char *diag_log_path(void);

__attribute__((noreturn, format(printf, 1, 2)))
void die(const char *fmt, ...);

__attribute__((noreturn, format(printf, 3, 4)))
void diag_bug(const char *file, int line, const char *fmt, ...);
#define BUG(...) diag_bug(__FILE__, __LINE__, __VA_ARGS__)

#endif
