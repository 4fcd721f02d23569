/*
 * decide — the choices the sandbox makes for each pod it edits, made once
 * and recorded in the pod template (struct pod_decisions), so that no
 * module predicts another's decision.
 *
 * Who decides: plan.c, and only through these functions.
 *  - decide_pod(), in plan_read_pod() once the record of an earlier run
 *    is stripped: the runtime class (the chart's runtimeClassName, else
 *    agentenv.io/runtime-class, else gvisor; CLUSTER_DEFAULT is NULL, the
 *    cluster's default) and the sidecar's form (native for pods that must
 *    terminate or have init containers, unless the setting says). They
 *    need only the pod as the chart wrote it and its annotations.
 *  - decide_labels(), in plan_finish() once the release and every
 *    service's name are known, before the chart's policies and Services
 *    are judged: the labels the sandbox sets on the pod (struct
 *    label_edit, in the order it sets them) and, applied to the chart's
 *    own, the labels the pod carries once injected.
 * Who reads: inject.c applies the decisions as recorded; confine.c (the
 *    runtime class), explain (runtime class, sidecar form), chartpolicy.c,
 *    exposure.c (through chartpolicy) and plan.c's naming (final labels).
 */
#ifndef AGENTENV_DECIDE_H
#define AGENTENV_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

struct pod_template;
struct sandbox;
struct service;

/*
 * One label the sandbox sets, as inject.c writes it: value quoted (every
 * --values label is: values.c stores them so), or a plain string where
 * that reads the same; last moves the key last in the labels (the
 * sandbox's own keys come out in one order), else it is set in place.
 * The strings are borrowed: the settings', the sandbox's, the service's
 * (which outlive the pod templates) or pod_decisions.network_keys.
 */
struct label_edit {
	const char *key;
	const char *value;
	bool quoted;
	bool last;
};

struct pod_decisions {
	bool decided;			/* decide_pod() ran */
	char *runtime_class;		/* NULL: the cluster's default */
	bool native_sidecar;		/* else the last container */
	/* Set by decide_labels(); empty before. */
	struct label_edit *edits;
	size_t edits_nr;
	char *network_keys;		/* the network labels' keys, owned */
	/*
	 * Final: key, value, ... in order; the strings are borrowed (the
	 * pod template's labels and the edits').
	 */
	const char **labels;
	size_t labels_nr;
};

/*
 * The runtime class of a pod whose chart states chart_class (NULL: none)
 * in service svc, or NULL for the cluster's default. The one rule, for
 * decide_pod() and for --explain's service without a pod.
 */
const char *decide_runtime_class(const char *chart_class,
				 const struct service *svc);

/* Runtime class and sidecar form of pt (read by plan_read_pod()). */
void decide_pod(struct pod_template *pt, const struct service *svc);

/* The labels of pt, to be sandboxed; sb's release and names are set. */
void decide_labels(struct pod_template *pt, const struct sandbox *sb);

/*
 * The value the pod label key has once pt is injected (NULL: none).
 * decide_labels() ran for pt.
 */
const char *decided_label(const struct pod_template *pt, const char *key);

void decide_release(struct pod_decisions *pd);

#endif
