/*
 * reach — what a finished sandbox model allows, computed once, in the terms
 * of the CiliumNetworkPolicies policy.c emits from the same model: which
 * service may open connections to which, on which ports, and what each may
 * reach outside the release. explain renders these facts;
 * tests/policy_eval.py derives them again from the emitted policies and
 * compares.
 *
 * Rule for rule, as policy.c emits them:
 *  - a network-isolated service sends nothing (egressDeny to every entity,
 *    DNS included) and receives nothing (it gets no ingress policy, and the
 *    default-deny ingress policy selects it);
 *  - between services: the release-wide egress policy lets every sandboxed
 *    pod reach every sandboxed pod of the release, on any port; the
 *    target's ingress policy admits every sandboxed pod of the release (no
 *    service names a network) or the pods on each of its networks (a
 *    service on no network then admits none), on its ports when it lists
 *    ports, and ICMP echo from the same pods;
 *  - the ports a service opens to anyone (allow-ingress: fromEntities
 *    all, which takes in the release's own pods too) add to that, without
 *    ICMP echo: from a service it admits, to its ports; from any other,
 *    those ports alone;
 *  - outside the release: the release-wide allows (every sandboxed pod)
 *    and the service's own (its pods only), each egress the same way:
 *    domain rules only when it allows some domain (its extra ports, scoped
 *    or not, go with them; policy.c emits none without a domain), every
 *    port when "*" is one of them, otherwise 443/TCP with the TLS SNI
 *    checked, 80/TCP with the HTTP Host checked and the extra ports
 *    unchecked; then the entities and the CIDRs;
 *  - DNS through kube-dns and Cilium's DNS proxy: the services of the
 *    namespace, the allowed domains, and every name ("*") when world or
 *    all is allowed; an allowed entity cluster, host, all or world lifts
 *    the filtering (an L3 allow to kube-dns covers port 53).
 */
#ifndef AGENTENV_REACH_H
#define AGENTENV_REACH_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"

/* How one service may reach another. */
enum reach_kind {
	REACH_NONE,		/* not at all */
	REACH_ALL_PORTS,	/* every port and protocol, ICMP echo */
	REACH_PORTS,		/* the ports listed only, and ICMP echo */
	/* only the ports the target opens to anyone, no ICMP echo */
	REACH_OPEN_PORTS,
};

/*
 * How from may open connections to to. When via is not NULL, the networks
 * that admit it are appended (none when the release uses no networks, or
 * for REACH_OPEN_PORTS); when ports is not NULL, the ports of REACH_PORTS
 * (to's ports, then the ones it opens to anyone) and REACH_OPEN_PORTS.
 */
enum reach_kind reach_between(const struct sandbox *sb,
			      const struct service *from,
			      const struct service *to, struct strlist *via,
			      struct port_list *ports);

enum allow_kind {
	ALLOW_DOMAINS,		/* toFQDNs: names are domain patterns */
	ALLOW_ENTITY,		/* toEntities: names is one entity */
	ALLOW_CIDR,		/* toCIDR: names is one CIDR */
};

enum allow_check {
	CHECK_NONE,
	CHECK_TLS_SNI,		/* the TLS SNI must be one of the names */
	CHECK_HTTP_HOST,	/* the HTTP Host must match one of the names */
};

/* One egress allowance outside the release. */
struct allow {
	enum allow_kind kind;
	bool own;			/* the service's own, else release-wide */
	char *const *names;		/* points into the model */
	size_t nr_names;
	unsigned port;			/* 0: every port and protocol */
	enum protocol protocol;
	enum allow_check check;
};

struct allows {
	struct allow *items;
	size_t nr;
	size_t alloc;
};

/* svc's allowances outside the release, release-wide ones first. */
void reach_egress(const struct sandbox *sb, const struct service *svc,
		  struct allows *out);
void allows_release(struct allows *a);

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

/* What svc may look up: the namespace's names and further names. */
struct dns_reach {
	bool cluster;			/* the namespace's names */
	/* cluster_dns_pattern() of each depth, from 1. */
	char *cluster_patterns[CLUSTER_DNS_DEPTHS];
	struct strlist names;		/* beyond the cluster, no repeats */
	struct strlist lifted_by;	/* entities that lift the filtering */
};

void reach_dns(const struct sandbox *sb, const struct service *svc,
	       struct dns_reach *out);
void dns_reach_release(struct dns_reach *d);

#endif
