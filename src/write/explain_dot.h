/*
 * explain_dot — --explain --format dot: a Graphviz digraph for `dot
 * -Tsvg`. Services are boxes grouped in a cluster per set of networks
 * (isolated ones dashed, hook pods dotted); an edge per allowed pair
 * labelled with its ports (one edge with two heads when both ways are
 * alike); the internet as one node, an edge to it per service with its
 * allowances; "outside the cluster" as one node, a solid edge to each
 * service with ports open to anyone, a dashed one per exposing Service.
 *
 * Every string is a double-quoted Graphviz string ('"' and '\' escaped, a
 * newline as \n, other control bytes as spaces), so chart values cannot
 * change the graph's structure. Deterministic: the same model, the same
 * bytes.
 */
#ifndef AGENTENV_EXPLAIN_DOT_H
#define AGENTENV_EXPLAIN_DOT_H

#include "buf.h"
#include "neteval.h"
#include "workload.h"

/* Append the dot explanation of m to b (as explain_write()). */
void explain_dot(struct buf *b, const struct net_model *m,
		 const struct pod_templates *pts);

#endif
