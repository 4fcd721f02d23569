/*
 * generate — the objects that turn a release's pods into one sandbox,
 * appended after the chart's documents: the CoreDNS ConfigMaps and
 * headless Services (dns.c) and the CiliumNetworkPolicies (policy.c).
 *
 * Every generated object carries the GENERATED_LABEL (so a later run
 * recognises and regenerates it), app.kubernetes.io/instance, the
 * --values labels and annotations, and, in a Helm 4 stream, a
 * postrender-filename annotation naming it (Helm 3: a "# Source:" line).
 *
 * Helm hooks: hook pods may run before the release's objects exist
 * (pre-install), so they mount their own ConfigMaps and are covered by
 * their own copies of the policies, created as hooks themselves just
 * before them; test hooks and other hooks each get their own set (see
 * enum pod_set). A set is generated only when the stream holds pods of
 * its kind, so Helm 4's "separate" hook invocation, which post-renders
 * hooks and the rest apart, never produces an object twice.
 */
#ifndef AGENTENV_GENERATE_H
#define AGENTENV_GENERATE_H

#include <libfyaml.h>
#include <stdbool.h>

#include "sandbox.h"
#include "stream.h"

/* What one set of generated objects is for. */
struct gen {
	struct stream *stream;
	const struct sandbox *sb;
	enum pod_set set;		/* the pods these objects serve */
	char *hook_events;		/* helm.sh/hook value for the set */
	long hook_weight;		/* before every hook pod */
};

void generate_all(struct stream *s, const struct sandbox *sb);

/*
 * A new object from template yaml, named name, with the common metadata
 * above; file names it for Helm. Returns the document's root, which the
 * caller fills in and hands to gen_add().
 */
struct fy_node *gen_object(struct gen *g, const char *yaml, const char *name,
			   const char *file);
/* Append the object (serialised at once) to the stream. */
void gen_add(struct gen *g, struct fy_node *root, const char *file);

/*
 * The name of a generated object of the set: the prefix, the set's infix
 * ("hook", "test-hook"), then the parts (see name_build()).
 */
char *gen_name(const struct gen *g, const char *a, const char *b,
	       const char *c, const char *d);

/* Parts implemented in dns.c and policy.c. */
void dns_generate(struct gen *g);
void policy_generate(struct gen *g);

#endif
