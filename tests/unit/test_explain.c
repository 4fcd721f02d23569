/*
 * test_explain — tests of src/model/neteval.c and src/write/explain*.c on sandbox
 * models built by hand: who may reach whom (a table over networks, ports
 * and isolation), the egress rules the policies hold, DNS names and what
 * lifts their filtering, and what explain says about kept chart policies
 * and the Services that expose pods outside the cluster (fields only the
 * plan fills, so only a hand-made model reaches them here). Agreement
 * with the real policies is tests/explain.sh's job.
 */
#include "unit.h"
#include "buf.h"
#include "explain.h"
#include "neteval.h"
#include "vocab.h"

#include <stdbool.h>

struct model {
	struct settings st;
	struct sandbox sb;
	struct pod_templates pts;
	/* The network label keys (the decided labels borrow them). */
	struct strlist network_keys;
};

static void add_items(struct strlist *l, const char *items)
{
	const char *p = items;

	while (p && *p) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		strlist_add(l, p, len);
		p = end ? end + 1 : NULL;
	}
}

static struct service *add_service(struct model *m, const char *name,
				   const char *networks)
{
	struct service *svc = sandbox_add_service(&m->sb);

	svc->name = xstrdup(name);
	svc->where.kind = "Deployment";
	svc->where.name = "w";
	svc->where.doc = m->sb.nr;
	add_items(&svc->networks, networks);
	if (svc->networks.nr)
		m->sb.uses_networks = true;
	m->sb.has_set[SET_RELEASE] = true;
	return svc;
}

static void add_service_port(struct service *svc, unsigned port)
{
	svc->ports = xgrow(svc->ports, sizeof(*svc->ports), svc->nr_ports + 1,
			   &svc->alloc_ports);
	svc->ports[svc->nr_ports++] =
		(struct service_port){ port, PROTOCOL_TCP };
}

static void add_domain_port(struct egress *e, unsigned port,
			    const char *domain)
{
	e->ports = xgrow(e->ports, sizeof(*e->ports), e->nr_ports + 1,
			 &e->alloc_ports);
	e->ports[e->nr_ports++] = (struct domain_port){
		port, PROTOCOL_TCP, domain ? xstrdup(domain) : NULL };
}

static void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	sandbox_init(&m->sb, &m->st);
	m->sb.release = xstrdup("r");
	m->sb.namespace = xstrdup("ns");
	m->sb.prefix = xstrdup("agentenv-r");
}

/*
 * A pod template per service, with the labels the plan decides for its
 * pods (release, sandbox, service, networks): the evaluator's endpoints.
 */
static void model_pods(struct model *m)
{
	size_t i, j;

	pod_templates_release(&m->pts);
	for (i = 0; i < m->sb.nr; i++) {
		const struct service *svc = &m->sb.services[i];
		struct pod_template *pt;
		struct pod_decisions *d;
		size_t n = 0;

		m->pts.items = xgrow(m->pts.items, sizeof(*m->pts.items),
				     m->pts.nr + 1, &m->pts.alloc);
		pt = &m->pts.items[m->pts.nr++];
		memset(pt, 0, sizeof(*pt));
		pt->service = i;
		d = &pt->decided;
		d->labels = xcalloc(2 * (3 + svc->networks.nr),
				    sizeof(*d->labels));
		d->labels[n++] = RELEASE_LABEL;
		d->labels[n++] = m->sb.release;
		d->labels[n++] = SANDBOX_LABEL;
		d->labels[n++] = "true";
		d->labels[n++] = SERVICE_LABEL;
		d->labels[n++] = svc->name;
		for (j = 0; j < svc->networks.nr; j++) {
			struct buf key = BUF_INIT;

			buf_addf(&key, NETWORK_LABEL_PREFIX "%s",
				 svc->networks.items[j]);
			strlist_add(&m->network_keys, key.data, key.len);
			buf_release(&key);
			d->labels[n++] =
				m->network_keys.items[m->network_keys.nr - 1];
			d->labels[n++] = "true";
		}
		d->labels_nr = n / 2;
	}
}

/* explain_write() of the model as it stands. */
static void model_explain(struct model *m, struct buf *out,
			  enum output_form form)
{
	model_pods(m);
	explain_write(out, &m->sb, &m->pts, NULL, form);
}

/* The evaluator over the model as it stands. */
static void model_net(struct model *m, struct net_model *net)
{
	model_pods(m);
	net_model_init(net, &m->sb, &m->pts, NULL);
}

/* "none", "all", "ports", "open": what r amounts to. */
static const char *reach_word(const struct pair_reach *r)
{
	return !r->any ? "none" : r->all_ports ? "all" :
	       r->open_only ? "open" : "ports";
}

static void model_release(struct model *m)
{
	pod_templates_release(&m->pts);
	strlist_release(&m->network_keys);
	sandbox_release(&m->sb);
	settings_release(&m->st);
}

/* --- net_reach_between --------------------------------------------------- */

struct reach_case {
	const char *from_networks, *to_networks;	/* "" : none */
	bool other_networks;	/* a third service puts networks in use */
	bool from_isolated, to_isolated;
	bool to_ports;
	const char *want;		/* reach_word() */
	const char *via;		/* the networks, joined with ' ' */
};

static const struct reach_case reach_cases[] = {
	/* No networks in the release: everyone, ports if listed. */
	{ "", "", false, false, false, false, "all", "" },
	{ "", "", false, false, false, true, "ports", "" },
	/* Networks: only through a shared one. */
	{ "a", "a", false, false, false, false, "all", "a" },
	{ "a b", "b c", false, false, false, true, "ports", "b" },
	{ "a b", "b a", false, false, false, false, "all", "b a" },
	{ "a", "b", false, false, false, false, "none", "" },
	{ "", "a", false, false, false, false, "none", "" },
	{ "a", "", false, false, false, false, "none", "" },
	/* Networks used elsewhere: a service on none admits nobody. */
	{ "", "", true, false, false, false, "none", "" },
	/* Isolation beats everything, both ways. */
	{ "", "", false, true, false, false, "none", "" },
	{ "", "", false, false, true, true, "none", "" },
	{ "a", "a", false, false, true, false, "none", "" },
};

START_TEST(test_reach_between)
{
	const struct reach_case *c = &reach_cases[_i];
	struct net_model net;
	struct pair_reach r;
	struct buf joined = BUF_INIT;
	struct service *from, *to;
	struct model m;
	size_t i;

	model_init(&m);
	add_service(&m, "from", c->from_networks);
	add_service(&m, "to", c->to_networks);
	if (c->other_networks)
		add_service(&m, "other", "z");
	from = &m.sb.services[0];
	to = &m.sb.services[1];
	from->isolated = c->from_isolated;
	to->isolated = c->to_isolated;
	if (c->to_ports)
		add_service_port(to, 80);
	model_net(&m, &net);
	net_reach_between(&net, 0, 1, &r);
	ck_assert_str_eq(reach_word(&r), c->want);
	ck_assert_int_eq(r.icmp_echo, r.any && !r.open_only);
	for (i = 0; i < r.networks.nr; i++)
		buf_addf(&joined, "%s%s", i ? " " : "", r.networks.items[i]);
	ck_assert_str_eq(joined.data, c->via);
	buf_release(&joined);
	pair_reach_release(&r);
	net_model_release(&net);
	model_release(&m);
}
END_TEST

/*
 * Ports open to anyone (allow-ingress, the entity all) add to what a
 * service admits, and reach it from services it does not admit, without
 * ICMP echo; isolation still beats them from the sending side.
 */
struct open_case {
	const char *from_networks, *to_networks;
	bool to_ports, from_isolated;
	const char *want;		/* reach_word() */
	const char *ports;		/* the ports it lists */
};

static const struct open_case open_cases[] = {
	/* Admitted on every port: nothing to add. */
	{ "", "", false, false, "all", "" },
	/* Admitted on its ports: the open ones follow, no repeats. */
	{ "", "", true, false, "ports", "80/TCP 2222/TCP 60000/UDP" },
	{ "a", "a", true, false, "ports", "80/TCP 2222/TCP 60000/UDP" },
	/* Not admitted (no shared network): the open ports alone. */
	{ "a", "b", false, false, "open", "2222/TCP 60000/UDP" },
	{ "a", "b", true, false, "open",
	  "2222/TCP 80/TCP 60000/UDP" },
	/* An isolated sender sends nothing. */
	{ "a", "b", false, true, "none", "" },
};

START_TEST(test_reach_open_ports)
{
	const struct open_case *c = &open_cases[_i];
	struct net_model net;
	struct pair_reach r;
	struct buf joined = BUF_INIT;
	struct service *from, *to;
	struct model m;
	size_t i;

	model_init(&m);
	add_service(&m, "from", c->from_networks);
	add_service(&m, "to", c->to_networks);
	from = &m.sb.services[0];
	to = &m.sb.services[1];
	from->isolated = c->from_isolated;
	if (c->to_ports)
		add_service_port(to, 80);
	port_list_add(&to->allow_ingress, 2222, PROTOCOL_TCP);
	port_list_add(&to->allow_ingress, 80, PROTOCOL_TCP);
	port_list_add(&to->allow_ingress, 2222, PROTOCOL_TCP);
	port_list_add(&to->allow_ingress, 60000, PROTOCOL_UDP);
	if (!c->to_ports) {
		/* Without its own ports, 80/TCP is only an open one. */
		port_list_release(&to->allow_ingress);
		port_list_add(&to->allow_ingress, 2222, PROTOCOL_TCP);
		port_list_add(&to->allow_ingress, 60000, PROTOCOL_UDP);
	}
	model_net(&m, &net);
	net_reach_between(&net, 0, 1, &r);
	ck_assert_str_eq(reach_word(&r), c->want);
	for (i = 0; i < r.ports.nr; i++)
		buf_addf(&joined, "%s%u/%s", i ? " " : "",
			 r.ports.items[i].number,
			 protocol_name(r.ports.items[i].protocol));
	ck_assert_str_eq(joined.data, c->ports);
	buf_release(&joined);
	pair_reach_release(&r);
	net_model_release(&net);
	model_release(&m);
}
END_TEST

/* --- net_egress and net_dns ---------------------------------------------- */

static void describe(struct buf *b, const struct allows *al)
{
	size_t i, j;

	for (i = 0; i < al->nr; i++) {
		const struct allow *a = &al->items[i];

		buf_addf(b, "%s%s:", a->policy->origin == ORIGIN_SERVICE ?
			 "own " : "", a->kind ==
			 ALLOW_DOMAINS ? "fqdn" : a->kind == ALLOW_ENTITY ?
			 "entity" : "cidr");
		for (j = 0; j < a->nr_names; j++)
			buf_addf(b, "%s%s", j ? "," : "", a->names[j]);
		if (a->port)
			buf_addf(b, "@%u", a->port);
		if (a->check != CHECK_NONE)
			buf_adds(b, a->check == CHECK_TLS_SNI ? "+sni" : "+host");
		buf_addch(b, ';');
	}
}

START_TEST(test_egress_as_policy_emits_it)
{
	struct model m;
	struct service *svc, *quiet, *off;
	struct allows al = { 0 };
	struct buf b = BUF_INIT;
	struct dns_reach dns;
	struct net_model net;

	model_init(&m);
	add_items(&m.st.egress.domains, "a.org");
	add_domain_port(&m.st.egress, 22, NULL);
	add_domain_port(&m.st.egress, 8443, "a.org");
	add_items(&m.st.egress.cidrs, "10.0.0.0/8");
	svc = add_service(&m, "svc", "");
	add_items(&svc->egress.domains, "*");
	add_items(&svc->egress.entities, "host");
	/*
	 * A port scoped to a release-wide domain, without an own domain:
	 * its own rule (a port for every domain needs own domains: plan.c).
	 */
	quiet = add_service(&m, "quiet", "");
	add_domain_port(&quiet->egress, 2222, "a.org");
	off = add_service(&m, "off", "");
	add_items(&off->egress.domains, "b.org");
	off->isolated = true;
	model_net(&m, &net);

	net_egress(&net, 0, &al);
	describe(&b, &al);
	ck_assert_str_eq(b.data, "fqdn:a.org@443+sni;fqdn:a.org@80+host;"
			 "fqdn:a.org@22;fqdn:a.org@8443;cidr:10.0.0.0/8;"
			 "own fqdn:*;own entity:host;");
	allows_release(&al);
	buf_reset(&b);
	net_egress(&net, 1, &al);
	describe(&b, &al);
	ck_assert_str_eq(b.data, "fqdn:a.org@443+sni;fqdn:a.org@80+host;"
			 "fqdn:a.org@22;fqdn:a.org@8443;cidr:10.0.0.0/8;"
			 "own fqdn:a.org@2222;");
	allows_release(&al);
	net_egress(&net, 2, &al);
	ck_assert_uint_eq(al.nr, 0);
	allows_release(&al);

	net_dns(&net, 0, &dns);
	ck_assert(dns.cluster);
	ck_assert_str_eq(dns.cluster_patterns[0], "*.ns.svc.cluster.local");
	ck_assert_str_eq(dns.cluster_patterns[1], "*.*.ns.svc.cluster.local");
	ck_assert_str_eq(dns.cluster_patterns[2],
			 "*.*.*.ns.svc.cluster.local");
	ck_assert_uint_eq(dns.names.nr, 2);
	ck_assert_str_eq(dns.names.items[0], "a.org");
	ck_assert_str_eq(dns.names.items[1], "*");
	ck_assert_uint_eq(dns.lifted_by.nr, 1);
	ck_assert_str_eq(dns.lifted_by.items[0], "host");
	dns_reach_release(&dns);
	net_dns(&net, 2, &dns);
	ck_assert(!dns.cluster);
	ck_assert_uint_eq(dns.names.nr + dns.lifted_by.nr, 0);
	dns_reach_release(&dns);
	buf_release(&b);
	net_model_release(&net);
	model_release(&m);
}
END_TEST

/* --- explain_write -------------------------------------------------------- */

struct format_case {
	enum output_form form;
	const char *want[4];		/* substrings of the output */
};

static const struct format_case format_cases[] = {
	{ OUTPUT_EXPLAIN_TEXT, {
		"chart policies kept with agentenv.io/keep-policy (evaluated "
		"with the sandbox's",
		"  NetworkPolicy/allow-metrics\n",
		"  CiliumNetworkPolicy/extra\n",
		"lifted by entity world" } },
	{ OUTPUT_EXPLAIN_JSON, {
		"\"kept_policies\": [\n    \"NetworkPolicy/allow-metrics\",\n"
		"    \"CiliumNetworkPolicy/extra\"\n  ]",
		"\"schema\": 1,",
		"\"filtering_lifted_by\": [\n          \"world\"",
		"\"isolated\": false" } },
	{ OUTPUT_EXPLAIN_DOT, {
		"digraph sandbox {",
		"\"web\" -> \"web\" [label=\"80/TCP\"];",
		"internet [shape=ellipse",
		"entity world" } },
};

START_TEST(test_explain_formats)
{
	const struct format_case *c = &format_cases[_i];
	struct buf out = BUF_INIT;
	struct service *web;
	struct model m;
	size_t i;

	model_init(&m);
	add_items(&m.st.egress.entities, "world");
	web = add_service(&m, "web", "");
	add_service_port(web, 80);
	add_items(&m.sb.kept_policies,
		  "NetworkPolicy/allow-metrics CiliumNetworkPolicy/extra");
	model_explain(&m, &out, c->form);
	for (i = 0; i < ARRAY_SIZE(c->want) && c->want[i]; i++)
		ck_assert_msg(strstr(out.data, c->want[i]) != NULL,
			      "no '%s' in:\n%s", c->want[i], out.data);
	buf_release(&out);
	model_release(&m);
}
END_TEST

/* The chart's Services that let outside traffic in (filled by exposure.c). */
static const struct format_case exposed_cases[] = {
	{ OUTPUT_EXPLAIN_TEXT, {
		"  exposed        outside the cluster by Service/lb (LoadBalancer)"
		" on ports 80/TCP, 443/TCP (node port 30443)\n"
		"                 outside the cluster by Service/n\\x0ap "
		"(NodePort)\n  reaches",
		"ICMP echo\n  exposed        outside the cluster by Service/"
		"n\\x0ap (NodePort)\n  reaches        web",
		/* Not exposed: no line. */
		"quiet: every port, ICMP echo\n  reaches" } },
	{ OUTPUT_EXPLAIN_JSON, {
		"\"exposed_by\": [\n        {\n          \"service\": \"lb\",\n"
		"          \"type\": \"LoadBalancer\",\n          \"ports\": [\n"
		"            \"80/TCP\",\n",
		"\"service\": \"n\\np\"",
		"\"exposed_by\": [],\n" } },
	{ OUTPUT_EXPLAIN_DOT, {
		"  \"outside the cluster\" [shape=ellipse",
		"  \"outside the cluster\" -> \"web\" [label=\"Service/lb "
		"(LoadBalancer)\\n80/TCP, 443/TCP (node port 30443)\", "
		"color=darkorange",
		"  \"outside the cluster\" -> \"db\" [label=\"Service/n\\np "
		"(NodePort)\", " } },
};

static void add_exposed(struct sandbox *sb, const char *name,
			const char *type, const char *ports, size_t service)
{
	struct exposed *e;

	sb->exposed = xgrow(sb->exposed, sizeof(*sb->exposed),
			    sb->nr_exposed + 1, &sb->alloc_exposed);
	e = &sb->exposed[sb->nr_exposed++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->type = xstrdup(type);
	if (ports) {
		const char *p = ports;

		while (*p) {
			const char *end = strchr(p, ';');
			size_t len = end ? (size_t)(end - p) : strlen(p);

			strlist_add(&e->ports, p, len);
			p += len + (end != NULL);
		}
	}
	e->services = xgrow(e->services, sizeof(*e->services), 1,
			    &e->alloc_services);
	e->services[e->nr_services++] = service;
}

START_TEST(test_explain_exposed)
{
	const struct format_case *c = &exposed_cases[_i];
	struct buf out = BUF_INIT;
	struct model m;
	size_t i;

	model_init(&m);
	add_service(&m, "web", "");
	add_service(&m, "db", "");
	add_service(&m, "quiet", "");
	add_exposed(&m.sb, "lb", "LoadBalancer",
		    "80/TCP;443/TCP (node port 30443)", 0);
	add_exposed(&m.sb, "n\np", "NodePort", NULL, 1);
	m.sb.exposed[1].services = xgrow(m.sb.exposed[1].services,
					 sizeof(size_t), 2,
					 &m.sb.exposed[1].alloc_services);
	m.sb.exposed[1].services[m.sb.exposed[1].nr_services++] = 0;
	model_explain(&m, &out, c->form);
	for (i = 0; i < ARRAY_SIZE(c->want) && c->want[i]; i++)
		ck_assert_msg(strstr(out.data, c->want[i]) != NULL,
			      "no '%s' in:\n%s", c->want[i], out.data);
	buf_release(&out);
	model_release(&m);
}
END_TEST

/* Ports open to anyone, in the three forms (the chart's way in). */
static const struct format_case open_format_cases[] = {
	{ OUTPUT_EXPLAIN_TEXT, {
		"  reached by     anyone, from outside the cluster too, on "
		"2222/TCP (agentenv.io/allow-ingress)\n",
		"  exposed        outside the cluster by Service/ssh "
		"(LoadBalancer) on port 22/TCP, only ports open to anyone\n",
		"db: 2222/TCP (open to anyone; no ICMP echo)",
		"(* only the ports the column opens to anyone, without ICMP "
		"echo)\n" } },
	{ OUTPUT_EXPLAIN_JSON, {
		"\"open_to_anyone\": [\n        {\n          \"port\": 2222,\n"
		"          \"protocol\": \"TCP\"\n        }\n      ],\n"
		"      \"open_to_anyone_by\": [\n        \"annotation\"\n"
		"      ],",
		"\"only_open_ports\": true",
		"\"from\": \"db\",\n      \"to\": \"agent\",\n      \"ports\": "
		"[\n        {\n          \"port\": 2222,\n          \"protocol\":"
		" \"TCP\"\n        }\n      ],\n      \"icmp_echo\": false,",
		NULL } },
	{ OUTPUT_EXPLAIN_DOT, {
		"  \"outside the cluster\" -> \"agent\" [label=\"anyone, on "
		"2222/TCP\", color=darkorange, fontcolor=darkorange];",
		"  \"db\" -> \"agent\" [label=\"2222/TCP (open to anyone)\"];",
		NULL, NULL } },
};

START_TEST(test_explain_open_ports)
{
	const struct format_case *c = &open_format_cases[_i];
	struct buf out = BUF_INIT;
	struct service *agent;
	struct model m;
	size_t i;

	model_init(&m);
	agent = add_service(&m, "agent", "a");
	port_list_add(&agent->allow_ingress, 2222, PROTOCOL_TCP);
	agent->allow_ingress_own = true;
	add_service(&m, "db", "b");
	add_exposed(&m.sb, "ssh", "LoadBalancer", "22/TCP", 0);
	m.sb.exposed[0].only_open_ports = true;
	model_explain(&m, &out, c->form);
	for (i = 0; i < ARRAY_SIZE(c->want) && c->want[i]; i++)
		ck_assert_msg(strstr(out.data, c->want[i]) != NULL,
			      "no '%s' in:\n%s", c->want[i], out.data);
	buf_release(&out);
	model_release(&m);
}
END_TEST

/* Nothing to sandbox: no release, and still a well-formed answer. */
START_TEST(test_explain_nothing)
{
	static const char *const want[] = {
		"no sandboxed workload in the stream",
		"digraph sandbox {\n",
		"\"release\": null,",
	};
	static const enum output_form forms[] = {
		OUTPUT_EXPLAIN_TEXT, OUTPUT_EXPLAIN_DOT, OUTPUT_EXPLAIN_JSON,
	};
	struct settings st = { 0 };
	struct pod_templates pts = { 0 };
	struct sandbox sb;
	size_t i;

	sandbox_init(&sb, &st);
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		struct buf out = BUF_INIT;

		explain_write(&out, &sb, &pts, NULL, forms[i]);
		ck_assert_msg(strstr(out.data, want[i]) != NULL, "no '%s' in:\n"
			      "%s", want[i], out.data);
		buf_release(&out);
	}
	sandbox_release(&sb);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("explain");
	TCase *tc = tcase_create("explain");

	tcase_add_loop_test(tc, test_reach_between, 0,
			    (int)ARRAY_SIZE(reach_cases));
	tcase_add_loop_test(tc, test_reach_open_ports, 0,
			    (int)ARRAY_SIZE(open_cases));
	tcase_add_test(tc, test_egress_as_policy_emits_it);
	tcase_add_loop_test(tc, test_explain_open_ports, 0,
			    (int)ARRAY_SIZE(open_format_cases));
	tcase_add_loop_test(tc, test_explain_exposed, 0,
			    (int)ARRAY_SIZE(exposed_cases));
	tcase_add_loop_test(tc, test_explain_formats, 0,
			    (int)ARRAY_SIZE(format_cases));
	tcase_add_test(tc, test_explain_nothing);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
