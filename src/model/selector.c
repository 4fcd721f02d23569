/*
 * selector — label selectors, read, built and matched (see selector.h).
 */
#include "selector.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decide.h"
#include "vocab.h"
#include "workload.h"
#include "ynode.h"

static struct requirement *new_requirement(struct selector *sel, char *key,
					   enum label_op op)
{
	struct requirement *r;

	sel->reqs = xgrow(sel->reqs, sizeof(*sel->reqs), sel->nr + 1,
			  &sel->alloc);
	r = &sel->reqs[sel->nr++];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->op = op;
	return r;
}

static bool is_namespace_label(const char *key, size_t len)
{
	return len == strlen(POD_NAMESPACE_LABEL) &&
	       !memcmp(key, POD_NAMESPACE_LABEL, len);
}

static struct requirement *add_requirement(struct selector *sel,
					   const char *key, size_t len,
					   enum label_op op, bool cilium)
{
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
	return new_requirement(sel, (cilium && is_namespace_label(key, len)) ?
			       NULL : xmemdup0(key, len), op);
}

void selector_add_label(struct selector *sel, const char *key,
			const char *value, bool quoted)
{
	struct requirement *r = new_requirement(sel,
		is_namespace_label(key, strlen(key)) ? NULL : xstrdup(key),
		OP_IN);

	strlist_add(&r->values, value, strlen(value));
	r->quoted = quoted;
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

void selector_read(struct selector *sel, struct fy_node *n, bool cilium)
{
	struct fy_node_pair *p;
	void *iter = NULL;

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

struct selector *selector_from_labels(struct fy_node *map)
{
	struct selector *sel = xcalloc(1, sizeof(*sel));

	read_match_labels(sel, map, false);
	return sel;
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

void selector_release(struct selector *sel)
{
	size_t i;

	for (i = 0; i < sel->nr; i++) {
		free(sel->reqs[i].key);
		strlist_release(&sel->reqs[i].values);
	}
	free(sel->reqs);
	memset(sel, 0, sizeof(*sel));
}

void selector_free(struct selector *sel)
{
	if (!sel)
		return;
	selector_release(sel);
	free(sel);
}
