/*
 * test_options — tests of src/cli/options.c: the option table, both value
 * forms, usage errors, --help/--version, HELM_NAMESPACE. What the options
 * print is captured and checked.
 */
#include "unit.h"
#include "buf.h"
#include "options.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* --- capturing stdout and stderr ----------------------------------------- */

struct capture {
	FILE *out, *err;
	int saved_out, saved_err;
	struct buf out_text, err_text;
};

static void capture_start(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	c->out = tmpfile();
	c->err = tmpfile();
	ck_assert(c->out && c->err);
	c->saved_out = dup(STDOUT_FILENO);
	c->saved_err = dup(STDERR_FILENO);
	ck_assert(c->saved_out >= 0 && c->saved_err >= 0);
	dup2(fileno(c->out), STDOUT_FILENO);
	dup2(fileno(c->err), STDERR_FILENO);
	buf_init(&c->out_text);
	buf_init(&c->err_text);
}

static void read_all(FILE *f, struct buf *b)
{
	char chunk[4096];
	size_t n;

	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
}

static void capture_end(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	dup2(c->saved_out, STDOUT_FILENO);
	dup2(c->saved_err, STDERR_FILENO);
	close(c->saved_out);
	close(c->saved_err);
	read_all(c->out, &c->out_text);
	read_all(c->err, &c->err_text);
}

static void capture_release(struct capture *c)
{
	buf_release(&c->out_text);
	buf_release(&c->err_text);
}

/* --- the table ----------------------------------------------------------- */

#define MAX_ARGS 8

struct opt_case {
	const char *args[MAX_ARGS];	/* after argv[0], NULL-terminated */
	const char *env_ns;		/* HELM_NAMESPACE; NULL: unset */
	enum options_result result;
	/* For OPTIONS_RUN: the settings. */
	const char *release;
	const char *namespace;
	const char *values;
	enum sidecar_form sidecar;
	enum sidecar_security security;	/* --sidecar-security */
	bool check;
	const char *domains;		/* items joined with ' ' */
	const char *cidrs;
	const char *entities;
	enum output_form output;	/* OUTPUT_STREAM unless --explain */
	/* Substrings of what is printed; NULL: nothing printed there. */
	const char *out;
	const char *err;
};

#define RUN(...) { __VA_ARGS__ }, NULL, OPTIONS_RUN
#define USAGE(msg, ...) { { __VA_ARGS__ }, NULL, OPTIONS_USAGE, \
	.err = msg }

static const struct opt_case opt_cases[] = {
	{ RUN(NULL), .sidecar = SIDECAR_AUTO },
	{ RUN("--release", "demo"), .release = "demo" },
	{ RUN("--release=demo"), .release = "demo" },
	{ RUN("--release", "a", "--release", "b"), .release = "b" },
	{ RUN("--release", "a234567890123456789012345678901234567890123"
	      "4567890123"),
	  .release = "a2345678901234567890123456789012345678901234567890123" },
	{ RUN("--namespace", "ns"), .namespace = "ns" },
	{ RUN("--namespace=team-a"), .namespace = "team-a" },
	{ RUN("--values", "v.yaml"), .values = "v.yaml" },
	{ RUN("--values=dir/v=1.yaml"), .values = "dir/v=1.yaml" },
	{ RUN("--allow-domain", "example.com"), .domains = "example.com" },
	{ RUN("--allow-domain=*.pypi.org", "--allow-domain", "a.b"),
	  .domains = "*.pypi.org a.b" },
	{ RUN("--allow-cidr", "10.0.0.0/8", "--allow-cidr=::/0"),
	  .cidrs = "10.0.0.0/8 ::/0" },
	{ RUN("--allow-entity", "world", "--allow-entity=kube-apiserver"),
	  .entities = "world kube-apiserver" },
	{ RUN("--sidecar", "native"), .sidecar = SIDECAR_NATIVE },
	{ RUN("--sidecar=container"), .sidecar = SIDECAR_CONTAINER },
	{ RUN("--sidecar", "auto"), .sidecar = SIDECAR_AUTO },
	{ RUN("--sidecar", "native", "--sidecar", "auto"),
	  .sidecar = SIDECAR_AUTO },
	{ RUN("--sidecar-security", "root-net-bind"),
	  .security = SIDECAR_SECURITY_ROOT_NET_BIND },
	{ RUN("--sidecar-security=nonroot"),
	  .security = SIDECAR_SECURITY_NONROOT },
	{ RUN("--sidecar-security", "root-net-bind", "--sidecar-security",
	      "nonroot"), .security = SIDECAR_SECURITY_NONROOT },
	{ RUN("--check"), .check = true },
	{ RUN("--check", "--release", "r", "--namespace=n", "--sidecar",
	      "container", "--values", "x"), .check = true, .release = "r",
	  .namespace = "n", .sidecar = SIDECAR_CONTAINER, .values = "x" },
	{ RUN("--explain"), .output = OUTPUT_EXPLAIN_TEXT },
	{ RUN("--explain", "--format", "text"), .output = OUTPUT_EXPLAIN_TEXT },
	{ RUN("--format=dot", "--explain"), .output = OUTPUT_EXPLAIN_DOT },
	{ RUN("--explain", "--format", "json", "--check"),
	  .output = OUTPUT_EXPLAIN_JSON, .check = true },
	{ RUN("--explain", "--format", "dot", "--format", "json"),
	  .output = OUTPUT_EXPLAIN_JSON },
	/* HELM_NAMESPACE is the default namespace. */
	{ { NULL }, "from-env", OPTIONS_RUN, .namespace = "from-env" },
	{ { "--namespace", "ns" }, "from-env", OPTIONS_RUN,
	  .namespace = "ns" },
	{ { NULL }, "", OPTIONS_RUN, .namespace = NULL },
	{ { NULL }, "Bad_NS", OPTIONS_USAGE, .err = "'Bad_NS'" },
	/* --help and --version print and end the run. */
	{ { "--help" }, NULL, OPTIONS_DONE, .out = "usage: agentenv-post" },
	{ { "--version" }, NULL, OPTIONS_DONE,
	  .out = "agentenv-post " AGENTENV_VERSION "\n" },
	{ { "--release", "demo", "--help" }, NULL, OPTIONS_DONE,
	  .out = "--sidecar FORM" },
	{ { "--help", "--bogus" }, NULL, OPTIONS_DONE, .out = "--check" },
	/* Usage errors. */
	USAGE("unknown option '--bogus'", "--bogus"),
	USAGE("unknown option '--bogus=1'", "--bogus=1"),
	USAGE("unknown option '-r'", "-r", "demo"),
	USAGE("unknown option 'demo'", "demo"),
	USAGE("unknown option '--'", "--"),
	USAGE("unknown option '--Release'", "--Release", "x"),
	USAGE("unknown option '--rel'", "--rel", "x"),
	USAGE("--release needs a value", "--release"),
	USAGE("--namespace needs a value", "--check", "--namespace"),
	USAGE("--values needs a value", "--values"),
	USAGE("--allow-domain needs a value", "--allow-domain"),
	USAGE("--allow-cidr needs a value", "--allow-cidr"),
	USAGE("--allow-entity needs a value", "--allow-entity"),
	USAGE("--sidecar needs a value", "--sidecar"),
	USAGE("--check takes no value", "--check=yes"),
	USAGE("--help takes no value", "--help=1"),
	USAGE("--version takes no value", "--version="),
	USAGE("--release 'Bad_Name'", "--release", "Bad_Name"),
	USAGE("--release ''", "--release="),
	USAGE("--release 'a2345678901234567890123456789012345678901234567890"
	      "1234'", "--release", "a2345678901234567890123456789012345678901"
	      "234567890" "1234"),
	USAGE("--namespace 'Prod'", "--namespace", "Prod"),
	USAGE("--namespace 'a.b'", "--namespace=a.b"),
	USAGE("--allow-domain 'exa mple.com'", "--allow-domain",
	      "exa mple.com"),
	USAGE("--allow-domain 'example.com.'", "--allow-domain=example.com."),
	USAGE("--allow-cidr '10.0.0.0/33'", "--allow-cidr", "10.0.0.0/33"),
	USAGE("--allow-cidr '10.0.0.1'", "--allow-cidr=10.0.0.1"),
	USAGE("--allow-entity 'everything'", "--allow-entity", "everything"),
	USAGE("--allow-ingress '0' is not an ingress port", "--allow-ingress",
	      "0"),
	USAGE("--allow-ingress '65536' is not an ingress port",
	      "--allow-ingress=65536"),
	USAGE("--allow-ingress '2222/ICMP' is not an ingress port: the "
	      "protocol", "--allow-ingress", "2222/ICMP"),
	USAGE("--allow-ingress '2222/ANY'", "--allow-ingress", "2222/ANY"),
	USAGE("--allow-ingress needs a value", "--allow-ingress"),
	USAGE("--sidecar 'sometimes'", "--sidecar", "sometimes"),
	USAGE("--sidecar 'Native'", "--sidecar=Native"),
	USAGE("--sidecar-security needs a value", "--sidecar-security"),
	USAGE("--sidecar-security 'root': use nonroot or root-net-bind",
	      "--sidecar-security", "root"),
	USAGE("--sidecar-security 'Root-Net-Bind'",
	      "--sidecar-security=Root-Net-Bind"),
	/* agentenv-helm's --set settings (values_add_options applies them) */
	{ RUN("--annotation", "inspectTaskName=a.b=c", "--label=k=v",
	      "--label", "empty=", "--coredns-image", "r.io/coredns:1"),
	  .sidecar = SIDECAR_AUTO },
	USAGE("--annotation 'noeq': write KEY=VALUE", "--annotation", "noeq"),
	/* bytes that are no UTF-8 would make the output no YAML */
	USAGE("--annotation 'x=...': byte 2 of the value is not UTF-8, and "
	      "Kubernetes takes only UTF-8 text: give the value in UTF-8",
	      "--annotation", "x=a\xff"),
	USAGE("--annotation 'x=...': byte 1 of the value is not UTF-8",
	      "--annotation=x=\xc2"),
	{ RUN("--annotation", "x=\xc2\x80\xef\xbf\xbe"),
	  .sidecar = SIDECAR_AUTO },
	USAGE("--annotation 'Bad Key=v': the key", "--annotation=Bad Key=v"),
	USAGE("--label 'k=a b': the value", "--label", "k=a b"),
	USAGE("--label 'inspect/service=x': the sandbox or Helm sets that key",
	      "--label", "inspect/service=x"),
	USAGE("--label 'app.kubernetes.io/instance=x': the sandbox or Helm sets",
	      "--label=app.kubernetes.io/instance=x"),
	USAGE("--annotation 'agentenv.io/inject=false': the sandbox or Helm sets",
	      "--annotation", "agentenv.io/inject=false"),
	USAGE("--label 'aisi.gov.uk/network-a=true': the sandbox or Helm sets",
	      "--label", "aisi.gov.uk/network-a=true"),
	USAGE("--annotation 'helm.sh/hook-weight=-9': the sandbox or Helm sets",
	      "--annotation", "helm.sh/hook-weight=-9"),
	USAGE("--coredns-image 'a b'", "--coredns-image", "a b"),
	USAGE("--coredns-image ''", "--coredns-image="),
	USAGE("--format json is a format of --explain: add --explain",
	      "--format", "json"),
	USAGE("--format 'svg': use text, dot or json", "--explain",
	      "--format=svg"),
	USAGE("--format needs a value", "--explain", "--format"),
	USAGE("--explain takes no value", "--explain=json"),
	/* The first usage error ends parsing. */
	USAGE("unknown option '--x'", "--x", "--y"),
};

static char **make_argv(const struct opt_case *c, int *argc)
{
	char **argv = xcalloc(MAX_ARGS + 2, sizeof(*argv));
	int n = 0;

	argv[n++] = xstrdup("agentenv-post");
	while (n - 1 < MAX_ARGS && c->args[n - 1]) {
		argv[n] = xstrdup(c->args[n - 1]);
		n++;
	}
	argv[n] = NULL;
	*argc = n;
	return argv;
}

static void free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void assert_opt_str(const char *got, const char *want,
			   const char *what)
{
	if (!want)
		ck_assert_msg(got == NULL, "%s is '%s', not unset", what, got);
	else
		ck_assert_msg(got && !strcmp(got, want), "%s is '%s', not "
			      "'%s'", what, got ? got : "(null)", want);
}

static void assert_items(const struct strlist *l, const char *want,
			 const char *what)
{
	struct buf joined = BUF_INIT;
	size_t i;

	for (i = 0; i < l->nr; i++)
		buf_addf(&joined, "%s%s", i ? " " : "", l->items[i]);
	ck_assert_msg(!strcmp(joined.data, want ? want : ""),
		      "%s: '%s', not '%s'", what, joined.data,
		      want ? want : "");
	buf_release(&joined);
}

static void assert_printed(const struct buf *b, const char *want,
			   const char *where)
{
	if (!want)
		ck_assert_msg(b->len == 0, "printed on %s: %s", where,
			      b->data);
	else
		ck_assert_msg(strstr(b->data, want) != NULL,
			      "no '%s' on %s: %s", want, where, b->data);
}

START_TEST(test_options)
{
	const struct opt_case *c = &opt_cases[_i];
	struct settings st;
	struct capture cap;
	const char *values = (const char *)&values;	/* set or NULLed */
	enum options_result r;
	int argc;
	char **argv = make_argv(c, &argc);

	memset(&st, 0, sizeof(st));
	st.sidecar = (enum sidecar_form)77;	/* options_parse sets it */
	if (c->env_ns)
		setenv("HELM_NAMESPACE", c->env_ns, 1);
	else
		unsetenv("HELM_NAMESPACE");
	capture_start(&cap);
	r = options_parse(argc, argv, &st, &values);
	diag_flush();	/* usage errors are collected by diag */
	diag_clear();
	capture_end(&cap);
	unsetenv("HELM_NAMESPACE");

	ck_assert_msg(r == c->result, "result %d, not %d; stderr: %s", r,
		      c->result, cap.err_text.data);
	assert_printed(&cap.out_text, c->out, "stdout");
	assert_printed(&cap.err_text, c->err, "stderr");
	if (r == OPTIONS_USAGE) {
		ck_assert(!strncmp(cap.err_text.data,
				   "agentenv-post: usage: ", 22));
		ck_assert_ptr_nonnull(strstr(cap.err_text.data,
					     "agentenv-post --help"));
	}
	if (r == OPTIONS_RUN) {
		assert_opt_str(st.release, c->release, "release");
		assert_opt_str(st.namespace, c->namespace, "namespace");
		assert_opt_str(values, c->values, "values path");
		ck_assert_int_eq(st.sidecar, c->sidecar);
		ck_assert_int_eq(st.sidecar_security, c->security);
		ck_assert_int_eq(st.check_only, c->check);
		ck_assert_int_eq(st.output, c->output);
		assert_items(&st.egress.domains, c->domains, "domains");
		assert_items(&st.egress.cidrs, c->cidrs, "cidrs");
		assert_items(&st.egress.entities, c->entities, "entities");
		ck_assert_uint_eq(st.egress.nr_ports, 0);
		ck_assert_ptr_null(st.values_doc);
	}
	settings_release(&st);
	free_argv(argv);
	capture_release(&cap);
}
END_TEST

/* --help says how to use every option of the table. */
START_TEST(test_help_lists_every_option)
{
	static const char *const names[] = {
		"--release NAME", "--namespace NS", "--values FILE",
		"--allow-domain D", "--allow-cidr C", "--allow-entity E",
		"--allow-ingress P", "--sidecar FORM", "--sidecar-security S", "--check", "--explain", "--format FORMAT",
		"--version", "--help",
		"Exit status",
	};
	char *argv[] = { (char *)"agentenv-post", (char *)"--help", NULL };
	struct settings st = { 0 };
	const char *values;
	struct capture cap;
	size_t i;

	capture_start(&cap);
	ck_assert_int_eq(options_parse(2, argv, &st, &values), OPTIONS_DONE);
	capture_end(&cap);
	ck_assert_uint_eq(cap.err_text.len, 0);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		ck_assert_msg(strstr(cap.out_text.data, names[i]) != NULL,
			      "--help does not mention %s", names[i]);
	settings_release(&st);
	capture_release(&cap);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("options");
	TCase *tc = tcase_create("options");

	tcase_add_loop_test(tc, test_options, 0, (int)ARRAY_SIZE(opt_cases));
	tcase_add_test(tc, test_help_lists_every_option);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
