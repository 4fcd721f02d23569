/*
 * chartpolicy — the chart's own network policies (see chartpolicy.h).
 */
#include "chartpolicy.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chartnet.h"
#include "lists.h"
#include "ynode.h"

static const char *policy_kind(struct fy_node *object)
{
	static const char *const kinds[] = { "NetworkPolicy",
		"CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy" };
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (ynode_is(ynode_get(object, "kind"), kinds[i]))
			return kinds[i];
	return NULL;
}

static void read_policy(struct doc *d, const struct object *o,
			struct fy_node *object, struct chart_policies *cps)
{
	const char *kind = policy_kind(object);
	struct fy_node *keep = ynode_path(object, "/metadata/annotations/'"
					  KEEP_POLICY_ANNOTATION "'");
	struct chart_policy *cp;

	if (!kind || ynode_is(ynode_path(object, "/metadata/labels/'"
					 GENERATED_LABEL "'"), "true"))
		return;		/* not a policy, or one of ours */
	cps->items = xgrow(cps->items, sizeof(*cps->items), cps->nr + 1,
			   &cps->alloc);
	cp = &cps->items[cps->nr++];
	memset(cp, 0, sizeof(*cp));
	cp->doc = d;
	cp->kind = xstrdup(kind);
	cp->name = ynode_strdup(ynode_path(object, "/metadata/name"));
	cp->namespace = ynode_strdup(ynode_path(object, "/metadata/namespace"));
	cp->where = o->where;
	cp->where.kind = cp->kind;
	cp->where.name = cp->name;
	cp->where.line = doc_line(d, object);
	cp->cluster_wide = !strcmp(kind, "CiliumClusterwideNetworkPolicy");
	cp->in_list = d->list;
	if (keep && !ynode_is(keep, "false")) {
		cp->keep = ynode_is(keep, "true");
		if (!cp->keep) {
			struct where w = cp->where;

			w.line = doc_line(d, keep);
			diag_error(&w, "metadata.annotations[\""
				   KEEP_POLICY_ANNOTATION "\"]: must be "
				   "\"true\" or \"false\"");
		}
	}
	chartnet_read(object, kind, &cp->net);
}

void chart_policies_read(struct doc *d, struct chart_policies *cps)
{
	size_t i;

	if (!d->fyd || d->stale)
		return;
	for (i = 0; i < d->nr_objects; i++)
		read_policy(d, &d->objects[i], doc_object_node(d, i), cps);
}

/*
 * The sandbox's egress may reach pods left outside it: an allowed entity
 * or CIDR can cover them (no label of ours admits them: plan.c refuses
 * those on opted-out pods). A policy that widens such a pod widens what
 * the agent can reach through it.
 */
static bool reaches_unsandboxed(const struct sandbox *sb)
{
	const struct egress *e = &sb->settings->egress;
	size_t i;

	if (e->entities.nr || e->cidrs.nr)
		return true;
	for (i = 0; i < sb->nr; i++) {
		e = &sb->services[i].egress;
		if (e->entities.nr || e->cidrs.nr)
			return true;
	}
	return false;
}

/* A namespaced policy reaches only its own namespace's pods. */
bool chart_policy_in_namespace(const struct chart_policy *cp,
			       const struct sandbox *sb)
{
	return cp->cluster_wide || !cp->namespace || !sb->namespace ||
	       !strcmp(cp->namespace, sb->namespace);
}

/*
 * The first pod template cp selects that it could widen the sandbox
 * through: a sandboxed one, or one left out that the sandbox reaches.
 */
static const struct pod_template *first_selected(const struct chart_policy *cp,
						 const struct sandbox *sb,
						 const struct pod_templates *pts)
{
	bool left_out_count = reaches_unsandboxed(sb);
	size_t i, j;

	if (!chart_policy_in_namespace(cp, sb))
		return NULL;
	for (i = 0; i < pts->nr; i++) {
		const struct pod_template *pt = &pts->items[i];

		if (pt->opted_out ? !left_out_count :
		    pt->service == NO_SERVICE ||
		    !sb->services[pt->service].name)
			continue;
		for (j = 0; j < cp->net.nr; j++)
			if (net_policy_selects(&cp->net.items[j], pt, sb))
				return pt;
	}
	return NULL;
}

void chart_policies_check(const struct chart_policies *cps,
			  struct sandbox *sb, const struct pod_templates *pts,
			  bool drop)
{
	size_t i;

	for (i = 0; i < cps->nr; i++) {
		const struct chart_policy *cp = &cps->items[i];
		const struct pod_template *pt = first_selected(cp, sb, pts);
		struct buf what = BUF_INIT;

		if (!pt)
			continue;
		buf_addf(&what, "%s/%s", cp->kind, cp->name ? cp->name : "");
		if (cp->keep) {
			strlist_add(&sb->kept_policies, what.data, what.len);
		} else if (drop && !cp->in_list) {
			cp->doc->dropped = true;
			diag_warning(&cp->where, "dropped (--drop-chart-"
				     "policies): it selects the %s pods "
				     "of %s/%s", pt->opted_out ?
				     "opted-out (reachable)" : "sandboxed",
				     pt->kind,
				     pt->name ? pt->name : "");
		} else {
			diag_error(&cp->where, "would widen the sandbox of "
				   "%s/%s: turn it off in the chart (often "
				   "networkPolicy.enabled=false), %s, or vouch "
				   "for it with the annotation "
				   KEEP_POLICY_ANNOTATION ": \"true\" (it "
				   "selects those %s pods, and Cilium OR-s "
				   "allow rules: a policy can only add to what "
				   "they may reach)", pt->kind,
				   pt->name ? pt->name : "", cp->in_list ?
				   "take it out of its List (one in a List "
				   "cannot be dropped)" :
				   "pass --drop-chart-policies",
				   pt->opted_out ? "opted-out pods, which the "
				   "sandbox reaches (an allowed entity or CIDR "
				   "covers them)," : "sandboxed");
		}
		buf_release(&what);
	}
}

void chart_policies_release(struct chart_policies *cps)
{
	size_t i;

	for (i = 0; i < cps->nr; i++) {
		struct chart_policy *cp = &cps->items[i];

		net_policies_release(&cp->net);
		free(cp->kind);
		free(cp->name);
		free(cp->namespace);
	}
	free(cps->items);
	memset(cps, 0, sizeof(*cps));
}
