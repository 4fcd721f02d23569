/*
 * chartnet — the chart's network policies read into the network model
 * (see chartnet.h). Kubernetes' NetworkPolicy as networking.k8s.io/v1
 * defines it; Cilium's rules as cilium.io/v2 (Cilium 1.18) does.
 */
#include "chartnet.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "validate.h"
#include "vocab.h"
#include "ynode.h"

/* Cilium's entities: every peer, and every pod or node of the cluster. */

/* The peer kinds a rule's peers are read into (PEER_UNKNOWN excluded). */
#define NR_PEER_KINDS PEER_UNKNOWN

static bool is_deny(enum net_direction dir)
{
	return dir == NET_INGRESS_DENY || dir == NET_EGRESS_DENY;
}

static bool is_egress(enum net_direction dir)
{
	return dir == NET_EGRESS || dir == NET_EGRESS_DENY;
}

static void add_name(struct strlist *l, const char *s)
{
	if (!strlist_has(l, s))
		strlist_add(l, s, strlen(s));
}

/* A scalar's text added to l; false when n is not a scalar. */
static bool add_scalar(struct strlist *l, struct fy_node *n)
{
	size_t len;
	const char *s = ynode_scalar(n, &len);

	if (!s)
		return false;
	strlist_add(l, s, len);
	return true;
}

/* A list that holds rules: neither absent, null nor empty. */
static bool is_listed(struct fy_node *n)
{
	return !ynode_is_null(n) &&
	       !(ynode_is_sequence(n) && ynode_count(n) == 0);
}

/* Drop the rule last added to dir (a deny rule that denies nothing). */
static void drop_last_rule(struct net_policy *p, enum net_direction dir)
{
	net_rule_release(&p->rules[dir][--p->nr_rules[dir]]);
}

/* Move the peers read into from (a zeroed rule) to a new rule of p. */
static struct net_rule *add_peers(struct net_policy *p,
				  enum net_direction dir,
				  enum net_peer peer, struct net_rule *from)
{
	struct net_rule *r = net_rule_add(p, dir, peer);

	r->selectors = from->selectors;
	r->nr_selectors = from->nr_selectors;
	r->alloc_selectors = from->alloc_selectors;
	r->names = from->names;
	memset(from, 0, sizeof(*from));
	return r;
}

static bool has_peers(const struct net_rule *r)
{
	return r->nr_selectors || r->names.nr;
}

static void release_peers(struct net_rule peers[NR_PEER_KINDS])
{
	size_t k;

	for (k = 0; k < NR_PEER_KINDS; k++)
		net_rule_release(&peers[k]);
	memset(peers, 0, NR_PEER_KINDS * sizeof(*peers));
}

/* --- ports ------------------------------------------------------------ */

enum port_how {
	PORT_ONE,	/* number/protocol */
	PORT_EVERY,	/* every port of protocol */
	PORT_BAD,	/* cannot tell which */
};

struct port_item {
	enum port_how how;
	unsigned number;
	enum protocol protocol;
	bool range;		/* endPort: number..endPort */
};

/*
 * One port item, {port, protocol, endPort}: Kubernetes' (port an
 * integer, or a named port, which we cannot resolve; protocol TCP by
 * default) or Cilium's (port a string: a number, "0" for every port, or
 * a named port; protocol ANY by default). An unknown key, protocol or
 * shape cannot be told (PORT_BAD).
 */
static void read_port_item(struct fy_node *item, bool cilium,
			   struct port_item *pi)
{
	struct fy_node *port = NULL, *proto = NULL, *end = NULL;
	struct fy_node_pair *pair;
	void *iter = NULL;
	const char *s, *why;
	size_t len;

	memset(pi, 0, sizeof(*pi));
	pi->how = PORT_BAD;
	pi->protocol = cilium ? PROTOCOL_ANY : PROTOCOL_TCP;
	if (!ynode_is_mapping(item))
		return;
	while ((pair = fy_node_mapping_iterate(item, &iter))) {
		struct fy_node *key = fy_node_pair_key(pair);

		if (ynode_is(key, "port"))
			port = fy_node_pair_value(pair);
		else if (ynode_is(key, "protocol"))
			proto = fy_node_pair_value(pair);
		else if (ynode_is(key, "endPort"))
			end = fy_node_pair_value(pair);
		else
			return;
	}
	if (!ynode_is_null(proto)) {
		/* Cilium's ICMP, VRRP, IGMP have no ports: no telling. */
		s = ynode_scalar(proto, &len);
		if (!s || !parse_protocol(s, len, cilium, &pi->protocol, &why))
			return;
	}
	pi->range = !ynode_is_null(end);
	if (ynode_is_null(port)) {
		pi->how = PORT_EVERY;
		return;
	}
	s = ynode_scalar(port, &len);
	if (!s)
		return;
	if (cilium && len == 1 && s[0] == '0') {
		pi->how = PORT_EVERY;
		return;
	}
	/* Kubernetes' port is an IntOrString: a string names a port. */
	if (!cilium && ynode_is_string(port))
		return;
	if (parse_port(s, len, &pi->number, &why))
		pi->how = PORT_ONE;
}

/*
 * ports (a list of port items) into pl, as an allow rule opens them:
 * false when they open every port (a port we cannot tell, every port of
 * one protocol, or a range: the model's port lists hold single ports,
 * so a range is read as every port, more than it opens).
 */
static bool read_allow_ports(struct port_list *pl, struct fy_node *ports,
			     bool cilium)
{
	struct port_item pi;
	int i, n = ynode_count(ports);

	if (!is_listed(ports) || !ynode_is_sequence(ports))
		return false;
	for (i = 0; i < n; i++) {
		read_port_item(ynode_at(ports, i), cilium, &pi);
		if (pi.how != PORT_ONE || pi.range)
			return false;
	}
	for (i = 0; i < n; i++) {
		read_port_item(ynode_at(ports, i), cilium, &pi);
		port_list_add(pl, pi.number, pi.protocol);
	}
	return true;
}

/*
 * Cilium's ports of a deny rule's toPorts entry into pl, as denying them:
 * only what is sure is denied. A range denies its first port; every port
 * of one protocol, a named port, anything we cannot tell: nothing (the
 * model cannot say "every TCP port"). Every port of ANY: every port
 * (*every). False when the entry denies nothing.
 */
static bool read_deny_ports(struct port_list *pl, struct fy_node *ports,
			    bool *every)
{
	struct port_item pi;
	int i, n = ynode_count(ports);

	*every = false;
	for (i = 0; i < n; i++) {
		read_port_item(ynode_at(ports, i), true, &pi);
		if (pi.how == PORT_ONE)
			port_list_add(pl, pi.number, pi.protocol);
		else if (pi.how == PORT_EVERY && pi.protocol == PROTOCOL_ANY)
			*every = true;
	}
	if (*every)
		port_list_release(pl);
	return *every || pl->nr;
}

/* --- L7 checks ---------------------------------------------------------- */

/*
 * The names a list of selectors admits, each a mapping of the keys
 * (scalars: their texts are the names); false on any other shape (then
 * names holds what was read so far).
 */
static bool read_name_selectors(struct strlist *names, struct fy_node *list,
				const char *key1, const char *key2)
{
	int i, n = ynode_count(list);

	if (!ynode_is_sequence(list))
		return false;
	for (i = 0; i < n; i++) {
		struct fy_node *item = ynode_at(list, i);
		struct fy_node_pair *pair;
		void *iter = NULL;
		size_t found = 0;

		if (!ynode_is_mapping(item))
			return false;
		while ((pair = fy_node_mapping_iterate(item, &iter))) {
			struct fy_node *key = fy_node_pair_key(pair);

			if (!(ynode_is(key, key1) ||
			      (key2 && ynode_is(key, key2))) ||
			    !add_scalar(names, fy_node_pair_value(pair)))
				return false;
			found++;
		}
		if (!found)
			return false;
	}
	return true;
}

/*
 * rules.http: each item's host (a regex, kept as written). An item
 * without one admits every host: no check we read.
 */
static bool read_http_hosts(struct strlist *names, struct fy_node *list)
{
	int i, n = ynode_count(list);

	if (!ynode_is_sequence(list))
		return false;
	for (i = 0; i < n; i++)
		if (!add_scalar(names, ynode_get(ynode_at(list, i), "host")))
			return false;
	return true;
}

/*
 * A toPorts entry's rules (one L7 protocol's list) into np's check.
 * Anything but a readable dns or http list with hosts is CHECK_OTHER:
 * a check the evaluator does not read, so no check at all to it.
 */
static void read_l7(struct net_ports *np, struct fy_node *rules)
{
	struct fy_node_pair *pair;
	void *iter = NULL;
	struct strlist names = { NULL, 0, 0 };
	enum net_check check = CHECK_NONE;
	size_t kinds = 0;

	if (ynode_is_null(rules))
		return;
	if (!ynode_is_mapping(rules)) {
		np->check = CHECK_OTHER;
		return;
	}
	while ((pair = fy_node_mapping_iterate(rules, &iter))) {
		struct fy_node *key = fy_node_pair_key(pair);
		struct fy_node *value = fy_node_pair_value(pair);

		if (!is_listed(value))
			continue;	/* an empty list: no rules */
		kinds++;
		if (ynode_is(key, "dns") &&
		    read_name_selectors(&names, value, "matchName",
					"matchPattern"))
			check = CHECK_DNS;
		else if (ynode_is(key, "http") &&
			 read_http_hosts(&names, value))
			check = CHECK_HTTP_HOST;
		else
			check = CHECK_OTHER;
	}
	/* Two protocols on one port: Cilium refuses it; no check of ours. */
	if (kinds > 1)
		check = CHECK_OTHER;
	if (check == CHECK_DNS || check == CHECK_HTTP_HOST) {
		np->check = check;
		np->names = names;
	} else {
		np->check = check;
		strlist_release(&names);
	}
}

/*
 * serverNames: the TLS SNI the entry admits. It replaces no check or one
 * the evaluator does not read; beside a DNS or HTTP check it is left
 * out (reading one restriction of two opens more, never less).
 */
static void read_server_names(struct net_ports *np, struct fy_node *list)
{
	struct strlist names = { NULL, 0, 0 };
	int i, n = ynode_count(list);

	if (!is_listed(list) || !ynode_is_sequence(list) ||
	    (np->check != CHECK_NONE && np->check != CHECK_OTHER))
		return;
	for (i = 0; i < n; i++)
		if (!add_scalar(&names, ynode_at(list, i))) {
			strlist_release(&names);
			return;		/* no telling: no check */
		}
	np->check = CHECK_TLS_SNI;
	np->names = names;
}

/*
 * One toPorts entry of an allow rule into r: false when it cannot be
 * read (not a mapping, an unknown key): then the rule opens every port.
 */
static bool read_allow_entry(struct net_rule *r, struct fy_node *entry)
{
	struct fy_node *ports = NULL, *rules = NULL, *sni = NULL;
	struct fy_node_pair *pair;
	void *iter = NULL;
	struct net_ports *np;
	bool listener = false;

	if (!ynode_is_mapping(entry))
		return false;
	while ((pair = fy_node_mapping_iterate(entry, &iter))) {
		struct fy_node *key = fy_node_pair_key(pair);

		if (ynode_is(key, "ports"))
			ports = fy_node_pair_value(pair);
		else if (ynode_is(key, "rules"))
			rules = fy_node_pair_value(pair);
		else if (ynode_is(key, "serverNames"))
			sni = fy_node_pair_value(pair);
		else if (ynode_is(key, "listener"))
			listener = true;	/* Envoy's: no check we read */
		else if (!ynode_is(key, "terminatingTLS") &&
			 !ynode_is(key, "originatingTLS"))
			return false;	/* certificates only, or unknown */
	}
	np = net_rule_add_ports(r, CHECK_NONE);
	if (!read_allow_ports(&np->ports, ports, true))
		port_list_release(&np->ports);	/* every port */
	read_l7(np, rules);
	if (listener && np->check == CHECK_NONE)
		np->check = CHECK_OTHER;
	read_server_names(np, sni);
	return true;
}

/*
 * One toPorts entry of a deny rule into r: only its ports (Cilium's
 * deny rules have no L7 part; an entry with one, or with an unknown
 * key, denies nothing here). False when it denies nothing.
 */
static bool read_deny_entry(struct net_rule *r, struct fy_node *entry)
{
	struct fy_node_pair *pair;
	void *iter = NULL;
	struct port_list pl = { NULL, 0, 0 };
	struct net_ports *np;
	bool every;

	if (!ynode_is_mapping(entry))
		return false;
	while ((pair = fy_node_mapping_iterate(entry, &iter)))
		if (!ynode_is(fy_node_pair_key(pair), "ports"))
			return false;
	if (!read_deny_ports(&pl, ynode_get(entry, "ports"), &every))
		return false;
	np = net_rule_add_ports(r, CHECK_NONE);
	np->ports = pl;
	return true;
}

/* r opens every port again: its toPorts entries are dropped. */
static void drop_to_ports(struct net_rule *r)
{
	size_t i;

	for (i = 0; i < r->nr_to_ports; i++) {
		port_list_release(&r->to_ports[i].ports);
		strlist_release(&r->to_ports[i].names);
	}
	free(r->to_ports);
	r->to_ports = NULL;
	r->nr_to_ports = r->alloc_to_ports = 0;
}

/*
 * A Cilium rule's toPorts into r. Allow: what cannot be read opens every
 * port (r keeps no to_ports). Deny: false when nothing is surely denied
 * (the rule is dropped).
 */
static bool read_to_ports(struct net_rule *r, struct fy_node *to_ports,
			  bool deny)
{
	int i, n = ynode_count(to_ports);

	if (!ynode_is_sequence(to_ports))
		return !deny;
	for (i = 0; i < n; i++) {
		struct fy_node *entry = ynode_at(to_ports, i);

		if (deny) {
			read_deny_entry(r, entry);
		} else if (!read_allow_entry(r, entry)) {
			drop_to_ports(r);	/* every port */
			return true;
		}
	}
	return !deny || r->nr_to_ports;
}

/* ICMP echo request: type 8 (IPv4) or 128 (IPv6), or its name. */
static bool is_echo_request(struct fy_node *field)
{
	struct fy_node *type = ynode_get(field, "type");
	struct fy_node *family = ynode_get(field, "family");

	if (ynode_is(type, "EchoRequest"))
		return true;
	if (ynode_is_null(family) || ynode_is(family, "IPv4"))
		return ynode_is(type, "8");
	return ynode_is(family, "IPv6") && ynode_is(type, "128");
}

/*
 * A Cilium rule's icmps into r. Allow: any ICMP type opens echo (the
 * model knows no other type: more than a rule for, say, type 3 opens);
 * a shape we cannot read opens every port and protocol (r->icmp_echo
 * stays false, no to_ports). Deny: only an echo request is denied;
 * false when it denies nothing.
 */
static bool read_icmps(struct net_rule *r, struct fy_node *icmps, bool deny)
{
	int i, j, n = ynode_count(icmps);

	if (!ynode_is_sequence(icmps))
		return !deny;
	for (i = 0; i < n; i++) {
		struct fy_node *fields = ynode_get(ynode_at(icmps, i),
						   "fields");
		int nf = ynode_count(fields);

		if (!ynode_is_sequence(fields) && !deny) {
			r->icmp_echo = false;
			return true;	/* every port and protocol */
		}
		for (j = 0; j < nf; j++) {
			struct fy_node *field = ynode_at(fields, j);

			if (deny ? is_echo_request(field) :
			    ynode_is_mapping(field)) {
				r->icmp_echo = true;
			} else if (!deny) {
				r->icmp_echo = false;
				return true;	/* every port and protocol */
			}
		}
	}
	return r->icmp_echo || !deny;
}

/* --- Cilium rules ------------------------------------------------------- */

/* Where a Cilium policy's selectors look for pods. */
struct scope {
	const char *name;	/* "Kind/name" */
	const char *namespace;	/* metadata.namespace, or NULL */
	bool clusterwide;	/* CiliumClusterwideNetworkPolicy */
};

/* A peer key's reader: into peers (by kind); false if it cannot be read. */
typedef bool (*peer_reader)(struct net_rule peers[NR_PEER_KINDS],
			    struct fy_node *list, const struct scope *sc,
			    bool deny);

/*
 * sel may select pods outside the policy's namespace, which the model
 * does not see: a clusterwide policy's selectors select in every
 * namespace, a namespaced one's in its own unless they name the
 * namespace label (then we read them as naming another, unless they
 * require exactly metadata.namespace).
 */
static bool beyond_namespace(const struct selector *sel,
			     const struct scope *sc)
{
	bool named = false;
	size_t i;

	if (sc->clusterwide)
		return true;
	for (i = 0; i < sel->nr; i++) {
		const struct requirement *r = &sel->reqs[i];

		if (r->key)
			continue;
		if (r->op == OP_IN && r->values.nr == 1 && sc->namespace &&
		    !strcmp(r->values.items[0], sc->namespace))
			return false;
		named = true;
	}
	return named;
}

/*
 * fromEndpoints/toEndpoints: Cilium selectors, OR-ed. Allowing, one that
 * cannot be evaluated may select anything a Cilium label names (its
 * reserved: labels name the host, the world): it also opens to entity
 * all; one that may select pods of other namespaces also to entity
 * cluster (as a NetworkPolicy's namespaceSelector). Denying, a selector
 * that cannot be evaluated is left out.
 */
static bool read_endpoints(struct net_rule peers[NR_PEER_KINDS],
			   struct fy_node *list, const struct scope *sc,
			   bool deny)
{
	struct net_rule *r = &peers[PEER_ENDPOINTS];
	struct strlist *entities = &peers[PEER_ENTITIES].names;
	int i, n = ynode_count(list);

	if (ynode_is_null(list))
		return true;
	if (!ynode_is_sequence(list))
		return false;
	for (i = 0; i < n; i++) {
		struct selector *sel = net_rule_add_selector(r);

		selector_read(sel, ynode_at(list, i), true);
		if (deny && sel->opaque)
			selector_release(&r->selectors[--r->nr_selectors]);
		else if (!deny && sel->opaque)
			add_name(entities, ENTITY_ALL);
		else if (!deny && beyond_namespace(sel, sc))
			add_name(entities, ENTITY_CLUSTER);
	}
	return true;
}

/* fromEntities, fromCIDR (and to...): a list of names. */
static bool read_name_list(struct strlist *names, struct fy_node *list)
{
	int i, n = ynode_count(list);

	if (ynode_is_null(list))
		return true;
	if (!ynode_is_sequence(list))
		return false;
	for (i = 0; i < n; i++)
		if (!add_scalar(names, ynode_at(list, i)))
			return false;
	return true;
}

static bool read_entities(struct net_rule peers[NR_PEER_KINDS],
			  struct fy_node *list, const struct scope *sc,
			  bool deny)
{
	(void)sc;
	(void)deny;
	return read_name_list(&peers[PEER_ENTITIES].names, list);
}

static bool read_cidrs(struct net_rule peers[NR_PEER_KINDS],
		       struct fy_node *list, const struct scope *sc, bool deny)
{
	(void)sc;
	(void)deny;
	return read_name_list(&peers[PEER_CIDRS].names, list);
}

/*
 * fromCIDRSet/toCIDRSet: each item's cidr. Its except is ignored when
 * allowing (the whole CIDR: more than it opens); when denying, an item
 * with one is left out (denying the whole CIDR would deny more). A CIDR
 * group (cidrGroupRef, cidrGroupSelector) names CIDRs we cannot see.
 */
static bool read_cidr_set(struct net_rule peers[NR_PEER_KINDS],
			  struct fy_node *list, const struct scope *sc,
			  bool deny)
{
	struct net_rule *r = &peers[PEER_CIDRS];
	int i, n = ynode_count(list);

	(void)sc;
	if (ynode_is_null(list))
		return true;
	if (!ynode_is_sequence(list))
		return false;
	for (i = 0; i < n; i++) {
		struct fy_node *item = ynode_at(list, i);
		struct fy_node_pair *pair;
		void *iter = NULL;
		bool except = false;

		if (!ynode_is_mapping(item))
			return false;
		while ((pair = fy_node_mapping_iterate(item, &iter))) {
			struct fy_node *key = fy_node_pair_key(pair);

			if (ynode_is(key, "except"))
				except = is_listed(fy_node_pair_value(pair));
			else if (!ynode_is(key, "cidr"))
				return false;
		}
		if (deny && except)
			continue;
		if (!add_scalar(&r->names, ynode_get(item, "cidr")))
			return false;
	}
	return true;
}

/* toFQDNs: matchName (a pattern without '*') and matchPattern alike. */
static bool read_fqdns(struct net_rule peers[NR_PEER_KINDS],
		       struct fy_node *list, const struct scope *sc, bool deny)
{
	(void)sc;
	(void)deny;
	if (ynode_is_null(list))
		return true;
	return read_name_selectors(&peers[PEER_FQDNS].names, list,
				   "matchName", "matchPattern");
}

/*
 * The peer keys read. The others cannot be evaluated: toServices,
 * toGroups/fromGroups (cloud provider groups), fromNodes/toNodes (node
 * selectors), and any key we do not know (a newer Cilium's).
 */
static const struct peer_key {
	const char *key;
	bool egress;		/* a key of egress rules, else of ingress */
	bool allow_only;	/* not in Cilium's deny rules */
	peer_reader read;
} peer_keys[] = {
	{ "fromEndpoints", false, false, read_endpoints },
	{ "fromEntities", false, false, read_entities },
	{ "fromCIDR", false, false, read_cidrs },
	{ "fromCIDRSet", false, false, read_cidr_set },
	{ "toEndpoints", true, false, read_endpoints },
	{ "toEntities", true, false, read_entities },
	{ "toCIDR", true, false, read_cidrs },
	{ "toCIDRSet", true, false, read_cidr_set },
	{ "toFQDNs", true, true, read_fqdns },
};

static const struct peer_key *find_peer_key(struct fy_node *key,
					    enum net_direction dir)
{
	size_t i;

	for (i = 0; i < sizeof(peer_keys) / sizeof(peer_keys[0]); i++)
		if (ynode_is(key, peer_keys[i].key) &&
		    peer_keys[i].egress == is_egress(dir) &&
		    !(peer_keys[i].allow_only && is_deny(dir)))
			return &peer_keys[i];
	return NULL;
}

/* What one Cilium rule (an item of ingress, egress, ...) says. */
struct cilium_rule {
	struct net_rule peers[NR_PEER_KINDS];	/* by kind */
	struct fy_node *to_ports;
	struct fy_node *icmps;
	size_t nr_keys;
	bool peer_key;		/* it has a peer key, even an empty one */
	bool unknown;		/* something we cannot evaluate */
};

/*
 * Read rule (a mapping) into cr. Keys that only restrict are ignored
 * when allowing (reading less of a restriction opens more):
 * fromRequires/toRequires (requirements added to other rules'
 * selectors, never a peer of their own) and authentication (mutual
 * auth). In a deny rule they would narrow what is denied: there they
 * cannot be evaluated, like any unknown key.
 */
static void read_cilium_keys(struct cilium_rule *cr, struct fy_node *rule,
			     enum net_direction dir, const struct scope *sc)
{
	struct fy_node_pair *pair;
	void *iter = NULL;

	memset(cr, 0, sizeof(*cr));
	while ((pair = fy_node_mapping_iterate(rule, &iter))) {
		struct fy_node *key = fy_node_pair_key(pair);
		struct fy_node *value = fy_node_pair_value(pair);
		const struct peer_key *pk = find_peer_key(key, dir);

		cr->nr_keys++;
		if (pk) {
			cr->peer_key = true;
			if (!pk->read(cr->peers, value, sc, is_deny(dir)))
				cr->unknown = true;
		} else if (ynode_is(key, "toPorts")) {
			cr->to_ports = value;
		} else if (ynode_is(key, "icmps")) {
			cr->icmps = value;
		} else if (is_deny(dir) ||
			   !(ynode_is(key, is_egress(dir) ? "toRequires" :
				      "fromRequires") ||
			     ynode_is(key, "authentication"))) {
			cr->unknown = true;
		}
	}
}

enum rule_part { PART_EVERY_PORT, PART_PORTS, PART_ICMP };

/*
 * One part of a Cilium rule: a net_rule per peer kind, each opening (or
 * denying) the part's ports. The peers are read anew for each part: a
 * rule with both toPorts and icmps opens both, as two rules of the model
 * (whose rule opens ICMP echo only when it has no toPorts).
 */
static void add_cilium_part(struct net_policy *p, enum net_direction dir,
			    struct fy_node *rule, const struct scope *sc,
			    enum rule_part part)
{
	struct cilium_rule cr;
	bool deny = is_deny(dir), any = false;
	size_t k;

	read_cilium_keys(&cr, rule, dir, sc);
	for (k = 0; k < NR_PEER_KINDS; k++)
		any = any || has_peers(&cr.peers[k]);
	if (!any) {
		/*
		 * No peer: the rule's ports are open to (denied from) every
		 * peer. A peer key whose list is empty reads the same
		 * (more than Cilium, which may read the rule as "{}") when
		 * allowing; when denying, its peers were left out or none:
		 * nothing is denied.
		 */
		release_peers(cr.peers);
		if (deny && cr.peer_key)
			return;
		add_name(&cr.peers[PEER_ENTITIES].names, ENTITY_ALL);
	}
	for (k = 0; k < NR_PEER_KINDS; k++) {
		struct net_rule *r;
		bool kept = true;

		if (!has_peers(&cr.peers[k]))
			continue;
		r = add_peers(p, dir, (enum net_peer)k, &cr.peers[k]);
		if (part == PART_PORTS)
			kept = read_to_ports(r, cr.to_ports, deny);
		else if (part == PART_ICMP)
			kept = read_icmps(r, cr.icmps, deny);
		if (!kept)
			drop_last_rule(p, dir);
	}
	release_peers(cr.peers);
}

/* One item of a Cilium rule's ingress, egress, ingressDeny, egressDeny. */
static void read_cilium_item(struct net_policy *p, enum net_direction dir,
			     struct fy_node *rule, const struct scope *sc)
{
	struct cilium_rule cr;
	bool deny = is_deny(dir);

	if (!ynode_is_mapping(rule)) {
		if (!deny)
			net_rule_add(p, dir, PEER_UNKNOWN);
		return;
	}
	read_cilium_keys(&cr, rule, dir, sc);
	release_peers(cr.peers);
	if (cr.unknown) {
		/* Allowing: everything to everyone. Denying: nothing. */
		if (!deny)
			net_rule_add(p, dir, PEER_UNKNOWN);
		return;
	}
	if (!cr.nr_keys) {
		/* "{}": selects no peer, only enforces the direction. */
		net_rule_add(p, dir, PEER_ENTITIES)->empty = true;
		return;
	}
	if (!is_listed(cr.to_ports) && !is_listed(cr.icmps)) {
		add_cilium_part(p, dir, rule, sc, PART_EVERY_PORT);
		return;
	}
	/* Allowing, a toPorts or icmps we cannot read opens every port. */
	if (!deny && ((is_listed(cr.to_ports) &&
		       !ynode_is_sequence(cr.to_ports)) ||
		      (is_listed(cr.icmps) && !ynode_is_sequence(cr.icmps)))) {
		add_cilium_part(p, dir, rule, sc, PART_EVERY_PORT);
		return;
	}
	if (is_listed(cr.to_ports))
		add_cilium_part(p, dir, rule, sc, PART_PORTS);
	if (is_listed(cr.icmps))
		add_cilium_part(p, dir, rule, sc, PART_ICMP);
}

static const struct {
	const char *key;
	enum net_direction dir;
} cilium_directions[] = {
	{ "ingress", NET_INGRESS },
	{ "egress", NET_EGRESS },
	{ "ingressDeny", NET_INGRESS_DENY },
	{ "egressDeny", NET_EGRESS_DENY },
};

/*
 * enableDefaultDeny: {ingress: BOOL, egress: BOOL}, true by default. What
 * is not true (false, or not a boolean) is read as false: a policy that
 * does not enforce opens more than one that does.
 */
static bool enforces(struct fy_node *flag)
{
	enum ybool b = ynode_bool(flag);

	return b == YBOOL_TRUE || b == YBOOL_UNSET;
}

static void read_default_deny(struct net_policy *p, struct fy_node *n)
{
	if (ynode_is_null(n))
		return;
	if (!ynode_is_mapping(n)) {
		p->default_allow[NET_INGRESS] = true;
		p->default_allow[NET_EGRESS] = true;
		return;
	}
	p->default_allow[NET_INGRESS] = !enforces(ynode_get(n, "ingress"));
	p->default_allow[NET_EGRESS] = !enforces(ynode_get(n, "egress"));
}

static struct net_policy *new_policy(struct net_policies *ps,
				     const char *name)
{
	struct net_policy *p = net_policy_add(ps, ORIGIN_CHART);

	p->name_parts[0] = xstrdup(name);
	return p;
}

/*
 * A policy we cannot read at all (a spec that is not a mapping): it may
 * select any pod and open anything.
 */
static void add_unreadable(struct net_policies *ps, const char *name)
{
	struct net_policy *p = new_policy(ps, name);

	net_policy_add_endpoints(p)->opaque = true;
	net_rule_add(p, NET_INGRESS, PEER_UNKNOWN);
	net_rule_add(p, NET_EGRESS, PEER_UNKNOWN);
}

/*
 * One Cilium rule (spec, an item of specs). A rule with a nodeSelector
 * and no endpointSelector selects nodes, not pods: it is skipped, as the
 * chart-policy judge skips it. A direction whose list is empty does not
 * apply (Cilium: "if omitted or empty, this rule does not apply").
 */
static void read_cilium_rule(struct net_policies *ps, const struct scope *sc,
			     struct fy_node *rule)
{
	struct fy_node *endpoints = ynode_get(rule, "endpointSelector");
	struct net_policy *p;
	struct selector *sel;
	size_t d;

	if (!ynode_is_mapping(rule)) {
		add_unreadable(ps, sc->name);
		return;
	}
	if (!endpoints && ynode_get(rule, "nodeSelector"))
		return;
	p = new_policy(ps, sc->name);
	sel = net_policy_add_endpoints(p);
	selector_read(sel, endpoints, true);
	read_default_deny(p, ynode_get(rule, "enableDefaultDeny"));
	for (d = 0; d < sizeof(cilium_directions) /
		    sizeof(cilium_directions[0]); d++) {
		enum net_direction dir = cilium_directions[d].dir;
		struct fy_node *list = ynode_get(rule,
						 cilium_directions[d].key);
		int i, n = ynode_count(list);

		/* Deny rules on endpoints we cannot tell: deny nothing. */
		if (!is_listed(list) || (is_deny(dir) && sel->opaque))
			continue;
		if (!ynode_is_sequence(list)) {
			if (!is_deny(dir))
				net_rule_add(p, dir, PEER_UNKNOWN);
			continue;
		}
		p->has[dir] = true;
		for (i = 0; i < n; i++)
			read_cilium_item(p, dir, ynode_at(list, i), sc);
		/*
		 * Deny rules all dropped: the direction is not read as
		 * enforced by them either (Cilium may have refused them).
		 */
		if (is_deny(dir) && !p->nr_rules[dir])
			p->has[dir] = false;
	}
}

/* --- Kubernetes NetworkPolicy ------------------------------------------- */

/*
 * One from/to peer into peers (by kind): false when it cannot be read.
 * A namespaceSelector (alone or with a podSelector) selects pods of other
 * namespaces, which the model does not see: read as Cilium's entity
 * cluster, every pod of the cluster (more than it opens). ipBlock's
 * except is ignored (the whole CIDR: more).
 */
static bool read_k8s_peer(struct net_rule peers[NR_PEER_KINDS],
			  struct fy_node *peer)
{
	struct fy_node_pair *pair;
	void *iter = NULL;
	struct fy_node *pods = NULL, *block = NULL;
	bool namespaces = false, has_pods = false, any = false;

	if (!ynode_is_mapping(peer))
		return false;
	while ((pair = fy_node_mapping_iterate(peer, &iter))) {
		struct fy_node *key = fy_node_pair_key(pair);
		struct fy_node *value = fy_node_pair_value(pair);

		any = true;
		if (ynode_is(key, "podSelector")) {
			has_pods = true;
			pods = value;
		} else if (ynode_is(key, "namespaceSelector"))
			namespaces = true;
		else if (ynode_is(key, "ipBlock"))
			block = value;
		else
			return false;
	}
	if (!any)
		return false;
	if (namespaces)
		add_name(&peers[PEER_ENTITIES].names, ENTITY_CLUSTER);
	else if (has_pods)	/* pods of the policy's namespace */
		selector_read(net_rule_add_selector(&peers[PEER_ENDPOINTS]),
			      pods, false);
	if (block) {
		struct fy_node_pair *bp;
		void *biter = NULL;

		if (!ynode_is_mapping(block))
			return false;
		while ((bp = fy_node_mapping_iterate(block, &biter)))
			if (!ynode_is(fy_node_pair_key(bp), "cidr") &&
			    !ynode_is(fy_node_pair_key(bp), "except"))
				return false;
		if (!add_scalar(&peers[PEER_CIDRS].names,
				ynode_get(block, "cidr")))
			return false;
	}
	return true;
}

/*
 * A NetworkPolicy rule's ports: each {port, protocol, endPort}. A named
 * port, a range, a missing port (every port of a protocol) or a shape we
 * cannot read: the rule opens every port (no to_ports).
 */
static void read_k8s_ports(struct net_rule *r, struct fy_node *ports)
{
	struct port_list pl = { NULL, 0, 0 };

	if (read_allow_ports(&pl, ports, false))
		net_rule_add_ports(r, CHECK_NONE)->ports = pl;
	else
		port_list_release(&pl);
}

/* One ingress (egress) rule: its from (to) peers OR-ed, on its ports. */
static void read_k8s_rule(struct net_policy *p, enum net_direction dir,
			  struct fy_node *rule, const char *peers_key)
{
	struct net_rule peers[NR_PEER_KINDS];
	struct fy_node_pair *pair;
	void *iter = NULL;
	struct fy_node *list;
	int i, n;
	size_t k;

	memset(peers, 0, sizeof(peers));
	/* null: the zero rule, as the API server decodes it ("{}") */
	if (!ynode_is_null(rule) && !ynode_is_mapping(rule)) {
		net_rule_add(p, dir, PEER_UNKNOWN);
		return;
	}
	while (ynode_is_mapping(rule) &&
	       (pair = fy_node_mapping_iterate(rule, &iter)))
		if (!ynode_is(fy_node_pair_key(pair), peers_key) &&
		    !ynode_is(fy_node_pair_key(pair), "ports")) {
			net_rule_add(p, dir, PEER_UNKNOWN);
			return;
		}
	list = ynode_get(rule, peers_key);
	n = ynode_count(list);
	if (!is_listed(list)) {
		/* no peers listed: every source (destination) */
		add_name(&peers[PEER_ENTITIES].names, ENTITY_ALL);
	} else if (!ynode_is_sequence(list)) {
		net_rule_add(p, dir, PEER_UNKNOWN);
		return;
	}
	for (i = 0; i < n; i++)
		if (!read_k8s_peer(peers, ynode_at(list, i))) {
			release_peers(peers);
			net_rule_add(p, dir, PEER_UNKNOWN);
			return;
		}
	for (k = 0; k < NR_PEER_KINDS; k++)
		if (has_peers(&peers[k]))
			read_k8s_ports(add_peers(p, dir, (enum net_peer)k,
						 &peers[k]),
				       ynode_get(rule, "ports"));
	release_peers(peers);
}

/*
 * policyTypes: false when absent or empty (the API server's default
 * applies), or when it cannot be read: then *ingress and *egress say
 * which lists hold rules (the reading that enforces least).
 */
static bool read_policy_types(struct fy_node *types, bool *ingress,
			      bool *egress)
{
	int i, n = ynode_count(types);

	*ingress = *egress = false;
	if (!is_listed(types))
		return false;
	if (!ynode_is_sequence(types))
		return false;
	for (i = 0; i < n; i++) {
		struct fy_node *t = ynode_at(types, i);

		if (ynode_is(t, "Ingress"))
			*ingress = true;
		else if (ynode_is(t, "Egress"))
			*egress = true;
		else
			return false;
	}
	return true;
}

static void read_k8s_direction(struct net_policy *p, enum net_direction dir,
			       struct fy_node *rules, const char *peers_key)
{
	int i, n = ynode_count(rules);

	p->has[dir] = true;
	if (ynode_is_null(rules))
		return;
	if (!ynode_is_sequence(rules)) {
		net_rule_add(p, dir, PEER_UNKNOWN);
		return;
	}
	for (i = 0; i < n; i++)
		read_k8s_rule(p, dir, ynode_at(rules, i), peers_key);
}

/*
 * A NetworkPolicy: the pods of spec.podSelector; its directions are
 * policyTypes' (by default Ingress, and Egress when spec.egress has
 * rules). A direction present with no rules denies everything.
 */
static void read_network_policy(struct net_policies *ps, const char *name,
				struct fy_node *spec)
{
	struct fy_node *ingress = ynode_get(spec, "ingress");
	struct fy_node *egress = ynode_get(spec, "egress");
	struct fy_node *types = ynode_get(spec, "policyTypes");
	struct net_policy *p;
	bool in, out;

	if (!ynode_is_null(spec) && !ynode_is_mapping(spec)) {
		add_unreadable(ps, name);
		return;
	}
	p = new_policy(ps, name);
	selector_read(net_policy_add_endpoints(p),
		      ynode_get(spec, "podSelector"), false);
	if (!read_policy_types(types, &in, &out)) {
		if (is_listed(types)) {
			in = is_listed(ingress);
			out = is_listed(egress);
		} else {
			in = true;
			out = is_listed(egress);
		}
	}
	if (in)
		read_k8s_direction(p, NET_INGRESS, ingress, "from");
	if (out)
		read_k8s_direction(p, NET_EGRESS, egress, "to");
}

/* --- the object --------------------------------------------------------- */

void chartnet_read(struct fy_node *object, const char *kind,
		   struct net_policies *ps)
{
	struct fy_node *spec = ynode_get(object, "spec");
	struct fy_node *specs = ynode_get(object, "specs");
	char *name = ynode_strdup(ynode_path(object, "/metadata/name"));
	char *namespace = ynode_strdup(ynode_path(object,
						  "/metadata/namespace"));
	struct buf full = BUF_INIT;
	struct scope sc;
	int i, n;

	buf_addf(&full, "%s/%s", kind, name ? name : "");
	free(name);
	sc.name = full.data;
	sc.namespace = namespace;
	sc.clusterwide = !strcmp(kind, "CiliumClusterwideNetworkPolicy");
	if (!strcmp(kind, "NetworkPolicy")) {
		read_network_policy(ps, sc.name, spec);
		goto out;
	}
	if (!ynode_is_null(spec))
		read_cilium_rule(ps, &sc, spec);
	if (!ynode_is_null(specs) && !ynode_is_sequence(specs))
		add_unreadable(ps, sc.name);
	n = ynode_count(specs);
	for (i = 0; i < n; i++)
		read_cilium_rule(ps, &sc, ynode_at(specs, i));
	if (ynode_is_null(spec) && ynode_is_null(specs)) {
		/* No rule: it selects no telling what, and opens nothing. */
		struct net_policy *p = new_policy(ps, sc.name);

		net_policy_add_endpoints(p)->opaque = true;
	}
out:
	free(namespace);
	buf_release(&full);
}
