/*
 * names — deterministic names for the objects agentenv-post generates.
 *
 * Every generated name is "<prefix>-<suffix>" where the prefix is derived
 * from the release ("agentenv-<release>", also the value of $AGENT_ENV).
 * A name longer than the limit is cut and ends in "-" and ten hex digits
 * of a hash of the whole name, so it stays unique, stable across runs and
 * within Kubernetes' 63-character limit (agent-env fails on long names
 * instead).
 */
#ifndef AGENTENV_NAMES_H
#define AGENTENV_NAMES_H

#include <stddef.h>

#include "vocab.h"	/* NAME_MAX_LEN */

/*
 * A copy of name that fits in limit characters (see above). limit must
 * leave room for the hash (> 16).
 */
char *name_fit(const char *name, size_t limit);

/*
 * name_fit("<part>-<part>-...", NAME_MAX_LEN) of the parts given, up to a
 * NULL: name_build(prefix, "svc", name, "ingress", NULL).
 */
char *name_build(const char *first, ...) __attribute__((sentinel));

#endif
