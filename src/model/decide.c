/*
 * decide — the sandbox's choices for each pod, made once (see decide.h).
 */
#include "decide.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lists.h"
#include "sandbox.h"
#include "vocab.h"
#include "workload.h"
#include "ynode.h"

const char *decide_runtime_class(const char *chart_class,
				 const struct service *svc)
{
	const char *rc = chart_class ? chart_class :
		svc->runtime_class ? svc->runtime_class :
		GVISOR_RUNTIME_CLASS;

	return strcmp(rc, CLUSTER_DEFAULT_RUNTIME_CLASS) ? rc : NULL;
}

static bool decide_native_sidecar(const struct pod_template *pt,
				  const struct service *svc)
{
	switch (svc->sidecar) {
	case SIDECAR_NATIVE:
		return true;
	case SIDECAR_CONTAINER:
		return false;
	case SIDECAR_AUTO:
		break;
	}
	return pt->must_terminate || pt->has_init_containers;
}

void decide_pod(struct pod_template *pt, const struct service *svc)
{
	const char *rc = decide_runtime_class(pt->runtime_class, svc);

	free(pt->decided.runtime_class);
	pt->decided.runtime_class = rc ? xstrdup(rc) : NULL;
	pt->decided.native_sidecar = decide_native_sidecar(pt, svc);
	pt->decided.decided = true;
}

static void add_edit(struct pod_decisions *pd, size_t *alloc,
		     const char *key, const char *value, bool quoted, bool last)
{
	struct label_edit *e;

	pd->edits = xgrow(pd->edits, sizeof(*pd->edits), pd->edits_nr + 1,
			  alloc);
	e = &pd->edits[pd->edits_nr++];
	e->key = xstrdup(key);
	e->value = value ? xstrdup(value) : NULL;
	e->quoted = quoted;
	e->last = last;
}

/*
 * The labels the sandbox sets, in the order it sets them (a later one
 * wins): --values labels, app.kubernetes.io/instance where neither the
 * chart nor --values has it (the chart's own value stands), inspect/service
 * where the chart named the service, then last the service, release and
 * sandbox labels the policies select on, and the network labels.
 */
static void decide_edits(struct pod_decisions *pd,
			 const struct pod_template *pt,
			 const struct sandbox *sb)
{
	const struct settings *st = sb->settings;
	const struct service *svc = &sb->services[pt->service];
	size_t alloc = 0, i;

	for (i = 0; i < st->label_pairs_nr; i++)
		add_edit(pd, &alloc, st->label_pairs[2 * i],
			 st->label_pairs[2 * i + 1], true, false);
	if (!pod_template_label(pt, INSTANCE_LABEL) &&
	    !ynode_pairs_get(st->label_pairs, st->label_pairs_nr,
			     INSTANCE_LABEL))
		add_edit(pd, &alloc, INSTANCE_LABEL, sb->release, true, false);
	if (svc->presented)
		add_edit(pd, &alloc, PRESENTED_LABEL, svc->name, false, false);
	add_edit(pd, &alloc, SERVICE_LABEL, svc->name, false, true);
	add_edit(pd, &alloc, RELEASE_LABEL, sb->release, true, true);
	add_edit(pd, &alloc, SANDBOX_LABEL, "true", true, true);
	for (i = 0; i < svc->networks.nr; i++) {
		struct buf key = BUF_INIT;

		buf_addf(&key, "%s%s", NETWORK_LABEL_PREFIX,
			 svc->networks.items[i]);
		add_edit(pd, &alloc, key.data, "true", true, true);
		buf_release(&key);
	}
}

/*
 * Apply edit e to labels (key, value, ...) as inject.c applies it. A
 * value of NULL (a service left unnamed, refused already) removes the
 * label: no telling what it will be.
 */
static void apply_edit(char **labels, size_t *nr, const struct label_edit *e)
{
	size_t i;

	for (i = 0; i < *nr && strcmp(labels[2 * i], e->key); i++)
		;
	if (i < *nr && !e->last && e->value) {
		free(labels[2 * i + 1]);
		labels[2 * i + 1] = xstrdup(e->value);
		return;
	}
	if (i < *nr) {
		free(labels[2 * i]);
		free(labels[2 * i + 1]);
		memmove(&labels[2 * i], &labels[2 * i + 2],
			(*nr - i - 1) * 2 * sizeof(*labels));
		(*nr)--;
	}
	if (!e->value)
		return;
	labels[2 * *nr] = xstrdup(e->key);
	labels[2 * *nr + 1] = xstrdup(e->value);
	(*nr)++;
}

void decide_labels(struct pod_template *pt, const struct sandbox *sb)
{
	struct pod_decisions *pd = &pt->decided;
	size_t i;

	decide_edits(pd, pt, sb);
	pd->labels = xcalloc(2 * (pt->labels_nr + pd->edits_nr) + 1,
			     sizeof(*pd->labels));
	for (i = 0; i < 2 * pt->labels_nr; i++)
		pd->labels[i] = xstrdup(pt->labels[i]);
	pd->labels_nr = pt->labels_nr;
	for (i = 0; i < pd->edits_nr; i++)
		apply_edit(pd->labels, &pd->labels_nr, &pd->edits[i]);
}

const char *decided_label(const struct pod_template *pt, const char *key)
{
	if (!pt->decided.labels)
		BUG("pod template %s: labels read before they are decided",
		    pt->name ? pt->name : "(unnamed)");
	return ynode_pairs_get(pt->decided.labels, pt->decided.labels_nr,
			       key);
}

void decide_release(struct pod_decisions *pd)
{
	size_t i;

	for (i = 0; i < pd->edits_nr; i++) {
		free(pd->edits[i].key);
		free(pd->edits[i].value);
	}
	free(pd->edits);
	if (pd->labels)
		ynode_free_pairs(pd->labels, pd->labels_nr);
	free(pd->runtime_class);
	memset(pd, 0, sizeof(*pd));
}
