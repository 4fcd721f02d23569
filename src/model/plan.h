/*
 * plan — from the chart's pod templates and the settings to the finished
 * sandbox model: one service per sandboxed workload, the release name, the
 * namespace, and every generated object's name.
 *
 * It also makes each sandboxed pod's decisions, once (decide.h): the
 * runtime class and sidecar form in plan_read_pod(), the final labels in
 * plan_finish() once the release and the services' names are known;
 * inject.c applies them, the checks and --explain read them.
 *
 * Everything is validated here, before anything is edited or written:
 * annotations (annot), clashes with the pod edits (inject_check), service
 * names used twice, the release name and namespace the workloads carry,
 * allow-domains-ports entries that no allowed domain backs, and generated
 * names that clash with the chart's own objects.
 */
#ifndef AGENTENV_PLAN_H
#define AGENTENV_PLAN_H

#include "sandbox.h"
#include "stream.h"
#include "workload.h"

/*
 * While pt's document is loaded: read its annotations into a service of
 * sb (or mark it opted out), decide its runtime class and sidecar form,
 * and check it against the pod edits.
 */
void plan_read_pod(struct sandbox *sb, struct pod_template *pt);

/*
 * Once every pod template was read: the release, the namespace, every
 * name, each sandboxed pod's final labels (before anything reads them:
 * the chart's headless Services here, chart_policies_check() and
 * exposure_check() after), and the checks across documents. Uses only what was copied out of
 * the documents (they need not be loaded). Problems are reported through
 * diag. Returns the number of pod templates to sandbox (0: nothing to do).
 */
size_t plan_finish(struct sandbox *sb, const struct stream *s,
		   const struct pod_templates *pts);

#endif
