/*
 * postrender — the whole transformation, without I/O: a manifest stream
 * and the settings in, the sandboxed stream (or diagnostics) out.
 *
 * Phases, as git's commands do it: parse everything, validate everything
 * (collecting every problem through diag), and only then edit and
 * serialise. On any error nothing is serialised.
 */
#ifndef AGENTENV_POSTRENDER_H
#define AGENTENV_POSTRENDER_H

#include <stddef.h>

#include "buf.h"
#include "output.h"
#include "sandbox.h"

/*
 * Post-render input (malloc'ed, len bytes; taken over and freed), handing
 * the output to sink(data, ...) in pieces (see output.h) once everything
 * is validated; sink NULL: validate only (--check). Returns 0 on success,
 * 1 when the input was refused (diagnostics are in diag; nothing was
 * handed on).
 */
int postrender_to(const struct settings *st, char *input, size_t len,
		  output_sink_fn *sink, void *data);

/* postrender_to() appending the output to out (tests, fuzzing). */
int postrender(const struct settings *st, char *input, size_t len,
	       struct buf *out);

#endif
