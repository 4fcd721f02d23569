/*
 * policy — the CiliumNetworkPolicies (see policy.h), rule for rule those
 * of agent-env's network-policy.yaml, plus per-service egress:
 *
 *  - sandbox-egress: every sandboxed pod may look up (through kube-dns and
 *    Cilium's DNS proxy) the names of its namespace and the allowed
 *    domains, reach the other pods of the sandbox, the allowed domains on
 *    443 (TLS SNI checked) and 80 (HTTP Host checked) and the extra
 *    allowed ports, and the allowed entities and CIDRs. Nothing else.
 *  - svc-NAME-egress: the same for one service's own allow-* annotations.
 *  - sandbox-default-deny-ingress: no ingress unless allowed below.
 *  - svc-NAME-ingress (no networks in the release) or
 *    svc-NAME-NETWORK-ingress (networks): ingress to a service from the
 *    sandbox (from its networks), only on its ports when it lists ports;
 *    ICMP echo always. None for a network-isolated service.
 *  - svc-NAME-isolate: a network-isolated service may send and receive
 *    nothing (ingressDeny and egressDeny to all, as agent-env).
 *  - svc-NAME-open-ports: ingress from anyone (the entity all) to the
 *    ports the service opens (allow-ingress; a human baseliner's way in),
 *    as METR's agent-env allowIngressPorts. No ICMP, no egress. (The name
 *    ends in none of the other policies' suffixes, so no service and
 *    network name makes another policy's name.)
 */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "reach.h"
#include "templates.h"
#include "vocab.h"

/* What the slots of one policy's templates are filled with. */
struct policy_ctx {
	const struct sandbox *sb;
	const struct service *svc;	/* NULL: release-wide */
	const char *network;		/* NULL: none */
	const struct egress *e;		/* egress policies */
	bool cluster_services;		/* DNS lookups of the namespace's */
	const char *description;	/* service ingress */
};

static void write_network_label(struct buf *b, size_t indent,
				const char *network)
{
	struct buf key = BUF_INIT;

	buf_addf(&key, NETWORK_LABEL_PREFIX "%s", network);
	ytext_pair_quoted(b, indent, key.data, "true");
	buf_release(&key);
}

/* The labels that scope a selector to the sandboxed pods of the release. */
static void write_release_labels(struct buf *b, size_t indent,
				 const struct sandbox *sb)
{
	if (sb->namespace)
		ytext_pair_plain(b, indent, POD_NAMESPACE_LABEL,
				 sb->namespace);
	ytext_pair_quoted(b, indent, RELEASE_LABEL, sb->release);
	ytext_pair_quoted(b, indent, SANDBOX_LABEL, "true");
}

/* The labels of one service's pods (and of one of its networks). */
static void write_service_labels(struct buf *b, size_t indent,
				 const struct policy_ctx *ctx)
{
	write_release_labels(b, indent, ctx->sb);
	ytext_pair_plain(b, indent, SERVICE_LABEL, ctx->svc->name);
	if (ctx->network)
		write_network_label(b, indent, ctx->network);
}

/* "- port: "N"\n  protocol: P\n" */
static void write_port_item(struct buf *b, size_t indent, unsigned port,
			    enum protocol proto)
{
	ytext_indent(b, indent);
	buf_addf(b, "- port: \"%u\"\n", port);
	ytext_indent(b, indent + 2);
	buf_addf(b, "protocol: %s\n", protocol_name(proto));
}

/* "- ports:" with one port, in a toPorts list. */
static void write_ports_entry(struct buf *b, size_t indent, unsigned port,
			      enum protocol proto)
{
	ytext_indent(b, indent);
	buf_adds(b, "- ports:\n");
	write_port_item(b, indent + 2, port, proto);
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

static void write_dns_patterns(struct buf *b, size_t indent,
			       const struct policy_ctx *ctx)
{
	const struct egress *e = ctx->e;
	size_t i;

	/* The namespace's names, one pattern per depth (see reach.h). */
	for (i = 0; ctx->cluster_services && i < CLUSTER_DNS_DEPTHS; i++) {
		char *pattern = cluster_dns_pattern(ctx->sb, (unsigned)i + 1);

		ytext_item_quoted(b, indent, "matchPattern", pattern);
		free(pattern);
	}
	for (i = 0; i < e->domains.nr; i++)
		ytext_item_quoted(b, indent, "matchPattern",
				  e->domains.items[i]);
	if (egress_allows_world(e))
		ytext_item_quoted(b, indent, "matchPattern", "*");
}

static bool allows_every_domain(const struct egress *e)
{
	return strlist_has(&e->domains, "*");
}

static void write_other_ports(struct buf *b, size_t indent,
			      const struct egress *e)
{
	bool first = true;
	size_t i;

	for (i = 0; i < e->nr_ports; i++) {
		if (e->ports[i].domain)
			continue;
		if (first) {
			ytext_indent(b, indent);
			buf_adds(b, "- ports:\n");
			first = false;
		}
		write_port_item(b, indent + 2, e->ports[i].number,
				e->ports[i].protocol);
	}
}

static void write_quoted_items(struct buf *b, size_t indent,
			       const struct strlist *items)
{
	size_t i;

	for (i = 0; i < items->nr; i++) {
		ytext_indent(b, indent);
		buf_adds(b, "- ");
		ytext_quoted(b, items->items[i]);
		buf_addch(b, '\n');
	}
}

static void policy_slot(struct buf *b, const char *name, size_t name_len,
			size_t indent, bool block, void *data);

/* toFQDNs for the allowed domains, with their identity checks. */
static void write_domain_rules(struct buf *b, size_t indent,
			       const struct policy_ctx *ctx)
{
	const struct egress *e = ctx->e;
	size_t i;

	if (e->domains.nr) {
		ytext_indent(b, indent);
		buf_adds(b, "- toFQDNs:\n");
		for (i = 0; i < e->domains.nr; i++)
			ytext_item_quoted(b, indent + 2, "matchPattern",
					  e->domains.items[i]);
		if (!allows_every_domain(e))
			ytext_template(b, template_rule_domain_identity,
				       indent + 2, policy_slot, (void *)ctx);
	}
	/*
	 * Ports with a domain are scoped to that domain by their own rule;
	 * the domain may be allowed release-wide (plan.c checks it is
	 * allowed), which also allows its DNS lookups.
	 */
	for (i = 0; i < e->nr_ports; i++) {
		if (!e->ports[i].domain)
			continue;
		ytext_indent(b, indent);
		buf_adds(b, "- toFQDNs:\n");
		ytext_item_quoted(b, indent + 2, "matchPattern",
				  e->ports[i].domain);
		ytext_indent(b, indent + 2);
		buf_adds(b, "toPorts:\n");
		write_ports_entry(b, indent + 2, e->ports[i].number,
				  e->ports[i].protocol);
	}
}

static void write_list_rule(struct buf *b, size_t indent, const char *key,
			    const struct strlist *items)
{
	if (!items->nr)
		return;
	ytext_indent(b, indent);
	buf_addf(b, "- %s:\n", key);
	write_quoted_items(b, indent + 2, items);
}

static void write_allowed_rules(struct buf *b, size_t indent,
				const struct policy_ctx *ctx)
{
	write_domain_rules(b, indent, ctx);
	write_list_rule(b, indent, "toEntities", &ctx->e->entities);
	write_list_rule(b, indent, "toCIDR", &ctx->e->cidrs);
}

/* Egress to kube-dns, looking up only the allowed names. */
static void write_kube_dns_rule(struct buf *b, size_t indent,
				const struct policy_ctx *ctx)
{
	const struct egress *e = ctx->e;

	if (ctx->cluster_services || e->domains.nr ||
	    egress_allows_world(e))
		ytext_template(b, template_rule_kube_dns, indent, policy_slot,
			       (void *)ctx);
}

/* The first ingress rule's ports: the service's, when it lists ports. */
static void write_ingress_ports(struct buf *b, size_t indent,
				const struct service *svc)
{
	size_t i;

	if (!svc->nr_ports)
		return;
	ytext_indent(b, indent);
	buf_adds(b, "toPorts:\n");
	ytext_indent(b, indent);
	buf_adds(b, "- ports:\n");
	for (i = 0; i < svc->nr_ports; i++)
		write_port_item(b, indent + 2, svc->ports[i].number,
				svc->ports[i].protocol);
}

static void policy_slot(struct buf *b, const char *name, size_t name_len,
			size_t indent, bool block, void *data)
{
	const struct policy_ctx *ctx = data;

#define SLOT(s) ytext_slot_is(name, name_len, s)
	if (!block && SLOT("description") && ctx->description)
		ytext_quoted(b, ctx->description);
	else if (!block)
		gen_unknown_slot(name, name_len);
	else if (SLOT("release_labels"))
		write_release_labels(b, indent, ctx->sb);
	else if (SLOT("service_labels") && ctx->svc)
		write_service_labels(b, indent, ctx);
	else if (SLOT("network_labels")) {
		write_release_labels(b, indent, ctx->sb);
		if (ctx->network)
			write_network_label(b, indent, ctx->network);
	} else if (SLOT("kube_dns_rule") && ctx->e)
		write_kube_dns_rule(b, indent, ctx);
	else if (SLOT("dns_patterns") && ctx->e)
		write_dns_patterns(b, indent, ctx);
	else if (SLOT("allowed_rules") && ctx->e)
		write_allowed_rules(b, indent, ctx);
	else if (SLOT("server_names") && ctx->e)
		write_quoted_items(b, indent, &ctx->e->domains);
	else if (SLOT("http_hosts") && ctx->e) {
		size_t i;

		for (i = 0; i < ctx->e->domains.nr; i++) {
			struct buf host = BUF_INIT;

			add_host_regex(&host, ctx->e->domains.items[i]);
			ytext_item_quoted(b, indent, "host", host.data);
			buf_release(&host);
		}
	} else if (SLOT("other_ports") && ctx->e)
		write_other_ports(b, indent, ctx->e);
	else if (SLOT("to_ports") && ctx->svc)
		write_ingress_ports(b, indent, ctx->svc);
	else if (SLOT("allow_ingress_ports") && ctx->svc) {
		size_t i;

		for (i = 0; i < ctx->svc->allow_ingress.nr; i++)
			write_port_item(b, indent,
					ctx->svc->allow_ingress.items[i].number,
					ctx->svc->allow_ingress.items[i].protocol);
	}
	else
		gen_unknown_slot(name, name_len);
#undef SLOT
}

static void sandbox_egress(struct gen *g)
{
	struct policy_ctx ctx = { g->sb, NULL, NULL, &g->sb->settings->egress,
				  true, NULL };
	char *name = gen_name(g, "sandbox-egress", NULL, NULL, NULL);

	gen_write(g, template_policy_egress, name, "network-policy",
		  policy_slot, &ctx);
	free(name);
}

static void service_egress(struct gen *g, const struct service *svc)
{
	struct policy_ctx ctx = { g->sb, svc, NULL, &svc->egress, false,
				  NULL };
	char *name = gen_name(g, "svc", svc->name, "egress", NULL);

	gen_write(g, template_policy_service_egress, name, "network-policy",
		  policy_slot, &ctx);
	free(name);
}

static void default_deny_ingress(struct gen *g)
{
	struct policy_ctx ctx = { g->sb, NULL, NULL, NULL, false, NULL };
	char *name = gen_name(g, "sandbox-default-deny-ingress", NULL, NULL,
			      NULL);

	gen_write(g, template_policy_deny_ingress, name, "network-policy",
		  policy_slot, &ctx);
	free(name);
}

static void service_ingress(struct gen *g, const struct service *svc,
			    const char *network)
{
	struct policy_ctx ctx = { g->sb, svc, network, NULL, false, NULL };
	char *name = network ?
		gen_name(g, "svc", svc->name, network, "ingress") :
		gen_name(g, "svc", svc->name, "ingress", NULL);
	struct buf description = BUF_INIT;

	buf_addf(&description, "Allow ingress to workload \"%s\" from same "
		 "sandbox%s%s%s.\nIf ports are specified, only those ports "
		 "are exposed; otherwise all ports are allowed.\nAlways "
		 "allow ICMP echo requests (ping).\n", svc->name,
		 network ? " on network \"" : "", network ? network : "",
		 network ? "\"" : "");
	ctx.description = description.data;
	gen_write(g, template_policy_service_ingress, name, "network-policy",
		  policy_slot, &ctx);
	buf_release(&description);
	free(name);
}

static void service_isolate(struct gen *g, const struct service *svc)
{
	struct policy_ctx ctx = { g->sb, svc, NULL, NULL, false, NULL };
	char *name = gen_name(g, "svc", svc->name, "isolate", NULL);

	gen_write(g, template_policy_isolate, name, "network-policy",
		  policy_slot, &ctx);
	free(name);
}

static void service_allow_ingress(struct gen *g, const struct service *svc)
{
	struct policy_ctx ctx = { g->sb, svc, NULL, NULL, false, NULL };
	char *name = gen_name(g, "svc", svc->name, "open-ports", NULL);
	struct buf description = BUF_INIT;

	buf_addf(&description, "Allow ingress to workload \"%s\" from anyone "
		 "(every entity: the\ninternet and the cluster) on the ports "
		 "it opens with allow-ingress,\nand nothing else.\n",
		 svc->name);
	ctx.description = description.data;
	gen_write(g, template_policy_service_allow_ingress, name,
		  "network-policy", policy_slot, &ctx);
	buf_release(&description);
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
		if (svc->allow_ingress.nr && !svc->isolated)
			service_allow_ingress(g, svc);
	}
}
