/*
 * yaml-reparse: does a YAML stream parse with libyaml?
 *
 * Every output of agentenv-post must re-parse with a second, independent
 * YAML parser.  agentenv-post reads and writes YAML with libfyaml; the
 * test suite feeds what it emits to this program, built on libyaml (the
 * parser under PyYAML, Ruby's Psych and many more), so output that only
 * libfyaml would accept is caught before Helm or kubectl sees it.
 *
 *   yaml-reparse [FILE | -]
 *
 * Reads FILE (stdin when there is none, or it is "-") and loads every
 * document of the stream with libyaml's document API, which also
 * resolves aliases.
 *
 *   exit 0  it parses:        "yaml-reparse: N documents" on stdout
 *   exit 1  it does not:      "yaml-reparse: FILE:LINE:COLUMN: PROBLEM"
 *                             on stderr, LINE and COLUMN 1-based
 *   exit 2  usage, I/O or out-of-memory error
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define PROG "yaml-reparse"

enum { EXIT_PARSES = 0, EXIT_BAD_YAML = 1, EXIT_TROUBLE = 2 };

struct input {
	const char *name;	/* for messages: the path, or "<stdin>" */
	unsigned char *buf;
	size_t len;
};

static int read_all(FILE *f, struct input *in)
{
	size_t cap = 0;

	for (;;) {
		if (in->len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			unsigned char *nbuf;

			if (ncap < cap)
				return ENOMEM;
			nbuf = realloc(in->buf, ncap);
			if (!nbuf)
				return ENOMEM;
			in->buf = nbuf;
			cap = ncap;
		}
		in->len += fread(in->buf + in->len, 1, cap - in->len, f);
		if (ferror(f))
			return errno ? errno : EIO;
		if (feof(f))
			return 0;
	}
}

static int load_input(const char *path, struct input *in)
{
	FILE *f = stdin;
	int err;

	in->name = "<stdin>";
	if (path && strcmp(path, "-")) {
		in->name = path;
		f = fopen(path, "rb");
		if (!f) {
			err = errno;
			fprintf(stderr, PROG ": %s: %s\n", path, strerror(err));
			return -1;
		}
	}
	errno = 0;
	err = read_all(f, in);
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, PROG ": %s: %s\n", in->name, strerror(err));
		return -1;
	}
	return 0;
}

/*
 * libyaml's reader gives a byte offset, not a mark: count lines and
 * characters (not UTF-8 continuation bytes) up to it ourselves.
 */
static yaml_mark_t mark_at(const struct input *in, size_t offset)
{
	yaml_mark_t m = { 0, 0, 0 };
	size_t i;

	if (offset > in->len)
		offset = in->len;
	for (i = 0; i < offset; i++) {
		if (in->buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if ((in->buf[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	m.index = offset;
	return m;
}

static void report(const struct input *in, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_READER_ERROR) {
		m = mark_at(in, p->problem_offset);
		if (p->problem_value != -1)
			fprintf(stderr, PROG ": %s:%zu:%zu: %s: #%X\n",
				in->name, m.line + 1, m.column + 1, problem,
				(unsigned int)p->problem_value);
		else
			fprintf(stderr, PROG ": %s:%zu:%zu: %s\n",
				in->name, m.line + 1, m.column + 1, problem);
	} else if (p->context) {
		fprintf(stderr, PROG ": %s:%zu:%zu: %s (%s at %zu:%zu)\n",
			in->name, m.line + 1, m.column + 1, problem,
			p->context, p->context_mark.line + 1,
			p->context_mark.column + 1);
	} else {
		fprintf(stderr, PROG ": %s:%zu:%zu: %s\n",
			in->name, m.line + 1, m.column + 1, problem);
	}
}

/* Load and drop every document; return how many, or -1 on error. */
static long count_documents(yaml_parser_t *p)
{
	long n = 0;

	for (;;) {
		yaml_document_t doc;
		int end;

		/* On failure libyaml has already freed the document. */
		if (!yaml_parser_load(p, &doc))
			return -1;
		end = !yaml_document_get_root_node(&doc);
		yaml_document_delete(&doc);
		if (end)
			return n;
		n++;
	}
}

static int reparse(const struct input *in)
{
	yaml_parser_t parser;
	long n;
	int ret = EXIT_PARSES;

	if (!yaml_parser_initialize(&parser)) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_TROUBLE;
	}
	yaml_parser_set_input_string(&parser, in->buf, in->len);

	n = count_documents(&parser);
	if (n >= 0) {
		printf(PROG ": %ld documents\n", n);
	} else if (parser.error == YAML_MEMORY_ERROR) {
		fprintf(stderr, PROG ": %s: out of memory\n", in->name);
		ret = EXIT_TROUBLE;
	} else {
		report(in, &parser);
		ret = EXIT_BAD_YAML;
	}
	yaml_parser_delete(&parser);
	return ret;
}

int main(int argc, char **argv)
{
	struct input in = { NULL, NULL, 0 };
	int ret;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "usage: " PROG " [FILE | -]\n");
		return EXIT_TROUBLE;
	}
	if (load_input(argc == 2 ? argv[1] : NULL, &in)) {
		free(in.buf);
		return EXIT_TROUBLE;
	}
	ret = reparse(&in);
	free(in.buf);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": write error\n");
		return EXIT_TROUBLE;
	}
	return ret;
}
