/*
 * generate — the objects that turn a release's pods into one sandbox,
 * appended as text after the chart's documents: for each set of pods
 * (enum pod_set) the CoreDNS ConfigMaps and headless Services (dns.h) and
 * the CiliumNetworkPolicies (policy.h), each written by genobj.h's
 * primitives (common metadata, see there).
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

#include "output.h"
#include "sandbox.h"
#include "stream.h"

/* Write every generated object for the pods of s to out. */
void generate_all(const struct stream *s, const struct sandbox *sb,
		  struct output *out);

#endif
