/*
 * inject — the pod edits: turn one pod template into a sandboxed one.
 *
 * What is added, in the order agent-env renders it (the choices among
 * them are the plan's, recorded in pt->decided: see decide.h):
 *  - runtimeClassName as decided (CLUSTER_DEFAULT removes the field);
 *  - the labels as decided (--values labels, app.kubernetes.io/instance,
 *    inspect/service, the service, release, sandbox and network labels);
 *    --values annotations;
 *  - enableServiceLinks: false and automountServiceAccountToken: false
 *    unless the chart sets them, --values imagePullSecrets;
 *  - every container but the sidecar: $AGENT_ENV, Guaranteed-QoS default
 *    resources when it sets none, /etc/resolv.conf from the resolv-conf
 *    ConfigMap (init containers too when the sidecar is native, since it
 *    starts before them);
 *  - the CoreDNS sidecar in the decided form, regular (last container) or
 *    native (first init container, restartPolicy: Always), and its two
 *    ConfigMap volumes;
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
 * Apply the edits; pt has passed inject_check() and the plan decided it
 * (decide.h): the runtime class, the sidecar's form and the labels are
 * written as recorded in pt->decided, never chosen here.
 */
void inject_pod(struct pod_template *pt, const struct sandbox *sb);

#endif
