/*
 * test_values — tests of src/read/values.c: the --values vocabulary, what each
 * accepted key stores, and the refusal of chart keys, unknown keys and bad
 * items with messages that name the file, line, field and value.
 */
#include "unit.h"
#include "buf.h"
#include "values.h"
#include "ynode.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* Load text as the file "v.yaml" into a zeroed st. */
static bool load(struct settings *st, const char *text)
{
	memset(st, 0, sizeof(*st));
	return values_load_text(st, text, strlen(text), "v.yaml");
}

/* --- the table ----------------------------------------------------------- */

enum {
	HAS_LABELS = 1 << 0,
	HAS_ANNOTATIONS = 1 << 1,
	HAS_IMAGE = 1 << 2,
	HAS_COMMAND = 1 << 3,
	HAS_SECURITY = 1 << 4,
	HAS_SECRETS = 1 << 5,
};

struct values_case {
	const char *text;
	bool ok;
	size_t errors;
	const char *msg1;	/* substrings of the diagnostics */
	const char *msg2;
	/* What was stored (also for refused files: what was good). */
	size_t domains, ports, cidrs, entities;
	unsigned nodes;
};

#define OK(text, ...) { text, true, 0, NULL, NULL, __VA_ARGS__ }
#define BAD(text, errors, msg1, msg2, ...) \
	{ text, false, errors, msg1, msg2, __VA_ARGS__ }

static const struct values_case values_cases[] = {
	OK("", 0, 0, 0, 0, 0),
	OK("# only a comment\n", 0, 0, 0, 0, 0),
	OK("---\n{}\n", 0, 0, 0, 0, 0),
	OK("allowDomains:\n", 0, 0, 0, 0, 0),
	OK("allowDomains: [example.com, '*.pypi.org', '*']\n", 3, 0, 0, 0, 0),
	OK("allowDomainsPorts:\n- port: 22\n  domain: github.com\n"
	   "- port: 443\n  protocol: UDP\n- port: 8443\n  protocol: TCP\n"
	   "  domain: example.com\n", 0, 3, 0, 0, 0),
	OK("allowCIDR: [10.0.0.0/8, \"2001:db8::/32\"]\n", 0, 0, 2, 0, 0),
	OK("allowEntities: [world, cluster, kube-apiserver]\n", 0, 0, 0, 3,
	   0),
	OK("labels:\n  team: ml\n  example.com/tier: \"true\"\n  empty: \"\"\n",
	   0, 0, 0, 0, HAS_LABELS),
	OK("annotations:\n  note: \"any text, even: colons # and more\"\n",
	   0, 0, 0, 0, HAS_ANNOTATIONS),
	OK("corednsImage: registry.example/coredns:1.11@sha256:abc\n", 0, 0,
	   0, 0, HAS_IMAGE),
	OK("corednsCommand: [/coredns, -conf, /etc/coredns/Corefile]\n", 0, 0,
	   0, 0, HAS_COMMAND),
	OK("corednsSecurityContext:\n  runAsUser: 1000\n", 0, 0, 0, 0,
	   HAS_SECURITY),
	OK("imagePullSecrets:\n- name: regcred\n- name: other.secret\n", 0, 0,
	   0, 0, HAS_SECRETS),
	OK("allowDomains: [a.com]\nallowDomainsPorts: [{port: 22}]\n"
	   "allowCIDR: [1.1.1.1/32]\nallowEntities: [world]\n"
	   "labels: {a: b}\nannotations: {c: d}\ncorednsImage: x\n"
	   "corednsCommand: [x]\ncorednsSecurityContext: {}\n"
	   "imagePullSecrets: [{name: s}]\n", 1, 1, 1, 1,
	   HAS_LABELS | HAS_ANNOTATIONS | HAS_IMAGE | HAS_COMMAND |
	   HAS_SECURITY | HAS_SECRETS),

	/* Keys that describe the chart, not the sandbox. */
	BAD("services:\n  web: {}\n", 1,
	    "--values v.yaml, line 1: services: describes the chart",
	    "write it in the chart's templates", 0, 0, 0, 0, 0),
	BAD("a: 1\nvolumes: []\n", 2, "line 2: volumes: describes the chart",
	    "line 1: a: unknown key", 0, 0, 0, 0, 0),
	BAD("networks: {}\n", 1, "networks: describes the chart", NULL, 0,
	    0, 0, 0, 0),
	BAD("additionalResources: []\n", 1,
	    "additionalResources: describes the chart", NULL, 0, 0, 0, 0, 0),
	BAD("global: {}\n", 1, "global: describes the chart", NULL, 0, 0, 0,
	    0, 0),
	BAD("automountServiceAccountToken: true\n", 1,
	    "automountServiceAccountToken: describes the chart", NULL, 0, 0,
	    0, 0, 0),
	BAD("serviceAccountName: x\n", 1,
	    "serviceAccountName: describes the chart", NULL, 0, 0, 0, 0, 0),
	/* Unknown keys, typos included. */
	BAD("allowDomain: [a.com]\n", 1,
	    "--values v.yaml, line 1: allowDomain: unknown key",
	    "use allowDomains, allowDomainsPorts", 0, 0, 0, 0, 0),
	BAD("allowdomains: [a.com]\n", 1, "allowdomains: unknown key", NULL,
	    0, 0, 0, 0, 0),
	BAD("allowDomains: [a.com]\nfoo: bar\n", 1,
	    "line 2: foo: unknown key", NULL, 1, 0, 0, 0, 0),
	BAD("? [a]\n: b\n", 1, "(key): must be a string", NULL, 0, 0, 0, 0,
	    0),
	/* Not a mapping, not YAML. */
	BAD("- allowDomains\n", 1, "(top level): must be a mapping", NULL, 0,
	    0, 0, 0, 0),
	BAD("just a string\n", 1, "(top level): must be a mapping", NULL, 0,
	    0, 0, 0, 0),
	BAD("allowDomains: [a.com\n", 1, "--values v.yaml, line 2: not valid YAML",
	    NULL, 0, 0, 0, 0, 0),

	/* Bad items. */
	BAD("allowDomains: [a.com, 'exa mple.com', b.com]\n", 1,
	    "line 1: allowDomains: 'exa mple.com' is ", NULL, 2, 0, 0, 0, 0),
	BAD("allowDomains: example.com\n", 1,
	    "allowDomains: must be a list of strings", NULL, 0, 0, 0, 0, 0),
	BAD("allowDomains: [[a.com]]\n", 1, "allowDomains: item 0 must be a "
	    "string", NULL, 0, 0, 0, 0, 0),
	BAD("allowDomainsPorts:\n- port: 443\n  protocol: TCP\n"
	    "  domain: example.com\n", 1,
	    "line 2: allowDomainsPorts: '443/TCP@example.com' ", NULL, 0, 0,
	    0, 0, 0),
	BAD("allowDomainsPorts:\n- port: 80\n  protocol: ANY\n", 1,
	    "allowDomainsPorts: '80/ANY' ", NULL, 0, 0, 0, 0, 0),
	BAD("allowDomainsPorts:\n- port: 443\n", 1,
	    "allowDomainsPorts: '443' ", NULL, 0, 0, 0, 0, 0),
	BAD("allowDomainsPorts:\n- port: 70000\n- port: 22\n", 1,
	    "allowDomainsPorts: '70000' ", NULL, 0, 1, 0, 0, 0),
	BAD("allowDomainsPorts:\n- port: 22\n  domain: '*'\n", 1,
	    "allowDomainsPorts: '22@*' ", NULL, 0, 0, 0, 0, 0),
	BAD("allowDomainsPorts:\n- port: 22\n  proto: TCP\n", 1,
	    "allowDomainsPorts: item 0 must be a mapping with port", NULL, 0,
	    0, 0, 0, 0),
	BAD("allowDomainsPorts:\n- 22\n", 1,
	    "allowDomainsPorts: item 0 must be a mapping", NULL, 0, 0, 0, 0,
	    0),
	BAD("allowDomainsPorts:\n- domain: a.com\n", 1,
	    "allowDomainsPorts: item 0 must be a mapping", NULL, 0, 0, 0, 0,
	    0),
	BAD("allowDomainsPorts: {port: 22}\n", 1,
	    "allowDomainsPorts: must be a list", NULL, 0, 0, 0, 0, 0),
	BAD("allowCIDR: [10.0.0.0/8, 10.0.0.0/33]\n", 1,
	    "line 1: allowCIDR: '10.0.0.0/33' is not", NULL, 0, 0, 1, 0, 0),
	BAD("allowCIDR: [1.2.3.4]\n", 1, "allowCIDR: '1.2.3.4' is ", NULL, 0,
	    0, 0, 0, 0),
	BAD("allowEntities: [world, everything]\n", 1,
	    "allowEntities: 'everything' is ", NULL, 0, 0, 0, 1, 0),
	BAD("labels:\n  ok: fine\n  -bad: x\n", 1,
	    "line 3: labels: key '-bad' is ", NULL, 0, 0, 0, 0, HAS_LABELS),
	BAD("labels:\n  team: two words\n", 1,
	    "line 2: labels: value 'two words' is ", NULL, 0, 0, 0, 0,
	    HAS_LABELS),
	BAD("labels:\n  team: -x\n", 1, "labels: value '-x' is ", NULL, 0,
	    0, 0, 0, HAS_LABELS),
	BAD("labels:\n  a: [b]\n", 1, "labels: must map strings to strings",
	    NULL, 0, 0, 0, 0, HAS_LABELS),
	BAD("labels: [a]\n", 1, "labels: must be a mapping of strings", NULL,
	    0, 0, 0, 0, 0),
	BAD("annotations:\n  Bad Key: x\n", 1,
	    "line 2: annotations: key 'Bad Key' is ", NULL, 0, 0, 0, 0,
	    HAS_ANNOTATIONS),
	BAD("corednsImage: \"coredns with space\"\n", 1,
	    "corednsImage: 'coredns with space' is not an image", NULL, 0, 0,
	    0, 0, 0),
	BAD("corednsImage: \"img#x\"\n", 1, "corednsImage: 'img#x' is not",
	    NULL, 0, 0, 0, 0, 0),
	BAD("corednsImage: \"\"\n", 1, "corednsImage: must be an image "
	    "reference", NULL, 0, 0, 0, 0, 0),
	BAD("corednsImage: [a]\n", 1, "corednsImage: must be an image", NULL,
	    0, 0, 0, 0, 0),
	BAD("corednsCommand: []\n", 1, "corednsCommand: must not be empty",
	    NULL, 0, 0, 0, 0, 0),
	BAD("corednsCommand: /coredns\n", 1,
	    "corednsCommand: must be a list of strings", NULL, 0, 0, 0, 0, 0),
	BAD("corednsCommand: [/coredns, \"\"]\n", 1,
	    "corednsCommand: '' is empty", NULL, 0, 0, 0, 0, 0),
	BAD("corednsSecurityContext: [x]\n", 1,
	    "corednsSecurityContext: must be a mapping", NULL, 0, 0, 0, 0, 0),
	BAD("imagePullSecrets: regcred\n", 1,
	    "imagePullSecrets: must be a list of {name: SECRET}", NULL, 0, 0,
	    0, 0, 0),
	BAD("imagePullSecrets: [{name: Bad_Secret}]\n", 1,
	    "imagePullSecrets: item 0 must be {name: SECRET}", NULL, 0, 0, 0,
	    0, 0),
	BAD("imagePullSecrets: [{name: a, extra: b}]\n", 1,
	    "imagePullSecrets: item 0 must be", NULL, 0, 0, 0, 0, 0),
	BAD("imagePullSecrets: [regcred]\n", 1,
	    "imagePullSecrets: item 0 must be", NULL, 0, 0, 0, 0, 0),
	/* Every problem of the file is reported. */
	BAD("allowDomains: ['a b']\nallowCIDR: [x]\nservices: {}\nzzz: 1\n",
	    4, "line 3: services: describes", "line 4: zzz: unknown key", 0,
	    0, 0, 0, 0),
};

START_TEST(test_values)
{
	const struct values_case *c = &values_cases[_i];
	struct settings st;
	bool ok = load(&st, c->text);
	const char *msgs = diag_collected();
	size_t domains = st.egress.domains.nr, ports = st.egress.nr_ports;
	size_t cidrs = st.egress.cidrs.nr, entities = st.egress.entities.nr;
	unsigned nodes = 0;

	nodes |= st.labels ? HAS_LABELS : 0;
	nodes |= st.annotations ? HAS_ANNOTATIONS : 0;
	nodes |= st.coredns_image ? HAS_IMAGE : 0;
	nodes |= st.coredns_command ? HAS_COMMAND : 0;
	nodes |= st.coredns_security_context ? HAS_SECURITY : 0;
	nodes |= st.image_pull_secrets ? HAS_SECRETS : 0;
	settings_release(&st);	/* before any assertion can fail */
	ck_assert_msg(ok == c->ok, "'%s': %s: %s", c->text,
		      ok ? "accepted" : "refused", msgs);
	ck_assert_msg(diag_error_count() == c->errors,
		      "%zu errors, not %zu: %s", diag_error_count(),
		      c->errors, msgs);
	if (c->msg1)
		ck_assert_msg(strstr(msgs, c->msg1) != NULL,
			      "no '%s' in:\n%s", c->msg1, msgs);
	if (c->msg2)
		ck_assert_msg(strstr(msgs, c->msg2) != NULL,
			      "no '%s' in:\n%s", c->msg2, msgs);
	if (c->errors)
		ck_assert(!strncmp(msgs, "agentenv-post: error: --values "
				   "v.yaml", 36));
	ck_assert_uint_eq(domains, c->domains);
	ck_assert_uint_eq(ports, c->ports);
	ck_assert_uint_eq(cidrs, c->cidrs);
	ck_assert_uint_eq(entities, c->entities);
	ck_assert_msg(nodes == c->nodes, "nodes 0x%x, not 0x%x", nodes,
		      c->nodes);
}
END_TEST

/* --- what is stored ------------------------------------------------------ */

static char *emit_node(struct fy_node *n)
{
	struct fy_document *d = ynode_document("{}");
	char *text;
	size_t len;

	ynode_set(fy_document_root(d), "v", ynode_copy(d, n));
	text = ynode_emit(d, &len);
	fy_document_destroy(d);
	return text;
}

static void assert_node_emits(struct fy_node *n, const char *want)
{
	char *text = emit_node(n);

	ck_assert_str_eq(text, want);
	free(text);
}

START_TEST(test_egress_stored)
{
	struct settings st;

	ck_assert(load(&st, "allowDomains: [example.com, '*.pypi.org']\n"
		       "allowDomainsPorts:\n"
		       "- port: 22\n  domain: github.com\n"
		       "- port: 443\n  protocol: UDP\n"
		       "- {port: \"8443\", protocol: tcp, domain: a.example}\n"
		       "- port: 5432\n"
		       "allowCIDR: [10.0.0.0/8]\n"
		       "allowEntities: [world]\n"));
	ck_assert_str_eq(st.egress.domains.items[0], "example.com");
	ck_assert_str_eq(st.egress.domains.items[1], "*.pypi.org");
	ck_assert_uint_eq(st.egress.nr_ports, 4);
	ck_assert_uint_eq(st.egress.ports[0].number, 22);
	ck_assert_int_eq(st.egress.ports[0].protocol, PROTOCOL_ANY);
	ck_assert_str_eq(st.egress.ports[0].domain, "github.com");
	ck_assert_uint_eq(st.egress.ports[1].number, 443);
	ck_assert_int_eq(st.egress.ports[1].protocol, PROTOCOL_UDP);
	ck_assert_ptr_null(st.egress.ports[1].domain);
	ck_assert_uint_eq(st.egress.ports[2].number, 8443);
	ck_assert_int_eq(st.egress.ports[2].protocol, PROTOCOL_TCP);
	ck_assert_str_eq(st.egress.ports[2].domain, "a.example");
	ck_assert_uint_eq(st.egress.ports[3].number, 5432);
	ck_assert_int_eq(st.egress.ports[3].protocol, PROTOCOL_ANY);
	ck_assert_ptr_null(st.egress.ports[3].domain);
	ck_assert_str_eq(st.egress.cidrs.items[0], "10.0.0.0/8");
	ck_assert_str_eq(st.egress.entities.items[0], "world");
	ck_assert(egress_allows_world(&st.egress));
	settings_release(&st);
}
END_TEST

/*
 * Label and annotation values stay strings: they are double-quoted; and
 * so is a key YAML 1.1 reads as no string ("on": Kubernetes' true).
 */
START_TEST(test_maps_stored_quoted)
{
	struct settings st;

	ck_assert(load(&st, "labels:\n  team: ml\n  on: \"true\"\n"
		       "  port: '8080'\n"
		       "annotations:\n  note: \"a \\\"quoted\\\" note\"\n"
		       "  example.com/x: yes\n"));
	assert_node_emits(st.labels, "v:\n  team: \"ml\"\n  \"on\": \"true\"\n"
			  "  port: \"8080\"\n");
	assert_node_emits(st.annotations, "v:\n  note: \"a \\\"quoted\\\" "
			  "note\"\n  example.com/x: \"yes\"\n");
	ck_assert(ynode_is(ynode_get(st.labels, "on"), "true"));
	settings_release(&st);
}
END_TEST

START_TEST(test_coredns_stored)
{
	struct settings st;

	ck_assert(load(&st, "corednsImage: my.registry/coredns:1.2\n"
		       "corednsCommand: [/coredns, -conf, \"8080\"]\n"
		       "corednsSecurityContext:\n  runAsUser: 1000\n"
		       "  readOnlyRootFilesystem: true\n"
		       "imagePullSecrets:\n- name: regcred\n"));
	ck_assert(ynode_is(st.coredns_image, "my.registry/coredns:1.2"));
	assert_node_emits(st.coredns_image,
			  "v: \"my.registry/coredns:1.2\"\n");
	assert_node_emits(st.coredns_command, "v:\n- \"/coredns\"\n"
			  "- \"-conf\"\n- \"8080\"\n");
	ck_assert(ynode_is(ynode_get(st.coredns_security_context,
				     "runAsUser"), "1000"));
	ck_assert_int_eq(ynode_count(st.image_pull_secrets), 1);
	ck_assert(ynode_is(ynode_path(st.image_pull_secrets, "/0/name"),
			   "regcred"));
	settings_release(&st);
}
END_TEST

/*
 * A value is kept exactly, whatever characters it holds: a YAML escape
 * in the file gives the character, and quoting it again for the output
 * must not turn it into something else.
 */
START_TEST(test_annotation_value_exact)
{
	static const struct {
		const char *yaml;
		const char *value;
	} cases[] = {
		{ "\"tab\\there\"", "tab\there" },
		{ "\"line\\nbreak\"", "line\nbreak" },
		{ "\"caf\\u00e9\"", "caf\xc3\xa9" },
		{ "\"nel\\Nhere\"", "nel\xc2\x85here" },
		{ "\"ls\\Lhere\"", "ls\xe2\x80\xa8here" },
		{ "\"back\\\\slash\"", "back\\slash" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct settings st;
		struct buf text = BUF_INIT;
		const char *s;
		size_t len;

		buf_addf(&text, "annotations:\n  note: %s\n", cases[i].yaml);
		ck_assert(load(&st, text.data));
		s = ynode_scalar(ynode_get(st.annotations, "note"), &len);
		ck_assert_ptr_nonnull(s);
		ck_assert_msg(len == strlen(cases[i].value) &&
			      !memcmp(s, cases[i].value, len),
			      "%s is stored as '%.*s'", cases[i].yaml,
			      (int)len, s);
		settings_release(&st);
		buf_release(&text);
	}
}
END_TEST

/* Refused items are not stored; the good ones around them are. */
START_TEST(test_errors_do_not_store_bad_items)
{
	struct settings st;

	ck_assert(!load(&st, "allowDomains: [good.com, 'bad com', also.com]\n"
			"allowCIDR: [bad, 1.0.0.0/8]\n"));
	ck_assert_uint_eq(diag_error_count(), 2);
	ck_assert_uint_eq(st.egress.domains.nr, 2);
	ck_assert_str_eq(st.egress.domains.items[0], "good.com");
	ck_assert_str_eq(st.egress.domains.items[1], "also.com");
	ck_assert_uint_eq(st.egress.cidrs.nr, 1);
	ck_assert_str_eq(st.egress.cidrs.items[0], "1.0.0.0/8");
	settings_release(&st);
}
END_TEST

/*
 * diag.h: diag is the only place messages are written. A bad or empty
 * file must not make libfyaml print its own messages on stderr.
 */
START_TEST(test_nothing_printed)
{
	static const char *const texts[] = {
		"allowDomains: [a.com\n",
		"a: b: c\n",
		"",
		"# nothing\n",
		"- x\n",
		"services: {}\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		FILE *tmp = tmpfile();
		int saved;
		long size;
		struct settings st;

		ck_assert_ptr_nonnull(tmp);
		fflush(stderr);
		saved = dup(STDERR_FILENO);
		dup2(fileno(tmp), STDERR_FILENO);
		load(&st, texts[i]);
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		fseek(tmp, 0, SEEK_END);
		size = ftell(tmp);
		fclose(tmp);
		settings_release(&st);
		diag_clear();
		ck_assert_msg(size == 0, "'%s': %ld bytes written to stderr",
			      texts[i], size);
	}
}
END_TEST

/* values_load reads a file; a missing one is refused with its name. */
START_TEST(test_load_file)
{
	char path[] = "/tmp/test_values_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct settings st;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("allowDomains: [from-file.example]\nservices: {}\n", f);
	fclose(f);
	memset(&st, 0, sizeof(st));
	ck_assert(!values_load(&st, path));
	ck_assert_uint_eq(st.egress.domains.nr, 1);
	ck_assert_str_eq(st.egress.domains.items[0], "from-file.example");
	ck_assert_uint_eq(diag_error_count(), 1);
	ck_assert_ptr_nonnull(strstr(diag_collected(), path));
	ck_assert_ptr_nonnull(strstr(diag_collected(), "line 2: services"));
	settings_release(&st);
	unlink(path);
	diag_clear();

	memset(&st, 0, sizeof(st));
	ck_assert(!values_load(&st, "/nonexistent/values.yaml"));
	ck_assert_uint_eq(diag_error_count(), 1);
	ck_assert_ptr_nonnull(strstr(diag_collected(), "--values "
				     "/nonexistent/values.yaml: cannot open"));
	settings_release(&st);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("values");
	TCase *tc = tcase_create("values");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_values, 0, (int)ARRAY_SIZE(values_cases));
	tcase_add_test(tc, test_egress_stored);
	tcase_add_test(tc, test_maps_stored_quoted);
	tcase_add_test(tc, test_coredns_stored);
	tcase_add_test(tc, test_annotation_value_exact);
	tcase_add_test(tc, test_errors_do_not_store_bad_items);
	tcase_add_test(tc, test_nothing_printed);
	tcase_add_test(tc, test_load_file);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
