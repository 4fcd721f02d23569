/*
 * inject — the pod edits: turn one pod template into a sandboxed one.
 *
 * What is added, in the order agent-env renders it:
 *  - runtimeClassName (the chart's, else agentenv.io/runtime-class, else
 *    gvisor; CLUSTER_DEFAULT removes the field);
 *  - labels inspect/service, app.kubernetes.io/instance, the network
 *    labels, the sandbox label policies select on, and --values labels;
 *    --values annotations;
 *  - enableServiceLinks: false, automountServiceAccountToken: false unless
 *    set, --values imagePullSecrets;
 *  - every container but the sidecar: $AGENT_ENV, Guaranteed-QoS default
 *    resources when it sets none, /etc/resolv.conf from the resolv-conf
 *    ConfigMap (init containers too when the sidecar is native, since it
 *    starts before them);
 *  - the CoreDNS sidecar, regular (last container) or native (first init
 *    container, restartPolicy: Always), and its two ConfigMap volumes.
 *
 * A pod template that carries our sidecar already is left as it is
 * (idempotency: the output fed back in comes out the same).
 */
#ifndef AGENTENV_INJECT_H
#define AGENTENV_INJECT_H

#include <stdbool.h>

#include "sandbox.h"
#include "workload.h"

/* The label every sandboxed pod carries; the policies select on it. */
#define SANDBOX_LABEL "agentenv.io/sandbox"
#define NETWORK_LABEL_PREFIX "aisi.gov.uk/network-"
#define SIDECAR_NAME "coredns"
#define COREDNS_VOLUME "coredns-config"
#define RESOLV_VOLUME "resolv-conf"

/* pt already carries our sidecar (set pt->injected_before from this). */
bool inject_found(const struct pod_template *pt);

/*
 * Check what would clash with the edits (a chart volume named like ours,
 * a container that mounts its own /etc/resolv.conf, ...), reporting
 * through diag. Returns false when something does.
 */
bool inject_check(const struct pod_template *pt);

/* Apply the edits; pt has passed inject_check(). */
void inject_pod(struct pod_template *pt, const struct sandbox *sb);

#endif
