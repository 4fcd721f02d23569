/*
 * admission — objects that would change the pods after our check (see
 * admission.h).
 */
#include "admission.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "stream.h"
#include "vocab.h"
#include "ynode.h"

/*
 * What the sandbox rests on, by API group, resource and kind (see
 * admission.h). Old groups are rows too: matchPolicy Equivalent makes a
 * rule on extensions deployments match apps/v1 ones.
 */
static const struct target {
	const char *group;
	const char *resource;
	const char *kind;
} targets[] = {
	{ "", "pods", "Pod" },
	{ "", "replicationcontrollers", "ReplicationController" },
	{ "", "podtemplates", "PodTemplate" },
	{ "", "configmaps", "ConfigMap" },
	{ "apps", "deployments", "Deployment" },
	{ "apps", "statefulsets", "StatefulSet" },
	{ "apps", "daemonsets", "DaemonSet" },
	{ "apps", "replicasets", "ReplicaSet" },
	{ "apps", "controllerrevisions", "ControllerRevision" },
	{ "extensions", "deployments", "Deployment" },
	{ "extensions", "daemonsets", "DaemonSet" },
	{ "extensions", "replicasets", "ReplicaSet" },
	{ "extensions", "networkpolicies", "NetworkPolicy" },
	{ "batch", "jobs", "Job" },
	{ "batch", "cronjobs", "CronJob" },
	{ "argoproj.io", "rollouts", "Rollout" },
	{ "networking.k8s.io", "networkpolicies", "NetworkPolicy" },
	{ "cilium.io", "ciliumnetworkpolicies", "CiliumNetworkPolicy" },
	{ "cilium.io", "ciliumclusterwidenetworkpolicies",
	  "CiliumClusterwideNetworkPolicy" },
	{ "node.k8s.io", "runtimeclasses", "RuntimeClass" },
};

#define NR_TARGETS (sizeof(targets) / sizeof(targets[0]))

enum check {
	CHECK_WEBHOOKS,		/* webhooks[].rules[] */
	CHECK_CONSTRAINTS,	/* spec.matchConstraints.resourceRules[] */
	CHECK_BINDING,		/* spec.matchResources.resourceRules[] */
	CHECK_KYVERNO,		/* spec.rules[] */
	CHECK_ALWAYS,
};

/* Why the cluster acts on each: said in every message. */
#define ACTS_WEBHOOK "the API server calls it for every such request, " \
	"each pod CREATE included, and applies the patch it returns: it " \
	"can remove the sandbox after agentenv-post's check"
#define ACTS_POLICY "the API server applies its mutations to every such " \
	"request, each pod CREATE included: they can remove the sandbox " \
	"after agentenv-post's check"
#define ACTS_KYVERNO "Kyverno's webhook applies it to every such " \
	"request, each pod CREATE included: it can remove the sandbox " \
	"after agentenv-post's check"
#define ACTS_GATEKEEPER "Gatekeeper's webhook applies it to every " \
	"object it matches, each pod CREATE included, and its reach is not " \
	"evaluated: it can remove the sandbox after agentenv-post's check"
#define ACTS_RUNTIME_CLASS "the kubelet runs a pod with the handler its " \
	"RuntimeClass names: one named as the sandbox's runtime class " \
	"(" GVISOR_RUNTIME_CLASS ") would run the sandboxed pods without gVisor"

#define WAY_OUT "remove it from the chart, install it separately, or " \
	"vouch for it with the annotation " KEEP_ADMISSION_ANNOTATION \
	": \"true\""

static const struct admission_kind {
	const char *group;
	const char *kind;	/* NULL: every kind of the group */
	enum check check;
	const char *acts;
} admission_kinds[] = {
	{ "admissionregistration.k8s.io", "MutatingWebhookConfiguration",
	  CHECK_WEBHOOKS, ACTS_WEBHOOK },
	{ "admissionregistration.k8s.io", "MutatingAdmissionPolicy",
	  CHECK_CONSTRAINTS, ACTS_POLICY },
	{ "admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding",
	  CHECK_BINDING, ACTS_POLICY },
	{ "kyverno.io", "ClusterPolicy", CHECK_KYVERNO, ACTS_KYVERNO },
	{ "kyverno.io", "Policy", CHECK_KYVERNO, ACTS_KYVERNO },
	{ "policies.kyverno.io", "MutatingPolicy", CHECK_CONSTRAINTS,
	  ACTS_KYVERNO },
	{ "policies.kyverno.io", "NamespacedMutatingPolicy",
	  CHECK_CONSTRAINTS, ACTS_KYVERNO },
	{ "policies.kyverno.io", "GeneratingPolicy", CHECK_ALWAYS,
	  "Kyverno creates objects on the requests it matches, and what it "
	  "creates is not what it matches: a network policy or a pod" },
	{ "policies.kyverno.io", "NamespacedGeneratingPolicy", CHECK_ALWAYS,
	  "Kyverno creates objects on the requests it matches, and what it "
	  "creates is not what it matches: a network policy or a pod" },
	{ "mutations.gatekeeper.sh", NULL, CHECK_ALWAYS, ACTS_GATEKEEPER },
	{ "node.k8s.io", "RuntimeClass", CHECK_ALWAYS, ACTS_RUNTIME_CLASS },
};

#define NR_ADMISSION_KINDS \
	(sizeof(admission_kinds) / sizeof(admission_kinds[0]))

struct ctx {
	struct where w;
	struct fy_node *object;
	const struct admission_kind *k;
};

/* The line of n in the stream. */
static size_t line_of(const struct ctx *c, struct fy_node *n)
{
	return object_line(&c->w, c->object, n);
}

static void add_quoted(struct buf *b, const char *s, size_t len)
{
	buf_addf(b, "'%.*s%s'", diag_shown(len), s, diag_cut(len));
}

static void add_quoted_node(struct buf *b, struct fy_node *n)
{
	size_t len = 0;
	const char *s = ynode_scalar(n, &len);

	add_quoted(b, s ? s : "", s ? len : 0);
}

/* One refusal: "field: subject what: acts; way out", at n's line. */
static void refuse(const struct ctx *c, struct fy_node *n, const char *field,
		   const char *subject, const struct buf *what)
{
	struct where w = c->w;

	w.line = line_of(c, n ? n : c->object);
	diag_error(&w, "%s: %s %s: %s; " WAY_OUT, field, subject, what->data,
		   c->k->acts);
}

/* seq is a non-empty list of strings. */
static bool string_list(struct fy_node *seq)
{
	int i, n = ynode_count(seq);

	if (!ynode_is_sequence(seq) || n <= 0)
		return false;
	for (i = 0; i < n; i++)
		if (!ynode_is_string(ynode_at(seq, i)))
			return false;
	return true;
}

/* The first target group g and resource r can name ("*": any), or NULL. */
static const struct target *target_of(const char *g, size_t glen,
				      const char *r, size_t rlen)
{
	const char *slash = memchr(r, '/', rlen);
	size_t i;

	if (slash)
		rlen = (size_t)(slash - r);	/* any subresource counts */
	for (i = 0; i < NR_TARGETS; i++) {
		const struct target *t = &targets[i];

		if (!(glen == 1 && g[0] == '*') &&
		    !(strlen(t->group) == glen && !memcmp(t->group, g, glen)))
			continue;
		if ((rlen == 1 && r[0] == '*') ||
		    (strlen(t->resource) == rlen &&
		     !memcmp(t->resource, r, rlen)))
			return t;
	}
	return NULL;
}

/* The first operation of ops that can change an object, or NULL. */
static struct fy_node *changing_operation(struct fy_node *ops)
{
	int i, n = ynode_count(ops);

	for (i = 0; i < n; i++) {
		struct fy_node *op = ynode_at(ops, i);

		/* A DELETE or CONNECT request holds no object to change. */
		if (!ynode_is(op, "DELETE") && !ynode_is(op, "CONNECT"))
			return op;
	}
	return NULL;
}

/*
 * True when rule (RuleWithOperations, NamedRuleWithOperations) can match
 * a target or cannot be read; what says which.
 */
static bool rule_reaches(struct fy_node *rule, struct buf *what)
{
	static const char *const lists[] = { "apiGroups", "apiVersions",
		"resources", "operations" };
	struct fy_node *groups = ynode_get(rule, "apiGroups");
	struct fy_node *resources = ynode_get(rule, "resources");
	struct fy_node *op;
	int i, j, ng, nr;

	if (!ynode_is_mapping(rule)) {
		buf_adds(what, "cannot be read (the rule is no mapping)");
		return true;
	}
	for (i = 0; i < (int)(sizeof(lists) / sizeof(lists[0])); i++)
		if (!string_list(ynode_get(rule, lists[i]))) {
			buf_addf(what, "cannot be read (%s is no non-empty "
				 "list of strings)", lists[i]);
			return true;
		}
	op = changing_operation(ynode_get(rule, "operations"));
	if (!op)
		return false;
	ng = ynode_count(groups);
	nr = ynode_count(resources);
	for (i = 0; i < ng; i++) {
		size_t glen, rlen;
		const char *g = ynode_scalar(ynode_at(groups, i), &glen);

		for (j = 0; j < nr; j++) {
			const char *r = ynode_scalar(ynode_at(resources, j),
						     &rlen);
			const struct target *t = target_of(g, glen, r, rlen);

			if (!t)
				continue;
			buf_adds(what, "matches apiGroup ");
			add_quoted(what, g, glen);
			buf_adds(what, " and resource ");
			add_quoted(what, r, rlen);
			buf_adds(what, " on ");
			add_quoted_node(what, op);
			if (memchr(g, '*', glen) || memchr(r, '*', rlen))
				buf_addf(what, " (%s among them)", t->kind);
			return true;
		}
	}
	return false;
}

/*
 * Each rule of a list of rules at path (field: its name in messages);
 * absent: what_absent, NULL when that is fine.
 */
static void check_rules(const struct ctx *c, struct fy_node *parent,
			const char *key, const char *field, const char *subject,
			const char *what_absent)
{
	struct fy_node *rules = ynode_get(parent, key);
	struct buf what = BUF_INIT;
	struct buf at = BUF_INIT;
	int i, n = ynode_count(rules);

	if (ynode_is_null(rules) || (ynode_is_sequence(rules) && !n)) {
		if (what_absent) {
			buf_adds(&what, what_absent);
			refuse(c, rules ? rules : parent, field, subject,
			       &what);
		}
	} else if (!ynode_is_sequence(rules)) {
		buf_adds(&what, "cannot be read (no list)");
		refuse(c, rules, field, subject, &what);
	}
	for (i = 0; i < n; i++) {
		struct fy_node *rule = ynode_at(rules, i);

		buf_reset(&what);
		if (!rule_reaches(rule, &what))
			continue;
		buf_reset(&at);
		buf_addf(&at, "%s[%d]", field, i);
		refuse(c, rule, at.data, subject, &what);
		break;	/* one message for one set of rules */
	}
	buf_release(&at);
	buf_release(&what);
}

static void check_webhooks(const struct ctx *c)
{
	struct fy_node *hooks = ynode_get(c->object, "webhooks");
	struct buf field = BUF_INIT;
	struct buf subject = BUF_INIT;
	struct buf what = BUF_INIT;
	int i, n = ynode_count(hooks);

	if (!ynode_is_null(hooks) && !ynode_is_sequence(hooks)) {
		buf_adds(&what, "cannot be read (no list)");
		refuse(c, hooks, "webhooks", "the mutating webhooks", &what);
	}
	for (i = 0; i < n; i++) {
		struct fy_node *hook = ynode_at(hooks, i);

		buf_reset(&field);
		buf_addf(&field, "webhooks[%d].rules", i);
		buf_reset(&subject);
		buf_adds(&subject, "the mutating webhook ");
		add_quoted_node(&subject, ynode_get(hook, "name"));
		check_rules(c, hook, "rules", field.data, subject.data,
			    "has none (counted as matching everything)");
	}
	buf_release(&field);
	buf_release(&subject);
	buf_release(&what);
}

/* What a Kyverno kind or list of kinds can select. */
enum reach { REACH_NONE, REACH_TARGET, REACH_UNREADABLE };

/* A Kyverno kind ("Pod", "apps/v1/Deployment", "Pod/status", "*"). */
static enum reach kind_reaches(struct fy_node *kind)
{
	size_t len;
	const char *s = ynode_scalar(kind, &len);
	const char *end, *p;

	if (!s || !ynode_is_string(kind))
		return REACH_UNREADABLE;
	end = s + len;
	for (p = s;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t part = (size_t)((slash ? slash : end) - p);
		size_t i;

		if (memchr(p, '*', part) || memchr(p, '?', part))
			return REACH_TARGET;
		for (i = 0; i < NR_TARGETS; i++)
			if (strlen(targets[i].kind) == part &&
			    !memcmp(targets[i].kind, p, part))
				return REACH_TARGET;
		if (!slash)
			return REACH_NONE;
		p = slash + 1;
	}
}

/* The kinds of a list; *hit: the kind that reaches. */
static enum reach kinds_reach(struct fy_node *kinds, struct fy_node **hit)
{
	int i, n = ynode_count(kinds);

	if (!ynode_is_sequence(kinds) || n <= 0)
		return REACH_UNREADABLE;
	for (i = 0; i < n; i++) {
		enum reach r = kind_reaches(ynode_at(kinds, i));

		if (r != REACH_NONE) {
			*hit = ynode_at(kinds, i);
			return r;
		}
	}
	return REACH_NONE;
}

/* A match block: its filters' kinds ("all" read as "any"). */
static enum reach match_reaches(struct fy_node *match, struct fy_node **hit)
{
	static const char *const lists[] = { "any", "all" };
	enum reach r;
	size_t l;

	if (!ynode_is_mapping(match) ||
	    (!ynode_get(match, "any") && !ynode_get(match, "all") &&
	     !ynode_get(match, "resources")))
		return REACH_UNREADABLE;
	if (ynode_get(match, "resources")) {
		r = kinds_reach(ynode_path(match, "/resources/kinds"), hit);
		if (r != REACH_NONE)
			return r;
	}
	for (l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		struct fy_node *filters = ynode_get(match, lists[l]);
		int i, n = ynode_count(filters);

		if (!filters)
			continue;
		if (!ynode_is_sequence(filters))
			return REACH_UNREADABLE;
		for (i = 0; i < n; i++) {
			r = kinds_reach(ynode_path(ynode_at(filters, i),
						   "/resources/kinds"), hit);
			if (r != REACH_NONE)
				return r;
		}
	}
	return REACH_NONE;
}

/* mutate.targets: the existing objects a rule mutates. */
static enum reach targets_reach(struct fy_node *list, struct fy_node **hit)
{
	int i, n = ynode_count(list);

	if (ynode_is_null(list))
		return REACH_NONE;
	if (!ynode_is_sequence(list))
		return REACH_UNREADABLE;
	for (i = 0; i < n; i++) {
		struct fy_node *kind = ynode_get(ynode_at(list, i), "kind");
		enum reach r = kind_reaches(kind);

		if (r != REACH_NONE) {
			*hit = kind;
			return r;
		}
	}
	return REACH_NONE;
}

/* What a generate rule creates. */
static enum reach generates_target(struct fy_node *generate,
				   struct fy_node **hit)
{
	struct fy_node *kind = ynode_get(generate, "kind");
	struct fy_node *kinds = ynode_path(generate, "/cloneList/kinds");

	if (kind) {
		*hit = kind;
		return kind_reaches(kind);
	}
	if (kinds)
		return kinds_reach(kinds, hit);
	return REACH_UNREADABLE;
}

/* what: "<doing> kind 'X'", or unreadable. */
static bool describe(enum reach r, struct fy_node *hit, const char *doing,
		     const char *unreadable, struct buf *what)
{
	if (r == REACH_NONE)
		return false;
	buf_reset(what);
	if (r == REACH_TARGET) {
		buf_adds(what, doing);
		buf_adds(what, "kind ");
		add_quoted_node(what, hit);
	} else {
		buf_adds(what, unreadable);
	}
	return true;
}

/* One rule: true when it can change a target (what says how). */
static bool kyverno_rule_reaches(struct fy_node *rule, struct buf *what)
{
	struct fy_node *mutate = ynode_get(rule, "mutate");
	struct fy_node *generate = ynode_get(rule, "generate");
	struct fy_node *hit = NULL;

	if (!ynode_is_mapping(rule)) {
		buf_adds(what, "cannot be read (no mapping)");
		return true;
	}
	if (mutate) {
		enum reach r = match_reaches(ynode_get(rule, "match"), &hit);

		if (describe(r, hit, "mutates what it matches, and its match "
			     "can select ", "mutates what it matches, and its "
			     "match cannot be read (counted as selecting "
			     "pods)", what))
			return true;
		r = targets_reach(ynode_get(mutate, "targets"), &hit);
		if (describe(r, hit, "mutates existing objects of ",
			     "mutates existing objects whose kind cannot be "
			     "read", what))
			return true;
	}
	if (generate) {
		enum reach r = generates_target(generate, &hit);

		if (describe(r, hit, "generates objects of ", "generates "
			     "objects whose kind cannot be read", what))
			return true;
	}
	if (!mutate && !generate && !ynode_get(rule, "validate") &&
	    !ynode_get(rule, "verifyImages")) {
		buf_adds(what, "is of no rule type agentenv-post knows "
			 "(mutate, generate, validate, verifyImages)");
		return true;
	}
	return false;
}

static void check_kyverno(const struct ctx *c)
{
	struct fy_node *rules = ynode_path(c->object, "/spec/rules");
	struct buf field = BUF_INIT;
	struct buf subject = BUF_INIT;
	struct buf what = BUF_INIT;
	int i, n = ynode_count(rules);

	if (!ynode_is_null(rules) && !ynode_is_sequence(rules)) {
		buf_adds(&what, "cannot be read (no list)");
		refuse(c, rules, "spec.rules", "the Kyverno rules", &what);
	}
	for (i = 0; i < n; i++) {
		struct fy_node *rule = ynode_at(rules, i);

		buf_reset(&what);
		if (!kyverno_rule_reaches(rule, &what))
			continue;
		buf_reset(&field);
		buf_addf(&field, "spec.rules[%d]", i);
		buf_reset(&subject);
		buf_adds(&subject, "the Kyverno rule ");
		add_quoted_node(&subject, ynode_get(rule, "name"));
		refuse(c, rule, field.data, subject.data, &what);
	}
	buf_release(&field);
	buf_release(&subject);
	buf_release(&what);
}

static void check_always(const struct ctx *c)
{
	struct buf subject = BUF_INIT;
	struct buf what = BUF_INIT;

	add_quoted_node(&subject, ynode_get(c->object, "kind"));
	buf_addf(&subject, " (%s)", c->k->group);
	buf_adds(&what, "is refused whatever it says");
	refuse(c, ynode_get(c->object, "kind"), "kind", subject.data, &what);
	buf_release(&subject);
	buf_release(&what);
}

/* object's apiVersion is in group; one that is no string counts as in. */
static bool in_group(struct fy_node *object, const char *group)
{
	struct fy_node *api = ynode_get(object, "apiVersion");
	size_t len;
	const char *s = ynode_scalar(api, &len);
	const char *slash;

	if (!s || !ynode_is_string(api))
		return true;
	slash = memchr(s, '/', len);
	return slash && (size_t)(slash - s) == strlen(group) &&
	       !memcmp(s, group, strlen(group));
}

static const struct admission_kind *find_kind(struct fy_node *object)
{
	struct fy_node *kind = ynode_get(object, "kind");
	size_t i;

	for (i = 0; i < NR_ADMISSION_KINDS; i++) {
		const struct admission_kind *k = &admission_kinds[i];

		if ((k->kind ? ynode_is(kind, k->kind) : kind != NULL) &&
		    in_group(object, k->group))
			return k;
	}
	return NULL;
}

/* The object vouched for with keep-admission; a bad value is reported. */
static bool kept(const struct ctx *c)
{
	struct fy_node *keep = ynode_path(c->object, "/metadata/annotations/'"
					  KEEP_ADMISSION_ANNOTATION "'");
	struct where w = c->w;

	if (!keep || ynode_is(keep, "false"))
		return false;
	if (ynode_is(keep, "true"))
		return true;
	w.line = line_of(c, keep);
	diag_error(&w, "metadata.annotations[\"" KEEP_ADMISSION_ANNOTATION
		   "\"]: must be \"true\" or \"false\"");
	return false;
}

void admission_check(const struct where *w, struct fy_node *object)
{
	struct ctx c = { *w, object, NULL };

	if (!ynode_is_mapping(object))
		return;
	c.k = find_kind(object);
	if (!c.k || kept(&c))
		return;
	/* (Anchors and aliases never get here: stream.c refuses them.) */
	switch (c.k->check) {
	case CHECK_WEBHOOKS:
		check_webhooks(&c);
		break;
	case CHECK_CONSTRAINTS:
		check_rules(&c, ynode_path(object, "/spec/matchConstraints"),
			    "resourceRules",
			    "spec.matchConstraints.resourceRules",
			    "the mutating policy",
			    "has none (counted as matching everything)");
		break;
	case CHECK_BINDING:
		check_rules(&c, ynode_path(object, "/spec/matchResources"),
			    "resourceRules",
			    "spec.matchResources.resourceRules",
			    "the binding",
			    "has none: it then applies its policy to whatever "
			    "the policy matches, which cannot be told here");
		break;
	case CHECK_KYVERNO:
		check_kyverno(&c);
		break;
	case CHECK_ALWAYS:
		check_always(&c);
		break;
	}
}
