/*
 * policy — a pod set's CiliumNetworkPolicies, written as text (see
 * policy.c for what each allows, genobj.h).
 */
#ifndef AGENTENV_POLICY_H
#define AGENTENV_POLICY_H

#include "genobj.h"

void policy_generate(struct gen *g);

#endif
