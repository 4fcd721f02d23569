/*
 * confine — what a pod may not carry into the sandbox.
 *
 * A sandboxed pod's network identity, DNS and kernel must be the ones the
 * sandbox gives it; these fields would take them back, so they are
 * refused, each with the way out in its message:
 *  - host namespaces (hostNetwork, hostPID, hostIPC): always;
 *  - a DNS setup that bypasses the sidecar (dnsPolicy other than
 *    ClusterFirst, dnsConfig.nameservers): always;
 *  - privileged containers and hostPath volumes: unless the workload says
 *    agentenv.io/host-access: "true" and the pod runs under gVisor (a
 *    container-escape evaluation: deliberate, visible, and still behind
 *    gVisor's kernel).
 * Boolean fields are read as the API server reads them (YAML 1.1: yes,
 * on, True, !!bool y are all true); one that is no boolean at all is
 * refused too, since what the cluster would make of it is not ours to
 * guess.
 */
#ifndef AGENTENV_CONFINE_H
#define AGENTENV_CONFINE_H

#include <stdbool.h>

#include "sandbox.h"
#include "workload.h"

/* Check pt (to be sandboxed as svc); report through diag. */
bool confine_check(const struct pod_template *pt, const struct service *svc);

#endif
