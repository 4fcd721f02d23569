/*
 * postrender — the phases of one run (see postrender.h).
 *
 * Two passes over the documents keep memory near the size of the stream
 * (a libfyaml tree costs about a hundred times its text):
 *  1. read: load each document, find its pod templates, read and check
 *     their annotations into the sandbox model, unload it;
 *  2. once the model is complete and checked (release, namespace, names),
 *     write: every document in order, those that hold pods to sandbox
 *     loaded again, injected, serialised, unloaded; each handed on to the
 *     output at once; then the generated objects, written as text.
 * Nothing is handed on before pass 2, so a refused input writes nothing.
 */
#include "postrender.h"

#include <stdlib.h>

#include "admission.h"
#include "chartpolicy.h"
#include "diag.h"
#include "dns.h"
#include "explain.h"
#include "exposure.h"
#include "generate.h"
#include "inject.h"
#include "output.h"
#include "plan.h"
#include "stream.h"
#include "workload.h"
#include "ynode.h"

/*
 * What the cluster creates of d, object by object: admission objects
 * checked, Services read (the list's items too).
 */
static void read_objects(struct doc *d, struct exposures *ex)
{
	size_t i;

	if (d->stale)
		return;
	for (i = 0; i < d->nr_objects; i++) {
		struct fy_node *object = doc_object_node(d, i);

		admission_check(&d->objects[i].where, object);
		exposure_read(&d->objects[i].where, object, ex);
	}
}

/* Pass 1: every document's pod templates, policies, other objects. */
static void read_documents(struct stream *s, struct sandbox *sb,
			   struct pod_templates *pts,
			   struct chart_policies *cps, struct exposures *ex)
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
		chart_policies_read(d, cps);
		read_objects(d, ex);
		doc_unload(d);
	}
}

static bool needs_edit(const struct pod_template *pt)
{
	return !pt->opted_out && pt->service != NO_SERVICE;
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
	workload_find_again(d, &again);
	if (again.nr != nr)
		BUG("document %zu has %zu pod templates, then %zu",
		    d->where.doc, nr, again.nr);
	for (k = 0; k < nr; k++) {
		pts[k].object = again.items[k].object;
		pts[k].pod = again.items[k].pod;
		pts[k].spec = again.items[k].spec;
		/* Pass 1 found the record sound: the same text, the same. */
		if (needs_edit(&pts[k]) && inject_strip(&pts[k]))
			inject_pod(&pts[k], sb);
	}
	pod_templates_release(&again);
	doc_finish_edit(d);
}

/*
 * Pass 2, once everything is validated: every document in order, edited
 * where it holds pods to sandbox, handed on at once (so only one edited
 * document is held at a time), then the generated objects.
 */
static void write_documents(struct stream *s, struct pod_templates *pts,
			    const struct sandbox *sb, bool generate,
			    struct output *o)
{
	size_t i, k = 0;

	/* Pod templates in document order, or some would never be edited. */
	for (i = 1; i < pts->nr; i++)
		if (pts->items[i].doc < pts->items[i - 1].doc)
			BUG("pod template %zu is out of document order", i);
	for (i = 0; i < s->nr; i++) {
		struct doc *d = &s->docs[i];
		size_t first = k;
		bool edit = false;

		for (; k < pts->nr && pts->items[k].doc == d; k++)
			edit |= needs_edit(&pts->items[k]);
		if (edit && generate)
			edit_document(s, d, &pts->items[first], k - first, sb);
		doc_write(d, o);
	}
	if (k != pts->nr)
		BUG("%zu pod templates not in the stream", pts->nr - k);
	if (generate)
		generate_all(s, sb, o);
	output_flush(o);
}

/*
 * What the pods of each set mount, digested before pass 2 injects them:
 * the generated objects are only written after the documents.
 */
static void digest_dns_configs(struct sandbox *sb)
{
	int set;

	for (set = 0; set < NR_POD_SETS; set++)
		if (sb->has_set[set])
			dns_config_digest(sb, (enum pod_set)set,
					  sb->dns_digest[set]);
}

/* --explain: what the sandbox allows, instead of the stream. */
static void write_explanation(const struct sandbox *sb,
			      const struct pod_templates *pts,
			      const struct chart_policies *cps,
			      enum output_form form, struct output *o)
{
	struct buf text = BUF_INIT;

	explain_write(&text, sb, pts, cps, form);
	output_add(o, text.data, text.len);
	output_flush(o);
	buf_release(&text);
}

int postrender_to(const struct settings *st, char *input, size_t len,
		  output_sink_fn *sink, void *data)
{
	struct stream s;
	struct pod_templates pts = { 0 };
	struct chart_policies cps = { 0 };
	struct exposures ex = { 0 };
	struct sandbox sb;
	struct output o;
	size_t sandboxed = 0;

	stream_init(&s);
	sandbox_init(&sb, st);
	if (len > STREAM_MAX_BYTES) {
		diag_error(NULL, "the input is %zu bytes, more than the %zu "
			   "one run accepts", len, STREAM_MAX_BYTES);
		free(input);
		goto done;
	}
	stream_split(&s, input, len);
	read_documents(&s, &sb, &pts, &cps, &ex);
	sandboxed = plan_finish(&sb, &s, &pts);
	if (sandboxed && sb.release) {
		chart_policies_check(&cps, &sb, &pts,
				     st->drop_chart_policies);
		exposure_check(&ex, &sb, &pts);
	}
	if (st->output != OUTPUT_STREAM && sb.nr > EXPLAIN_MAX_SERVICES)
		diag_error(NULL, "--explain: the stream has %zu sandboxed "
			   "services, more than the %d it describes: explain "
			   "a part of the chart at a time", sb.nr,
			   EXPLAIN_MAX_SERVICES);
	if (diag_error_count())
		goto done;
	if (sandboxed && !sb.namespace)
		diag_warning(NULL, "no namespace known (no --namespace, "
			     "HELM_NAMESPACE or metadata.namespace): the "
			     "policies' DNS rule allows the services of any "
			     "namespace and the Corefile reads the pod's "
			     "namespace at run time");
	if (sink) {
		output_init(&o, sink, data);
		if (st->output != OUTPUT_STREAM)
			write_explanation(&sb, &pts, &cps, st->output, &o);
		else {
			if (sandboxed)
				digest_dns_configs(&sb);
			write_documents(&s, &pts, &sb, sandboxed > 0, &o);
		}
		output_release(&o);
	}
done:
	chart_policies_release(&cps);
	exposures_release(&ex);
	pod_templates_release(&pts);
	sandbox_release(&sb);
	stream_release(&s);
	ynode_cache_release();
	return diag_error_count() ? 1 : 0;
}

int postrender(const struct settings *st, char *input, size_t len,
	       struct buf *out)
{
	return postrender_to(st, input, len, output_to_buf, out);
}
