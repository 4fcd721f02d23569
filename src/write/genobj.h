/*
 * genobj — writing one generated object as text: the primitives dns.c and
 * policy.c build on (generate.c only loops over the pod sets).
 *
 * A generated object is a document "---", in a Helm 3 stream a
 * "# Source: agentenv-post/[INFIX-]FILE.yaml" line, then a text template
 * (templates/, see ytext.h) whose ${metadata} slot gets the common
 * metadata:
 *  - name, namespace (when known);
 *  - labels: the --values labels, app.kubernetes.io/instance, the
 *    GENERATED_LABEL (so a later run recognises and regenerates it);
 *  - annotations: the --values annotations, a hook set's helm.sh/hook
 *    annotations, in a Helm 4 stream the postrender-filename annotation
 *    naming the file (an own key replaces a --values key in place).
 * Every value is written through ytext's quoting; the output is byte for
 * byte what libfyaml's emitter wrote for the same object built as a tree.
 */
#ifndef AGENTENV_GENOBJ_H
#define AGENTENV_GENOBJ_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "output.h"
#include "sandbox.h"
#include "ytext.h"

/* What one set of generated objects is for, and where it goes. */
struct gen {
	struct output *out;		/* the objects are handed on here */
	struct buf text;		/* the object being written */
	const struct sandbox *sb;
	enum pod_set set;		/* the pods these objects serve */
	bool helm4;			/* a Helm 4 stream: file annotation */
	char *hook_events;		/* helm.sh/hook value for the set */
	long long hook_weight;		/* before every hook pod */
	/* The --values labels and annotations: key, value, key, ... */
	char **labels;
	size_t labels_nr;
	char **annotations;
	size_t annotations_nr;
};

/*
 * The name of a generated object of the set: the set's prefix
 * ("agentenv-RELEASE", "agentenv.hook-RELEASE", "agentenv.test-hook-
 * RELEASE": see pod_set_infix()), then the parts (see name_build()).
 */
char *gen_name(const struct gen *g, const char *a, const char *b,
	       const char *c, const char *d);

/*
 * Write the object of template tmpl named name (file: where Helm shows
 * it) to g->out; slot (with data) fills in every slot but ${metadata}.
 * slot may be NULL for a template without other slots.
 */
void gen_write(struct gen *g, const char *tmpl, const char *name,
	       const char *file, ytext_slot_fn *slot, void *data);

/* A slot name no slot function knows: a template and code out of step. */
void gen_unknown_slot(const char *name, size_t name_len);

#endif
