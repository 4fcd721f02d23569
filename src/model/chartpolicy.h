/*
 * chartpolicy — the chart's own network policies, and whether they touch
 * the sandbox.
 *
 * Cilium OR-s every allow rule of every policy that selects a pod:
 * Kubernetes NetworkPolicies, CiliumNetworkPolicies and
 * CiliumClusterwideNetworkPolicies alike. A chart's policy that selects a
 * sandboxed pod can therefore only widen what the sandbox allows (every
 * Bitnami chart renders one with "egress: [{}]"). Such a policy is
 * refused, unless the object carries agentenv.io/keep-policy: "true" (the
 * chart author vouches for it; it is listed as kept, not analysed) or the
 * run drops it (--drop-chart-policies, said on stderr).
 *
 * "Selects" is decided on the pods' final labels (chart, --values and the
 * sandbox's own), as the plan decided them (decide.h: read, never
 * predicted here; an opted-out pod's are the chart's), with Kubernetes' label selector rules: matchLabels and
 * matchExpressions (In, NotIn, Exists, DoesNotExist), an empty selector
 * selecting every pod. Cilium's source prefixes (k8s:, any:) are read;
 * the pod namespace label is compared with the release's namespace. A
 * selector that cannot be evaluated (an unknown operator or label source,
 * a Cilium-only label) counts as selecting: fail closed (aliases never
 * get here: stream.c refuses them anywhere).
 */
#ifndef AGENTENV_CHARTPOLICY_H
#define AGENTENV_CHARTPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"
#include "netpolicy.h"
#include "selector.h"
#include "stream.h"
#include "vocab.h"
#include "workload.h"

struct chart_policy {
	struct doc *doc;
	struct where where;
	char *kind;
	char *name;
	char *namespace;	/* metadata.namespace, or NULL */
	bool cluster_wide;	/* a CiliumClusterwideNetworkPolicy */
	bool keep;		/* agentenv.io/keep-policy: "true" */
	bool in_list;		/* an item of a List: cannot be dropped */
	/*
	 * What it selects, allows and denies, as data (chartnet.h): one
	 * per rule, OR-ed; any selecting selects.
	 */
	struct net_policies net;
};

struct chart_policies {
	struct chart_policy *items;
	size_t nr;
	size_t alloc;
};

/*
 * While d is loaded: copy out what is needed of each network policy in it
 * (the document, or the items of a list). Bad keep-policy values are
 * reported through diag.
 */
void chart_policies_read(struct doc *d, struct chart_policies *cps);

/*
 * Once the model is finished: every policy that selects a sandboxed pod
 * of pts is kept (listed in sb->kept_policies), dropped (drop: its
 * document is not written, a warning says so) or refused.
 */
void chart_policies_check(const struct chart_policies *cps,
			  struct sandbox *sb, const struct pod_templates *pts,
			  bool drop);

/* cp may select pods of sb's namespace: cluster-wide, or namespaced there. */
bool chart_policy_in_namespace(const struct chart_policy *cp,
			       const struct sandbox *sb);

void chart_policies_release(struct chart_policies *cps);

#endif
