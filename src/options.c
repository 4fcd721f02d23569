/*
 * options — the option table (see options.h).
 */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct option_state {
	struct settings *st;
	const char **values_path;
	enum options_result result;
};

static const char usage_text[] =
"usage: agentenv-post [OPTIONS] < rendered.yaml > post-rendered.yaml\n"
"\n"
"A Helm post-renderer: sandboxes every pod of the rendered stream (gVisor,\n"
"a CoreDNS sidecar, headless Services, Cilium network policies).\n"
"\n"
"  --release NAME        release name (default: the workloads'\n"
"                        app.kubernetes.io/instance label)\n"
"  --namespace NS        namespace (default: $HELM_NAMESPACE, else the\n"
"                        workloads' metadata.namespace)\n"
"  --values FILE         release-wide settings in agent-env's values\n"
"                        vocabulary (allowDomains, allowDomainsPorts,\n"
"                        allowCIDR, allowEntities, annotations, labels,\n"
"                        corednsImage, corednsCommand,\n"
"                        corednsSecurityContext, imagePullSecrets)\n"
"  --allow-domain D      release-wide egress to domain D (repeatable)\n"
"  --allow-cidr C        release-wide egress to CIDR C (repeatable)\n"
"  --allow-entity E      release-wide egress to Cilium entity E\n"
"  --sidecar FORM        auto (default), native or container\n"
"  --check               validate only: diagnostics, nothing on stdout\n"
"  --version             print the version\n"
"  --help                print this help\n"
"\n"
"With Helm, pass options as --post-renderer-args, one word each.\n"
"Exit status: 0 success, 1 invalid input, 2 usage.\n";

static void usage_error(struct option_state *os, const char *fmt,
			const char *a, const char *b)
{
	diag_usage(fmt, a, b);
	os->result = OPTIONS_USAGE;
}

static void opt_release(struct option_state *os, const char *arg)
{
	const char *why;

	if (!valid_service_name(arg, strlen(arg), &why) || strlen(arg) > 53) {
		usage_error(os, "--release '%s': not a Helm release name: "
			    "use at most 53 lowercase letters, digits and "
			    "'-'%s", arg, "");
		return;
	}
	free(os->st->release);
	os->st->release = xstrdup(arg);
}

static void opt_namespace(struct option_state *os, const char *arg)
{
	const char *why;

	if (!valid_service_name(arg, strlen(arg), &why)) {
		usage_error(os, "--namespace '%s' %s", arg, why);
		return;
	}
	free(os->st->namespace);
	os->st->namespace = xstrdup(arg);
}

static void opt_values(struct option_state *os, const char *arg)
{
	*os->values_path = arg;
}

static void opt_allow_domain(struct option_state *os, const char *arg)
{
	const char *why;

	if (!valid_domain(arg, strlen(arg), &why))
		usage_error(os, "--allow-domain '%s' %s", arg, why);
	else
		strlist_add(&os->st->egress.domains, arg, strlen(arg));
}

static void opt_allow_cidr(struct option_state *os, const char *arg)
{
	const char *why;

	if (!valid_cidr(arg, strlen(arg), &why))
		usage_error(os, "--allow-cidr '%s' %s", arg, why);
	else
		strlist_add(&os->st->egress.cidrs, arg, strlen(arg));
}

static void opt_allow_entity(struct option_state *os, const char *arg)
{
	const char *why;

	if (!valid_entity(arg, strlen(arg), &why))
		usage_error(os, "--allow-entity '%s' %s", arg, why);
	else
		strlist_add(&os->st->egress.entities, arg, strlen(arg));
}

static void opt_sidecar(struct option_state *os, const char *arg)
{
	if (!strcmp(arg, "auto"))
		os->st->sidecar = SIDECAR_AUTO;
	else if (!strcmp(arg, "native"))
		os->st->sidecar = SIDECAR_NATIVE;
	else if (!strcmp(arg, "container"))
		os->st->sidecar = SIDECAR_CONTAINER;
	else
		usage_error(os, "--sidecar '%s': use auto, native or "
			    "container%s", arg, "");
}

static void opt_check(struct option_state *os, const char *arg)
{
	(void)arg;
	os->st->check_only = true;
}

static void opt_version(struct option_state *os, const char *arg)
{
	(void)arg;
	printf("agentenv-post %s\n", AGENTENV_VERSION);
	os->result = OPTIONS_DONE;
}

static void opt_help(struct option_state *os, const char *arg)
{
	(void)arg;
	fputs(usage_text, stdout);
	os->result = OPTIONS_DONE;
}

struct option_def {
	const char *name;
	bool takes_value;
	void (*apply)(struct option_state *os, const char *arg);
};

static const struct option_def option_table[] = {
	{ "--release", true, opt_release },
	{ "--namespace", true, opt_namespace },
	{ "--values", true, opt_values },
	{ "--allow-domain", true, opt_allow_domain },
	{ "--allow-cidr", true, opt_allow_cidr },
	{ "--allow-entity", true, opt_allow_entity },
	{ "--sidecar", true, opt_sidecar },
	{ "--check", false, opt_check },
	{ "--version", false, opt_version },
	{ "--help", false, opt_help },
};

static const struct option_def *find_option(const char *arg, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(option_table) / sizeof(option_table[0]); i++)
		if (strlen(option_table[i].name) == len &&
		    !memcmp(option_table[i].name, arg, len))
			return &option_table[i];
	return NULL;
}

enum options_result options_parse(int argc, char **argv, struct settings *st,
				  const char **values_path)
{
	struct option_state os = { st, values_path, OPTIONS_RUN };
	const char *env_ns = getenv("HELM_NAMESPACE");
	int i;

	*values_path = NULL;
	st->sidecar = SIDECAR_AUTO;
	if (env_ns && *env_ns)
		opt_namespace(&os, env_ns);
	for (i = 1; i < argc && os.result == OPTIONS_RUN; i++) {
		const char *arg = argv[i];
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct option_def *opt = find_option(arg, len);
		const char *value = eq ? eq + 1 : NULL;

		if (!opt) {
			usage_error(&os, "unknown option '%s'%s", arg, "");
			break;
		}
		if (opt->takes_value && !value) {
			if (i + 1 >= argc) {
				usage_error(&os, "%s needs a value%s",
					    opt->name, "");
				break;
			}
			value = argv[++i];
		} else if (!opt->takes_value && value) {
			usage_error(&os, "%s takes no value%s", opt->name, "");
			break;
		}
		opt->apply(&os, value);
	}
	return os.result;
}
