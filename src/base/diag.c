/*
 * diag — collected diagnostics and where they are written (see diag.h).
 */
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

static struct buf collected = BUF_INIT;
static size_t error_count;

static void add_where(struct buf *b, const struct where *w)
{
	if (!w || !w->doc)
		return;
	buf_addf(b, "document %zu", w->doc);
	if (w->item)
		buf_addf(b, ", item %zu", w->item);
	/* The chart's names are values too: cut, and escaped by the caller. */
	if (w->kind && w->name)
		buf_addf(b, " (%.*s%s/%.*s%s)", diag_shown(strlen(w->kind)),
			 w->kind, diag_cut(strlen(w->kind)),
			 diag_shown(strlen(w->name)), w->name,
			 diag_cut(strlen(w->name)));
	else if (w->kind)
		buf_addf(b, " (%.*s%s)", diag_shown(strlen(w->kind)), w->kind,
			 diag_cut(strlen(w->kind)));
	if (w->line)
		buf_addf(b, ", line %zu", w->line);
	buf_adds(b, ": ");
}

/*
 * Append where and the message with control characters written as
 * escapes: a value quoted in it (a newline in an annotation or a name,
 * say) must not break the one-line-per-problem shape or play tricks on a
 * terminal.
 */
static void add_message(struct buf *b, const struct where *w,
			const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void add_message(struct buf *b, const struct where *w,
			const char *fmt, va_list ap)
{
	static const char hex[] = "0123456789abcdef";
	struct buf raw = BUF_INIT;
	size_t i;

	add_where(&raw, w);
	buf_vaddf(&raw, fmt, ap);
	for (i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.data[i];

		if (c == '\n') {
			buf_adds(b, "\\n");
		} else if (c == '\t') {
			buf_adds(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			buf_add(b, esc, sizeof(esc));
		} else {
			buf_addch(b, (char)c);
		}
	}
	buf_release(&raw);
}

static void collect(const char *level, const struct where *w,
		    const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void collect(const char *level, const struct where *w,
		    const char *fmt, va_list ap)
{
	buf_addf(&collected, "agentenv-post: %s: ", level);
	add_message(&collected, w, fmt, ap);
	buf_addch(&collected, '\n');
}

int diag_shown(size_t len)
{
	return (int)(len > DIAG_VALUE_MAX ? DIAG_VALUE_MAX : len);
}

const char *diag_cut(size_t len)
{
	return len > DIAG_VALUE_MAX ? "..." : "";
}

void diag_error(const struct where *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	collect("error", w, fmt, ap);
	va_end(ap);
	error_count++;
}

void diag_warning(const struct where *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	collect("warning", w, fmt, ap);
	va_end(ap);
}

void diag_vusage(const char *fmt, va_list ap)
{
	collect("usage", NULL, fmt, ap);
	buf_adds(&collected, "(see agentenv-post --help)\n");
	error_count++;
}

void diag_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vusage(fmt, ap);
	va_end(ap);
}

size_t diag_error_count(void)
{
	return error_count;
}

const char *diag_collected(void)
{
	return collected.data;
}

void diag_clear(void)
{
	buf_release(&collected);
	error_count = 0;
}

/* Set by agentenv-helm: a file of this run's own, which it shows. */
static const char *private_log(void)
{
	const char *log = getenv("AGENTENV_POST_LOG");

	return log && *log ? log : NULL;
}

char *diag_log_path(void)
{
	const char *cache = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	struct buf path = BUF_INIT;

	if (private_log())
		return xstrdup(private_log());
	if (cache && *cache)
		buf_addf(&path, "%s/agentenv-post/last-error.log", cache);
	else if (home && *home)
		buf_addf(&path, "%s/.cache/agentenv-post/last-error.log", home);
	else
		return NULL;
	return buf_detach(&path, NULL);
}

static void write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* a diagnostic sink that fails is skipped */
		data += n;
		len -= (size_t)n;
	}
}

/* mkdir -p for the directories of path, made private (0700). */
static void make_parent_dirs(const char *path)
{
	char *dir = xstrdup(path);
	char *p;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	free(dir);
}

/*
 * Open name (in dirfd) to write the log, truncated. The log's directory
 * may be writable by someone else (a log path under /tmp, a shared
 * XDG_CACHE_HOME), who can plant a link there to a file of ours: so the
 * last component is never followed (O_NOFOLLOW), a file is created
 * owner-only, and an existing one is truncated only when it is a regular
 * file of ours with no other hard link (O_NONBLOCK: a FIFO planted there
 * cannot hang the run). Returns the descriptor, or -1 with why set.
 */
static int open_log(int dirfd, const char *name, struct buf *why)
{
	struct stat st;
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW |
			O_NONBLOCK | O_CLOEXEC, 0600);

	if (fd < 0) {
		int err = errno;

		/* ELOOP (EMLINK on BSD): a link; ENXIO: a FIFO, a socket */
		if (!fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISLNK(st.st_mode))
			buf_adds(why, "it is a symbolic link, which is not "
				 "followed: remove it");
		else if (err == ENXIO)
			buf_adds(why, "it is not a regular file: remove it");
		else
			buf_adds(why, strerror(err));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		buf_adds(why, "it is not a regular file: remove it");
	else if (st.st_uid != geteuid())
		buf_addf(why, "it belongs to uid %lu, not to you: remove it",
			 (unsigned long)st.st_uid);
	else if (st.st_nlink != 1)
		buf_adds(why, "it has other hard links: remove it");
	else if (ftruncate(fd, 0))
		buf_adds(why, strerror(errno));
	else
		return fd;
	close(fd);
	return -1;
}

/*
 * The cache directory of last-error.log (dir), made 0700 when missing;
 * opened only when it is a directory of ours that no one else may write
 * (else anyone who can write it could plant the log). -1 with why set.
 */
static int open_cache_dir(const char *dir, struct buf *why)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		if (!lstat(dir, &st) && S_ISLNK(st.st_mode))
			buf_addf(why, "%s: a symbolic link, which is not "
				 "followed: make it a directory of your own, or "
				 "set XDG_CACHE_HOME", dir);
		else
			buf_addf(why, "%s: %s", dir, strerror(err));
		return -1;
	}
	if (fstat(fd, &st))
		buf_addf(why, "%s: %s", dir, strerror(errno));
	else if (st.st_uid != geteuid())
		buf_addf(why, "the directory %s belongs to uid %lu, not to "
			 "you: remove it, or set XDG_CACHE_HOME to a "
			 "directory of your own", dir,
			 (unsigned long)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		buf_addf(why, "the directory %s is writable by others (mode "
			 "%03o): chmod 700 %s", dir,
			 (unsigned)(st.st_mode & 0777), dir);
	else
		return fd;
	close(fd);
	return -1;
}

/*
 * The log file diag_log_path() names, opened as open_log() says, in a
 * directory open_cache_dir() accepts unless AGENTENV_POST_LOG names it.
 */
static int open_log_path(const char *path, struct buf *why)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int dirfd, fd;

	if (private_log())
		return open_log(AT_FDCWD, path, why);
	make_parent_dirs(path);
	dir = xstrdup(path);
	dir[slash - path] = '\0';
	dirfd = open_cache_dir(dir, why);
	free(dir);
	if (dirfd < 0)
		return -1;
	fd = open_log(dirfd, slash + 1, why);
	close(dirfd);
	return fd;
}

/*
 * Helm 4 swallows a plugin's stderr and prints only 'plugin "agentenv-post"
 * exited with error'. Reach the user anyway: a log file the README names,
 * and the terminal Helm runs in (with a pointer to the log), when there is
 * one. The hint goes to stderr too, for Helm 3 and direct runs.
 */
static void write_helm_plugin_sinks(const char *text, size_t len)
{
	char *path = diag_log_path();
	struct buf hint = BUF_INIT, why = BUF_INIT;
	int fd;

	if (path) {
		fd = open_log_path(path, &why);
		if (fd >= 0) {
			write_all(fd, text, len);
			close(fd);
			buf_addf(&hint, "agentenv-post: these messages are "
				 "also in %s\n", path);
		} else {
			buf_addf(&hint, "agentenv-post: warning: these "
				 "messages are not written to %s: %s\n", path,
				 why.data);
		}
	}
	/*
	 * agentenv-helm prints the private log on its own stderr, for that
	 * install only: concurrent installs must not share a terminal.
	 */
	fd = private_log() ? -1 :
	     open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		write_all(fd, text, len);
		write_all(fd, hint.data, hint.len);
		close(fd);
	}
	write_all(STDERR_FILENO, hint.data, hint.len);
	buf_release(&why);
	buf_release(&hint);
	free(path);
}

static int running_as_helm_plugin(void)
{
	const char *name = getenv("HELM_PLUGIN_NAME");

	return name && *name;
}

void diag_flush(void)
{
	if (!collected.len)
		return;
	write_all(STDERR_FILENO, collected.data, collected.len);
	if (error_count && running_as_helm_plugin())
		write_helm_plugin_sinks(collected.data, collected.len);
	buf_release(&collected);
}

void die(const char *fmt, ...)
{
	va_list ap;

	/* Out of memory while formatting: buf writes its own fatal line. */
	va_start(ap, fmt);
	collect("fatal", NULL, fmt, ap);
	va_end(ap);
	error_count++;
	diag_flush();
	exit(EXIT_INVALID_INPUT);
}

void diag_bug(const char *file, int line, const char *fmt, ...)
{
	struct buf message = BUF_INIT;
	va_list ap;

	buf_addf(&message, "%s:%d: ", file, line);
	va_start(ap, fmt);
	buf_vaddf(&message, fmt, ap);
	va_end(ap);
	diag_error(NULL, "BUG: %s", message.data);
	buf_release(&message);
	diag_flush();
	abort();
}
