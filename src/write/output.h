/*
 * output — the post-rendered stream, handed on in pieces as it is made.
 *
 * The output is about three times the input: holding it whole (or its
 * pieces until the end) would cost more memory than everything else. So
 * once the input is validated, each document is written as soon as it is
 * edited (or passed through), and the generated objects as they are
 * written; small pieces are gathered into writes of OUTPUT_CHUNK bytes.
 *
 * The sink is a function: main's writes to stdout (dying on a write
 * error), tests and the fuzzer's append to a buf.
 */
#ifndef AGENTENV_OUTPUT_H
#define AGENTENV_OUTPUT_H

#include <stddef.h>

#include "buf.h"

#define OUTPUT_CHUNK ((size_t)64 << 10)

typedef void output_sink_fn(void *data, const char *bytes, size_t len);

struct output {
	output_sink_fn *sink;
	void *data;
	struct buf pending;	/* small pieces not yet handed on */
	size_t written;		/* bytes handed on so far */
};

void output_init(struct output *o, output_sink_fn *sink, void *data);
/* Add bytes; they reach the sink in order, by OUTPUT_CHUNK or more. */
void output_add(struct output *o, const char *bytes, size_t len);
/* Hand on what is pending (before output_release, at the end). */
void output_flush(struct output *o);
void output_release(struct output *o);

/* A sink appending to the struct buf that data points to. */
void output_to_buf(void *data, const char *bytes, size_t len);

#endif
