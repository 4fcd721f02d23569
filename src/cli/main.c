/*
 * agentenv-post — a Helm post-renderer that turns the pods of any chart
 * into an agent sandbox (see README.md and CONTRACT.md).
 *
 * main: options, the one read of stdin, the phases (postrender), stdout
 * as postrender hands the output on (only after everything is validated),
 * exit status: 0 success, 1 invalid input (nothing on stdout), 2 usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "options.h"
#include "postrender.h"
#include "stream.h"
#include "values.h"

/* All of stdin, or die; more than STREAM_MAX_BYTES is read but refused. */
static char *read_stdin(size_t *len)
{
	struct buf in = BUF_INIT;
	char chunk[1 << 16];
	struct stat st;

	/* A file (not Helm's pipe) tells its size: one allocation. */
	if (!fstat(STDIN_FILENO, &st) && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size <= STREAM_MAX_BYTES)
		buf_reserve(&in, (size_t)st.st_size);

	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("cannot read the manifest stream from stdin: %s",
			    strerror(errno));
		if (n == 0)
			break;
		if (in.len <= STREAM_MAX_BYTES)
			buf_add(&in, chunk, (size_t)n);
		else
			in.len += (size_t)n;	/* only counted, refused */
	}
	if (in.len > STREAM_MAX_BYTES) {
		free(in.alloc ? in.data : NULL);
		*len = STREAM_MAX_BYTES + 1;
		return xstrdup("");
	}
	return buf_detach(&in, len);
}

/* The output sink: every byte to stdout, or die. */
static void write_stdout(void *data, const char *p, size_t left)
{
	(void)data;
	while (left) {
		ssize_t n = write(STDOUT_FILENO, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write the post-rendered stream to stdout: "
			    "%s", n < 0 ? strerror(errno) : "short write");
		p += n;
		left -= (size_t)n;
	}
}

static void close_stdout(void)
{
	if (close(STDOUT_FILENO) && errno != EINTR)
		die("cannot write the post-rendered stream to stdout: %s",
		    strerror(errno));
}

int main(int argc, char **argv)
{
	struct settings st = { 0 };
	const char *values_path;
	size_t len;
	char *input;
	int status = EXIT_OK;

	/* A closed pipe is a write error we report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	switch (options_parse(argc, argv, &st, &values_path)) {
	case OPTIONS_RUN:
		break;
	case OPTIONS_DONE:	/* --help or --version: printed if it can be */
		settings_release(&st);
		if (fflush(stdout) || ferror(stdout) || fclose(stdout))
			die("cannot write to stdout: %s", strerror(errno));
		return EXIT_OK;
	case OPTIONS_USAGE:
		settings_release(&st);
		diag_flush();
		return EXIT_USAGE;
	}
	if (values_path)
		values_load(&st, values_path);
	values_add_options(&st);
	input = read_stdin(&len);
	if (diag_error_count()) {
		free(input);
		status = EXIT_INVALID_INPUT;
	} else if (postrender_to(&st, input, len,
				 st.check_only ? NULL : write_stdout, NULL)) {
		status = EXIT_INVALID_INPUT;
	}
	diag_flush();
	if (status == EXIT_OK && !st.check_only)
		close_stdout();
	settings_release(&st);
	return status;
}
