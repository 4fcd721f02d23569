/*
 * explain_common — what the three --explain renderings share (see
 * explain.h): the facts of a service that only its pod template knows
 * (workload set, sidecar form, runtime class and where it comes from), the
 * release's networks, and the wording of ports and name lists that text
 * and dot both use. Defined in explain.c.
 *
 * Internal to explain*.c: nothing else includes this header. Like the
 * renderings, these never print and never fail: they read the finished
 * model and append to a buffer.
 */
#ifndef AGENTENV_EXPLAIN_COMMON_H
#define AGENTENV_EXPLAIN_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "sandbox.h"
#include "workload.h"

/* The sandboxed pod template of service, or NULL when it has none. */
const struct pod_template *template_of(const struct pod_templates *pts,
				       size_t service);

/* "release", "hook", "test-hook": the set's name in text and json. */
const char *pod_set_name(enum pod_set set);

/* The agentenv.io/sidecar setting: "native", "container" or "auto". */
const char *sidecar_setting(enum sidecar_form form);

/* The sidecar runs native (the first init container), as inject does. */
bool native_sidecar(const struct service *svc,
		    const struct pod_template *pt);

enum runtime_source { FROM_DEFAULT, FROM_ANNOTATION, FROM_CHART };

/*
 * The runtime class the pods get (NULL: the cluster's default), as
 * inject does, and in *from where it comes from.
 */
const char *runtime_class(const struct service *svc,
			  const struct pod_template *pt,
			  enum runtime_source *from);

/* Every network some service is on, in order of first appearance. */
void all_networks(const struct sandbox *sb, struct strlist *out);

/* "80/TCP<sep>443/TCP": ports in order. */
void add_ports(struct buf *b, const struct service_port *ports,
	       size_t nr, const char *sep);

/* The ports svc admits connections on (nothing when every port). */
void add_port_list(struct buf *b, const struct service *svc,
		   const char *sep);

/* Some service opens ports to anyone. */
bool any_allow_ingress(const struct sandbox *sb);

/* "a, b, c". */
void add_names(struct buf *b, char *const *names, size_t nr);

#endif
