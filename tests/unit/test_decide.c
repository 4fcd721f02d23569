/*
 * test_decide — the sandbox's choices for a pod (decide.c), made once by
 * the plan: the runtime class, the sidecar's form, and the labels the pod
 * carries once injected, in the order set_metadata writes them (a later
 * edit wins; the sandbox's own keys last).
 */
#include "unit.h"
#include "buf.h"
#include "decide.h"
#include "diag.h"
#include "sandbox.h"
#include "vocab.h"
#include "workload.h"
#include "ynode.h"

#include <stdbool.h>
#include <string.h>

/* --- runtime class ------------------------------------------------------ */

struct class_case {
	const char *chart;	/* runtimeClassName, or NULL */
	const char *annotation;	/* agentenv.io/runtime-class, or NULL */
	const char *want;	/* NULL: the cluster's default */
};

static const struct class_case class_cases[] = {
	{ NULL, NULL, GVISOR_RUNTIME_CLASS },
	{ "kata", NULL, "kata" },
	{ NULL, "kata", "kata" },
	{ "runc", "kata", "runc" },	/* the chart's stands */
	{ CLUSTER_DEFAULT_RUNTIME_CLASS, NULL, NULL },
	{ NULL, CLUSTER_DEFAULT_RUNTIME_CLASS, NULL },
	{ CLUSTER_DEFAULT_RUNTIME_CLASS, "kata", NULL },
	{ "kata", CLUSTER_DEFAULT_RUNTIME_CLASS, "kata" },
};

START_TEST(test_runtime_class)
{
	const struct class_case *c = &class_cases[_i];
	struct service svc = { 0 };
	struct pod_template pt = { 0 };

	svc.runtime_class = (char *)c->annotation;
	pt.runtime_class = (char *)c->chart;
	decide_pod(&pt, &svc);
	ck_assert(pt.decided.decided);
	ck_assert_pstr_eq(pt.decided.runtime_class, c->want);
	ck_assert_pstr_eq(decide_runtime_class(c->chart, &svc), c->want);
	decide_release(&pt.decided);
}
END_TEST

/* --- sidecar form ------------------------------------------------------- */

struct sidecar_case {
	enum sidecar_form form;
	bool must_terminate;
	bool init_containers;
	bool native;
};

static const struct sidecar_case sidecar_cases[] = {
	{ SIDECAR_AUTO, false, false, false },
	{ SIDECAR_AUTO, true, false, true },
	{ SIDECAR_AUTO, false, true, true },
	{ SIDECAR_NATIVE, false, false, true },
	{ SIDECAR_CONTAINER, true, true, false },
};

START_TEST(test_sidecar)
{
	const struct sidecar_case *c = &sidecar_cases[_i];
	struct service svc = { 0 };
	struct pod_template pt = { 0 };

	svc.sidecar = c->form;
	pt.must_terminate = c->must_terminate;
	pt.has_init_containers = c->init_containers;
	decide_pod(&pt, &svc);
	ck_assert(pt.decided.native_sidecar == c->native);
	decide_release(&pt.decided);
}
END_TEST

/* --- labels ------------------------------------------------------------- */

struct label_case {
	const char *what;
	const char *chart;	/* the pod's labels, as a YAML flow mapping */
	const char *values;	/* --values labels, or NULL */
	bool presented;
	const char *network;	/* a network the service joins, or NULL */
	const char *want;	/* the final labels: "k=v k=v ..." in order */
};

#define OWN SERVICE_LABEL "=web " RELEASE_LABEL "=r " SANDBOX_LABEL "=true"

static const struct label_case label_cases[] = {
	{ "the chart's, then instance, then ours", "{app: web}", NULL, false,
	  NULL, "app=web " INSTANCE_LABEL "=r " OWN },
	{ "the chart's instance stands", "{" INSTANCE_LABEL ": mine}", NULL,
	  false, NULL, INSTANCE_LABEL "=mine " OWN },
	{ "--values' instance wins over the chart's",
	  "{" INSTANCE_LABEL ": mine, app: web}",
	  "{" INSTANCE_LABEL ": theirs}", false, NULL,
	  INSTANCE_LABEL "=theirs app=web " OWN },
	{ "--values set in place, new ones appended", "{app: web, tier: x}",
	  "{tier: y, team: z}", false, NULL,
	  "app=web tier=y team=z " INSTANCE_LABEL "=r " OWN },
	{ "presented: inspect/service is the service's name",
	  "{" PRESENTED_LABEL ": web}", NULL, true, NULL,
	  PRESENTED_LABEL "=web " INSTANCE_LABEL "=r " OWN },
	{ "ours move last and win over the chart's and --values'",
	  "{" SANDBOX_LABEL ": \"false\", app: web}",
	  "{" RELEASE_LABEL ": other}", false, NULL,
	  "app=web " INSTANCE_LABEL "=r " OWN },
	{ "network labels last", "{}", NULL, false, "blue",
	  INSTANCE_LABEL "=r " OWN " " NETWORK_LABEL_PREFIX "blue=true" },
};

static char **pairs_of(struct fy_document **d, const char *yaml, size_t *nr,
		       struct fy_node **root)
{
	*d = fy_document_build_from_string(NULL, yaml, FY_NT);
	ck_assert_ptr_nonnull(*d);
	*root = fy_document_root(*d);
	return ynode_string_pairs(*root, nr);
}

START_TEST(test_labels)
{
	const struct label_case *c = &label_cases[_i];
	struct settings st = { 0 };
	struct sandbox sb = { 0 };
	struct service svc = { 0 };
	struct pod_template pt = { 0 };
	struct fy_document *chart, *values = NULL;
	struct fy_node *root;
	struct buf got = BUF_INIT;
	size_t i;

	pt.labels = pairs_of(&chart, c->chart, &pt.labels_nr, &root);
	if (c->values)
		st.label_pairs = pairs_of(&values, c->values,
					  &st.label_pairs_nr, &st.labels);
	svc.name = "web";
	svc.presented = c->presented;
	if (c->network)
		strlist_add(&svc.networks, c->network, strlen(c->network));
	sb.settings = &st;
	sb.release = "r";
	sb.services = &svc;
	sb.nr = 1;
	pt.service = 0;

	decide_labels(&pt, &sb);
	for (i = 0; i < pt.decided.labels_nr; i++)
		buf_addf(&got, "%s%s=%s", i ? " " : "",
			 pt.decided.labels[2 * i],
			 pt.decided.labels[2 * i + 1]);
	ck_assert_msg(!strcmp(got.data ? got.data : "", c->want),
		      "%s: got '%s', want '%s'", c->what, got.data, c->want);
	/* What decided_label() answers is what the list holds. */
	for (i = 0; i < pt.decided.labels_nr; i++)
		ck_assert_str_eq(decided_label(&pt, pt.decided.labels[2 * i]),
				 pt.decided.labels[2 * i + 1]);
	ck_assert_ptr_null(decided_label(&pt, "absent"));

	buf_release(&got);
	decide_release(&pt.decided);
	strlist_release(&svc.networks);
	ynode_free_pairs(pt.labels, pt.labels_nr);
	fy_document_destroy(chart);
	if (values) {
		ynode_free_pairs(st.label_pairs, st.label_pairs_nr);
		fy_document_destroy(values);
	}
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_runtime_class, 0,
			    (int)ARRAY_SIZE(class_cases));
	tcase_add_loop_test(tc, test_sidecar, 0,
			    (int)ARRAY_SIZE(sidecar_cases));
	tcase_add_loop_test(tc, test_labels, 0, (int)ARRAY_SIZE(label_cases));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
