/*
 * exposure — Services that reach sandboxed pods from outside the cluster
 * (see exposure.h).
 */
#include "exposure.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "selector.h"
#include "stream.h"
#include "validate.h"
#include "ynode.h"

/* At most this many pods or ports are named in one message. */
#define NAMED_MAX 4

/* The key node of map's field key (its line is the field's), or NULL. */
static struct fy_node *key_of(struct fy_node *map, const char *key)
{
	struct fy_node_pair *p;
	void *iter = NULL;

	if (!ynode_is_mapping(map))
		return NULL;
	while ((p = fy_node_mapping_iterate(map, &iter)))
		if (ynode_is(fy_node_pair_key(p), key))
			return fy_node_pair_key(p);
	return NULL;
}

/* A copy of scalar n, or "?" when it is none (for messages). */
static char *scalar_or_unknown(struct fy_node *n)
{
	char *s = ynode_strdup(n);

	return s ? s : xstrdup("?");
}

/*
 * The type when it lets outside traffic in, else NULL. Absent or null is
 * ClusterIP. ExternalName forwards nothing (see exposure.h). Any other
 * value (the API server knows NodePort and LoadBalancer, and refuses the
 * rest) counts as exposing.
 */
static char *exposing_type(struct fy_node *type)
{
	if (ynode_is_null(type) || ynode_is(type, "ClusterIP") ||
	    ynode_is(type, "ExternalName"))
		return NULL;
	return scalar_or_unknown(type);
}

static const char *port_protocol(struct fy_node *n)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP" };
	size_t i;

	if (ynode_is_null(n))
		return "TCP";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ynode_is(n, names[i]))
			return names[i];
	return "?";
}

static const char *port_number(struct fy_node *n, unsigned *port)
{
	size_t len;
	const char *text = ynode_scalar(n, &len), *why;

	if (!text || !parse_port(text, len, port, &why))
		return NULL;
	return text;
}

/*
 * The port's targetPort into e->targets: a number, or its port when
 * absent; anything else (a container port's name) leaves the targets
 * unknown.
 */
static void read_target(struct exposure *e, struct fy_node *p,
			bool port_known, unsigned port)
{
	struct fy_node *target = ynode_get(p, "targetPort");
	const char *proto = port_protocol(ynode_get(p, "protocol"));
	enum protocol protocol;
	unsigned number = port;
	const char *why;

	if (!ynode_is_null(target) && !port_number(target, &number))
		e->targets_known = false;
	else if (ynode_is_null(target) && !port_known)
		e->targets_known = false;
	else if (!parse_protocol(proto, strlen(proto), false, &protocol, &why))
		e->targets_known = false;
	else
		port_list_add(&e->targets, number, protocol);
}

/* spec.ports as "80/TCP" or "80/TCP (node port 30080)". */
static void read_ports(struct exposure *e, struct fy_node *ports)
{
	int i, n = ynode_count(ports);

	e->targets_known = n > 0;
	for (i = 0; i < n; i++) {
		struct fy_node *p = ynode_at(ports, i);
		struct buf text = BUF_INIT;
		unsigned port, node_port;
		bool port_known = port_number(ynode_get(p, "port"), &port);

		read_target(e, p, port_known, port);
		if (port_known)
			buf_addf(&text, "%u", port);
		else
			buf_addch(&text, '?');
		buf_addf(&text, "/%s", port_protocol(ynode_get(p, "protocol")));
		if (port_number(ynode_get(p, "nodePort"), &node_port))
			buf_addf(&text, " (node port %u)", node_port);
		strlist_add(&e->ports, text.data, text.len);
		buf_release(&text);
	}
}

/* A non-empty list, or anything else (the API server would refuse it). */
static void read_external_ips(struct exposure *e, struct fy_node *ips)
{
	bool list = ynode_is_sequence(ips);

	if (ynode_is_null(ips) || (list && !ynode_count(ips)))
		return;
	e->nr_external_ips = list ? (size_t)ynode_count(ips) : 1;
	e->external_ip = scalar_or_unknown(list ? ynode_at(ips, 0) : ips);
}

void exposure_read(const struct where *w, struct fy_node *object,
		   struct exposures *ex)
{
	struct fy_node *spec = ynode_get(object, "spec");
	struct fy_node *type = ynode_get(spec, "type");
	struct fy_node *ips = ynode_get(spec, "externalIPs");
	struct fy_node *selector = ynode_get(spec, "selector");
	struct exposure e;

	if (!ynode_is(ynode_get(object, "kind"), "Service") ||
	    !ynode_is(ynode_get(object, "apiVersion"), "v1"))
		return;
	memset(&e, 0, sizeof(e));
	/* (Anchors and aliases never get here: stream.c refuses them.) */
	if (ynode_is(type, "ExternalName")) {
		return;		/* forwards nothing: see exposure.h */
	} else {
		e.type = exposing_type(type);
		e.type_line = object_line(w, object, key_of(spec, "type"));
		read_external_ips(&e, ips);
		e.external_ips_line = object_line(w, object,
					      key_of(spec, "externalIPs"));
		if (!e.type && !e.nr_external_ips)
			return;		/* a ClusterIP Service */
		/* Absent or empty: no endpoints of Kubernetes' making. */
		if (!ynode_is_null(selector) &&
		    !(ynode_is_mapping(selector) &&
		      !fy_node_mapping_item_count(selector)))
			e.selector = selector_from_labels(selector);
		if (!e.selector) {
			free(e.type);
			free(e.external_ip);
			return;
		}
		read_ports(&e, ynode_get(spec, "ports"));
	}
	e.name = ynode_strdup(ynode_path(object, "/metadata/name"));
	e.namespace = ynode_strdup(ynode_path(object, "/metadata/namespace"));
	e.where = *w;
	e.where.kind = "Service";
	e.where.name = e.name;
	ex->items = xgrow(ex->items, sizeof(*ex->items), ex->nr + 1,
			  &ex->alloc);
	ex->items[ex->nr++] = e;
}

/* pt is a pod the sandbox edits (as chartpolicy.c decides it). */
static bool sandboxed(const struct pod_template *pt, const struct sandbox *sb)
{
	return !pt->opted_out && pt->service != NO_SERVICE &&
	       sb->services[pt->service].name;
}

/* A Service reaches only the pods of its own namespace. */
static bool same_namespace(const struct exposure *e, const struct sandbox *sb)
{
	return !e->namespace || !sb->namespace ||
	       !strcmp(e->namespace, sb->namespace);
}

static bool selects(const struct exposure *e, const struct pod_template *pt,
		    const struct sandbox *sb)
{
	if (!sandboxed(pt, sb) || !same_namespace(e, sb))
		return false;
	return selector_selects(e->selector, pt, sb);
}

/* "Deployment/a, StatefulSet/b and 3 more": the workloads e selects. */
static size_t describe_pods(struct buf *b, const struct exposure *e,
			    const struct sandbox *sb,
			    const struct pod_templates *pts)
{
	size_t i, named = 0, more = 0;

	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		const char *name = pt->name ? pt->name : "";

		if (!selects(e, pt, sb))
			continue;
		if (named == NAMED_MAX) {
			more++;
			continue;
		}
		buf_addf(b, "%s%s/%.*s%s", named ? ", " : "", pt->kind,
			 diag_shown(strlen(name)), name,
			 diag_cut(strlen(name)));
		named++;
	}
	if (more)
		buf_addf(b, " and %zu more", more);
	return named;
}

static void describe_ports(struct buf *b, const struct strlist *ports)
{
	size_t i;

	if (!ports->nr) {
		buf_adds(b, "no port listed");
		return;
	}
	buf_addf(b, "port%s ", ports->nr > 1 ? "s" : "");
	for (i = 0; i < ports->nr && i < NAMED_MAX; i++)
		buf_addf(b, "%s%s", i ? ", " : "", ports->items[i]);
	if (ports->nr > NAMED_MAX)
		buf_addf(b, " and %zu more", ports->nr - NAMED_MAX);
}

/*
 * Every target port of e is open to anyone on every sandbox service it
 * selects: the way in allow-ingress means (see exposure.h).
 */
static bool only_open_ports(const struct exposure *e,
			    const struct sandbox *sb,
			    const struct pod_templates *pts)
{
	size_t i, k;

	if (!e->targets_known || !e->targets.nr)
		return false;
	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		const struct service *svc;

		if (!selects(e, pt, sb))
			continue;
		svc = &sb->services[pt->service];
		for (k = 0; k < e->targets.nr; k++)
			if (!port_list_has(&svc->allow_ingress,
					   e->targets.items[k].number,
					   e->targets.items[k].protocol))
				return false;
	}
	return true;
}

/* Record e in sb->exposed with the sandbox services it selects. */
static void record(const struct exposure *e, struct sandbox *sb,
		   const struct pod_templates *pts, bool only_open)
{
	struct exposed *x;
	size_t i;

	sb->exposed = xgrow(sb->exposed, sizeof(*sb->exposed),
			    sb->nr_exposed + 1, &sb->alloc_exposed);
	x = &sb->exposed[sb->nr_exposed++];
	memset(x, 0, sizeof(*x));
	x->name = xstrdup(e->name ? e->name : "");
	x->type = xstrdup(e->type);
	x->only_open_ports = only_open;
	for (i = 0; i < e->ports.nr; i++)
		strlist_add(&x->ports, e->ports.items[i],
			    strlen(e->ports.items[i]));
	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];

		if (!selects(e, pt, sb) || exposed_selects(x, pt->service))
			continue;
		x->services = xgrow(x->services, sizeof(*x->services),
				    x->nr_services + 1, &x->alloc_services);
		x->services[x->nr_services++] = pt->service;
	}
}

static void check_one(const struct exposure *e, struct sandbox *sb,
		      const struct pod_templates *pts)
{
	struct buf pods = BUF_INIT, ports = BUF_INIT;
	struct where w = e->where;

	if (!describe_pods(&pods, e, sb, pts))
		goto done;
	if (e->nr_external_ips) {
		size_t len = strlen(e->external_ip);

		w.line = e->external_ips_line;
		diag_error(&w, "spec.externalIPs: every node would forward "
			   "traffic for '%.*s%s'%s to the sandboxed pods of "
			   "%s, "
			   "and where it gives the traffic the node's address "
			   "(kube-proxy) Cilium admits it past the sandbox's "
			   "default-deny ingress: remove externalIPs (a "
			   "ClusterIP Service reaches the pods from inside the "
			   "cluster)", diag_shown(len), e->external_ip,
			   diag_cut(len), e->nr_external_ips > 1 ?
			   " and the other external IPs" : "", pods.data);
		goto done;
	}
	if (only_open_ports(e, sb, pts)) {
		record(e, sb, pts, true);
		goto done;
	}
	describe_ports(&ports, &e->ports);
	w.line = e->type_line;
	diag_warning(&w, "spec.type: %.*s%s exposes the sandboxed pods of %s "
		     "outside the cluster on %s: where the nodes forward "
		     "with their own address (kube-proxy, "
		     "externalTrafficPolicy: Cluster) Cilium admits outside "
		     "clients past the sandbox's default-deny ingress; unless "
		     "that is meant, make it a ClusterIP Service (often "
		     "service.type=ClusterIP)", diag_shown(strlen(e->type)),
		     e->type, diag_cut(strlen(e->type)), pods.data, ports.data);
	record(e, sb, pts, false);
done:
	buf_release(&pods);
	buf_release(&ports);
}

void exposure_check(const struct exposures *ex, struct sandbox *sb,
		    const struct pod_templates *pts)
{
	size_t i;

	for (i = 0; i < ex->nr; i++)
		check_one(&ex->items[i], sb, pts);
}

void exposures_release(struct exposures *ex)
{
	size_t i;

	for (i = 0; i < ex->nr; i++) {
		struct exposure *e = &ex->items[i];

		free(e->name);
		free(e->namespace);
		free(e->type);
		free(e->external_ip);
		strlist_release(&e->ports);
		port_list_release(&e->targets);
		selector_free(e->selector);
	}
	free(ex->items);
	memset(ex, 0, sizeof(*ex));
}
