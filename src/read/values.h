/*
 * values — the --values file: release-wide settings in agent-env's
 * values.yaml vocabulary.
 *
 * Accepted keys: allowDomains, allowDomainsPorts, allowCIDR, allowEntities,
 * annotations, labels, corednsImage, corednsCommand,
 * corednsSecurityContext, imagePullSecrets. Keys that describe the chart
 * itself in agent-env (services, volumes, networks, additionalResources,
 * ...) are refused with a message saying where that belongs; any other key
 * is refused as unknown. Every value is validated with the same rules as
 * the annotations; problems are reported through diag (exit 1).
 */
#ifndef AGENTENV_VALUES_H
#define AGENTENV_VALUES_H

#include "sandbox.h"

/* Load path into st. Returns false when the file was refused. */
bool values_load(struct settings *st, const char *path);

/* The same, from text already in memory (tests, fuzzing). */
bool values_load_text(struct settings *st, const char *text, size_t len,
		      const char *name);

/*
 * A label or annotation key the sandbox relies on (agentenv.io/...,
 * inspect/service, app.kubernetes.io/instance, the network labels) or
 * Helm does (helm.sh/..., postrenderer.helm.sh/...): not settable
 * release-wide, by --values or by --annotation/--label.
 */
bool is_reserved_key(const char *key, size_t len);

/*
 * Apply --annotation, --label, --coredns-image and --sidecar-security
 * (already validated by options) over what --values set: the command line wins for a key both
 * set. Call after values_load(); does nothing when --values was refused.
 */
void values_add_options(struct settings *st);

#endif
