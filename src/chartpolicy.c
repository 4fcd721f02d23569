/*
 * chartpolicy — the chart's own network policies (see chartpolicy.h).
 */
#include "chartpolicy.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decide.h"
#include "lists.h"
#include "ynode.h"

enum label_op { OP_IN, OP_NOT_IN, OP_EXISTS, OP_DOES_NOT_EXIST };

/* One requirement of a label selector; NULL key: the pod's namespace. */
struct requirement {
	char *key;
	enum label_op op;
	struct strlist values;
};

struct selector {
	struct requirement *reqs;
	size_t nr;
	size_t alloc;
	bool opaque;		/* cannot be evaluated: counts as selecting */
};

static struct requirement *add_requirement(struct selector *sel,
					   const char *key, size_t len,
					   enum label_op op, bool cilium)
{
	struct requirement *r;
	const char *colon = memchr(key, ':', len);

	if (colon && cilium) {
		size_t source = (size_t)(colon - key);

		/* k8s: and any: name Kubernetes labels; others are not. */
		if (!((source == 3 && !memcmp(key, "k8s", 3)) ||
		      (source == 3 && !memcmp(key, "any", 3)))) {
			sel->opaque = true;
			return NULL;
		}
		len -= source + 1;
		key = colon + 1;
	} else if (colon) {
		sel->opaque = true;
		return NULL;
	}
	/* Cilium's own labels (io.cilium.k8s.policy.*, ...) say what the
	 * pod's labels do not: no telling. */
	if (cilium && len >= 10 && !memcmp(key, "io.cilium.", 10)) {
		sel->opaque = true;
		return NULL;
	}
	sel->reqs = xgrow(sel->reqs, sizeof(*sel->reqs), sel->nr + 1,
			  &sel->alloc);
	r = &sel->reqs[sel->nr++];
	memset(r, 0, sizeof(*r));
	r->key = (cilium && len == strlen(POD_NAMESPACE_LABEL) &&
		  !memcmp(key, POD_NAMESPACE_LABEL, len)) ? NULL :
		xmemdup0(key, len);
	r->op = op;
	return r;
}

static bool parse_op(struct fy_node *n, enum label_op *op)
{
	static const char *const names[] = { "In", "NotIn", "Exists",
		"DoesNotExist" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ynode_is(n, names[i])) {
			*op = (enum label_op)i;
			return true;
		}
	return false;
}

static void read_match_labels(struct selector *sel, struct fy_node *map,
			      bool cilium)
{
	struct fy_node_pair *p;
	void *iter = NULL;

	if (!ynode_is_mapping(map)) {
		sel->opaque = true;
		return;
	}
	while ((p = fy_node_mapping_iterate(map, &iter))) {
		size_t klen, vlen;
		const char *k = ynode_scalar(fy_node_pair_key(p), &klen);
		const char *v = ynode_scalar(fy_node_pair_value(p), &vlen);
		struct requirement *r;

		if (!k || !v) {
			sel->opaque = true;
			return;
		}
		r = add_requirement(sel, k, klen, OP_IN, cilium);
		if (r)
			strlist_add(&r->values, v, vlen);
	}
}

static void read_match_expressions(struct selector *sel, struct fy_node *seq,
				   bool cilium)
{
	int i, n = ynode_count(seq);

	if (!ynode_is_sequence(seq)) {
		sel->opaque = true;
		return;
	}
	for (i = 0; i < n; i++) {
		struct fy_node *e = ynode_at(seq, i);
		struct fy_node *values = ynode_get(e, "values");
		size_t klen;
		const char *k = ynode_scalar(ynode_get(e, "key"), &klen);
		struct requirement *r;
		enum label_op op;
		int j, nv = ynode_count(values);

		if (!k || !parse_op(ynode_get(e, "operator"), &op) ||
		    (!ynode_is_null(values) && !ynode_is_sequence(values))) {
			sel->opaque = true;
			return;
		}
		r = add_requirement(sel, k, klen, op, cilium);
		for (j = 0; r && j < nv; j++) {
			size_t vlen;
			const char *v = ynode_scalar(ynode_at(values, j), &vlen);

			if (!v) {
				sel->opaque = true;
				return;
			}
			strlist_add(&r->values, v, vlen);
		}
	}
}

/* A LabelSelector; an absent or empty one selects every pod. */
static void read_selector(struct chart_policy *cp, struct fy_node *n,
			  bool cilium)
{
	struct selector *sel;
	struct fy_node_pair *p;
	void *iter = NULL;

	cp->selectors = xgrow(cp->selectors, sizeof(*cp->selectors),
			      cp->nr_selectors + 1, &cp->alloc_selectors);
	sel = &cp->selectors[cp->nr_selectors++];
	memset(sel, 0, sizeof(*sel));
	if (ynode_is_null(n))
		return;
	if (!ynode_is_mapping(n)) {
		sel->opaque = true;
		return;
	}
	while ((p = fy_node_mapping_iterate(n, &iter))) {
		struct fy_node *key = fy_node_pair_key(p);

		if (ynode_is(key, "matchLabels"))
			read_match_labels(sel, fy_node_pair_value(p), cilium);
		else if (ynode_is(key, "matchExpressions"))
			read_match_expressions(sel, fy_node_pair_value(p),
					       cilium);
		else
			sel->opaque = true;
	}
}

/* A CiliumNetworkPolicy rule: pods by endpointSelector; nodes otherwise. */
static void read_cilium_rule(struct chart_policy *cp, struct fy_node *rule)
{
	struct fy_node *endpoints = ynode_get(rule, "endpointSelector");

	if (endpoints || !ynode_get(rule, "nodeSelector"))
		read_selector(cp, endpoints, true);
}

static const char *policy_kind(struct fy_node *object)
{
	static const char *const kinds[] = { "NetworkPolicy",
		"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy" };
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (ynode_is(ynode_get(object, "kind"), kinds[i]))
			return kinds[i];
	return NULL;
}

static void read_policy(struct doc *d, const struct object *o,
			struct fy_node *object, struct chart_policies *cps)
{
	const char *kind = policy_kind(object);
	struct fy_node *keep = ynode_path(object, "/metadata/annotations/'"
					  KEEP_POLICY_ANNOTATION "'");
	struct fy_node *spec = ynode_get(object, "spec");
	struct fy_node *specs = ynode_get(object, "specs");
	struct chart_policy *cp;
	int i, n;

	if (!kind || ynode_is(ynode_path(object, "/metadata/labels/'"
					 GENERATED_LABEL "'"), "true"))
		return;		/* not a policy, or one of ours */
	cps->items = xgrow(cps->items, sizeof(*cps->items), cps->nr + 1,
			   &cps->alloc);
	cp = &cps->items[cps->nr++];
	memset(cp, 0, sizeof(*cp));
	cp->doc = d;
	cp->kind = xstrdup(kind);
	cp->name = ynode_strdup(ynode_path(object, "/metadata/name"));
	cp->namespace = ynode_strdup(ynode_path(object, "/metadata/namespace"));
	cp->where = o->where;
	cp->where.kind = cp->kind;
	cp->where.name = cp->name;
	cp->where.line = doc_line(d, object);
	cp->cluster_wide = !strcmp(kind, "CiliumClusterwideNetworkPolicy");
	cp->in_list = d->list;
	if (keep && !ynode_is(keep, "false")) {
		cp->keep = ynode_is(keep, "true");
		if (!cp->keep) {
			struct where w = cp->where;

			w.line = doc_line(d, keep);
			diag_error(&w, "metadata.annotations[\""
				   KEEP_POLICY_ANNOTATION "\"]: must be "
				   "\"true\" or \"false\"");
		}
	}
	if (!strcmp(kind, "NetworkPolicy")) {
		read_selector(cp, ynode_get(spec, "podSelector"), false);
		return;
	}
	if (spec)
		read_cilium_rule(cp, spec);
	n = ynode_count(specs);
	for (i = 0; i < n; i++)
		read_cilium_rule(cp, ynode_at(specs, i));
	if (!spec && !ynode_is_sequence(specs)) {
		read_selector(cp, NULL, true);
		cp->selectors[cp->nr_selectors - 1].opaque = true;
	}
}

void chart_policies_read(struct doc *d, struct chart_policies *cps)
{
	size_t i;

	if (!d->fyd || d->stale)
		return;
	for (i = 0; i < d->nr_objects; i++)
		read_policy(d, &d->objects[i], doc_object_node(d, i), cps);
}

/* The value pod label key will have; *known is false when no telling. */
static const char *final_label(const struct pod_template *pt,
			       const struct sandbox *sb, const char *key,
			       bool *known)
{
	*known = true;
	if (key && pt->opted_out)
		return pod_template_label(pt, key);	/* left as written */
	if (key)
		return decided_label(pt, key);
	*known = sb->namespace != NULL;
	return sb->namespace;
}

static bool requirement_holds(const struct requirement *r,
			      const struct pod_template *pt,
			      const struct sandbox *sb, bool *known)
{
	const char *value = final_label(pt, sb, r->key, known);

	switch (r->op) {
	case OP_IN:
		return value && strlist_has(&r->values, value);
	case OP_NOT_IN:
		return !value || !strlist_has(&r->values, value);
	case OP_EXISTS:
		return value != NULL;
	case OP_DOES_NOT_EXIST:
		break;
	}
	return value == NULL;
}

bool selector_selects(const struct selector *sel,
		      const struct pod_template *pt, const struct sandbox *sb)
{
	size_t i;

	if (sel->opaque)
		return true;
	for (i = 0; i < sel->nr; i++) {
		bool known;

		if (!requirement_holds(&sel->reqs[i], pt, sb, &known) &&
		    known)
			return false;
	}
	return true;
}

/*
 * The sandbox's egress may reach pods left outside it: an allowed entity
 * or CIDR can cover them (no label of ours admits them: plan.c refuses
 * those on opted-out pods). A policy that widens such a pod widens what
 * the agent can reach through it.
 */
static bool reaches_unsandboxed(const struct sandbox *sb)
{
	const struct egress *e = &sb->settings->egress;
	size_t i;

	if (e->entities.nr || e->cidrs.nr)
		return true;
	for (i = 0; i < sb->nr; i++) {
		e = &sb->services[i].egress;
		if (e->entities.nr || e->cidrs.nr)
			return true;
	}
	return false;
}

/*
 * The first pod template cp selects that it could widen the sandbox
 * through: a sandboxed one, or one left out that the sandbox reaches.
 */
static const struct pod_template *first_selected(const struct chart_policy *cp,
						 const struct sandbox *sb,
						 const struct pod_templates *pts)
{
	bool left_out_count = reaches_unsandboxed(sb);
	size_t i, j;

	/* A namespaced policy reaches only its own namespace's pods. */
	if (!cp->cluster_wide && cp->namespace && sb->namespace &&
	    strcmp(cp->namespace, sb->namespace))
		return NULL;
	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];

		if (pt->opted_out ? !left_out_count :
		    pt->service == NO_SERVICE ||
		    !sb->services[pt->service].name)
			continue;
		for (j = 0; j < cp->nr_selectors; j++)
			if (selector_selects(&cp->selectors[j], pt, sb))
				return pt;
	}
	return NULL;
}

void chart_policies_check(const struct chart_policies *cps,
			  struct sandbox *sb, const struct pod_templates *pts,
			  bool drop)
{
	size_t i;

	for (i = 0; i < cps->nr; i++) {
		const struct chart_policy *cp = &cps->items[i];
		const struct pod_template *pt = first_selected(cp, sb, pts);
		struct buf what = BUF_INIT;

		if (!pt)
			continue;
		buf_addf(&what, "%s/%s", cp->kind, cp->name ? cp->name : "");
		if (cp->keep) {
			strlist_add(&sb->kept_policies, what.data, what.len);
		} else if (drop && !cp->in_list) {
			cp->doc->dropped = true;
			diag_warning(&cp->where, "dropped (--drop-chart-"
				     "policies): it selects the %s pods "
				     "of %s/%s", pt->opted_out ?
				     "opted-out (reachable)" : "sandboxed",
				     pt->kind,
				     pt->name ? pt->name : "");
		} else {
			diag_error(&cp->where, "would widen the sandbox of "
				   "%s/%s: turn it off in the chart (often "
				   "networkPolicy.enabled=false), %s, or vouch "
				   "for it with the annotation "
				   KEEP_POLICY_ANNOTATION ": \"true\" (it "
				   "selects those %s pods, and Cilium OR-s "
				   "allow rules: a policy can only add to what "
				   "they may reach)", pt->kind,
				   pt->name ? pt->name : "", cp->in_list ?
				   "take it out of its List (one in a List "
				   "cannot be dropped)" :
				   "pass --drop-chart-policies",
				   pt->opted_out ? "opted-out pods, which the "
				   "sandbox reaches (an allowed entity or CIDR "
				   "covers them)," : "sandboxed");
		}
		buf_release(&what);
	}
}

static void selector_release(struct selector *sel)
{
	size_t i;

	for (i = 0; i < sel->nr; i++) {
		free(sel->reqs[i].key);
		strlist_release(&sel->reqs[i].values);
	}
	free(sel->reqs);
}

struct selector *selector_from_labels(struct fy_node *map)
{
	struct selector *sel = xcalloc(1, sizeof(*sel));

	read_match_labels(sel, map, false);
	return sel;
}

void selector_free(struct selector *sel)
{
	if (!sel)
		return;
	selector_release(sel);
	free(sel);
}

void chart_policies_release(struct chart_policies *cps)
{
	size_t i, j;

	for (i = 0; i < cps->nr; i++) {
		struct chart_policy *cp = &cps->items[i];

		for (j = 0; j < cp->nr_selectors; j++)
			selector_release(&cp->selectors[j]);
		free(cp->selectors);
		free(cp->kind);
		free(cp->name);
		free(cp->namespace);
	}
	free(cps->items);
	memset(cps, 0, sizeof(*cps));
}
