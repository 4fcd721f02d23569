/*
 * plan — build and check the sandbox model (see plan.h).
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "buf.h"
#include "confine.h"
#include "decide.h"
#include "inject.h"
#include "lists.h"
#include "names.h"
#include "ynode.h"
#include "vocab.h"


static bool sandboxed(const struct pod_template *pt)
{
	return !pt->opted_out && pt->service != NO_SERVICE;
}

/*
 * Services sorted by a name (their own, or their headless Service's), so
 * that the checks across a release's documents stay O(n log n): a chart
 * may have thousands of services.
 */
struct name_entry {
	const char *name;
	size_t service;
};

static int compare_entries(const void *a, const void *b)
{
	const struct name_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->service < y->service ? -1 : x->service > y->service;
}

static int compare_names_only(const void *a, const void *b)
{
	return strcmp(((const struct name_entry *)a)->name,
		      ((const struct name_entry *)b)->name);
}

/* The services' names (by_dns_name: generated headless Service names). */
static struct name_entry *sorted_names(const struct sandbox *sb,
				       bool by_dns_name, size_t *nr)
{
	struct name_entry *e = xcalloc(sb->nr + 1, sizeof(*e));
	size_t i;

	*nr = 0;
	for (i = 0; i < sb->nr; i++) {
		const struct service *svc = &sb->services[i];

		if (!svc->name) {
			continue;	/* refused: see name_unnamed_services */
		} else if (!by_dns_name) {
			e[(*nr)++] = (struct name_entry){ svc->name, i };
		} else if (svc->dns_name && !svc->chart_has_service) {
			e[(*nr)++] = (struct name_entry){ svc->dns_name, i };
		}
	}
	qsort(e, *nr, sizeof(*e), compare_entries);
	return e;
}

static void check_unique_services(const struct sandbox *sb)
{
	size_t nr, i, first = 0;
	struct name_entry *e = sorted_names(sb, false, &nr);

	for (i = 1; i < nr; i++) {
		const struct service *svc, *earlier;

		if (strcmp(e[i].name, e[first].name)) {
			first = i;
			continue;
		}
		svc = &sb->services[e[i].service];
		earlier = &sb->services[e[first].service];
		diag_error(&svc->where, "sandbox service '%s' is already the "
			   "service of document %zu (%s/%s): give each "
			   "workload its own name with the agentenv.io/service "
			   "annotation", svc->name, earlier->where.doc,
			   earlier->where.kind, earlier->where.name);
	}
	free(e);
}

/*
 * A service the chart did not name is named after its workload, without
 * the release's "<release>-" prefix: rel-web is web. A container's name
 * is no identity (charts reuse them, and name sidecars).
 */
static void name_unnamed_services(struct sandbox *sb)
{
	size_t i, prefix_len = strlen(sb->release) + 1;

	for (i = 0; i < sb->nr; i++) {
		struct service *svc = &sb->services[i];
		const char *name = svc->where.name, *why;
		size_t len;

		if (svc->name)
			continue;
		if (!name) {
			diag_error(&svc->where, "metadata.name: missing, so "
				   "it cannot name the sandbox service: set "
				   "the agentenv.io/service annotation");
			continue;
		}
		len = strlen(name);
		if (len > prefix_len && !strncmp(name, sb->release,
						 prefix_len - 1) &&
		    name[prefix_len - 1] == '-') {
			name += prefix_len;
			len -= prefix_len;
		}
		if (!valid_service_name(name, len, &why)) {
			diag_error(&svc->where, "metadata.name: '%.*s%s' %s; "
				   "or name the sandbox service with the "
				   "agentenv.io/service annotation",
				   diag_shown(len), name, diag_cut(len), why);
			continue;
		}
		svc->name = xmemdup0(name, len);
	}
}

/* Where pt's pod template is in its object, for messages: "spec.template." */
static void template_field(struct buf *field, const struct pod_template *pt)
{
	buf_adds(field, "");
	if (pt->foreign_path && *pt->foreign_path)
		buf_addf(field, "%s.", pt->foreign_path);
	else if (!pt->foreign_path)
		buf_adds(field, pt->field_prefix);
}

/*
 * k8s_sandbox hands the agent every pod of the release (by its instance
 * label) that carries inspect/service: one left outside the sandbox must
 * not carry both.
 */
static void check_unsandboxed_presented(const struct sandbox *sb,
					const struct pod_templates *pts)
{
	size_t i;

	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		const char *service = pod_template_label(pt, PRESENTED_LABEL);
		const char *instance = pod_template_label(pt, INSTANCE_LABEL);

		struct buf field = BUF_INIT;

		/* Without a release name, any release could be this one. */
		if (!pt->opted_out || !service || !instance ||
		    (sb->release && strcmp(instance, sb->release)))
			continue;
		template_field(&field, pt);
		diag_error(&pt->where, "%smetadata.labels[\"inspect/service\"]: "
			   "'%.*s%s' on pods of release '%s' that are not "
			   "sandboxed (agentenv.io/inject: \"false\"): "
			   "k8s_sandbox would hand them to the agent; remove "
			   "the label, or sandbox the workload",
			   field.data, diag_shown(strlen(service)), service,
			   diag_cut(strlen(service)), instance);
		buf_release(&field);
	}
}

/*
 * A pod left outside the sandbox must not look like a member of one: the
 * policies (this release's, or another's) admit pods by these labels, so
 * an opted-out pod wearing them would be reachable from the agent and
 * reach out on its behalf, with no gVisor and no policy of ours.
 */
static void check_unsandboxed_labels(const struct pod_template *pt)
{
	struct buf field = BUF_INIT;
	size_t j;

	template_field(&field, pt);
	for (j = 0; j < pt->labels_nr; j++) {
		const char *key = pt->labels[2 * j];

		if (strncmp(key, ANNOTATION_PREFIX, strlen(ANNOTATION_PREFIX)) &&
		    strncmp(key, NETWORK_LABEL_PREFIX,
			    strlen(NETWORK_LABEL_PREFIX)))
			continue;
		diag_error(&pt->where, "%smetadata.labels[\"%.*s%s\"]: a "
			   "sandbox label on pods left outside the sandbox "
			   "(agentenv.io/inject: \"false\"): the policies "
			   "admit pods by it, so the agent could reach them "
			   "and, through them, what they reach; remove the "
			   "label, or sandbox the workload", field.data,
			   diag_shown(strlen(key)), key, diag_cut(strlen(key)));
	}
	buf_release(&field);
}

/*
 * The labels the policies select on are the sandbox's to set: a chart's
 * own network label would admit its pods to a network their
 * agentenv.io/networks does not name, and an agentenv.io/ label we do not
 * set could match some future selector. (The sandbox, release, service
 * and inspect/service labels are set over whatever the chart wrote.)
 */
static void check_sandbox_labels(const struct sandbox *sb,
				 const struct pod_templates *pts)
{
	size_t i, j, plen = strlen(NETWORK_LABEL_PREFIX);

	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		const struct service *svc;

		if (pt->opted_out) {
			check_unsandboxed_labels(pt);
			continue;
		}
		if (!sandboxed(pt) || !sb->services[pt->service].name)
			continue;
		svc = &sb->services[pt->service];
		for (j = 0; j < pt->labels_nr; j++) {
			const char *key = pt->labels[2 * j];
			const char *why = NULL;

			if (!strncmp(key, NETWORK_LABEL_PREFIX, plen) &&
			    !strlist_has(&svc->networks, key + plen))
				why = "a network label the workload's "
				      "agentenv.io/networks does not name: it "
				      "would admit the pods to that network; "
				      "name the network in agentenv.io/networks, "
				      "or remove the label";
			else if (!strncmp(key, ANNOTATION_PREFIX,
					  strlen(ANNOTATION_PREFIX)) &&
				 strcmp(key, SANDBOX_LABEL) &&
				 strcmp(key, RELEASE_LABEL) &&
				 strcmp(key, SERVICE_LABEL))
				why = "not a label of the sandbox's (those are "
				      SANDBOX_LABEL ", " RELEASE_LABEL " and "
				      SERVICE_LABEL ", which it sets): remove it";
			if (why)
				diag_error(&pt->where, "%smetadata.labels["
					   "\"%.*s%s\"]: %s", pt->field_prefix,
					   diag_shown(strlen(key)), key,
					   diag_cut(strlen(key)), why);
		}
	}
}

/*
 * The instance label is the chart's (policies select RELEASE_LABEL), but
 * k8s_sandbox finds the pods it presents to the agent by it: a presented
 * pod must carry the release there (inject adds it where missing).
 */
static void check_presented_instance(const struct sandbox *sb,
				     const struct pod_templates *pts)
{
	size_t i;

	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		const struct service *svc;
		const char *instance;
		struct where w;

		if (!sandboxed(pt))
			continue;
		svc = &sb->services[pt->service];
		instance = pod_template_label(pt, INSTANCE_LABEL);
		if (!svc->presented || !instance ||
		    !strcmp(instance, sb->release))
			continue;
		w = pt->where;
		if (pt->instance && !strcmp(pt->instance, instance))
			w.line = pt->instance_line;
		diag_error(&w, "%smetadata.labels[\"" INSTANCE_LABEL "\"]: "
			   "'%.*s%s' on pods presented to the agent "
			   "(inspect/service '%s'), but the release is '%s': "
			   "k8s_sandbox finds the pods it presents by that "
			   "label and would not find these; set it to the "
			   "release name (or leave it out: agentenv-post "
			   "adds it), or pass --release '%.*s%s' if that is "
			   "the release", pt->field_prefix,
			   diag_shown(strlen(instance)), instance,
			   diag_cut(strlen(instance)), svc->name,
			   sb->release, diag_shown(strlen(instance)),
			   instance, diag_cut(strlen(instance)));
	}
}

/* Entities that lift the DNS filtering (dns_lifting_entities): say so. */
static void warn_dns_lifting(const struct egress *e, const struct where *w,
			     const char *whose)
{
	size_t i;

	for (i = 0; i < NR_DNS_LIFTING_ENTITIES; i++)
		if (strlist_has(&e->entities, dns_lifting_entities[i]))
			diag_warning(w, "%s allows the entity '%s', which lifts "
				     "the policies' DNS filtering: the pods "
				     "may look up any name (as under "
				     "agent-env)", whose,
				     dns_lifting_entities[i]);
}

/*
 * --release, else the instance label of the sandboxed pods, which must
 * then agree. With --release a chart's other instance label is its own
 * business (check_presented_instance() says where it is not).
 */
static char *find_release(const struct settings *st,
			  const struct pod_templates *pts)
{
	const struct pod_template *first = NULL;
	char *release = st->release ? xstrdup(st->release) : NULL;
	const char *why;
	size_t i;

	for (i = 0; !st->release && i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		char *label;

		if (!sandboxed(pt))
			continue;
		if (!pt->instance)
			continue;
		label = xstrdup(pt->instance);
		if (!release) {
			release = label;
			first = pt;
			continue;
		}
		if (strcmp(label, release)) {
			struct where w = pt->where;

			w.line = pt->instance_line;
			diag_error(&w, "label %s is '%s' but document %zu "
				   "(%s/%s) says '%s': a release is one "
				   "sandbox; pass --release to say which",
				   INSTANCE_LABEL, label, first->where.doc,
				   first->kind, first->name, release);
		}
		free(label);
	}
	if (!release) {
		diag_error(NULL, "cannot tell the release name: no workload "
			   "carries the %s label; pass --release NAME (with "
			   "Helm: --post-renderer-args=--release "
			   "--post-renderer-args=NAME)", INSTANCE_LABEL);
		return NULL;
	}
	if (!valid_service_name(release, strlen(release), &why) ||
	    strlen(release) > RELEASE_MAX_LEN) {
		diag_error(NULL, "release name '%s' is not a Helm release "
			   "name: use at most %d lowercase letters, digits "
			   "and '-'", release, RELEASE_MAX_LEN);
		free(release);
		return NULL;
	}
	return release;
}

/*
 * The release's namespace: the one given, else the one the sandboxed
 * workloads name. The generated objects go where the workloads do; one
 * that names none goes to the release's namespace, which nothing here
 * knows, so workloads that name one and workloads that name none are
 * refused together (some would be outside their policies' namespace).
 */
static char *find_namespace(const struct settings *st,
			    const struct pod_templates *pts)
{
	const struct pod_template *first = NULL, *unnamed = NULL;
	size_t i;

	if (st->namespace)
		return xstrdup(st->namespace);
	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		const char *why;

		if (!sandboxed(pt))
			continue;
		if (!pt->namespace) {
			unnamed = unnamed ? unnamed : pt;
			continue;
		}
		/* It goes into the Corefile and the policies: check it. */
		if (!valid_service_name(pt->namespace, strlen(pt->namespace),
					&why)) {
			diag_error(&pt->where, "metadata.namespace: '%s' is "
				   "not a namespace name: use a DNS-1123 "
				   "label, at most 63 lower-case letters, "
				   "digits and '-'", pt->namespace);
			return NULL;
		}
		if (!first) {
			first = pt;
		} else if (strcmp(first->namespace, pt->namespace)) {
			diag_error(&pt->where, "metadata.namespace is '%s' but "
				   "another workload is in '%s': a release "
				   "lives in one namespace; pass --namespace",
				   pt->namespace, first->namespace);
			return NULL;
		}
	}
	if (first && unnamed) {
		diag_error(&unnamed->where, "metadata.namespace: none, while "
			   "%s/%s is in '%s': this one goes to the release's "
			   "namespace, which agentenv-post is not told, and "
			   "would be outside the policies made for '%s'; pass "
			   "--namespace (with Helm 4: --post-renderer-args="
			   "--namespace --post-renderer-args=NS)", first->kind,
			   first->name ? first->name : "", first->namespace,
			   first->namespace);
		return NULL;
	}
	return first ? xstrdup(first->namespace) : NULL;
}

/* A label the pod will carry after injection has this value. */
static bool pod_will_carry(const struct pod_template *pt, const char *key,
			   const char *value)
{
	const char *final = decided_label(pt, key);

	return final && !strcmp(final, value);
}

/* The chart's headless Services, found once for every pod to look in. */
struct headless_services {
	const struct object **objects;
	size_t nr;
	size_t alloc;
};

static void find_headless_services(const struct stream *s,
				   struct headless_services *hs)
{
	size_t i, j;

	memset(hs, 0, sizeof(*hs));
	for (i = 0; i < s->nr; i++) {
		const struct doc *d = &s->docs[i];

		for (j = 0; j < d->nr_objects; j++) {
			const struct object *o = &d->objects[j];

			if (!o->headless || o->stale || !o->name)
				continue;
			hs->objects = xgrow(hs->objects, sizeof(*hs->objects),
					    hs->nr + 1, &hs->alloc);
			hs->objects[hs->nr++] = o;
		}
	}
}

/* The chart's own headless Service whose selector picks pt's pods. */
static const struct object *chart_headless_service(
	const struct headless_services *hs, const struct pod_template *pt)
{
	size_t i, j;

	for (i = 0; i < hs->nr; i++) {
		const struct object *o = hs->objects[i];
		bool all = true;

		for (j = 0; all && j < o->selector_nr; j++)
			all = pod_will_carry(pt, o->selector[2 * j],
					     o->selector[2 * j + 1]);
		if (all)
			return o;
	}
	return NULL;
}

static void name_services(struct sandbox *sb, const struct stream *s,
			  const struct pod_templates *pts)
{
	struct headless_services hs;
	size_t i;

	find_headless_services(s, &hs);

	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];
		struct service *svc;
		const struct object *own;
		struct buf compat = BUF_INIT;
		const char *why;

		if (!sandboxed(pt) || !sb->services[pt->service].name)
			continue;
		svc = &sb->services[pt->service];
		buf_addf(&compat, "%s-%s", sb->prefix, svc->name);
		if (compat.len <= NAME_MAX_LEN)
			svc->compat_name = buf_detach(&compat, NULL);
		buf_release(&compat);
		if (!service_wants_dns(svc))
			continue;
		own = chart_headless_service(&hs, pt);
		if (own && !valid_service_name(own->name, strlen(own->name),
					       &why)) {
			/* Its name would go into the Corefile unquoted. */
			diag_error(&own->where, "metadata.name: '%s' is not a "
				   "Service name: use a DNS-1123 label",
				   own->name);
		} else if (own) {
			svc->dns_name = xstrdup(own->name);
			svc->chart_has_service = true;
		} else {
			svc->dns_name = name_build(sb->prefix, svc->name,
						   NULL);
		}
	}
	free(hs.objects);
}

/*
 * The chart's Services with clusterIP None, whose pods' names the sidecar
 * completes (see sandbox.h). A name that is not a DNS-1123 label is no
 * Service the API server would create: left out, never written into the
 * Corefile; so is a Service of another namespace.
 */
static void find_pod_subdomains(struct sandbox *sb, const struct stream *s)
{
	size_t i, j;
	const char *why;

	for (i = 0; i < s->nr; i++) {
		const struct doc *d = &s->docs[i];

		for (j = 0; j < d->nr_objects; j++) {
			const struct object *o = &d->objects[j];

			if (!o->cluster_ip_none || o->stale || !o->name ||
			    !valid_service_name(o->name, strlen(o->name), &why))
				continue;
			if (o->namespace && (!sb->namespace ||
					     strcmp(o->namespace, sb->namespace)))
				continue;
			/* (Helm refuses two Services of one name.) */
			strlist_add(&sb->pod_subdomains, o->name,
				    strlen(o->name));
		}
	}
}

/*
 * A scoped port needs its domain allowed (here or, for a service,
 * release-wide); a port for every domain needs domains of the same
 * settings: a service's opens to the service's own domains.
 */
static void check_domain_ports(const struct egress *e,
			       const struct egress *also,
			       const struct where *w, const char *what)
{
	size_t i;

	for (i = 0; i < e->nr_ports; i++) {
		const struct domain_port *dp = &e->ports[i];

		if (!dp->domain && !e->domains.nr) {
			diag_error(w, "%s: port %u has no domain to open it "
				   "to: allow domains here too "
				   "(allow-domains), or scope the port to one "
				   "(PORT@DOMAIN)", what, dp->number);
			continue;
		}
		if (dp->domain && !strlist_has(&e->domains, dp->domain) &&
		    !(also && strlist_has(&also->domains, dp->domain)))
			diag_error(w, "%s: domain '%s' (port %u) must also be "
				   "an allowed domain", what, dp->domain,
				   dp->number);
	}
}

/*
 * Ports open to anyone: the service's own (agentenv.io/allow-ingress) and,
 * on a service presented to Inspect (the pods a human works in, as the
 * agent does), the release-wide ones. A network-isolated service denies
 * all ingress, and a deny beats every allow: asking for both is refused.
 * Returns whether some service was given the release-wide ports.
 */
static bool plan_allow_ingress(struct sandbox *sb, struct service *svc)
{
	const struct port_list *release = &sb->settings->allow_ingress;
	bool given = svc->presented && release->nr;
	size_t i;

	if (svc->isolated && svc->allow_ingress_own)
		diag_error(&svc->allow_ingress_where, "%smetadata.annotations"
			   "[\"" ANNOTATION_PREFIX "allow-ingress\"]: "
			   "service '%s' "
			   "is network-isolated (" ANNOTATION_PREFIX
			   "network-isolated: \"true\"), which denies all "
			   "ingress, and a deny beats every allow: isolation "
			   "and ingress contradict each other; remove one of "
			   "the two annotations",
			   svc->allow_ingress_field_prefix, svc->name);
	if (svc->isolated && given)
		diag_error(&svc->where, "--allow-ingress/allowIngressPorts "
			   "opens ports of the services presented to the agent "
			   "(inspect/service), and service '%s' is "
			   "network-isolated (" ANNOTATION_PREFIX
			   "network-isolated: \"true\"), which denies all "
			   "ingress: isolation and ingress contradict each "
			   "other; remove the isolation, or drop the "
			   "release-wide setting and open ports per workload "
			   "with " ANNOTATION_PREFIX "allow-ingress",
			   svc->name);
	if (!given)
		return false;
	for (i = 0; i < release->nr; i++)
		port_list_add(&svc->allow_ingress, release->items[i].number,
			      release->items[i].protocol);
	svc->allow_ingress_release = true;
	return true;
}

/* A chart object named like one the sandbox generates. */
static void check_name(const struct sandbox *sb, const struct object *o,
		       const struct name_entry *e, size_t nr)
{
	struct name_entry key;
	const struct name_entry *found;
	size_t j;

	for (j = 0; j < NR_POD_SETS; j++) {
		if (!strcmp(o->kind, "ConfigMap") &&
		    (!strcmp(o->name, sb->coredns_configmap[j]) ||
		     !strcmp(o->name, sb->resolv_configmap[j])))
			diag_error(&o->where, "the name clashes with a "
				   "ConfigMap the sandbox needs: rename the "
				   "chart's ConfigMap");
	}
	if (strcmp(o->kind, "Service"))
		return;
	key.name = o->name;
	key.service = 0;
	found = bsearch(&key, e, nr, sizeof(*e), compare_names_only);
	if (found)
		diag_error(&o->where, "the name clashes with the headless "
			   "Service of sandbox service '%s': rename the "
			   "chart's Service", sb->services[found->service].name);
}

/*
 * Kinds whose objects have no namespace (metadata.namespace is ignored),
 * and namespaced kinds that only grant API permissions (a leader-election
 * Role in kube-system, as cert-manager renders): neither can hold pods,
 * name a ConfigMap a pod mounts or widen the network.
 */
static bool namespace_irrelevant(const struct object *o)
{
	static const char *const kinds[] = {
		"Namespace", "ClusterRole", "ClusterRoleBinding",
		"CustomResourceDefinition", "PersistentVolume", "StorageClass",
		"PriorityClass", "IngressClass", "APIService",
		"ValidatingWebhookConfiguration",
		"MutatingWebhookConfiguration", "RuntimeClass",
		"CiliumClusterwideNetworkPolicy", "Role", "RoleBinding",
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(o->kind, kinds[i]))
			return true;
	return false;
}

/*
 * The policies and ConfigMaps are generated in the release's namespace
 * only, and a CiliumNetworkPolicy selects pods of its own namespace: an
 * object the chart puts elsewhere is outside the sandbox (a workload
 * there would run with no policy; a ConfigMap named like ours there
 * would feed it).
 */
static void check_namespace(const struct sandbox *sb, const struct object *o)
{
	if (!sb->namespace || !o->namespace || namespace_irrelevant(o) ||
	    !strcmp(o->namespace, sb->namespace))
		return;
	diag_error(&o->where, "metadata.namespace: '%.*s%s' is not the "
		   "release's namespace '%s': the sandbox's policies and "
		   "ConfigMaps live in the release's namespace only, so an "
		   "object elsewhere is outside the sandbox; remove the "
		   "namespace (Helm puts the object in the release's) or "
		   "install it with a release of its own",
		   diag_shown(strlen(o->namespace)), o->namespace,
		   diag_cut(strlen(o->namespace)), sb->namespace);
}

/* Every object of the stream, as the cluster will hold it. */
static void check_objects(struct sandbox *sb, const struct stream *s)
{
	size_t nr, i, j;
	struct name_entry *e = sorted_names(sb, true, &nr);

	for (i = 0; i < s->nr; i++) {
		const struct doc *d = &s->docs[i];

		for (j = 0; j < d->nr_objects; j++) {
			const struct object *o = &d->objects[j];

			if (!o->name || o->stale || !o->kind)
				continue;
			check_name(sb, o, e, nr);
			check_namespace(sb, o);
		}
	}
	free(e);
}

static void name_sets(struct sandbox *sb)
{
	int set;

	for (set = 0; set < NR_POD_SETS; set++) {
		const char *infix = pod_set_infix((enum pod_set)set);
		struct buf prefix = BUF_INIT;

		if (infix)
			buf_addf(&prefix, "agentenv.%s-%s", infix,
				 sb->release);
		else
			buf_adds(&prefix, sb->prefix);
		sb->set_prefix[set] = buf_detach(&prefix, NULL);
		sb->coredns_configmap[set] = name_build(sb->set_prefix[set],
			"coredns-configmap", NULL);
		sb->resolv_configmap[set] = name_build(sb->set_prefix[set],
			"resolv-conf", NULL);
	}
}

/* A pod template in an object of a kind outside the table. */
static void read_foreign(struct pod_template *pt)
{
	struct where w = pt->where;

	pt->opted_out = annot_opted_out(pt);
	if (pt->opted_out)
		return;
	w.line = doc_line(pt->doc, pt->pod);
	diag_error(&w, "%s: a pod template or container in a kind "
		   "agentenv-post does not sandbox: its controller would make "
		   "pods of it that run outside the sandbox; use one of %s, or "
		   "opt the object out with the annotation "
		   "agentenv.io/inject: \"false\"",
		   *pt->foreign_path ? pt->foreign_path : "(the object)",
		   workload_kind_list());
}

/*
 * Helm skips an object whose hook names an event it does not know; any
 * other tool creates it, and its pods with it: they are refused, whether
 * they would be sandboxed or not.
 */
static bool check_hook_known(const struct pod_template *pt)
{
	const char *event = pt->doc->hook_unknown;

	if (!event)
		return true;
	diag_error(&pt->where, "metadata.annotations[\"" HELM_HOOK_ANNOTATION
		   "\"]: '%.*s%s' is no hook event Helm knows: Helm would skip "
		   "the object, any other tool would create its pods; use "
		   "pre-install, post-install, pre-delete, post-delete, "
		   "pre-upgrade, post-upgrade, pre-rollback, post-rollback or "
		   "test", diag_shown(strlen(event)), event,
		   diag_cut(strlen(event)));
	return false;
}

void plan_read_pod(struct sandbox *sb, struct pod_template *pt)
{
	if (!check_hook_known(pt))
		return;
	if (pt->foreign_path) {
		read_foreign(pt);
		return;
	}
	annot_read(pt, sb);
	if (!sandboxed(pt))
		return;
	if (!inject_strip(pt))
		return;
	/* What --explain reports of the chart's pod, as the chart wrote it. */
	pt->has_init_containers =
		ynode_count(ynode_get(pt->spec, "initContainers")) > 0;
	if (!ynode_is_null(ynode_get(pt->spec, "runtimeClassName")))
		pt->runtime_class = ynode_strdup(ynode_get(pt->spec,
							   "runtimeClassName"));
	inject_check(pt);
	decide_pod(pt, &sb->services[pt->service]);
	confine_check(pt, &sb->services[pt->service]);
}

size_t plan_finish(struct sandbox *sb, const struct stream *s,
		   const struct pod_templates *pts)
{
	size_t i, count = 0;
	struct buf prefix = BUF_INIT;
	bool release_ingress_used = false;

	for (i = 0; i < pts->nr; i++)
		if (sandboxed(&pts->items[i]))
			count++;
	if (!count) {
		/* Nothing to sandbox, but what is left out is checked. */
		sb->release = sb->settings->release ?
			      xstrdup(sb->settings->release) : NULL;
		check_unsandboxed_presented(sb, pts);
		check_sandbox_labels(sb, pts);
		return 0;
	}
	sb->release = find_release(sb->settings, pts);
	sb->namespace = find_namespace(sb->settings, pts);
	if (!sb->release)
		return count;
	name_unnamed_services(sb);
	/* Now that every name is known: the labels each pod will carry. */
	for (i = 0; i < pts->nr; i++)
		if (sandboxed(&pts->items[i]))
			decide_labels(&pts->items[i], sb);
	check_unique_services(sb);
	check_unsandboxed_presented(sb, pts);
	check_sandbox_labels(sb, pts);
	check_presented_instance(sb, pts);
	buf_addf(&prefix, "agentenv-%s", sb->release);
	sb->prefix = buf_detach(&prefix, NULL);
	name_sets(sb);
	name_services(sb, s, pts);
	find_pod_subdomains(sb, s);
	check_domain_ports(&sb->settings->egress, NULL, NULL,
			   "allowDomainsPorts");
	warn_dns_lifting(&sb->settings->egress, NULL, "the release");
	for (i = 0; i < sb->nr; i++) {
		struct service *svc = &sb->services[i];

		if (plan_allow_ingress(sb, svc))
			release_ingress_used = true;
		check_domain_ports(&svc->egress, &sb->settings->egress,
				   &svc->where, "metadata.annotations[\""
				   ANNOTATION_PREFIX "allow-domains-ports\"]");
		warn_dns_lifting(&svc->egress, &svc->where,
				 "metadata.annotations[\"" ANNOTATION_PREFIX
				 "allow-entities\"]");
		if (svc->networks.nr)
			sb->uses_networks = true;
		sb->has_set[svc->set] = true;
	}
	if (sb->settings->allow_ingress.nr && !release_ingress_used)
		diag_warning(NULL, "--allow-ingress/allowIngressPorts opens "
			     "ports of the services presented to the agent "
			     "(inspect/service), and no sandboxed service is "
			     "presented: "
			     "it opens nothing; open ports per workload with "
			     ANNOTATION_PREFIX "allow-ingress");
	check_objects(sb, s);
	return count;
}
