/*
 * netbuild — the sandbox's CiliumNetworkPolicies as data (see
 * netbuild.h).
 */
#include "netbuild.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "vocab.h"

#define EGRESS_DESCRIPTION \
	"Allow egress to:\n" \
	"- cluster-wide DNS (kube-dns) for certain domains,\n" \
	"- all Pods in the same agent sandbox,\n" \
	"- any configured allowDomains, allowEntities, or allowCIDR.\n" \
	"To prevent DNS exfiltration, only allow DNS lookups for:\n" \
	"- services in this namespace,\n" \
	"- allowDomains, or\n" \
	"- allowEntities.\n"
#define SERVICE_EGRESS_DESCRIPTION \
	"Allow egress from one service's pods (agentenv.io/allow-* " \
	"annotations on\nits workload) to its allowed domains, entities and " \
	"CIDRs, with DNS\nlookups for those domains only. Adds to the " \
	"release-wide egress policy.\n"
#define DENY_INGRESS_DESCRIPTION \
	"Default deny ingress. Allow other policies to be more specific."
#define ISOLATE_DESCRIPTION \
	"Isolate the service (network_mode: none), as agent-env does: deny " \
	"all\ningress and all egress. A deny beats any allow, so no other " \
	"policy\n(the chart's, a cluster-wide one) can reopen it.\n"

/* The DNS servers a pod may ask: the cluster's, and node-local caches. */
static const char *const kube_dns_apps[] = { "kube-dns", "node-local-dns" };

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

void netbuild_pod_labels(struct selector *sel, const struct sandbox *sb,
			 const struct service *svc, bool in_namespace)
{
	if (in_namespace && sb->namespace)
		selector_add_label(sel, POD_NAMESPACE_LABEL, sb->namespace,
				   false);
	selector_add_label(sel, RELEASE_LABEL, sb->release, true);
	/* Only sandboxed pods: no opted-out pod carries it (plan.c). */
	selector_add_label(sel, SANDBOX_LABEL, "true", true);
	if (svc)
		selector_add_label(sel, SERVICE_LABEL, svc->name, false);
}

/* The labels every sandboxed pod of the release carries. */
static void add_release_labels(struct selector *sel, const struct sandbox *sb)
{
	netbuild_pod_labels(sel, sb, NULL, true);
}

static void add_network_label(struct selector *sel, const char *network)
{
	struct buf key = BUF_INIT;

	buf_addf(&key, NETWORK_LABEL_PREFIX "%s", network);
	selector_add_label(sel, key.data, "true", true);
	buf_release(&key);
}

/* The pods of one service (on one of its networks). */
static void select_service(struct net_policy *p, const struct sandbox *sb,
			   const struct service *svc, const char *network)
{
	struct selector *sel = net_policy_add_endpoints(p);

	netbuild_pod_labels(sel, sb, svc, true);
	if (network)
		add_network_label(sel, network);
}

static void add_name(struct strlist *l, const char *s)
{
	strlist_add(l, s, strlen(s));
}

static void add_names(struct strlist *l, const struct strlist *from)
{
	size_t i;

	for (i = 0; i < from->nr; i++)
		add_name(l, from->items[i]);
}

static struct net_ports *add_port(struct net_rule *r, unsigned port,
				  enum protocol protocol,
				  enum net_check check)
{
	struct net_ports *np = net_rule_add_ports(r, check);

	port_list_add(&np->ports, port, protocol);
	return np;
}

/* "*.example.com" -> "(?i)^[^.]+[.]example[.]com(:[0-9]+)?$" */
static void add_host_regex(struct strlist *l, const char *domain)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "(?i)^");
	for (; *domain; domain++) {
		if (*domain == '.')
			buf_adds(&b, "[.]");
		else if (*domain == '*')
			buf_adds(&b, "[^.]+");
		else
			buf_addch(&b, *domain);
	}
	buf_adds(&b, "(:[0-9]+)?$");
	strlist_add(l, b.data, b.len);
	buf_release(&b);
}

/*
 * Egress to kube-dns, looking up only the allowed names: the namespace's
 * (cluster), the allowed domains, and any name when world or all is
 * allowed. Cilium's DNS proxy refuses other lookups (no DNS exfiltration)
 * and the toFQDNs rules learn the allowed domains' addresses from these.
 */
static void add_kube_dns_rule(struct net_policy *p, const struct sandbox *sb,
			      const struct egress *e, bool cluster)
{
	struct net_rule *r;
	struct net_ports *np;
	size_t i;

	if (!cluster && !e->domains.nr && !egress_allows_world(e))
		return;
	r = net_rule_add(p, NET_EGRESS, PEER_ENDPOINTS);
	for (i = 0; i < sizeof(kube_dns_apps) / sizeof(kube_dns_apps[0]);
	     i++) {
		struct selector *sel = net_rule_add_selector(r);

		selector_add_label(sel, POD_NAMESPACE_LABEL, "kube-system",
				   false);
		selector_add_label(sel, "k8s-app", kube_dns_apps[i], false);
	}
	np = add_port(r, 53, PROTOCOL_ANY, CHECK_DNS);
	for (i = 0; cluster && i < CLUSTER_DNS_DEPTHS; i++) {
		char *pattern = cluster_dns_pattern(sb, (unsigned)i + 1);

		add_name(&np->names, pattern);
		free(pattern);
	}
	add_names(&np->names, &e->domains);
	if (egress_allows_world(e))
		add_name(&np->names, "*");
}

/*
 * toFQDNs for the allowed domains: with "*" among them every port of
 * every name; else 443 with the TLS SNI checked and 80 with the HTTP Host
 * checked (so a pinned IP cannot be reused to reach another host;
 * wildcard SNI needs Cilium >= 1.18), and the extra ports that name no
 * domain unchecked. A port scoped to a domain has a rule of its own; the
 * domain may be allowed release-wide (plan.c checks it is allowed).
 */
static void add_domain_rules(struct net_policy *p, const struct egress *e)
{
	struct net_rule *r;
	struct net_ports *np = NULL;
	size_t i;

	if (e->domains.nr) {
		r = net_rule_add(p, NET_EGRESS, PEER_FQDNS);
		add_names(&r->names, &e->domains);
		if (!strlist_has(&e->domains, "*")) {
			np = add_port(r, 443, PROTOCOL_TCP, CHECK_TLS_SNI);
			add_names(&np->names, &e->domains);
			np = add_port(r, 80, PROTOCOL_TCP, CHECK_HTTP_HOST);
			for (i = 0; i < e->domains.nr; i++)
				add_host_regex(&np->names,
					       e->domains.items[i]);
			np = NULL;
			for (i = 0; i < e->nr_ports; i++) {
				if (e->ports[i].domain)
					continue;
				if (!np)
					np = net_rule_add_ports(r, CHECK_NONE);
				port_list_add(&np->ports, e->ports[i].number,
					      e->ports[i].protocol);
			}
		}
	}
	for (i = 0; i < e->nr_ports; i++) {
		if (!e->ports[i].domain)
			continue;
		r = net_rule_add(p, NET_EGRESS, PEER_FQDNS);
		add_name(&r->names, e->ports[i].domain);
		add_port(r, e->ports[i].number, e->ports[i].protocol,
			 CHECK_NONE);
	}
}

static void add_list_rule(struct net_policy *p, enum net_peer peer,
			  const struct strlist *names)
{
	struct net_rule *r;

	if (!names->nr)
		return;
	r = net_rule_add(p, NET_EGRESS, peer);
	r->names_quoted = true;
	add_names(&r->names, names);
}

static void add_allowed_rules(struct net_policy *p, const struct egress *e)
{
	add_domain_rules(p, e);
	add_list_rule(p, PEER_ENTITIES, &e->entities);
	add_list_rule(p, PEER_CIDRS, &e->cidrs);
}

static void set_name(struct net_policy *p, const char *a, const char *b,
		     const char *c, const char *d)
{
	const char *parts[4] = { a, b, c, d };
	size_t i;

	for (i = 0; i < 4; i++)
		p->name_parts[i] = parts[i] ? xstrdup(parts[i]) : NULL;
}

static void sandbox_egress(const struct sandbox *sb, struct net_policies *ps)
{
	struct net_policy *p = net_policy_add(ps, ORIGIN_RELEASE);
	const struct egress *e = &sb->settings->egress;

	set_name(p, "sandbox-egress", NULL, NULL, NULL);
	p->description = EGRESS_DESCRIPTION;
	add_release_labels(net_policy_add_endpoints(p), sb);
	add_kube_dns_rule(p, sb, e, true);
	add_release_labels(net_rule_add_selector(
		net_rule_add(p, NET_EGRESS, PEER_ENDPOINTS)), sb);
	add_allowed_rules(p, e);
}

static void default_deny_ingress(const struct sandbox *sb,
				 struct net_policies *ps)
{
	struct net_policy *p = net_policy_add(ps, ORIGIN_RELEASE);

	set_name(p, "sandbox-default-deny-ingress", NULL, NULL, NULL);
	p->description = DENY_INGRESS_DESCRIPTION;
	add_release_labels(net_policy_add_endpoints(p), sb);
	net_rule_add(p, NET_INGRESS, PEER_ENTITIES)->empty = true;
}

static struct net_policy *service_policy(struct net_policies *ps,
					 const struct sandbox *sb,
					 const struct service *svc,
					 const char *network)
{
	struct net_policy *p = net_policy_add(ps, ORIGIN_SERVICE);

	p->service = svc;
	p->network = network;
	select_service(p, sb, svc, network);
	return p;
}

static void service_egress(const struct sandbox *sb,
			   const struct service *svc, struct net_policies *ps)
{
	struct net_policy *p = service_policy(ps, sb, svc, NULL);

	set_name(p, "svc", svc->name, "egress", NULL);
	p->description = SERVICE_EGRESS_DESCRIPTION;
	add_kube_dns_rule(p, sb, &svc->egress, false);
	add_allowed_rules(p, &svc->egress);
}

/* The pods of the release (on network), as a rule's peers. */
static struct net_rule *from_sandbox(struct net_policy *p,
				     const struct sandbox *sb,
				     const char *network)
{
	struct net_rule *r = net_rule_add(p, NET_INGRESS, PEER_ENDPOINTS);
	struct selector *sel = net_rule_add_selector(r);

	add_release_labels(sel, sb);
	if (network)
		add_network_label(sel, network);
	return r;
}

static void service_ingress(const struct sandbox *sb,
			    const struct service *svc, const char *network,
			    struct net_policies *ps)
{
	struct net_policy *p = service_policy(ps, sb, svc, network);
	struct net_rule *r;
	struct buf description = BUF_INIT;
	size_t i;

	if (network)
		set_name(p, "svc", svc->name, network, "ingress");
	else
		set_name(p, "svc", svc->name, "ingress", NULL);
	buf_addf(&description, "Allow ingress to workload \"%s\" from same "
		 "sandbox%s%s%s.\nIf ports are specified, only those ports "
		 "are exposed; otherwise all ports are allowed.\nAlways "
		 "allow ICMP echo requests (ping).\n", svc->name,
		 network ? " on network \"" : "", network ? network : "",
		 network ? "\"" : "");
	p->description_named = buf_detach(&description, NULL);
	r = from_sandbox(p, sb, network);
	if (svc->nr_ports) {
		struct net_ports *np = net_rule_add_ports(r, CHECK_NONE);

		for (i = 0; i < svc->nr_ports; i++)
			port_list_add(&np->ports, svc->ports[i].number,
				      svc->ports[i].protocol);
	}
	from_sandbox(p, sb, network)->icmp_echo = true;
}

static void service_isolate(const struct sandbox *sb,
			    const struct service *svc, struct net_policies *ps)
{
	struct net_policy *p = service_policy(ps, sb, svc, NULL);
	struct net_rule *r;

	set_name(p, "svc", svc->name, "isolate", NULL);
	p->description = ISOLATE_DESCRIPTION;
	r = net_rule_add(p, NET_INGRESS_DENY, PEER_ENTITIES);
	add_name(&r->names, ENTITY_ALL);
	r = net_rule_add(p, NET_EGRESS_DENY, PEER_ENTITIES);
	add_name(&r->names, ENTITY_ALL);
}

static void service_open_ports(const struct sandbox *sb,
			       const struct service *svc,
			       struct net_policies *ps)
{
	struct net_policy *p = service_policy(ps, sb, svc, NULL);
	struct net_rule *r = net_rule_add(p, NET_INGRESS, PEER_ENTITIES);
	struct net_ports *np = net_rule_add_ports(r, CHECK_NONE);
	struct buf description = BUF_INIT;
	size_t i;

	set_name(p, "svc", svc->name, "open-ports", NULL);
	buf_addf(&description, "Allow ingress to workload \"%s\" from anyone "
		 "(every entity: the\ninternet and the cluster) on the ports "
		 "it opens with allow-ingress,\nand nothing else.\n",
		 svc->name);
	p->description_named = buf_detach(&description, NULL);
	add_name(&r->names, ENTITY_ALL);
	for (i = 0; i < svc->allow_ingress.nr; i++)
		port_list_add(&np->ports, svc->allow_ingress.items[i].number,
			      svc->allow_ingress.items[i].protocol);
}

void netbuild_release(const struct sandbox *sb, struct net_policies *ps)
{
	sandbox_egress(sb, ps);
	default_deny_ingress(sb, ps);
}

void netbuild_service(const struct sandbox *sb, const struct service *svc,
		      struct net_policies *ps)
{
	size_t j;

	if (!egress_is_empty(&svc->egress) && !svc->isolated)
		service_egress(sb, svc, ps);
	if (svc->isolated) {
		service_isolate(sb, svc, ps);
	} else if (!sb->uses_networks) {
		service_ingress(sb, svc, NULL, ps);
	} else {
		for (j = 0; j < svc->networks.nr; j++)
			service_ingress(sb, svc, svc->networks.items[j], ps);
	}
	if (svc->allow_ingress.nr && !svc->isolated)
		service_open_ports(sb, svc, ps);
}

void netbuild_services(const struct sandbox *sb, enum pod_set set,
		       struct net_policies *ps)
{
	size_t i;

	for (i = 0; i < sb->nr; i++)
		if (sb->services[i].set == set)
			netbuild_service(sb, &sb->services[i], ps);
}
