/*
 * test_exposure — which chart Services src/model/exposure.c finds exposing
 * sandboxed pods, run through postrender() on a small stream: a sandboxed
 * Deployment (app: web), an opted-out one (app: tools), and one Service
 * per case. A table of Services: refused (externalIPs, aliases), warned
 * (NodePort, LoadBalancer) or silent; what --explain --format json records.
 */
#include "unit.h"
#include "buf.h"
#include "postrender.h"
#include "ynode.h"

#include <stdbool.h>

#define WORKLOADS							\
	"apiVersion: apps/v1\n"						\
	"kind: Deployment\n"						\
	"metadata: {name: r-web}\n"					\
	"spec:\n"							\
	"  template:\n"							\
	"    metadata: {labels: {app: web}}\n"				\
	"    spec: {containers: [{name: web, image: nginx}]}\n"		\
	"---\n"								\
	"apiVersion: apps/v1\n"						\
	"kind: Deployment\n"						\
	"metadata:\n"							\
	"  name: r-tools\n"						\
	"  annotations: {agentenv.io/inject: \"false\"}\n"		\
	"spec:\n"							\
	"  template:\n"							\
	"    metadata: {labels: {app: tools}}\n"			\
	"    spec: {containers: [{name: tools, image: busybox}]}\n"	\
	"---\n"

/* "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n" then spec. */
#define SERVICE(spec) \
	"apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: " spec "\n"

/* A workload whose pods open 2222/TCP and 53/UDP to anyone, then spec. */
#define OPEN(spec)							\
	"apiVersion: apps/v1\n"						\
	"kind: Deployment\n"						\
	"metadata: {name: r-ssh}\n"					\
	"spec:\n"							\
	"  template:\n"							\
	"    metadata:\n"						\
	"      labels: {app: ssh}\n"					\
	"      annotations: {agentenv.io/allow-ingress: \"2222, 53/UDP\"}\n" \
	"    spec: {containers: [{name: ssh, image: dropbear}]}\n"	\
	"---\n" SERVICE(spec)

enum outcome { SILENT, WARNED, REFUSED };

struct exposure_case {
	const char *what;
	const char *objects;	/* after WORKLOADS */
	enum outcome want;
	const char *message;	/* a part of the message, or NULL */
};

static const struct exposure_case exposure_cases[] = {
	/* By type. */
	{ "LoadBalancer", SERVICE("{type: LoadBalancer, selector: {app: web},"
		" ports: [{port: 80}]}"), WARNED,
	  "spec.type: LoadBalancer exposes the sandboxed pods of "
	  "Deployment/r-web outside the cluster on port 80/TCP:" },
	{ "NodePort", SERVICE("{type: NodePort, selector: {app: web}, ports: "
		"[{port: 53, protocol: UDP, nodePort: 30053}]}"), WARNED,
	  "on port 53/UDP (node port 30053)" },
	{ "an unknown type counts", SERVICE("{type: Outside, selector: "
		"{app: web}}"), WARNED, "Outside exposes" },
	{ "ClusterIP", SERVICE("{type: ClusterIP, selector: {app: web}}"),
	  SILENT, NULL },
	{ "no type", SERVICE("{selector: {app: web}}"), SILENT, NULL },
	{ "ExternalName", SERVICE("{type: ExternalName, externalName: x.org, "
		"externalIPs: [192.0.2.1], selector: {app: web}}"), SILENT,
	  NULL },
	/* externalIPs. */
	{ "externalIPs", SERVICE("{externalIPs: [192.0.2.1], selector: "
		"{app: web}}"), REFUSED,
	  "spec.externalIPs: every node would forward traffic for "
	  "'192.0.2.1' to the sandboxed pods of Deployment/r-web" },
	{ "externalIPs on a LoadBalancer: refused only",
	  SERVICE("{type: LoadBalancer, externalIPs: [192.0.2.1, 192.0.2.2], "
		  "selector: {app: web}}"), REFUSED,
	  "'192.0.2.1' and the other external IPs" },
	{ "externalIPs that are no list", SERVICE("{externalIPs: 192.0.2.1, "
		"selector: {app: web}}"), REFUSED, "'192.0.2.1'" },
	{ "empty externalIPs", SERVICE("{externalIPs: [], selector: "
		"{app: web}}"), SILENT, NULL },
	{ "null externalIPs", SERVICE("{externalIPs: ~, selector: "
		"{app: web}}"), SILENT, NULL },
	{ "externalIPs to the opted-out pod", SERVICE("{externalIPs: "
		"[192.0.2.1], selector: {app: tools}}"), SILENT, NULL },
	/* Selection by the final labels. */
	{ "the sandbox's label", SERVICE("{type: NodePort, selector: "
		"{agentenv.io/sandbox: \"true\"}}"), WARNED, NULL },
	{ "the service label", SERVICE("{type: NodePort, selector: "
		"{agentenv.io/service: web}}"), WARNED, NULL },
	{ "the instance label added", SERVICE("{type: NodePort, selector: "
		"{app.kubernetes.io/instance: r}}"), WARNED, NULL },
	{ "another release", SERVICE("{type: NodePort, selector: "
		"{app.kubernetes.io/instance: q}}"), SILENT, NULL },
	{ "every label must match", SERVICE("{type: NodePort, selector: "
		"{app: web, tier: x}}"), SILENT, NULL },
	{ "a value that differs", SERVICE("{type: NodePort, selector: "
		"{app: Web}}"), SILENT, NULL },
	{ "no selector", SERVICE("{type: LoadBalancer, externalIPs: "
		"[192.0.2.1]}"), SILENT, NULL },
	{ "an empty selector", SERVICE("{type: LoadBalancer, selector: {}}"),
	  SILENT, NULL },
	{ "a null selector", SERVICE("{type: LoadBalancer, selector: ~}"),
	  SILENT, NULL },
	/* Fail closed: what cannot be evaluated selects. */
	{ "a selector that is a list", SERVICE("{externalIPs: [192.0.2.1], "
		"selector: [app]}"), REFUSED, NULL },
	{ "a value that is a list", SERVICE("{type: NodePort, selector: "
		"{app: [web]}}"), WARNED, NULL },
	{ "a key no label has", SERVICE("{type: NodePort, selector: "
		"{\"k8s:app\": web}}"), WARNED, NULL },
	/* (Anchors, aliases, merge keys: refused anywhere, see test_stream.) */
	{ "an alias", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
	  "spec: {selector: &s {app: other}, ports: [{port: 80}]}\n", REFUSED,
	  "not accepted anywhere in the stream" },
	{ "a merge key", SERVICE("{selector: {<<: {app: web}}}"), REFUSED,
	  "merge keys" },
	/* Where. */
	{ "the release's namespace", "apiVersion: v1\nkind: Service\n"
	  "metadata: {name: s, namespace: ns}\nspec: {type: NodePort, "
	  "selector: {app: web}}\n", WARNED, NULL },
	/* Another namespace's Service selects none of ours (and plan.c
	 * refuses it for being elsewhere). */
	{ "another namespace", "apiVersion: v1\nkind: Service\n"
	  "metadata: {name: s, namespace: other}\nspec: {externalIPs: "
	  "[192.0.2.1], selector: {app: web}}\n", REFUSED,
	  "is not the release's namespace" },
	{ "in a List", "apiVersion: v1\nkind: List\nitems:\n- "
	  "apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n"
	  "  spec: {externalIPs: [192.0.2.1], selector: {app: web}}\n",
	  REFUSED, "document 3, item 1 (Service/s), line 25: spec.externalIPs" },
	{ "in a ServiceList", "apiVersion: v1\nkind: ServiceList\nitems:\n- "
	  "apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n"
	  "  spec: {type: NodePort, selector: {app: web}}\n", WARNED, NULL },
	/* Only ports open to anyone (allow-ingress): the intended way in. */
	{ "target ports all open", OPEN("{type: LoadBalancer, selector: "
		"{app: ssh}, ports: [{port: 22, targetPort: 2222}, {port: 53, "
		"protocol: UDP}]}"), SILENT, NULL },
	{ "the port is the target", OPEN("{type: NodePort, selector: "
		"{app: ssh}, ports: [{port: 2222, nodePort: 30022}]}"), SILENT,
	  NULL },
	{ "one port not open", OPEN("{type: LoadBalancer, selector: "
		"{app: ssh}, ports: [{port: 22, targetPort: 2222}, "
		"{port: 80}]}"), WARNED, "Deployment/r-ssh" },
	{ "open for another protocol", OPEN("{type: LoadBalancer, selector: "
		"{app: ssh}, ports: [{port: 2222, protocol: UDP}]}"), WARNED,
	  NULL },
	{ "a named target port", OPEN("{type: LoadBalancer, selector: "
		"{app: ssh}, ports: [{port: 22, targetPort: ssh}]}"), WARNED,
	  NULL },
	{ "no ports", OPEN("{type: LoadBalancer, selector: {app: ssh}}"),
	  WARNED, NULL },
	{ "also over pods that open nothing", OPEN("{type: LoadBalancer, "
		"selector: {app.kubernetes.io/instance: r}, ports: [{port: "
		"2222}]}"), WARNED, "Deployment/r-web, Deployment/r-ssh" },
	{ "not a core Service", "apiVersion: example.org/v1\nkind: Service\n"
	  "metadata: {name: s}\nspec: {externalIPs: [192.0.2.1], "
	  "selector: {app: web}}\n", SILENT, NULL },
};

static int run(const char *objects, struct buf *out, enum output_form form)
{
	struct settings st;
	struct buf in = BUF_INIT;
	int status;

	memset(&st, 0, sizeof(st));
	st.release = xstrdup("r");
	st.namespace = xstrdup("ns");
	st.sidecar = SIDECAR_AUTO;
	st.output = form;
	buf_addf(&in, "%s%s", WORKLOADS, objects);
	status = postrender(&st, buf_detach(&in, NULL), strlen(WORKLOADS) +
			    strlen(objects), out);
	settings_release(&st);
	return status;
}

START_TEST(test_exposure)
{
	const struct exposure_case *c = &exposure_cases[_i];
	struct buf out = BUF_INIT;
	int status = run(c->objects, &out, OUTPUT_STREAM);
	const char *said = diag_collected();

	ck_assert_msg(status == (c->want == REFUSED), "%s: status %d: %s",
		      c->what, status, said);
	switch (c->want) {
	case SILENT:
		ck_assert_msg(!*said, "%s: said %s", c->what, said);
		break;
	case WARNED:
		ck_assert_msg(!strncmp(said, "agentenv-post: warning: ", 24) &&
			      !strchr(said, '\n')[1], "%s: said %s", c->what,
			      said);
		break;
	case REFUSED:
		ck_assert_msg(!strncmp(said, "agentenv-post: error: ", 22) &&
			      !strchr(said, '\n')[1] && !out.len,
			      "%s: said %s", c->what, said);
		break;
	}
	if (c->message)
		ck_assert_msg(strstr(said, c->message) != NULL,
			      "%s: no '%s' in %s", c->what, c->message, said);
	buf_release(&out);
}
END_TEST

/* What --explain is told: the Service, its type and ports, per service. */
START_TEST(test_explain_records)
{
	struct buf out = BUF_INIT;

	ck_assert_int_eq(run(SERVICE("{type: LoadBalancer, selector: "
				     "{app: web}, ports: [{port: 443, "
				     "nodePort: 30443}]}")
			     "---\n"
			     SERVICE("{type: ClusterIP, selector: {app: web}}"),
			     &out, OUTPUT_EXPLAIN_JSON), 0);
	ck_assert_msg(strstr(out.data, "\"exposed_by\": [\n        {\n"
			     "          \"service\": \"s\",\n"
			     "          \"type\": \"LoadBalancer\",\n"
			     "          \"ports\": [\n"
			     "            \"443/TCP (node port 30443)\"\n"
			     "          ],\n"
			     "          \"only_open_ports\": false\n"
			     "        }\n      ]") != NULL,
		      "%s", out.data);
	buf_release(&out);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("exposure");
	TCase *tc = tcase_create("exposure");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_exposure, 0,
			    (int)ARRAY_SIZE(exposure_cases));
	tcase_add_test(tc, test_explain_records);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
