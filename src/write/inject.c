/*
 * inject — the pod edits (see inject.h).
 */
#include "inject.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lists.h"
#include "templates.h"
#include "ynode.h"
#include "vocab.h"

static const char *const container_lists[] = { "initContainers",
					       "containers" };

/*
 * The record of an injection, in the pod template's annotations:
 * "sidecar=native" or "sidecar=container", then ", runtime-class=
 * CLUSTER_DEFAULT" when the chart's runtimeClassName: CLUSTER_DEFAULT was
 * removed. What else inject_pod() adds is either found again unchanged
 * (labels, $AGENT_ENV, resources, ...) or listed by the form: the sidecar,
 * the two volumes last in spec.volumes, and the resolv.conf mount last in
 * every container (init containers too, with a native sidecar).
 *
 * Anyone can write a record, so it must never leave the pod weaker than
 * a fresh injection of what remains. Removing the form's items is safe
 * (each is checked to be where the form puts it, and injected again);
 * the one thing a record puts back, runtimeClassName: CLUSTER_DEFAULT,
 * takes the pod off gVisor, so it is believed only where an injection
 * could have written it: the pod states no runtimeClassName (the
 * injection removed it; restoring over one would reverse the chart's
 * visible choice) and no agentenv.io/runtime-class naming another class
 * (inject_check() refuses that pair before an injection, so its output
 * never holds it). A record without the claim removes nothing of the
 * runtime class, so it cannot weaken it.
 */
struct record {
	bool native;
	bool cluster_default;
};

#define RECORD_NATIVE "sidecar=native"
#define RECORD_CONTAINER "sidecar=container"
#define RECORD_CLUSTER_DEFAULT \
	", runtime-class=" CLUSTER_DEFAULT_RUNTIME_CLASS

#define RUNTIME_CLASS_ANNOTATION ANNOTATION_PREFIX "runtime-class"

/* The workload's agentenv.io/runtime-class names a runtime class. */
static bool annotation_names_class(const struct pod_template *pt)
{
	struct fy_node *asked = pod_annotation(pt, RUNTIME_CLASS_ANNOTATION);

	return !ynode_is_null(asked) &&
	       !ynode_is(asked, CLUSTER_DEFAULT_RUNTIME_CLASS);
}

/* s starts with the literal prefix; advance past it. */
static bool skip_prefix(const char **s, size_t *len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (*len < n || memcmp(*s, prefix, n))
		return false;
	*s += n;
	*len -= n;
	return true;
}

static bool parse_record(const char *s, size_t len, struct record *r)
{
	if (skip_prefix(&s, &len, RECORD_NATIVE))
		r->native = true;
	else if (skip_prefix(&s, &len, RECORD_CONTAINER))
		r->native = false;
	else
		return false;
	r->cluster_default = skip_prefix(&s, &len, RECORD_CLUSTER_DEFAULT);
	return len == 0;
}

static void write_record(struct pod_template *pt, const struct record *r)
{
	struct fy_node *meta = ynode_want_mapping(pt->pod, "metadata");
	struct buf value = BUF_INIT;

	buf_addf(&value, "%s%s", r->native ? RECORD_NATIVE : RECORD_CONTAINER,
		 r->cluster_default ? RECORD_CLUSTER_DEFAULT : "");
	ynode_set(ynode_want_mapping(meta, "annotations"), INJECTED_ANNOTATION,
		  ynode_quoted(pt->doc->fyd, value.data));
	buf_release(&value);
}

/* The last volumeMount of container c is our resolv.conf mount. */
static bool ends_with_resolv_mount(struct fy_node *c)
{
	struct fy_node *mounts = ynode_get(c, "volumeMounts");
	struct fy_node *last = ynode_at(mounts, ynode_count(mounts) - 1);

	return ynode_is(ynode_get(last, "name"), RESOLV_VOLUME) &&
	       ynode_is(ynode_get(last, "mountPath"), "/etc/resolv.conf");
}

/* What in pt does not match record r, or NULL when everything does. */
static const char *record_mismatch(const struct pod_template *pt,
				   const struct record *r)
{
	struct fy_node *inits = ynode_get(pt->spec, "initContainers");
	struct fy_node *mains = ynode_get(pt->spec, "containers");
	struct fy_node *volumes = ynode_get(pt->spec, "volumes");
	int nv = ynode_count(volumes), i, n;
	struct fy_node *sidecar = r->native ? ynode_at(inits, 0) :
		ynode_at(mains, ynode_count(mains) - 1);

	if (r->cluster_default && ynode_has(pt->spec, "runtimeClassName"))
		return "it says a runtimeClassName: "
		       CLUSTER_DEFAULT_RUNTIME_CLASS " was removed, but the "
		       "pod states a runtimeClassName, which putting it back "
		       "would overwrite";
	if (r->cluster_default && annotation_names_class(pt))
		return "it says a runtimeClassName: "
		       CLUSTER_DEFAULT_RUNTIME_CLASS " was removed, but "
		       RUNTIME_CLASS_ANNOTATION " asks for a runtime class, "
		       "which putting it back would override";
	if (!ynode_is(ynode_get(sidecar, "name"), SIDECAR_NAME))
		return r->native ? "no coredns sidecar first in initContainers" :
			"no coredns sidecar last in containers";
	if (r->native != ynode_is(ynode_get(sidecar, "restartPolicy"),
				  "Always"))
		return "the coredns sidecar's restartPolicy is not its form's";
	if (!r->native && ynode_count(mains) < 2)
		return "no container besides the coredns sidecar";
	if (nv < 2 ||
	    !ynode_is(ynode_get(ynode_at(volumes, nv - 2), "name"),
		      COREDNS_VOLUME) ||
	    !ynode_is(ynode_get(ynode_at(volumes, nv - 1), "name"),
		      RESOLV_VOLUME))
		return "spec.volumes does not end with coredns-config and "
		       "resolv-conf";
	n = ynode_count(mains) - (r->native ? 0 : 1);
	for (i = 0; i < n; i++)
		if (!ends_with_resolv_mount(ynode_at(mains, i)))
			return "a container lacks the resolv.conf mount";
	n = r->native ? ynode_count(inits) : 0;
	for (i = 1; i < n; i++)
		if (!ends_with_resolv_mount(ynode_at(inits, i)))
			return "an init container lacks the resolv.conf mount";
	return NULL;
}

static void remove_last_mount(struct fy_node *c)
{
	struct fy_node *mounts = ynode_get(c, "volumeMounts");

	ynode_remove_at(mounts, ynode_count(mounts) - 1);
}

bool inject_strip(struct pod_template *pt)
{
	struct fy_node *annotations = ynode_path(pt->pod,
						 "/metadata/annotations");
	struct fy_node *node = ynode_get(annotations, INJECTED_ANNOTATION);
	struct fy_node *inits = ynode_get(pt->spec, "initContainers");
	struct fy_node *mains = ynode_get(pt->spec, "containers");
	struct fy_node *volumes = ynode_get(pt->spec, "volumes");
	struct record r = { false, false };
	const char *value, *mismatch;
	size_t len;
	int i, n;

	if (!node)
		return true;
	value = ynode_scalar(node, &len);
	if (!value || !parse_record(value, len, &r))
		mismatch = "it is not a record agentenv-post writes";
	else
		mismatch = record_mismatch(pt, &r);
	if (mismatch) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "the record of an earlier injection does not "
			 "match the pod (%s): post-render the chart's own "
			 "output, not an edited one, or remove the annotation",
			 mismatch);
		pod_error(pt, node, "metadata.annotations[\""
			  INJECTED_ANNOTATION "\"]", msg.data);
		buf_release(&msg);
		return false;
	}
	n = ynode_count(mains) - (r.native ? 0 : 1);
	for (i = 0; i < n; i++)
		remove_last_mount(ynode_at(mains, i));
	n = r.native ? ynode_count(inits) : 0;
	for (i = 1; i < n; i++)
		remove_last_mount(ynode_at(inits, i));
	if (r.native)
		ynode_remove_at(inits, 0);
	else
		ynode_remove_at(mains, ynode_count(mains) - 1);
	ynode_remove_at(volumes, ynode_count(volumes) - 1);
	ynode_remove_at(volumes, ynode_count(volumes) - 1);
	ynode_remove(annotations, INJECTED_ANNOTATION);
	ynode_remove(annotations, DNS_DIGEST_ANNOTATION);
	if (r.cluster_default)
		ynode_set(pt->spec, "runtimeClassName",
			  ynode_plain(pt->doc->fyd,
				      CLUSTER_DEFAULT_RUNTIME_CLASS));
	return true;
}

static bool check_container(const struct pod_template *pt,
			    const char *list, int index, struct fy_node *c)
{
	struct fy_node *mounts = ynode_get(c, "volumeMounts");
	struct buf field = BUF_INIT;
	bool ok = true;
	int i, n;

	buf_addf(&field, "spec.%s[%d]", list, index);
	if (ynode_is(ynode_get(c, "name"), SIDECAR_NAME)) {
		pod_error(pt, c, field.data, "a container named "
				   "coredns clashes with the sandbox's DNS "
				   "sidecar: rename it");
		ok = false;
	}
	if (!ynode_is_null(ynode_get(c, "env")) &&
	    !ynode_is_sequence(ynode_get(c, "env"))) {
		pod_error(pt, ynode_get(c, "env"), field.data,
				   "env must be a list");
		ok = false;
	}
	if (!ynode_is_null(ynode_get(c, "resources")) &&
	    !ynode_is_mapping(ynode_get(c, "resources"))) {
		pod_error(pt, ynode_get(c, "resources"), field.data,
				   "resources must be a mapping");
		ok = false;
	}
	if (!ynode_is_null(mounts) && !ynode_is_sequence(mounts)) {
		pod_error(pt, mounts, field.data,
				   "volumeMounts must be a list");
		ok = false;
	}
	n = ynode_count(mounts);
	for (i = 0; i < n; i++) {
		struct fy_node *m = ynode_at(mounts, i);

		if (ynode_is(ynode_get(m, "mountPath"), "/etc/resolv.conf")) {
			pod_error(pt, m, field.data, "mounts its "
					   "own /etc/resolv.conf: the "
					   "sandbox's DNS needs that file; "
					   "remove the mount");
			ok = false;
		}
	}
	buf_release(&field);
	return ok;
}

bool inject_check(const struct pod_template *pt)
{
	struct fy_node *volumes = ynode_get(pt->spec, "volumes");
	bool ok = true;
	int i, n;
	size_t l;

	/*
	 * The output would keep the annotation and lose the field, as a
	 * forged record looks (see struct record): say one runtime class.
	 */
	if (pt->runtime_class &&
	    !strcmp(pt->runtime_class, CLUSTER_DEFAULT_RUNTIME_CLASS) &&
	    annotation_names_class(pt)) {
		pod_error(pt, ynode_get(pt->spec, "runtimeClassName"),
			  "spec.runtimeClassName",
			  "'" CLUSTER_DEFAULT_RUNTIME_CLASS "' "
			  "contradicts " RUNTIME_CLASS_ANNOTATION ", which "
			  "names a runtime class: the field would win, and "
			  "the output would keep only the annotation; remove "
			  "one of them");
		ok = false;
	}
	n = ynode_count(volumes);
	for (i = 0; i < n; i++) {
		struct fy_node *name = ynode_get(ynode_at(volumes, i), "name");

		if (ynode_is(name, COREDNS_VOLUME) ||
		    ynode_is(name, RESOLV_VOLUME)) {
			pod_error(pt, name, "spec.volumes", "the "
					   "volume names coredns-config and "
					   "resolv-conf are the sandbox's: "
					   "rename the chart's volume");
			ok = false;
		}
	}
	for (l = 0; l < 2; l++) {
		struct fy_node *list = ynode_get(pt->spec, container_lists[l]);

		n = ynode_count(list);
		for (i = 0; i < n; i++)
			ok &= check_container(pt, container_lists[l], i,
					      ynode_at(list, i));
	}
	return ok;
}

/*
 * Returns true when it removed the chart's own runtimeClassName:
 * CLUSTER_DEFAULT (the record says so, to put it back).
 */
static bool set_runtime_class(struct pod_template *pt)
{
	const char *rc = pt->decided.runtime_class;

	if (!rc) {
		ynode_remove(pt->spec, "runtimeClassName");
		return pt->runtime_class != NULL;
	}
	if (!pt->runtime_class)	/* the chart's choice stands, as written */
		ynode_set(pt->spec, "runtimeClassName",
			  ynode_string(pt->doc->fyd, rc));
	return false;
}

/* Copy every key of values map from (a --values mapping) into map. */
static void set_all(struct fy_node *map, struct fy_node *from)
{
	struct fy_document *d = fy_node_document(map);
	struct fy_node_pair *p;
	void *iter = NULL;

	while (ynode_is_mapping(from) &&
	       (p = fy_node_mapping_iterate(from, &iter))) {
		char *key = ynode_strdup(fy_node_pair_key(p));

		ynode_set(map, key, ynode_copy(d, fy_node_pair_value(p)));
		free(key);
	}
}

/*
 * Set key last in map, wherever the input had it: the sandbox's own keys
 * come out in one order whether the input is the chart's, our output, or
 * an earlier version's (which had fewer of them).
 */
static void set_last(struct fy_node *map, const char *key,
		     struct fy_node *value)
{
	ynode_remove(map, key);
	ynode_set(map, key, value);
}

static void set_metadata(struct pod_template *pt, const struct sandbox *sb)
{
	struct fy_document *d = pt->doc->fyd;
	struct fy_node *meta = ynode_want_mapping(pt->pod, "metadata");
	struct fy_node *labels = ynode_want_mapping(meta, "labels");
	struct fy_node *annotations;
	size_t i;

	for (i = 0; i < pt->decided.edits_nr; i++) {
		const struct label_edit *e = &pt->decided.edits[i];
		struct fy_node *value = e->quoted ?
			ynode_quoted(d, e->value) : ynode_string(d, e->value);

		if (e->last)
			set_last(labels, e->key, value);
		else
			ynode_set(labels, e->key, value);
	}
	if (sb->settings->annotations)
		set_all(ynode_want_mapping(meta, "annotations"),
			sb->settings->annotations);
	/*
	 * Last but the record (inject_strip() removes both). Not on a Job:
	 * its pod template is immutable, so a changed digest would make
	 * helm upgrade fail, and a Job's pods are not rolled anyway.
	 */
	annotations = ynode_want_mapping(meta, "annotations");
	if (!pt->kind || strcmp(pt->kind, "Job"))
		set_last(annotations, DNS_DIGEST_ANNOTATION,
			 ynode_quoted(d, sb->dns_digest[pt->set]));
	else
		ynode_remove(annotations, DNS_DIGEST_ANNOTATION);
}

static void set_pod_spec(struct pod_template *pt, const struct sandbox *sb)
{
	struct fy_document *d = pt->doc->fyd;
	struct fy_node *secrets = sb->settings->image_pull_secrets;

	/* The chart's explicit settings stand. */
	if (ynode_is_null(ynode_get(pt->spec, "enableServiceLinks")))
		ynode_set(pt->spec, "enableServiceLinks",
			  ynode_plain(d, "false"));
	if (ynode_is_null(ynode_get(pt->spec, "automountServiceAccountToken")))
		ynode_set(pt->spec, "automountServiceAccountToken",
			  ynode_plain(d, "false"));
	if (ynode_count(secrets) &&
	    ynode_is_null(ynode_get(pt->spec, "imagePullSecrets")))
		ynode_set(pt->spec, "imagePullSecrets", ynode_copy(d, secrets));
}

static bool has_env(struct fy_node *env, const char *name)
{
	int i, n = ynode_count(env);

	for (i = 0; i < n; i++)
		if (ynode_is(ynode_get(ynode_at(env, i), "name"), name))
			return true;
	return false;
}

static bool sets_resources(struct fy_node *c)
{
	struct fy_node *r = ynode_get(c, "resources");

	return ynode_is_mapping(r) && fy_node_mapping_item_count(r) > 0;
}

struct container_edit {
	bool default_resources;
	bool resolv_conf;
};

static void edit_container(struct fy_node *c, const struct sandbox *sb,
			   struct container_edit edit)
{
	struct fy_document *d = fy_node_document(c);
	struct fy_node *env = ynode_want_sequence(c, "env");

	if (!has_env(env, "AGENT_ENV")) {
		struct fy_node *var = fy_node_create_mapping(d);

		ynode_set(var, "name", ynode_plain(d, "AGENT_ENV"));
		ynode_set(var, "value", ynode_quoted(d, sb->prefix));
		ynode_prepend(env, var);
	}
	if (edit.default_resources && !sets_resources(c))
		ynode_set(c, "resources",
			  ynode_from_yaml(d, template_default_resources));
	if (edit.resolv_conf)
		ynode_append(ynode_want_sequence(c, "volumeMounts"),
			     ynode_from_yaml(d, template_resolv_conf_mount));
}

static void edit_containers(struct pod_template *pt, const struct sandbox *sb,
			    const char *list, struct container_edit edit)
{
	struct fy_node *seq = ynode_get(pt->spec, list);
	int i, n = ynode_count(seq);

	for (i = 0; i < n; i++)
		edit_container(ynode_at(seq, i), sb, edit);
}

static struct fy_node *make_sidecar(struct fy_document *d,
				    const struct sandbox *sb, bool native)
{
	const struct settings *st = sb->settings;
	struct fy_node *c = ynode_from_yaml(d, template_coredns_sidecar);

	if (st->coredns_image)
		ynode_set(c, "image", ynode_copy(d, st->coredns_image));
	if (st->coredns_command)
		ynode_set(c, "command", ynode_copy(d, st->coredns_command));
	if (st->coredns_security_context)
		ynode_set(c, "securityContext",
			  ynode_copy(d, st->coredns_security_context));
	if (!sb->namespace)	/* the Corefile reads it: see dns.c */
		ynode_set(c, "env", ynode_from_yaml(d,
			"- name: AGENTENV_NAMESPACE\n"
			"  valueFrom:\n"
			"    fieldRef:\n"
			"      fieldPath: metadata.namespace\n"));
	if (native)
		ynode_set(c, "restartPolicy", ynode_plain(d, "Always"));
	return c;
}

static void add_volumes(struct pod_template *pt, const struct sandbox *sb)
{
	struct fy_document *d = pt->doc->fyd;
	struct fy_node *volumes = ynode_want_sequence(pt->spec, "volumes");
	enum pod_set set = pt->set;
	struct buf yaml = BUF_INIT;

	buf_addf(&yaml, "name: %s\nconfigMap:\n  name: ", COREDNS_VOLUME);
	buf_add_yaml_quoted(&yaml, sb->coredns_configmap[set],
			    strlen(sb->coredns_configmap[set]));
	ynode_append(volumes, ynode_from_yaml(d, yaml.data));
	buf_reset(&yaml);
	buf_addf(&yaml, "name: %s\nconfigMap:\n  name: ", RESOLV_VOLUME);
	buf_add_yaml_quoted(&yaml, sb->resolv_configmap[set],
			    strlen(sb->resolv_configmap[set]));
	ynode_append(volumes, ynode_from_yaml(d, yaml.data));
	buf_release(&yaml);
}

void inject_pod(struct pod_template *pt, const struct sandbox *sb)
{
	bool native = pt->decided.native_sidecar;
	struct fy_document *d = pt->doc->fyd;
	struct container_edit init = { false, native };
	struct container_edit main_edit = { true, true };
	struct record r = { native, false };

	if (!pt->decided.decided || !pt->decided.labels)
		BUG("pod template %s: injected before the plan decided it",
		    pt->name ? pt->name : "(unnamed)");
	r.cluster_default = set_runtime_class(pt);
	set_metadata(pt, sb);
	set_pod_spec(pt, sb);
	edit_containers(pt, sb, "initContainers", init);
	edit_containers(pt, sb, "containers", main_edit);
	if (native)
		ynode_prepend(ynode_want_sequence(pt->spec, "initContainers"),
			      make_sidecar(d, sb, true));
	else
		ynode_append(ynode_get(pt->spec, "containers"),
			     make_sidecar(d, sb, false));
	add_volumes(pt, sb);
	write_record(pt, &r);
}
