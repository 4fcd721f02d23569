/*
 * netbuild — the sandbox's own CiliumNetworkPolicies, built as data
 * (netpolicy.h) from the finished model: the one place that decides what
 * they allow. policy.c writes them, the evaluator (neteval.h) reads them.
 *
 * Rule for rule those of agent-env's network-policy.yaml, plus
 * per-service egress and open ports. Each pod set (a hook set has its own
 * objects) has the release-wide ones, then its services', in this order:
 *
 *  - sandbox-egress: every sandboxed pod may look up (through kube-dns and
 *    Cilium's DNS proxy) the names of its namespace and the allowed
 *    domains, reach the other pods of the sandbox, the allowed domains on
 *    443 (TLS SNI checked) and 80 (HTTP Host checked) and the extra
 *    allowed ports, and the allowed entities and CIDRs. Nothing else.
 *  - sandbox-default-deny-ingress: no ingress unless allowed below.
 *  - per service of the set:
 *    - svc-NAME-egress: the same as sandbox-egress for one service's own
 *      allow-* annotations (no cluster names, no pods);
 *    - svc-NAME-isolate, for a network-isolated service: it may send and
 *      receive nothing (ingressDeny and egressDeny to all, as agent-env);
 *    - else svc-NAME-ingress (no networks in the release) or
 *      svc-NAME-NETWORK-ingress (one per network it is on): ingress from
 *      the sandbox (from the network's pods), only on its ports when it
 *      lists ports; ICMP echo always. A service on no network gets none;
 *    - svc-NAME-open-ports: ingress from anyone (the entity all) to the
 *      ports it opens (allow-ingress; a human baseliner's way in), as
 *      METR's agent-env allowIngressPorts. No ICMP, no egress. (The name
 *      ends in none of the other policies' suffixes, so no service and
 *      network name makes another policy's name.)
 */
#ifndef AGENTENV_NETBUILD_H
#define AGENTENV_NETBUILD_H

#include "netpolicy.h"
#include "sandbox.h"

/* Append the release-wide policies (sandbox-egress, default deny) to ps. */
void netbuild_release(const struct sandbox *sb, struct net_policies *ps);
/* Append the policies of one service to ps. */
void netbuild_service(const struct sandbox *sb, const struct service *svc,
		      struct net_policies *ps);
/* Append the policies of the services of set to ps. */
void netbuild_services(const struct sandbox *sb, enum pod_set set,
		       struct net_policies *ps);

/*
 * The labels that select the sandboxed pods of the release (svc NULL) or
 * of one service, added to sel: what the policies and the headless
 * Services select (the pods carry them: decide.c). in_namespace: with
 * Cilium's namespace label first, when the namespace is known.
 */
void netbuild_pod_labels(struct selector *sel, const struct sandbox *sb,
			 const struct service *svc, bool in_namespace);

/*
 * The namespace's names, one Cilium matchPattern per depth Kubernetes
 * serves under NS.svc.cluster.local (in a matchPattern, "*" stays within
 * one label up to Cilium 1.18): Services, pods behind headless Services
 * (POD.SERVICE) and SRV names of named ports (_PORT._PROTO.SERVICE).
 */
#define CLUSTER_DNS_DEPTHS	3

/*
 * "*.NS.svc.cluster.local" with depth (1 .. CLUSTER_DNS_DEPTHS) "*"
 * labels; NS is "*" when the namespace is unknown. Malloc'ed.
 */
char *cluster_dns_pattern(const struct sandbox *sb, unsigned depth);

#endif
