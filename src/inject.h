/*
 * inject — the pod edits: turn one pod template into a sandboxed one.
 *
 * What is added, in the order agent-env renders it:
 *  - runtimeClassName (the chart's, else agentenv.io/runtime-class, else
 *    gvisor; CLUSTER_DEFAULT removes the field);
 *  - --values labels, then app.kubernetes.io/instance (when missing: the
 *    chart's own value stands), inspect/service (only where the chart
 *    named the service), the service, release and sandbox labels the
 *    policies select on, the network labels; --values annotations;
 *  - enableServiceLinks: false and automountServiceAccountToken: false
 *    unless the chart sets them, --values imagePullSecrets;
 *  - every container but the sidecar: $AGENT_ENV, Guaranteed-QoS default
 *    resources when it sets none, /etc/resolv.conf from the resolv-conf
 *    ConfigMap (init containers too when the sidecar is native, since it
 *    starts before them);
 *  - the CoreDNS sidecar, regular (last container) or native (first init
 *    container, restartPolicy: Always), and its two ConfigMap volumes;
 *  - and last, the record of what was added (INJECTED_ANNOTATION), from
 *    which a later run undoes it before injecting again (idempotency:
 *    the output fed back in comes out the same).
 */
#ifndef AGENTENV_INJECT_H
#define AGENTENV_INJECT_H

#include <stdbool.h>

#include "sandbox.h"
#include "vocab.h"
#include "workload.h"


/*
 * Undo an earlier run's injection, as its record (INJECTED_ANNOTATION)
 * lists it, after checking that the pod holds every item the record
 * names where the record says; then the pod is checked and injected like
 * any other. So the output fed back in comes out the same, and a forged
 * or partial record can skip nothing: at worst it removes what it names,
 * and the runtimeClassName: CLUSTER_DEFAULT it may put back is believed
 * only where the pod states no runtime class of its own (no
 * runtimeClassName, no agentenv.io/runtime-class naming one), so the
 * pod never ends up weaker than a fresh injection would leave it.
 * Without a record nothing is removed: a chart's own container or volume
 * that looks like ours is refused by inject_check(). Returns false (and
 * reports) when the record does not match the pod.
 */
bool inject_strip(struct pod_template *pt);

/*
 * Check what would clash with the edits (a chart volume named like ours,
 * a container that mounts its own /etc/resolv.conf, a runtimeClassName:
 * CLUSTER_DEFAULT that agentenv.io/runtime-class contradicts, ...),
 * reporting through diag. Returns false when something does.
 */
bool inject_check(const struct pod_template *pt);

/*
 * The value pod label key will have once inject_pod() ran (NULL: none):
 * the chart's, the sandbox's own labels, --values labels. pt is to be
 * sandboxed (pt->service is set) and sb is finished.
 */
const char *inject_final_label(const struct pod_template *pt,
			       const struct sandbox *sb, const char *key);

/*
 * The two choices inject_pod() makes, for whoever must know them first
 * (confine.c, explain.c): the sidecar's form (native for pods that must
 * terminate or have init containers, unless the setting says), and the
 * runtime class (the chart's, else agentenv.io/runtime-class, else
 * gvisor; NULL for CLUSTER_DEFAULT, the cluster's default). pt has been
 * read by plan_read_pod().
 */
bool inject_native_sidecar(const struct pod_template *pt,
			   const struct service *svc);
const char *inject_runtime_class(const struct pod_template *pt,
				 const struct service *svc);

/* Apply the edits; pt has passed inject_check(). */
void inject_pod(struct pod_template *pt, const struct sandbox *sb);

#endif
