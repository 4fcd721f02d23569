/*
 * test_helmcli — tests of src/helm/helmcli.c: Helm command lines, as
 * k8s_sandbox and people write them, into agentenv-helm's plan.
 */
#include "unit.h"
#include "helmcli.h"

#include <stdio.h>

/* k8s_sandbox's install (inspect_k8s_sandbox 5fc4e04, _helm.py). */
#define K8S_SANDBOX "abcd1234|/charts/c|--namespace=ns1|--wait=legacy|" \
	"--timeout=600s|--set=annotations.inspectTaskName=my_task|"     \
	"--labels=inspectSandbox=true|--set=labels.inspectSampleUUID=U1|" \
	"--set-string=corednsImage=public\\.ecr\\.aws/c:v1\\.11|"       \
	"--set-string=sampleMetadataX=1|--kube-context|ctx|--values|v.yaml"
#define K8S_SETTINGS "--annotation|inspectTaskName=my_task|--label|" \
	"inspectSampleUUID=U1|--coredns-image|public.ecr.aws/c:v1.11"

static const struct plan_case {
	const char *argv;	/* the words after "helm", '|'-separated */
	enum helm_action action;
	const char *command;
	const char *release;
	const char *namespace;
	int insert_at;		/* -1: at the end */
	const char *settings;	/* '|'-separated; "" none */
	const char *error;	/* a part of the message, for HELM_REFUSE */
} plan_cases[] = {
	/* k8s_sandbox's argument lists, install and the retry */
	{ "install|" K8S_SANDBOX, HELM_POST_RENDER, "install", "abcd1234",
	  "ns1", -1, K8S_SETTINGS, NULL },
	{ "upgrade|--install|" K8S_SANDBOX, HELM_POST_RENDER, "upgrade",
	  "abcd1234", "ns1", -1, K8S_SETTINGS, NULL },
	{ "install|12345678|c|--namespace|ns|--wait|--timeout|600s|--set|"
	  "annotations.inspectTaskName=t", HELM_POST_RENDER, "install",
	  "12345678", "ns", -1, "--annotation|inspectTaskName=t", NULL },
	/* everything else runs as given */
	{ "uninstall|abcd1234|--namespace|ns1|--wait|--timeout|600s",
	  HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "version|--short", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "list|--namespace|ns|-q|--selector|inspectSandbox=true|--max|0",
	  HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "plugin|install|./dir", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "install|r|c|--help", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "install|r|c|--post-renderer|other", HELM_RUN, NULL, NULL, NULL,
	  -1, "", NULL },
	{ "template|r|c|--post-renderer=other|--set|annotations=x",
	  HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "-n|install|list", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	/* namespace forms; the last one wins, as in pflag */
	{ "install|r|c|-n|a", HELM_POST_RENDER, "install", "r", "a", -1, "",
	  NULL },
	{ "install|r|c|-nb", HELM_POST_RENDER, "install", "r", "b", -1, "",
	  NULL },
	{ "install|r|c|-n=c2", HELM_POST_RENDER, "install", "r", "c2", -1,
	  "", NULL },
	{ "--namespace|g|install|r|c", HELM_POST_RENDER, "install", "r", "g",
	  -1, "", NULL },
	{ "install|-n|a|r|--namespace=b|c", HELM_POST_RENDER, "install", "r",
	  "b", -1, "", NULL },
	{ "--kube-context|k|-n|a|install|r|c", HELM_POST_RENDER, "install",
	  "r", "a", -1, "", NULL },
	/* values of flags are not positionals */
	{ "install|--values|v.yaml|-f|w.yaml|r|--timeout|5m|c",
	  HELM_POST_RENDER, "install", "r", NULL, -1, "", NULL },
	{ "install|-fv.yaml|--wait|r|c", HELM_POST_RENDER, "install", "r",
	  NULL, -1, "", NULL },
	/* "--" ends the flags: what we add goes before it */
	{ "install|--|r|c", HELM_POST_RENDER, "install", "r", NULL, 2, "",
	  NULL },
	{ "install|-n|x|--|r|-n", HELM_POST_RENDER, "install", "r", "x", 4,
	  "", NULL },
	/* names Helm makes up */
	{ "install|c|--generate-name", HELM_POST_RENDER, "install", NULL,
	  NULL, -1, "", NULL },
	{ "install|-g|c", HELM_POST_RENDER, "install", NULL, NULL, -1, "",
	  NULL },
	{ "install|r|c|--generate-name=false", HELM_POST_RENDER, "install",
	  "r", NULL, -1, "", NULL },
	{ "install|c|-g|--name-template|x-{{randAlpha 3}}", HELM_POST_RENDER,
	  "install", NULL, NULL, -1, "", NULL },
	{ "template|c", HELM_POST_RENDER, "template", "release-name", NULL,
	  -1, "", NULL },
	{ "template|r|c|-n|ns", HELM_POST_RENDER, "template", "r", "ns", -1,
	  "", NULL },
	{ "upgrade|r|c", HELM_POST_RENDER, "upgrade", "r", NULL, -1, "",
	  NULL },
	{ "upgrade|-i|r|c", HELM_POST_RENDER, "upgrade", "r", NULL, -1, "",
	  NULL },
	/* --set forms */
	{ "install|r|c|--set|a=1,annotations.x=y,labels.l=v",
	  HELM_POST_RENDER, "install", "r", NULL, -1,
	  "--annotation|x=y|--label|l=v", NULL },
	{ "install|r|c|--set|annotations.example\\.com/k=a\\,b",
	  HELM_POST_RENDER, "install", "r", NULL, -1,
	  "--annotation|example.com/k=a,b", NULL },
	{ "install|r|c|--set-string|annotations.x=null", HELM_POST_RENDER,
	  "install", "r", NULL, -1, "--annotation|x=null", NULL },
	{ "install|r|c|--set|annotations.x=", HELM_POST_RENDER, "install",
	  "r", NULL, -1, "--annotation|x=", NULL },
	{ "install|r|c|--set|other={a,b},labels.l=v", HELM_POST_RENDER,
	  "install", "r", NULL, -1, "--label|l=v", NULL },
	{ "install|r|c|--set-json|other={\"a\":1}", HELM_POST_RENDER,
	  "install", "r", NULL, -1, "", NULL },
	/* refusals: forms we do not forward, flags we cannot read */
	{ "install|r|c|--set|annotations.x=null", HELM_REFUSE, "install",
	  "r", NULL, -1, "", "null removes the key" },
	{ "install|r|c|--set|annotations.a.b=x", HELM_REFUSE, "install", "r",
	  NULL, -1, "", "only as annotations.KEY=VALUE" },
	{ "install|r|c|--set|labels={a,b}", HELM_REFUSE, "install", "r",
	  NULL, -1, "", "only as labels.KEY=VALUE" },
	{ "install|r|c|--set|annotations.x={a,b}", HELM_REFUSE, "install",
	  "r", NULL, -1, "", "a list is no annotations value" },
	{ "install|r|c|--set|labels[0]=x", HELM_REFUSE, "install", "r", NULL,
	  -1, "", "only as labels.KEY=VALUE" },
	{ "install|r|c|--set|corednsImage.x=y", HELM_REFUSE, "install", "r",
	  NULL, -1, "", "corednsImage takes one value" },
	{ "install|r|c|--set|annotations.x", HELM_REFUSE, "install", "r",
	  NULL, -1, "", "no '=VALUE'" },
	{ "install|r|c|--set-file|annotations.x=f.txt", HELM_REFUSE,
	  "install", "r", NULL, -1, "", "only from --set or --set-string" },
	{ "install|r|c|--set-json|{\"labels\":{\"a\":\"b\"}}", HELM_REFUSE,
	  "install", "r", NULL, -1, "", "forwards labels only from --set" },
	{ "install|r|c|--new-flag|x", HELM_REFUSE, "install", NULL, NULL, -1,
	  "", "unknown flag '--new-flag'" },
	{ "install|r|c|-z", HELM_REFUSE, "install", "r", NULL, -1, "",
	  "unknown flag '-z'" },
	{ "install|r|c|--new-flag=x", HELM_POST_RENDER, "install", "r", NULL,
	  -1, "", NULL },
	/* an empty --post-renderer names none (finding 13): refused */
	{ "install|r|c|--post-renderer=", HELM_REFUSE, "install", "r", NULL,
	  -1, "", "--post-renderer '': an empty value names no "
	  "post-renderer, so Helm would install the chart unsandboxed: "
	  "remove it (agentenv-helm then adds agentenv-post) or name a "
	  "post-renderer" },
	{ "upgrade|--install|r|c|--post-renderer|", HELM_REFUSE, "upgrade",
	  "r", NULL, -1, "", "--post-renderer ''" },
	{ "template|r|c|--post-renderer=|-n|ns", HELM_REFUSE, "template",
	  "r", "ns", -1, "", "Helm would render the chart unsandboxed" },
	{ "install|r|c|--post-renderer=mine|--post-renderer=", HELM_REFUSE,
	  "install", "r", NULL, -1, "", "--post-renderer ''" },
	{ "install|r|c|--post-renderer=|--help", HELM_RUN, NULL, NULL, NULL,
	  -1, "", NULL },
	{ "list|--post-renderer=", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	/* --output-dir: post-rendered; the caller refuses it under Helm 3 */
	{ "template|r|c|--output-dir|out", HELM_POST_RENDER, "template", "r",
	  NULL, -1, "", NULL },
	/* Helm 4's --server-side: a value for upgrade, a boolean else */
	{ "upgrade|--install|--server-side|true|r|c", HELM_POST_RENDER,
	  "upgrade", "r", NULL, -1, "", NULL },
	{ "upgrade|r|--server-side|auto|c", HELM_POST_RENDER, "upgrade", "r",
	  NULL, -1, "", NULL },
	{ "upgrade|--server-side=false|r|c", HELM_POST_RENDER, "upgrade", "r",
	  NULL, -1, "", NULL },
	{ "install|--server-side|r|c", HELM_POST_RENDER, "install", "r", NULL,
	  -1, "", NULL },
	{ "template|r|--server-side|c", HELM_POST_RENDER, "template", "r",
	  NULL, -1, "", NULL },
	{ "--server-side|true|upgrade|r|c", HELM_POST_RENDER, "upgrade", "r",
	  NULL, -1, "", NULL },
	/* before the command, Cobra gives any flag but the root's booleans
	 * the next word; the command's flags then read all the words */
	{ "--wait|x|install|c", HELM_POST_RENDER, "install", "x", NULL, -1,
	  "", NULL },
	{ "--debug|install|r|c", HELM_POST_RENDER, "install", "r", NULL, -1,
	  "", NULL },
	{ "-g|install|c", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "--install|upgrade|r|c", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "-in|upgrade|ns|r|c", HELM_POST_RENDER, "upgrade", "r", "ns", -1,
	  "", NULL },
	{ "--|install|r|c", HELM_RUN, NULL, NULL, NULL, -1, "", NULL },
	{ "upgrade|r|c|--recreate-pods", HELM_POST_RENDER, "upgrade", "r",
	  NULL, -1, "", NULL },
};

static char **split(const char *s, int *argc)
{
	struct words w = WORDS_INIT;
	const char *p = s;

	words_add(&w, "helm");
	while (*s) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		words_addn(&w, p, len);
		if (!bar)
			break;
		p = bar + 1;
	}
	*argc = (int)w.nr;
	return w.v;
}

static void free_split(char **v, int argc)
{
	struct words w = { v, (size_t)argc, 0 };

	words_release(&w);
}

static const char *joined(const struct words *w, struct buf *b)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < w->nr; i++)
		buf_addf(b, "%s%s", i ? "|" : "", w->v[i]);
	return b->data;
}

static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

START_TEST(test_plan)
{
	const struct plan_case *c = &plan_cases[_i];
	struct helm_plan p;
	struct buf got = BUF_INIT;
	int argc;
	char **argv = split(c->argv, &argc);

	helm_plan_init(&p);
	helmcli_plan(argc, argv, &p);
	ck_assert_msg(p.action == c->action, "%s: action %d, want %d (%s)",
		      c->argv, p.action, c->action, p.errors.data);
	ck_assert_msg(!strcmp(or_null(p.command), or_null(c->command)),
		      "%s: command %s", c->argv, or_null(p.command));
	if (c->action != HELM_RUN) {
		ck_assert_msg(!strcmp(or_null(p.release), or_null(c->release)),
			      "%s: release %s, want %s", c->argv,
			      or_null(p.release), or_null(c->release));
		ck_assert_msg(!strcmp(or_null(p.namespace),
				      or_null(c->namespace)),
			      "%s: namespace %s", c->argv,
			      or_null(p.namespace));
		ck_assert_msg(p.insert_at == (c->insert_at < 0 ? (size_t)argc :
					      (size_t)c->insert_at),
			      "%s: insert at %zu", c->argv, p.insert_at);
	}
	ck_assert_msg(!strcmp(joined(&p.settings, &got), c->settings),
		      "%s: settings '%s', want '%s'", c->argv, got.data,
		      c->settings);
	if (c->error)
		ck_assert_msg(strstr(p.errors.data, c->error),
			      "%s: errors '%s' lack '%s'", c->argv,
			      p.errors.data, c->error);
	else
		ck_assert_msg(!p.errors.len, "%s: errors '%s'", c->argv,
			      p.errors.data);
	buf_release(&got);
	helm_plan_release(&p);
	free_split(argv, argc);
}
END_TEST

/* template's --output-dir in the plan (NULL: stdout). */
static const struct output_dir_case {
	const char *argv;
	const char *output_dir;
} output_dir_cases[] = {
	{ "template|r|c|--output-dir|out", "out" },
	{ "template|r|c|--output-dir=o2|-n|x", "o2" },
	{ "template|--output-dir|a|r|c|--output-dir|b", "b" },
	{ "template|r|c|--output-dir=", NULL },
	{ "template|r|c", NULL },
	{ "template|r|c|--post-renderer=mine|--output-dir|out", NULL },
};

START_TEST(test_output_dir)
{
	const struct output_dir_case *c = &output_dir_cases[_i];
	struct helm_plan p;
	int argc;
	char **argv = split(c->argv, &argc);

	helm_plan_init(&p);
	helmcli_plan(argc, argv, &p);
	ck_assert_msg(!strcmp(or_null(p.output_dir), or_null(c->output_dir)),
		      "%s: output_dir %s, want %s", c->argv,
		      or_null(p.output_dir), or_null(c->output_dir));
	helm_plan_release(&p);
	free_split(argv, argc);
}
END_TEST

static const struct words_case {
	const char *in;
	const char *out;	/* the words '|'-separated; NULL: refused */
	const char *why;	/* part of the refusal */
} words_cases[] = {
	{ "", "", NULL },
	{ "  \t\n ", "", NULL },
	{ "--allow-domain pypi.org", "--allow-domain|pypi.org", NULL },
	{ "  a   b\tc\nd  ", "a|b|c|d", NULL },
	{ "'*.example.com' \"x y\"", "*.example.com|x y", NULL },
	{ "'' a", "|a", NULL },
	{ "\"\"", "", NULL },
	{ "a\\ b c\\\\d", "a b|c\\d", NULL },
	{ "\"a\\\"b\\$c\\\\d\\e\"", "a\"b$c\\d\\e", NULL },
	{ "'a\\b'", "a\\b", NULL },
	{ "x'y'\"z\"", "xyz", NULL },
	{ "a\\\nb", "ab", NULL },
	{ "a\\", "a\\", NULL },
	{ "--values=/tmp/v.yaml --sidecar=native",
	  "--values=/tmp/v.yaml|--sidecar=native", NULL },
	{ "'unclosed", NULL, "single quote" },
	{ "\"unclosed", NULL, "double quote" },
	{ "$HOME", NULL, "expanded by a shell" },
	{ "\"$HOME\"", NULL, "expanded by a shell" },
	{ "`id`", NULL, "expanded by a shell" },
	{ "*.example.com", NULL, "glob" },
	{ "~/v.yaml", NULL, "home directory" },
	{ "a;b", NULL, "shell syntax" },
	{ "a|b", NULL, "shell syntax" },
	{ "a # comment", NULL, "shell syntax" },
};

START_TEST(test_words)
{
	const struct words_case *c = &words_cases[_i];
	struct words w = WORDS_INIT;
	struct buf got = BUF_INIT;
	const char *why = NULL;
	size_t at = 0;
	bool ok = words_split(c->in, &w, &why, &at);

	if (!c->out) {
		ck_assert_msg(!ok, "'%s' split", c->in);
		ck_assert_msg(why && strstr(why, c->why), "'%s': %s", c->in,
			      why);
	} else {
		ck_assert_msg(ok, "'%s' refused: %s", c->in, why);
		ck_assert_msg(!strcmp(joined(&w, &got), c->out),
			      "'%s' gave '%s', want '%s'", c->in, got.data,
			      c->out);
	}
	buf_release(&got);
	words_release(&w);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("helmcli");
	TCase *tc = tcase_create("plan");

	tcase_add_loop_test(tc, test_plan, 0, (int)ARRAY_SIZE(plan_cases));
	tcase_add_loop_test(tc, test_output_dir, 0,
			    (int)ARRAY_SIZE(output_dir_cases));
	tcase_add_loop_test(tc, test_words, 0, (int)ARRAY_SIZE(words_cases));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
