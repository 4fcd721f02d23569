/*
 * exposure — the chart's Services that let traffic from outside the
 * cluster reach sandboxed pods.
 *
 * The sandbox's default-deny ingress policy keeps the world out, but
 * Cilium admits what comes from the node itself (the host identity:
 * allow-localhost is "always" by default). The nodes forward traffic from
 * outside to the pods of a Service with externalIPs, or of type NodePort
 * or LoadBalancer, and where that forwarding rewrites the client's
 * address to the node's (kube-proxy with externalTrafficPolicy: Cluster)
 * an outside client talks to the agent as the node: a channel, both ways,
 * that the policies and --explain would not show. Whether it does depends
 * on the cluster (Cilium's kube-proxy replacement keeps the client's
 * address, and then the policy denies it). So:
 *  - spec.externalIPs (a non-empty list) on a Service that selects a
 *    sandboxed pod is refused: it makes every node forward any address the
 *    chart names, and no chart needs it to reach its pods (way out: remove
 *    it; a ClusterIP Service reaches them from inside the cluster). On a
 *    Service that selects no sandboxed pod it is left alone: it carries
 *    traffic to pods outside the sandbox (opted out), the chart's business.
 *  - type NodePort or LoadBalancer (any type but ClusterIP and
 *    ExternalName) over sandboxed pods is accepted with a warning naming
 *    the Service and the pods (Bitnami charts default to LoadBalancer),
 *    and kept in sandbox.exposed for --explain. Unless every port's
 *    targetPort (its port when absent; a named one is not resolved) is
 *    open to anyone (allow-ingress) on every sandboxed service it selects:
 *    that is the intended way in of a human baseliner (the policies admit
 *    anyone there anyway), listed for --explain without a warning.
 *  - type ExternalName passes: such a Service has no endpoints (neither
 *    the EndpointSlice controller, kube-proxy nor Cilium forward anything
 *    for it, selector and externalIPs included), and the CNAME it answers
 *    with is no way out either: the sandbox's DNS proxy refuses to look up
 *    its target unless it is an allowed domain, and the target's addresses
 *    are in no toFQDNs selector (security finding 11).
 *
 * "Selects" is spec.selector (equality on labels; absent or empty: no pod,
 * the endpoints are someone else's) against the sandboxed pods' final
 * labels (chartpolicy.h's selector code), in the release's namespace. A
 * selector that cannot be evaluated counts as selecting every sandboxed
 * pod: fail closed. (YAML anchors and aliases are refused anywhere by
 * stream.c.)
 */
#ifndef AGENTENV_EXPOSURE_H
#define AGENTENV_EXPOSURE_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "sandbox.h"
#include "workload.h"

struct selector;

struct exposure {
	struct where where;		/* the Service; name owned below */
	char *name;			/* metadata.name, or NULL */
	char *namespace;		/* metadata.namespace, or NULL */
	char *type;			/* spec.type when it exposes, or NULL */
	size_t type_line;
	char *external_ip;		/* the first of spec.externalIPs ("?") */
	size_t nr_external_ips;		/* 0: none */
	size_t external_ips_line;
	struct strlist ports;		/* "80/TCP", "80/TCP (node port N)" */
	/* Every port's targetPort and protocol, when all are numbers. */
	struct port_list targets;
	bool targets_known;
	struct selector *selector;	/* NULL: selects no pod */
};

struct exposures {
	struct exposure *items;
	size_t nr;
	size_t alloc;
};

/*
 * While object (the root of a document, or an item of a List) is loaded:
 * if it is a Service that could expose pods (externalIPs, a type other
 * than ClusterIP and ExternalName), copy out what
 * exposure_check() needs. w is where object is (its line included).
 */
void exposure_read(const struct where *w, struct fy_node *object,
		   struct exposures *ex);

/*
 * Once the model is finished (sb->release set): refuse externalIPs over
 * sandboxed pods of pts, warn about NodePort and LoadBalancer
 * Services over them and list those in sb->exposed.
 */
void exposure_check(const struct exposures *ex, struct sandbox *sb,
		    const struct pod_templates *pts);

void exposures_release(struct exposures *ex);

#endif
