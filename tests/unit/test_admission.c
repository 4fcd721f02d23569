/*
 * test_admission — tests of src/model/admission.c: one object at a time (parsed
 * with stream_parse()), refused or passed, and what the message names.
 */
#include "unit.h"
#include "admission.h"
#include "buf.h"
#include "stream.h"
#include "ynode.h"

#include <stdbool.h>

#define MWC "apiVersion: admissionregistration.k8s.io/v1\n" \
	"kind: MutatingWebhookConfiguration\n" \
	"metadata: {name: m}\n" \
	"webhooks:\n" \
	"- name: w.example.net\n" \
	"  rules:\n"
/* One rule of a mutating webhook: operations, apiGroups, resources. */
#define RULE(ops, groups, resources) MWC \
	"  - {operations: " ops ", apiGroups: " groups ", " \
	"apiVersions: ['*'], resources: " resources "}\n"
#define KYVERNO(rule) "apiVersion: kyverno.io/v1\n" \
	"kind: ClusterPolicy\n" \
	"metadata: {name: k}\n" \
	"spec:\n" \
	"  rules:\n" \
	"  - name: r\n" rule
#define MAP(kind, path, rules) \
	"apiVersion: admissionregistration.k8s.io/v1beta1\n" \
	"kind: " kind "\n" \
	"metadata: {name: p}\n" \
	"spec: {" path ": {resourceRules: " rules "}}\n"
#define ONE_RULE "[{operations: [CREATE], apiGroups: [''], " \
	"apiVersions: [v1], resources: [pods]}]"
#define SECRETS_RULE "[{operations: [CREATE], apiGroups: [''], " \
	"apiVersions: [v1], resources: [secrets]}]"

struct admission_case {
	const char *yaml;
	size_t errors;		/* how many messages */
	const char *says;	/* a part of the first one, or NULL */
};

static const struct admission_case cases[] = {
	/* Mutating webhooks: what a rule matches. */
	{ RULE("[CREATE]", "['']", "[pods]"), 1,
	  "webhooks[0].rules[0]: the mutating webhook 'w.example.net' "
	  "matches apiGroup '' and resource 'pods' on 'CREATE'" },
	{ RULE("[UPDATE]", "['']", "[pods/ephemeralcontainers]"), 1,
	  "resource 'pods/ephemeralcontainers'" },
	{ RULE("[CREATE]", "['']", "[pods/status]"), 1, "pods/status" },
	{ RULE("['*']", "['']", "[pods]"), 1, "on '*'" },
	{ RULE("[DELETE, UPDATE]", "['']", "[pods]"), 1, "on 'UPDATE'" },
	{ RULE("[PATCH]", "['']", "[pods]"), 1, "on 'PATCH'" },
	{ RULE("['*']", "['*']", "['*']"), 1, "(Pod among them)" },
	{ RULE("[CREATE]", "['*']", "['*/*']"), 1, "(Pod among them)" },
	{ RULE("[CREATE]", "['*']", "['*/scale']"), 1, "'*/scale'" },
	{ RULE("[CREATE]", "['']", "['*']"), 1, "(Pod among them)" },
	{ RULE("[CREATE]", "['*']", "[pods]"), 1, "apiGroup '*'" },
	{ RULE("[CREATE]", "['*']", "[deployments]"), 1, "deployments" },
	{ RULE("[CREATE]", "[apps]", "[deployments]"), 1, "'deployments'" },
	{ RULE("[CREATE]", "[apps]", "[statefulsets]"), 1, NULL },
	{ RULE("[CREATE]", "[apps]", "[daemonsets]"), 1, NULL },
	{ RULE("[CREATE]", "[apps]", "[replicasets]"), 1, NULL },
	{ RULE("[CREATE]", "[apps]", "[controllerrevisions]"), 1, NULL },
	{ RULE("[CREATE]", "[extensions]", "[deployments]"), 1, NULL },
	{ RULE("[CREATE]", "['']", "[replicationcontrollers]"), 1, NULL },
	{ RULE("[CREATE]", "['']", "[podtemplates]"), 1, NULL },
	{ RULE("[CREATE]", "['']", "[configmaps]"), 1, NULL },
	{ RULE("[CREATE]", "[batch]", "[jobs]"), 1, NULL },
	{ RULE("[CREATE]", "[batch]", "[cronjobs]"), 1, NULL },
	{ RULE("[CREATE]", "[argoproj.io]", "[rollouts]"), 1, NULL },
	{ RULE("[CREATE]", "[cilium.io]", "[ciliumnetworkpolicies]"), 1,
	  NULL },
	{ RULE("[CREATE]", "[networking.k8s.io]", "[networkpolicies]"), 1,
	  NULL },
	{ RULE("[CREATE]", "[node.k8s.io]", "[runtimeclasses]"), 1, NULL },
	{ RULE("[CREATE]", "[example.com, apps]", "[widgets, deployments]"),
	  1, "apiGroup 'apps' and resource 'deployments'" },
	/* ... and what it does not. */
	{ RULE("[CREATE]", "['']", "[secrets]"), 0, NULL },
	{ RULE("[CREATE]", "[apps]", "[pods]"), 0, NULL },
	{ RULE("[CREATE]", "['']", "[deployments]"), 0, NULL },
	{ RULE("[CREATE, UPDATE]", "[cert-manager.io, acme.cert-manager.io]",
	       "['*/*']"), 0, NULL },
	{ RULE("[CREATE]", "[example.com]", "['*']"), 0, NULL },
	{ RULE("[DELETE]", "['']", "[pods]"), 0, NULL },
	{ RULE("[CONNECT]", "['']", "[pods/exec]"), 0, NULL },
	{ RULE("[CREATE]", "['*']", "[secrets, widgets/status]"), 0, NULL },
	/* Unreadable rules count as matching. */
	{ RULE("CREATE", "['']", "[secrets]"), 1,
	  "cannot be read (operations is no non-empty list of strings)" },
	{ RULE("[CREATE]", "[]", "[secrets]"), 1, "apiGroups" },
	{ RULE("[CREATE]", "['']", "[[secrets]]"), 1, "resources" },
	{ RULE("[CREATE]", "['']", "[1]"), 1, "resources" },
	{ RULE("[CREATE]", "[~]", "[secrets]"), 1, "apiGroups" },
	{ MWC "  - not a rule\n", 1, "the rule is no mapping" },
	{ MWC "  - {operations: [CREATE], apiGroups: [''], "
	  "resources: [secrets]}\n", 1, "apiVersions" },
	{ MWC, 1, "webhooks[0].rules: the mutating webhook 'w.example.net' "
	  "has none" },
	{ MWC "  []\n", 1, "has none" },
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: MutatingWebhookConfiguration\nmetadata: {name: m}\n"
	  "webhooks: {a: b}\n", 1, "webhooks: the mutating webhooks cannot "
	  "be read" },
	/* One message per webhook. */
	{ RULE("[CREATE]", "['']", "[pods]")
	  "  - {operations: [CREATE], apiGroups: [''], apiVersions: [v1], "
	  "resources: [pods]}\n"
	  "- name: second.example.net\n"
	  "  rules: [{operations: [CREATE], apiGroups: [batch], "
	  "apiVersions: [v1], resources: [jobs]}]\n", 2, "rules[0]" },
	/* No webhooks: nothing is called. */
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: MutatingWebhookConfiguration\nmetadata: {name: m}\n", 0,
	  NULL },
	/* Vouched for; a bad value is refused and does not vouch. */
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: MutatingWebhookConfiguration\n"
	  "metadata: {name: m, annotations: "
	  "{agentenv.io/keep-admission: \"true\"}}\n"
	  "webhooks: [{name: w, rules: " ONE_RULE "}]\n", 0, NULL },
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: MutatingWebhookConfiguration\n"
	  "metadata: {name: m, annotations: "
	  "{agentenv.io/keep-admission: \"false\"}}\n"
	  "webhooks: [{name: w, rules: " ONE_RULE "}]\n", 1, "'pods'" },
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: MutatingWebhookConfiguration\n"
	  "metadata: {name: m, annotations: "
	  "{agentenv.io/keep-admission: \"yes\"}}\n"
	  "webhooks: [{name: w, rules: " ONE_RULE "}]\n", 2,
	  "metadata.annotations[\"agentenv.io/keep-admission\"]: must be "
	  "\"true\" or \"false\"" },
	/* Validation cannot change a request; lookalike groups are not ours. */
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: ValidatingWebhookConfiguration\nmetadata: {name: v}\n"
	  "webhooks: [{name: w, rules: " ONE_RULE "}]\n", 0, NULL },
	{ "apiVersion: example.com/v1\n"
	  "kind: MutatingWebhookConfiguration\nmetadata: {name: m}\n"
	  "webhooks: [{name: w, rules: " ONE_RULE "}]\n", 0, NULL },
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: MutatingWebhookConfigurationList\nmetadata: {name: m}\n", 0,
	  NULL },

	/* MutatingAdmissionPolicy and its binding. */
	{ MAP("MutatingAdmissionPolicy", "matchConstraints", ONE_RULE), 1,
	  "spec.matchConstraints.resourceRules[0]: the mutating policy "
	  "matches apiGroup '' and resource 'pods'" },
	{ MAP("MutatingAdmissionPolicy", "matchConstraints", SECRETS_RULE), 0,
	  NULL },
	{ MAP("MutatingAdmissionPolicy", "matchConstraints", "[]"), 1,
	  "has none" },
	{ "apiVersion: admissionregistration.k8s.io/v1alpha1\n"
	  "kind: MutatingAdmissionPolicy\nmetadata: {name: p}\nspec: {}\n",
	  1, "spec.matchConstraints.resourceRules: the mutating policy has "
	  "none" },
	{ MAP("MutatingAdmissionPolicyBinding", "matchResources", ONE_RULE),
	  1, "spec.matchResources.resourceRules[0]: the binding matches" },
	{ MAP("MutatingAdmissionPolicyBinding", "matchResources",
	      SECRETS_RULE), 0, NULL },
	{ "apiVersion: admissionregistration.k8s.io/v1beta1\n"
	  "kind: MutatingAdmissionPolicyBinding\nmetadata: {name: b}\n"
	  "spec: {policyName: p}\n", 1, "applies its policy to whatever the "
	  "policy matches" },
	{ "apiVersion: admissionregistration.k8s.io/v1\n"
	  "kind: ValidatingAdmissionPolicy\nmetadata: {name: p}\n"
	  "spec: {matchConstraints: {resourceRules: " ONE_RULE "}}\n", 0,
	  NULL },
	{ "apiVersion: policies.kyverno.io/v1alpha1\n"
	  "kind: MutatingPolicy\nmetadata: {name: p}\n"
	  "spec: {matchConstraints: {resourceRules: " ONE_RULE "}}\n", 1,
	  "Kyverno" },

	/* Kyverno rules: mutate on what the match selects. */
	{ KYVERNO("    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		  "    mutate: {}\n"), 1,
	  "spec.rules[0]: the Kyverno rule 'r' mutates what it matches, and "
	  "its match can select kind 'Pod'" },
	{ KYVERNO("    match: {all: [{resources: {kinds: [Secret]}}, "
		  "{resources: {kinds: [Deployment]}}]}\n    mutate: {}\n"), 1,
	  "'Deployment'" },
	{ KYVERNO("    match: {resources: {kinds: [v1/Pod]}}\n"
		  "    mutate: {}\n"), 1, "'v1/Pod'" },
	{ KYVERNO("    match: {any: [{resources: {kinds: "
		  "[apps/v1/StatefulSet]}}]}\n    mutate: {}\n"), 1,
	  "'apps/v1/StatefulSet'" },
	{ KYVERNO("    match: {any: [{resources: {kinds: "
		  "[Pod/ephemeralcontainers]}}]}\n    mutate: {}\n"), 1,
	  "'Pod/ephemeralcontainers'" },
	{ KYVERNO("    match: {any: [{resources: {kinds: ['*']}}]}\n"
		  "    mutate: {}\n"), 1, "'*'" },
	{ KYVERNO("    match: {any: [{resources: {kinds: ['apps/*/*']}}]}\n"
		  "    mutate: {}\n"), 1, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [CronJob]}}]}\n"
		  "    mutate: {}\n"), 1, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Rollout]}}]}\n"
		  "    mutate: {}\n"), 1, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
		  "    mutate: {}\n"), 1, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: "
		  "[CiliumNetworkPolicy]}}]}\n    mutate: {}\n"), 1, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Secret]}}]}\n"
		  "    mutate: {}\n"), 0, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [v1/Namespace]}}]}\n"
		  "    mutate: {}\n"), 0, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Secret]}}]}\n"
		  "    mutate: {targets: [{apiVersion: apps/v1, "
		  "kind: Deployment}]}\n"), 1,
	  "mutates existing objects of kind 'Deployment'" },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Secret]}}]}\n"
		  "    mutate: {targets: [{apiVersion: v1, kind: Secret}]}\n"),
	  0, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Secret]}}]}\n"
		  "    mutate: {targets: oops}\n"), 1, "whose kind cannot be "
	  "read" },
	/* Unreadable matches count as selecting. */
	{ KYVERNO("    mutate: {}\n"), 1, "its match cannot be read" },
	{ KYVERNO("    match: {}\n    mutate: {}\n"), 1, "cannot be read" },
	{ KYVERNO("    match: {any: [{subjects: [{kind: User, name: u}]}]}\n"
		  "    mutate: {}\n"), 1, "cannot be read" },
	{ KYVERNO("    match: {any: {resources: {kinds: [Secret]}}}\n"
		  "    mutate: {}\n"), 1, "cannot be read" },
	{ KYVERNO("    match: {any: [{resources: {kinds: Pod}}]}\n"
		  "    mutate: {}\n"), 1, "cannot be read" },
	{ KYVERNO("    match: {any: [{resources: {kinds: [[Pod]]}}]}\n"
		  "    mutate: {}\n"), 1, "cannot be read" },
	/* Generate: what it creates. */
	{ KYVERNO("    match: {any: [{resources: {kinds: [Namespace]}}]}\n"
		  "    generate: {apiVersion: networking.k8s.io/v1, "
		  "kind: NetworkPolicy, name: n}\n"), 1,
	  "generates objects of kind 'NetworkPolicy'" },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Namespace]}}]}\n"
		  "    generate: {apiVersion: v1, kind: Secret, name: s}\n"),
	  0, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Namespace]}}]}\n"
		  "    generate: {cloneList: {kinds: [v1/Secret, v1/ConfigMap]}}"
		  "\n"), 1, "'v1/ConfigMap'" },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Namespace]}}]}\n"
		  "    generate: {foreach: []}\n"), 1, "generates objects "
	  "whose kind cannot be read" },
	/* Validation and image digests pass; unknown rule types do not. */
	{ KYVERNO("    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		  "    validate: {pattern: {}}\n"), 0, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		  "    verifyImages: [{imageReferences: ['*']}]\n"), 0, NULL },
	{ KYVERNO("    match: {any: [{resources: {kinds: [Pod]}}]}\n"
		  "    transmogrify: {}\n"), 1, "no rule type" },
	{ "apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: k}\n"
	  "spec: {rules: [not a rule]}\n", 1, "cannot be read (no mapping)" },
	{ "apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: k}\n"
	  "spec: {rules: {}}\n", 1, "spec.rules: the Kyverno rules cannot "
	  "be read" },
	{ "apiVersion: kyverno.io/v1\nkind: Policy\nmetadata: {name: k}\n"
	  "spec: {}\n", 0, NULL },
	{ "apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata: {name: a}\n"
	  "rules: [{level: Metadata}]\n", 0, NULL },

	/* Refused whatever they say. */
	{ "apiVersion: policies.kyverno.io/v1alpha1\nkind: GeneratingPolicy\n"
	  "metadata: {name: g}\nspec: {}\n", 1, "kind: 'GeneratingPolicy' "
	  "(policies.kyverno.io) is refused whatever it says" },
	{ "apiVersion: mutations.gatekeeper.sh/v1\nkind: Assign\n"
	  "metadata: {name: a}\nspec: {}\n", 1, "Gatekeeper" },
	{ "apiVersion: mutations.gatekeeper.sh/v1\nkind: AssignMetadata\n"
	  "metadata: {name: a}\nspec: {}\n", 1, "'AssignMetadata'" },
	{ "apiVersion: mutations.gatekeeper.sh/v1beta1\nkind: ModifySet\n"
	  "metadata: {name: a}\nspec: {}\n", 1, NULL },
	{ "apiVersion: mutations.gatekeeper.sh/v1alpha1\nkind: AssignImage\n"
	  "metadata: {name: a}\nspec: {}\n", 1, NULL },
	{ "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\n"
	  "metadata: {name: gvisor}\nhandler: runc\n", 1,
	  "kind: 'RuntimeClass' (node.k8s.io) is refused whatever it says: "
	  "the kubelet runs a pod with the handler" },
	{ "apiVersion: node.k8s.io/v1beta1\nkind: RuntimeClass\n"
	  "metadata: {name: kata}\nhandler: kata\n", 1, NULL },
	{ "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\n"
	  "metadata: {name: kata, annotations: "
	  "{agentenv.io/keep-admission: \"true\"}}\nhandler: kata\n", 0,
	  NULL },
	{ "apiVersion: example.com/v1\nkind: RuntimeClass\n"
	  "metadata: {name: gvisor}\n", 0, NULL },
	{ "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
	  "spec: {containers: [{name: c, image: i}]}\n", 0, NULL },
};

START_TEST(test_admission_cases)
{
	const struct admission_case *c = &cases[_i];
	struct stream s;
	size_t len = strlen(c->yaml);
	const char *msgs;

	stream_init(&s);
	ck_assert_uint_eq(stream_parse(&s, xmemdup0(c->yaml, len), len), 0);
	ck_assert_uint_eq(s.nr, 1);
	admission_check(&s.docs[0].objects[0].where,
			fy_document_root(s.docs[0].fyd));
	msgs = diag_collected();
	ck_assert_msg(diag_error_count() == c->errors,
		      "case %d: %zu errors, want %zu:\n%s\n%s", _i,
		      diag_error_count(), c->errors, c->yaml, msgs);
	if (c->says)
		ck_assert_msg(strstr(msgs, c->says), "case %d: no '%s' in:\n%s",
			      _i, c->says, msgs);
	if (c->errors)
		ck_assert_msg(strstr(msgs, "remove it from the chart, install "
				     "it separately, or vouch for it with the "
				     "annotation agentenv.io/keep-admission: "
				     "\"true\""),
			      "case %d: no way out in:\n%s", _i, msgs);
	stream_release(&s);
}
END_TEST

/* Lines are counted from the object's own line (w->line). */
START_TEST(test_admission_line)
{
	static const char yaml[] = "apiVersion: v1\nkind: ConfigMap\n"
		"metadata: {name: c}\n"
		"---\n"
		"# Source: x.yaml\n" RULE("[CREATE]", "['']", "[pods]");
	struct stream s;

	stream_init(&s);
	ck_assert_uint_eq(stream_parse(&s, xmemdup0(yaml, sizeof(yaml) - 1),
					sizeof(yaml) - 1), 0);
	ck_assert_uint_eq(s.nr, 2);
	admission_check(&s.docs[1].objects[0].where,
			fy_document_root(s.docs[1].fyd));
	ck_assert_msg(strstr(diag_collected(), "document 2 "
			     "(MutatingWebhookConfiguration/m), line 12: "
			     "webhooks[0].rules[0]:"), "%s", diag_collected());
	stream_release(&s);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("admission");
	TCase *tc = tcase_create("admission");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_admission_cases, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, test_admission_line);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
