/*
 * confine — what a pod may not carry into the sandbox.
 *
 * A sandboxed pod's network identity, DNS and kernel must be the ones the
 * sandbox gives it; these fields would take them back, so they are
 * refused, each with the way out in its message:
 *  - host namespaces (hostNetwork, hostPID, hostIPC): always;
 *  - a DNS setup that bypasses the sidecar (dnsPolicy other than
 *    ClusterFirst, dnsConfig.nameservers): always;
 *  - a hostPort on any container port: always (the node's port would
 *    reach the pod as the node, which Cilium lets in by default);
 *  - privileged containers, hostPath volumes and volumes the node mounts
 *    or fetches over its own network (nfs, csi, image, ...: their traffic
 *    is the node's, outside the policies): unless the workload says
 *    agentenv.io/host-access: "true" and the pod runs under gVisor, as
 *    the plan decided its runtime class (decide.h): a container-escape
 *    evaluation, deliberate, visible, and still behind gVisor's kernel;
 *  - a volume source outside Kubernetes' table: always (who would mount
 *    it is unknown).
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
