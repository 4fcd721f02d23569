/*
 * test_chartpolicy — the chart-policy judge (chartpolicy.c) through the
 * whole program path: a stream holding a sandboxed Deployment (labels
 * app: web, tier: front) and an opted-out one (app: tools) in namespace
 * ns of release r, plus one chart policy per case, is post-rendered and
 * the case says whether the run is refused. Every selector that cannot
 * be evaluated must select (fail closed); the others are judged by
 * Kubernetes' label selector rules on the pods' final labels.
 */
#include "unit.h"
#include "buf.h"
#include "diag.h"
#include "postrender.h"
#include "sandbox.h"
#include "ynode.h"

#include <stdbool.h>

#define WEB(annotations) \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n" \
	"  name: r-web\n" annotations \
	"spec:\n  template:\n    metadata:\n" \
	"      labels: {app: web, tier: front}\n" \
	"    spec:\n      containers:\n      - {name: web, image: nginx}\n"
#define TOOLS \
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n" \
	"  name: r-tools\n  annotations: {agentenv.io/inject: \"false\"}\n" \
	"spec:\n  template:\n    metadata:\n      labels: {app: tools}\n" \
	"    spec:\n      containers:\n      - {name: tools, image: busybox}\n"
#define PODS WEB("") TOOLS
/* The sandbox reaches a CIDR: the opted-out pods may be widened too. */
#define PODS_CIDR WEB("  annotations: {agentenv.io/allow-cidr: " \
		      "10.0.0.0/8}\n") TOOLS

#define NP(name, meta, spec) \
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n" \
	"metadata:\n  name: " name "\n" meta "spec:\n" spec \
	"  egress:\n  - {}\n"
#define NP_SEL(selector) NP("r-np", "", "  podSelector: " selector "\n")
#define CNP(meta, body) \
	"---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n" \
	"metadata:\n  name: r-cnp\n" meta body
#define CNP_SEL(selector) \
	CNP("", "spec:\n  endpointSelector: " selector "\n" \
	    "  egress:\n  - toEntities: [world]\n")

enum verdict { ACCEPTED, REFUSED, DROPPED };

struct policy_case {
	const char *what;
	const char *in;
	enum verdict verdict;
	const char *namespace;	/* --namespace; "" for none */
	bool drop;		/* --drop-chart-policies */
	bool global_cidr;	/* --allow-cidr for every pod */
	const char *msg;	/* a substring of the diagnostics, or NULL */
};

static const struct policy_case cases[] = {
	/* --- NetworkPolicy podSelector ----------------------------------- */
	{ "matchLabels selecting", PODS NP_SEL("{matchLabels: {app: web}}"),
	  REFUSED, "ns", false, false,
	  "NetworkPolicy/r-np), line 26: would widen the sandbox of "
	  "Deployment/r-web" },
	{ "matchLabels of another pod", PODS NP_SEL("{matchLabels: {app: db}}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "empty selector: every pod", PODS NP_SEL("{}"),
	  REFUSED, "ns", false, false, NULL },
	{ "null selector: every pod", PODS NP_SEL("null"),
	  REFUSED, "ns", false, false, NULL },
	{ "no podSelector: every pod", PODS NP("r-np", "", "  policyTypes: "
	  "[Egress]\n"), REFUSED, "ns", false, false, NULL },
	{ "selector not a mapping: cannot evaluate", PODS NP_SEL("[a]"),
	  REFUSED, "ns", false, false, NULL },
	{ "unknown selector key: cannot evaluate",
	  PODS NP_SEL("{matchFields: {app: db}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "matchLabels not a mapping: cannot evaluate",
	  PODS NP_SEL("{matchLabels: [app]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "matchLabels value not a scalar: cannot evaluate",
	  PODS NP_SEL("{matchLabels: {app: [db]}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "matchLabels key not a scalar: cannot evaluate",
	  PODS NP_SEL("{matchLabels: {[app]: db}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "a source prefix outside Cilium: cannot evaluate",
	  PODS NP_SEL("{matchLabels: {k8s:app: db}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "the namespace label is a plain label outside Cilium",
	  PODS NP_SEL("{matchLabels: {io.kubernetes.pod.namespace: ns}}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "io.cilium. is a plain label outside Cilium",
	  PODS NP_SEL("{matchLabels: {io.cilium.k8s.policy.cluster: x}}"),
	  ACCEPTED, "ns", false, false, NULL },
	/* --- matchExpressions -------------------------------------------- */
	{ "In holding the value",
	  PODS NP_SEL("{matchExpressions: [{key: tier, operator: In, "
		      "values: [back, front]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "In not holding the value",
	  PODS NP_SEL("{matchExpressions: [{key: tier, operator: In, "
		      "values: [back]}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "In on a missing key",
	  PODS NP_SEL("{matchExpressions: [{key: zone, operator: In, "
		      "values: [a]}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "NotIn holding the value",
	  PODS NP_SEL("{matchExpressions: [{key: app, operator: NotIn, "
		      "values: [web, tools]}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "NotIn not holding the value",
	  PODS NP_SEL("{matchExpressions: [{key: app, operator: NotIn, "
		      "values: [db]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "NotIn on a missing key selects",
	  PODS NP_SEL("{matchExpressions: [{key: zone, operator: NotIn, "
		      "values: [a]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "Exists on a chart label",
	  PODS NP_SEL("{matchExpressions: [{key: tier, operator: Exists}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "Exists on the sandbox's own label",
	  PODS NP_SEL("{matchExpressions: [{key: agentenv.io/sandbox, "
		      "operator: Exists, values: null}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "Exists on a missing key",
	  PODS NP_SEL("{matchExpressions: [{key: zone, operator: Exists}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "DoesNotExist on a missing key",
	  PODS NP_SEL("{matchExpressions: [{key: zone, "
		      "operator: DoesNotExist}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "DoesNotExist on a present key",
	  PODS NP_SEL("{matchExpressions: [{key: app, "
		      "operator: DoesNotExist}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "DoesNotExist on the sandbox's own label",
	  PODS NP_SEL("{matchExpressions: [{key: agentenv.io/sandbox, "
		      "operator: DoesNotExist}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "matchLabels and matchExpressions AND-ed",
	  PODS NP_SEL("{matchLabels: {app: web}, matchExpressions: "
		      "[{key: tier, operator: In, values: [back]}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "an unknown operator: cannot evaluate",
	  PODS NP_SEL("{matchExpressions: [{key: zone, operator: Gt, "
		      "values: [\"1\"]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "an operator spelled in another case: cannot evaluate",
	  PODS NP_SEL("{matchExpressions: [{key: zone, operator: in, "
		      "values: [a]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "no operator: cannot evaluate",
	  PODS NP_SEL("{matchExpressions: [{key: zone, values: [a]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "no key: cannot evaluate",
	  PODS NP_SEL("{matchExpressions: [{operator: In, values: [a]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "values a mapping: cannot evaluate",
	  PODS NP_SEL("{matchExpressions: [{key: zone, operator: In, "
		      "values: {a: b}}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "a value not a scalar: cannot evaluate",
	  PODS NP_SEL("{matchExpressions: [{key: zone, operator: In, "
		      "values: [[a]]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "matchExpressions not a sequence: cannot evaluate",
	  PODS NP_SEL("{matchExpressions: {key: zone}}"),
	  REFUSED, "ns", false, false, NULL },
	/* --- CiliumNetworkPolicy ------------------------------------------ */
	{ "k8s: prefix read",
	  PODS CNP_SEL("{matchLabels: {k8s:app: web}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "any: prefix read",
	  PODS CNP_SEL("{matchLabels: {any:app: web}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "k8s: prefix of another pod",
	  PODS CNP_SEL("{matchLabels: {k8s:app: db}}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "any: prefix in matchExpressions",
	  PODS CNP_SEL("{matchExpressions: [{key: any:tier, operator: In, "
		       "values: [back]}]}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "an unknown label source: cannot evaluate",
	  PODS CNP_SEL("{matchLabels: {reserved:host: \"\"}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "a source of three letters but not k8s/any: cannot evaluate",
	  PODS CNP_SEL("{matchLabels: {k9s:app: db}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "a Cilium-only label: cannot evaluate",
	  PODS CNP_SEL("{matchLabels: {k8s:io.cilium.k8s.policy.cluster: "
		       "default}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "the namespace label matching the release's",
	  PODS CNP_SEL("{matchLabels: {k8s:io.kubernetes.pod.namespace: ns}}"),
	  REFUSED, "ns", false, false, NULL },
	{ "the namespace label of another namespace",
	  PODS CNP_SEL("{matchLabels: {io.kubernetes.pod.namespace: other}}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "the namespace label, no namespace known: cannot evaluate",
	  PODS CNP_SEL("{matchLabels: {io.kubernetes.pod.namespace: other}}"),
	  REFUSED, "", false, false, NULL },
	{ "a label as long as the namespace label is a label",
	  PODS CNP_SEL("{matchLabels: {k8s:io.kubernetes.pod.namespacE: ns}}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "an unknown label source in matchExpressions: cannot evaluate",
	  PODS CNP_SEL("{matchExpressions: [{key: reserved:host, "
		       "operator: In, values: [a]}]}"),
	  REFUSED, "ns", false, false, NULL },
	{ "an empty endpointSelector: every pod", PODS CNP_SEL("{}"),
	  REFUSED, "ns", false, false, NULL },
	{ "no endpointSelector and no nodeSelector: every pod",
	  PODS CNP("", "spec:\n  egress:\n  - toEntities: [world]\n"),
	  REFUSED, "ns", false, false, NULL },
	{ "a nodeSelector: nodes, not pods",
	  PODS CNP("", "spec:\n  nodeSelector: {}\n"
		   "  egress:\n  - toEntities: [world]\n"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "neither spec nor specs: cannot evaluate",
	  PODS CNP("", "status: {}\n"),
	  REFUSED, "ns", false, false, NULL },
	{ "specs not a sequence: cannot evaluate",
	  PODS CNP("", "specs: {endpointSelector: {}}\n"),
	  REFUSED, "ns", false, false, NULL },
	{ "specs: none selecting",
	  PODS CNP("", "specs:\n- endpointSelector: {matchLabels: {app: db}}\n"
		   "- nodeSelector: {}\n"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "specs: the second selecting",
	  PODS CNP("", "specs:\n- endpointSelector: {matchLabels: {app: db}}\n"
		   "- endpointSelector: {matchLabels: {app: web}}\n"),
	  REFUSED, "ns", false, false, NULL },
	{ "spec and specs: specs selecting",
	  PODS CNP("", "spec:\n  endpointSelector: {matchLabels: {app: db}}\n"
		   "specs:\n- endpointSelector: {matchLabels: {tier: front}}\n"),
	  REFUSED, "ns", false, false, NULL },
	/* --- namespaces ---------------------------------------------------- */
	/* Refused as outside the sandbox (one error), not as widening it. */
	{ "a policy in another namespace",
	  PODS NP("r-np", "  namespace: other\n", "  podSelector: {}\n"),
	  REFUSED, "ns", false, false, "metadata.namespace: 'other' is not "
	  "the release's namespace 'ns'" },
	{ "a policy in the release's namespace",
	  PODS NP("r-np", "  namespace: ns\n", "  podSelector: {}\n"),
	  REFUSED, "ns", false, false, NULL },
	{ "a policy in a namespace, none known: may be ours",
	  PODS NP("r-np", "  namespace: other\n", "  podSelector: {}\n"),
	  REFUSED, "", false, false, NULL },
	{ "a CiliumClusterwideNetworkPolicy: every namespace",
	  PODS "---\napiVersion: cilium.io/v2\n"
	  "kind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: r-ccnp\n"
	  "  namespace: other\nspecs:\n- endpointSelector: {}\n",
	  REFUSED, "ns", false, false, "CiliumClusterwideNetworkPolicy/r-ccnp" },
	/* --- opted-out pods ----------------------------------------------- */
	{ "opted-out pods the sandbox cannot reach",
	  PODS NP_SEL("{matchLabels: {app: tools}}"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "opted-out pods a service's CIDR reaches",
	  PODS_CIDR NP_SEL("{matchLabels: {app: tools}}"),
	  REFUSED, "ns", false, false, "opted-out pods, which the sandbox "
	  "reaches" },
	{ "opted-out pods a release-wide CIDR reaches",
	  PODS NP_SEL("{matchLabels: {app: tools}}"),
	  REFUSED, "ns", false, true, "Deployment/r-tools" },
	{ "opted-out pods a service's entity reaches",
	  WEB("  annotations: {agentenv.io/allow-entities: kube-apiserver}\n")
	  TOOLS NP_SEL("{matchLabels: {app: tools}}"),
	  REFUSED, "ns", false, false, "Deployment/r-tools" },
	{ "opted-out pods keep their labels as written",
	  PODS_CIDR NP_SEL("{matchExpressions: [{key: agentenv.io/sandbox, "
			   "operator: Exists}]}"),
	  REFUSED, "ns", false, false, "Deployment/r-web" },
	/* --- the ways out -------------------------------------------------- */
	{ "kept", PODS NP("r-np", "  annotations: {agentenv.io/keep-policy: "
	  "\"true\"}\n", "  podSelector: {}\n"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "keep-policy false is no way out",
	  PODS NP("r-np", "  annotations: {agentenv.io/keep-policy: "
		  "\"false\"}\n", "  podSelector: {}\n"),
	  REFUSED, "ns", false, false, "would widen" },
	{ "keep-policy neither true nor false",
	  PODS NP("r-np", "  annotations: {agentenv.io/keep-policy: "
		  "\"yes\"}\n", "  podSelector: {matchLabels: {app: db}}\n"),
	  REFUSED, "ns", false, false, "must be \"true\" or \"false\"" },
	{ "dropped", PODS NP_SEL("{}"),
	  DROPPED, "ns", true, false, "dropped (--drop-chart-policies): it "
	  "selects the sandboxed pods of Deployment/r-web" },
	{ "dropped, opted-out pods",
	  PODS_CIDR NP_SEL("{matchLabels: {app: tools}}"),
	  DROPPED, "ns", true, false, "opted-out (reachable) pods" },
	{ "in a List: cannot be dropped",
	  PODS "---\napiVersion: v1\nkind: List\nitems:\n"
	  "- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n"
	  "  metadata: {name: r-np}\n  spec: {podSelector: {}}\n",
	  REFUSED, "ns", true, false, "take it out of its List" },
	{ "a policy without a name",
	  PODS "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
	  "metadata: {}\nspec: {podSelector: {}}\n",
	  REFUSED, "ns", false, false, "would widen" },
	{ "one of ours is not judged",
	  PODS NP("r-np", "  labels: {agentenv.io/generated: \"true\"}\n",
		  "  podSelector: {}\n"),
	  ACCEPTED, "ns", false, false, NULL },
	{ "another kind is not a policy",
	  PODS "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	  "spec:\n  podSelector: {}\n",
	  ACCEPTED, "ns", false, false, NULL },
};

START_TEST(test_judge)
{
	const struct policy_case *c = &cases[_i];
	struct settings st;
	struct buf out = BUF_INIT;
	int status;

	memset(&st, 0, sizeof(st));
	st.release = xstrdup("r");
	st.namespace = *c->namespace ? xstrdup(c->namespace) : NULL;
	st.sidecar = SIDECAR_AUTO;
	st.drop_chart_policies = c->drop;
	if (c->global_cidr)
		strlist_add(&st.egress.cidrs, "10.0.0.0/8", 10);
	status = postrender(&st, xmemdup0(c->in, strlen(c->in)),
			    strlen(c->in), &out);
	switch (c->verdict) {
	case ACCEPTED:
		ck_assert_msg(status == 0 &&
			      !strstr(diag_collected(), "warning"),
			      "%s: status %d:\n%s", c->what, status,
			      diag_collected());
		ck_assert_ptr_nonnull(strstr(out.data, "kind: "));
		break;
	case DROPPED:
		ck_assert_msg(status == 0 &&
			      strstr(diag_collected(), "warning") &&
			      !diag_error_count(),
			      "%s: status %d:\n%s", c->what, status,
			      diag_collected());
		ck_assert_msg(!strstr(out.data, "name: r-np\n"),
			      "%s: not dropped:\n%s", c->what, out.data);
		break;
	case REFUSED:
		ck_assert_msg(status == 1 && diag_error_count() == 1,
			      "%s: status %d:\n%s", c->what, status,
			      diag_collected());
		ck_assert_uint_eq(out.len, 0);
		break;
	}
	if (c->msg)
		ck_assert_msg(strstr(diag_collected(), c->msg) != NULL,
			      "%s: no '%s' in:\n%s", c->what, c->msg,
			      diag_collected());
	buf_release(&out);
	settings_release(&st);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("chartpolicy");
	TCase *tc = tcase_create("chartpolicy");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_judge, 0, (int)ARRAY_SIZE(cases));
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
