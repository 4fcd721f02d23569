/*
 * generate — common metadata and the sets of generated objects (see
 * generate.h).
 */
#include "generate.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "inject.h"
#include "names.h"
#include "validate.h"
#include "ynode.h"

char *gen_name(const struct gen *g, const char *a, const char *b,
	       const char *c, const char *d)
{
	const char *infix = pod_set_infix(g->set);

	if (infix)
		return name_build(g->sb->prefix, infix, a, b, c, d, NULL);
	return name_build(g->sb->prefix, a, b, c, d, NULL);
}

/* "agentenv-post/[INFIX-]FILE.yaml": where Helm shows the object. */
static void add_file_name(struct buf *b, const struct gen *g,
			  const char *file)
{
	const char *infix = pod_set_infix(g->set);

	buf_addf(b, "agentenv-post/%s%s%s.yaml", infix ? infix : "",
		 infix ? "-" : "", file);
}

static void set_metadata(struct gen *g, struct fy_node *root,
			 const char *name, const char *file)
{
	const struct settings *st = g->sb->settings;
	struct fy_document *d = fy_node_document(root);
	struct fy_node *meta = ynode_want_mapping(root, "metadata");
	struct fy_node *labels, *annotations;
	struct buf path = BUF_INIT;

	ynode_set(meta, "name", ynode_plain(d, name));
	if (g->sb->namespace)
		ynode_set(meta, "namespace", ynode_plain(d, g->sb->namespace));
	if (st->labels)
		ynode_set(meta, "labels", ynode_copy(d, st->labels));
	labels = ynode_want_mapping(meta, "labels");
	ynode_set(labels, "app.kubernetes.io/instance",
		  ynode_quoted(d, g->sb->release));
	ynode_set(labels, GENERATED_LABEL, ynode_quoted(d, "true"));
	annotations = st->annotations ? ynode_copy(d, st->annotations) :
		fy_node_create_mapping(d);
	if (g->set != SET_RELEASE) {
		char weight[32];

		snprintf(weight, sizeof(weight), "%ld", g->hook_weight);
		ynode_set(annotations, "helm.sh/hook",
			  ynode_quoted(d, g->hook_events));
		ynode_set(annotations, "helm.sh/hook-weight",
			  ynode_quoted(d, weight));
		ynode_set(annotations, "helm.sh/hook-delete-policy",
			  ynode_quoted(d, "before-hook-creation,"
				       "hook-succeeded"));
	}
	if (g->stream->helm4) {
		add_file_name(&path, g, file);
		ynode_set(annotations, HELM4_FILENAME_ANNOTATION,
			  ynode_quoted(d, path.data));
	}
	if (fy_node_mapping_item_count(annotations))
		ynode_set(meta, "annotations", annotations);
	else
		fy_node_free(annotations);
	buf_release(&path);
}

struct fy_node *gen_object(struct gen *g, const char *yaml, const char *name,
			   const char *file)
{
	struct fy_node *root = fy_document_root(ynode_document(yaml));

	set_metadata(g, root, name, file);
	return root;
}

void gen_add(struct gen *g, struct fy_node *root, const char *file)
{
	struct buf comment = BUF_INIT;

	if (!g->stream->helm4) {
		buf_adds(&comment, "# Source: ");
		add_file_name(&comment, g, file);
	}
	stream_add_generated(g->stream, fy_node_document(root),
			     comment.len ? comment.data : NULL);
	buf_release(&comment);
}

/* Add an event to the comma-separated events, unless it is there. */
static bool add_event(void *data, const char *event, size_t len)
{
	struct buf *events = data;
	char *item = xmemdup0(event, len);

	if (!list_has(events->data, item)) {
		if (events->len)
			buf_addch(events, ',');
		buf_adds(events, item);
	}
	free(item);
	return true;
}

/* A hook weight: an optional '-' and up to 9 digits; false otherwise. */
static bool parse_weight(const char *s, long *weight)
{
	bool negative = *s == '-';
	long value = 0;
	int digits = 0;

	if (negative)
		s++;
	for (; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
		value = value * 10 + (*s - '0');
	if (!digits || *s)
		return false;
	*weight = negative ? -value : value;
	return true;
}

/* The hook events of every hook document, and the lowest weight. */
static void hook_details(struct gen *g)
{
	struct buf events = BUF_INIT;
	long lowest = 0, weight;
	size_t i;

	for (i = 0; i < g->stream->nr; i++) {
		const struct doc *d = &g->stream->docs[i];

		if (!d->hook || d->stale || pod_set_of(d->hook_events) != g->set)
			continue;
		if (d->hook_events)
			list_split(d->hook_events, strlen(d->hook_events),
				   add_event, &events);
		if (d->hook_weight && parse_weight(d->hook_weight, &weight) &&
		    weight < lowest)
			lowest = weight;
	}
	g->hook_events = buf_detach(&events, NULL);
	g->hook_weight = lowest - 10;
}

void generate_all(struct stream *s, const struct sandbox *sb)
{
	int set;

	for (set = 0; set < NR_POD_SETS; set++) {
		struct gen g = { s, sb, (enum pod_set)set, NULL, 0 };

		if (!sb->has_set[set])
			continue;
		if (set != SET_RELEASE)
			hook_details(&g);
		dns_generate(&g);
		policy_generate(&g);
		free(g.hook_events);
	}
}
