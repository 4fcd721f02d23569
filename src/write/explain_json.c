/*
 * explain_json — the json rendering of --explain (see explain_json.h):
 * the schema's keys over the generic writer of json.h.
 */
#include "explain_json.h"

#include "explain_common.h"
#include "json.h"
#include "neteval.h"

static const char *runtime_source_name(enum runtime_source from)
{
	return from == FROM_CHART ? "chart" :
	       from == FROM_ANNOTATION ? "annotation" : "default";
}

static const char *check_name(enum net_check check)
{
	return check == CHECK_TLS_SNI ? "tls-sni" :
	       check == CHECK_HTTP_HOST ? "http-host" :
	       check == CHECK_DNS ? "dns" :
	       check == CHECK_OTHER ? "other" : NULL;
}

static const char *allow_kind_name(enum allow_kind kind)
{
	static const char *const names[] = {
		[ALLOW_DOMAINS] = "domains",
		[ALLOW_ENTITY] = "entity",
		[ALLOW_CIDR] = "cidr",
		[ALLOW_PODS] = "pods",
		[ALLOW_ANYTHING] = "anything",
	};

	return names[kind];
}

static const char *scope_name(const struct net_policy *p)
{
	return p->origin == ORIGIN_SERVICE ? "service" :
	       p->origin == ORIGIN_CHART ? "kept" : "release";
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
 * "via_networks": [...], "via_kept": [...]}, or nothing when from cannot
 * reach to. */
static void json_pair(struct json *j, const struct net_model *m, size_t from,
		      size_t to)
{
	struct pair_reach r;

	net_reach_between(m, from, to, &r);
	if (r.any) {
		json_open(j, '{');
		json_str_member(j, "from", m->sb->services[from].name);
		json_str_member(j, "to", m->sb->services[to].name);
		json_key(j, "ports");
		if (r.all_ports)
			json_str(j, "all");
		else
			json_port_list(j, r.ports.items, r.ports.nr);
		json_key(j, "icmp_echo");
		json_bool(j, r.icmp_echo && !r.open_only);
		json_names(j, "via_networks", r.networks.items,
			   r.networks.nr);
		json_names(j, "via_kept", r.kept.items, r.kept.nr);
		json_close(j, '}');
	}
	pair_reach_release(&r);
}

/*
 * "open_to_anyone_kept": [{policy, ports}]: what the chart's kept
 * policies let in from outside the cluster; only where they do.
 */
static void json_kept_inbound(struct json *j, const struct net_model *m,
			      size_t k)
{
	struct inbounds in = { 0 };
	bool first = true;
	size_t i;

	net_inbound(m, k, &in);
	for (i = 0; i < in.nr; i++) {
		const struct inbound *a = &in.items[i];

		if (a->policy->origin != ORIGIN_CHART)
			continue;
		if (first) {
			json_key(j, "open_to_anyone_kept");
			json_open(j, '[');
			first = false;
		}
		json_open(j, '{');
		json_str_member(j, "policy", a->policy->name_parts[0]);
		json_key(j, "ports");
		if (a->all_ports)
			json_str(j, "all");
		else
			json_port_list(j, a->ports.items, a->ports.nr);
		json_close(j, '}');
	}
	if (!first)
		json_close(j, ']');
	inbounds_release(&in);
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

static void json_egress(struct json *j, const struct net_model *m, size_t k)
{
	struct allows al = { 0 };
	size_t i;

	net_egress(m, k, &al);
	json_key(j, "egress");
	json_open(j, '[');
	for (i = 0; i < al.nr; i++) {
		const struct allow *a = &al.items[i];

		json_open(j, '{');
		json_str_member(j, "kind", allow_kind_name(a->kind));
		json_str_member(j, "scope", scope_name(a->policy));
		if (a->policy->origin == ORIGIN_CHART)
			json_str_member(j, "policy", a->policy->name_parts[0]);
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

static void json_dns(struct json *j, const struct net_model *m, size_t k)
{
	struct dns_reach d;

	net_dns(m, k, &d);
	json_key(j, "dns");
	json_open(j, '{');
	json_str_member(j, "cluster",
			d.cluster ? d.cluster_patterns[0] : NULL);
	json_names(j, "cluster_patterns", d.cluster_patterns,
		   d.cluster ? CLUSTER_DNS_DEPTHS : 0);
	json_names(j, "names", d.names.items, d.names.nr);
	json_names(j, "filtering_lifted_by", d.lifted_by.items,
		   d.lifted_by.nr);
	json_names(j, "filtering_lifted_by_kept", d.lifted_by_kept.items,
		   d.lifted_by_kept.nr);
	json_close(j, '}');
	dns_reach_release(&d);
}

static void json_service(struct json *j, const struct net_model *m,
			 const struct pod_templates *pts, size_t k)
{
	const struct sandbox *sb = m->sb;
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
	json_kept_inbound(j, m, k);
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
	json_egress(j, m, k);
	json_dns(j, m, k);
	json_close(j, '}');
}

void explain_json(struct buf *b, const struct net_model *m,
		  const struct pod_templates *pts)
{
	const struct sandbox *sb = m->sb;
	struct json j;
	struct strlist networks = { 0 };
	size_t i, k;

	json_init(&j, b);
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
		json_service(&j, m, pts, i);
	json_close(&j, ']');
	json_key(&j, "matrix");
	json_open(&j, '[');
	for (i = 0; sb->release && i < sb->nr; i++)
		for (k = 0; k < sb->nr; k++)
			json_pair(&j, m, i, k);
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
