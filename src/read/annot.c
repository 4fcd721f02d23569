/*
 * annot — the agentenv.io/ annotation table (see annot.h).
 */
#include "annot.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lists.h"
#include "ynode.h"
#include "vocab.h"

struct annot_ctx;

/*
 * One agentenv.io/ annotation: a single value (parse), or a
 * comma-separated list whose items go through item; a list of plain
 * validated strings uses item_string, valid and the strlist at
 * list_offset in struct service.
 */
struct annotation {
	const char *key;
	void (*parse)(struct annot_ctx *c);
	bool (*item)(void *data, const char *s, size_t len);
	bool (*valid)(const char *s, size_t n, const char **why);
	size_t list_offset;
};

/* The annotation being read, for parsers and their messages. */
struct annot_ctx {
	const struct annotation *annotation;
	struct pod_template *pt;
	struct service *svc;
	const char *key;		/* the full annotation key */
	const char *value;
	size_t len;
	struct where where;		/* the value's line */
	const char *field_prefix;	/* where the annotation was found */
	/* The pod's and the workload's annotations, once looked up. */
	bool have_maps;
	struct fy_node *pod_map;
	struct fy_node *object_map;
};

static void find_maps(struct annot_ctx *c)
{
	c->pod_map = ynode_path(c->pt->pod, "/metadata/annotations");
	c->object_map = ynode_path(c->pt->object, "/metadata/annotations");
	c->have_maps = true;
}

static struct strlist *service_list(struct service *svc,
				    const struct annotation *a)
{
	return (struct strlist *)((char *)svc + a->list_offset);
}

static void refuse(struct annot_ctx *c, const char *item, size_t len,
		   const char *why)
{
	diag_error(&c->where, "%smetadata.annotations[\"%s\"]: '%.*s%s' %s",
		   c->field_prefix, c->key, diag_shown(len), item,
		   diag_cut(len), why);
}

/* Parsers: one per annotation; each validates and stores. */

static bool read_bool(struct annot_ctx *c, bool *out)
{
	const char *why;

	if (parse_bool(c->value, c->len, out, &why))
		return true;
	refuse(c, c->value, c->len, why);
	return false;
}

static void parse_service(struct annot_ctx *c)
{
	(void)c;	/* read before the table: it names the service */
}

static void parse_ours(struct annot_ctx *c)
{
	(void)c;	/* the record, the digest: inject writes them */
}

static void parse_runtime_class(struct annot_ctx *c)
{
	const char *why;

	if (!valid_runtime_class(c->value, c->len, &why)) {
		refuse(c, c->value, c->len, why);
		return;
	}
	c->svc->runtime_class = xmemdup0(c->value, c->len);
}

static void parse_sidecar(struct annot_ctx *c)
{
	static const char *const forms[] = { "auto", "native", "container" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (c->len == strlen(forms[i]) &&
		    !memcmp(c->value, forms[i], c->len)) {
			c->svc->sidecar = (enum sidecar_form)i;
			return;
		}
	}
	refuse(c, c->value, c->len, "is not a sidecar form: use auto, "
	       "native or container");
}

static void parse_dns_record(struct annot_ctx *c)
{
	read_bool(c, &c->svc->dns_record);
}

static void parse_network_isolated(struct annot_ctx *c)
{
	read_bool(c, &c->svc->isolated);
}

static void parse_host_access(struct annot_ctx *c)
{
	read_bool(c, &c->svc->host_access);
}

static void parse_inject(struct annot_ctx *c)
{
	bool inject;

	(void)read_bool(c, &inject);	/* "false" was handled first */
}

/* List annotations: one item parser each, run through annot_split_list. */

/* An item of a list of validated strings (see annotation.valid). */
static bool item_string(void *data, const char *s, size_t len)
{
	struct annot_ctx *c = data;
	const char *why;

	if (!c->annotation->valid(s, len, &why))
		refuse(c, s, len, why);
	else
		strlist_add(service_list(c->svc, c->annotation), s, len);
	return true;
}

static bool item_port(void *data, const char *s, size_t len)
{
	struct annot_ctx *c = data;
	struct service *svc = c->svc;
	enum protocol proto;
	unsigned port;
	const char *why;
	size_t i;

	if (!parse_service_port(s, len, &port, &proto, &why)) {
		refuse(c, s, len, why);
		return true;
	}
	for (i = 0; i < svc->nr_ports; i++)
		if (svc->ports[i].number == port &&
		    svc->ports[i].protocol == proto)
			return true;	/* a duplicate is harmless */
	svc->ports = xgrow(svc->ports, sizeof(*svc->ports), svc->nr_ports + 1,
			   &svc->alloc_ports);
	svc->ports[svc->nr_ports].number = port;
	svc->ports[svc->nr_ports].protocol = proto;
	svc->nr_ports++;
	return true;
}

/* An agentenv.io/allow-ingress item: a port opened to anyone. */
static bool item_allow_ingress(void *data, const char *s, size_t len)
{
	struct annot_ctx *c = data;
	enum protocol proto;
	unsigned port;
	const char *why;

	if (!parse_ingress_port(s, len, &port, &proto, &why)) {
		refuse(c, s, len, why);
		return true;
	}
	port_list_add(&c->svc->allow_ingress, port, proto);
	c->svc->allow_ingress_own = true;
	c->svc->allow_ingress_where = c->where;
	c->svc->allow_ingress_field_prefix = c->field_prefix;
	return true;
}

static bool item_domain_port(void *data, const char *s, size_t len)
{
	struct annot_ctx *c = data;
	struct egress *e = &c->svc->egress;
	struct domain_port *dp;
	const char *why, *domain;
	size_t domain_len;
	enum protocol proto;
	unsigned port;

	if (!parse_domain_port(s, len, &port, &proto, &domain, &domain_len,
			       &why)) {
		refuse(c, s, len, why);
		return true;
	}
	e->ports = xgrow(e->ports, sizeof(*e->ports), e->nr_ports + 1,
			 &e->alloc_ports);
	dp = &e->ports[e->nr_ports++];
	dp->number = port;
	dp->protocol = proto;
	dp->domain = domain_len ? xmemdup0(domain, domain_len) : NULL;
	return true;
}

#define LIST_OF(valid, field) \
	NULL, item_string, valid, offsetof(struct service, field)

static const struct annotation annotation_table[] = {
	{ ANNOTATION_PREFIX "inject", parse_inject, NULL, NULL, 0 },
	{ ANNOTATION_PREFIX "service", parse_service, NULL, NULL, 0 },
	{ ANNOTATION_PREFIX "runtime-class", parse_runtime_class, NULL, NULL,
	  0 },
	{ ANNOTATION_PREFIX "sidecar", parse_sidecar, NULL, NULL, 0 },
	{ ANNOTATION_PREFIX "dns-record", parse_dns_record, NULL, NULL, 0 },
	{ ANNOTATION_PREFIX "additional-dns-records",
	  LIST_OF(valid_dns_record, dns_records) },
	{ ANNOTATION_PREFIX "ports", NULL, item_port, NULL, 0 },
	{ ANNOTATION_PREFIX "networks", LIST_OF(valid_network_name, networks) },
	{ ANNOTATION_PREFIX "network-isolated", parse_network_isolated, NULL,
	  NULL, 0 },
	{ ANNOTATION_PREFIX "allow-domains",
	  LIST_OF(valid_domain, egress.domains) },
	{ ANNOTATION_PREFIX "allow-domains-ports", NULL, item_domain_port,
	  NULL, 0 },
	{ ANNOTATION_PREFIX "allow-cidr", LIST_OF(valid_cidr, egress.cidrs) },
	{ ANNOTATION_PREFIX "allow-entities",
	  LIST_OF(valid_entity, egress.entities) },
	{ ANNOTATION_PREFIX "host-access", parse_host_access, NULL, NULL, 0 },
	{ ANNOTATION_PREFIX "allow-ingress", NULL, item_allow_ingress, NULL,
	  0 },
	{ INJECTED_ANNOTATION, parse_ours, NULL, NULL, 0 },
	{ DNS_DIGEST_ANNOTATION, parse_ours, NULL, NULL, 0 },
};

#define NR_ANNOTATIONS (sizeof(annotation_table) / sizeof(annotation_table[0]))

static const struct annotation *find_annotation(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < NR_ANNOTATIONS; i++)
		if (strlen(annotation_table[i].key) == len &&
		    !memcmp(annotation_table[i].key, key, len))
			return &annotation_table[i];
	return NULL;
}

/* "inject, service, ...": the annotations a chart author writes. */
static const char *annotation_list(void)
{
	static char list[512];
	size_t i, used = 0, plen = strlen(ANNOTATION_PREFIX);

	if (list[0])
		return list;
	for (i = 0; i < NR_ANNOTATIONS; i++) {
		int n;

		if (annotation_table[i].parse == parse_ours)
			continue;	/* ours to write */
		n = snprintf(list + used, sizeof(list) - used, "%s%s",
			     used ? ", " : "",
			     annotation_table[i].key + plen);
		if (n < 0 || (size_t)n >= sizeof(list) - used)
			BUG("the annotation list does not fit");
		used += (size_t)n;
	}
	return list;
}

/* Refuse agentenv.io/ annotations we do not know (typos). */
static void check_unknown(struct pod_template *pt, struct fy_node *map,
			  const char *field_prefix)
{
	size_t plen = strlen(ANNOTATION_PREFIX);
	struct fy_node_pair *p;
	void *iter = NULL;

	while (ynode_is_mapping(map) &&
	       (p = fy_node_mapping_iterate(map, &iter))) {
		size_t len;
		const char *key = ynode_scalar(fy_node_pair_key(p), &len);
		struct where w = pt->where;

		if (!key || len < plen ||
		    memcmp(key, ANNOTATION_PREFIX, plen) ||
		    find_annotation(key, len))
			continue;
		w.line = doc_line(pt->doc, fy_node_pair_key(p));
		diag_error(&w, "%smetadata.annotations[\"%.*s\"]: unknown "
			   "annotation: the agentenv.io/ annotations are %s",
			   field_prefix, diag_shown(len), key,
			   annotation_list());
	}
}

/* Where pt's annotation key is, and its value as a string. */
static bool lookup(struct annot_ctx *c, const char *key)
{
	struct fy_node *v;

	if (!c->have_maps)
		find_maps(c);
	v = ynode_get(c->pod_map, key);
	c->key = key;
	c->field_prefix = c->pt->field_prefix;
	if (!v) {
		v = ynode_get(c->object_map, key);
		c->field_prefix = "";
	}
	if (!v)
		return false;
	c->value = ynode_scalar(v, &c->len);
	c->where = c->pt->where;
	c->where.line = doc_line(c->pt->doc, v);
	return c->value != NULL;
}

bool annot_opted_out(struct pod_template *pt)
{
	struct annot_ctx c = { .pt = pt };

	return lookup(&c, ANNOTATION_PREFIX "inject") && c.len == 5 &&
	       !memcmp(c.value, "false", 5);
}

/*
 * The name the chart gives the service: agentenv.io/service, else the
 * inspect/service label; *name stays NULL when it gives none (the
 * workload's name is used: plan.c, once the release is known). Returns
 * false when the name given is not one.
 */
static bool chart_service_name(struct pod_template *pt, char **name)
{
	struct annot_ctx c = { .pt = pt };
	struct fy_node *label = pod_label(pt, PRESENTED_LABEL);
	const char *why;

	*name = NULL;
	if (lookup(&c, ANNOTATION_PREFIX "service")) {
		if (valid_service_name(c.value, c.len, &why)) {
			*name = xmemdup0(c.value, c.len);
			return true;
		}
		refuse(&c, c.value, c.len, why);
		return false;
	}
	if (!label)
		return true;
	c.value = ynode_scalar(label, &c.len);
	if (c.value && valid_service_name(c.value, c.len, &why)) {
		*name = xmemdup0(c.value, c.len);
		return true;
	}
	c.where = pt->where;
	c.where.line = doc_line(pt->doc, label);
	diag_error(&c.where, "%smetadata.labels[\"inspect/service\"]: "
		   "'%.*s%s' %s", pt->field_prefix, diag_shown(c.len),
		   c.value ? c.value : "", diag_cut(c.len),
		   c.value ? why : "is not a string");
	return false;
}

/*
 * The API server refuses an object whose annotations (keys and values)
 * total more than 256 KiB; refusing it here, before any value is split
 * into a list, keeps the work any input can cause in proportion.
 */
#define ANNOTATIONS_MAX_BYTES ((size_t)256 << 10)

static bool within_size_limit(struct pod_template *pt, struct fy_node *map,
			      const char *field_prefix)
{
	struct fy_node_pair *p;
	void *iter = NULL;
	size_t total = 0, largest = 0, largest_len = 0;
	const char *largest_key = "";
	struct where w = pt->where;

	while (ynode_is_mapping(map) &&
	       (p = fy_node_mapping_iterate(map, &iter))) {
		size_t klen = 0, vlen = 0;
		const char *key = ynode_scalar(fy_node_pair_key(p), &klen);

		ynode_scalar(fy_node_pair_value(p), &vlen);
		total += klen + vlen;
		if (key && klen + vlen > largest) {
			largest = klen + vlen;
			largest_key = key;
			largest_len = klen;
		}
	}
	if (total <= ANNOTATIONS_MAX_BYTES)
		return true;
	w.line = doc_line(pt->doc, map);
	diag_error(&w, "%smetadata.annotations: %zu bytes, more than the "
		   "%zu Kubernetes accepts for one object's annotations (the "
		   "largest: \"%.*s%s\", %zu bytes): shorten them",
		   field_prefix, total, ANNOTATIONS_MAX_BYTES,
		   diag_shown(largest_len), largest_key, diag_cut(largest_len),
		   largest);
	return false;
}

void annot_read(struct pod_template *pt, struct sandbox *sb)
{
	struct annot_ctx maps = { .pt = pt };
	struct service *svc;
	char *name;
	size_t i;
	bool small;

	find_maps(&maps);
	small = within_size_limit(pt, maps.pod_map, pt->field_prefix);
	if (pt->pod != pt->object)
		small &= within_size_limit(pt, maps.object_map, "");
	if (!small)
		return;
	if (annot_opted_out(pt)) {
		pt->opted_out = true;
		return;
	}
	check_unknown(pt, maps.pod_map, pt->field_prefix);
	if (pt->pod != pt->object)
		check_unknown(pt, maps.object_map, "");
	if (!chart_service_name(pt, &name))
		return;
	pt->service = sb->nr;
	svc = sandbox_add_service(sb);
	svc->name = name;
	svc->presented = name != NULL;
	svc->where = pt->where;
	svc->set = pt->set;
	svc->sidecar = sb->settings->sidecar;
	find_maps(&maps);
	for (i = 0; i < NR_ANNOTATIONS; i++) {
		const struct annotation *a = &annotation_table[i];
		struct annot_ctx c = maps;

		c.annotation = a;
		c.svc = svc;

		if (!lookup(&c, a->key))
			continue;
		if (a->parse) {
			a->parse(&c);
		} else if (!list_split(c.value, c.len, a->item, &c)) {
			refuse(&c, c.value, c.len, "has an empty item: write "
			       "a comma-separated list such as 'a, b'");
		}
	}
}
