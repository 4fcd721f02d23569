/*
 * test_stream — tests of src/read/stream.c: splitting a manifest stream into
 * documents, describing them, reporting bad ones, writing them back.
 */
#include <limits.h>
#include "unit.h"
#include "stream.h"
#include "ynode.h"

#include <stdbool.h>

#define LIT(s) s, sizeof(s) - 1

/* Parse text (copied: the stream takes a malloc'ed buffer) into s. */
static size_t parse(struct stream *s, const char *text, size_t len)
{
	stream_init(s);
	return stream_parse(s, xmemdup0(text, len), len);
}

static char *write_stream(struct stream *s, size_t *len)
{
	struct buf out = BUF_INIT;
	struct output o;

	output_init(&o, output_to_buf, &out);
	stream_write(s, &o);
	output_flush(&o);
	output_release(&o);
	return buf_detach(&out, len);
}

/* --- splitting ----------------------------------------------------------- */

struct expect_doc {
	size_t line;
	const char *raw;
	const char *kind;	/* NULL: no kind (or not parsed) */
	const char *name;
	const char *namespace;
	bool parsed;		/* a Kubernetes object, loaded */
};

struct split_case {
	const char *in;
	size_t len;
	size_t nr;
	struct expect_doc docs[4];
};

#define CM(name) "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " \
	name "\n"

static const struct split_case split_cases[] = {
	/* 0: empty input */
	{ LIT(""), 0, { { 0 } } },
	/* 1: one document, no "---" */
	{ LIT(CM("a")), 1, {
		{ 1, CM("a"), "ConfigMap", "a", NULL, true },
	} },
	/* 2: a leading "---" */
	{ LIT("---\n" CM("a") "---\n" CM("b")), 2, {
		{ 1, "---\n" CM("a"), "ConfigMap", "a", NULL, true },
		{ 6, "---\n" CM("b"), "ConfigMap", "b", NULL, true },
	} },
	/* 3: no leading "---", then one */
	{ LIT(CM("a") "---\n" CM("b")), 2, {
		{ 1, CM("a"), "ConfigMap", "a", NULL, true },
		{ 5, "---\n" CM("b"), "ConfigMap", "b", NULL, true },
	} },
	/* 4: "--- " with trailing blanks, and "---" then a comment */
	{ LIT("--- \t\n" CM("a") "--- # two\n" CM("b")), 2, {
		{ 1, "--- \t\n" CM("a"), "ConfigMap", "a", NULL, true },
		{ 6, "--- # two\n" CM("b"), "ConfigMap", "b", NULL, true },
	} },
	/* 5: "---" in an indented block scalar is content */
	{ LIT("---\n" CM("a") "data:\n  x: |\n    ---\n    y\n"
	      "  z: |-\n   ---\n---\n" CM("b")), 2, {
		{ 1, "---\n" CM("a") "data:\n  x: |\n    ---\n    y\n"
		  "  z: |-\n   ---\n", "ConfigMap", "a", NULL, true },
		{ 12, "---\n" CM("b"), "ConfigMap", "b", NULL, true },
	} },
	/* 6: "---" not at column 0 is content */
	{ LIT(CM("a") "data:\n  k: >\n   ---\n   ---x\n"), 1, {
		{ 1, CM("a") "data:\n  k: >\n   ---\n   ---x\n", "ConfigMap",
		  "a", NULL, true },
	} },
	/* 7: documents of comments only (Helm's empty templates) */
	{ LIT("---\n# Source: c/templates/empty.yaml\n---\n" CM("a")
	      "---\n# Source: c/templates/other.yaml\n\n# more\n"), 3, {
		{ 1, "---\n# Source: c/templates/empty.yaml\n", NULL, NULL,
		  NULL, false },
		{ 3, "---\n" CM("a"), "ConfigMap", "a", NULL, true },
		{ 8, "---\n# Source: c/templates/other.yaml\n\n# more\n", NULL,
		  NULL, NULL, false },
	} },
	/* 8: comments before the first "---" */
	{ LIT("# leading\n\n---\n" CM("a")), 2, {
		{ 1, "# leading\n\n", NULL, NULL, NULL, false },
		{ 3, "---\n" CM("a"), "ConfigMap", "a", NULL, true },
	} },
	/* 9: CRLF line ends */
	{ LIT("---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\n"
	      "---\r\napiVersion: v1\r\nkind: Secret\r\n"), 2, {
		{ 1, "---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n"
		  "  name: p\r\n", "Pod", "p", NULL, true },
		{ 6, "---\r\napiVersion: v1\r\nkind: Secret\r\n", "Secret",
		  NULL, NULL, true },
	} },
	/* 10: no final newline */
	{ LIT("---\n" CM("a") "---\napiVersion: v1\nkind: Secret"), 2, {
		{ 1, "---\n" CM("a"), "ConfigMap", "a", NULL, true },
		{ 6, "---\napiVersion: v1\nkind: Secret", "Secret", NULL,
		  NULL, true },
	} },
	/* 11: namespace, and empty documents: "---" alone, at the end */
	{ LIT("---\n---\n" CM("a") "  namespace: ns\n---"), 3, {
		{ 1, "---\n", NULL, NULL, NULL, false },
		{ 2, "---\n" CM("a") "  namespace: ns\n", "ConfigMap", "a",
		  "ns", true },
		{ 8, "---", NULL, NULL, NULL, false },
	} },
	/* 12: flow-style documents, kind/name taken from them */
	{ LIT("--- {apiVersion: apps/v1, kind: Deployment, metadata: "
	      "{name: web, namespace: prod}}\n"), 1, {
		{ 1, "--- {apiVersion: apps/v1, kind: Deployment, metadata: "
		  "{name: web, namespace: prod}}\n", "Deployment", "web",
		  "prod", true },
	} },
	/* 13: null documents are empty documents, kept as they are */
	{ LIT("--- ~\n---\nnull\n---\n" CM("a")), 3, {
		{ 1, "--- ~\n", NULL, NULL, NULL, false },
		{ 2, "---\nnull\n", NULL, NULL, NULL, false },
		{ 4, "---\n" CM("a"), "ConfigMap", "a", NULL, true },
	} },
};

static void assert_str_or_null(const char *got, const char *want,
			       const char *what, size_t doc)
{
	if (!want)
		ck_assert_msg(got == NULL, "doc %zu: %s is '%s', not NULL",
			      doc, what, got);
	else
		ck_assert_msg(got && !strcmp(got, want),
			      "doc %zu: %s is '%s', not '%s'", doc, what,
			      got ? got : "(null)", want);
}

START_TEST(test_split)
{
	const struct split_case *c = &split_cases[_i];
	struct stream s;
	size_t i, total = 0, errors = parse(&s, c->in, c->len);

	if (errors) {
		stream_release(&s);	/* nothing left behind by a failure */
		ck_abort_msg("errors: %s", diag_collected());
	}
	ck_assert_uint_eq(s.nr, c->nr);
	ck_assert_uint_eq(s.input_len, c->len);
	for (i = 0; i < s.nr; i++) {
		const struct doc *d = &s.docs[i];
		const struct expect_doc *e = &c->docs[i];

		/* Every byte in exactly one document, in order. */
		ck_assert_ptr_eq(d->raw, s.input + total);
		total += d->raw_len;
		ck_assert_msg(d->raw_len == strlen(e->raw) &&
			      !memcmp(d->raw, e->raw, d->raw_len),
			      "doc %zu raw is '%.*s', not '%s'", i + 1,
			      (int)d->raw_len, d->raw, e->raw);
		ck_assert_uint_eq(d->where.doc, i + 1);
		ck_assert_uint_eq(d->where.line, e->line);
		ck_assert_msg((d->fyd != NULL) == e->parsed,
			      "doc %zu: parsed %d", i + 1, d->fyd != NULL);
		ck_assert_int_eq(d->valid, e->parsed);
		ck_assert(d->described);
		assert_str_or_null(d->self.kind, e->kind, "kind", i + 1);
		assert_str_or_null(d->self.name, e->name, "name", i + 1);
		assert_str_or_null(d->self.namespace, e->namespace,
				   "namespace", i + 1);
		assert_str_or_null(d->where.kind, e->kind, "where.kind", i + 1);
		assert_str_or_null(d->where.name, e->name, "where.name", i + 1);
		ck_assert(!d->hook && !d->stale && !d->text);
		if (e->kind)
			ck_assert_str_eq(d->self.api_version,
					 strstr(e->raw, "apps/v1") ?
					 "apps/v1" : "v1");
	}
	ck_assert_uint_eq(total, c->len);
	ck_assert(!s.helm4);
	stream_release(&s);
}
END_TEST

/* Unedited documents are written back byte for byte. */
START_TEST(test_write_unedited)
{
	const struct split_case *c = &split_cases[_i];
	struct stream s;
	size_t len;
	char *out;
	bool add_newline = c->len && c->in[c->len - 1] != '\n';

	parse(&s, c->in, c->len);
	out = write_stream(&s, &len);
	ck_assert_uint_eq(len, c->len + (add_newline ? 1 : 0));
	ck_assert(!memcmp(out, c->in, c->len));
	if (add_newline)
		ck_assert_int_eq(out[c->len], '\n');
	stream_release(&s);
	free(out);
}
END_TEST

/* Serialise every loaded document as if edited. */
static void finish_all(struct stream *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		if (!s->docs[i].fyd)
			continue;
		doc_finish_edit(&s->docs[i]);
		ck_assert_ptr_null(s->docs[i].fyd);
		ck_assert_ptr_nonnull(s->docs[i].text);
	}
}

/*
 * Every parsed document serialised as edited: the written stream, parsed
 * and written again the same way, is the same bytes; parsed and written
 * back unedited, too. And it holds the same documents.
 */
START_TEST(test_write_edited_stable)
{
	const struct split_case *c = &split_cases[_i];
	struct stream s, s2;
	size_t i, len1, len2, len3, parsed = 0;
	char *out1, *out2, *out3;

	parse(&s, c->in, c->len);
	finish_all(&s);
	out1 = write_stream(&s, &len1);

	if (parse(&s2, out1, len1)) {
		stream_release(&s2);
		stream_release(&s);
		free(out1);
		ck_abort_msg("the output does not parse again: %s",
			     diag_collected());
	}
	finish_all(&s2);
	out2 = write_stream(&s2, &len2);
	ck_assert_msg(len1 == len2 && !memcmp(out1, out2, len1),
		      "first:\n%s\nsecond:\n%s", out1, out2);
	stream_release(&s2);

	parse(&s2, out1, len1);
	out3 = write_stream(&s2, &len3);
	ck_assert_uint_eq(len3, len1);
	ck_assert(!memcmp(out1, out3, len1));
	/* The same objects, in the same order. */
	for (i = 0, parsed = 0; i < s.nr; i++) {
		size_t j;

		if (!s.docs[i].self.kind)
			continue;
		for (j = parsed; j < s2.nr && !s2.docs[j].self.kind; j++)
			;
		ck_assert_uint_lt(j, s2.nr);
		ck_assert_str_eq(s2.docs[j].self.kind, s.docs[i].self.kind);
		if (s.docs[i].self.name)
			ck_assert_str_eq(s2.docs[j].self.name, s.docs[i].self.name);
		parsed = j + 1;
	}
	stream_release(&s2);
	stream_release(&s);
	free(out1);
	free(out2);
	free(out3);
}
END_TEST

/* An edited document: "---", its leading comments, the emitted tree. */
struct edited_case {
	const char *in;
	const char *out;
};

static const struct edited_case edited_cases[] = {
	{ "# Source: c/templates/a.yaml\n" CM("a") "data:\n  k: v\n",
	  "---\n# Source: c/templates/a.yaml\n" CM("a") "data:\n  k: v\n" },
	{ "--- \n# Source: c/a.yaml\n# second\n" CM("a"),
	  "---\n# Source: c/a.yaml\n# second\n" CM("a") },
	{ "---\n" CM("a") "# trailing comment\n", "---\n" CM("a") },
	{ "---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, "
	  "data: {k: [1, 2]}}", "---\n" CM("a") "data:\n  k:\n  - 1\n  - 2\n" },
	{ "---\r\n# Source: crlf.yaml\r\n" "apiVersion: v1\r\nkind: Pod\r\n",
	  "---\n# Source: crlf.yaml\r\napiVersion: v1\nkind: Pod\n" },
};

START_TEST(test_write_edited)
{
	const struct edited_case *c = &edited_cases[_i];
	struct stream s;
	size_t len;
	char *out;

	ck_assert_uint_eq(parse(&s, c->in, strlen(c->in)), 0);
	ck_assert_uint_eq(s.nr, 1);
	doc_finish_edit(&s.docs[0]);
	out = write_stream(&s, &len);
	ck_assert_str_eq(out, c->out);
	ck_assert_uint_eq(len, strlen(c->out));
	stream_release(&s);
	free(out);
}
END_TEST

/* An edit shows in the output; untouched neighbours stay byte for byte. */
START_TEST(test_write_mixed)
{
	static const char in[] = "# Source: x.yaml\n" CM("a")
		"---\n# Source: y.yaml\n" CM("b") "data:\n  k:   v  # kept\n";
	struct stream s;
	struct fy_node *meta;
	size_t len;
	char *out;

	parse(&s, LIT(in));
	ck_assert_uint_eq(s.nr, 2);
	meta = ynode_get(fy_document_root(s.docs[0].fyd), "metadata");
	ynode_set(meta, "name", ynode_plain(s.docs[0].fyd, "renamed"));
	doc_finish_edit(&s.docs[0]);
	ck_assert_ptr_null(s.docs[0].fyd);
	out = write_stream(&s, &len);
	ck_assert_str_eq(out, "---\n# Source: x.yaml\n" CM("renamed")
			 "---\n# Source: y.yaml\n" CM("b")
			 "data:\n  k:   v  # kept\n");
	stream_release(&s);
	free(out);
}
END_TEST

/* --- hooks, stale objects, Helm 4 ---------------------------------------- */

struct flag_case {
	const char *in;
	bool hook;
	bool stale;
	bool helm4;
};

#define META(x) "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n" x

static const struct flag_case flag_cases[] = {
	{ META(""), false, false, false },
	{ META("  annotations:\n    helm.sh/hook: pre-install\n"), true, false,
	  false },
	{ META("  annotations:\n    helm.sh/hook: \" Pre-Install \"\n"), true,
	  false, false },
	{ META("  labels:\n    helm.sh/hook: pre-install\n"), false, false,
	  false },
	{ META("  annotations:\n    helm.sh/hook-weight: \"1\"\n"), false,
	  false, false },
	{ META("  labels:\n    agentenv.io/generated: \"true\"\n"), false, true,
	  false },
	{ META("  labels:\n    agentenv.io/generated: \"false\"\n"), false,
	  false, false },
	{ META("  annotations:\n    agentenv.io/generated: \"true\"\n"), false,
	  false, false },
	{ META("  annotations:\n    postrenderer.helm.sh/postrender-filename: "
	       "c/templates/a.yaml\n"), false, false, true },
	{ META("  labels:\n    postrenderer.helm.sh/postrender-filename: "
	       "x\n"), false, false, false },
	{ META("  labels:\n    agentenv.io/generated: \"true\"\n"
	       "  annotations:\n    helm.sh/hook: post-install\n"
	       "    postrenderer.helm.sh/postrender-filename: a.yaml\n"),
	  true, true, true },
	{ "apiVersion: v1\nkind: ConfigMap\nhelm.sh/hook: x\n", false, false,
	  false },
};

START_TEST(test_flags)
{
	const struct flag_case *c = &flag_cases[_i];
	struct stream s;

	ck_assert_uint_eq(parse(&s, c->in, strlen(c->in)), 0);
	ck_assert_uint_eq(s.nr, 1);
	ck_assert_int_eq(s.docs[0].hook, c->hook);
	ck_assert_int_eq(s.docs[0].stale, c->stale);
	ck_assert_int_eq(s.helm4, c->helm4);
	stream_release(&s);
}
END_TEST

/* Helm 4: one annotated document anywhere marks the whole stream. */
START_TEST(test_helm4_any_document)
{
	static const char in[] = "---\n" CM("a") "---\n" CM("b")
		"  annotations:\n    postrenderer.helm.sh/postrender-filename: "
		"c/templates/b.yaml\n---\n" CM("c");
	struct stream s;

	parse(&s, LIT(in));
	ck_assert_uint_eq(s.nr, 3);
	ck_assert(s.helm4);
	stream_release(&s);
}
END_TEST

/* Stale (generated by an earlier run) documents are not written. */
START_TEST(test_write_drops_stale)
{
	static const char in[] = "---\n" CM("a") "---\n" CM("old")
		"  labels:\n    agentenv.io/generated: \"true\"\n---\n" CM("b");
	struct stream s;
	size_t len;
	char *out;

	parse(&s, LIT(in));
	ck_assert_uint_eq(s.nr, 3);
	ck_assert(s.docs[1].stale);
	out = write_stream(&s, &len);
	ck_assert_str_eq(out, "---\n" CM("a") "---\n" CM("b"));
	stream_release(&s);
	free(out);
}
END_TEST

START_TEST(test_doc_metadata)
{
	static const char in[] = CM("a") "  labels:\n    app: web\n"
		"---\n# only a comment\n";
	struct stream s;
	struct fy_node *labels;

	parse(&s, LIT(in));
	ck_assert_uint_eq(s.nr, 2);
	labels = doc_metadata(&s.docs[0], "labels");
	ck_assert(ynode_is(ynode_get(labels, "app"), "web"));
	ck_assert_ptr_null(doc_metadata(&s.docs[0], "annotations"));
	ck_assert_ptr_null(doc_metadata(&s.docs[1], "labels"));
	stream_release(&s);
}
END_TEST

/* Hook details are copied out of the document. */
START_TEST(test_hook_details)
{
	static const char in[] = META("  annotations:\n"
		"    helm.sh/hook: pre-install,pre-upgrade\n"
		"    helm.sh/hook-weight: \"-5\"\n") "---\n" CM("b");
	struct stream s;

	parse(&s, LIT(in));
	ck_assert_uint_eq(s.nr, 2);
	ck_assert(s.docs[0].hook);
	ck_assert_str_eq(s.docs[0].hook_events, "pre-install,pre-upgrade");
	ck_assert_int_eq(s.docs[0].hook_weight, -5);
	ck_assert(!s.docs[1].hook);
	ck_assert_ptr_null(s.docs[1].hook_events);
	ck_assert_int_eq(s.docs[1].hook_weight, 0);
	stream_release(&s);
}
END_TEST

/* Hook events read as Helm's manifest sorter reads them. */
struct events_case {
	const char *text;
	const char *events;	/* canonical; NULL: Helm skips the object */
};

static const struct events_case events_cases[] = {
	{ "pre-install", "pre-install" },
	{ "pre-install,post-upgrade", "pre-install,post-upgrade" },
	{ " Pre-Install , POST-upgrade ", "pre-install,post-upgrade" },
	{ "test-success", "test" }, { "test,test-success", "test" },
	{ "pre-install,pre-install", "pre-install" },
	{ "", NULL }, { "pre-install,", NULL }, { "pre-install,bogus", NULL },
	{ "preinstall", NULL }, { "pre-installx", NULL }, { "tes", NULL },
	{ "pre-install post-install", NULL },
};

START_TEST(test_hook_events)
{
	const struct events_case *c = &events_cases[_i];
	struct buf in = BUF_INIT;
	struct stream s;
	size_t errors;

	buf_addf(&in, "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
		 "    helm.sh/hook: \"%s\"\n", c->text);
	errors = parse(&s, in.data, in.len);
	ck_assert_msg(!errors, "%s", diag_collected());
	ck_assert(s.docs[0].hook);
	if (c->events) {
		ck_assert_ptr_null(s.docs[0].hook_unknown);
		ck_assert_str_eq(s.docs[0].hook_events, c->events);
	} else {
		ck_assert_ptr_nonnull(s.docs[0].hook_unknown);
	}
	buf_release(&in);
	stream_release(&s);
}
END_TEST

/* Weights read as Helm's strconv.Atoi reads them; what fails is 0. */
struct weight_case {
	const char *text;
	long long weight;
	bool refused;		/* too low to go before */
};

static const struct weight_case weight_cases[] = {
	{ "5", 5, false }, { "-5", -5, false }, { "+7", 7, false },
	{ "-0000000050", -50, false }, { "0000000000012", 12, false },
	{ "9223372036854775807", LLONG_MAX, false },
	{ "9223372036854775808", 0, false },	/* out of range: 0 */
	{ "-9223372036854775798", LLONG_MIN + 10, false },
	{ "-9223372036854775799", LLONG_MIN + 9, true },
	{ "-9223372036854775808", LLONG_MIN, true },
	{ "-9223372036854775809", 0, false },
	{ " 5", 0, false }, { "5 ", 0, false }, { "", 0, false },
	{ "-", 0, false }, { "1e3", 0, false }, { "0x10", 0, false },
	{ "--5", 0, false }, { "\u0665", 0, false },	/* an Arabic 5 */
};

START_TEST(test_hook_weight)
{
	const struct weight_case *c = &weight_cases[_i];
	struct buf in = BUF_INIT;
	struct stream s;
	size_t errors;

	buf_addf(&in, "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n"
		 "    helm.sh/hook: pre-install\n"
		 "    helm.sh/hook-weight: \"%s\"\n", c->text);
	errors = parse(&s, in.data, in.len);
	ck_assert_uint_eq(errors, c->refused);
	ck_assert_int_eq(s.docs[0].hook_weight, c->weight);
	buf_release(&in);
	stream_release(&s);
}
END_TEST

/* --- headless Services --------------------------------------------------- */

struct headless_case {
	const char *in;
	bool headless;
	const char *selector;	/* "k=v k=v" */
};

#define SVC(spec) "apiVersion: v1\nkind: Service\nmetadata:\n" \
	"  name: s\nspec:\n" spec

static const struct headless_case headless_cases[] = {
	{ SVC("  clusterIP: None\n  selector:\n    app: web\n"
	      "    inspect/service: db\n"), true,
	  "app=web inspect/service=db" },
	{ SVC("  selector:\n    app: web\n  clusterIP: None\n"), true,
	  "app=web" },
	{ SVC("  clusterIP: 10.0.0.1\n  selector:\n    app: web\n"), false,
	  "" },
	{ SVC("  selector:\n    app: web\n"), false, "" },
	{ SVC("  clusterIP: None\n"), false, "" },
	{ SVC("  clusterIP: None\n  selector: {}\n"), false, "" },
	{ SVC("  clusterIP: None\n  selector:\n    a: [x]\n    b: c\n"),
	  true, "b=c" },
	{ "apiVersion: v1\nkind: ConfigMap\nspec:\n  clusterIP: None\n"
	  "  selector:\n    app: web\n", false, "" },
};

START_TEST(test_headless)
{
	const struct headless_case *c = &headless_cases[_i];
	struct buf got = BUF_INIT;
	struct stream s;
	const struct object *o;
	size_t i;

	ck_assert_uint_eq(parse(&s, c->in, strlen(c->in)), 0);
	ck_assert_uint_eq(s.docs[0].nr_objects, 1);
	o = &s.docs[0].objects[0];
	ck_assert_int_eq(o->headless, c->headless);
	for (i = 0; i < o->selector_nr; i++)
		buf_addf(&got, "%s%s=%s", i ? " " : "", o->selector[2 * i],
			 o->selector[2 * i + 1]);
	ck_assert_str_eq(got.data, c->selector);
	buf_release(&got);
	stream_release(&s);
}
END_TEST

/* --- loading and unloading ----------------------------------------------- */

/* Split alone parses nothing; a document loads again after an unload. */
START_TEST(test_load_unload)
{
	static const char in[] = "---\n" CM("a") "---\n- not an object\n"
		"---\n# empty\n";
	struct stream s;
	struct doc *a, *bad, *empty;
	char *first, *second;
	size_t len;

	stream_init(&s);
	stream_split(&s, xmemdup0(in, sizeof(in) - 1), sizeof(in) - 1);
	ck_assert_uint_eq(s.nr, 3);
	ck_assert_uint_eq(diag_error_count(), 0);
	a = &s.docs[0];
	bad = &s.docs[1];
	empty = &s.docs[2];
	ck_assert(!a->fyd && !a->described && !a->self.kind);

	ck_assert(doc_load(&s, a));
	ck_assert_ptr_nonnull(a->fyd);
	ck_assert_str_eq(a->self.name, "a");
	first = ynode_emit(a->fyd, &len);
	ck_assert(doc_load(&s, a));		/* loaded: a no-op */
	doc_unload(a);
	ck_assert_ptr_null(a->fyd);
	ck_assert_str_eq(a->self.name, "a");		/* copied out */
	ck_assert(doc_load(&s, a));
	second = ynode_emit(a->fyd, &len);
	ck_assert_str_eq(first, second);
	free(first);
	free(second);

	/* A bad document is reported once, however often it is loaded. */
	ck_assert(!doc_load(&s, bad));
	ck_assert_uint_eq(diag_error_count(), 1);
	ck_assert_ptr_null(bad->fyd);
	ck_assert(!doc_load(&s, bad));
	ck_assert_uint_eq(diag_error_count(), 1);
	ck_assert(!bad->valid);

	ck_assert(!doc_load(&s, empty));
	ck_assert_ptr_null(empty->fyd);
	ck_assert_uint_eq(diag_error_count(), 1);
	stream_release(&s);
}
END_TEST

/* A parse error is reported once, on its document, with its line. */
START_TEST(test_load_bad_yaml_once)
{
	static const char in[] = "---\n" CM("a") "---\nx: [\n---\ny: {\n";
	struct stream s;

	stream_init(&s);
	stream_split(&s, xmemdup0(in, sizeof(in) - 1), sizeof(in) - 1);
	ck_assert_uint_eq(s.nr, 3);
	ck_assert(!doc_load(&s, &s.docs[2]));
	ck_assert_uint_eq(diag_error_count(), 1);
	ck_assert_ptr_nonnull(strstr(diag_collected(), "document 3, line "));
	ck_assert(!doc_load(&s, &s.docs[1]));
	ck_assert_uint_eq(diag_error_count(), 2);
	ck_assert_ptr_nonnull(strstr(diag_collected(), "document 2, line "));
	ck_assert(!doc_load(&s, &s.docs[2]));
	ck_assert(!doc_load(&s, &s.docs[1]));
	ck_assert_uint_eq(diag_error_count(), 2);
	ck_assert(doc_load(&s, &s.docs[0]));
	ck_assert_uint_eq(diag_error_count(), 2);
	stream_release(&s);
}
END_TEST

/* --- errors -------------------------------------------------------------- */

struct error_case {
	const char *in;
	size_t len;
	size_t errors;
	const char *msg1;	/* substrings of the diagnostics */
	const char *msg2;
	size_t bad_doc;		/* 1-based; 0: none in particular */
};

static const struct error_case error_cases[] = {
	/* An unclosed quote on stream line 8, in document 2. */
	{ LIT("---\n" "apiVersion: v1\nkind: A\n" "---\n" "apiVersion: v1\n"
	      "kind: B\n" "metadata:\n" "  name: \"x\n"), 1,
	  "document 2, line 8: not valid YAML", "(column ", 2 },
	/* A duplicate key on stream line 9. */
	{ LIT("---\n" "apiVersion: v1\nkind: A\n" "---\n" "apiVersion: v1\n"
	      "kind: B\n" "metadata:\n" "  name: x\n" "  name: y\n"), 1,
	  "document 2, line 9: not valid YAML", "duplicate key", 2 },
	/* The first document, no "---": lines count from 1. */
	{ LIT("apiVersion: v1\nkind: A\nmetadata: [\n"), 1,
	  "document 1, line ", "not valid YAML", 1 },
	/* Bad YAML in the third document, after a comment-only one. */
	{ LIT("# Source: x\n---\n" CM("a") "---\n" "apiVersion: v1\n"
	      "kind: ConfigMap\n" "data:\n" "  k: 'v\n"), 1,
	  "document 3, line 11: not valid YAML", "single-quoted", 3 },
	/* CRLF line ends count lines too. */
	{ LIT("---\r\napiVersion: v1\r\nkind: A\r\n---\r\napiVersion: v1\r\n"
	      "kind: B\r\nmetadata:\r\n  name: \"x\r\n"), 1,
	  "document 2, line 8: not valid YAML", NULL, 2 },
	{ LIT("- a\n- b\n"), 1,
	  "document 1, line 1: is a sequence, not a Kubernetes object", NULL,
	  1 },
	{ LIT("---\n" CM("a") "---\nhello\n"), 1,
	  "document 2, line 6: is a scalar, not a Kubernetes object", NULL,
	  2 },
	{ LIT("apiVersion: v1\nmetadata:\n  name: x\n"), 1,
	  "document 1, line 1: kind: missing", NULL, 1 },
	{ LIT("apiVersion: v1\nkind: [a]\nmetadata:\n  name: x\n"), 1,
	  "document 1, line 2: kind: must be a string", NULL, 1 },
	{ LIT("apiVersion: v1\nkind: \"\"\n"), 1, "kind: missing", NULL, 1 },
	{ LIT("kind: Pod\nmetadata:\n  name: p\n"), 1,
	  "document 1 (Pod/p), line 1: apiVersion: missing", NULL, 1 },
	{ LIT("metadata: {}\n"), 2, "kind: missing", "apiVersion: missing",
	  1 },
	{ LIT("apiVersion: v1\nkind: ConfigMap\x00\n"), 1,
	  "line 2, column 16: the input is not UTF-8 text (byte 0x00, a NUL "
	  "byte)", NULL, 0 },
	/* Nothing of a stream that is not text is parsed. */
	{ LIT("\x00"), 1, "line 1, column 1: the input is not UTF-8", NULL,
	  0 },
	/* Every bad document is reported, not just the first. */
	{ LIT("- a\n---\nb\n---\n" CM("ok") "---\nx: [\n"), 3,
	  "document 1, line 1: is a sequence",
	  "document 2, line 2: is a scalar", 0 },
};

START_TEST(test_errors)
{
	const struct error_case *c = &error_cases[_i];
	struct stream s;
	size_t errors = parse(&s, c->in, c->len);
	const char *msgs = diag_collected();

	ck_assert_msg(errors == c->errors, "%zu errors, not %zu: %s", errors,
		      c->errors, msgs);
	ck_assert_uint_eq(diag_error_count(), c->errors);
	ck_assert_msg(strstr(msgs, c->msg1) != NULL, "no '%s' in: %s",
		      c->msg1, msgs);
	if (c->msg2)
		ck_assert_msg(strstr(msgs, c->msg2) != NULL, "no '%s' in: %s",
			      c->msg2, msgs);
	ck_assert(!strncmp(msgs, "agentenv-post: error: ", 22));
	if (c->bad_doc)
		ck_assert_uint_ge(s.nr, c->bad_doc);
	stream_release(&s);
}
END_TEST

/* A document with a problem is not valid and not left loaded. */
START_TEST(test_errors_drop_tree)
{
	struct buf kept = BUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		const struct error_case *c = &error_cases[i];
		struct stream s;

		parse(&s, c->in, c->len);
		if (c->bad_doc && (s.docs[c->bad_doc - 1].fyd ||
				   s.docs[c->bad_doc - 1].valid))
			buf_addf(&kept, "  case %zu, document %zu: %s", i,
				 c->bad_doc, diag_collected());
		stream_release(&s);
		diag_clear();
	}
	ck_assert_msg(kept.len == 0, "documents kept their tree after an "
		      "error:\n%s", kept.data);
	buf_release(&kept);
}
END_TEST

/* Lines that only look like separators do not split (errors or not). */
START_TEST(test_split_not_separator)
{
	static const char *const inputs[] = {
		"a: 1\n----\n",
		"a: 1\n---x\n",
		"a: 1\n---:\n",
		"a: 1\n ---\n",
		"a: 1\n\t---\n",
		"a: 1\n# ---\n",
		"a: |\n  x\n  ---\n",
		"--- \na: 1\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(inputs); i++) {
		struct stream s;

		parse(&s, inputs[i], strlen(inputs[i]));
		ck_assert_msg(s.nr == 1, "'%s': %zu documents", inputs[i],
			      s.nr);
		ck_assert_uint_eq(s.docs[0].raw_len, strlen(inputs[i]));
		stream_release(&s);
		diag_clear();
	}
}
END_TEST

/* The error count returned is this parse's, not the run's. */
START_TEST(test_errors_counted_per_parse)
{
	struct stream s;

	ck_assert_uint_eq(parse(&s, LIT("- a\n")), 1);
	stream_release(&s);
	ck_assert_uint_eq(parse(&s, LIT("x: [\n---\n- b\n")), 2);
	stream_release(&s);
	ck_assert_uint_eq(parse(&s, LIT(CM("fine"))), 0);
	ck_assert_uint_eq(diag_error_count(), 3);
	stream_release(&s);
}
END_TEST

/* A bad document does not stop the ones after it from being described. */
START_TEST(test_errors_go_on)
{
	static const char in[] = "x: [\n---\n" CM("after");
	struct stream s;

	ck_assert_uint_eq(parse(&s, LIT(in)), 1);
	ck_assert_uint_eq(s.nr, 2);
	ck_assert_ptr_nonnull(s.docs[1].fyd);
	ck_assert_str_eq(s.docs[1].self.name, "after");
	ck_assert_uint_eq(s.docs[1].where.line, 2);
	stream_release(&s);
}
END_TEST

/* --- objects: what Helm's client creates from a document ---------------- */

struct object_case {
	const char *in;
	const char *objects;	/* "item:Kind/name ..." */
	const char *error;	/* a part of the first message, or NULL */
};

#define DEPLOY(name) "  - apiVersion: apps/v1\n    kind: Deployment\n" \
	"    metadata:\n      name: " name "\n"

static const struct object_case object_cases[] = {
	/* A document without items is one object. */
	{ "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
	  "0:ConfigMap/c", NULL },
	/* Any kind with items is a list: the items are the objects. */
	{ "apiVersion: v1\nkind: List\nitems:\n" DEPLOY("a") DEPLOY("b"),
	  "1:Deployment/a 2:Deployment/b", NULL },
	{ "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n" DEPLOY("x"),
	  "1:Deployment/x", NULL },
	/* Any other kind with items: its items, not it, would be created. */
	{ "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
	  "items:\n" DEPLOY("x"), "1:Deployment/x",
	  "would create the items and not this Deployment" },
	{ "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicyList\n"
	  "items: []\n", "", NULL },
	{ "apiVersion: v1\nkind: List\nitems:\n", "", NULL },
	/* What Kubernetes' decoder or Helm's client would refuse. */
	{ "apiVersion: apps/v1\nkind: Deployment\nitems:\n", "",
	  "items: Kubernetes reads any object with an items field" },
	{ "apiVersion: v1\nkind: ConfigMap\nitems: {a: b}\n", "",
	  "must be a list of objects" },
	{ "apiVersion: v1\nkind: List\nitems:\n  - 3\n", "",
	  "document 1, item 1, line 4: is a scalar" },
	{ "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n"
	  "    kind: List\n    items: []\n", "1:List/",
	  "a list inside a list" },
	{ "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n"
	  "    kind: Pod\n    metadata:\n      name: p\n"
	  "      annotations:\n        helm.sh/hook: pre-install\n",
	  "1:Pod/p", "a Helm hook inside a list" },
	{ "apiVersion: v1\nkind: List\nmetadata:\n  annotations:\n"
	  "    helm.sh/hook-weight: \"1\"\nitems: []\n", "",
	  "a Helm hook on a list" },
	{ "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n"
	  "    kind: ConfigMap\n    metadata:\n      name: c\n"
	  "      labels:\n        agentenv.io/generated: \"true\"\n",
	  "1:ConfigMap/c", "only the objects agentenv-post generates" },
	{ "apiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n", "1:Pod/",
	  "apiVersion: missing" },
	/* Anchors and aliases anywhere, not only in workloads. */
	{ "apiVersion: v1\nkind: ConfigMap\ndata: &d {a: b}\nx: *d\n", "",
	  "not accepted anywhere in the stream" },
};

START_TEST(test_objects)
{
	const struct object_case *c = &object_cases[_i];
	struct buf got = BUF_INIT;
	struct stream s;
	size_t i, errors;

	errors = parse(&s, c->in, strlen(c->in));
	buf_adds(&got, "");
	for (i = 0; s.nr && i < s.docs[0].nr_objects; i++) {
		const struct object *o = &s.docs[0].objects[i];

		buf_addf(&got, "%s%zu:%s/%s", i ? " " : "", o->where.item,
			 o->kind ? o->kind : "", o->name ? o->name : "");
	}
	ck_assert_str_eq(got.data, c->objects);
	if (c->error) {
		ck_assert_uint_gt(errors, 0);
		ck_assert_msg(strstr(diag_collected(), c->error),
			      "no '%s' in: %s", c->error, diag_collected());
	} else {
		ck_assert_msg(!errors, "errors: %s", diag_collected());
	}
	buf_release(&got);
	stream_release(&s);
}
END_TEST

/* A "---" line YAML does not split at, but Kubernetes and Helm do. */
START_TEST(test_dash_line_refused)
{
	static const char in[] = "apiVersion: v1\nkind: ConfigMap\n"
				 "---#x:\n  kind: Pod\n";
	struct stream s;

	ck_assert_uint_gt(parse(&s, in, sizeof(in) - 1), 0);
	ck_assert_ptr_nonnull(strstr(diag_collected(),
				     "line 3: starts with \"---\""));
	stream_release(&s);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("stream");
	TCase *tc = tcase_create("stream");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
#define LOOP(test, cases) \
	tcase_add_loop_test(tc, test, 0, (int)ARRAY_SIZE(cases))
	LOOP(test_split, split_cases);
	LOOP(test_write_unedited, split_cases);
	LOOP(test_write_edited_stable, split_cases);
	LOOP(test_write_edited, edited_cases);
	LOOP(test_flags, flag_cases);
	LOOP(test_errors, error_cases);
	LOOP(test_headless, headless_cases);
	LOOP(test_objects, object_cases);
	LOOP(test_hook_weight, weight_cases);
	LOOP(test_hook_events, events_cases);
#undef LOOP
	tcase_add_test(tc, test_write_mixed);
	tcase_add_test(tc, test_helm4_any_document);
	tcase_add_test(tc, test_write_drops_stale);
	tcase_add_test(tc, test_doc_metadata);
	tcase_add_test(tc, test_hook_details);
	tcase_add_test(tc, test_load_unload);
	tcase_add_test(tc, test_load_bad_yaml_once);
	tcase_add_test(tc, test_errors_drop_tree);
	tcase_add_test(tc, test_split_not_separator);
	tcase_add_test(tc, test_errors_counted_per_parse);
	tcase_add_test(tc, test_errors_go_on);
	tcase_add_test(tc, test_dash_line_refused);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
