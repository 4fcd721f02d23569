/*
 * options — the option table (see options.h).
 */
#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "inject.h"
#include "utf8.h"
#include "values.h"
#include "vocab.h"

struct option_state {
	struct settings *st;
	const char **values_path;
	enum options_result result;
	bool explain;			/* --explain given */
	const char *format;		/* --format's value, or NULL */
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
"                        allowCIDR, allowEntities, allowIngressPorts,\n"
"                        annotations, labels,\n"
"                        corednsImage, corednsCommand,\n"
"                        corednsSecurityContext, imagePullSecrets)\n"
"  --allow-domain D      release-wide egress to domain D (repeatable)\n"
"  --allow-cidr C        release-wide egress to CIDR C (repeatable)\n"
"  --allow-entity E      release-wide egress to Cilium entity E\n"
"  --allow-ingress P     open port P (PORT[/PROTOCOL], TCP by default) of\n"
"                        the services presented to Inspect to anyone,\n"
"                        from outside the cluster too (repeatable)\n"
"  --sidecar FORM        auto (default), native or container\n"
"  --sidecar-security S  the sidecar's securityContext: nonroot (default:\n"
"                        uid 65532, coredns' file capability) or\n"
"                        root-net-bind (uid 0, only NET_BIND_SERVICE: for\n"
"                        gVisor that ignores file capabilities); over\n"
"                        --values corednsSecurityContext\n"
"  --annotation K=V      add annotation K=V to every pod and generated\n"
"                        object (repeatable; over --values annotations)\n"
"  --label K=V           the same for a label (over --values labels)\n"
"  --coredns-image IMG   the CoreDNS sidecar's image (over --values)\n"
"  --check               validate only: diagnostics, nothing on stdout\n"
"  --drop-chart-policies drop the chart's network policies that select\n"
"                        sandboxed pods (refused otherwise), naming each\n"
"  --explain             instead of the manifests, print who may talk to\n"
"                        whom (same checks, same exit status)\n"
"  --format FORMAT       of --explain: text (default), dot or json\n"
"  --version             print the version\n"
"  --help                print this help\n"
"\n"
"With Helm, pass options as --post-renderer-args, one word each.\n"
"Exit status: 0 success, 1 invalid input, 2 usage.\n";

__attribute__((format(printf, 2, 3)))
static void usage_error(struct option_state *os, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vusage(fmt, ap);
	va_end(ap);
	os->result = OPTIONS_USAGE;
}

static void opt_release(struct option_state *os, const char *arg)
{
	const char *why;

	if (!valid_service_name(arg, strlen(arg), &why) ||
	    strlen(arg) > RELEASE_MAX_LEN) {
		usage_error(os, "--release '%s': not a Helm release name: "
			    "use at most " RELEASE_MAX_TEXT " lowercase "
			    "letters, digits and '-'", arg);
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

static void opt_allow_ingress(struct option_state *os, const char *arg)
{
	enum protocol proto;
	const char *why;
	unsigned port;

	if (!parse_ingress_port(arg, strlen(arg), &port, &proto, &why))
		usage_error(os, "--allow-ingress '%s' %s", arg, why);
	else
		port_list_add(&os->st->allow_ingress, port, proto);
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
			    "container", arg);
}

static void opt_sidecar_security(struct option_state *os, const char *arg)
{
	if (!strcmp(arg, "nonroot"))
		os->st->sidecar_security = SIDECAR_SECURITY_NONROOT;
	else if (!strcmp(arg, "root-net-bind"))
		os->st->sidecar_security = SIDECAR_SECURITY_ROOT_NET_BIND;
	else
		usage_error(os, "--sidecar-security '%s': use nonroot or "
			    "root-net-bind", arg);
}

static void opt_drop_chart_policies(struct option_state *os,
				    const char *arg)
{
	(void)arg;
	os->st->drop_chart_policies = true;
}

/*
 * --annotation and --label: "KEY=VALUE", checked as --values checks its
 * annotations and labels; kept as given for values_add_options().
 * agentenv-helm passes the annotations.*, labels.* of --set this way.
 */
static void opt_string_pair(struct option_state *os, const char *arg,
			    const char *option, struct strlist *into,
			    bool label)
{
	const char *eq = strchr(arg, '=');
	struct buf msg = BUF_INIT;
	const char *why;
	size_t bad;

	if (!eq)
		buf_addf(&msg, "%s '%s': write KEY=VALUE", option, arg);
	else if (!valid_label_key(arg, (size_t)(eq - arg), &why))
		buf_addf(&msg, "%s '%s': the key %s", option, arg, why);
	else if (is_reserved_key(arg, (size_t)(eq - arg)))
		buf_addf(&msg, "%s '%s': the sandbox or Helm sets that key "
			 "itself (agentenv.io/*, inspect/service, "
			 "app.kubernetes.io/instance, " NETWORK_LABEL_PREFIX
			 "*, helm.sh/*, postrenderer.helm.sh/*): set it in "
			 "the chart, if at all", option, arg);
	else if (label && !valid_label_value(eq + 1, strlen(eq + 1), &why))
		buf_addf(&msg, "%s '%s': the value %s", option, arg, why);
	else if (!valid_utf8(eq + 1, strlen(eq + 1), &bad))
		/* The key is checked, the value's bytes are not shown. */
		buf_addf(&msg, "%s '%.*s=...': byte %zu of the value is not "
			 "UTF-8, and Kubernetes takes only UTF-8 text: give "
			 "the value in UTF-8", option, (int)(eq - arg), arg,
			 bad + 1);
	else
		strlist_add(into, arg, strlen(arg));
	if (msg.len)
		usage_error(os, "%s", msg.data);
	buf_release(&msg);
}

static void opt_annotation(struct option_state *os, const char *arg)
{
	opt_string_pair(os, arg, "--annotation", &os->st->option_annotations,
			false);
}

static void opt_label(struct option_state *os, const char *arg)
{
	opt_string_pair(os, arg, "--label", &os->st->option_labels, true);
}

/* An image reference as --values corednsImage takes it: no blanks, '#'. */
static void opt_coredns_image(struct option_state *os, const char *arg)
{
	const char *p;

	for (p = arg; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '#' ||
		    (unsigned char)*p >= 0x7f)
			break;
	if (!*arg || *p) {
		usage_error(os, "--coredns-image '%s': not an image reference "
			    "such as coredns/coredns:1.14.6", arg);
		return;
	}
	free(os->st->option_coredns_image);
	os->st->option_coredns_image = xstrdup(arg);
}

static void opt_check(struct option_state *os, const char *arg)
{
	(void)arg;
	os->st->check_only = true;
}

static void opt_explain(struct option_state *os, const char *arg)
{
	(void)arg;
	os->explain = true;
}

static void opt_format(struct option_state *os, const char *arg)
{
	if (strcmp(arg, "text") && strcmp(arg, "dot") && strcmp(arg, "json"))
		usage_error(os, "--format '%s': use text, dot or json", arg);
	else
		os->format = arg;
}

/* --explain and --format into st->output, once every option is read. */
static void choose_output(struct option_state *os)
{
	if (!os->explain) {
		if (os->format)
			usage_error(os, "--format %s is a format of --explain: "
				    "add --explain", os->format);
		os->st->output = OUTPUT_STREAM;
	} else if (!os->format || !strcmp(os->format, "text")) {
		os->st->output = OUTPUT_EXPLAIN_TEXT;
	} else if (!strcmp(os->format, "dot")) {
		os->st->output = OUTPUT_EXPLAIN_DOT;
	} else {
		os->st->output = OUTPUT_EXPLAIN_JSON;
	}
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
	{ "--allow-ingress", true, opt_allow_ingress },
	{ "--sidecar", true, opt_sidecar },
	{ "--sidecar-security", true, opt_sidecar_security },
	{ "--annotation", true, opt_annotation },
	{ "--label", true, opt_label },
	{ "--coredns-image", true, opt_coredns_image },
	{ "--check", false, opt_check },
	{ "--drop-chart-policies", false, opt_drop_chart_policies },
	{ "--explain", false, opt_explain },
	{ "--format", true, opt_format },
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
	struct option_state os = { st, values_path, OPTIONS_RUN, false, NULL };
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
			usage_error(&os, "unknown option '%s'", arg);
			break;
		}
		if (opt->takes_value && !value) {
			if (i + 1 >= argc) {
				usage_error(&os, "%s needs a value", opt->name);
				break;
			}
			value = argv[++i];
		} else if (!opt->takes_value && value) {
			usage_error(&os, "%s takes no value", opt->name);
			break;
		}
		opt->apply(&os, value);
	}
	if (os.result == OPTIONS_RUN)
		choose_output(&os);
	return os.result;
}
