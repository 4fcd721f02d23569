/*
 * plan — from the chart's pod templates and the settings to the finished
 * sandbox model: one service per sandboxed workload, the release name, the
 * namespace, and every generated object's name.
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
 * Fill sb from pts (found in s). Problems are reported through diag.
 * Returns the number of pod templates to sandbox (0: nothing to do).
 */
size_t plan_build(struct sandbox *sb, struct stream *s,
		  struct pod_templates *pts);

#endif
