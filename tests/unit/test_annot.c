/*
 * test_annot — tests of src/read/annot.c: comma-separated lists, and the
 * agentenv.io/ annotations of small pod templates (parsed with
 * stream_parse() and found with workload_find_all()) turned into services.
 */
#include "unit.h"
#include "annot.h"
#include "buf.h"
#include "lists.h"
#include "stream.h"
#include "workload.h"

#include <stdbool.h>

#define LIT(s) s, sizeof(s) - 1

/* --- list_split ---------------------------------------------------- */

struct collect {
	struct buf items;	/* "item|item|" */
	int stop_after;		/* 0: never stop */
	int calls;
};

static bool collect_item(void *data, const char *item, size_t len)
{
	struct collect *c = data;

	ck_assert_uint_gt(len, 0);
	buf_add(&c->items, item, len);
	buf_addch(&c->items, '|');
	return ++c->calls != c->stop_after;
}

struct split_case {
	const char *in;
	size_t len;
	bool ok;
	const char *items;	/* what fn saw, each followed by '|' */
	int stop_after;
};

static const struct split_case split_cases[] = {
	{ LIT("a"), true, "a|", 0 },
	{ LIT("example.com"), true, "example.com|", 0 },
	{ LIT("a,b"), true, "a|b|", 0 },
	{ LIT("a, b, c"), true, "a|b|c|", 0 },
	{ LIT("  a  ,\tb\t, c "), true, "a|b|c|", 0 },
	{ LIT(" single "), true, "single|", 0 },
	{ LIT("a b, c"), true, "a b|c|", 0 },	/* inner blanks kept */
	{ LIT("80/TCP, 53/UDP"), true, "80/TCP|53/UDP|", 0 },
	{ LIT("a\n,b"), true, "a\n|b|", 0 },	/* only blanks trimmed */
	{ LIT(""), false, "", 0 },
	{ LIT(" "), false, "", 0 },
	{ LIT("\t \t"), false, "", 0 },
	{ LIT(","), false, "", 0 },
	{ LIT(",a"), false, "", 0 },
	{ LIT("a,"), false, "a|", 0 },
	{ LIT("a, "), false, "a|", 0 },
	{ LIT("a,,b"), false, "a|", 0 },
	{ LIT("a, ,b"), false, "a|", 0 },
	/* One pair of matching quotes around an item is removed. */
	{ LIT("'*.example.com', \"b.org\""), true, "*.example.com|b.org|",
	  0 },
	{ LIT(" 'a' ,'b'"), true, "a|b|", 0 },
	{ LIT("''a''"), true, "'a'|", 0 },
	{ LIT("' a '"), true, " a |", 0 },
	{ LIT("'a\""), true, "'a\"|", 0 },
	{ LIT("'"), true, "'|", 0 },
	{ LIT("a'b'"), true, "a'b'|", 0 },
	{ LIT("''"), false, "", 0 },
	{ LIT("a, \"\""), false, "a|", 0 },
	/* fn stops the walk: that is not a failure. */
	{ LIT("a,b,c"), true, "a|", 1 },
	{ LIT("a,b,c"), true, "a|b|", 2 },
	{ LIT("a,b,,"), true, "a|b|", 2 },
	/* Only len bytes are read. */
	{ "a,b,c", 3, true, "a|b|", 0 },
	{ "a,,c", 2, false, "a|", 0 },
};

START_TEST(test_split_list)
{
	const struct split_case *c = &split_cases[_i];
	struct collect col = { BUF_INIT, c->stop_after, 0 };
	char *in = xmemdup0(c->in, c->len);
	bool ok = list_split(in, c->len, collect_item, &col);

	ck_assert_msg(ok == c->ok, "'%s': %s", c->in, ok ? "ok" : "refused");
	ck_assert_str_eq(col.items.data, c->items);
	/* Refusing reports nothing: the caller words the message. */
	ck_assert_uint_eq(diag_error_count(), 0);
	buf_release(&col.items);
	free(in);
}
END_TEST

/* --- reading the annotations of pod templates ----------------------------- */

struct fixture {
	struct stream stream;
	struct pod_templates pts;
	struct settings settings;
	struct sandbox sb;
};

static void load(struct fixture *f, const char *yaml)
{
	size_t len = strlen(yaml);

	memset(f, 0, sizeof(*f));
	stream_init(&f->stream);
	ck_assert_uint_eq(stream_parse(&f->stream, xmemdup0(yaml, len), len),
			  0);
	workload_find_all(&f->stream, &f->pts);
	ck_assert_msg(diag_error_count() == 0, "%s", diag_collected());
	ck_assert_uint_ge(f->pts.nr, 1);
	sandbox_init(&f->sb, &f->settings);
}

/* Read every pod template of the stream. */
static void read_all(struct fixture *f)
{
	size_t i;

	for (i = 0; i < f->pts.nr; i++)
		annot_read(&f->pts.items[i], &f->sb);
}

static void release(struct fixture *f)
{
	sandbox_release(&f->sb);
	pod_templates_release(&f->pts);
	stream_release(&f->stream);
	settings_release(&f->settings);
}

/*
 * A Deployment whose pod template carries the annotation lines given,
 * which start at stream line 9.
 */
#define DEPLOY(pod_annotations)						\
	"apiVersion: apps/v1\n"		/* 1 */				\
	"kind: Deployment\n"		/* 2 */				\
	"metadata:\n"			/* 3 */				\
	"  name: web\n"			/* 4 */				\
	"spec:\n"			/* 5 */				\
	"  template:\n"			/* 6 */				\
	"    metadata:\n"		/* 7 */				\
	"      annotations:\n"		/* 8 */				\
	pod_annotations			/* 9 ... */			\
	"    spec:\n"							\
	"      containers:\n"						\
	"      - name: web\n"						\
	"        image: nginx\n"					\
	"      - name: helper\n"					\
	"        image: busybox\n"

#define ANN(key, value) "        agentenv.io/" key ": " value "\n"

/* A single service read from the annotations, with no error. */
static struct service *read_one(struct fixture *f, const char *yaml)
{
	load(f, yaml);
	read_all(f);
	ck_assert_msg(diag_error_count() == 0, "%s", diag_collected());
	ck_assert_uint_eq(f->sb.nr, 1);
	ck_assert_uint_eq(f->pts.items[0].service, 0);
	ck_assert(!f->pts.items[0].opted_out);
	return &f->sb.services[0];
}

static void assert_list(const struct strlist *l, const char *const *want,
			size_t n)
{
	size_t i;

	ck_assert_uint_eq(l->nr, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(l->items[i], want[i]);
}

#define ASSERT_LIST(l, ...) do {					\
	static const char *const want_[] = { __VA_ARGS__ };		\
	assert_list(l, want_, ARRAY_SIZE(want_));			\
} while (0)

START_TEST(test_defaults)
{
	struct fixture f;
	struct service *svc;

	f.settings.sidecar = SIDECAR_AUTO;
	svc = read_one(&f, DEPLOY("        other.io/x: z\n"));
	/* Not named by the chart: plan.c names it after its workload. */
	ck_assert_ptr_null(svc->name);
	ck_assert(!svc->presented);
	ck_assert(!svc->dns_record);
	ck_assert(!svc->isolated);
	ck_assert_int_eq(svc->set, SET_RELEASE);
	ck_assert_ptr_null(svc->runtime_class);
	ck_assert_int_eq(svc->sidecar, SIDECAR_AUTO);
	ck_assert_uint_eq(svc->dns_records.nr, 0);
	ck_assert_uint_eq(svc->nr_ports, 0);
	ck_assert_uint_eq(svc->networks.nr, 0);
	ck_assert(egress_is_empty(&svc->egress));
	ck_assert_uint_eq(svc->where.doc, 1);
	ck_assert_str_eq(svc->where.kind, "Deployment");
	ck_assert_str_eq(svc->where.name, "web");
	release(&f);
}
END_TEST

START_TEST(test_service_name_sources)
{
	static const struct {
		const char *yaml;
		const char *name;
	} cases[] = {
		{ DEPLOY(ANN("service", "api")), "api" },
		{ DEPLOY(ANN("service", "\"007\"")), "007" },
		{ "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
		  "  labels:\n    inspect/service: db\n"
		  "spec:\n  containers:\n  - name: postgres\n", "db" },
		{ "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
		  "  labels:\n    inspect/service: db\n"
		  "  annotations:\n    agentenv.io/service: cache\n"
		  "spec:\n  containers:\n  - name: postgres\n", "cache" },
		/* No name from the chart: none here (the workload's, later). */
		{ "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
		  "spec:\n  containers:\n  - name: postgres\n"
		  "  - name: other\n", NULL },
		/* The workload's own annotation, when the pod has none. */
		{ "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n"
		  "  name: s\n  annotations:\n    agentenv.io/service: "
		  "from-workload\nspec:\n  template:\n    metadata:\n"
		  "      labels:\n        inspect/service: from-label\n"
		  "    spec:\n      containers:\n      - name: c\n",
		  "from-workload" },
		/* The pod template's annotation wins over the workload's. */
		{ "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n"
		  "  name: s\n  annotations:\n    agentenv.io/service: "
		  "from-workload\nspec:\n  template:\n    metadata:\n"
		  "      annotations:\n        agentenv.io/service: from-pod\n"
		  "    spec:\n      containers:\n      - name: c\n",
		  "from-pod" },
		/* The workload's label is not the pod's. */
		{ "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		  "  name: s\n  labels:\n    inspect/service: workload-label\n"
		  "spec:\n  template:\n    spec:\n      containers:\n"
		  "      - name: c\n", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fixture f;
		struct service *svc = read_one(&f, cases[i].yaml);

		if (!cases[i].name) {
			ck_assert_msg(!svc->name && !svc->presented,
				      "case %zu: named '%s'", i, svc->name);
		} else {
			ck_assert_msg(svc->name &&
				      !strcmp(svc->name, cases[i].name),
				      "case %zu: '%s', not '%s'", i,
				      svc->name, cases[i].name);
			ck_assert(svc->presented);
		}
		release(&f);
	}
}
END_TEST

START_TEST(test_each_annotation)
{
	struct fixture f;
	struct service *svc;

	f.settings.sidecar = SIDECAR_AUTO;
	svc = read_one(&f, DEPLOY(
		ANN("inject", "\"true\"")
		ANN("service", "api")
		ANN("runtime-class", "kata-qemu")
		ANN("sidecar", "native")
		ANN("dns-record", "\"true\"")
		ANN("additional-dns-records", "\"api.example.com, *.api\"")
		ANN("ports", "\"80, 53/UDP, 9000/SCTP, 80/TCP, 8080/tcp\"")
		ANN("networks", "\"frontend,backend\"")
		ANN("network-isolated", "\"false\"")
		ANN("allow-domains", "\"example.com, '*.pypi.org'\"")
		ANN("allow-domains-ports",
		    "\"22@github.com, 443/UDP, 8443/TCP@example.com\"")
		ANN("allow-cidr", "\"10.0.0.0/8, 2001:db8::/32\"")
		ANN("allow-entities", "\"world, kube-apiserver\"")));

	ck_assert_str_eq(svc->name, "api");
	ck_assert_str_eq(svc->runtime_class, "kata-qemu");
	ck_assert_int_eq(svc->sidecar, SIDECAR_NATIVE);
	ck_assert(svc->dns_record);
	ASSERT_LIST(&svc->dns_records, "api.example.com", "*.api");
	/* Ports in order; the repeated 80/TCP is dropped. */
	ck_assert_uint_eq(svc->nr_ports, 4);
	ck_assert_uint_eq(svc->ports[0].number, 80);
	ck_assert_int_eq(svc->ports[0].protocol, PROTOCOL_TCP);
	ck_assert_uint_eq(svc->ports[1].number, 53);
	ck_assert_int_eq(svc->ports[1].protocol, PROTOCOL_UDP);
	ck_assert_uint_eq(svc->ports[2].number, 9000);
	ck_assert_int_eq(svc->ports[2].protocol, PROTOCOL_SCTP);
	ck_assert_uint_eq(svc->ports[3].number, 8080);
	ck_assert_int_eq(svc->ports[3].protocol, PROTOCOL_TCP);
	ASSERT_LIST(&svc->networks, "frontend", "backend");
	ck_assert(!svc->isolated);
	ASSERT_LIST(&svc->egress.domains, "example.com", "*.pypi.org");
	ck_assert_uint_eq(svc->egress.nr_ports, 3);
	ck_assert_uint_eq(svc->egress.ports[0].number, 22);
	ck_assert_int_eq(svc->egress.ports[0].protocol, PROTOCOL_ANY);
	ck_assert_str_eq(svc->egress.ports[0].domain, "github.com");
	ck_assert_uint_eq(svc->egress.ports[1].number, 443);
	ck_assert_int_eq(svc->egress.ports[1].protocol, PROTOCOL_UDP);
	ck_assert_ptr_null(svc->egress.ports[1].domain);
	ck_assert_uint_eq(svc->egress.ports[2].number, 8443);
	ck_assert_int_eq(svc->egress.ports[2].protocol, PROTOCOL_TCP);
	ck_assert_str_eq(svc->egress.ports[2].domain, "example.com");
	ASSERT_LIST(&svc->egress.cidrs, "10.0.0.0/8", "2001:db8::/32");
	ASSERT_LIST(&svc->egress.entities, "world", "kube-apiserver");
	release(&f);
}
END_TEST

START_TEST(test_flags)
{
	struct fixture f;
	struct service *svc;

	svc = read_one(&f, DEPLOY(ANN("network-isolated", "\"true\"")
				  ANN("dns-record", "\"false\"")
				  ANN("runtime-class", "CLUSTER_DEFAULT")
				  ANN("sidecar", "container")));
	ck_assert(svc->isolated);
	ck_assert(!svc->dns_record);
	ck_assert_str_eq(svc->runtime_class, "CLUSTER_DEFAULT");
	ck_assert_int_eq(svc->sidecar, SIDECAR_CONTAINER);
	release(&f);
}
END_TEST

/* The sidecar form: the annotation, else the settings' (--sidecar). */
START_TEST(test_sidecar_from_settings)
{
	static const struct {
		enum sidecar_form setting;
		const char *annotation;	/* NULL: none */
		enum sidecar_form want;
	} cases[] = {
		{ SIDECAR_AUTO, NULL, SIDECAR_AUTO },
		{ SIDECAR_NATIVE, NULL, SIDECAR_NATIVE },
		{ SIDECAR_CONTAINER, NULL, SIDECAR_CONTAINER },
		{ SIDECAR_NATIVE, "container", SIDECAR_CONTAINER },
		{ SIDECAR_CONTAINER, "native", SIDECAR_NATIVE },
		{ SIDECAR_CONTAINER, "auto", SIDECAR_AUTO },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fixture f;
		struct buf yaml = BUF_INIT;
		struct service *svc;

		if (cases[i].annotation)
			buf_addf(&yaml, DEPLOY("        agentenv.io/sidecar: "
					       "%s\n"), cases[i].annotation);
		else
			buf_adds(&yaml, DEPLOY("        x: z\n"));
		load(&f, yaml.data);
		f.settings.sidecar = cases[i].setting;
		read_all(&f);
		ck_assert_uint_eq(diag_error_count(), 0);
		svc = &f.sb.services[0];
		ck_assert_msg(svc->sidecar == cases[i].want, "case %zu: %d",
			      i, svc->sidecar);
		release(&f);
		buf_release(&yaml);
	}
}
END_TEST

START_TEST(test_hook)
{
	struct fixture f;
	struct service *svc;

	svc = read_one(&f, "apiVersion: batch/v1\nkind: Job\nmetadata:\n"
		       "  name: migrate\n  annotations:\n"
		       "    helm.sh/hook: pre-install\nspec:\n  template:\n"
		       "    spec:\n      restartPolicy: Never\n"
		       "      containers:\n      - name: migrate\n");
	ck_assert_int_eq(svc->set, SET_HOOK);
	ck_assert(f.pts.items[0].hook);
	ck_assert(f.pts.items[0].must_terminate);
	release(&f);
	/* helm test hooks have a set of their own. */
	svc = read_one(&f, "apiVersion: v1\nkind: Pod\nmetadata:\n"
		       "  name: t\n  annotations:\n"
		       "    helm.sh/hook: test\nspec:\n"
		       "  restartPolicy: Never\n"
		       "  containers:\n  - name: t\n");
	ck_assert_int_eq(svc->set, SET_TEST);
	ck_assert_int_eq(f.pts.items[0].set, SET_TEST);
	release(&f);
}
END_TEST

/* --- opting out ---------------------------------------------------------- */

struct optout_case {
	const char *yaml;
	bool opted_out;
};

#define STS(workload_ann, pod_ann)					\
	"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\n"\
	"  annotations:\n    x: z\n" workload_ann			\
	"spec:\n  template:\n"						\
	"    metadata:\n      annotations:\n        x: z\n" pod_ann	\
	"    spec:\n      containers:\n      - name: c\n"

static const struct optout_case optout_cases[] = {
	{ STS("", "        agentenv.io/inject: \"false\"\n"), true },
	{ STS("    agentenv.io/inject: \"false\"\n", ""), true },
	{ STS("", "        agentenv.io/inject: \"true\"\n"), false },
	{ STS("", ""), false },
	/* The pod template's annotation overrides the workload's. */
	{ STS("    agentenv.io/inject: \"false\"\n",
	      "        agentenv.io/inject: \"true\"\n"), false },
	{ STS("    agentenv.io/inject: \"true\"\n",
	      "        agentenv.io/inject: \"false\"\n"), true },
	/* An opted-out workload is not read: its annotations may be bad. */
	{ STS("", "        agentenv.io/inject: \"false\"\n"
	      "        agentenv.io/ports: \"99999\"\n"
	      "        agentenv.io/typo: x\n"), true },
	{ "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
	  "    agentenv.io/inject: \"false\"\nspec:\n  containers:\n"
	  "  - name: Not_A_Service_Name\n", true },
};

START_TEST(test_opt_out)
{
	const struct optout_case *c = &optout_cases[_i];
	struct fixture f;
	struct pod_template *pt;

	load(&f, c->yaml);
	read_all(&f);
	pt = &f.pts.items[0];
	ck_assert_msg(diag_error_count() == 0, "%s", diag_collected());
	ck_assert_int_eq(pt->opted_out, c->opted_out);
	if (c->opted_out) {
		ck_assert_uint_eq(f.sb.nr, 0);
		ck_assert_uint_eq(pt->service, NO_SERVICE);
	} else {
		ck_assert_uint_eq(f.sb.nr, 1);
		ck_assert_uint_eq(pt->service, 0);
		ck_assert_ptr_null(f.sb.services[0].name);
	}
	release(&f);
}
END_TEST

/* Services are added in input order, pt->service indexing them. */
START_TEST(test_several_workloads)
{
	struct fixture f;

	load(&f, "---\n" DEPLOY(ANN("service", "one"))
	      "---\n" STS("", "        agentenv.io/inject: \"false\"\n")
	      "---\n" DEPLOY(ANN("service", "three")));
	read_all(&f);
	ck_assert_uint_eq(diag_error_count(), 0);
	ck_assert_uint_eq(f.pts.nr, 3);
	ck_assert_uint_eq(f.sb.nr, 2);
	ck_assert_uint_eq(f.pts.items[0].service, 0);
	ck_assert_uint_eq(f.pts.items[1].service, NO_SERVICE);
	ck_assert_uint_eq(f.pts.items[2].service, 1);
	ck_assert_str_eq(f.sb.services[0].name, "one");
	ck_assert_str_eq(f.sb.services[1].name, "three");
	ck_assert_uint_eq(f.sb.services[1].where.doc, 3);
	release(&f);
}
END_TEST

/* --- refused values ------------------------------------------------------ */

struct refuse_case {
	const char *yaml;
	size_t errors;
	const char *msg1;	/* substrings of the diagnostics */
	const char *msg2;
	const char *msg3;
};

#define FIELD(key) "spec.template.metadata.annotations[\"agentenv.io/" key "\"]"
#define AT9 "document 1 (Deployment/web), line 9: "

static const struct refuse_case refuse_cases[] = {
	{ DEPLOY(ANN("service", "Bad_Name")), 1,
	  AT9 FIELD("service") ": 'Bad_Name' is ", NULL, NULL },
	{ DEPLOY(ANN("service", "\"\"")), 1, FIELD("service") ": '' is ",
	  NULL, NULL },
	{ DEPLOY(ANN("runtime-class", "Gvisor")), 1,
	  AT9 FIELD("runtime-class") ": 'Gvisor' is ", NULL, NULL },
	{ DEPLOY(ANN("sidecar", "sometimes")), 1,
	  AT9 FIELD("sidecar") ": 'sometimes' is not a sidecar form",
	  "use auto, native or container", NULL },
	{ DEPLOY(ANN("dns-record", "\"yes\"")), 1,
	  AT9 FIELD("dns-record") ": 'yes' is ", NULL, NULL },
	{ DEPLOY(ANN("network-isolated", "\"1\"")), 1,
	  AT9 FIELD("network-isolated") ": '1' is ", NULL, NULL },
	{ DEPLOY(ANN("inject", "\"no\"")), 1,
	  AT9 FIELD("inject") ": 'no' is ", NULL, NULL },
	{ DEPLOY(ANN("additional-dns-records", "\"ok.example, a#b\"")), 1,
	  AT9 FIELD("additional-dns-records") ": 'a#b' is ", NULL, NULL },
	{ DEPLOY(ANN("ports", "\"80, 99999\"")), 1,
	  AT9 FIELD("ports") ": '99999' is ", NULL, NULL },
	{ DEPLOY(ANN("ports", "\"80/ANY\"")), 1,
	  FIELD("ports") ": '80/ANY' ", NULL, NULL },
	{ DEPLOY(ANN("networks", "\"Net\"")), 1,
	  AT9 FIELD("networks") ": 'Net' is ", NULL, NULL },
	{ DEPLOY(ANN("allow-domains", "\"example..com\"")), 1,
	  AT9 FIELD("allow-domains") ": 'example..com' is ", NULL, NULL },
	{ DEPLOY(ANN("allow-domains-ports", "\"443/TCP@example.com\"")), 1,
	  AT9 FIELD("allow-domains-ports") ": '443/TCP@example.com' ", NULL,
	  NULL },
	{ DEPLOY(ANN("allow-domains-ports", "\"443\"")), 1,
	  FIELD("allow-domains-ports") ": '443' ", NULL, NULL },
	{ DEPLOY(ANN("allow-cidr", "\"10.0.0.0/33\"")), 1,
	  AT9 FIELD("allow-cidr") ": '10.0.0.0/33' is not", NULL, NULL },
	{ DEPLOY(ANN("allow-entities", "\"world, everything\"")), 1,
	  AT9 FIELD("allow-entities") ": 'everything' is ", NULL, NULL },
	/* Empty list items. */
	{ DEPLOY(ANN("allow-domains", "\"a.com,,b.com\"")), 1,
	  AT9 FIELD("allow-domains") ": 'a.com,,b.com' has an empty item",
	  NULL, NULL },
	{ DEPLOY(ANN("ports", "\"\"")), 1,
	  FIELD("ports") ": '' has an empty item", NULL, NULL },
	{ DEPLOY(ANN("networks", "\"a,\"")), 1,
	  FIELD("networks") ": 'a,' has an empty item", NULL, NULL },
	/* Unknown agentenv.io/ annotations (typos). */
	{ DEPLOY(ANN("allow-domain", "example.com")), 1,
	  AT9 FIELD("allow-domain") ": unknown annotation", NULL, NULL },
	{ DEPLOY(ANN("Service", "x")), 1,
	  FIELD("Service") ": unknown annotation", NULL, NULL },
	{ DEPLOY(ANN("", "x")), 1, FIELD("") ": unknown annotation", NULL,
	  NULL },
	/* On the workload itself: no "spec.template." prefix. */
	{ "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
	  "  annotations:\n    agentenv.io/portz: \"80\"\n"
	  "    agentenv.io/allow-cidr: \"1.2.3.4\"\nspec:\n  template:\n"
	  "    spec:\n      containers:\n      - name: c\n", 2,
	  "document 1 (Deployment/web), line 6: "
	  "metadata.annotations[\"agentenv.io/portz\"]: unknown annotation",
	  "document 1 (Deployment/web), line 7: "
	  "metadata.annotations[\"agentenv.io/allow-cidr\"]: '1.2.3.4' is ",
	  NULL },
	/* A bare Pod: the pod is the workload. */
	{ "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
	  "  annotations:\n    agentenv.io/ports: \"0\"\n"
	  "spec:\n  containers:\n  - name: c\n", 1,
	  "document 1 (Pod/p), line 6: "
	  "metadata.annotations[\"agentenv.io/ports\"]: '0' is ", NULL,
	  NULL },
	/* The other sources of the service name. */
	{ "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n"
	  "    inspect/service: Bad.Name\nspec:\n  containers:\n"
	  "  - name: c\n", 1,
	  "document 1 (Pod/p), line 6: "
	  "metadata.labels[\"inspect/service\"]: 'Bad.Name' is ", NULL,
	  NULL },

	/* Everything is reported, not just the first problem. */
	{ DEPLOY(ANN("ports", "\"0, 99999, 80\"")
		 ANN("allow-cidr", "bad")
		 ANN("sidecar", "maybe")
		 ANN("typo", "x")), 5,
	  FIELD("ports") ": '0' is ", FIELD("ports") ": '99999' is ",
	  "line 12: " FIELD("typo") ": unknown annotation" },
};

START_TEST(test_refused)
{
	const struct refuse_case *c = &refuse_cases[_i];
	struct fixture f;
	const char *msgs;

	load(&f, c->yaml);
	read_all(&f);
	msgs = diag_collected();
	ck_assert_msg(diag_error_count() == c->errors,
		      "%zu errors, not %zu: %s", diag_error_count(),
		      c->errors, msgs);
	ck_assert_msg(strstr(msgs, c->msg1) != NULL, "no '%s' in:\n%s",
		      c->msg1, msgs);
	if (c->msg2)
		ck_assert_msg(strstr(msgs, c->msg2) != NULL,
			      "no '%s' in:\n%s", c->msg2, msgs);
	if (c->msg3)
		ck_assert_msg(strstr(msgs, c->msg3) != NULL,
			      "no '%s' in:\n%s", c->msg3, msgs);
	/* Refusals are diagnostics: what to use, no multi-line mess. */
	ck_assert(!strncmp(msgs, "agentenv-post: error: ", 22));
	release(&f);
}
END_TEST

/* A refused item is not stored; the good ones around it are. */
START_TEST(test_refused_item_not_stored)
{
	struct fixture f;
	struct service *svc;

	load(&f, DEPLOY(ANN("allow-cidr", "\"10.0.0.0/8, 300.0.0.0/8, "
				"::/0\"")
			ANN("networks", "\"a, B, c\"")));
	read_all(&f);
	ck_assert_uint_eq(diag_error_count(), 2);
	ck_assert_uint_eq(f.sb.nr, 1);
	svc = &f.sb.services[0];
	ASSERT_LIST(&svc->egress.cidrs, "10.0.0.0/8", "::/0");
	ASSERT_LIST(&svc->networks, "a", "c");
	release(&f);
}
END_TEST

/* A refused service name adds no service. */
START_TEST(test_refused_name_adds_nothing)
{
	struct fixture f;

	load(&f, DEPLOY(ANN("service", "-x")));
	read_all(&f);
	ck_assert_uint_eq(diag_error_count(), 1);
	ck_assert_uint_eq(f.sb.nr, 0);
	ck_assert_uint_eq(f.pts.items[0].service, NO_SERVICE);
	ck_assert(!f.pts.items[0].opted_out);
	release(&f);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("annot");
	TCase *tc = tcase_create("annot");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_split_list, 0,
			    (int)ARRAY_SIZE(split_cases));
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_service_name_sources);
	tcase_add_test(tc, test_each_annotation);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_sidecar_from_settings);
	tcase_add_test(tc, test_hook);
	tcase_add_loop_test(tc, test_opt_out, 0, (int)ARRAY_SIZE(optout_cases));
	tcase_add_test(tc, test_several_workloads);
	tcase_add_loop_test(tc, test_refused, 0, (int)ARRAY_SIZE(refuse_cases));
	tcase_add_test(tc, test_refused_item_not_stored);
	tcase_add_test(tc, test_refused_name_adds_nothing);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
