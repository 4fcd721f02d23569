/*
 * explain_text — --explain --format text (the default), for people: a
 * header (release, namespace, networks, policy sets), one block per
 * service (workload, runtime class, sidecar, networks, ports, DNS names,
 * who reaches it and whom it reaches, the Services exposing it, internet
 * egress, DNS lookups, isolation), then the service x service matrix,
 * the chart policies kept and the workloads opted out. README.md
 * ("Explaining a sandbox") shows it.
 *
 * Values from the chart that may hold control bytes are written with
 * them escaped (\xNN). Deterministic: the same model, the same bytes.
 */
#ifndef AGENTENV_EXPLAIN_TEXT_H
#define AGENTENV_EXPLAIN_TEXT_H

#include "buf.h"
#include "neteval.h"
#include "workload.h"

/* Append the text explanation of m to b (as explain_write()). */
void explain_text(struct buf *b, const struct net_model *m,
		  const struct pod_templates *pts);

#endif
