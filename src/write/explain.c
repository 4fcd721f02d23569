/*
 * explain — --explain's entry point, dispatching on the form (see
 * explain.h), and the facts the three renderings share (explain_common.h):
 * the renderings are explain_text.c, explain_dot.c and explain_json.c;
 * who may reach what comes from the network evaluator (neteval.h).
 */
#include "explain.h"

#include <string.h>

#include "decide.h"
#include "explain_common.h"
#include "explain_dot.h"
#include "explain_json.h"
#include "explain_text.h"
#include "vocab.h"

/* --- facts of one service that only its pod template knows ----------- */

const struct pod_template *template_of(const struct pod_templates *pts,
				       size_t service)
{
	size_t i;

	for (i = 0; i < pts->nr; i++)
		if (pts->items[i].service == service &&
		    !pts->items[i].opted_out)
			return &pts->items[i];
	return NULL;
}

const char *pod_set_name(enum pod_set set)
{
	static const char *const names[NR_POD_SETS] = {
		[SET_RELEASE] = "release",
		[SET_HOOK] = "hook",
		[SET_TEST] = "test-hook",
	};

	return names[set];
}

const char *sidecar_setting(enum sidecar_form form)
{
	return form == SIDECAR_NATIVE ? "native" :
	       form == SIDECAR_CONTAINER ? "container" : "auto";
}

bool native_sidecar(const struct service *svc,
		    const struct pod_template *pt)
{
	if (!pt)
		return svc->sidecar == SIDECAR_NATIVE;
	return pt->decided.native_sidecar;
}

/* The runtime class the plan decided, and where it comes from. */
const char *runtime_class(const struct service *svc,
			  const struct pod_template *pt,
			  enum runtime_source *from)
{
	*from = pt && pt->runtime_class ? FROM_CHART :
		svc->runtime_class ? FROM_ANNOTATION : FROM_DEFAULT;
	if (pt)
		return pt->decided.runtime_class;
	return decide_runtime_class(NULL, svc);
}

/* Every network some service is on, in order of first appearance. */
void all_networks(const struct sandbox *sb, struct strlist *out)
{
	size_t i, j;

	for (i = 0; i < sb->nr; i++)
		for (j = 0; j < sb->services[i].networks.nr; j++) {
			const char *n = sb->services[i].networks.items[j];

			if (!strlist_has(out, n))
				strlist_add(out, n, strlen(n));
		}
}

void add_ports(struct buf *b, const struct service_port *ports,
	       size_t nr, const char *sep)
{
	size_t i;

	for (i = 0; i < nr; i++)
		buf_addf(b, "%s%u/%s", i ? sep : "", ports[i].number,
			 protocol_name(ports[i].protocol));
}

void add_port_list(struct buf *b, const struct service *svc,
		   const char *sep)
{
	add_ports(b, svc->ports, svc->nr_ports, sep);
}

/* Some service opens ports to anyone. */
bool any_allow_ingress(const struct sandbox *sb)
{
	size_t i;

	for (i = 0; i < sb->nr; i++)
		if (sb->services[i].allow_ingress.nr)
			return true;
	return false;
}

void add_names(struct buf *b, char *const *names, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		buf_addf(b, "%s%s", i ? ", " : "", names[i]);
}

void explain_write(struct buf *out, const struct sandbox *sb,
		   const struct pod_templates *pts,
		   const struct chart_policies *cps, enum output_form form)
{
	struct net_model m = { .sb = sb };

	if (sb->nr && sb->release)
		net_model_init(&m, sb, pts, cps);
	switch (form) {
	case OUTPUT_EXPLAIN_TEXT:
		explain_text(out, &m, pts);
		break;
	case OUTPUT_EXPLAIN_DOT:
		explain_dot(out, &m, pts);
		break;
	case OUTPUT_EXPLAIN_JSON:
		explain_json(out, &m, pts);
		break;
	case OUTPUT_STREAM:
		BUG("explain_write() called for the stream");
	}
	net_model_release(&m);
}
