/*
 * sandbox — the data model: what one release's sandbox is made of.
 *
 * The pod side (workload, annot, inject) fills it from the chart's
 * workloads and the options; the generated side (dns, policy) reads it to
 * build ConfigMaps, headless Services and CiliumNetworkPolicies. Nothing
 * here touches YAML except the settings copied from --values, kept as
 * libfyaml nodes in their own document so they can be copied into any
 * output document.
 *
 * Invariants once sandbox_finish() succeeded:
 *  - every string has passed its validator (validate.h);
 *  - service names are unique, services are in input order;
 *  - release, prefix and every object name are set and within Kubernetes'
 *    limits; namespace may be NULL (unknown: see options.namespace).
 */
#ifndef AGENTENV_SANDBOX_H
#define AGENTENV_SANDBOX_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "sha256.h"
#include "validate.h"

struct strlist {
	char **items;
	size_t nr;
	size_t alloc;
};

void strlist_add(struct strlist *l, const char *s, size_t len);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_release(struct strlist *l);

/*
 * Which set of generated objects a pod uses. Hook pods may run before the
 * release's objects exist, so they get objects of their own, created as
 * hooks too; `helm test` hooks apart from the others, since Helm skips
 * test hooks wholesale (helm template --skip-tests) and must not take the
 * objects of install hooks with them.
 */
enum pod_set {
	SET_RELEASE,		/* regular pods */
	SET_HOOK,		/* Helm hooks other than tests */
	SET_TEST,		/* helm.sh/hook events that include "test" */
	NR_POD_SETS,
};

/* The set of a pod with these helm.sh/hook events (NULL: not a hook). */
enum pod_set pod_set_of(const char *hook_events);
/*
 * The infix of the set's file names in Helm's view ("hook-", "test-hook-";
 * NULL for the release set), and of its object names, which start
 * "agentenv.hook-RELEASE-": a release name has no '.' (a DNS-1123 label),
 * so no release's own names ("agentenv-RELEASE-...") can be another
 * release's hook names, which Helm deletes by name.
 */
const char *pod_set_infix(enum pod_set set);

/* What a run writes: the stream, or an explanation of the sandbox. */
enum output_form {
	OUTPUT_STREAM,		/* the sandboxed manifests */
	OUTPUT_EXPLAIN_TEXT,	/* --explain [--format text] */
	OUTPUT_EXPLAIN_DOT,	/* --explain --format dot */
	OUTPUT_EXPLAIN_JSON,	/* --explain --format json */
};

/*
 * The sidecar's securityContext, as --sidecar-security chooses it (over
 * --values corednsSecurityContext); UNSET: --values', else the template's.
 */
enum sidecar_security {
	SIDECAR_SECURITY_UNSET,
	/* uid 65532, NET_BIND_SERVICE through coredns' file capability */
	SIDECAR_SECURITY_NONROOT,
	/* uid 0, every capability dropped but NET_BIND_SERVICE */
	SIDECAR_SECURITY_ROOT_NET_BIND,
};

enum sidecar_form {
	SIDECAR_AUTO,		/* native where a regular one breaks the pod */
	SIDECAR_NATIVE,		/* init container with restartPolicy Always */
	SIDECAR_CONTAINER,	/* a regular container, as agent-env */
};

struct service_port {
	unsigned number;
	enum protocol protocol;
};

/* Ports without repeats, in the order first added. */
struct port_list {
	struct service_port *items;
	size_t nr;
	size_t alloc;
};

void port_list_add(struct port_list *l, unsigned number,
		   enum protocol protocol);
bool port_list_has(const struct port_list *l, unsigned number,
		   enum protocol protocol);
void port_list_release(struct port_list *l);

struct domain_port {
	unsigned number;
	enum protocol protocol;
	char *domain;		/* NULL: every allowed domain */
};

/* What a set of pods may reach outside the sandbox. */
struct egress {
	struct strlist domains;
	struct domain_port *ports;
	size_t nr_ports;
	size_t alloc_ports;
	struct strlist cidrs;
	struct strlist entities;
};

bool egress_is_empty(const struct egress *e);
/* allowEntities holds world or all: DNS lookups of any name are allowed. */
bool egress_allows_world(const struct egress *e);
void egress_release(struct egress *e);

/*
 * The entities that lift the policies' DNS filtering: an L3 allow of
 * cluster, host or all reaches kube-dns itself, port 53 included (any
 * query passes Cilium's DNS proxy); world and all make the DNS rule allow
 * every name. agent-env has the same property.
 */
#define NR_DNS_LIFTING_ENTITIES 4
extern const char *const dns_lifting_entities[NR_DNS_LIFTING_ENTITIES];
bool entity_lifts_dns_filtering(const char *entity);

/* One sandbox service: the pods of one workload. */
struct service {
	char *name;			/* the agentenv.io/service label */
	/*
	 * The chart named it (agentenv.io/service or the inspect/service
	 * label): its pods carry inspect/service, which makes k8s_sandbox
	 * present them to the agent. Otherwise the name is the workload's.
	 */
	bool presented;
	struct where where;		/* the workload, for messages */
	bool dns_record;
	struct strlist dns_records;	/* additional DNS records */
	struct service_port *ports;
	size_t nr_ports;
	size_t alloc_ports;
	struct strlist networks;
	bool isolated;
	/*
	 * Ports open to anyone (Cilium's entity all: the internet, the
	 * cluster, its nodes): agentenv.io/allow-ingress, and for a
	 * presented service the release-wide --allow-ingress and
	 * allowIngressPorts (merged by plan.c). A human baseliner's way in.
	 */
	struct port_list allow_ingress;
	bool allow_ingress_own;		/* from agentenv.io/allow-ingress */
	/* Where the annotation is (its line), and its field's prefix. */
	struct where allow_ingress_where;
	const char *allow_ingress_field_prefix;
	bool allow_ingress_release;	/* from the release-wide settings */
	bool host_access;		/* privileged/hostPath under gVisor */
	struct egress egress;		/* this service's pods only */
	enum pod_set set;		/* the generated objects it uses */
	char *runtime_class;		/* annotation value, or NULL */
	enum sidecar_form sidecar;	/* from the annotation or options */
	char *dns_name;			/* headless Service to resolve to */
	char *compat_name;		/* "$AGENT_ENV-<name>", or NULL */
	bool chart_has_service;		/* dns_name is the chart's own */
};

/* A service needs a DNS name (and so a headless Service). */
bool service_wants_dns(const struct service *svc);
void service_release(struct service *svc);

/* Settings from the command line and --values (release-wide). */
struct settings {
	char *release;			/* --release, or NULL */
	char *namespace;		/* --namespace / HELM_NAMESPACE */
	enum sidecar_form sidecar;
	enum sidecar_security sidecar_security;	/* --sidecar-security */
	bool check_only;
	bool drop_chart_policies;	/* --drop-chart-policies */
	enum output_form output;	/* --explain, --format */
	struct egress egress;		/* allowDomains, ..., --allow-* */
	/* --allow-ingress, allowIngressPorts: for the presented services. */
	struct port_list allow_ingress;
	/* --values nodes, in values_doc; NULL when not given. */
	struct fy_document *values_doc;
	struct fy_node *labels;
	char **label_pairs;		/* labels copied out: key, value, ... */
	size_t label_pairs_nr;
	struct fy_node *annotations;
	struct fy_node *coredns_image;
	struct fy_node *coredns_command;
	struct fy_node *coredns_security_context;
	struct fy_node *image_pull_secrets;
	/*
	 * --annotation K=V, --label K=V ("K=V" items, validated) and
	 * --coredns-image: applied over --values by values_add_options().
	 */
	struct strlist option_annotations;
	struct strlist option_labels;
	char *option_coredns_image;
};

void settings_release(struct settings *st);

/*
 * A chart Service of type NodePort or LoadBalancer that selects sandboxed
 * pods (exposure.h): reachable from outside the cluster, for --explain.
 */
struct exposed {
	char *name;			/* the Service's metadata.name */
	char *type;			/* its spec.type */
	struct strlist ports;		/* "80/TCP", "80/TCP (node port 30080)" */
	/*
	 * Every port's target port is open to anyone on every service it
	 * selects (allow-ingress): the intended way in, not warned about.
	 */
	bool only_open_ports;
	size_t *services;		/* the sandbox services it selects */
	size_t nr_services;
	size_t alloc_services;
};

/* e selects the pods of sandbox service k. */
bool exposed_selects(const struct exposed *e, size_t k);

struct sandbox {
	const struct settings *settings;
	char *release;
	char *namespace;		/* NULL: unknown */
	char *prefix;			/* "agentenv-RELEASE": $AGENT_ENV */
	/* Of each set's generated names: prefix, "agentenv.hook-RELEASE"... */
	char *set_prefix[NR_POD_SETS];
	/* The ConfigMaps the pods of each set mount. */
	char *coredns_configmap[NR_POD_SETS];
	char *resolv_configmap[NR_POD_SETS];
	/* Of their data, for the pods' DNS_DIGEST_ANNOTATION (dns.h). */
	char dns_digest[NR_POD_SETS][SHA256_HEX_SIZE];
	struct service *services;
	size_t nr;
	size_t alloc;
	bool uses_networks;		/* some service names a network */
	bool has_set[NR_POD_SETS];	/* some pods use the set */
	/* "Kind/name" of each chart policy kept with agentenv.io/keep-policy. */
	struct strlist kept_policies;
	/* The chart's Services that expose sandboxed pods, in input order. */
	struct exposed *exposed;
	size_t nr_exposed;
	size_t alloc_exposed;
	/*
	 * The chart's Services with clusterIP None in the release's
	 * namespace, by name, in stream order: the
	 * cluster's DNS serves the names of the pods behind them
	 * (POD.NAME.NS.svc.cluster.local), which the sidecar completes
	 * from POD.NAME, POD.NAME.NS and POD.NAME.NS.svc. DNS-1123 labels.
	 */
	struct strlist pod_subdomains;
};

void sandbox_init(struct sandbox *sb, const struct settings *st);
void sandbox_release(struct sandbox *sb);
struct service *sandbox_add_service(struct sandbox *sb);
struct service *sandbox_find(const struct sandbox *sb, const char *name);

#endif
