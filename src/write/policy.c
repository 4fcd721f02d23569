/*
 * policy — writing network policies as text (see policy.h). Keys in
 * Cilium's order of the sandbox's policies: description,
 * endpointSelector, then ingress, egress, ingressDeny, egressDeny; in a
 * rule its peers, then toPorts, then icmps.
 */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "netbuild.h"
#include "templates.h"
#include "vocab.h"

/* The keys of a rule's peers, by direction (ingress: from, egress: to). */
static const char *const peer_keys[PEER_UNKNOWN][2] = {
	[PEER_ENDPOINTS] = { "fromEndpoints", "toEndpoints" },
	[PEER_ENTITIES] = { "fromEntities", "toEntities" },
	[PEER_CIDRS] = { "fromCIDR", "toCIDR" },
	[PEER_FQDNS] = { NULL, "toFQDNs" },
};

static const char *const direction_keys[NR_NET_DIRECTIONS] = {
	[NET_INGRESS] = "ingress",
	[NET_EGRESS] = "egress",
	[NET_INGRESS_DENY] = "ingressDeny",
	[NET_EGRESS_DENY] = "egressDeny",
};

static bool is_egress(enum net_direction dir)
{
	return dir == NET_EGRESS || dir == NET_EGRESS_DENY;
}

static void write_key(struct buf *b, size_t indent, const char *key)
{
	ytext_indent(b, indent);
	buf_addf(b, "%s:\n", key);
}

void policy_write_labels(struct buf *b, size_t indent,
			 const struct selector *sel)
{
	size_t i;

	for (i = 0; i < sel->nr; i++) {
		const struct requirement *r = &sel->reqs[i];
		const char *key = r->key ? r->key : POD_NAMESPACE_LABEL;

		if (r->op != OP_IN || r->values.nr != 1)
			BUG("policy selector on %s is not an equality", key);
		if (r->quoted)
			ytext_pair_quoted(b, indent, key, r->values.items[0]);
		else
			ytext_pair_plain(b, indent, key, r->values.items[0]);
	}
}

/*
 * "matchLabels:" and a selector's labels, at indent; item: as a list
 * item ("- matchLabels:" at indent - 2).
 */
static void write_match_labels(struct buf *b, size_t indent,
			       const struct selector *sel, bool item)
{
	if (item) {
		ytext_indent(b, indent - 2);
		buf_adds(b, "- matchLabels:\n");
	} else {
		write_key(b, indent, "matchLabels");
	}
	policy_write_labels(b, indent + 2, sel);
}

static void write_names(struct buf *b, size_t indent,
			const struct net_rule *r)
{
	size_t i;

	for (i = 0; i < r->names.nr; i++) {
		ytext_indent(b, indent);
		buf_adds(b, "- ");
		if (r->names_quoted)
			ytext_quoted(b, r->names.items[i]);
		else
			ytext_plain(b, r->names.items[i]);
		buf_addch(b, '\n');
	}
}

/* A rule's peers: "KEY:" (the rule's first key) and the list under it. */
static void write_peers(struct buf *b, size_t indent,
			const struct net_rule *r, enum net_direction dir)
{
	const char *key = r->peer < PEER_UNKNOWN ?
		peer_keys[r->peer][is_egress(dir)] : NULL;
	size_t i;

	if (!key)
		BUG("a peer the policies cannot write");
	ytext_indent(b, indent - 2);
	buf_addf(b, "- %s:\n", key);
	if (r->peer == PEER_ENDPOINTS) {
		for (i = 0; i < r->nr_selectors; i++)
			write_match_labels(b, indent + 2, &r->selectors[i],
					   true);
	} else if (r->peer == PEER_FQDNS) {
		for (i = 0; i < r->names.nr; i++)
			ytext_item_quoted(b, indent, "matchPattern",
					  r->names.items[i]);
	} else {
		write_names(b, indent, r);
	}
}

/* "rules:", "PROTOCOL:" and a "- KEY: NAME" item per name. */
static void write_l7_rules(struct buf *b, size_t indent, const char *protocol,
			   const char *key, const struct strlist *names)
{
	size_t i;

	write_key(b, indent, "rules");
	write_key(b, indent + 2, protocol);
	for (i = 0; i < names->nr; i++)
		ytext_item_quoted(b, indent + 2, key, names->items[i]);
}

static void write_check(struct buf *b, size_t indent,
			const struct net_ports *np)
{
	size_t i;

	switch (np->check) {
	case CHECK_NONE:
		break;
	case CHECK_DNS:
		write_l7_rules(b, indent, "dns", "matchPattern", &np->names);
		break;
	case CHECK_TLS_SNI:
		write_key(b, indent, "serverNames");
		for (i = 0; i < np->names.nr; i++) {
			ytext_indent(b, indent);
			buf_adds(b, "- ");
			ytext_quoted(b, np->names.items[i]);
			buf_addch(b, '\n');
		}
		break;
	case CHECK_HTTP_HOST:
		write_l7_rules(b, indent, "http", "host", &np->names);
		break;
	case CHECK_OTHER:
		BUG("an L7 check the policies cannot write");
	}
}

/* "toPorts:": each entry's ports, then its check. */
static void write_to_ports(struct buf *b, size_t indent,
			   const struct net_rule *r)
{
	size_t i, j;

	if (!r->nr_to_ports)
		return;
	write_key(b, indent, "toPorts");
	for (i = 0; i < r->nr_to_ports; i++) {
		const struct net_ports *np = &r->to_ports[i];

		ytext_indent(b, indent);
		buf_adds(b, "- ports:\n");
		for (j = 0; j < np->ports.nr; j++) {
			ytext_indent(b, indent + 2);
			buf_addf(b, "- port: \"%u\"\n",
				 np->ports.items[j].number);
			ytext_indent(b, indent + 4);
			buf_addf(b, "protocol: %s\n",
				 protocol_name(np->ports.items[j].protocol));
		}
		write_check(b, indent + 2, np);
	}
}

/* ICMP echo requests (ping), over IPv4 and IPv6. */
static void write_icmp_echo(struct buf *b, size_t indent)
{
	write_key(b, indent, "icmps");
	ytext_indent(b, indent);
	buf_adds(b, "- fields:\n");
	ytext_indent(b, indent + 2);
	buf_adds(b, "- type: 8\n");
	ytext_indent(b, indent + 4);
	buf_adds(b, "family: IPv4\n");
	ytext_indent(b, indent + 2);
	buf_adds(b, "- type: 128\n");
	ytext_indent(b, indent + 4);
	buf_adds(b, "family: IPv6\n");
}

/* One rule, a list item at indent. */
static void write_rule(struct buf *b, size_t indent, const struct net_rule *r,
		       enum net_direction dir)
{
	if (r->empty) {
		ytext_indent(b, indent);
		buf_adds(b, "- {}\n");
		return;
	}
	write_peers(b, indent + 2, r, dir);
	write_to_ports(b, indent + 2, r);
	if (r->icmp_echo)
		write_icmp_echo(b, indent + 2);
}

static void write_description(struct buf *b, size_t indent,
			      const struct net_policy *p)
{
	ytext_indent(b, indent);
	if (p->description_named) {
		buf_adds(b, "description: ");
		ytext_quoted(b, p->description_named);
		buf_addch(b, '\n');
	} else if (strchr(p->description, '\n')) {
		buf_adds(b, "description: |\n");
		ytext_literal(b, indent + 2, p->description);
	} else {
		buf_addf(b, "description: %s\n", p->description);
	}
}

static void write_spec(struct buf *b, size_t indent,
		       const struct net_policy *p)
{
	size_t d, i;

	write_description(b, indent, p);
	if (p->nr_endpoints != 1)
		BUG("a policy of the sandbox selects with one selector");
	write_key(b, indent, "endpointSelector");
	write_match_labels(b, indent + 2, &p->endpoints[0], false);
	for (d = 0; d < NR_NET_DIRECTIONS; d++) {
		if (!p->has[d])
			continue;
		write_key(b, indent, direction_keys[d]);
		for (i = 0; i < p->nr_rules[d]; i++)
			write_rule(b, indent, &p->rules[d][i],
				   (enum net_direction)d);
	}
}

static void policy_slot(struct buf *b, const char *name, size_t name_len,
			size_t indent, bool block, void *data)
{
	if (block && ytext_slot_is(name, name_len, "spec"))
		write_spec(b, indent, data);
	else
		gen_unknown_slot(name, name_len);
}

/* Write the policies of ps, and empty it. */
static void write_policies(struct gen *g, struct net_policies *ps)
{
	size_t i;

	for (i = 0; i < ps->nr; i++) {
		const struct net_policy *p = &ps->items[i];
		char *name = gen_name(g, p->name_parts[0], p->name_parts[1],
				      p->name_parts[2], p->name_parts[3]);

		gen_write(g, template_policy, name, "network-policy",
			  policy_slot, (void *)p);
		free(name);
	}
	net_policies_release(ps);
}

/* Built and written a service at a time: only one's data held at once. */
void policy_generate(struct gen *g)
{
	const struct sandbox *sb = g->sb;
	struct net_policies ps = { 0 };
	size_t i;

	netbuild_release(sb, &ps);
	write_policies(g, &ps);
	for (i = 0; i < sb->nr; i++) {
		if (sb->services[i].set != g->set)
			continue;
		netbuild_service(sb, &sb->services[i], &ps);
		write_policies(g, &ps);
	}
}
