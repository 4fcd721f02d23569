/*
 * inject — the pod edits (see inject.h).
 */
#include "inject.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "templates.h"
#include "ynode.h"

static const char *const container_lists[] = { "initContainers",
					       "containers" };

static bool is_our_sidecar(struct fy_node *c)
{
	struct fy_node *mounts = ynode_get(c, "volumeMounts");
	int i, n = ynode_count(mounts);

	if (!ynode_is(ynode_get(c, "name"), SIDECAR_NAME))
		return false;
	for (i = 0; i < n; i++)
		if (ynode_is(ynode_get(ynode_at(mounts, i), "name"),
			     COREDNS_VOLUME))
			return true;
	return false;
}

bool inject_found(const struct pod_template *pt)
{
	size_t l;

	for (l = 0; l < 2; l++) {
		struct fy_node *list = ynode_get(pt->spec, container_lists[l]);
		int i, n = ynode_count(list);

		for (i = 0; i < n; i++)
			if (is_our_sidecar(ynode_at(list, i)))
				return true;
	}
	return false;
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

	if (ynode_is(ynode_get(pt->spec, "hostNetwork"), "true")) {
		pod_error(pt, ynode_get(pt->spec, "hostNetwork"),
				   "spec.hostNetwork", "a pod on the host's "
				   "network cannot be sandboxed (network "
				   "policies and the DNS sidecar do not apply "
				   "to it): remove hostNetwork, or opt the "
				   "workload out with agentenv.io/inject: "
				   "\"false\"");
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

static bool use_native_sidecar(const struct pod_template *pt,
			       const struct service *svc)
{
	switch (svc->sidecar) {
	case SIDECAR_NATIVE:
		return true;
	case SIDECAR_CONTAINER:
		return false;
	case SIDECAR_AUTO:
		break;
	}
	return pt->must_terminate ||
	       ynode_count(ynode_get(pt->spec, "initContainers")) > 0;
}

static void set_runtime_class(struct pod_template *pt,
			      const struct service *svc)
{
	struct fy_node *current = ynode_get(pt->spec, "runtimeClassName");
	struct fy_document *d = pt->doc->fyd;
	const char *wanted = svc->runtime_class ? svc->runtime_class :
		"gvisor";

	if (!ynode_is_null(current)) {	/* the chart's choice stands */
		if (ynode_is(current, "CLUSTER_DEFAULT"))
			ynode_remove(pt->spec, "runtimeClassName");
		return;
	}
	if (!strcmp(wanted, "CLUSTER_DEFAULT"))
		ynode_remove(pt->spec, "runtimeClassName");
	else
		ynode_set(pt->spec, "runtimeClassName", ynode_plain(d, wanted));
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

static void set_metadata(struct pod_template *pt, const struct sandbox *sb,
			 const struct service *svc)
{
	struct fy_document *d = pt->doc->fyd;
	struct fy_node *meta = ynode_want_mapping(pt->pod, "metadata");
	struct fy_node *labels = ynode_want_mapping(meta, "labels");
	size_t i;

	set_all(labels, sb->settings->labels);
	if (!ynode_get(labels, "app.kubernetes.io/instance"))
		ynode_set(labels, "app.kubernetes.io/instance",
			  ynode_quoted(d, sb->release));
	ynode_set(labels, "inspect/service", ynode_plain(d, svc->name));
	ynode_set(labels, SANDBOX_LABEL, ynode_quoted(d, "true"));
	for (i = 0; i < svc->networks.nr; i++) {
		struct buf key = BUF_INIT;

		buf_addf(&key, "%s%s", NETWORK_LABEL_PREFIX,
			 svc->networks.items[i]);
		ynode_set(labels, key.data, ynode_quoted(d, "true"));
		buf_release(&key);
	}
	if (sb->settings->annotations)
		set_all(ynode_want_mapping(meta, "annotations"),
			sb->settings->annotations);
}

static void set_pod_spec(struct pod_template *pt, const struct sandbox *sb)
{
	struct fy_document *d = pt->doc->fyd;
	struct fy_node *secrets = sb->settings->image_pull_secrets;

	ynode_set(pt->spec, "enableServiceLinks", ynode_plain(d, "false"));
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
	const struct service *svc = &sb->services[pt->service];
	bool native = use_native_sidecar(pt, svc);
	struct fy_document *d = pt->doc->fyd;
	struct container_edit init = { false, native };
	struct container_edit main_edit = { true, true };

	set_runtime_class(pt, svc);
	set_metadata(pt, sb, svc);
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
}
