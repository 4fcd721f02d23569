/*
 * postrender — the phases of one run (see postrender.h).
 */
#include "postrender.h"

#include <stdlib.h>

#include "diag.h"
#include "generate.h"
#include "inject.h"
#include "plan.h"
#include "stream.h"
#include "workload.h"

int postrender(const struct settings *st, char *input, size_t len,
	       struct buf *out)
{
	struct stream s;
	struct pod_templates pts = { 0 };
	struct sandbox sb;
	size_t i, sandboxed = 0;

	stream_init(&s);
	sandbox_init(&sb, st);
	if (len > STREAM_MAX_BYTES) {
		diag_error(NULL, "the input is %zu bytes, more than the %zu "
			   "one run accepts", len, STREAM_MAX_BYTES);
		free(input);
		goto done;
	}
	stream_parse(&s, input, len);
	if (diag_error_count())
		goto done;
	workload_find_all(&s, &pts);
	if (diag_error_count())
		goto done;
	sandboxed = plan_build(&sb, &s, &pts);
	if (diag_error_count())
		goto done;
	for (i = 0; i < pts.nr; i++) {
		struct pod_template *pt = &pts.items[i];

		if (!pt->opted_out && !pt->injected_before)
			inject_pod(pt, &sb);
	}
	if (sandboxed)
		generate_all(&s, &sb);
	if (sandboxed && !sb.namespace)
		diag_warning(NULL, "no namespace known (no --namespace, "
			     "HELM_NAMESPACE or metadata.namespace): the "
			     "policies' DNS rule allows the services of any "
			     "namespace and the Corefile reads the pod's "
			     "namespace at run time");
	stream_write(&s, out);
done:
	pod_templates_release(&pts);
	sandbox_release(&sb);
	stream_release(&s);
	return diag_error_count() ? 1 : 0;
}
