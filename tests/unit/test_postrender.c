/*
 * test_postrender — end-to-end tests of postrender() on small in-memory
 * streams: the pod edits, the sidecar forms, what passes untouched, the
 * generated objects, idempotency, and refusals. The output is parsed back
 * with libfyaml and checked path by path.
 */
#include "unit.h"
#include "buf.h"
#include "postrender.h"
#include "values.h"
#include "ynode.h"

#include <stdbool.h>

/* --- running and reading the output -------------------------------------- */

#define MAX_DOCS 64

struct run {
	int status;
	struct buf out;
	struct fy_parser *parser;
	struct fy_document *docs[MAX_DOCS];
	size_t nr;
};

static void settings_init(struct settings *st, const char *release,
			  const char *namespace)
{
	memset(st, 0, sizeof(*st));
	st->release = release ? xstrdup(release) : NULL;
	st->namespace = namespace ? xstrdup(namespace) : NULL;
	st->sidecar = SIDECAR_AUTO;
}

static int postrender_text(const struct settings *st, const char *in,
			   size_t len, struct buf *out)
{
	return postrender(st, xmemdup0(in, len), len, out);
}

/* Post-render in; on success parse every output document. */
static void run(struct run *r, const struct settings *st, const char *in)
{
	static const struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET };
	struct fy_document *d;

	memset(r, 0, sizeof(*r));
	buf_init(&r->out);
	r->status = postrender_text(st, in, strlen(in), &r->out);
	if (r->status)
		return;
	r->parser = fy_parser_create(&cfg);
	ck_assert_ptr_nonnull(r->parser);
	ck_assert_int_eq(fy_parser_set_string(r->parser, r->out.data,
					      r->out.len), 0);
	while ((d = fy_parse_load_document(r->parser))) {
		ck_assert_uint_lt(r->nr, MAX_DOCS);
		r->docs[r->nr++] = d;
	}
	ck_assert_msg(!fy_parser_get_stream_error(r->parser),
		      "the output does not parse:\n%s", r->out.data);
}

static void run_release(struct run *r);

/* Post-render and expect success; on failure free r and st first. */
static void run_ok(struct run *r, struct settings *st, const char *in)
{
	run(r, st, in);
	if (r->status || diag_error_count()) {
		run_release(r);
		settings_release(st);
		ck_abort_msg("status %d: %s", r->status, diag_collected());
	}
}

static void run_release(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		fy_parse_document_destroy(r->parser, r->docs[i]);
	if (r->parser)
		fy_parser_destroy(r->parser);
	buf_release(&r->out);
}

static struct fy_node *root_of(struct fy_document *d)
{
	return fy_document_root(d);
}

/* The output object of kind and name, or NULL. */
static struct fy_node *find(const struct run *r, const char *kind,
			    const char *name)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		struct fy_node *root = root_of(r->docs[i]);

		if (ynode_is(ynode_get(root, "kind"), kind) &&
		    ynode_is(ynode_path(root, "/metadata/name"), name))
			return root;
	}
	return NULL;
}

static struct fy_node *must_find(const struct run *r, const char *kind,
				 const char *name)
{
	struct fy_node *n = find(r, kind, name);

	ck_assert_msg(n != NULL, "no %s/%s in the output:\n%s", kind, name,
		      r->out.data);
	return n;
}

/* How many output objects are of kind. */
static size_t count_kind(const struct run *r, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < r->nr; i++)
		n += ynode_is(ynode_get(root_of(r->docs[i]), "kind"), kind);
	return n;
}

static void assert_at_(struct fy_node *root, const char *path,
		       const char *want, int line)
{
	struct fy_node *n = ynode_path(root, path);
	size_t len = 0;
	const char *got = ynode_scalar(n, &len);

	if (!want) {
		ck_assert_msg(n == NULL, "line %d: %s is there ('%.*s')",
			      line, path, got ? (int)len : 0,
			      got ? got : "");
		return;
	}
	ck_assert_msg(got && len == strlen(want) && !memcmp(got, want, len),
		      "line %d: %s is '%.*s', not '%s'", line, path,
		      got ? (int)len : 6, got ? got : "(none)", want);
}

/* root's scalar at path is want (NULL: nothing at path). */
#define assert_at(root, path, want) assert_at_(root, path, want, __LINE__)

static int count_at(struct fy_node *root, const char *path)
{
	return ynode_count(ynode_path(root, path));
}

/* The index of the item of list (at path) named name, or -1. */
static int index_named(struct fy_node *root, const char *path,
		       const char *name)
{
	struct fy_node *list = ynode_path(root, path);
	int i, n = ynode_count(list);

	for (i = 0; i < n; i++)
		if (ynode_is(ynode_get(ynode_at(list, i), "name"), name))
			return i;
	return -1;
}

/* The container's volumeMounts hold the resolv.conf mount. */
static bool mounts_resolv_conf(struct fy_node *c)
{
	struct fy_node *mounts = ynode_get(c, "volumeMounts");
	int i, n = ynode_count(mounts);

	for (i = 0; i < n; i++) {
		struct fy_node *m = ynode_at(mounts, i);

		if (ynode_is(ynode_get(m, "name"), "resolv-conf") &&
		    ynode_is(ynode_get(m, "mountPath"), "/etc/resolv.conf") &&
		    ynode_is(ynode_get(m, "subPath"), "resolv.conf"))
			return true;
	}
	return false;
}

static bool has_agent_env(struct fy_node *c, const char *value)
{
	struct fy_node *env = ynode_get(c, "env");
	int i, n = ynode_count(env);

	for (i = 0; i < n; i++)
		if (ynode_is(ynode_get(ynode_at(env, i), "name"), "AGENT_ENV"))
			return ynode_is(ynode_get(ynode_at(env, i), "value"),
					value);
	return false;
}

/* Feeding out back in gives the same bytes. */
static void assert_idempotent(const struct settings *st, const struct buf *out)
{
	struct buf again = BUF_INIT;
	int status = postrender_text(st, out->data, out->len, &again);

	ck_assert_msg(status == 0, "second run: %s", diag_collected());
	ck_assert_msg(again.len == out->len &&
		      !memcmp(again.data, out->data, out->len),
		      "not idempotent; first:\n%s\nsecond:\n%s", out->data,
		      again.data);
	buf_release(&again);
}

/* --- inputs -------------------------------------------------------------- */

#define DEPLOYMENT_WEB							\
	"---\n"								\
	"# Source: c/templates/web.yaml\n"				\
	"apiVersion: apps/v1\n"						\
	"kind: Deployment\n"						\
	"metadata:\n"							\
	"  name: web\n"							\
	"  labels:\n"							\
	"    app.kubernetes.io/instance: demo\n"			\
	"spec:\n"							\
	"  selector:\n"							\
	"    matchLabels:\n"						\
	"      app: web\n"						\
	"  template:\n"							\
	"    metadata:\n"						\
	"      labels:\n"						\
	"        app: web\n"						\
	"    spec:\n"							\
	"      containers:\n"						\
	"      - name: web\n"						\
	"        image: nginx\n"					\
	"        env:\n"						\
	"        - name: X\n"						\
	"          value: \"1\"\n"					\
	"      - name: busy\n"						\
	"        image: busybox\n"					\
	"        resources:\n"						\
	"          requests:\n"						\
	"            cpu: 10m\n"

#define CONFIGMAP							\
	"---\n"								\
	"# Source: c/templates/cm.yaml\n"				\
	"apiVersion: v1\n"						\
	"kind: ConfigMap\n"						\
	"metadata:\n"							\
	"  name: chart-config\n"					\
	"data:\n"							\
	"  key: \"value\"   # a comment that must survive\n"

#define POD "/spec/template/spec"

/* --- a Deployment: every edit ------------------------------------------- */

START_TEST(test_deployment)
{
	struct settings st;
	struct run r;
	struct fy_node *dep, *c0, *c1, *side, *meta;

	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, DEPLOYMENT_WEB CONFIGMAP);
	dep = must_find(&r, "Deployment", "web");

	assert_at(dep, POD "/runtimeClassName", "gvisor");
	assert_at(dep, POD "/enableServiceLinks", "false");
	assert_at(dep, POD "/automountServiceAccountToken", "false");
	ck_assert_int_eq(count_at(dep, POD "/containers"), 3);
	assert_at(dep, POD "/containers/0/name", "web");
	assert_at(dep, POD "/containers/1/name", "busy");
	assert_at(dep, POD "/containers/2/name", "coredns");	/* last */
	ck_assert_ptr_null(ynode_path(dep, POD "/initContainers"));
	side = ynode_path(dep, POD "/containers/2");
	ck_assert_ptr_null(ynode_get(side, "restartPolicy"));
	assert_at(side, "/volumeMounts/0/name", "coredns-config");
	ck_assert(!mounts_resolv_conf(side));
	ck_assert(!has_agent_env(side, "agentenv-demo"));

	c0 = ynode_path(dep, POD "/containers/0");
	c1 = ynode_path(dep, POD "/containers/1");
	/* $AGENT_ENV first, the chart's variables kept after it. */
	assert_at(c0, "/env/0/name", "AGENT_ENV");
	assert_at(c0, "/env/0/value", "agentenv-demo");
	assert_at(c0, "/env/1/name", "X");
	ck_assert(has_agent_env(c1, "agentenv-demo"));
	/* Default resources only where none are set. */
	assert_at(c0, "/resources/limits/memory", "2Gi");
	assert_at(c0, "/resources/limits/cpu", "500m");
	assert_at(c0, "/resources/requests/memory", "2Gi");
	assert_at(c0, "/resources/requests/cpu", "500m");
	assert_at(c1, "/resources/requests/cpu", "10m");
	assert_at(c1, "/resources/requests/memory", NULL);
	assert_at(c1, "/resources/limits", NULL);
	ck_assert(mounts_resolv_conf(c0));
	ck_assert(mounts_resolv_conf(c1));

	/* The two volumes. */
	ck_assert_int_eq(count_at(dep, POD "/volumes"), 2);
	assert_at(dep, POD "/volumes/0/name", "coredns-config");
	assert_at(dep, POD "/volumes/0/configMap/name",
		  "agentenv-demo-coredns-configmap");
	assert_at(dep, POD "/volumes/1/name", "resolv-conf");
	assert_at(dep, POD "/volumes/1/configMap/name",
		  "agentenv-demo-resolv-conf");

	/* Labels the policies and k8s_sandbox select on. */
	meta = ynode_path(dep, "/spec/template/metadata");
	assert_at(meta, "/labels/app", "web");
	assert_at(meta, "/labels/'agentenv.io/service'", "web");
	/* The chart did not ask k8s_sandbox to present it to the agent. */
	assert_at(meta, "/labels/'inspect/service'", NULL);
	assert_at(meta, "/labels/'app.kubernetes.io/instance'", "demo");
	assert_at(meta, "/labels/'agentenv.io/sandbox'", "true");
	/* The workload's own selector is left alone. */
	assert_at(dep, "/spec/selector/matchLabels/app", "web");
	ck_assert_int_eq(ynode_count(ynode_path(dep, "/spec/selector")), 0);

	/* The edited document keeps its Source comment. */
	ck_assert(!strncmp(r.out.data, "---\n# Source: c/templates/web.yaml\n"
			   "apiVersion: apps/v1\n", 55));
	/* The ConfigMap comes back byte for byte, in its place. */
	ck_assert_ptr_nonnull(strstr(r.out.data, CONFIGMAP "---\n"));
	ck_assert(strstr(r.out.data, CONFIGMAP) <
		  strstr(r.out.data, "agentenv-demo-coredns-configmap\n"));
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* The generated objects of one plain service. */
START_TEST(test_generated_objects)
{
	struct settings st;
	struct run r;
	struct fy_node *cm, *resolv, *egress, *deny, *ingress;
	const char *corefile;
	size_t len;
	size_t i;

	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, DEPLOYMENT_WEB CONFIGMAP);
	/* 2 chart documents, 2 ConfigMaps, 3 policies, no Service. */
	ck_assert_uint_eq(r.nr, 7);
	ck_assert_uint_eq(count_kind(&r, "ConfigMap"), 3);
	ck_assert_uint_eq(count_kind(&r, "Service"), 0);
	ck_assert_uint_eq(count_kind(&r, "CiliumNetworkPolicy"), 3);

	cm = must_find(&r, "ConfigMap", "agentenv-demo-coredns-configmap");
	corefile = ynode_scalar(ynode_path(cm, "/data/Corefile"), &len);
	ck_assert_ptr_nonnull(corefile);
	ck_assert(!strncmp(corefile, ".:53 {\n", 7));
	ck_assert_ptr_nonnull(strstr(corefile, "bind 127.0.0.1"));
	ck_assert_ptr_nonnull(strstr(corefile, "forward . /etc/resolv.conf"));
	resolv = must_find(&r, "ConfigMap", "agentenv-demo-resolv-conf");
	assert_at(resolv, "/data/'resolv.conf'", "nameserver 127.0.0.1\n");
	egress = must_find(&r, "CiliumNetworkPolicy",
			   "agentenv-demo-sandbox-egress");
	deny = must_find(&r, "CiliumNetworkPolicy",
			 "agentenv-demo-sandbox-default-deny-ingress");
	ingress = must_find(&r, "CiliumNetworkPolicy",
			    "agentenv-demo-svc-web-ingress");
	assert_at(egress, "/apiVersion", "cilium.io/v2");
	assert_at(egress, "/spec/endpointSelector/matchLabels/"
		  "'agentenv.io/release'", "demo");
	assert_at(egress, "/spec/endpointSelector/matchLabels/"
		  "'agentenv.io/sandbox'", "true");
	assert_at(egress, "/spec/endpointSelector/matchLabels/"
		  "'io.kubernetes.pod.namespace'", "ns");
	/* The namespace's names, one pattern per depth. */
	assert_at(egress, "/spec/egress/0/toPorts/0/rules/dns/0/matchPattern",
		  "*.ns.svc.cluster.local");
	assert_at(egress, "/spec/egress/0/toPorts/0/rules/dns/1/matchPattern",
		  "*.*.ns.svc.cluster.local");
	assert_at(egress, "/spec/egress/0/toPorts/0/rules/dns/2/matchPattern",
		  "*.*.*.ns.svc.cluster.local");
	ck_assert_int_eq(count_at(egress, "/spec/egress/0/toPorts/0/rules/dns"),
			 3);
	ck_assert_int_eq(count_at(deny, "/spec/ingress"), 1);
	ck_assert(ynode_is_mapping(ynode_path(deny, "/spec/ingress/0")));
	ck_assert_int_eq(fy_node_mapping_item_count(ynode_path(deny,
		"/spec/ingress/0")), 0);
	assert_at(ingress, "/spec/endpointSelector/matchLabels/"
		  "'agentenv.io/service'", "web");
	/* Every generated object: namespace, release, generated label. */
	for (i = 2; i < r.nr; i++) {
		struct fy_node *root = root_of(r.docs[i]);

		assert_at(root, "/metadata/namespace", "ns");
		assert_at(root, "/metadata/labels/'agentenv.io/generated'",
			  "true");
		assert_at(root, "/metadata/labels/"
			  "'app.kubernetes.io/instance'", "demo");
	}
	/* Helm 3: each generated document names its file in a comment. */
	ck_assert_ptr_nonnull(strstr(r.out.data, "---\n# Source: "
				     "agentenv-post/coredns.yaml\n"));
	ck_assert_ptr_nonnull(strstr(r.out.data, "---\n# Source: "
				     "agentenv-post/network-policy.yaml\n"));
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* --- pod-level settings -------------------------------------------------- */

struct podspec_case {
	const char *spec_lines;	/* extra lines of the pod spec */
	const char *annotation;	/* extra pod annotation line, or "" */
	const char *runtime_class;	/* NULL: none */
	const char *automount;
};

#define WEB_WITH(annotation, spec)					\
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"		\
	"  name: web\nspec:\n  template:\n    metadata:\n"		\
	"      labels:\n        app.kubernetes.io/instance: demo\n"	\
	"      annotations:\n        x: z\n" annotation			\
	"    spec:\n" spec						\
	"      containers:\n      - name: web\n        image: nginx\n"

static const struct podspec_case podspec_cases[] = {
	{ "", "", "gvisor", "false" },
	{ "      automountServiceAccountToken: true\n", "", "gvisor", "true" },
	{ "      automountServiceAccountToken: false\n", "", "gvisor",
	  "false" },
	{ "", "        agentenv.io/runtime-class: runc\n", "runc", "false" },
	{ "", "        agentenv.io/runtime-class: CLUSTER_DEFAULT\n", NULL,
	  "false" },
	/* The chart's own choice stands. */
	{ "      runtimeClassName: kata\n", "", "kata", "false" },
	{ "      runtimeClassName: kata\n",
	  "        agentenv.io/runtime-class: runc\n", "kata", "false" },
	{ "      runtimeClassName: CLUSTER_DEFAULT\n", "", NULL, "false" },
	{ "      runtimeClassName: gvisor\n", "", "gvisor", "false" },
};

START_TEST(test_podspec)
{
	const struct podspec_case *c = &podspec_cases[_i];
	struct buf in = BUF_INIT;
	struct settings st;
	struct run r;
	struct fy_node *dep;

	buf_addf(&in, WEB_WITH("%s", "%s"), c->annotation, c->spec_lines);
	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, in.data);
	dep = must_find(&r, "Deployment", "web");
	assert_at(dep, POD "/runtimeClassName", c->runtime_class);
	assert_at(dep, POD "/automountServiceAccountToken", c->automount);
	assert_at(dep, POD "/enableServiceLinks", "false");
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
	buf_release(&in);
}
END_TEST

/* --- the sidecar's form -------------------------------------------------- */

struct sidecar_case {
	const char *yaml;
	const char *pod;	/* path of the pod spec in the object */
	enum sidecar_form setting;
	bool native;
	int init_containers;	/* the chart's */
};

#define OBJ(api, kind, name, body)					\
	"apiVersion: " api "\nkind: " kind "\nmetadata:\n  name: "	\
	name "\n  labels:\n    app.kubernetes.io/instance: demo\n" body

#define TEMPLATE(prefix, annotations, spec)				\
	prefix "    metadata:\n      annotations:\n        x: z\n"	\
	annotations "    spec:\n" spec					\
	"      containers:\n      - name: main\n        image: x\n"

#define IN_TEMPLATE(annotations, spec)					\
	TEMPLATE("spec:\n  template:\n", annotations, spec)

#define BARE_POD(annotations, spec)					\
	"  annotations:\n    x: z\n" annotations "spec:\n" spec		\
	"  containers:\n  - name: main\n    image: x\n"

#define INITS "      initContainers:\n      - name: init1\n"		\
	"        image: x\n      - name: init2\n        image: x\n"

#define SIDECAR_ANN(form) "        agentenv.io/sidecar: " form "\n"

static const struct sidecar_case sidecar_cases[] = {
	{ OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE("", "")), POD,
	  SIDECAR_AUTO, false, 0 },
	{ OBJ("apps/v1", "StatefulSet", "s", IN_TEMPLATE("", "")), POD,
	  SIDECAR_AUTO, false, 0 },
	{ OBJ("apps/v1", "DaemonSet", "s", IN_TEMPLATE("", "")), POD,
	  SIDECAR_AUTO, false, 0 },
	{ OBJ("apps/v1", "ReplicaSet", "s", IN_TEMPLATE("", "")), POD,
	  SIDECAR_AUTO, false, 0 },
	{ OBJ("v1", "ReplicationController", "s", IN_TEMPLATE("", "")), POD,
	  SIDECAR_AUTO, false, 0 },
	{ OBJ("batch/v1", "Job", "j", IN_TEMPLATE("",
	      "      restartPolicy: Never\n")), POD, SIDECAR_AUTO, true, 0 },
	{ OBJ("batch/v1", "CronJob", "cj",
	      "spec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n"
	      "    spec:\n      template:\n        spec:\n"
	      "          restartPolicy: OnFailure\n          containers:\n"
	      "          - name: main\n            image: x\n"),
	  "/spec/jobTemplate/spec/template/spec", SIDECAR_AUTO, true, 0 },
	{ OBJ("v1", "Pod", "p", BARE_POD("", "  restartPolicy: Never\n")),
	  "/spec", SIDECAR_AUTO, true, 0 },
	{ OBJ("v1", "Pod", "p", BARE_POD("", "  restartPolicy: OnFailure\n")),
	  "/spec", SIDECAR_AUTO, true, 0 },
	{ OBJ("v1", "Pod", "p", BARE_POD("", "  restartPolicy: Always\n")),
	  "/spec", SIDECAR_AUTO, false, 0 },
	{ OBJ("v1", "Pod", "p", BARE_POD("", "")), "/spec", SIDECAR_AUTO,
	  false, 0 },
	/* Init containers would run without DNS before a regular one. */
	{ OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE("", INITS)), POD,
	  SIDECAR_AUTO, true, 2 },
	/* --sidecar forces the form ... */
	{ OBJ("batch/v1", "Job", "j", IN_TEMPLATE("",
	      "      restartPolicy: Never\n")), POD, SIDECAR_CONTAINER, false,
	  0 },
	{ OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE("", INITS)), POD,
	  SIDECAR_CONTAINER, false, 2 },
	{ OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE("", "")), POD,
	  SIDECAR_NATIVE, true, 0 },
	/* ... and so does the annotation, over --sidecar. */
	{ OBJ("batch/v1", "Job", "j", IN_TEMPLATE(SIDECAR_ANN("container"),
	      "      restartPolicy: Never\n")), POD, SIDECAR_AUTO, false, 0 },
	{ OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE(SIDECAR_ANN("native"),
	      "")), POD, SIDECAR_AUTO, true, 0 },
	{ OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE(SIDECAR_ANN("auto"),
	      "")), POD, SIDECAR_NATIVE, false, 0 },
	{ OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE(SIDECAR_ANN("native"),
	      INITS)), POD, SIDECAR_CONTAINER, true, 2 },
	{ OBJ("v1", "Pod", "p", BARE_POD("    agentenv.io/sidecar: native\n",
	      "")), "/spec", SIDECAR_AUTO, true, 0 },
};

START_TEST(test_sidecar_form)
{
	const struct sidecar_case *c = &sidecar_cases[_i];
	struct settings st;
	struct run r;
	struct fy_node *obj, *spec, *side;
	char path[128];
	int i, inits, containers;

	settings_init(&st, NULL, "ns");
	st.sidecar = c->setting;
	run_ok(&r, &st, c->yaml);
	obj = root_of(r.docs[0]);
	spec = ynode_path(obj, c->pod);
	ck_assert_msg(ynode_is_mapping(spec), "no %s in:\n%s", c->pod,
		      r.out.data);
	inits = ynode_count(ynode_get(spec, "initContainers"));
	containers = ynode_count(ynode_get(spec, "containers"));
	if (c->native) {
		ck_assert_int_eq(inits, c->init_containers + 1);
		ck_assert_int_eq(containers, 1);
		side = ynode_path(spec, "/initContainers/0");
		assert_at(side, "/name", "coredns");
		assert_at(side, "/restartPolicy", "Always");
		/* The chart's init containers run after it, with DNS. */
		for (i = 1; i < inits; i++) {
			struct fy_node *init = ynode_at(ynode_get(spec,
				"initContainers"), i);

			ck_assert(mounts_resolv_conf(init));
			ck_assert(has_agent_env(init, "agentenv-demo"));
			ck_assert_ptr_null(ynode_get(init, "resources"));
		}
	} else {
		ck_assert_int_eq(inits, c->init_containers);
		ck_assert_int_eq(containers, 2);
		side = ynode_path(spec, "/containers/1");
		assert_at(side, "/name", "coredns");
		assert_at(side, "/restartPolicy", NULL);
		ck_assert_int_eq(index_named(spec, "/initContainers",
					     "coredns"), -1);
		for (i = 0; i < inits; i++)
			ck_assert(!mounts_resolv_conf(ynode_at(ynode_get(spec,
				"initContainers"), i)));
	}
	ck_assert(mounts_resolv_conf(ynode_path(spec, "/containers/0")));
	assert_at(spec, "/containers/0/resources/limits/cpu", "500m");
	assert_at(spec, "/runtimeClassName", "gvisor");
	snprintf(path, sizeof(path), "/volumes/%d/name",
		 count_at(spec, "/volumes") - 1);
	assert_at(spec, path, "resolv-conf");
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* --- what passes untouched ----------------------------------------------- */

#define OPTED_OUT							\
	"---\n"								\
	"apiVersion: apps/v1\n"						\
	"kind: Deployment\n"						\
	"metadata:\n"							\
	"  name: outside\n"						\
	"  annotations:\n"						\
	"    agentenv.io/inject: \"false\"\n"				\
	"spec:\n"							\
	"  template:\n"							\
	"    spec:\n"							\
	"      containers:\n"						\
	"      - {name: c,   image: x}   # flow style, odd spacing\n"

#define WIDGET								\
	"---\n"								\
	"apiVersion: example.com/v1\n"					\
	"kind: Widget\n"						\
	"metadata:\n"							\
	"  name: w\n"							\
	"  annotations: {agentenv.io/inject: \"false\"}\n"		\
	"spec:\n"							\
	"  template:\n"							\
	"    spec:\n"							\
	"      containers: [{name: c, image: x}]\n"

#define PLAIN_POD							\
	"---\n"								\
	"apiVersion: v1\n"						\
	"kind: Pod\n"							\
	"metadata:\n"							\
	"  name: p\n"							\
	"  labels: {app.kubernetes.io/instance: demo}\n"		\
	"spec:\n"							\
	"  containers: [{name: c, image: x}]\n"

START_TEST(test_untouched)
{
	static const char in[] = PLAIN_POD OPTED_OUT WIDGET CONFIGMAP;
	struct settings st;
	struct run r;

	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, in);
	/* Everything after the Pod comes back byte for byte, in order. */
	ck_assert_ptr_nonnull(strstr(r.out.data, OPTED_OUT WIDGET
				     CONFIGMAP));
	assert_at(must_find(&r, "Pod", "p"), "/spec/runtimeClassName",
		  "gvisor");
	/* One service only: the Pod's. */
	ck_assert_ptr_nonnull(find(&r, "CiliumNetworkPolicy",
				   "agentenv-demo-svc-p-ingress"));
	ck_assert_uint_eq(count_kind(&r, "CiliumNetworkPolicy"), 3);
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* Nothing to sandbox: the stream comes back exactly, nothing added. */
START_TEST(test_nothing_to_do)
{
	static const char *const inputs[] = {
		"",
		CONFIGMAP,
		OPTED_OUT WIDGET CONFIGMAP,
		"---\n# Source: c/templates/empty.yaml\n" CONFIGMAP,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(inputs); i++) {
		struct settings st;
		struct buf out = BUF_INIT;

		settings_init(&st, "demo", "ns");
		ck_assert_int_eq(postrender_text(&st, inputs[i],
						 strlen(inputs[i]), &out), 0);
		ck_assert_str_eq(out.data, inputs[i]);
		ck_assert_uint_eq(diag_error_count(), 0);
		buf_release(&out);
		settings_release(&st);
	}
}
END_TEST

/* A missing final newline is added, nothing else changes. */
START_TEST(test_final_newline)
{
	static const char in[] = "apiVersion: v1\nkind: ConfigMap\n"
		"metadata: {name: x}";
	struct settings st;
	struct buf out = BUF_INIT;

	settings_init(&st, "demo", "ns");
	ck_assert_int_eq(postrender_text(&st, in, strlen(in), &out), 0);
	ck_assert_str_eq(out.data, "apiVersion: v1\nkind: ConfigMap\n"
			 "metadata: {name: x}\n");
	buf_release(&out);
	settings_release(&st);
}
END_TEST

/* --- Lists, CronJobs ----------------------------------------------------- */

START_TEST(test_list)
{
	static const char in[] =
		"apiVersion: v1\n"
		"kind: List\n"
		"items:\n"
		"- apiVersion: v1\n"
		"  kind: ConfigMap\n"
		"  metadata: {name: in-list}\n"
		"- apiVersion: apps/v1\n"
		"  kind: Deployment\n"
		"  metadata:\n"
		"    name: listed\n"
		"    labels: {app.kubernetes.io/instance: demo}\n"
		"  spec:\n"
		"    template:\n"
		"      spec:\n"
		"        containers:\n"
		"        - name: api\n"
		"          image: x\n";
	struct settings st;
	struct run r;
	struct fy_node *list;

	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, in);
	list = root_of(r.docs[0]);
	assert_at(list, "/kind", "List");
	assert_at(list, "/items/0/metadata/name", "in-list");
	assert_at(list, "/items/0/spec", NULL);
	assert_at(list, "/items/1" POD "/runtimeClassName", "gvisor");
	assert_at(list, "/items/1" POD "/containers/1/name", "coredns");
	assert_at(list, "/items/1/spec/template/metadata/labels/"
		  "'agentenv.io/service'", "listed");
	assert_at(list, "/items/1" POD "/volumes/1/configMap/name",
		  "agentenv-demo-resolv-conf");
	must_find(&r, "CiliumNetworkPolicy",
		  "agentenv-demo-svc-listed-ingress");
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* --- services, DNS and names --------------------------------------------- */

#define SVC_DEPLOY(name, annotation)					\
	"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n"	\
	"  name: " name "\nspec:\n  template:\n    metadata:\n"	\
	"      annotations:\n        x: z\n" annotation			\
	"    spec:\n      containers:\n"				\
	"      - name: " name "\n        image: x\n"

#define SERVICES_IN(c_records, d_annotation)				\
	SVC_DEPLOY("a", "        agentenv.io/dns-record: \"true\"\n")	\
	SVC_DEPLOY("b", "        agentenv.io/ports: \"80, 53/UDP\"\n")	\
	SVC_DEPLOY("c", "        agentenv.io/additional-dns-records: "	\
		   c_records "\n")					\
	SVC_DEPLOY("d", d_annotation)

static const char services_in[] = SERVICES_IN("c.example", "");

/*
 * The digest on a pod of what it mounts changes with the DNS
 * configuration (another workload's record, the namespace), and only
 * with it: a pod rolls on a helm upgrade when its DNS rules change.
 */
struct digest_case {
	const char *in_a, *ns_a, *in_b, *ns_b;
	bool same;
};

static const struct digest_case digest_cases[] = {
	{ services_in, "ns", services_in, "ns", true },
	/* another workload's additional record */
	{ services_in, "ns", SERVICES_IN("c2.example", ""), "ns", false },
	{ services_in, "ns", SERVICES_IN("c.example, c2.example", ""), "ns",
	  false },
	/* a new Service with a DNS record */
	{ services_in, "ns", SERVICES_IN("c.example", "")
	  SVC_DEPLOY("e", "        agentenv.io/dns-record: \"true\"\n"),
	  "ns", false },
	{ services_in, "ns", services_in, "other", false },
	/* what the pods do not mount: a ConfigMap of the chart's */
	{ services_in, "ns", CONFIGMAP SERVICES_IN("c.example", ""), "ns",
	  true },
	/* egress is the policies', not the Corefile's */
	{ services_in, "ns", SERVICES_IN("c.example", "        agentenv.io/"
		"allow-domains: pypi.org\n"), "ns", true },
};

/* Deployment d's digest annotation, checked to be 64 hex digits. */
static void digest_of(const char *in, const char *ns,
		      char hex[SHA256_HEX_SIZE])
{
	struct settings st;
	struct run r;
	struct fy_node *d, *n;
	const char *got;
	size_t len = 0, i;

	settings_init(&st, "rel", ns);
	run_ok(&r, &st, in);
	d = must_find(&r, "Deployment", "d");
	n = ynode_path(d, "/spec/template/metadata/annotations/"
		       "'agentenv.io/dns-config-digest'");
	got = ynode_scalar(n, &len);
	ck_assert_msg(got && len == SHA256_HEX_SIZE - 1, "no digest:\n%s",
		      r.out.data);
	for (i = 0; i < len; i++)
		ck_assert(strchr("0123456789abcdef", got[i]) != NULL);
	memcpy(hex, got, len);
	hex[len] = '\0';
	run_release(&r);
	settings_release(&st);
}

START_TEST(test_dns_digest)
{
	const struct digest_case *c = &digest_cases[_i];
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE];

	digest_of(c->in_a, c->ns_a, a);
	digest_of(c->in_b, c->ns_b, b);
	ck_assert_msg(!strcmp(a, b) == c->same, "%s, %s", a, b);
}
END_TEST

START_TEST(test_headless_services)
{
	struct settings st;
	struct run r;
	struct fy_node *a, *b, *c, *cm;
	const char *corefile;
	size_t len;

	settings_init(&st, "rel", "ns");
	run_ok(&r, &st, services_in);
	/* Only for a DNS record, additional records or ports. */
	ck_assert_uint_eq(count_kind(&r, "Service"), 3);
	a = must_find(&r, "Service", "agentenv-rel-a");
	b = must_find(&r, "Service", "agentenv-rel-b");
	c = must_find(&r, "Service", "agentenv-rel-c");
	ck_assert_ptr_null(find(&r, "Service", "agentenv-rel-d"));
	assert_at(a, "/spec/clusterIP", "None");
	assert_at(a, "/spec/selector/'agentenv.io/service'", "a");
	assert_at(a, "/spec/selector/'agentenv.io/release'", "rel");
	assert_at(c, "/spec/clusterIP", "None");
	assert_at(b, "/spec/clusterIP", "None");
	ck_assert_int_eq(count_at(b, "/spec/ports"), 2);
	assert_at(b, "/spec/ports/0/port", "80");
	assert_at(b, "/spec/ports/0/protocol", "TCP");
	assert_at(b, "/spec/ports/1/port", "53");
	assert_at(b, "/spec/ports/1/protocol", "UDP");
	ck_assert_ptr_null(ynode_path(a, "/spec/ports"));

	cm = must_find(&r, "ConfigMap", "agentenv-rel-coredns-configmap");
	corefile = ynode_scalar(ynode_path(cm, "/data/Corefile"), &len);
	ck_assert_ptr_nonnull(corefile);
	ck_assert_ptr_nonnull(strstr(corefile, "rewrite name exact a "
				     "agentenv-rel-a.ns.svc.cluster.local\n"));
	ck_assert_ptr_nonnull(strstr(corefile, "rewrite name exact c.example "
				     "agentenv-rel-c.ns.svc.cluster.local\n"));
	ck_assert_ptr_nonnull(strstr(corefile, "rewrite name exact "
				     "agentenv-rel-b "
				     "agentenv-rel-b.ns.svc.cluster.local\n"));
	ck_assert_ptr_null(strstr(corefile, "exact d "));
	/* An ingress policy per service, named from the release. */
	must_find(&r, "CiliumNetworkPolicy", "agentenv-rel-svc-a-ingress");
	must_find(&r, "CiliumNetworkPolicy", "agentenv-rel-svc-d-ingress");
	must_find(&r, "CiliumNetworkPolicy", "agentenv-rel-sandbox-egress");
	/* The pods carry the release even without the label in the chart. */
	assert_at(must_find(&r, "Deployment", "d"), "/spec/template/metadata/"
		  "labels/'app.kubernetes.io/instance'", "rel");
	assert_at(must_find(&r, "Deployment", "a"), POD "/volumes/0/configMap/"
		  "name", "agentenv-rel-coredns-configmap");
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

#define CHART_SERVICE(name, spec)					\
	"---\napiVersion: v1\nkind: Service\nmetadata:\n"		\
	"  name: " name "\nspec:\n" spec

static const char pod_subdomains_in[] =
	SVC_DEPLOY("a", "")
	CHART_SERVICE("db-hl", "  clusterIP: None\n  selector:\n    app: db\n")
	CHART_SERVICE("manual-hl", "  clusterIP: None\n")
	CHART_SERVICE("db", "  selector:\n    app: db\n");

/*
 * POD.SERVICE forms for the chart's Services with clusterIP None (one in
 * another namespace is refused: see bad-other-namespace), answers renamed
 * for the query only.
 */
START_TEST(test_pod_subdomains)
{
	struct settings st;
	struct run r;
	const char *corefile;
	size_t len;

	settings_init(&st, "rel", "ns");
	run_ok(&r, &st, pod_subdomains_in);
	corefile = ynode_scalar(ynode_path(must_find(&r, "ConfigMap",
		"agentenv-rel-coredns-configmap"), "/data/Corefile"), &len);
	ck_assert_ptr_nonnull(corefile);
	ck_assert_ptr_nonnull(strstr(corefile, "rewrite name regex "
		"^([^.]+)\\.db-hl(\\.ns|\\.ns\\.svc)?\\.$ "
		"{1}.db-hl.ns.svc.cluster.local answer auto\n"));
	ck_assert_ptr_nonnull(strstr(corefile, "^([^.]+)\\.manual-hl("));
	ck_assert_ptr_null(strstr(corefile, "\\.db("));
	ck_assert_ptr_nonnull(strstr(corefile, "rewrite name regex "
		"^(_[^.]+\\._[^.]+\\.[^.]+)(\\.ns|\\.ns\\.svc)?\\.$ "
		"{1}.ns.svc.cluster.local answer auto\n"));
	ck_assert_ptr_nonnull(strstr(corefile, "rewrite name regex "
		"^([^.]+)(\\.ns|\\.ns\\.svc)?\\.$ "
		"{1}.ns.svc.cluster.local answer auto\n"));
	/* No rule renames answers by a regexp of the cluster's names. */
	ck_assert_ptr_null(strstr(corefile, "answer name"));
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* A long release still gives names within Kubernetes' limit. */
START_TEST(test_long_names)
{
	static const char release[] =
		"a-very-long-release-name-that-is-fifty-three-chars-xx";
	struct settings st;
	struct run r;
	size_t i;

	ck_assert_uint_eq(strlen(release), 53);
	settings_init(&st, release, "ns");
	run_ok(&r, &st, services_in);
	for (i = 0; i < r.nr; i++) {
		size_t len;
		const char *name = ynode_scalar(ynode_path(root_of(r.docs[i]),
							   "/metadata/name"),
						&len);

		ck_assert_ptr_nonnull(name);
		ck_assert_uint_le(len, 63);
	}
	ck_assert_uint_eq(count_kind(&r, "Service"), 3);
	ck_assert_uint_eq(count_kind(&r, "CiliumNetworkPolicy"), 6);
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* --- Helm 4 and hooks ---------------------------------------------------- */

START_TEST(test_helm4)
{
	static const char in[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
		"  labels: {app.kubernetes.io/instance: demo}\n"
		"  annotations:\n"
		"    postrenderer.helm.sh/postrender-filename: "
		"c/templates/pod.yaml\n"
		"spec:\n  containers: [{name: c, image: x}]\n";
	struct settings st;
	struct run r;
	size_t i;

	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, in);
	ck_assert_ptr_null(strstr(r.out.data, "# Source"));
	assert_at(must_find(&r, "Pod", "p"), "/metadata/annotations/"
		  "'postrenderer.helm.sh/postrender-filename'",
		  "c/templates/pod.yaml");
	assert_at(must_find(&r, "ConfigMap", "agentenv-demo-coredns-configmap"),
		  "/metadata/annotations/"
		  "'postrenderer.helm.sh/postrender-filename'",
		  "agentenv-post/coredns.yaml");
	for (i = 1; i < r.nr; i++)
		ck_assert_ptr_nonnull(ynode_path(root_of(r.docs[i]),
			"/metadata/annotations/"
			"'postrenderer.helm.sh/postrender-filename'"));
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/*
 * Helm deletes hook objects by name: release r1's hook set must share no
 * name with the objects of release "r1-hook" (or "r1-test-hook"), whose
 * names once read the same.
 */
START_TEST(test_hook_names_of_two_releases)
{
	static const char hooks[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n"
		"  annotations: {helm.sh/hook: test}\n"
		"spec:\n  restartPolicy: Never\n"
		"  containers: [{name: t, image: x}]\n"
		"---\napiVersion: batch/v1\nkind: Job\nmetadata:\n"
		"  name: migrate\n  annotations: {helm.sh/hook: pre-install}\n"
		"spec:\n  template:\n    spec:\n"
		"      containers: [{name: migrate, image: x}]\n";
	static const char plain[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n"
		"spec:\n  containers: [{name: t, image: x}]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata:\n"
		"  name: migrate\n"
		"spec:\n  containers: [{name: migrate, image: x}]\n";
	static const char *const others[] = { "r1-hook", "r1-test-hook" };
	struct settings st, other;
	struct run r, o;
	size_t i, j, k;

	settings_init(&st, "r1", "ns");
	run_ok(&r, &st, hooks);
	for (k = 0; k < 2; k++) {
		settings_init(&other, others[k], "ns");
		run_ok(&o, &other, plain);
		for (i = 2; i < r.nr; i++) {
			struct fy_node *a = root_of(r.docs[i]);

			for (j = 2; j < o.nr; j++) {
				struct fy_node *b = root_of(o.docs[j]);
				char *name = ynode_strdup(ynode_path(a,
						"/metadata/name"));

				ck_assert_msg(!ynode_is(ynode_path(b,
					"/metadata/name"), name),
					"release %s has %s too", others[k],
					name);
				free(name);
			}
		}
		run_release(&o);
		settings_release(&other);
	}
	run_release(&r);
	settings_release(&st);
}
END_TEST

START_TEST(test_hook_job)
{
	static const char in[] =
		"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n"
		"  labels: {app.kubernetes.io/instance: demo}\n"
		"  annotations:\n    helm.sh/hook: pre-install\n"
		"spec:\n  template:\n    spec:\n"
		"      containers: [{name: migrate, image: x}]\n";
	struct settings st;
	struct run r;
	struct fy_node *job, *cm;

	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, in);
	job = must_find(&r, "Job", "migrate");
	assert_at(job, POD "/initContainers/0/name", "coredns");
	assert_at(job, POD "/volumes/0/configMap/name",
		  "agentenv.hook-demo-coredns-configmap");
	assert_at(job, POD "/volumes/1/configMap/name",
		  "agentenv.hook-demo-resolv-conf");
	cm = must_find(&r, "ConfigMap", "agentenv.hook-demo-coredns-configmap");
	assert_at(cm, "/metadata/annotations/'helm.sh/hook'", "pre-install");
	ck_assert_ptr_nonnull(ynode_path(cm, "/metadata/annotations/"
					 "'helm.sh/hook-weight'"));
	must_find(&r, "ConfigMap", "agentenv.hook-demo-resolv-conf");
	/* Only hook pods: no regular set. */
	ck_assert_ptr_null(find(&r, "ConfigMap",
				"agentenv-demo-coredns-configmap"));
	ck_assert_ptr_null(find(&r, "CiliumNetworkPolicy",
				"agentenv-demo-sandbox-egress"));
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* --- --values settings on the pods --------------------------------------- */

START_TEST(test_values_settings)
{
	static const char values[] =
		"labels: {team: ml}\n"
		"annotations: {note: \"8080\"}\n"
		"imagePullSecrets: [{name: regcred}]\n"
		"corednsImage: registry.example/coredns:1\n"
		"allowDomains: [example.com]\n";
	struct settings st;
	struct run r;
	struct fy_node *pod, *egress;

	settings_init(&st, NULL, "ns");
	ck_assert(values_load_text(&st, values, strlen(values), "v.yaml"));
	run_ok(&r, &st, PLAIN_POD);
	pod = must_find(&r, "Pod", "p");
	assert_at(pod, "/metadata/labels/team", "ml");
	assert_at(pod, "/metadata/annotations/note", "8080");
	assert_at(pod, "/spec/imagePullSecrets/0/name", "regcred");
	assert_at(pod, "/spec/containers/1/image",
		  "registry.example/coredns:1");
	assert_at(must_find(&r, "ConfigMap", "agentenv-demo-resolv-conf"),
		  "/metadata/labels/team", "ml");
	egress = must_find(&r, "CiliumNetworkPolicy",
			   "agentenv-demo-sandbox-egress");
	ck_assert_ptr_nonnull(strstr(r.out.data, "matchPattern: "
				     "\"example.com\""));
	(void)egress;
	assert_idempotent(&st, &r.out);
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* --- fields a chart leaves null ------------------------------------------ */

/*
 * Helm's "toYaml nil" renders null: a null field is an absent one (ynode.h:
 * ~ and null are null), not a refusal.
 */
START_TEST(test_null_fields)
{
	static const char in[] =
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
		"  labels: {app.kubernetes.io/instance: demo}\n"
		"  annotations: null\n"
		"spec:\n"
		"  initContainers: ~\n"
		"  volumes: null\n"
		"  containers:\n"
		"  - name: c\n"
		"    image: x\n"
		"    resources: null\n"
		"    env: ~\n"
		"    volumeMounts: null\n";
	struct settings st;
	struct run r;
	struct fy_node *pod;

	settings_init(&st, NULL, "ns");
	run_ok(&r, &st, in);
	pod = must_find(&r, "Pod", "p");
	assert_at(pod, "/spec/containers/0/resources/limits/cpu", "500m");
	assert_at(pod, "/spec/containers/0/env/0/name", "AGENT_ENV");
	ck_assert(mounts_resolv_conf(ynode_path(pod, "/spec/containers/0")));
	assert_at(pod, "/spec/volumes/1/name", "resolv-conf");
	assert_at(pod, "/spec/containers/1/name", "coredns");
	run_release(&r);
	settings_release(&st);
}
END_TEST

/* --- refusals ------------------------------------------------------------ */

struct error_case {
	const char *in;
	const char *release;	/* --release, or NULL */
	const char *msg;	/* a substring of the diagnostics */
};

static const struct error_case error_cases[] = {
	{ WEB_WITH("        agentenv.io/ports: \"99999\"\n", ""), NULL,
	  "agentenv.io/ports\"]: '99999'" },
	{ WEB_WITH("        agentenv.io/typo: x\n", ""), NULL,
	  "unknown annotation" },
	{ DEPLOYMENT_WEB "---\nkind: [\n", NULL, "not valid YAML" },
	{ DEPLOYMENT_WEB "---\n- a\n", NULL, "is a sequence" },
	{ CONFIGMAP "---\napiVersion: v1\nmetadata: {name: x}\n", NULL,
	  "kind: missing" },
	{ OPTED_OUT "---\n- a\n", NULL, "is a sequence" },
	/* No release: no --release, no instance label. */
	{ SVC_DEPLOY("a", ""), NULL, "cannot tell the release name" },
	/* The chart's own instance label stands, but not where presented. */
	{ SVC_DEPLOY("a", "") "---\napiVersion: v1\nkind: Pod\nmetadata:\n"
	  "  name: p\n  labels: {app.kubernetes.io/instance: demo, "
	  "inspect/service: p}\nspec:\n  containers: [{name: c, image: x}]\n",
	  "other", "metadata.labels[\"app.kubernetes.io/instance\"]: 'demo' "
	  "on pods presented to the agent (inspect/service 'p'), but the "
	  "release is 'other'" },
	{ SVC_DEPLOY("a", "") SVC_DEPLOY("a", ""), "rel",
	  "sandbox service 'a' is already the service of document 1" },
	{ WEB_WITH("", "      hostNetwork: true\n"), NULL,
	  "spec.template.spec.hostNetwork" },
	{ "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	  "  containers: [{name: coredns, image: x}]\n", "rel",
	  "a container named coredns clashes" },
	{ "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	  "  containers: [{name: c, image: x, volumeMounts: [{name: v, "
	  "mountPath: /etc/resolv.conf}]}]\n", "rel",
	  "mounts its own /etc/resolv.conf" },
	{ "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	  "  volumes: [{name: resolv-conf, emptyDir: {}}]\n"
	  "  containers: [{name: c, image: x}]\n", "rel",
	  "coredns-config and resolv-conf are the sandbox's" },
	{ "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n", "rel",
	  "spec.containers: missing" },
	{ "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	  "  containers: [{name: c, image: x}]\n"
	  "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
	  "  name: agentenv-rel-resolv-conf\n", "rel",
	  "clashes with a ConfigMap the sandbox needs" },
	{ "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
	  "  annotations: {agentenv.io/allow-domains-ports: \"22\"}\n"
	  "spec:\n  containers: [{name: c, image: x}]\n", "rel",
	  "port 22 has no domain" },
	{ "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n"
	  "spec:\n  containers: [{name: c, image: x}]\n---\n"
	  "apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: b}\n"
	  "spec:\n  containers: [{name: d, image: x}]\n", "rel",
	  "metadata.namespace is 'b' but another workload is in 'a'" },
};

START_TEST(test_errors)
{
	const struct error_case *c = &error_cases[_i];
	struct settings st;
	struct buf out = BUF_INIT;
	int status;

	/* No namespace option: some cases are about the workloads'. */
	settings_init(&st, c->release, NULL);
	status = postrender_text(&st, c->in, strlen(c->in), &out);
	ck_assert_int_eq(status, 1);
	ck_assert_uint_ge(diag_error_count(), 1);
	ck_assert_msg(out.len == 0, "output on error:\n%s", out.data);
	ck_assert_str_eq(out.data, "");
	ck_assert_msg(strstr(diag_collected(), c->msg) != NULL,
		      "no '%s' in:\n%s", c->msg, diag_collected());
	buf_release(&out);
	settings_release(&st);
}
END_TEST

/* Every problem of the stream is reported in one run. */
START_TEST(test_errors_all_reported)
{
	static const char in[] =
		WEB_WITH("        agentenv.io/ports: \"0\"\n", "")
		"---\n"
		WEB_WITH("        agentenv.io/allow-cidr: \"1.2.3.4/99\"\n",
			 "");
	struct settings st;
	struct buf out = BUF_INIT;

	settings_init(&st, NULL, "ns");
	ck_assert_int_eq(postrender_text(&st, in, strlen(in), &out), 1);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_ptr_nonnull(strstr(diag_collected(), "document 1 "));
	ck_assert_ptr_nonnull(strstr(diag_collected(), "'0'"));
	ck_assert_ptr_nonnull(strstr(diag_collected(), "document 2 "));
	ck_assert_ptr_nonnull(strstr(diag_collected(), "'1.2.3.4/99'"));
	buf_release(&out);
	settings_release(&st);
}
END_TEST

/* --- idempotency and determinism over every input above ------------------ */

static const char *const stable_inputs[] = {
	DEPLOYMENT_WEB CONFIGMAP,
	PLAIN_POD OPTED_OUT WIDGET CONFIGMAP,
	services_in,
	CONFIGMAP DEPLOYMENT_WEB PLAIN_POD,
	"---\n" OBJ("batch/v1", "Job", "j", IN_TEMPLATE("",
		"      restartPolicy: Never\n" INITS)),
	"---\n" OBJ("apps/v1", "Deployment", "d", IN_TEMPLATE("", INITS)),
};

START_TEST(test_stable)
{
	const char *in = stable_inputs[_i];
	struct settings st;
	struct buf one = BUF_INIT, two = BUF_INIT;

	settings_init(&st, "demo", "ns");
	ck_assert_int_eq(postrender_text(&st, in, strlen(in), &one), 0);
	ck_assert_int_eq(postrender_text(&st, in, strlen(in), &two), 0);
	ck_assert_str_eq(one.data, two.data);		/* deterministic */
	ck_assert_uint_gt(one.len, strlen(in));
	assert_idempotent(&st, &one);
	buf_release(&one);
	buf_release(&two);
	settings_release(&st);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("postrender");
	TCase *tc = tcase_create("postrender");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_set_timeout(tc, 30);
#define LOOP(test, cases) \
	tcase_add_loop_test(tc, test, 0, (int)ARRAY_SIZE(cases))
	tcase_add_test(tc, test_deployment);
	tcase_add_test(tc, test_generated_objects);
	tcase_add_test(tc, test_pod_subdomains);
	LOOP(test_podspec, podspec_cases);
	LOOP(test_sidecar_form, sidecar_cases);
	tcase_add_test(tc, test_untouched);
	tcase_add_test(tc, test_nothing_to_do);
	tcase_add_test(tc, test_final_newline);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_headless_services);
	LOOP(test_dns_digest, digest_cases);
	tcase_add_test(tc, test_long_names);
	tcase_add_test(tc, test_helm4);
	tcase_add_test(tc, test_hook_job);
	tcase_add_test(tc, test_hook_names_of_two_releases);
	tcase_add_test(tc, test_values_settings);
	tcase_add_test(tc, test_null_fields);
	LOOP(test_errors, error_cases);
	tcase_add_test(tc, test_errors_all_reported);
	LOOP(test_stable, stable_inputs);
#undef LOOP
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
