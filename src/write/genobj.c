/*
 * genobj — one generated object as text (see genobj.h).
 */
#include "genobj.h"

#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "names.h"
#include "vocab.h"

char *gen_name(const struct gen *g, const char *a, const char *b,
	       const char *c, const char *d)
{
	return name_build(g->sb->set_prefix[g->set], a, b, c, d, NULL);
}

/* "agentenv-post/[INFIX-]FILE.yaml": where Helm shows the object. */
static void add_file_name(struct buf *b, const struct gen *g,
			  const char *file)
{
	const char *infix = pod_set_infix(g->set);

	buf_addf(b, GENERATED_FILE_DIR "/%s%s%s.yaml", infix ? infix : "",
		 infix ? "-" : "", file);
}

/* A key and value we set (quoted) over the --values ones. */
struct own_pair {
	const char *key;
	const char *value;
	bool written;
};

#define MAX_OWN_PAIRS 4

/*
 * The --values pairs, then ours: one of ours whose key is among the
 * --values ones takes its place, as setting a key in a mapping does.
 */
static void write_pairs(struct buf *b, size_t indent, char **pairs,
			size_t nr, struct own_pair *own, size_t own_nr)
{
	size_t i, j;

	for (i = 0; i < nr; i++) {
		const char *value = pairs[2 * i + 1];

		for (j = 0; j < own_nr; j++) {
			if (!own[j].written &&
			    !strcmp(own[j].key, pairs[2 * i])) {
				value = own[j].value;
				own[j].written = true;
				break;
			}
		}
		ytext_pair_quoted(b, indent, pairs[2 * i], value);
	}
	for (j = 0; j < own_nr; j++)
		if (!own[j].written)
			ytext_pair_quoted(b, indent, own[j].key, own[j].value);
}

static void write_metadata(struct buf *b, size_t indent, const struct gen *g,
			   const char *name, const char *file)
{
	struct own_pair labels[] = {
		{ INSTANCE_LABEL, g->sb->release, false },
		{ GENERATED_LABEL, "true", false },
	};
	struct own_pair annotations[MAX_OWN_PAIRS];
	struct buf path = BUF_INIT;
	char weight[32];
	size_t nr = 0;

	ytext_pair_plain(b, indent, "name", name);
	if (g->sb->namespace)
		ytext_pair_plain(b, indent, "namespace", g->sb->namespace);
	ytext_indent(b, indent);
	buf_adds(b, "labels:\n");
	write_pairs(b, indent + 2, g->labels, g->labels_nr, labels,
		    sizeof(labels) / sizeof(labels[0]));
	if (g->set != SET_RELEASE) {
		snprintf(weight, sizeof(weight), "%lld", g->hook_weight);
		annotations[nr++] = (struct own_pair){
			HELM_HOOK_ANNOTATION, g->hook_events, false };
		annotations[nr++] = (struct own_pair){
			HELM_HOOK_WEIGHT_ANNOTATION, weight, false };
		annotations[nr++] = (struct own_pair){
			HELM_HOOK_DELETE_POLICY_ANNOTATION,
			"before-hook-creation,hook-succeeded", false };
	}
	if (g->helm4) {
		add_file_name(&path, g, file);
		annotations[nr++] = (struct own_pair){
			HELM4_FILENAME_ANNOTATION, path.data, false };
	}
	if (g->annotations_nr || nr) {
		ytext_indent(b, indent);
		buf_adds(b, "annotations:\n");
		write_pairs(b, indent + 2, g->annotations, g->annotations_nr,
			    annotations, nr);
	}
	buf_release(&path);
}

void gen_unknown_slot(const char *name, size_t name_len)
{
	BUG("a template has the slot '%.*s' that no code fills in",
	    (int)name_len, name);
}

struct object_ctx {
	const struct gen *g;
	const char *name;
	const char *file;
	ytext_slot_fn *slot;
	void *data;
};

static void object_slot(struct buf *b, const char *name, size_t name_len,
			size_t indent, bool block, void *data)
{
	struct object_ctx *ctx = data;

	if (block && ytext_slot_is(name, name_len, "metadata"))
		write_metadata(b, indent, ctx->g, ctx->name, ctx->file);
	else if (ctx->slot)
		ctx->slot(b, name, name_len, indent, block, ctx->data);
	else
		gen_unknown_slot(name, name_len);
}

void gen_write(struct gen *g, const char *tmpl, const char *name,
	       const char *file, ytext_slot_fn *slot, void *data)
{
	struct object_ctx ctx = { g, name, file, slot, data };
	struct buf *b = &g->text;

	buf_reset(b);
	buf_adds(b, "---\n");
	if (!g->helm4) {
		buf_adds(b, "# Source: ");
		add_file_name(b, g, file);
		buf_addch(b, '\n');
	}
	ytext_template(b, tmpl, 0, object_slot, &ctx);
	output_add(g->out, b->data, b->len);
}
