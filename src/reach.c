/*
 * reach — the sandbox model's facts, as policy.c emits them (see reach.h).
 * Each function names the policy.c function it mirrors: a change there
 * must come here too, or tests/explain.sh fails.
 */
#include "reach.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/*
 * service_ingress() per network, from_sandbox(); service_isolate();
 * service_allow_ingress().
 */
enum reach_kind reach_between(const struct sandbox *sb,
			      const struct service *from,
			      const struct service *to, struct strlist *via,
			      struct port_list *ports)
{
	bool admitted = false;
	size_t i;

	if (from->isolated || to->isolated)
		return REACH_NONE;
	if (!sb->uses_networks) {
		admitted = true;
	} else {
		for (i = 0; i < to->networks.nr; i++) {
			const char *network = to->networks.items[i];

			if (!strlist_has(&from->networks, network))
				continue;
			admitted = true;
			if (via)
				strlist_add(via, network, strlen(network));
		}
	}
	if (admitted && !to->nr_ports)
		return REACH_ALL_PORTS;
	if (!admitted && !to->allow_ingress.nr)
		return REACH_NONE;
	for (i = 0; ports && admitted && i < to->nr_ports; i++)
		port_list_add(ports, to->ports[i].number,
			      to->ports[i].protocol);
	for (i = 0; ports && i < to->allow_ingress.nr; i++)
		port_list_add(ports, to->allow_ingress.items[i].number,
			      to->allow_ingress.items[i].protocol);
	return admitted ? REACH_PORTS : REACH_OPEN_PORTS;
}

static struct allow *add_allow(struct allows *out, enum allow_kind kind,
			       bool own, char *const *names, size_t nr)
{
	struct allow *a;

	out->items = xgrow(out->items, sizeof(*out->items), out->nr + 1,
			   &out->alloc);
	a = &out->items[out->nr++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->own = own;
	a->names = names;
	a->nr_names = nr;
	return a;
}

static void add_port(struct allows *out, bool own, char *const *names,
		     size_t nr, unsigned port, enum protocol protocol,
		     enum allow_check check)
{
	struct allow *a = add_allow(out, ALLOW_DOMAINS, own, names, nr);

	a->port = port;
	a->protocol = protocol;
	a->check = check;
}

/*
 * write_domain_rules(): the allowed domains, with the ports that open to
 * all of them; a port scoped to a domain has a rule of its own, whose
 * domain may be allowed release-wide (plan.c checks it is allowed).
 */
static void add_domains(struct allows *out, const struct egress *e, bool own)
{
	char *const *domains = e->domains.items;
	size_t nr = e->domains.nr, i;

	if (!nr) {
		/* nothing */
	} else if (strlist_has(&e->domains, "*")) {
		add_allow(out, ALLOW_DOMAINS, own, domains, nr);
	} else {
		add_port(out, own, domains, nr, 443, PROTOCOL_TCP,
			 CHECK_TLS_SNI);
		add_port(out, own, domains, nr, 80, PROTOCOL_TCP,
			 CHECK_HTTP_HOST);
		for (i = 0; i < e->nr_ports; i++)
			if (!e->ports[i].domain)
				add_port(out, own, domains, nr,
					 e->ports[i].number,
					 e->ports[i].protocol, CHECK_NONE);
	}
	for (i = 0; i < e->nr_ports; i++)
		if (e->ports[i].domain)
			add_port(out, own, &e->ports[i].domain, 1,
				 e->ports[i].number, e->ports[i].protocol,
				 CHECK_NONE);
}

/* add_allowed(). */
static void add_egress(struct allows *out, const struct egress *e, bool own)
{
	size_t i;

	add_domains(out, e, own);
	for (i = 0; i < e->entities.nr; i++)
		add_allow(out, ALLOW_ENTITY, own, &e->entities.items[i], 1);
	for (i = 0; i < e->cidrs.nr; i++)
		add_allow(out, ALLOW_CIDR, own, &e->cidrs.items[i], 1);
}

/* sandbox_egress(), service_egress() (policy_generate's condition). */
void reach_egress(const struct sandbox *sb, const struct service *svc,
		  struct allows *out)
{
	if (svc->isolated)
		return;
	add_egress(out, &sb->settings->egress, false);
	if (!egress_is_empty(&svc->egress))
		add_egress(out, &svc->egress, true);
}

void allows_release(struct allows *a)
{
	free(a->items);
	memset(a, 0, sizeof(*a));
}

static void add_new(struct strlist *l, const char *s)
{
	if (!strlist_has(l, s))
		strlist_add(l, s, strlen(s));
}

/* Entities whose L3 allow reaches kube-dns (CONTRACT.md, Fail closed). */
static bool lifts_dns_filtering(const char *entity)
{
	return !strcmp(entity, "cluster") || !strcmp(entity, "host") ||
	       !strcmp(entity, "all") || !strcmp(entity, "world");
}

/* add_dns_rule() of one egress, and the entities of add_allowed(). */
static void add_dns(struct dns_reach *out, const struct egress *e,
		    bool rule)
{
	size_t i;

	if (rule) {
		for (i = 0; i < e->domains.nr; i++)
			add_new(&out->names, e->domains.items[i]);
		if (egress_allows_world(e))
			add_new(&out->names, "*");
	}
	for (i = 0; i < e->entities.nr; i++)
		if (lifts_dns_filtering(e->entities.items[i]))
			add_new(&out->lifted_by, e->entities.items[i]);
}

char *cluster_dns_pattern(const struct sandbox *sb, unsigned depth)
{
	struct buf pattern = BUF_INIT;
	unsigned i;

	for (i = 0; i < depth; i++)
		buf_adds(&pattern, "*.");
	buf_addf(&pattern, "%s.svc.cluster.local",
		 sb->namespace ? sb->namespace : "*");
	return buf_detach(&pattern, NULL);
}

void reach_dns(const struct sandbox *sb, const struct service *svc,
	       struct dns_reach *out)
{
	const struct egress *own = &svc->egress;
	unsigned i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < CLUSTER_DNS_DEPTHS; i++)
		out->cluster_patterns[i] = cluster_dns_pattern(sb, i + 1);
	if (svc->isolated)
		return;
	out->cluster = true;
	add_dns(out, &sb->settings->egress, true);
	if (!egress_is_empty(own))
		add_dns(out, own, own->domains.nr || egress_allows_world(own));
}

void dns_reach_release(struct dns_reach *d)
{
	unsigned i;

	for (i = 0; i < CLUSTER_DNS_DEPTHS; i++)
		free(d->cluster_patterns[i]);
	strlist_release(&d->names);
	strlist_release(&d->lifted_by);
	memset(d, 0, sizeof(*d));
}
