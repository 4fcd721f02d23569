/*
 * neteval — the network evaluator: who may reach whom, what each service
 * may reach outside the release and which names it may look up, derived
 * from the policies themselves (netpolicy.h) as Cilium 1.18 enforces
 * them. --explain is its report, so it says what the policies say.
 *
 * The policies are the sandbox's own of every set the release has
 * (netbuild.h), then the chart's kept ones (agentenv.io/keep-policy, read
 * by chartnet.h): what a kept policy opens shows, under its name. The
 * endpoints are the sandboxed services' pods, with the labels the plan
 * decided for them; selectors are matched by selector_selects(), the code
 * that judges chart policies.
 *
 * Between two services (from's egress and to's ingress must both allow):
 *  - a direction that no policy selecting the pod has rules for (allow
 *    or deny; enableDefaultDeny: false aside) lets everything pass;
 *  - allows are OR-ed; the two sides' ports intersect (ANY is TCP and
 *    UDP); a deny rule that matches the peer takes its ports away
 *    (without ports: everything; its icmps: ICMP only);
 *  - a rule matches a pod by its selectors (PEER_ENDPOINTS), by the
 *    entities all and cluster, or as a rule that cannot be read; CIDRs
 *    and names match no pod (Cilium keeps CIDR rules to what is outside
 *    the cluster); an empty rule matches nothing;
 *  - what a kept policy says that cannot be read opens more, never less:
 *    an unknown entity or peer counts as all in an allow, as nothing in
 *    a deny;
 *  - the sandbox's own DNS-checked rules go to kube-dns (netbuild.c's
 *    record, not a guess from their labels): they are lookups, reported
 *    by net_dns(), not reach between services.
 * Outside the release: the egress rules to entities, CIDRs, domains and
 * (a kept policy's) pods or unreadable peers, unless a deny to every
 * entity takes everything away (network isolation); the ingress rules
 * from the internet (net_inbound()). DNS: the patterns of every
 * DNS-checked port, and what lifts the filtering: the L3 allows that
 * reach kube-dns itself, world (any DNS server on the internet), a rule
 * with checked and unchecked DNS ports.
 */
#ifndef AGENTENV_NETEVAL_H
#define AGENTENV_NETEVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "netbuild.h"
#include "netpolicy.h"
#include "sandbox.h"
#include "workload.h"

struct chart_policies;

struct policy_indexes {
	size_t *items;
	size_t nr;
};

struct net_model {
	const struct sandbox *sb;
	struct net_policies own;	/* the sandbox's, every set */
	const struct net_policy **all;	/* own, then the kept chart ones */
	size_t nr;
	/* Each service's pod template (its endpoint), by service index. */
	const struct pod_template **pods;
	/* By service index: the policies (indexes into all) selecting it. */
	struct policy_indexes *selecting;
};

/*
 * The model of sb (finished) with its pods pts and the kept policies of
 * cps (NULL: none). Every service has a pod template in pts.
 */
void net_model_init(struct net_model *m, const struct sandbox *sb,
		    const struct pod_templates *pts,
		    const struct chart_policies *cps);
void net_model_release(struct net_model *m);

/* How one service may reach another. */
struct pair_reach {
	bool any;			/* some traffic passes */
	bool all_ports;			/* every port and protocol */
	struct port_list ports;		/* else these */
	bool icmp_echo;
	/* Admitted only by rules open to entities (anyone), not to pods. */
	bool open_only;
	struct strlist networks;	/* the networks that admit it */
	struct strlist kept;		/* kept chart policies that admit it */
};

void net_reach_between(const struct net_model *m, size_t from, size_t to,
		       struct pair_reach *out);
void pair_reach_release(struct pair_reach *r);

enum allow_kind {
	ALLOW_DOMAINS,		/* toFQDNs: names are domain patterns */
	ALLOW_ENTITY,		/* toEntities: names is one entity */
	ALLOW_CIDR,		/* toCIDR: names is one CIDR */
	ALLOW_PODS,		/* a kept policy's toEndpoints */
	ALLOW_ANYTHING,		/* a kept policy's rule that cannot be read */
};

/* One egress allowance outside the release: a rule on one port. */
struct allow {
	enum allow_kind kind;
	const struct net_policy *policy;	/* whose: its origin */
	char *const *names;		/* points into the rule */
	size_t nr_names;
	unsigned port;			/* 0: every port and protocol */
	enum protocol protocol;
	enum net_check check;
};

struct allows {
	struct allow *items;
	size_t nr;
	size_t alloc;
};

/*
 * Service k's allowances outside the release, in policy order: the ports
 * of one rule towards the same names follow each other (allow_same_rule).
 */
void net_egress(const struct net_model *m, size_t k, struct allows *out);
void allows_release(struct allows *a);
/* a and b are ports of one rule towards the same names. */
bool allow_same_rule(const struct allow *a, const struct allow *b);

/* What one policy lets in from outside the cluster (an internet address). */
struct inbound {
	const struct net_policy *policy;
	bool all_ports;
	struct port_list ports;		/* else these */
};

struct inbounds {
	struct inbound *items;
	size_t nr;
	size_t alloc;
};

/*
 * What anyone outside the cluster may open on service k, per policy in
 * policy order: its ingress rules from the entities all or world (or one
 * Cilium does not know), from CIDRs, or from a peer that cannot be read;
 * nothing when an ingress deny to every entity selects it.
 */
void net_inbound(const struct net_model *m, size_t k, struct inbounds *out);
void inbounds_release(struct inbounds *in);

/* What service k may look up. */
struct dns_reach {
	bool cluster;			/* the namespace's names */
	/* cluster_dns_pattern() of each depth, from 1. */
	char *cluster_patterns[CLUSTER_DNS_DEPTHS];
	struct strlist names;		/* beyond the cluster, no repeats */
	struct strlist lifted_by;	/* entities that lift the filtering */
	/* Kept chart policies whose unchecked rules may reach kube-dns. */
	struct strlist lifted_by_kept;
};

void net_dns(const struct net_model *m, size_t k, struct dns_reach *out);
void dns_reach_release(struct dns_reach *d);

#endif
