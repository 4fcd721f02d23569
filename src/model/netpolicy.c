/*
 * netpolicy — network policies as data: building and freeing them (see
 * netpolicy.h).
 */
#include "netpolicy.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct net_policy *net_policy_add(struct net_policies *ps,
				  enum net_origin origin)
{
	struct net_policy *p;

	ps->items = xgrow(ps->items, sizeof(*ps->items), ps->nr + 1,
			  &ps->alloc);
	p = &ps->items[ps->nr++];
	memset(p, 0, sizeof(*p));
	p->origin = origin;
	return p;
}

struct selector *net_policy_add_endpoints(struct net_policy *p)
{
	struct selector *sel;

	p->endpoints = xgrow(p->endpoints, sizeof(*p->endpoints),
			     p->nr_endpoints + 1, &p->alloc_endpoints);
	sel = &p->endpoints[p->nr_endpoints++];
	memset(sel, 0, sizeof(*sel));
	return sel;
}

struct net_rule *net_rule_add(struct net_policy *p, enum net_direction dir,
			      enum net_peer peer)
{
	struct net_rule *r;

	p->rules[dir] = xgrow(p->rules[dir], sizeof(*p->rules[dir]),
			      p->nr_rules[dir] + 1, &p->alloc_rules[dir]);
	r = &p->rules[dir][p->nr_rules[dir]++];
	memset(r, 0, sizeof(*r));
	r->peer = peer;
	p->has[dir] = true;
	return r;
}

struct selector *net_rule_add_selector(struct net_rule *r)
{
	struct selector *sel;

	r->selectors = xgrow(r->selectors, sizeof(*r->selectors),
			     r->nr_selectors + 1, &r->alloc_selectors);
	sel = &r->selectors[r->nr_selectors++];
	memset(sel, 0, sizeof(*sel));
	return sel;
}

struct net_ports *net_rule_add_ports(struct net_rule *r,
				     enum net_check check)
{
	struct net_ports *np;

	r->to_ports = xgrow(r->to_ports, sizeof(*r->to_ports),
			    r->nr_to_ports + 1, &r->alloc_to_ports);
	np = &r->to_ports[r->nr_to_ports++];
	memset(np, 0, sizeof(*np));
	np->check = check;
	return np;
}

void net_rule_release(struct net_rule *r)
{
	size_t i;

	for (i = 0; i < r->nr_selectors; i++)
		selector_release(&r->selectors[i]);
	free(r->selectors);
	strlist_release(&r->names);
	for (i = 0; i < r->nr_to_ports; i++) {
		port_list_release(&r->to_ports[i].ports);
		strlist_release(&r->to_ports[i].names);
	}
	free(r->to_ports);
}

static void policy_release(struct net_policy *p)
{
	size_t i, d;

	for (i = 0; i < 4; i++)
		free(p->name_parts[i]);
	free(p->description_named);
	for (i = 0; i < p->nr_endpoints; i++)
		selector_release(&p->endpoints[i]);
	free(p->endpoints);
	for (d = 0; d < NR_NET_DIRECTIONS; d++) {
		for (i = 0; i < p->nr_rules[d]; i++)
			net_rule_release(&p->rules[d][i]);
		free(p->rules[d]);
	}
}

bool net_policy_selects(const struct net_policy *p,
			const struct pod_template *pt,
			const struct sandbox *sb)
{
	size_t i;

	for (i = 0; i < p->nr_endpoints; i++)
		if (selector_selects(&p->endpoints[i], pt, sb))
			return true;
	return false;
}

void net_policies_release(struct net_policies *ps)
{
	size_t i;

	for (i = 0; i < ps->nr; i++)
		policy_release(&ps->items[i]);
	free(ps->items);
	memset(ps, 0, sizeof(*ps));
}
