/*
 * explain — text, dot and json renderings of what the sandbox allows (see
 * explain.h). The facts come from reach.c; what is here is wording.
 */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "reach.h"
#include "vocab.h"

/* UTF-8, as the matrix prints them. */
#define MARK_YES "\xe2\x9c\x93"	/* U+2713 CHECK MARK */
#define MARK_NO "\xe2\x9c\x97"	/* U+2717 BALLOT X */

/* --- facts of one service that only its pod template knows ----------- */

static const struct pod_template *template_of(const struct pod_templates *pts,
					      size_t service)
{
	size_t i;

	for (i = 0; i < pts->nr; i++)
		if (pts->items[i].service == service &&
		    !pts->items[i].opted_out)
			return &pts->items[i];
	return NULL;
}

static const char *pod_set_name(enum pod_set set)
{
	static const char *const names[NR_POD_SETS] = {
		[SET_RELEASE] = "release",
		[SET_HOOK] = "hook",
		[SET_TEST] = "test-hook",
	};

	return names[set];
}

static const char *pod_set_words(enum pod_set set)
{
	static const char *const words[NR_POD_SETS] = {
		[SET_RELEASE] = "regular pods",
		[SET_HOOK] = "Helm hook pods (the hook set of objects)",
		[SET_TEST] = "helm test hook pods (the test-hook set of objects)",
	};

	return words[set];
}

static const char *sidecar_setting(enum sidecar_form form)
{
	return form == SIDECAR_NATIVE ? "native" :
	       form == SIDECAR_CONTAINER ? "container" : "auto";
}

static bool native_sidecar(const struct service *svc,
			   const struct pod_template *pt)
{
	if (!pt)
		return svc->sidecar == SIDECAR_NATIVE;
	return pt->decided.native_sidecar;
}

enum runtime_source { FROM_DEFAULT, FROM_ANNOTATION, FROM_CHART };

/* The runtime class the plan decided, and where it comes from. */
static const char *runtime_class(const struct service *svc,
				 const struct pod_template *pt,
				 enum runtime_source *from)
{
	*from = pt && pt->runtime_class ? FROM_CHART :
		svc->runtime_class ? FROM_ANNOTATION : FROM_DEFAULT;
	if (pt)
		return pt->decided.runtime_class;
	return decide_runtime_class(NULL, svc);
}

static const char *runtime_source_name(enum runtime_source from)
{
	return from == FROM_CHART ? "chart" :
	       from == FROM_ANNOTATION ? "annotation" : "default";
}

static const char *check_name(enum allow_check check)
{
	return check == CHECK_TLS_SNI ? "tls-sni" :
	       check == CHECK_HTTP_HOST ? "http-host" : NULL;
}

static const char *allow_kind_name(enum allow_kind kind)
{
	return kind == ALLOW_ENTITY ? "entity" :
	       kind == ALLOW_CIDR ? "cidr" : "domains";
}

/* Every network some service is on, in order of first appearance. */
static void all_networks(const struct sandbox *sb, struct strlist *out)
{
	size_t i, j;

	for (i = 0; i < sb->nr; i++)
		for (j = 0; j < sb->services[i].networks.nr; j++) {
			const char *n = sb->services[i].networks.items[j];

			if (!strlist_has(out, n))
				strlist_add(out, n, strlen(n));
		}
}

/* Values in text and dot come from the chart: control bytes escaped. */
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

static void add_ports(struct buf *b, const struct service_port *ports,
		      size_t nr, const char *sep)
{
	size_t i;

	for (i = 0; i < nr; i++)
		buf_addf(b, "%s%u/%s", i ? sep : "", ports[i].number,
			 protocol_name(ports[i].protocol));
}

static void add_port_list(struct buf *b, const struct service *svc,
			  const char *sep)
{
	add_ports(b, svc->ports, svc->nr_ports, sep);
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

/* Some service opens ports to anyone. */
static bool any_allow_ingress(const struct sandbox *sb)
{
	size_t i;

	for (i = 0; i < sb->nr; i++)
		if (sb->services[i].allow_ingress.nr)
			return true;
	return false;
}

static void add_names(struct buf *b, char *const *names, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		buf_addf(b, "%s%s", i ? ", " : "", names[i]);
}

/* --- text ------------------------------------------------------------ */

/* "  name           value": every field of a service block. */
#define TEXT_FIELD "  %-15s"

static void text_field(struct buf *b, bool *first, const char *name)
{
	buf_addf(b, TEXT_FIELD, *first ? name : "");
	*first = false;
}

static void text_reach(struct buf *b, const struct sandbox *sb, size_t k,
		       bool incoming)
{
	const struct service *self = &sb->services[k];
	bool first = true;
	size_t i;

	if (incoming && self->allow_ingress.nr) {
		text_field(b, &first, "reached by");
		buf_adds(b, "anyone, from outside the cluster too, on ");
		add_ports(b, self->allow_ingress.items, self->allow_ingress.nr,
			  ", ");
		buf_addf(b, " (%s)\n", allow_ingress_source(self));
	}
	for (i = 0; i < sb->nr; i++) {
		const struct service *other = &sb->services[i];
		const struct service *to = incoming ? self : other;
		struct strlist via = { 0 };
		struct port_list ports = { 0 };
		enum reach_kind r;

		r = reach_between(sb, incoming ? other : self, to, &via,
				  &ports);
		if (r == REACH_NONE) {
			strlist_release(&via);
			continue;
		}
		text_field(b, &first, incoming ? "reached by" : "reaches");
		buf_addf(b, "%s: ", other->name);
		if (r == REACH_ALL_PORTS)
			buf_adds(b, "every port");
		else
			add_ports(b, ports.items, ports.nr, ", ");
		port_list_release(&ports);
		if (r == REACH_OPEN_PORTS)
			buf_adds(b, " (open to anyone; no ICMP echo)");
		else
			buf_adds(b, ", ICMP echo");
		if (via.nr) {
			buf_addf(b, " (network%s ", via.nr > 1 ? "s" : "");
			add_names(b, via.items, via.nr);
			buf_addch(b, ')');
		}
		buf_addch(b, '\n');
		strlist_release(&via);
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
}

static void text_egress(struct buf *b, const struct allows *al)
{
	bool first = true;
	size_t i = 0;

	while (i < al->nr) {
		const struct allow *a = &al->items[i];
		size_t j;

		text_field(b, &first, "internet");
		buf_addf(b, "%s: ", a->own ? "own" : "release-wide");
		if (a->kind == ALLOW_ENTITY)
			buf_addf(b, "entity %s, every port\n", a->names[0]);
		else if (a->kind == ALLOW_CIDR)
			buf_addf(b, "CIDR %s, every port\n", a->names[0]);
		if (a->kind != ALLOW_DOMAINS) {
			i++;
			continue;
		}
		add_names(b, a->names, a->nr_names);
		/* The ports of one domain rule follow each other. */
		for (j = i; j < al->nr && al->items[j].kind == ALLOW_DOMAINS &&
		     al->items[j].names == a->names; j++) {
			const struct allow *p = &al->items[j];

			buf_adds(b, j == i ? " on " : ", ");
			if (!p->port) {
				buf_adds(b, "every port (any IP they resolve "
					 "to, no identity check)");
				continue;
			}
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
			 "allow kube-dns itself, port 53 included; world and "
			 "all add the \"*\" pattern)\n");
	}
}

static void text_service(struct buf *b, const struct sandbox *sb,
			 const struct pod_templates *pts, size_t k)
{
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
	text_reach(b, sb, k, true);
	text_exposed(b, sb, k);
	text_reach(b, sb, k, false);
	reach_egress(sb, svc, &al);
	text_egress(b, &al);
	allows_release(&al);
	reach_dns(sb, svc, &dns);
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

static void matrix_cell(struct buf *cell, const struct sandbox *sb,
			const struct service *from, const struct service *to)
{
	struct port_list ports = { 0 };

	buf_reset(cell);
	switch (reach_between(sb, from, to, NULL, &ports)) {
	case REACH_NONE:
		buf_adds(cell, MARK_NO);
		break;
	case REACH_ALL_PORTS:
		buf_adds(cell, MARK_YES);
		break;
	case REACH_PORTS:
		add_ports(cell, ports.items, ports.nr, ",");
		break;
	case REACH_OPEN_PORTS:
		add_ports(cell, ports.items, ports.nr, ",");
		buf_addch(cell, '*');
		break;
	}
	port_list_release(&ports);
}

static void pad(struct buf *b, const char *s, size_t width)
{
	size_t n = columns(s);

	buf_adds(b, s);
	while (n++ < width)
		buf_addch(b, ' ');
}

static void text_matrix(struct buf *b, const struct sandbox *sb)
{
	size_t *width = xcalloc(sb->nr + 1, sizeof(*width));
	struct buf cell = BUF_INIT;
	size_t i, j;

	width[0] = columns("from \\ to");
	for (i = 0; i < sb->nr; i++) {
		if (columns(sb->services[i].name) > width[0])
			width[0] = columns(sb->services[i].name);
		width[i + 1] = columns(sb->services[i].name);
		for (j = 0; j < sb->nr; j++) {
			matrix_cell(&cell, sb, &sb->services[j],
				    &sb->services[i]);
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
			matrix_cell(&cell, sb, &sb->services[j],
				    &sb->services[i]);
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

static void explain_text(struct buf *b, const struct sandbox *sb,
			 const struct pod_templates *pts)
{
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
		text_service(b, sb, pts, i);
	text_matrix(b, sb);
	if (sb->kept_policies.nr) {
		buf_adds(b, "\nchart policies kept with agentenv.io/keep-policy "
			 "(not analysed: they can only widen what is above):"
			 "\n");
		for (i = 0; i < sb->kept_policies.nr; i++) {
			buf_adds(b, "  ");
			add_printable(b, sb->kept_policies.items[i]);
			buf_addch(b, '\n');
		}
	}
	text_not_sandboxed(b, pts);
}

/* --- json ------------------------------------------------------------ */

/* A pretty-printing JSON writer: two-space indentation, keys in order. */
#define JSON_MAX_DEPTH 16

struct json {
	struct buf *b;
	int depth;
	bool empty[JSON_MAX_DEPTH];	/* no member written yet */
	bool keyed;			/* a key was written, value next */
};

static void json_string_body(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

static void json_newline(struct json *j)
{
	int i;

	buf_addch(j->b, '\n');
	for (i = 0; i < j->depth; i++)
		buf_adds(j->b, "  ");
}

/* Before a value (or a key): the comma and the line break. */
static void json_before(struct json *j)
{
	if (j->keyed) {
		j->keyed = false;
		return;
	}
	if (j->depth) {
		if (!j->empty[j->depth])
			buf_addch(j->b, ',');
		j->empty[j->depth] = false;
		json_newline(j);
	}
}

static void json_key(struct json *j, const char *key)
{
	json_before(j);
	json_string_body(j->b, key);
	buf_adds(j->b, ": ");
	j->keyed = true;
}

static void json_open(struct json *j, char bracket)
{
	json_before(j);
	buf_addch(j->b, bracket);
	if (++j->depth >= JSON_MAX_DEPTH)
		BUG("json nesting deeper than %d", JSON_MAX_DEPTH);
	j->empty[j->depth] = true;
}

static void json_close(struct json *j, char bracket)
{
	bool empty = j->empty[j->depth];

	j->depth--;
	if (!empty)
		json_newline(j);
	buf_addch(j->b, bracket);
}

static void json_str(struct json *j, const char *s)
{
	json_before(j);
	if (s)
		json_string_body(j->b, s);
	else
		buf_adds(j->b, "null");
}

static void json_uint(struct json *j, size_t n)
{
	json_before(j);
	buf_addf(j->b, "%zu", n);
}

static void json_bool(struct json *j, bool v)
{
	json_before(j);
	buf_adds(j->b, v ? "true" : "false");
}

static void json_str_member(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

static void json_names(struct json *j, const char *key, char *const *names,
		       size_t nr)
{
	size_t i;

	json_key(j, key);
	json_open(j, '[');
	for (i = 0; i < nr; i++)
		json_str(j, names[i]);
	json_close(j, ']');
}

static void json_port(struct json *j, unsigned port, enum protocol proto)
{
	json_open(j, '{');
	json_key(j, "port");
	json_uint(j, port);
	json_str_member(j, "protocol", protocol_name(proto));
	json_close(j, '}');
}

static void json_port_list(struct json *j, const struct service_port *ports,
			   size_t nr)
{
	size_t i;

	json_open(j, '[');
	for (i = 0; i < nr; i++)
		json_port(j, ports[i].number, ports[i].protocol);
	json_close(j, ']');
}

static void json_ports(struct json *j, const struct service *svc)
{
	json_port_list(j, svc->ports, svc->nr_ports);
}

/* {"from": ..., "to": ..., "ports": "all" | [...], "icmp_echo": true,
 * "via_networks": [...]}, or nothing when from cannot reach to. */
static void json_pair(struct json *j, const struct sandbox *sb,
		      const struct service *from, const struct service *to)
{
	struct strlist via = { 0 };
	struct port_list ports = { 0 };
	enum reach_kind r = reach_between(sb, from, to, &via, &ports);

	if (r != REACH_NONE) {
		json_open(j, '{');
		json_str_member(j, "from", from->name);
		json_str_member(j, "to", to->name);
		json_key(j, "ports");
		if (r == REACH_ALL_PORTS)
			json_str(j, "all");
		else
			json_port_list(j, ports.items, ports.nr);
		json_key(j, "icmp_echo");
		json_bool(j, r != REACH_OPEN_PORTS);
		json_names(j, "via_networks", via.items, via.nr);
		json_close(j, '}');
	}
	strlist_release(&via);
	port_list_release(&ports);
}

/* "exposed_by": [{service, type, ports}]: Services from outside to k. */
static void json_exposed(struct json *j, const struct sandbox *sb, size_t k)
{
	size_t i;

	json_key(j, "exposed_by");
	json_open(j, '[');
	for (i = 0; i < sb->nr_exposed; i++) {
		const struct exposed *e = &sb->exposed[i];

		if (!exposed_selects(e, k))
			continue;
		json_open(j, '{');
		json_str_member(j, "service", e->name);
		json_str_member(j, "type", e->type);
		json_names(j, "ports", e->ports.items, e->ports.nr);
		json_key(j, "only_open_ports");
		json_bool(j, e->only_open_ports);
		json_close(j, '}');
	}
	json_close(j, ']');
}

static void json_egress(struct json *j, const struct sandbox *sb,
			const struct service *svc)
{
	struct allows al = { 0 };
	size_t i;

	reach_egress(sb, svc, &al);
	json_key(j, "egress");
	json_open(j, '[');
	for (i = 0; i < al.nr; i++) {
		const struct allow *a = &al.items[i];

		json_open(j, '{');
		json_str_member(j, "kind", allow_kind_name(a->kind));
		json_str_member(j, "scope", a->own ? "service" : "release");
		json_names(j, "names", a->names, a->nr_names);
		json_key(j, "port");
		if (a->port)
			json_uint(j, a->port);
		else
			json_str(j, NULL);
		json_str_member(j, "protocol", a->port ?
				protocol_name(a->protocol) : NULL);
		json_str_member(j, "check", check_name(a->check));
		json_close(j, '}');
	}
	json_close(j, ']');
	allows_release(&al);
}

static void json_dns(struct json *j, const struct sandbox *sb,
		     const struct service *svc)
{
	struct dns_reach d;

	reach_dns(sb, svc, &d);
	json_key(j, "dns");
	json_open(j, '{');
	json_str_member(j, "cluster",
			d.cluster ? d.cluster_patterns[0] : NULL);
	json_names(j, "cluster_patterns", d.cluster_patterns,
		   d.cluster ? CLUSTER_DNS_DEPTHS : 0);
	json_names(j, "names", d.names.items, d.names.nr);
	json_names(j, "filtering_lifted_by", d.lifted_by.items,
		   d.lifted_by.nr);
	json_close(j, '}');
	dns_reach_release(&d);
}

static void json_service(struct json *j, const struct sandbox *sb,
			 const struct pod_templates *pts, size_t k)
{
	const struct service *svc = &sb->services[k];
	const struct pod_template *pt = template_of(pts, k);
	enum runtime_source from;
	const char *rc = runtime_class(svc, pt, &from);
	size_t i;

	json_open(j, '{');
	json_str_member(j, "name", svc->name);
	json_key(j, "workload");
	json_open(j, '{');
	json_str_member(j, "kind", svc->where.kind);
	json_str_member(j, "name", svc->where.name);
	json_key(j, "document");
	json_uint(j, svc->where.doc);
	json_close(j, '}');
	json_str_member(j, "pod_set", pod_set_name(svc->set));
	json_key(j, "runs_to_completion");
	json_bool(j, pt && pt->must_terminate);
	json_str_member(j, "runtime_class", rc);
	json_str_member(j, "runtime_class_from", runtime_source_name(from));
	json_str_member(j, "sidecar",
			native_sidecar(svc, pt) ? "native" : "container");
	json_str_member(j, "sidecar_setting", sidecar_setting(svc->sidecar));
	json_names(j, "networks", svc->networks.items, svc->networks.nr);
	json_key(j, "ports");
	if (svc->nr_ports)
		json_ports(j, svc);
	else
		json_str(j, "all");
	json_key(j, "isolated");
	json_bool(j, svc->isolated);
	/* Only where it opens ports: the schema 1 outputs stay as they were. */
	if (svc->allow_ingress.nr) {
		json_key(j, "open_to_anyone");
		json_port_list(j, svc->allow_ingress.items,
			       svc->allow_ingress.nr);
		json_key(j, "open_to_anyone_by");
		json_open(j, '[');
		if (svc->allow_ingress_own)
			json_str(j, "annotation");
		if (svc->allow_ingress_release)
			json_str(j, "release");
		json_close(j, ']');
	}
	json_key(j, "dns_names");
	if (svc->dns_name) {
		json_open(j, '{');
		json_str_member(j, "service", svc->dns_name);
		json_key(j, "chart_service");
		json_bool(j, svc->chart_has_service);
		json_key(j, "names");
		json_open(j, '[');
		json_str(j, svc->name);
		if (svc->compat_name)
			json_str(j, svc->compat_name);
		for (i = 0; i < svc->dns_records.nr; i++)
			json_str(j, svc->dns_records.items[i]);
		json_close(j, ']');
		json_close(j, '}');
	} else {
		json_str(j, NULL);
	}
	json_exposed(j, sb, k);
	json_egress(j, sb, svc);
	json_dns(j, sb, svc);
	json_close(j, '}');
}

static void explain_json(struct buf *b, const struct sandbox *sb,
			 const struct pod_templates *pts)
{
	struct json j = { b, 0, { true }, false };
	struct strlist networks = { 0 };
	size_t i, k;

	json_open(&j, '{');
	json_key(&j, "schema");
	json_uint(&j, 1);
	json_str_member(&j, "release", sb->release);
	json_str_member(&j, "namespace", sb->namespace);
	all_networks(sb, &networks);
	json_names(&j, "networks", networks.items, networks.nr);
	strlist_release(&networks);
	json_key(&j, "policy_sets");
	json_open(&j, '[');
	for (i = 0; i < NR_POD_SETS; i++)
		if (sb->has_set[i] && sb->release)
			json_str(&j, pod_set_name((enum pod_set)i));
	json_close(&j, ']');
	json_key(&j, "services");
	json_open(&j, '[');
	for (i = 0; sb->release && i < sb->nr; i++)
		json_service(&j, sb, pts, i);
	json_close(&j, ']');
	json_key(&j, "matrix");
	json_open(&j, '[');
	for (i = 0; sb->release && i < sb->nr; i++)
		for (k = 0; k < sb->nr; k++)
			json_pair(&j, sb, &sb->services[i], &sb->services[k]);
	json_close(&j, ']');
	json_names(&j, "kept_policies", sb->kept_policies.items,
		   sb->kept_policies.nr);
	json_key(&j, "not_sandboxed");
	json_open(&j, '[');
	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];

		if (!pt->opted_out)
			continue;
		json_open(&j, '{');
		json_str_member(&j, "kind", pt->kind);
		json_str_member(&j, "name", pt->name);
		json_key(&j, "document");
		json_uint(&j, pt->where.doc);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_close(&j, '}');
	buf_addch(b, '\n');
}

/* --- dot ------------------------------------------------------------- */

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
static bool dot_edge_label(struct buf *label, const struct sandbox *sb,
			   const struct service *from,
			   const struct service *to)
{
	struct port_list ports = { 0 };
	enum reach_kind r = reach_between(sb, from, to, NULL, &ports);

	buf_reset(label);
	if (r == REACH_ALL_PORTS)
		buf_adds(label, "all ports");
	else
		add_ports(label, ports.items, ports.nr, ", ");
	if (r == REACH_OPEN_PORTS)
		buf_adds(label, " (open to anyone)");
	port_list_release(&ports);
	return r != REACH_NONE;
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
static void dot_edges(struct buf *b, const struct sandbox *sb)
{
	struct buf there = BUF_INIT, back = BUF_INIT;
	size_t i, k;

	for (i = 0; i < sb->nr; i++)
		for (k = i; k < sb->nr; k++) {
			const struct service *x = &sb->services[i];
			const struct service *y = &sb->services[k];
			bool to = dot_edge_label(&there, sb, x, y);
			bool from = k != i &&
				dot_edge_label(&back, sb, y, x);

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
	if (a->kind == ALLOW_ENTITY) {
		buf_addf(label, "entity %s", a->names[0]);
		(*i)++;
		return;
	}
	if (a->kind == ALLOW_CIDR) {
		buf_addf(label, "%s", a->names[0]);
		(*i)++;
		return;
	}
	add_names(label, a->names, a->nr_names);
	for (j = *i; j < al->nr && al->items[j].kind == ALLOW_DOMAINS &&
	     al->items[j].names == a->names; j++) {
		buf_adds(label, j == *i ? " :" : ",");
		if (al->items[j].port)
			buf_addf(label, "%u", al->items[j].port);
		else
			buf_adds(label, "any");
	}
	*i = j;
}

static void dot_internet(struct buf *b, const struct sandbox *sb)
{
	struct strlist names = { 0 };
	struct buf label = BUF_INIT;
	size_t i, k;
	bool any = false;

	for (i = 0; i < sb->nr; i++) {
		struct allows al = { 0 };

		reach_egress(sb, &sb->services[i], &al);
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
static void dot_outside(struct buf *b, const struct sandbox *sb)
{
	struct buf label = BUF_INIT;
	size_t i, k;

	if (!sb->nr_exposed && !any_allow_ingress(sb))
		return;
	buf_adds(b, "  \"outside the cluster\" [shape=ellipse, "
		 "color=darkorange, fontcolor=darkorange];\n");
	/* Ports open to anyone: a solid edge, the ports as its label. */
	for (i = 0; i < sb->nr; i++) {
		const struct service *svc = &sb->services[i];

		if (!svc->allow_ingress.nr)
			continue;
		buf_reset(&label);
		buf_adds(&label, "anyone, on ");
		add_ports(&label, svc->allow_ingress.items,
			  svc->allow_ingress.nr, ", ");
		buf_adds(b, "  \"outside the cluster\" -> ");
		dot_quoted(b, svc->name);
		buf_adds(b, " [label=");
		dot_quoted(b, label.data);
		buf_adds(b, ", color=darkorange, fontcolor=darkorange];\n");
	}
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

static void explain_dot(struct buf *b, const struct sandbox *sb,
			const struct pod_templates *pts)
{
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
		dot_edges(b, sb);
		dot_internet(b, sb);
		dot_outside(b, sb);
	}
	buf_adds(b, "}\n");
}

void explain_write(struct buf *out, const struct sandbox *sb,
		   const struct pod_templates *pts, enum output_form form)
{
	switch (form) {
	case OUTPUT_EXPLAIN_TEXT:
		explain_text(out, sb, pts);
		break;
	case OUTPUT_EXPLAIN_DOT:
		explain_dot(out, sb, pts);
		break;
	case OUTPUT_EXPLAIN_JSON:
		explain_json(out, sb, pts);
		break;
	case OUTPUT_STREAM:
		BUG("explain_write() called for the stream");
	}
}
