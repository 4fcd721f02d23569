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

static void add_edit(struct pod_decisions *pd, const char *key,
		     const char *value, bool quoted, bool last)
{
	pd->edits[pd->edits_nr++] = (struct label_edit){ key, value, quoted,
							  last };
}

/*
 * The labels the sandbox sets, in the order it sets them (a later one
 * wins): --values labels, app.kubernetes.io/instance where neither the
 * chart nor --values has it (the chart's own value stands), inspect/service
 * where the chart named the service, then last the service, release and
 * sandbox labels the policies select on, and the network labels.
 * The strings are the settings', the sandbox's and the service's (they
 * outlive the pod templates); the network labels' keys are built into
 * one block, pd->network_keys.
 */
static void decide_edits(struct pod_decisions *pd,
			 const struct pod_template *pt,
			 const struct sandbox *sb)
{
	const struct settings *st = sb->settings;
	const struct service *svc = &sb->services[pt->service];
	size_t i, keys_len = 0;
	char *key;

	/* --values labels, instance, presented, 3 of ours, the networks. */
	pd->edits = xcalloc(st->label_pairs_nr + 5 + svc->networks.nr,
			    sizeof(*pd->edits));
	for (i = 0; i < st->label_pairs_nr; i++)
		add_edit(pd, st->label_pairs[2 * i],
			 st->label_pairs[2 * i + 1], true, false);
	if (!pod_template_label(pt, INSTANCE_LABEL) &&
	    !ynode_pairs_get(st->label_pairs, st->label_pairs_nr,
			     INSTANCE_LABEL))
		add_edit(pd, INSTANCE_LABEL, sb->release, true, false);
	if (svc->presented)
		add_edit(pd, PRESENTED_LABEL, svc->name, false, false);
	add_edit(pd, SERVICE_LABEL, svc->name, false, true);
	add_edit(pd, RELEASE_LABEL, sb->release, true, true);
	add_edit(pd, SANDBOX_LABEL, "true", true, true);
	for (i = 0; i < svc->networks.nr; i++)
		keys_len += strlen(NETWORK_LABEL_PREFIX) +
			    strlen(svc->networks.items[i]) + 1;
	if (!keys_len)
		return;
	pd->network_keys = key = xmalloc(keys_len);
	for (i = 0; i < svc->networks.nr; i++) {
		size_t len = strlen(svc->networks.items[i]);

		memcpy(key, NETWORK_LABEL_PREFIX, strlen(NETWORK_LABEL_PREFIX));
		memcpy(key + strlen(NETWORK_LABEL_PREFIX),
		       svc->networks.items[i], len + 1);
		add_edit(pd, key, "true", true, true);
		key += strlen(NETWORK_LABEL_PREFIX) + len + 1;
	}
}

/*
 * Apply edit e to labels (key, value, ...) as inject.c applies it. A
 * value of NULL (a service left unnamed, refused already) removes the
 * label: no telling what it will be. The strings are borrowed.
 */
static void apply_edit(const char **labels, size_t *nr,
		       const struct label_edit *e)
{
	size_t i;

	for (i = 0; i < *nr && strcmp(labels[2 * i], e->key); i++)
		;
	if (i < *nr && !e->last && e->value) {
		labels[2 * i + 1] = e->value;
		return;
	}
	if (i < *nr) {
		memmove(&labels[2 * i], &labels[2 * i + 2],
			(*nr - i - 1) * 2 * sizeof(*labels));
		(*nr)--;
	}
	if (!e->value)
		return;
	labels[2 * *nr] = e->key;
	labels[2 * *nr + 1] = e->value;
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
		pd->labels[i] = pt->labels[i];
	pd->labels_nr = pt->labels_nr;
	for (i = 0; i < pd->edits_nr; i++)
		apply_edit(pd->labels, &pd->labels_nr, &pd->edits[i]);
}

const char *decided_label(const struct pod_template *pt, const char *key)
{
	size_t i;

	if (!pt->decided.labels)
		BUG("pod template %s: labels read before they are decided",
		    pt->name ? pt->name : "(unnamed)");
	for (i = 0; i < pt->decided.labels_nr; i++)
		if (!strcmp(pt->decided.labels[2 * i], key))
			return pt->decided.labels[2 * i + 1];
	return NULL;
}

void decide_release(struct pod_decisions *pd)
{
	free(pd->edits);
	free(pd->network_keys);
	free(pd->labels);
	free(pd->runtime_class);
	memset(pd, 0, sizeof(*pd));
}
