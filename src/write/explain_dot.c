/*
 * explain_dot — the Graphviz rendering of --explain (see explain_dot.h).
 */
#include "explain_dot.h"

#include <stdlib.h>
#include <string.h>

#include "explain_common.h"
#include "neteval.h"

/* A Graphviz double-quoted string: '"' and '\' escaped, "\n" kept. */
static void dot_quoted(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_addch(b, ' ');
		else
			buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

static void dot_node(struct buf *b, const struct sandbox *sb,
		     const struct pod_templates *pts, size_t k,
		     const char *indent)
{
	const struct service *svc = &sb->services[k];
	const struct pod_template *pt = template_of(pts, k);
	enum runtime_source from;
	const char *rc = runtime_class(svc, pt, &from);
	struct buf label = BUF_INIT;

	buf_addf(&label, "%s\n%s/%s\n%s", svc->name,
		 svc->where.kind ? svc->where.kind : "?",
		 svc->where.name ? svc->where.name : "?",
		 rc ? rc : "cluster default runtime");
	if (svc->nr_ports) {
		buf_adds(&label, ", ports ");
		add_port_list(&label, svc, ", ");
	}
	if (svc->set != SET_RELEASE)
		buf_addf(&label, "\n(%s)", svc->set == SET_TEST ?
			 "helm test hook" : "Helm hook");
	if (svc->isolated)
		buf_adds(&label, "\nnetwork-isolated");
	buf_addf(b, "%s", indent);
	dot_quoted(b, svc->name);
	buf_adds(b, " [label=");
	dot_quoted(b, label.data);
	if (svc->isolated)
		buf_adds(b, ", style=\"rounded,dashed\", color=gray40");
	else if (svc->set != SET_RELEASE)
		buf_adds(b, ", style=\"rounded,dotted\"");
	buf_adds(b, "];\n");
	buf_release(&label);
}

/* The networks of svc as one cluster key: "a + b", or "" for none. */
static void network_key(struct buf *b, const struct service *svc)
{
	buf_reset(b);
	add_names(b, svc->networks.items, svc->networks.nr);
}

static void dot_nodes(struct buf *b, const struct sandbox *sb,
		      const struct pod_templates *pts)
{
	bool *done = xcalloc(sb->nr + 1, sizeof(*done));
	struct buf key = BUF_INIT, other = BUF_INIT;
	size_t i, k, cluster = 0;

	for (i = 0; i < sb->nr; i++) {
		if (done[i])
			continue;
		if (!sb->uses_networks) {
			dot_node(b, sb, pts, i, "  ");
			continue;
		}
		network_key(&key, &sb->services[i]);
		buf_addf(b, "  subgraph cluster_%zu {\n    label=", cluster++);
		if (key.len) {
			struct buf title = BUF_INIT;

			buf_addf(&title, "network%s %s",
				 sb->services[i].networks.nr > 1 ? "s" : "",
				 key.data);
			dot_quoted(b, title.data);
			buf_release(&title);
		} else {
			dot_quoted(b, "no network");
		}
		buf_adds(b, ";\n    style=rounded;\n    color=gray60;\n");
		for (k = i; k < sb->nr; k++) {
			network_key(&other, &sb->services[k]);
			if (done[k] || strcmp(other.data, key.data))
				continue;
			done[k] = true;
			dot_node(b, sb, pts, k, "    ");
		}
		buf_adds(b, "  }\n");
	}
	buf_release(&key);
	buf_release(&other);
	free(done);
}

/* The label of the edge from -> to: its ports; false when none. */
static bool dot_edge_label(struct buf *label, const struct net_model *m,
			   size_t from, size_t to)
{
	struct pair_reach r;
	bool any;

	buf_reset(label);
	net_reach_between(m, from, to, &r);
	if (r.all_ports)
		buf_adds(label, "all ports");
	else
		add_ports(label, r.ports.items, r.ports.nr, ", ");
	if (r.open_only)
		buf_adds(label, " (open to anyone)");
	any = r.any;
	pair_reach_release(&r);
	return any;
}

static void dot_edge(struct buf *b, const struct service *from,
		     const struct service *to, const char *label, bool both)
{
	buf_adds(b, "  ");
	dot_quoted(b, from->name);
	buf_adds(b, " -> ");
	dot_quoted(b, to->name);
	buf_adds(b, " [label=");
	dot_quoted(b, label);
	buf_adds(b, both ? ", dir=both];\n" : "];\n");
}

/* An edge per allowed pair; one with two heads when both ways alike. */
static void dot_edges(struct buf *b, const struct net_model *m)
{
	const struct sandbox *sb = m->sb;
	struct buf there = BUF_INIT, back = BUF_INIT;
	size_t i, k;

	for (i = 0; i < sb->nr; i++)
		for (k = i; k < sb->nr; k++) {
			const struct service *x = &sb->services[i];
			const struct service *y = &sb->services[k];
			bool to = dot_edge_label(&there, m, i, k);
			bool from = k != i &&
				dot_edge_label(&back, m, k, i);

			if (to && from && !strcmp(there.data, back.data)) {
				dot_edge(b, x, y, there.data, true);
				continue;
			}
			if (to)
				dot_edge(b, x, y, there.data, false);
			if (from)
				dot_edge(b, y, x, back.data, false);
		}
	buf_release(&there);
	buf_release(&back);
}

/* One allowance in an edge label: "pypi.org, x.org :443,80" etc. */
static void dot_allow_label(struct buf *label, const struct allows *al,
			    size_t *i)
{
	const struct allow *a = &al->items[*i];
	size_t j;

	if (label->len)
		buf_addch(label, '\n');
	if (a->kind == ALLOW_ENTITY)
		buf_addf(label, "entity %s", a->names[0]);
	else if (a->kind == ALLOW_PODS || a->kind == ALLOW_ANYTHING)
		buf_addf(label, "%s (kept %s)", a->kind == ALLOW_PODS ?
			 "pods" : "anything", a->policy->name_parts[0]);
	else
		add_names(label, a->names, a->nr_names);
	for (j = *i; j < al->nr && allow_same_rule(&al->items[j], a); j++) {
		if (a->kind != ALLOW_DOMAINS && !al->items[j].port)
			continue;
		buf_adds(label, j == *i ? " :" : ",");
		if (al->items[j].port)
			buf_addf(label, "%u", al->items[j].port);
		else
			buf_adds(label, "any");
	}
	*i = j;
}

static void dot_internet(struct buf *b, const struct net_model *m)
{
	const struct sandbox *sb = m->sb;
	struct strlist names = { 0 };
	struct buf label = BUF_INIT;
	size_t i, k;
	bool any = false;

	for (i = 0; i < sb->nr; i++) {
		struct allows al = { 0 };

		net_egress(m, i, &al);
		for (k = 0; k < al.nr; k++) {
			const struct allow *a = &al.items[k];
			size_t n;

			for (n = 0; n < a->nr_names; n++)
				if (!strlist_has(&names, a->names[n]))
					strlist_add(&names, a->names[n],
						    strlen(a->names[n]));
		}
		if (al.nr) {
			struct buf edge = BUF_INIT;

			any = true;
			for (k = 0; k < al.nr;)
				dot_allow_label(&edge, &al, &k);
			buf_adds(b, "  ");
			dot_quoted(b, sb->services[i].name);
			buf_adds(b, " -> internet [label=");
			dot_quoted(b, edge.data);
			buf_adds(b, ", color=firebrick, fontcolor=firebrick];\n");
			buf_release(&edge);
		}
		allows_release(&al);
	}
	if (any) {
		buf_adds(&label, "internet\nallowed:");
		for (i = 0; i < names.nr; i++)
			buf_addf(&label, "\n%s", names.items[i]);
		buf_adds(b, "  internet [shape=ellipse, color=firebrick, "
			 "label=");
		dot_quoted(b, label.data);
		buf_adds(b, "];\n");
	}
	buf_release(&label);
	strlist_release(&names);
}

/*
 * The chart's NodePort and LoadBalancer Services: an edge from outside the
 * cluster (a node id no service name can be: it has spaces) to each
 * sandboxed service they select.
 */
/* The label of what one policy lets in from outside: "anyone, on ...". */
static void inbound_label(struct buf *label, const struct inbound *a)
{
	buf_reset(label);
	buf_adds(label, "anyone, on ");
	if (a->all_ports)
		buf_adds(label, "every port");
	else
		add_ports(label, a->ports.items, a->ports.nr, ", ");
	if (a->policy->origin == ORIGIN_CHART)
		buf_addf(label, "\n(kept %s)", a->policy->name_parts[0]);
}

static void dot_outside(struct buf *b, const struct net_model *m)
{
	const struct sandbox *sb = m->sb;
	struct buf edges = BUF_INIT, label = BUF_INIT;
	size_t i, k;

	/* What the policies let in: a solid edge, the ports as its label. */
	for (i = 0; i < sb->nr; i++) {
		struct inbounds in = { 0 };

		net_inbound(m, i, &in);
		for (k = 0; k < in.nr; k++) {
			inbound_label(&label, &in.items[k]);
			buf_adds(&edges, "  \"outside the cluster\" -> ");
			dot_quoted(&edges, sb->services[i].name);
			buf_adds(&edges, " [label=");
			dot_quoted(&edges, label.data);
			buf_adds(&edges, ", color=darkorange, "
				 "fontcolor=darkorange];\n");
		}
		inbounds_release(&in);
	}
	if (!sb->nr_exposed && !edges.len) {
		buf_release(&edges);
		buf_release(&label);
		return;
	}
	buf_adds(b, "  \"outside the cluster\" [shape=ellipse, "
		 "color=darkorange, fontcolor=darkorange];\n");
	buf_add(b, edges.data, edges.len);
	buf_release(&edges);
	for (i = 0; i < sb->nr_exposed; i++) {
		const struct exposed *e = &sb->exposed[i];

		buf_reset(&label);
		buf_addf(&label, "Service/%s (%s)", e->name, e->type);
		if (e->ports.nr) {
			buf_addch(&label, '\n');
			add_names(&label, e->ports.items, e->ports.nr);
		}
		for (k = 0; k < e->nr_services; k++) {
			buf_adds(b, "  \"outside the cluster\" -> ");
			dot_quoted(b, sb->services[e->services[k]].name);
			buf_adds(b, " [label=");
			dot_quoted(b, label.data);
			buf_adds(b, ", color=darkorange, fontcolor=darkorange, "
				 "style=dashed];\n");
		}
	}
	buf_release(&label);
}

void explain_dot(struct buf *b, const struct net_model *m,
		 const struct pod_templates *pts)
{
	const struct sandbox *sb = m->sb;
	struct buf title = BUF_INIT;

	if (sb->release && sb->nr)
		buf_addf(&title, "release %s, namespace %s: who may talk to "
			 "whom", sb->release,
			 sb->namespace ? sb->namespace : "unknown");
	else
		buf_adds(&title, "no sandboxed workload");
	buf_adds(b, "digraph sandbox {\n  graph [rankdir=LR, labelloc=t, "
		 "fontname=\"sans-serif\", label=");
	dot_quoted(b, title.data);
	buf_adds(b, "];\n  node [shape=box, style=rounded, "
		 "fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", "
		 "fontsize=10];\n");
	buf_release(&title);
	if (sb->release && sb->nr) {
		dot_nodes(b, sb, pts);
		dot_edges(b, m);
		dot_internet(b, m);
		dot_outside(b, m);
	}
	buf_adds(b, "}\n");
}
