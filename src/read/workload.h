/*
 * workload — find the pod template of every workload in the stream.
 *
 * One table maps each workload kind (and its API group) to the path of its
 * pod template, looked up in every object the cluster creates (a document,
 * or each item of a list: see struct object in stream.h). Objects of
 * other kinds are searched for pod specs and containers in any shape a
 * controller reads (foreign templates: refused unless opted out); ConfigMaps
 * and Secrets hold only text. The shape of what is found is
 * checked here (a pod template is a mapping, containers a non-empty list
 * of named containers, ...) so that later phases can rely on it.
 */
#ifndef AGENTENV_WORKLOAD_H
#define AGENTENV_WORKLOAD_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

#include "decide.h"
#include "diag.h"
#include "sandbox.h"
#include "stream.h"

/*
 * The node pointers are valid only while the document is loaded (see
 * stream.h); what later phases need is copied out: labels, instance.
 */
struct pod_template {
	struct doc *doc;		/* the document that holds it */
	struct fy_node *object;		/* the workload (root or list item) */
	struct fy_node *pod;		/* metadata + spec of the pods */
	struct fy_node *spec;		/* pod->spec, a mapping */
	char **labels;			/* the pod's labels: key, value, ... */
	size_t labels_nr;		/* pairs in labels */
	char *instance;			/* the instance label, or NULL */
	size_t instance_line;
	const char *kind;		/* the workload's kind (its object's) */
	/*
	 * The workload's metadata.name: its object's string, or name_copy
	 * when it is a scalar of another type (refused, but named so).
	 */
	const char *name;
	char *name_copy;
	/* Its object's metadata.namespace (the stream's string), or NULL. */
	const char *namespace;
	const char *field_prefix;	/* "spec.template." for messages */
	struct where where;
	bool must_terminate;		/* Job, CronJob, run-once Pod, hook */
	/* As the chart wrote them (set by plan_read_pod, after inject_strip). */
	bool has_init_containers;	/* spec.initContainers is not empty */
	char *runtime_class;		/* the chart's runtimeClassName, or NULL */
	bool hook;			/* the workload is a Helm hook */
	/*
	 * The sandbox's choices for the pod, made once by the plan
	 * (decide.h), applied by inject.c, read by everyone else.
	 */
	struct pod_decisions decided;
	enum pod_set set;		/* of generated objects it uses */
	size_t service;			/* index into services, or NO_SERVICE */
	bool opted_out;			/* agentenv.io/inject: "false" */
	/*
	 * A pod template in an object of a kind outside the table, and its
	 * path there ("spec.template"): never sandboxed, refused unless
	 * opted out. NULL for the table's kinds.
	 */
	char *foreign_path;
};

#define NO_SERVICE ((size_t)-1)

struct pod_templates {
	struct pod_template *items;
	size_t nr;
	size_t alloc;
};

/*
 * Append the pod templates of loaded document d to pts, in document
 * order; shape problems are reported through diag (and the template is
 * not added). Finding them again in the reloaded document gives the same
 * templates in the same order.
 */
void workload_find(struct doc *d, struct pod_templates *pts);
/*
 * The same templates of d, reloaded after workload_find() found them
 * valid: only object, pod and spec are set (no check, no copies).
 */
void workload_find_again(struct doc *d, struct pod_templates *pts);
/* workload_find() for every loaded document of s. */
void workload_find_all(struct stream *s, struct pod_templates *pts);
void pod_templates_release(struct pod_templates *pts);

/* The kinds of the table, for messages: "Pod, apps Deployment, ...". */
const char *workload_kind_list(void);

/* The recorded value of the pod label key, or NULL. */
const char *pod_template_label(const struct pod_template *pt,
			       const char *key);

/*
 * Report a problem with field (relative to the pod template, prefixed
 * with its path in the workload) at node at (NULL: the workload's line).
 */
void pod_error(const struct pod_template *pt, struct fy_node *at,
	       const char *field, const char *problem);

/* The value of annotation key: the pod template's, else the workload's. */
struct fy_node *pod_annotation(const struct pod_template *pt,
			       const char *key);
/* A label of the pod template, or NULL. */
struct fy_node *pod_label(const struct pod_template *pt, const char *key);

#endif
