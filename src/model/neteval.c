/*
 * neteval — the network evaluator (see neteval.h).
 */
#include "neteval.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chartpolicy.h"
#include "validate.h"
#include "vocab.h"

void net_model_init(struct net_model *m, const struct sandbox *sb,
		    const struct pod_templates *pts,
		    const struct chart_policies *cps)
{
	size_t alloc = 0, i, j;
	int set;

	memset(m, 0, sizeof(*m));
	m->sb = sb;
	netbuild_release(sb, &m->own);
	for (set = 0; set < NR_POD_SETS; set++)
		if (sb->has_set[set])
			netbuild_services(sb, (enum pod_set)set, &m->own);
	for (i = 0; i < m->own.nr; i++) {
		m->all = xgrow(m->all, sizeof(*m->all), m->nr + 1, &alloc);
		m->all[m->nr++] = &m->own.items[i];
	}
	for (i = 0; cps && i < cps->nr; i++) {
		const struct chart_policy *cp = &cps->items[i];

		if (!cp->keep || !chart_policy_in_namespace(cp, sb))
			continue;
		for (j = 0; j < cp->net.nr; j++) {
			m->all = xgrow(m->all, sizeof(*m->all), m->nr + 1,
				       &alloc);
			m->all[m->nr++] = &cp->net.items[j];
		}
	}
	m->pods = xcalloc(sb->nr ? sb->nr : 1, sizeof(*m->pods));
	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];

		if (!pt->opted_out && pt->service != NO_SERVICE &&
		    pt->service < sb->nr && !m->pods[pt->service])
			m->pods[pt->service] = pt;
	}
	m->selecting = xcalloc(sb->nr ? sb->nr : 1, sizeof(*m->selecting));
	for (i = 0; i < sb->nr; i++) {
		struct policy_indexes *sel = &m->selecting[i];
		size_t alloc_sel = 0;

		if (!m->pods[i])
			BUG("service %s has no pod template",
			    sb->services[i].name);
		/* Once per service: every question below asks it again. */
		for (j = 0; j < m->nr; j++) {
			if (!net_policy_selects(m->all[j], m->pods[i], sb))
				continue;
			sel->items = xgrow(sel->items, sizeof(*sel->items),
					   sel->nr + 1, &alloc_sel);
			sel->items[sel->nr++] = j;
		}
	}
}

void net_model_release(struct net_model *m)
{
	size_t i;

	for (i = 0; m->selecting && i < m->sb->nr; i++)
		free(m->selecting[i].items);
	free(m->selecting);
	net_policies_release(&m->own);
	free(m->all);
	free(m->pods);
	memset(m, 0, sizeof(*m));
}

/* --- matching ------------------------------------------------------------ */

static bool selects_pod(const struct net_model *m,
			const struct selector *sels, size_t nr, size_t k)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (selector_selects(&sels[i], m->pods[k], m->sb))
			return true;
	return false;
}

/* The i-th of the policies that select service k's pods. */
static const struct net_policy *selecting(const struct net_model *m,
					  size_t k, size_t i)
{
	return m->all[m->selecting[k].items[i]];
}

/*
 * r's entities include a or b. In an allow, one Cilium does not know (a
 * kept policy's, as written) counts as all; in a deny, as nothing: what
 * cannot be read opens more, never less.
 */
static bool has_entity(const struct net_rule *r, const char *a,
		       const char *b, bool deny)
{
	size_t i;

	for (i = 0; i < r->names.nr; i++) {
		const char *e = r->names.items[i];
		const char *why;

		if (!strcmp(e, a) || (b && !strcmp(e, b)) ||
		    (!deny && !valid_entity(e, strlen(e), &why)))
			return true;
	}
	return false;
}

/*
 * r's peers include the pods of service k; deny: r is a deny rule (an
 * unknown peer matches nothing there).
 */
static bool rule_matches_pod(const struct net_model *m,
			     const struct net_rule *r, size_t k, bool deny)
{
	if (r->empty)
		return false;
	switch (r->peer) {
	case PEER_ENDPOINTS:
		return selects_pod(m, r->selectors, r->nr_selectors, k);
	case PEER_ENTITIES:
		return has_entity(r, ENTITY_ALL, ENTITY_CLUSTER, deny);
	case PEER_CIDRS:
	case PEER_FQDNS:
		return false;
	case PEER_UNKNOWN:
		break;
	}
	return !deny;
}

/* r has a DNS-checked port. */
static bool checks_dns(const struct net_rule *r)
{
	size_t i;

	for (i = 0; i < r->nr_to_ports; i++)
		if (r->to_ports[i].check == CHECK_DNS)
			return true;
	return false;
}

/* The sandbox's own rule to kube-dns (netbuild.c writes no other so). */
static bool own_dns_rule(const struct net_policy *p, const struct net_rule *r)
{
	return p->origin != ORIGIN_CHART && checks_dns(r);
}

/* A deny rule to every entity, on every port: nothing passes. */
static bool denies_everything(const struct net_rule *r)
{
	return r->peer == PEER_ENTITIES && !r->nr_to_ports &&
	       !r->icmp_echo && has_entity(r, ENTITY_ALL, NULL, true);
}

static void add_new(struct strlist *l, const char *s)
{
	if (!strlist_has(l, s))
		strlist_add(l, s, strlen(s));
}

/* --- between services ---------------------------------------------------- */

/* What one side (one pod's egress, or ingress) lets pass to or from a peer. */
struct side {
	bool enforced;		/* some policy has rules of the direction */
	bool all_ports;
	struct port_list ports;
	bool icmp_echo;
	bool by_pods;		/* some rule naming pods admits the peer */
	bool by_entities;	/* some rule naming entities admits it */
	bool denied;		/* a deny without ports matches the peer */
	bool denied_icmp;	/* a deny of ICMP (icmps) matches it */
	struct port_list denied_ports;
};

/* The ports of r's toPorts into l; true when an entry names none (every). */
static bool add_rule_ports(struct port_list *l, const struct net_rule *r)
{
	bool every = false;
	size_t i, j;

	for (i = 0; i < r->nr_to_ports; i++) {
		const struct port_list *pl = &r->to_ports[i].ports;

		every |= !pl->nr;
		for (j = 0; j < pl->nr; j++)
			port_list_add(l, pl->items[j].number,
				      pl->items[j].protocol);
	}
	return every;
}

/* What r opens: every port (and ICMP), its ports, or ICMP echo. */
static void side_open(struct side *s, const struct net_rule *r)
{
	if (!r->nr_to_ports) {
		s->icmp_echo = true;
		if (!r->icmp_echo)
			s->all_ports = true;
		return;
	}
	if (r->icmp_echo)
		s->icmp_echo = true;
	if (add_rule_ports(&s->ports, r))
		s->all_ports = true;
}

static void side_deny(struct side *s, const struct net_rule *r)
{
	/* Its icmps deny ICMP only. */
	if (r->icmp_echo)
		s->denied_icmp = true;
	if (!r->nr_to_ports) {
		s->denied |= !r->icmp_echo;
		return;
	}
	if (add_rule_ports(&s->denied_ports, r))
		s->denied = true;
}

static void add_kept(struct strlist *kept, const struct net_policy *p)
{
	if (p->origin == ORIGIN_CHART)
		add_new(kept, p->name_parts[0]);
}

/*
 * The side of service self towards peer: its policies' rules of
 * direction allow (and its deny), networks and kept policies that admit
 * noted in r.
 */
static void side_collect(const struct net_model *m, size_t self, size_t peer,
			 enum net_direction allow, enum net_direction deny,
			 struct side *s, struct pair_reach *r)
{
	size_t i, j;

	for (i = 0; i < m->selecting[self].nr; i++) {
		const struct net_policy *p = selecting(m, self, i);
		/*
		 * Rules of the direction, allow or deny, put the pod in
		 * default deny for it (Cilium: len(Ingress) > 0 ||
		 * len(IngressDeny) > 0), unless the policy says
		 * enableDefaultDeny: false.
		 */
		s->enforced |= (p->has[allow] || p->has[deny]) &&
			       !p->default_allow[allow];
		for (j = 0; j < p->nr_rules[allow]; j++) {
			const struct net_rule *rule = &p->rules[allow][j];

			if (own_dns_rule(p, rule) ||
			    !rule_matches_pod(m, rule, peer, false))
				continue;
			side_open(s, rule);
			if (rule->peer == PEER_ENTITIES)
				s->by_entities = true;
			else
				s->by_pods = true;
			if (p->network)
				add_new(&r->networks, p->network);
			add_kept(&r->kept, p);
		}
		for (j = 0; j < p->nr_rules[deny]; j++)
			if (rule_matches_pod(m, &p->rules[deny][j], peer,
					     true))
				side_deny(s, &p->rules[deny][j]);
	}
	if (!s->enforced) {
		s->all_ports = true;
		s->icmp_echo = true;
	}
}

/* A port of a passes b: b holds it, or ANY (TCP and UDP) of its number. */
static bool port_passes(const struct port_list *b, unsigned number,
			enum protocol protocol)
{
	return port_list_has(b, number, protocol) ||
	       ((protocol == PROTOCOL_TCP || protocol == PROTOCOL_UDP) &&
		port_list_has(b, number, PROTOCOL_ANY));
}

/*
 * Add number/protocol to out less the denied: ANY (TCP and UDP) keeps
 * the protocol a deny leaves.
 */
static void add_undenied(struct port_list *out, unsigned number,
			 enum protocol protocol, const struct port_list *denied)
{
	bool tcp, udp;

	if (protocol != PROTOCOL_ANY) {
		if (!port_passes(denied, number, protocol))
			port_list_add(out, number, protocol);
		return;
	}
	tcp = !port_passes(denied, number, PROTOCOL_TCP);
	udp = !port_passes(denied, number, PROTOCOL_UDP);
	if (tcp || udp)
		port_list_add(out, number, tcp && udp ? PROTOCOL_ANY :
			      tcp ? PROTOCOL_TCP : PROTOCOL_UDP);
}

/*
 * The ports of a that b lets pass too, less the denied ones: ANY on one
 * side meets TCP or UDP on the other in that protocol.
 */
static void intersect(struct port_list *out, const struct side *a,
		      const struct side *b, const struct port_list *denied)
{
	static const enum protocol of_any[] = { PROTOCOL_TCP, PROTOCOL_UDP };
	size_t i, j;

	for (i = 0; i < a->ports.nr; i++) {
		const struct service_port *sp = &a->ports.items[i];

		if (b->all_ports ||
		    port_passes(&b->ports, sp->number, sp->protocol)) {
			add_undenied(out, sp->number, sp->protocol, denied);
			continue;
		}
		for (j = 0; sp->protocol == PROTOCOL_ANY &&
		     j < sizeof(of_any) / sizeof(of_any[0]); j++)
			if (port_list_has(&b->ports, sp->number, of_any[j]))
				add_undenied(out, sp->number, of_any[j],
					     denied);
	}
}

void net_reach_between(const struct net_model *m, size_t from, size_t to,
		       struct pair_reach *out)
{
	struct side e = { 0 }, in = { 0 };
	struct port_list denied = { 0 };
	size_t i;

	memset(out, 0, sizeof(*out));
	side_collect(m, from, to, NET_EGRESS, NET_EGRESS_DENY, &e, out);
	side_collect(m, to, from, NET_INGRESS, NET_INGRESS_DENY, &in, out);
	if (!e.denied && !in.denied) {
		for (i = 0; i < e.denied_ports.nr; i++)
			port_list_add(&denied, e.denied_ports.items[i].number,
				      e.denied_ports.items[i].protocol);
		for (i = 0; i < in.denied_ports.nr; i++)
			port_list_add(&denied,
				      in.denied_ports.items[i].number,
				      in.denied_ports.items[i].protocol);
		/* (Every port but the denied ones reads as every port.) */
		out->all_ports = e.all_ports && in.all_ports;
		if (!out->all_ports && in.all_ports)
			intersect(&out->ports, &e, &in, &denied);
		else if (!out->all_ports)
			intersect(&out->ports, &in, &e, &denied);
		out->icmp_echo = e.icmp_echo && in.icmp_echo &&
				 !e.denied_icmp && !in.denied_icmp;
		out->any = out->all_ports || out->ports.nr || out->icmp_echo;
		out->open_only = in.by_entities && !in.by_pods &&
				 in.enforced;
	}
	if (!out->any) {
		strlist_release(&out->networks);
		strlist_release(&out->kept);
		out->open_only = false;
	}
	port_list_release(&denied);
	port_list_release(&e.ports);
	port_list_release(&e.denied_ports);
	port_list_release(&in.ports);
	port_list_release(&in.denied_ports);
}

void pair_reach_release(struct pair_reach *r)
{
	port_list_release(&r->ports);
	strlist_release(&r->networks);
	strlist_release(&r->kept);
	memset(r, 0, sizeof(*r));
}

/* --- outside the release ------------------------------------------------- */

/*
 * Service k's pods may send (dir NET_EGRESS_DENY) or receive
 * (NET_INGRESS_DENY) nothing: a deny to every entity selects them.
 */
static bool denied_entirely(const struct net_model *m, size_t k,
			    enum net_direction dir)
{
	size_t i, j;

	for (i = 0; i < m->selecting[k].nr; i++) {
		const struct net_policy *p = selecting(m, k, i);
		for (j = 0; j < p->nr_rules[dir]; j++)
			if (denies_everything(&p->rules[dir][j]))
				return true;
	}
	return false;
}

static void add_allow(struct allows *out, enum allow_kind kind,
		      const struct net_policy *p, char *const *names,
		      size_t nr, unsigned port, enum protocol protocol,
		      enum net_check check)
{
	struct allow *a;

	out->items = xgrow(out->items, sizeof(*out->items), out->nr + 1,
			   &out->alloc);
	a = &out->items[out->nr++];
	a->kind = kind;
	a->policy = p;
	a->names = names;
	a->nr_names = nr;
	a->port = port;
	a->protocol = protocol;
	a->check = check;
}

/* r's allowances towards names, one per port. */
static void add_rule_allows(struct allows *out, enum allow_kind kind,
			    const struct net_policy *p,
			    const struct net_rule *r, char *const *names,
			    size_t nr)
{
	size_t i, j;

	if (!r->nr_to_ports)
		add_allow(out, kind, p, names, nr, 0, PROTOCOL_ANY,
			  CHECK_NONE);
	for (i = 0; i < r->nr_to_ports; i++) {
		const struct net_ports *np = &r->to_ports[i];

		if (!np->ports.nr)
			add_allow(out, kind, p, names, nr, 0, PROTOCOL_ANY,
				  np->check);
		for (j = 0; j < np->ports.nr; j++)
			add_allow(out, kind, p, names, nr,
				  np->ports.items[j].number,
				  np->ports.items[j].protocol, np->check);
	}
}

static void rule_egress(struct allows *out, const struct net_policy *p,
			const struct net_rule *r)
{
	size_t i;

	if (r->empty || own_dns_rule(p, r))
		return;
	switch (r->peer) {
	case PEER_ENDPOINTS:
		/* The sandbox's own rules to pods name the release's. */
		if (p->origin == ORIGIN_CHART)
			add_rule_allows(out, ALLOW_PODS, p, r, NULL, 0);
		break;
	case PEER_FQDNS:
		add_rule_allows(out, ALLOW_DOMAINS, p, r, r->names.items,
				r->names.nr);
		break;
	case PEER_ENTITIES:
	case PEER_CIDRS:
		for (i = 0; i < r->names.nr; i++)
			add_rule_allows(out, r->peer == PEER_ENTITIES ?
					ALLOW_ENTITY : ALLOW_CIDR, p, r,
					&r->names.items[i], 1);
		break;
	case PEER_UNKNOWN:
		add_rule_allows(out, ALLOW_ANYTHING, p, r, NULL, 0);
		break;
	}
}

void net_egress(const struct net_model *m, size_t k, struct allows *out)
{
	size_t i, j;

	if (denied_entirely(m, k, NET_EGRESS_DENY))
		return;
	for (i = 0; i < m->selecting[k].nr; i++) {
		const struct net_policy *p = selecting(m, k, i);
		for (j = 0; j < p->nr_rules[NET_EGRESS]; j++)
			rule_egress(out, p, &p->rules[NET_EGRESS][j]);
	}
}

bool allow_same_rule(const struct allow *a, const struct allow *b)
{
	return a->kind == b->kind && a->policy == b->policy &&
	       a->names == b->names;
}

void allows_release(struct allows *a)
{
	free(a->items);
	memset(a, 0, sizeof(*a));
}

/* --- from outside the cluster -------------------------------------------- */

/* An ingress rule r admits an address on the internet. */
static bool admits_world(const struct net_rule *r)
{
	if (r->empty)
		return false;
	switch (r->peer) {
	case PEER_ENTITIES:
		return has_entity(r, ENTITY_ALL, "world", false);
	case PEER_CIDRS:
	case PEER_UNKNOWN:
		return true;
	case PEER_ENDPOINTS:
	case PEER_FQDNS:
		break;
	}
	return false;
}

void net_inbound(const struct net_model *m, size_t k, struct inbounds *out)
{
	size_t i, j;

	if (denied_entirely(m, k, NET_INGRESS_DENY))
		return;
	for (i = 0; i < m->selecting[k].nr; i++) {
		const struct net_policy *p = selecting(m, k, i);
		struct inbound *in = NULL;

		for (j = 0; j < p->nr_rules[NET_INGRESS]; j++) {
			const struct net_rule *r = &p->rules[NET_INGRESS][j];

			if (!admits_world(r))
				continue;
			if (!in) {
				out->items = xgrow(out->items,
						   sizeof(*out->items),
						   out->nr + 1, &out->alloc);
				in = &out->items[out->nr++];
				memset(in, 0, sizeof(*in));
				in->policy = p;
			}
			/* (ICMP alone from outside is no port: not listed.) */
			if (!r->nr_to_ports)
				in->all_ports |= !r->icmp_echo;
			else if (add_rule_ports(&in->ports, r))
				in->all_ports = true;
		}
	}
}

void inbounds_release(struct inbounds *in)
{
	size_t i;

	for (i = 0; i < in->nr; i++)
		port_list_release(&in->items[i].ports);
	free(in->items);
	memset(in, 0, sizeof(*in));
}

/* --- DNS ----------------------------------------------------------------- */

/*
 * An allowed entity lifts the DNS filtering: cluster, host and all reach
 * kube-dns at L3, world (and all) any DNS server on the internet, and
 * the sandbox's own DNS rule then allows every name (netbuild.c); an
 * entity Cilium does not know counts as all.
 */
static bool entity_lifts(const char *entity)
{
	const char *why;

	return entity_lifts_dns_filtering(entity) ||
	       !valid_entity(entity, strlen(entity), &why);
}

/* A selector of a kept policy's rule may select kube-dns's pods. */
static bool may_select_kube_dns(const struct selector *sel)
{
	size_t i;

	if (sel->opaque)
		return true;
	for (i = 0; i < sel->nr; i++) {
		const struct requirement *req = &sel->reqs[i];

		if (req->key)
			continue;
		if (req->op == OP_IN &&
		    !strlist_has(&req->values, "kube-system"))
			return false;
		if (req->op == OP_NOT_IN &&
		    strlist_has(&req->values, "kube-system"))
			return false;
	}
	return true;
}

/*
 * Every port r opens is DNS-checked: an entry without the check beside
 * a checked one passes its ports past the DNS proxy, unfiltered.
 */
static bool only_dns_checked(const struct net_rule *r)
{
	size_t i;

	for (i = 0; i < r->nr_to_ports; i++)
		if (r->to_ports[i].check != CHECK_DNS)
			return false;
	return r->nr_to_ports > 0;
}

/* What in an unchecked (L3) rule r lifts the DNS filtering. */
static void rule_lifts(struct dns_reach *out, const struct net_policy *p,
		       const struct net_rule *r)
{
	size_t i;

	if (r->empty || only_dns_checked(r))
		return;
	if (r->peer == PEER_ENTITIES) {
		for (i = 0; i < r->names.nr; i++)
			if (entity_lifts(r->names.items[i]))
				add_new(&out->lifted_by, r->names.items[i]);
		return;
	}
	if (p->origin != ORIGIN_CHART)
		return;
	if (r->peer == PEER_UNKNOWN) {
		add_new(&out->lifted_by_kept, p->name_parts[0]);
		return;
	}
	for (i = 0; r->peer == PEER_ENDPOINTS && i < r->nr_selectors; i++)
		if (may_select_kube_dns(&r->selectors[i])) {
			add_new(&out->lifted_by_kept, p->name_parts[0]);
			return;
		}
}

static void rule_dns(struct dns_reach *out, const struct net_rule *r)
{
	size_t i, j, d;

	for (i = 0; i < r->nr_to_ports; i++) {
		const struct net_ports *np = &r->to_ports[i];

		if (np->check != CHECK_DNS)
			continue;
		for (j = 0; j < np->names.nr; j++) {
			const char *name = np->names.items[j];
			bool cluster = false;

			for (d = 0; d < CLUSTER_DNS_DEPTHS; d++)
				cluster |= !strcmp(name,
						   out->cluster_patterns[d]);
			if (cluster)
				out->cluster = true;
			else
				add_new(&out->names, name);
		}
	}
}

void net_dns(const struct net_model *m, size_t k, struct dns_reach *out)
{
	size_t i, j;
	unsigned d;

	memset(out, 0, sizeof(*out));
	for (d = 0; d < CLUSTER_DNS_DEPTHS; d++)
		out->cluster_patterns[d] = cluster_dns_pattern(m->sb, d + 1);
	if (denied_entirely(m, k, NET_EGRESS_DENY))
		return;
	for (i = 0; i < m->selecting[k].nr; i++) {
		const struct net_policy *p = selecting(m, k, i);
		for (j = 0; j < p->nr_rules[NET_EGRESS]; j++) {
			rule_dns(out, &p->rules[NET_EGRESS][j]);
			rule_lifts(out, p, &p->rules[NET_EGRESS][j]);
		}
	}
}

void dns_reach_release(struct dns_reach *d)
{
	unsigned i;

	for (i = 0; i < CLUSTER_DNS_DEPTHS; i++)
		free(d->cluster_patterns[i]);
	strlist_release(&d->names);
	strlist_release(&d->lifted_by);
	strlist_release(&d->lifted_by_kept);
	memset(d, 0, sizeof(*d));
}
