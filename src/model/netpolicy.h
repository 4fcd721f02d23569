/*
 * netpolicy — network policies as data, in Cilium's terms: the sandbox's
 * own CiliumNetworkPolicies (built by netbuild.c from the model, written
 * as text by policy.c) and the chart's kept policies (read by chartnet.c),
 * in the one shape the evaluator (neteval.h) reads.
 *
 * The shape is Cilium's rule (cilium.io/v2 spec): a policy selects
 * endpoints and has allow rules (ingress, egress) and deny rules
 * (ingressDeny, egressDeny). Each rule names peers of one kind and what it
 * opens on them: every port, or the entries of its toPorts, each a list
 * of ports with at most one L7 check; or ICMP echo. A Kubernetes
 * NetworkPolicy reads into the same shape (a rule per from/to peer).
 *
 * Semantics, as Cilium 1.18 enforces them (the evaluator's):
 *  - a pod selected by no policy with rules of a direction is not
 *    enforced in that direction (everything passes);
 *  - a pod selected by some is enforced: the allow rules of every policy
 *    that selects it are OR-ed, and a deny rule that matches wins over
 *    any allow;
 *  - a rule with no toPorts opens every port and protocol (ICMP too);
 *    with toPorts, only those ports (ICMP never).
 */
#ifndef AGENTENV_NETPOLICY_H
#define AGENTENV_NETPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"
#include "selector.h"

enum net_direction {
	NET_INGRESS,
	NET_EGRESS,
	NET_INGRESS_DENY,
	NET_EGRESS_DENY,
	NR_NET_DIRECTIONS,
};

/* What a rule's peers are. */
enum net_peer {
	PEER_ENDPOINTS,		/* pods: selectors, OR-ed */
	PEER_ENTITIES,		/* Cilium entities: names */
	PEER_CIDRS,		/* CIDRs: names */
	PEER_FQDNS,		/* toFQDNs matchPattern: names */
	/*
	 * A chart rule that cannot be evaluated (an unknown peer or port
	 * shape): it counts as opening everything to everyone.
	 */
	PEER_UNKNOWN,
};

/* The L7 check on the ports of one toPorts entry. */
enum net_check {
	CHECK_NONE,
	CHECK_DNS,		/* rules.dns: names are matchPatterns */
	CHECK_TLS_SNI,		/* serverNames: names */
	CHECK_HTTP_HOST,	/* rules.http: names are domain globs */
	/* an L7 rule the evaluator does not read: counts as no check */
	CHECK_OTHER,
};

/* One entry of a rule's toPorts. */
struct net_ports {
	struct port_list ports;	/* empty: every port */
	enum net_check check;
	struct strlist names;	/* what the check admits */
};

struct net_rule {
	enum net_peer peer;
	struct selector *selectors;	/* PEER_ENDPOINTS */
	size_t nr_selectors;
	size_t alloc_selectors;
	struct strlist names;		/* PEER_ENTITIES, _CIDRS, _FQDNS */
	/*
	 * Spelling only: names the user allowed are written double-quoted
	 * (as agent-env writes them), the sandbox's constants plain.
	 */
	bool names_quoted;
	/*
	 * The rule opens only these (none: every port and protocol, ICMP
	 * included, unless icmp_echo).
	 */
	struct net_ports *to_ports;
	size_t nr_to_ports;
	size_t alloc_to_ports;
	bool icmp_echo;			/* opens ICMP echo only */
	/* An ingress rule "{}": selects no peer (default deny). */
	bool empty;
};

/* Whose policy it is: how --explain names what it opens. */
enum net_origin {
	ORIGIN_RELEASE,		/* ours, for every sandboxed pod */
	ORIGIN_SERVICE,		/* ours, for one service's pods */
	ORIGIN_CHART,		/* the chart's, kept (agentenv.io/keep-policy) */
};

struct net_policy {
	enum net_origin origin;
	/*
	 * Ours: the name's parts after the set's prefix (gen_name()).
	 * The chart's: "Kind/name" in name_parts[0].
	 */
	char *name_parts[4];
	const struct service *service;	/* ORIGIN_SERVICE */
	const char *network;		/* ours: the network it admits */
	/*
	 * spec.description: static text (a literal block, or plain on one
	 * line), or composed with the chart's names (written
	 * double-quoted, so that no name shapes the YAML).
	 */
	const char *description;
	char *description_named;
	/* The endpoints it applies to: any selecting selects (OR-ed). */
	struct selector *endpoints;
	size_t nr_endpoints;
	size_t alloc_endpoints;
	struct net_rule *rules[NR_NET_DIRECTIONS];
	size_t nr_rules[NR_NET_DIRECTIONS];
	size_t alloc_rules[NR_NET_DIRECTIONS];
	/*
	 * The policy has rules of the direction, and so enforces it: for
	 * Cilium a non-empty list (an empty one does not count); for a
	 * NetworkPolicy a direction of its policyTypes, rules or not.
	 */
	bool has[NR_NET_DIRECTIONS];
	/*
	 * The chart's Cilium policy with enableDefaultDeny.ingress (.egress)
	 * false, or not a boolean: its rules of that direction, allow and
	 * deny, apply to the pods it selects, but it does not by itself
	 * enforce the direction on them. Indexed by NET_INGRESS, NET_EGRESS.
	 */
	bool default_allow[NR_NET_DIRECTIONS];
};

struct net_policies {
	struct net_policy *items;
	size_t nr;
	size_t alloc;
};

/* A new zeroed policy at the end of ps. */
struct net_policy *net_policy_add(struct net_policies *ps,
				  enum net_origin origin);
/* A new endpoint selector of p, empty (selects every pod). */
struct selector *net_policy_add_endpoints(struct net_policy *p);
/* A new zeroed rule of p in direction dir (which becomes present). */
struct net_rule *net_rule_add(struct net_policy *p, enum net_direction dir,
			      enum net_peer peer);
/* A new empty peer selector of r (PEER_ENDPOINTS). */
struct selector *net_rule_add_selector(struct net_rule *r);
/* A new toPorts entry of r, with no port yet (every port). */
struct net_ports *net_rule_add_ports(struct net_rule *r,
				     enum net_check check);

/* Free what r holds (its peers and toPorts), not r. */
void net_rule_release(struct net_rule *r);
/*
 * p applies to the pods of pt: one of its endpoint selectors selects
 * them (selector_selects()).
 */
bool net_policy_selects(const struct net_policy *p,
			const struct pod_template *pt,
			const struct sandbox *sb);

void net_policies_release(struct net_policies *ps);

#endif
