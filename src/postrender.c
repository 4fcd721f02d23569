/*
 * postrender — the phases of one run (see postrender.h).
 *
 * Two passes over the documents keep memory near the size of the stream
 * (a libfyaml tree costs about a hundred times its text):
 *  1. read: load each document, find its pod templates, read and check
 *     their annotations into the sandbox model, unload it;
 *  2. once the model is complete and checked (release, namespace, names),
 *     edit: load each document that holds pods to sandbox again, inject,
 *     serialise it, unload it.
 * Then the generated objects are appended and the stream written once.
 */
#include "postrender.h"

#include <stdlib.h>

#include "diag.h"
#include "generate.h"
#include "inject.h"
#include "plan.h"
#include "stream.h"
#include "workload.h"
#include "ynode.h"

/* Pass 1: every document's pod templates, read into sb. */
static void read_documents(struct stream *s, struct sandbox *sb,
			   struct pod_templates *pts)
{
	size_t i, j;

	for (i = 0; i < s->nr; i++) {
		struct doc *d = &s->docs[i];
		size_t first = pts->nr;

		if (!doc_load(s, d))
			continue;
		workload_find(d, pts);
		for (j = first; j < pts->nr; j++)
			plan_read_pod(sb, &pts->items[j]);
		doc_unload(d);
	}
}

static bool needs_edit(const struct pod_template *pt)
{
	return !pt->opted_out && !pt->injected_before &&
	       pt->service != NO_SERVICE;
}

/* Pass 2: inject into the pod templates of one reloaded document. */
static void edit_document(struct stream *s, struct doc *d,
			  struct pod_template *pts, size_t nr,
			  const struct sandbox *sb)
{
	struct pod_templates again = { 0 };
	size_t k;

	if (!doc_load(s, d))
		BUG("document %zu no longer loads", d->where.doc);
	workload_find(d, &again);
	if (again.nr != nr)
		BUG("document %zu has %zu pod templates, then %zu",
		    d->where.doc, nr, again.nr);
	for (k = 0; k < nr; k++) {
		pts[k].object = again.items[k].object;
		pts[k].pod = again.items[k].pod;
		pts[k].spec = again.items[k].spec;
		if (needs_edit(&pts[k]))
			inject_pod(&pts[k], sb);
	}
	pod_templates_release(&again);
	doc_finish_edit(d);
}

static void edit_documents(struct stream *s, struct pod_templates *pts,
			   const struct sandbox *sb)
{
	size_t i = 0;

	while (i < pts->nr) {
		struct doc *d = pts->items[i].doc;
		size_t end = i;
		bool edit = false;

		for (; end < pts->nr && pts->items[end].doc == d; end++)
			edit |= needs_edit(&pts->items[end]);
		if (edit)
			edit_document(s, d, &pts->items[i], end - i, sb);
		i = end;
	}
}

int postrender(const struct settings *st, char *input, size_t len,
	       struct buf *out)
{
	struct stream s;
	struct pod_templates pts = { 0 };
	struct sandbox sb;
	size_t sandboxed;

	stream_init(&s);
	sandbox_init(&sb, st);
	if (len > STREAM_MAX_BYTES) {
		diag_error(NULL, "the input is %zu bytes, more than the %zu "
			   "one run accepts", len, STREAM_MAX_BYTES);
		free(input);
		goto done;
	}
	stream_split(&s, input, len);
	read_documents(&s, &sb, &pts);
	sandboxed = plan_finish(&sb, &s, &pts);
	if (diag_error_count() || !sandboxed)
		goto write;
	edit_documents(&s, &pts, &sb);
	generate_all(&s, &sb, &s.generated);
	if (!sb.namespace)
		diag_warning(NULL, "no namespace known (no --namespace, "
			     "HELM_NAMESPACE or metadata.namespace): the "
			     "policies' DNS rule allows the services of any "
			     "namespace and the Corefile reads the pod's "
			     "namespace at run time");
write:
	if (!diag_error_count())
		stream_write(&s, out);
done:
	pod_templates_release(&pts);
	sandbox_release(&sb);
	stream_release(&s);
	ynode_cache_release();
	return diag_error_count() ? 1 : 0;
}
