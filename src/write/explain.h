/*
 * explain — --explain: what the sandbox allows, instead of the manifests.
 *
 * A pure consumer of the finished sandbox model (and of the pod templates
 * it was read from, for the facts only the pods know: workload kind,
 * whether the pod must run to completion, the chart's runtimeClassName).
 * Who may reach what comes from the network evaluator (neteval.h): the
 * policies themselves, the sandbox's and the chart's kept ones, evaluated
 * as Cilium does. Writes into a buffer and never prints: main writes once.
 *
 * Three renderings of the same facts, all deterministic, each in its own
 * file (the facts they share: explain_common.h):
 *  - text (explain_text.h): one block per service, then a service x
 *    service matrix;
 *  - dot (explain_dot.h): a Graphviz digraph, services grouped by their
 *    networks, an edge per allowed pair with its ports, the internet as
 *    one node;
 *  - json (explain_json.h): the schema README.md documents ("schema": 1),
 *    for tools, written with json.h.
 */
#ifndef AGENTENV_EXPLAIN_H
#define AGENTENV_EXPLAIN_H

#include "buf.h"
#include "sandbox.h"
#include "workload.h"

struct chart_policies;

/*
 * Who may reach whom is a service x service relation: beyond this many
 * services its text would run to megabytes nobody reads. postrender
 * refuses --explain beyond it.
 */
#define EXPLAIN_MAX_SERVICES 300

/*
 * Append the explanation of sb in form (one of the OUTPUT_EXPLAIN_*) to
 * out. sb is finished and checked (plan_finish() without errors), or has
 * no service at all (nothing to sandbox: release may then be NULL).
 */
void explain_write(struct buf *out, const struct sandbox *sb,
		   const struct pod_templates *pts,
		   const struct chart_policies *cps, enum output_form form);

#endif
