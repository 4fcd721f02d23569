/*
 * workload — the kind -> pod template table (see workload.h).
 */
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ynode.h"
#include "vocab.h"

struct workload_kind {
	const char *kind;
	const char *api_group;		/* "" for the core group */
	const char *template_path;	/* NULL: the object is the pod */
	const char *field_prefix;
	bool always_terminates;
};

/*
 * Kinds whose pods agentenv-post sandboxes. A kind's older API groups
 * (extensions/v1beta1 Deployments, ...) have the same shape, so they are
 * rows too: an old apiVersion must not be a way around the sandbox. Any
 * other object that holds a pod template is refused unless opted out
 * (find_foreign_templates()).
 */
static const struct workload_kind workload_kinds[] = {
	{ "Pod", "", NULL, "", false },
	{ "Deployment", "apps", "/spec/template", "spec.template.", false },
	{ "StatefulSet", "apps", "/spec/template", "spec.template.", false },
	{ "DaemonSet", "apps", "/spec/template", "spec.template.", false },
	{ "ReplicaSet", "apps", "/spec/template", "spec.template.", false },
	{ "ReplicationController", "", "/spec/template", "spec.template.",
	  false },
	{ "Job", "batch", "/spec/template", "spec.template.", true },
	{ "CronJob", "batch", "/spec/jobTemplate/spec/template",
	  "spec.jobTemplate.spec.template.", true },
	{ "Deployment", "extensions", "/spec/template", "spec.template.",
	  false },
	{ "DaemonSet", "extensions", "/spec/template", "spec.template.",
	  false },
	{ "ReplicaSet", "extensions", "/spec/template", "spec.template.",
	  false },
	/* Argo Rollouts: a Deployment with a rollout strategy. */
	{ "Rollout", "argoproj.io", "/spec/template", "spec.template.",
	  false },
};

#define NR_KINDS (sizeof(workload_kinds) / sizeof(workload_kinds[0]))

const char *workload_kind_list(void)
{
	static char list[512];
	size_t i, used = 0;

	if (list[0])
		return list;
	for (i = 0; i < NR_KINDS; i++) {
		const struct workload_kind *k = &workload_kinds[i];
		/* Groups outside Kubernetes' own have a dot: name those. */
		bool named = strchr(k->api_group, '.') != NULL;
		size_t j;
		int n;

		for (j = 0; j < i && strcmp(workload_kinds[j].kind, k->kind);
		     j++)
			;
		if (j < i)
			continue;	/* an older group of a kind listed */
		n = snprintf(list + used, sizeof(list) - used, "%s%s%s%s%s",
			     i ? ", " : "", k->kind, named ? " (" : "",
			     named ? k->api_group : "", named ? ")" : "");
		if (n < 0 || (size_t)n >= sizeof(list) - used)
			BUG("the kind list does not fit");
		used += (size_t)n;
	}
	return list;
}

/* "apps/v1" is in group "apps"; "v1" is in the core group "". */
static bool in_group(const char *api_version, const char *group)
{
	const char *slash = strchr(api_version, '/');
	size_t len = strlen(group);

	if (!*group)
		return !slash;
	return slash && (size_t)(slash - api_version) == len &&
	       !memcmp(api_version, group, len);
}

static const struct workload_kind *find_kind(struct fy_node *object)
{
	struct fy_node *kind = ynode_get(object, "kind");
	char *api = ynode_strdup(ynode_get(object, "apiVersion"));
	const struct workload_kind *found = NULL;
	size_t i;

	for (i = 0; api && i < NR_KINDS; i++) {
		if (ynode_is(kind, workload_kinds[i].kind) &&
		    in_group(api, workload_kinds[i].api_group)) {
			found = &workload_kinds[i];
			break;
		}
	}
	free(api);
	return found;
}

void pod_error(const struct pod_template *pt, struct fy_node *at,
	       const char *field, const char *problem)
{
	struct where w = pt->where;

	if (at)
		w.line = doc_line(pt->doc, at);
	diag_error(&w, "%s%s: %s", pt->field_prefix, field, problem);
}

static bool check_containers(const struct pod_template *pt, const char *key,
			     bool required)
{
	struct fy_node *list = ynode_get(pt->spec, key);
	int i, n;

	if (ynode_is_null(list)) {
		if (required)
			pod_error(pt, pt->spec, "spec.containers",
				    "missing: a pod needs at least one "
				    "container");
		return !required;
	}
	if (!ynode_is_sequence(list) || (required && !ynode_count(list))) {
		struct buf field = BUF_INIT;

		buf_addf(&field, "spec.%s", key);
		pod_error(pt, list, field.data, "must be a non-empty list "
			    "of containers, each a mapping with a name");
		buf_release(&field);
		return false;
	}
	n = ynode_count(list);
	for (i = 0; i < n; i++) {
		struct fy_node *c = ynode_at(list, i);
		size_t len;

		if (!ynode_is_mapping(c) ||
		    !ynode_is_string(ynode_get(c, "name")) ||
		    !ynode_scalar(ynode_get(c, "name"), &len) || !len) {
			struct buf field = BUF_INIT;

			buf_addf(&field, "spec.%s[%d]", key, i);
			pod_error(pt, c, field.data, "must be a mapping "
				    "with a name (a container; quote a name "
				    "that reads as a number)");
			buf_release(&field);
			return false;
		}
	}
	return true;
}

static bool check_optional(const struct pod_template *pt,
			   struct fy_node *map, const char *key,
			   const char *field, bool want_mapping)
{
	struct fy_node *v = ynode_get(map, key);

	if (ynode_is_null(v))
		return true;
	if (want_mapping ? ynode_is_mapping(v) : ynode_is_sequence(v))
		return true;
	pod_error(pt, v, field, want_mapping ? "must be a mapping" :
		    "must be a list");
	return false;
}

/* The annotation and label maps must be maps of strings. */
static bool check_string_map(const struct pod_template *pt,
			     struct fy_node *map, const char *field)
{
	struct fy_node_pair *p;
	void *iter = NULL;

	bool ok = true;

	while (ynode_is_mapping(map) &&
	       (p = fy_node_mapping_iterate(map, &iter))) {
		struct fy_node *key = fy_node_pair_key(p);
		struct fy_node *value = fy_node_pair_value(p);
		struct buf at = BUF_INIT;
		size_t len = 0;
		const char *k = ynode_scalar(key, &len);

		if (ynode_is_string(key) && ynode_is_string(value))
			continue;
		buf_addf(&at, "%s[\"%.*s%s\"]", field, diag_shown(len),
			 k ? k : "", diag_cut(len));
		pod_error(pt, key, at.data, "must be a string: Kubernetes "
			    "wants strings here; quote a value that reads as "
			    "a number, boolean or null, such as \"80\" or "
			    "\"true\"");
		buf_release(&at);
		ok = false;
	}
	return ok;
}

static bool check_shape(struct pod_template *pt)
{
	struct fy_node *meta = ynode_get(pt->pod, "metadata");
	bool ok = true;

	if (!ynode_is_mapping(pt->pod)) {
		pod_error(pt, pt->pod, pt->field_prefix[0] ? "" : "(root)",
			    "the pod template must be a mapping with "
			    "metadata and spec");
		return false;
	}
	pt->spec = ynode_get(pt->pod, "spec");
	if (!ynode_is_mapping(pt->spec)) {
		pod_error(pt, pt->spec ? pt->spec : pt->pod, "spec",
			    "missing or not a mapping: the pod spec is "
			    "where containers go");
		return false;
	}
	ok &= check_optional(pt, pt->pod, "metadata", "metadata", true);
	ok &= check_optional(pt, meta, "labels", "metadata.labels", true);
	ok &= check_optional(pt, meta, "annotations", "metadata.annotations",
			     true);
	ok &= check_string_map(pt, ynode_get(meta, "labels"),
			       "metadata.labels");
	ok &= check_string_map(pt, ynode_get(meta, "annotations"),
			       "metadata.annotations");
	if (pt->object != pt->pod) {
		struct where w = pt->where;
		const char *prefix = pt->field_prefix;

		pt->field_prefix = "";	/* the workload's own metadata */
		ok &= check_string_map(pt, ynode_path(pt->object,
						      "/metadata/annotations"),
				       "metadata.annotations");
		pt->field_prefix = prefix;
		pt->where = w;
	}
	ok &= check_optional(pt, pt->spec, "volumes", "spec.volumes", false);
	ok &= check_containers(pt, "containers", true);
	ok &= check_containers(pt, "initContainers", false);
	return ok;
}

/* Pods that must run to completion cannot keep a regular sidecar. */
static bool must_terminate(const struct workload_kind *k,
			   struct fy_node *spec, bool hook)
{
	struct fy_node *policy = ynode_get(spec, "restartPolicy");

	if (k->always_terminates || hook)
		return true;
	return !k->template_path && (ynode_is(policy, "Never") ||
				      ynode_is(policy, "OnFailure"));
}

/* Copy out what later phases read of the pod's labels. */
static void record_labels(struct pod_template *pt)
{
	struct fy_node *instance = pod_label(pt, INSTANCE_LABEL);

	pt->labels = ynode_string_pairs(ynode_path(pt->pod, "/metadata/labels"),
					&pt->labels_nr);
	if (!instance)
		instance = ynode_get(ynode_path(pt->object,
						"/metadata/labels"),
				     INSTANCE_LABEL);
	pt->instance = ynode_strdup(instance);
	pt->instance_line = doc_line(pt->doc, instance);
}

const char *pod_template_label(const struct pod_template *pt,
			       const char *key)
{
	return ynode_pairs_get(pt->labels, pt->labels_nr, key);
}

/* A new pod template of object in d, its where filled in. */
static struct pod_template *add_template(struct doc *d,
					 const struct object *o,
					 struct fy_node *object,
					 struct pod_templates *pts)
{
	struct pod_template *pt;

	pts->items = xgrow(pts->items, sizeof(*pts->items), pts->nr + 1,
			   &pts->alloc);
	pt = &pts->items[pts->nr];
	memset(pt, 0, sizeof(*pt));
	pt->doc = d;
	pt->service = NO_SERVICE;
	pt->object = object;
	pt->kind = o->kind;	/* (a string: find_in_object() checked) */
	pt->name = o->name;
	if (!pt->name)
		pt->name = pt->name_copy =
			ynode_strdup(ynode_path(object, "/metadata/name"));
	pt->where = o->where;
	pt->namespace = o->namespace;
	pt->where.kind = pt->kind;
	pt->where.name = pt->name;
	pt->where.line = doc_line(d, object);
	return pt;
}

static void drop_last_template(struct pod_templates *pts)
{
	struct pod_template *pt = &pts->items[pts->nr];

	free(pt->name_copy);
	free(pt->foreign_path);
}

/*
 * The way from an object to one of its nodes, one step a level: a key
 * (key != NULL) or a list index. Formatted only for the templates found
 * ("spec.pools[0].podSpec"): most objects hold none.
 */
struct step {
	const char *key;
	size_t len;
	int index;
};

/* Deeper than libfyaml nests (64 levels), so never reached. */
#define MAX_STEPS 128

static char *steps_text(const struct step *steps, size_t nr)
{
	struct buf path = BUF_INIT;
	size_t i;

	buf_adds(&path, "");
	for (i = 0; i < nr; i++) {
		if (steps[i].key)
			buf_addf(&path, "%s%.*s", i ? "." : "",
				 (int)steps[i].len, steps[i].key);
		else
			buf_addf(&path, "[%d]", steps[i].index);
	}
	return buf_detach(&path, NULL);
}

/*
 * Controllers make pods from container specs in many shapes: a pod spec
 * (a mapping with a list of containers) under a template, and a single
 * container (Argo's template.container, .script), a list of steps
 * (Tekton), sidecars, a containerSet... A container is a mapping with an
 * image; a pod spec one with containers. Found anywhere in an object of a
 * kind outside the table, each is added as a foreign template: refused
 * unless opted out, but its labels recorded like any other's. A pod
 * spec's template is the mapping that holds it under "spec" (or the spec
 * itself, when it is not under one).
 */
static bool is_pod_spec(struct fy_node *n)
{
	return ynode_is_sequence(ynode_get(n, "containers")) ||
	       ynode_is_sequence(ynode_get(n, "initContainers"));
}

static bool is_container(struct fy_node *n)
{
	return ynode_is_string(ynode_get(n, "image"));
}

struct foreign_scan {
	struct doc *d;
	const struct object *o;
	struct fy_node *object;
	struct step steps[MAX_STEPS];
	struct pod_templates *pts;
};

static void add_foreign(struct foreign_scan *fs, struct fy_node *pod,
			struct fy_node *spec, size_t path_len)
{
	struct pod_template *pt = add_template(fs->d, fs->o, fs->object,
					       fs->pts);

	pt->pod = pod;
	pt->spec = spec;
	pt->foreign_path = steps_text(fs->steps, path_len);
	pt->field_prefix = "";
	pt->set = pod_set_of(fs->d->hook_events);
	record_labels(pt);
	fs->pts->nr++;
}

static void find_foreign_templates(struct foreign_scan *fs, struct fy_node *n,
				   struct fy_node *parent, size_t depth)
{
	void *iter = NULL;

	if (depth >= MAX_STEPS)
		return;
	if (ynode_is_sequence(n)) {
		struct fy_node *item;
		int i = 0;

		while ((item = fy_node_sequence_iterate(n, &iter))) {
			fs->steps[depth] = (struct step){ NULL, 0, i++ };
			find_foreign_templates(fs, item, NULL, depth + 1);
		}
	} else if (ynode_is_mapping(n)) {
		struct fy_node_pair *p;

		if (is_pod_spec(n)) {
			/* The path to the template: without "spec". */
			add_foreign(fs, parent ? parent : n, n,
				    parent ? depth - 1 : depth);
			return;
		}
		if (is_container(n)) {
			/* Its annotations are the object's. */
			add_foreign(fs, fs->object, n, depth);
			return;
		}
		while ((p = fy_node_mapping_iterate(n, &iter))) {
			struct fy_node *key = fy_node_pair_key(p);
			size_t len;
			const char *k = ynode_scalar(key, &len);

			if (!k)
				continue;
			fs->steps[depth] = (struct step){ k, len, 0 };
			find_foreign_templates(fs, fy_node_pair_value(p),
					       len == 4 && !memcmp(k, "spec", 4) ?
					       n : NULL, depth + 1);
		}
	}
}

/*
 * Kinds outside the table whose content no controller makes pods from:
 * their data is opaque text (a ConfigMap's "image" key is a string of
 * the chart's, not a container).
 */
static bool holds_no_pods(const struct object *o)
{
	return in_group(o->api_version, "") &&
	       (!strcmp(o->kind, "ConfigMap") || !strcmp(o->kind, "Secret"));
}

/*
 * again: d was read before and its templates found valid; only their
 * nodes in the reloaded tree are wanted, not the checks and copies again.
 */
static void find_in_object(struct doc *d, const struct object *o,
			   struct fy_node *object, struct pod_templates *pts,
			   bool again)
{
	const struct workload_kind *k;
	struct pod_template *pt;

	if (!o->kind || !o->api_version || o->stale)
		return;
	k = find_kind(object);
	if (!k) {
		struct foreign_scan fs = { d, o, object, { { 0 } }, pts };

		if (!holds_no_pods(o))
			find_foreign_templates(&fs, object, NULL, 0);
		return;
	}
	pt = add_template(d, o, object, pts);
	pt->field_prefix = k->field_prefix;
	pt->pod = k->template_path ? ynode_path(object, k->template_path) :
		object;
	if (again) {
		pt->spec = ynode_get(pt->pod, "spec");
		pts->nr++;
		return;
	}
	/* (A list's objects carry no hooks: see stream.c.) */
	pt->hook = d->hook;
	pt->set = pod_set_of(d->hook_events);
	if (!check_shape(pt)) {
		drop_last_template(pts);
		return;
	}
	pt->must_terminate = must_terminate(k, pt->spec, pt->hook);
	record_labels(pt);
	pts->nr++;
}

static void find_in_document(struct doc *d, struct pod_templates *pts,
			     bool again)
{
	size_t i;

	if (!d->fyd || d->stale)
		return;
	for (i = 0; i < d->nr_objects; i++)
		find_in_object(d, &d->objects[i], doc_object_node(d, i), pts,
			       again);
}

void workload_find(struct doc *d, struct pod_templates *pts)
{
	find_in_document(d, pts, false);
}

void workload_find_again(struct doc *d, struct pod_templates *pts)
{
	find_in_document(d, pts, true);
}

void workload_find_all(struct stream *s, struct pod_templates *pts)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		workload_find(&s->docs[i], pts);
}

void pod_templates_release(struct pod_templates *pts)
{
	size_t i;

	for (i = 0; i < pts->nr; i++) {
		struct pod_template *pt = &pts->items[i];

		if (pt->labels)
			ynode_free_pairs(pt->labels, pt->labels_nr);
		free(pt->instance);
		free(pt->name_copy);
		free(pt->foreign_path);
		free(pt->runtime_class);
		decide_release(&pt->decided);
	}
	free(pts->items);
	memset(pts, 0, sizeof(*pts));
}

struct fy_node *pod_annotation(const struct pod_template *pt,
			       const char *key)
{
	struct fy_node *v = ynode_get(ynode_path(pt->pod,
						 "/metadata/annotations"),
				      key);

	if (v)
		return v;
	return ynode_get(ynode_path(pt->object, "/metadata/annotations"),
			 key);
}

struct fy_node *pod_label(const struct pod_template *pt, const char *key)
{
	return ynode_get(ynode_path(pt->pod, "/metadata/labels"), key);
}
