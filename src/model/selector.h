/*
 * selector — Kubernetes label selectors, as Kubernetes and Cilium read
 * them, and the one code that tells whether one selects a pod.
 *
 * Read from the chart (a NetworkPolicy's podSelector, a Cilium
 * endpointSelector, fromEndpoints/toEndpoints, a Service's selector) or
 * built by the sandbox (its own policies' matchLabels, netbuild.c), and
 * matched by selector_selects() for the chart-policy judge, the Service
 * exposure check and the network evaluator alike.
 *
 * matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) are
 * AND-ed; an empty selector selects every pod. In Cilium's selectors the
 * source prefixes k8s: and any: are read and io.kubernetes.pod.namespace
 * is the pod's namespace. A selector that cannot be evaluated (an unknown
 * operator or label source, a Cilium-only label, a shape that is not a
 * selector's) is opaque and counts as selecting every pod: fail closed.
 */
#ifndef AGENTENV_SELECTOR_H
#define AGENTENV_SELECTOR_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"

struct pod_template;

enum label_op { OP_IN, OP_NOT_IN, OP_EXISTS, OP_DOES_NOT_EXIST };

/* One requirement; key NULL: the pod's namespace (POD_NAMESPACE_LABEL). */
struct requirement {
	char *key;
	enum label_op op;
	struct strlist values;
	/*
	 * Of a label the sandbox sets: written double-quoted, as agent-env
	 * spells it (the release label), else plain where YAML reads it as
	 * the same string.
	 */
	bool quoted;
};

struct selector {
	struct requirement *reqs;
	size_t nr;
	size_t alloc;
	bool opaque;		/* cannot be evaluated: counts as selecting */
};

/*
 * Read a LabelSelector into sel (zeroed): absent (NULL) or null selects
 * every pod. cilium: a Cilium selector (source prefixes, the namespace
 * label).
 */
void selector_read(struct selector *sel, struct fy_node *n, bool cilium);

/*
 * A map of label equalities (a Service's selector, matchLabels), malloc'ed;
 * one that is not a mapping of scalars, or holds a key no label can have,
 * is opaque.
 */
struct selector *selector_from_labels(struct fy_node *map);

/* Add the requirement key = value (key POD_NAMESPACE_LABEL: namespace). */
void selector_add_label(struct selector *sel, const char *key,
			const char *value, bool quoted);

/*
 * sel selects the pods of pt with their final labels: as the plan decided
 * them for a sandboxed pod, as written for an opted-out one. The pods'
 * namespace is sb's; an unknown one satisfies any requirement on it.
 */
bool selector_selects(const struct selector *sel,
		      const struct pod_template *pt, const struct sandbox *sb);

void selector_release(struct selector *sel);
void selector_free(struct selector *sel);

#endif
