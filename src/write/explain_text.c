/*
 * explain_text — the text rendering of --explain (see explain_text.h).
 * The facts come from neteval.h and explain_common.h; what is here is
 * wording and layout.
 */
#include "explain_text.h"

#include <stdlib.h>
#include <string.h>

#include "explain_common.h"
#include "neteval.h"

/* UTF-8, as the matrix prints them. */
#define MARK_YES "\xe2\x9c\x93"	/* U+2713 CHECK MARK */
#define MARK_NO "\xe2\x9c\x97"	/* U+2717 BALLOT X */

static const char *pod_set_words(enum pod_set set)
{
	static const char *const words[NR_POD_SETS] = {
		[SET_RELEASE] = "regular pods",
		[SET_HOOK] = "Helm hook pods (the hook set of objects)",
		[SET_TEST] = "helm test hook pods (the test-hook set of objects)",
	};

	return words[set];
}

/* Values in the text come from the chart: control bytes escaped. */
static void add_printable(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, *s);
	}
}

/* "a, b": names from the chart, escaped. */
static void add_printable_names(struct buf *b, const struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		buf_adds(b, i ? ", " : "");
		add_printable(b, l->items[i]);
	}
}

/* Who opened svc's ports to anyone: the annotation, the release-wide. */
static const char *allow_ingress_source(const struct service *svc)
{
	if (svc->allow_ingress_own && svc->allow_ingress_release)
		return "agentenv.io/allow-ingress, and --allow-ingress/"
		       "allowIngressPorts on a presented service";
	if (svc->allow_ingress_own)
		return "agentenv.io/allow-ingress";
	return "--allow-ingress/allowIngressPorts on a presented service";
}

/* "  name           value": every field of a service block. */
#define TEXT_FIELD "  %-15s"

static void text_field(struct buf *b, bool *first, const char *name)
{
	buf_addf(b, TEXT_FIELD, *first ? name : "");
	*first = false;
}

/* Whose rule it is: "own", "release-wide", "kept Kind/name". */
static void add_origin(struct buf *b, const struct net_policy *p)
{
	if (p->origin == ORIGIN_CHART) {
		buf_adds(b, "kept ");
		add_printable(b, p->name_parts[0]);
	} else {
		buf_adds(b, p->origin == ORIGIN_SERVICE ? "own" :
			 "release-wide");
	}
}

/* Who outside the cluster may reach service k: the policies that say so. */
static void text_inbound(struct buf *b, const struct net_model *m, size_t k,
			 bool *first)
{
	const struct service *self = &m->sb->services[k];
	struct inbounds in = { 0 };
	size_t i;

	net_inbound(m, k, &in);
	for (i = 0; i < in.nr; i++) {
		const struct inbound *a = &in.items[i];

		text_field(b, first, "reached by");
		buf_adds(b, "anyone, from outside the cluster too, on ");
		if (a->all_ports)
			buf_adds(b, "every port");
		else
			add_ports(b, a->ports.items, a->ports.nr, ", ");
		buf_adds(b, " (");
		if (a->policy->origin == ORIGIN_CHART)
			add_origin(b, a->policy);
		else
			buf_adds(b, allow_ingress_source(self));
		buf_adds(b, ")\n");
	}
	inbounds_release(&in);
}

static void text_reach(struct buf *b, const struct net_model *m, size_t k,
		       bool incoming)
{
	const struct sandbox *sb = m->sb;
	bool first = true;
	size_t i;

	if (incoming)
		text_inbound(b, m, k, &first);
	for (i = 0; i < sb->nr; i++) {
		const struct service *other = &sb->services[i];
		struct pair_reach r;

		net_reach_between(m, incoming ? i : k, incoming ? k : i, &r);
		if (!r.any)
			continue;
		text_field(b, &first, incoming ? "reached by" : "reaches");
		buf_addf(b, "%s: ", other->name);
		if (r.all_ports)
			buf_adds(b, "every port");
		else
			add_ports(b, r.ports.items, r.ports.nr, ", ");
		if (r.open_only)
			buf_adds(b, " (open to anyone; no ICMP echo)");
		else if (r.icmp_echo)
			buf_adds(b, ", ICMP echo");
		if (r.networks.nr) {
			buf_addf(b, " (network%s ", r.networks.nr > 1 ? "s" : "");
			add_names(b, r.networks.items, r.networks.nr);
			buf_addch(b, ')');
		}
		if (r.kept.nr) {
			buf_adds(b, " (kept ");
			add_printable_names(b, &r.kept);
			buf_addch(b, ')');
		}
		buf_addch(b, '\n');
		pair_reach_release(&r);
	}
	if (first)
		buf_addf(b, TEXT_FIELD "nothing\n",
			 incoming ? "reached by" : "reaches");
}

/* The chart's Services that let outside traffic reach service k. */
static void text_exposed(struct buf *b, const struct sandbox *sb, size_t k)
{
	bool first = true;
	size_t i;

	for (i = 0; i < sb->nr_exposed; i++) {
		const struct exposed *e = &sb->exposed[i];

		if (!exposed_selects(e, k))
			continue;
		text_field(b, &first, "exposed");
		buf_adds(b, "outside the cluster by Service/");
		add_printable(b, e->name);
		buf_adds(b, " (");
		add_printable(b, e->type);
		buf_addch(b, ')');
		if (e->ports.nr) {
			buf_addf(b, " on port%s ", e->ports.nr > 1 ? "s" : "");
			add_names(b, e->ports.items, e->ports.nr);
		}
		if (e->only_open_ports)
			buf_adds(b, ", only ports open to anyone");
		buf_addch(b, '\n');
	}
}

static void text_check(struct buf *b, const struct allow *a)
{
	if (a->check == CHECK_TLS_SNI)
		buf_adds(b, " (TLS SNI checked)");
	else if (a->check == CHECK_HTTP_HOST)
		buf_adds(b, " (HTTP Host checked)");
	else if (a->check == CHECK_DNS)
		buf_adds(b, " (DNS lookups checked)");
	else if (a->check == CHECK_OTHER)
		buf_adds(b, " (other L7 rules)");
}

/* What a allows towards: its names, by kind. */
static void add_peer(struct buf *b, const struct allow *a)
{
	size_t i;

	switch (a->kind) {
	case ALLOW_DOMAINS:
		for (i = 0; i < a->nr_names; i++) {
			buf_adds(b, i ? ", " : "");
			add_printable(b, a->names[i]);
		}
		break;
	case ALLOW_ENTITY:
		buf_adds(b, "entity ");
		add_printable(b, a->names[0]);
		break;
	case ALLOW_CIDR:
		buf_adds(b, "CIDR ");
		add_printable(b, a->names[0]);
		break;
	case ALLOW_PODS:
		buf_adds(b, "the pods its selector picks (any namespace it "
			 "names)");
		break;
	case ALLOW_ANYTHING:
		buf_adds(b, "anything (a peer agentenv-post cannot read)");
		break;
	}
}

static void text_egress(struct buf *b, const struct allows *al)
{
	bool first = true;
	size_t i = 0;

	while (i < al->nr) {
		const struct allow *a = &al->items[i];
		size_t j;

		text_field(b, &first, "internet");
		add_origin(b, a->policy);
		buf_adds(b, ": ");
		add_peer(b, a);
		for (j = i; j < al->nr && allow_same_rule(&al->items[j], a);
		     j++) {
			const struct allow *p = &al->items[j];

			buf_adds(b, j == i && a->kind == ALLOW_DOMAINS ?
				 " on " : ", ");
			if (!p->port && a->kind == ALLOW_DOMAINS)
				buf_adds(b, "every port (any IP they resolve "
					 "to, no identity check)");
			else if (!p->port)
				buf_adds(b, "every port");
			else
				buf_addf(b, "%u/%s", p->port,
					 protocol_name(p->protocol));
			text_check(b, p);
		}
		buf_addch(b, '\n');
		i = j;
	}
	if (first)
		buf_addf(b, TEXT_FIELD "nothing\n", "internet");
}

static void text_dns(struct buf *b, const struct dns_reach *d)
{
	if (!d->cluster) {
		buf_addf(b, TEXT_FIELD "nothing (no DNS at all)\n",
			 "dns lookups");
		return;
	}
	buf_addf(b, TEXT_FIELD "the namespace's names (", "dns lookups");
	add_names(b, d->cluster_patterns, CLUSTER_DNS_DEPTHS);
	buf_adds(b, ")\n");
	if (d->names.nr) {
		buf_addf(b, TEXT_FIELD "beyond the cluster: ", "");
		add_names(b, d->names.items, d->names.nr);
		if (strlist_has(&d->names, "*"))
			buf_adds(b, " (\"*\": any name)");
		buf_addch(b, '\n');
	} else {
		buf_addf(b, TEXT_FIELD "no name beyond the cluster\n", "");
	}
	if (d->lifted_by.nr) {
		buf_addf(b, TEXT_FIELD "lifted by entit%s ", "dns filtering",
			 d->lifted_by.nr > 1 ? "ies" : "y");
		add_names(b, d->lifted_by.items, d->lifted_by.nr);
		buf_adds(b, ": any name can be looked up (cluster, host and all "
			 "reach kube-dns itself, port 53 included; world and "
			 "all any DNS server on the internet, and add the "
			 "\"*\" pattern to the sandbox's DNS rule)\n");
	}
	if (d->lifted_by_kept.nr) {
		buf_addf(b, TEXT_FIELD "lifted by kept ", d->lifted_by.nr ?
			 "" : "dns filtering");
		add_printable_names(b, &d->lifted_by_kept);
		buf_adds(b, ": its rules may reach kube-dns unchecked\n");
	}
}

static void text_service(struct buf *b, const struct net_model *m,
			 const struct pod_templates *pts, size_t k)
{
	const struct sandbox *sb = m->sb;
	const struct service *svc = &sb->services[k];
	const struct pod_template *pt = template_of(pts, k);
	enum runtime_source from;
	const char *rc = runtime_class(svc, pt, &from);
	struct allows al = { 0 };
	struct dns_reach dns;
	size_t i;

	buf_addf(b, "\nservice \"%s\"\n", svc->name);
	buf_addf(b, TEXT_FIELD, "workload");
	add_printable(b, svc->where.kind ? svc->where.kind : "?");
	buf_addch(b, '/');
	add_printable(b, svc->where.name ? svc->where.name : "?");
	buf_addf(b, " (document %zu): %s%s\n", svc->where.doc,
		 pod_set_words(svc->set),
		 pt && pt->must_terminate ? ", run to completion" : "");
	buf_addf(b, TEXT_FIELD, "runtime class");
	if (rc)
		add_printable(b, rc);
	else
		buf_adds(b, "the cluster's default (CLUSTER_DEFAULT)");
	buf_addf(b, " (%s)\n", from == FROM_CHART ? "the chart's "
		 "runtimeClassName" : from == FROM_ANNOTATION ?
		 "agentenv.io/runtime-class" : "agentenv-post's default");
	buf_addf(b, TEXT_FIELD "%s (setting: %s)\n", "sidecar",
		 native_sidecar(svc, pt) ? "native, the first init container" :
		 "a regular container", sidecar_setting(svc->sidecar));
	if (sb->uses_networks) {
		buf_addf(b, TEXT_FIELD, "networks");
		if (svc->networks.nr)
			add_names(b, svc->networks.items, svc->networks.nr);
		else
			buf_adds(b, "none: no service reaches it");
		buf_addch(b, '\n');
	}
	buf_addf(b, TEXT_FIELD, "ports");
	if (svc->nr_ports)
		add_port_list(b, svc, ", ");
	else
		buf_adds(b, "every port");
	buf_addch(b, '\n');
	if (svc->dns_name) {
		buf_addf(b, TEXT_FIELD "%s", "dns names", svc->name);
		if (svc->compat_name)
			buf_addf(b, ", %s", svc->compat_name);
		for (i = 0; i < svc->dns_records.nr; i++)
			buf_addf(b, ", %s", svc->dns_records.items[i]);
		buf_addf(b, " -> %s (%s headless Service)\n", svc->dns_name,
			 svc->chart_has_service ? "the chart's" : "a");
	}
	text_reach(b, m, k, true);
	text_exposed(b, sb, k);
	text_reach(b, m, k, false);
	net_egress(m, k, &al);
	text_egress(b, &al);
	allows_release(&al);
	net_dns(m, k, &dns);
	text_dns(b, &dns);
	dns_reach_release(&dns);
	buf_addf(b, TEXT_FIELD "%s\n", "isolation", svc->isolated ?
		 "network-isolated: sends nothing (egressDeny to all), "
		 "receives nothing" : "none");
}

/* Display columns of UTF-8 text (every code point is one column here). */
static size_t columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void matrix_cell(struct buf *cell, const struct net_model *m,
			size_t from, size_t to)
{
	struct pair_reach r;

	buf_reset(cell);
	net_reach_between(m, from, to, &r);
	if (!r.any)
		buf_adds(cell, MARK_NO);
	else if (r.all_ports)
		buf_adds(cell, MARK_YES);
	else
		add_ports(cell, r.ports.items, r.ports.nr, ",");
	if (r.any && !r.all_ports && r.open_only)
		buf_addch(cell, '*');
	pair_reach_release(&r);
}

static void pad(struct buf *b, const char *s, size_t width)
{
	size_t n = columns(s);

	buf_adds(b, s);
	while (n++ < width)
		buf_addch(b, ' ');
}

static void text_matrix(struct buf *b, const struct net_model *m)
{
	const struct sandbox *sb = m->sb;
	size_t *width = xcalloc(sb->nr + 1, sizeof(*width));
	struct buf cell = BUF_INIT;
	size_t i, j;

	width[0] = columns("from \\ to");
	for (i = 0; i < sb->nr; i++) {
		if (columns(sb->services[i].name) > width[0])
			width[0] = columns(sb->services[i].name);
		width[i + 1] = columns(sb->services[i].name);
		for (j = 0; j < sb->nr; j++) {
			matrix_cell(&cell, m, j, i);
			if (columns(cell.data) > width[i + 1])
				width[i + 1] = columns(cell.data);
		}
	}
	buf_adds(b, "\nwho may reach whom (row to column: " MARK_YES " every "
		 "port, ports listed: those only, " MARK_NO " nothing; ICMP "
		 "echo goes with every " MARK_YES " and port list)\n");
	if (any_allow_ingress(sb))
		buf_adds(b, "(* only the ports the column opens to anyone, "
			 "without ICMP echo)\n");
	pad(b, "from \\ to", width[0]);
	for (i = 0; i < sb->nr; i++) {
		buf_adds(b, "  ");
		pad(b, sb->services[i].name, i + 1 < sb->nr ? width[i + 1] : 0);
	}
	buf_addch(b, '\n');
	for (j = 0; j < sb->nr; j++) {
		pad(b, sb->services[j].name, width[0]);
		for (i = 0; i < sb->nr; i++) {
			matrix_cell(&cell, m, j, i);
			buf_adds(b, "  ");
			pad(b, cell.data, i + 1 < sb->nr ? width[i + 1] : 0);
		}
		buf_addch(b, '\n');
	}
	buf_release(&cell);
	free(width);
}

static void text_not_sandboxed(struct buf *b, const struct pod_templates *pts)
{
	bool first = true;
	size_t i;

	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];

		if (!pt->opted_out)
			continue;
		if (first)
			buf_adds(b, "\nnot sandboxed (agentenv.io/inject: "
				 "\"false\"), not selected by any policy "
				 "above:\n");
		first = false;
		buf_adds(b, "  ");
		add_printable(b, pt->kind ? pt->kind : "?");
		buf_addch(b, '/');
		add_printable(b, pt->name ? pt->name : "?");
		buf_addf(b, " (document %zu)\n", pt->where.doc);
	}
}

void explain_text(struct buf *b, const struct net_model *m,
		  const struct pod_templates *pts)
{
	const struct sandbox *sb = m->sb;
	struct strlist networks = { 0 };
	size_t i;

	if (!sb->nr || !sb->release) {
		buf_adds(b, "no sandboxed workload in the stream: no policy "
			 "is generated, nothing to explain\n");
		text_not_sandboxed(b, pts);
		return;
	}
	buf_addf(b, "release \"%s\", namespace %s%s%s: %zu sandboxed "
		 "service%s\n", sb->release, sb->namespace ? "\"" : "",
		 sb->namespace ? sb->namespace : "unknown (any namespace's "
		 "services may be looked up)", sb->namespace ? "\"" : "",
		 sb->nr, sb->nr > 1 ? "s" : "");
	all_networks(sb, &networks);
	if (networks.nr) {
		buf_adds(b, "networks: ");
		add_names(b, networks.items, networks.nr);
		buf_adds(b, " (a service admits only the services that "
			 "share one of its networks)\n");
	} else {
		buf_adds(b, "networks: none (every service admits every "
			 "sandboxed pod of the release)\n");
	}
	strlist_release(&networks);
	buf_adds(b, "policy sets:");
	for (i = 0; i < NR_POD_SETS; i++)
		if (sb->has_set[i])
			buf_addf(b, " %s", pod_set_name((enum pod_set)i));
	buf_adds(b, "\nAllowed is only what is listed (Cilium OR-s allow "
		 "rules; the default-deny\ningress policy and the egress "
		 "policies deny everything else).\n");
	for (i = 0; i < sb->nr; i++)
		text_service(b, m, pts, i);
	text_matrix(b, m);
	if (sb->kept_policies.nr) {
		buf_adds(b, "\nchart policies kept with agentenv.io/keep-policy "
			 "(evaluated with the sandbox's: what they open is above,\nunder their names):"
			 "\n");
		for (i = 0; i < sb->kept_policies.nr; i++) {
			buf_adds(b, "  ");
			add_printable(b, sb->kept_policies.items[i]);
			buf_addch(b, '\n');
		}
	}
	text_not_sandboxed(b, pts);
}
