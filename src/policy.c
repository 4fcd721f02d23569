/*
 * policy — the CiliumNetworkPolicies (see generate.h), rule for rule those
 * of agent-env's network-policy.yaml, plus per-service egress:
 *
 *  - sandbox-egress: every sandboxed pod may look up (through kube-dns and
 *    Cilium's DNS proxy) the services of its namespace and the allowed
 *    domains, reach the other pods of the sandbox, the allowed domains on
 *    443 (TLS SNI checked) and 80 (HTTP Host checked) and the extra
 *    allowed ports, and the allowed entities and CIDRs. Nothing else.
 *  - svc-NAME-egress: the same for one service's own allow-* annotations.
 *  - sandbox-default-deny-ingress: no ingress unless allowed below.
 *  - svc-NAME-ingress (no networks in the release) or
 *    svc-NAME-NETWORK-ingress (networks): ingress to a service from the
 *    sandbox (from its networks), only on its ports when it lists ports;
 *    ICMP echo always. None for a network-isolated service.
 *  - svc-NAME-isolate: a network-isolated service may send nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "generate.h"
#include "inject.h"
#include "templates.h"
#include "ynode.h"

/* The labels that scope a selector to the sandboxed pods of the release. */
static void add_release_labels(struct fy_node *labels,
			       const struct sandbox *sb)
{
	struct fy_document *d = fy_node_document(labels);

	if (sb->namespace)
		ynode_set(labels, "io.kubernetes.pod.namespace",
			  ynode_plain(d, sb->namespace));
	ynode_set(labels, "app.kubernetes.io/instance",
		  ynode_quoted(d, sb->release));
	ynode_set(labels, SANDBOX_LABEL, ynode_quoted(d, "true"));
}

static struct fy_node *release_selector(struct fy_document *d,
					const struct sandbox *sb)
{
	struct fy_node *sel = ynode_from_yaml(d, "matchLabels: {}");

	add_release_labels(ynode_get(sel, "matchLabels"), sb);
	return sel;
}

/* The selector of one service's pods (and of one of its networks). */
static struct fy_node *service_selector(struct fy_document *d,
					const struct sandbox *sb,
					const struct service *svc,
					const char *network)
{
	struct fy_node *sel = release_selector(d, sb);
	struct fy_node *labels = ynode_get(sel, "matchLabels");

	ynode_set(labels, SERVICE_LABEL, ynode_plain(d, svc->name));
	if (network) {
		struct buf key = BUF_INIT;

		buf_addf(&key, "%s%s", NETWORK_LABEL_PREFIX, network);
		ynode_set(labels, key.data, ynode_quoted(d, "true"));
		buf_release(&key);
	}
	return sel;
}

static void append_quoted_item(struct fy_node *seq, const char *key,
			       const char *value)
{
	struct fy_document *d = fy_node_document(seq);
	struct fy_node *item = fy_node_create_mapping(d);

	ynode_set(item, key, ynode_quoted(d, value));
	ynode_append(seq, item);
}

static struct fy_node *port_item(struct fy_document *d, unsigned port,
				 enum protocol proto)
{
	struct buf yaml = BUF_INIT;
	struct fy_node *n;

	buf_addf(&yaml, "port: \"%u\"\nprotocol: %s\n", port,
		 protocol_name(proto));
	n = ynode_from_yaml(d, yaml.data);
	buf_release(&yaml);
	return n;
}

/* "*.example.com" -> "(?i)^[^.]+[.]example[.]com(:[0-9]+)?$" */
static void add_host_regex(struct buf *b, const char *domain)
{
	buf_adds(b, "(?i)^");
	for (; *domain; domain++) {
		if (*domain == '.')
			buf_adds(b, "[.]");
		else if (*domain == '*')
			buf_adds(b, "[^.]+");
		else
			buf_addch(b, *domain);
	}
	buf_adds(b, "(:[0-9]+)?$");
}

/* Egress to kube-dns, looking up only the given patterns. */
static void add_dns_rule(struct fy_node *egress, const struct sandbox *sb,
			 const struct egress *e, bool cluster_services)
{
	struct fy_document *d = fy_node_document(egress);
	struct fy_node *rule = ynode_from_yaml(d, template_rule_kube_dns);
	struct fy_node *dns = ynode_path(rule, "/toPorts/0/rules/dns");
	size_t i;

	if (cluster_services) {
		struct buf pattern = BUF_INIT;

		buf_addf(&pattern, "*.%s.svc.cluster.local",
			 sb->namespace ? sb->namespace : "*");
		append_quoted_item(dns, "matchPattern", pattern.data);
		buf_release(&pattern);
	}
	for (i = 0; i < e->domains.nr; i++)
		append_quoted_item(dns, "matchPattern", e->domains.items[i]);
	if (egress_allows_world(e))
		append_quoted_item(dns, "matchPattern", "*");
	ynode_append(egress, rule);
}

static bool allows_every_domain(const struct egress *e)
{
	return strlist_has(&e->domains, "*");
}

/* toFQDNs for the allowed domains, with their identity checks. */
static void add_domain_rules(struct fy_node *egress, const struct egress *e)
{
	struct fy_document *d = fy_node_document(egress);
	struct fy_node *rule, *fqdns, *to_ports, *server_names, *http;
	struct fy_node *extra = NULL;
	size_t i;

	if (!e->domains.nr)
		return;
	rule = fy_node_create_mapping(d);
	fqdns = ynode_want_sequence(rule, "toFQDNs");
	for (i = 0; i < e->domains.nr; i++)
		append_quoted_item(fqdns, "matchPattern", e->domains.items[i]);
	if (!allows_every_domain(e)) {
		to_ports = ynode_from_yaml(d, template_rule_domain_identity);
		server_names = ynode_path(to_ports, "/0/serverNames");
		http = ynode_path(to_ports, "/1/rules/http");
		for (i = 0; i < e->domains.nr; i++) {
			struct buf host = BUF_INIT;

			ynode_append(server_names,
				     ynode_quoted(d, e->domains.items[i]));
			add_host_regex(&host, e->domains.items[i]);
			append_quoted_item(http, "host", host.data);
			buf_release(&host);
		}
		/* Ports without a domain: every allowed domain's IPs. */
		for (i = 0; i < e->nr_ports; i++) {
			if (e->ports[i].domain)
				continue;
			if (!extra) {
				struct fy_node *entry;

				entry = fy_node_create_mapping(d);
				extra = ynode_want_sequence(entry, "ports");
				ynode_append(to_ports, entry);
			}
			ynode_append(extra, port_item(d, e->ports[i].number,
						      e->ports[i].protocol));
		}
		ynode_set(rule, "toPorts", to_ports);
	}
	ynode_append(egress, rule);
	/* Ports with a domain are scoped to that domain by their own rule. */
	for (i = 0; i < e->nr_ports; i++) {
		struct fy_node *ports;

		if (!e->ports[i].domain)
			continue;
		rule = fy_node_create_mapping(d);
		append_quoted_item(ynode_want_sequence(rule, "toFQDNs"),
				   "matchPattern", e->ports[i].domain);
		ports = ynode_from_yaml(d, "- ports: []");
		ynode_append(ynode_path(ports, "/0/ports"),
			     port_item(d, e->ports[i].number,
				       e->ports[i].protocol));
		ynode_set(rule, "toPorts", ports);
		ynode_append(egress, rule);
	}
}

static void add_string_list_rule(struct fy_node *egress, const char *key,
				 const struct strlist *items)
{
	struct fy_document *d = fy_node_document(egress);
	struct fy_node *rule, *seq;
	size_t i;

	if (!items->nr)
		return;
	rule = fy_node_create_mapping(d);
	seq = ynode_want_sequence(rule, key);
	for (i = 0; i < items->nr; i++)
		ynode_append(seq, ynode_quoted(d, items->items[i]));
	ynode_append(egress, rule);
}

static void add_allowed(struct fy_node *egress, const struct egress *e)
{
	add_domain_rules(egress, e);
	add_string_list_rule(egress, "toEntities", &e->entities);
	add_string_list_rule(egress, "toCIDR", &e->cidrs);
}

static void sandbox_egress(struct gen *g)
{
	const struct sandbox *sb = g->sb;
	const struct egress *e = &sb->settings->egress;
	char *name = gen_name(g, "sandbox-egress", NULL, NULL, NULL);
	struct fy_node *root = gen_object(g, template_policy_egress, name,
					  "network-policy");
	struct fy_document *d = fy_node_document(root);
	struct fy_node *spec = ynode_get(root, "spec");
	struct fy_node *egress = ynode_get(spec, "egress");
	struct fy_node *same = fy_node_create_mapping(d);

	ynode_set(spec, "endpointSelector", release_selector(d, sb));
	add_dns_rule(egress, sb, e, true);
	ynode_append(ynode_want_sequence(same, "toEndpoints"),
		     release_selector(d, sb));
	ynode_append(egress, same);
	add_allowed(egress, e);
	gen_add(g, root, "network-policy");
	free(name);
}

static void service_egress(struct gen *g, const struct service *svc)
{
	const struct sandbox *sb = g->sb;
	char *name = gen_name(g, "svc", svc->name, "egress", NULL);
	struct fy_node *root = gen_object(g, template_policy_service_egress,
					  name, "network-policy");
	struct fy_document *d = fy_node_document(root);
	struct fy_node *spec = ynode_get(root, "spec");
	struct fy_node *egress = ynode_get(spec, "egress");

	ynode_set(spec, "endpointSelector",
		  service_selector(d, sb, svc, NULL));
	if (svc->egress.domains.nr || egress_allows_world(&svc->egress))
		add_dns_rule(egress, sb, &svc->egress, false);
	add_allowed(egress, &svc->egress);
	gen_add(g, root, "network-policy");
	free(name);
}

static void default_deny_ingress(struct gen *g)
{
	char *name = gen_name(g, "sandbox-default-deny-ingress", NULL, NULL,
			       NULL);
	struct fy_node *root = gen_object(g, template_policy_deny_ingress,
					  name, "network-policy");

	ynode_set(ynode_get(root, "spec"), "endpointSelector",
		  release_selector(fy_node_document(root), g->sb));
	gen_add(g, root, "network-policy");
	free(name);
}

static struct fy_node *from_sandbox(struct fy_document *d,
				    const struct sandbox *sb,
				    const char *network)
{
	struct fy_node *rule = fy_node_create_mapping(d);
	struct fy_node *sel = release_selector(d, sb);

	if (network) {
		struct buf key = BUF_INIT;

		buf_addf(&key, "%s%s", NETWORK_LABEL_PREFIX, network);
		ynode_set(ynode_get(sel, "matchLabels"), key.data,
			  ynode_quoted(d, "true"));
		buf_release(&key);
	}
	ynode_append(ynode_want_sequence(rule, "fromEndpoints"), sel);
	return rule;
}

static void service_ingress(struct gen *g, const struct service *svc,
			    const char *network)
{
	const struct sandbox *sb = g->sb;
	char *name = network ?
		gen_name(g, "svc", svc->name, network, "ingress") :
		gen_name(g, "svc", svc->name, "ingress", NULL);
	struct fy_node *root, *spec, *ingress, *rule, *icmp;
	struct fy_document *d;
	struct buf description = BUF_INIT;
	size_t i;

	root = gen_object(g, template_policy_service_ingress, name,
			  "network-policy");
	d = fy_node_document(root);
	spec = ynode_get(root, "spec");
	ingress = ynode_get(spec, "ingress");
	buf_addf(&description, "Allow ingress to workload \"%s\" from same "
		 "sandbox%s%s%s.\nIf ports are specified, only those ports "
		 "are exposed; otherwise all ports are allowed.\nAlways "
		 "allow ICMP echo requests (ping).\n", svc->name,
		 network ? " on network \"" : "", network ? network : "",
		 network ? "\"" : "");
	ynode_set(spec, "description", ynode_quoted(d, description.data));
	ynode_set(spec, "endpointSelector",
		  service_selector(d, sb, svc, network));
	rule = from_sandbox(d, sb, network);
	if (svc->nr_ports) {
		struct fy_node *to_ports = ynode_from_yaml(d, "- ports: []");
		struct fy_node *ports = ynode_path(to_ports, "/0/ports");

		for (i = 0; i < svc->nr_ports; i++)
			ynode_append(ports, port_item(d, svc->ports[i].number,
						      svc->ports[i].protocol));
		ynode_set(rule, "toPorts", to_ports);
	}
	ynode_append(ingress, rule);
	rule = from_sandbox(d, sb, network);
	icmp = ynode_from_yaml(d, "- fields: []");
	ynode_set(ynode_at(icmp, 0), "fields",
		  ynode_from_yaml(d, template_rule_icmp_echo));
	ynode_set(rule, "icmps", icmp);
	ynode_append(ingress, rule);
	buf_release(&description);
	gen_add(g, root, "network-policy");
	free(name);
}

static void service_isolate(struct gen *g, const struct service *svc)
{
	char *name = gen_name(g, "svc", svc->name, "isolate", NULL);
	struct fy_node *root = gen_object(g, template_policy_isolate, name,
					  "network-policy");

	ynode_set(ynode_get(root, "spec"), "endpointSelector",
		  service_selector(fy_node_document(root), g->sb, svc, NULL));
	gen_add(g, root, "network-policy");
	free(name);
}

void policy_generate(struct gen *g)
{
	const struct sandbox *sb = g->sb;
	size_t i, j;

	sandbox_egress(g);
	default_deny_ingress(g);
	for (i = 0; i < sb->nr; i++) {
		const struct service *svc = &sb->services[i];

		if (svc->set != g->set)
			continue;
		if (!egress_is_empty(&svc->egress) && !svc->isolated)
			service_egress(g, svc);
		if (svc->isolated) {
			service_isolate(g, svc);
		} else if (!sb->uses_networks) {
			service_ingress(g, svc, NULL);
		} else {
			for (j = 0; j < svc->networks.nr; j++)
				service_ingress(g, svc,
						svc->networks.items[j]);
		}
	}
}
