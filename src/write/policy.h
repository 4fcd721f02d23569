/*
 * policy — a pod set's CiliumNetworkPolicies, written as text: the data
 * netbuild.c builds (what each allows: netbuild.h), in the emitter's
 * shape (genobj.h, ytext.h). It decides nothing.
 */
#ifndef AGENTENV_POLICY_H
#define AGENTENV_POLICY_H

#include "genobj.h"
#include "selector.h"

void policy_generate(struct gen *g);

/*
 * The labels of a selector the sandbox built (equalities only), one
 * "KEY: VALUE" line each at indent: matchLabels, a Service's selector.
 */
void policy_write_labels(struct buf *b, size_t indent,
			 const struct selector *sel);

#endif
