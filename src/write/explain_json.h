/*
 * explain_json — --explain --format json: the same facts for tools, one
 * JSON object written with json.h, ended by a newline.
 *
 * The schema is README.md's ("Explaining a sandbox"): "schema": 1, then
 * release, namespace, networks, policy_sets, services[], matrix[],
 * kept_policies, not_sandboxed[]. A change that breaks it raises the
 * number; new keys may be added (a key only some services have, such as
 * open_to_anyone, is written only where it applies, so the outputs of
 * schema 1 stay as they were). Deterministic: the same model, the same
 * bytes.
 */
#ifndef AGENTENV_EXPLAIN_JSON_H
#define AGENTENV_EXPLAIN_JSON_H

#include "buf.h"
#include "neteval.h"
#include "workload.h"

/* Append the json explanation of m to b (as explain_write()). */
void explain_json(struct buf *b, const struct net_model *m,
		  const struct pod_templates *pts);

#endif
