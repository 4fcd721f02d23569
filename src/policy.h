/*
 * policy — a pod set's CiliumNetworkPolicies, written as text: the data
 * netbuild.c builds (what each allows: netbuild.h), in the emitter's
 * shape (genobj.h, ytext.h). It decides nothing.
 */
#ifndef AGENTENV_POLICY_H
#define AGENTENV_POLICY_H

#include "genobj.h"

void policy_generate(struct gen *g);

#endif
