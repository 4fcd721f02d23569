/*
 * dns — the CoreDNS ConfigMaps and the headless Services (see dns.h).
 *
 * The Corefile rewrites each service name that has a DNS record (its name,
 * "$AGENT_ENV-<name>" and each additional record) to the cluster name of
 * its headless Service, then the short names of the namespace's names to
 * theirs (see add_short_names), and forwards everything to the cluster's
 * DNS. The
 * names are interpolated unquoted into the Corefile, which is why annot
 * and validate refuse anything but [A-Za-z0-9_.*-] in them.
 */
#include "dns.h"

#include <string.h>

#include "buf.h"
#include "netbuild.h"
#include "policy.h"
#include "sha256.h"
#include "templates.h"
#include "vocab.h"

/*
 * The namespace in the Corefile: when it is known only at run time, the
 * sidecar gets it from the downward API and CoreDNS substitutes it when
 * it reads the Corefile.
 */
static const char *corefile_namespace(const struct sandbox *sb)
{
	return sb->namespace ? sb->namespace : "{$AGENTENV_NAMESPACE}";
}

/* "<name>.<namespace>.svc.cluster.local" */
static void add_cluster_name(struct buf *b, const struct sandbox *sb,
			     const char *name)
{
	buf_addf(b, "%s.%s.svc.cluster.local", name, corefile_namespace(sb));
}

static void add_rewrite(struct buf *b, const struct sandbox *sb,
			const char *from, const char *to)
{
	buf_addf(b, "    rewrite name exact %s ", from);
	add_cluster_name(b, sb, to);
	buf_addch(b, '\n');
}

/* One service's rewrite rules (Corefile text, not yet indented). */
static void add_service_rewrites(struct buf *b, const struct sandbox *sb,
				 const struct service *svc)
{
	size_t j;

	buf_addf(b, "\n    # %s\n", svc->name);
	add_rewrite(b, sb, svc->name, svc->dns_name);
	if (svc->compat_name) {
		buf_adds(b, "    # For backwards compatibility with "
			 "$AGENT_ENV usage.\n");
		add_rewrite(b, sb, svc->compat_name, svc->dns_name);
	}
	for (j = 0; j < svc->dns_records.nr; j++)
		add_rewrite(b, sb, svc->dns_records.items[j], svc->dns_name);
}

/*
 * "(\.NS|\.NS\.svc)?\.$": what a pod's search list (NS.svc.cluster.local,
 * svc.cluster.local, cluster.local) appends to NAME, NAME.NS and
 * NAME.NS.svc to make NAME.NS.svc.cluster.local.
 */
static void add_search_forms(struct buf *b, const char *ns)
{
	buf_addf(b, "(\\.%s|\\.%s\\.svc)?\\.$", ns, ns);
}

/*
 * The namespace's names, completed as a pod's search list would complete
 * them (charts address them so: "rel-mariadb",
 * "$(HOSTNAME).rel-vault-internal"), to their cluster names:
 *  - the pods behind the chart's Services with clusterIP None,
 *    POD.SERVICE (a StatefulSet's pods, a pod's hostname.subdomain);
 *  - SRV names of named ports, _PORT._PROTO.SERVICE;
 *  - Services, NAME.
 * each also with .NS and .NS.svc. A search list in resolv.conf would not
 * do: Cilium's DNS proxy refuses the names it tries first
 * ("pypi.org.NS.svc.cluster.local"), and glibc stops at a refusal. Two
 * labels are completed only for the chart's own Services (a pod name is
 * one label: "pypi.org" is no pod's), three only when the first two start
 * with "_" (SRV). These rules come after the exact ones: CoreDNS applies
 * the first rule that matches, to the lower-cased, fully qualified name
 * (Go regexps, unanchored: hence ^ and $). "answer auto" renames the
 * records owned by the rewritten name, and only those, back to the name
 * asked (CoreDNS 1.8.4+): a CNAME's target and the records it owns keep
 * their names, as glibc needs to follow the chain.
 */
static void add_short_names(struct buf *b, const struct sandbox *sb)
{
	const char *ns = corefile_namespace(sb);
	size_t i;

	if (sb->pod_subdomains.nr)
		buf_adds(b, "\n    # Pods behind the chart's headless Services "
			 "(clusterIP None), as a\n    # pod's search list "
			 "completes them: POD.SERVICE, POD.SERVICE.NAMESPACE,"
			 "\n    # POD.SERVICE.NAMESPACE.svc.\n");
	for (i = 0; i < sb->pod_subdomains.nr; i++) {
		const char *h = sb->pod_subdomains.items[i];

		buf_addf(b, "    rewrite name regex ^([^.]+)\\.%s", h);
		add_search_forms(b, ns);
		buf_addf(b, " {1}.%s.%s.svc.cluster.local answer auto\n", h,
			 ns);
	}
	buf_adds(b, "\n    # SRV names of named ports: _PORT._PROTO.NAME, "
		 "_PORT._PROTO.NAME.NAMESPACE,\n    # "
		 "_PORT._PROTO.NAME.NAMESPACE.svc.\n"
		 "    rewrite name regex ^(_[^.]+\\._[^.]+\\.[^.]+)");
	add_search_forms(b, ns);
	buf_addf(b, " {1}.%s.svc.cluster.local answer auto\n", ns);
	buf_adds(b, "\n    # The namespace's Services by their short names, "
		 "as a pod's search\n    # list completes them: NAME, "
		 "NAME.NAMESPACE, NAME.NAMESPACE.svc.\n"
		 "    rewrite name regex ^([^.]+)");
	add_search_forms(b, ns);
	buf_addf(b, " {1}.%s.svc.cluster.local answer auto\n", ns);
}

/*
 * The Corefile, as the literal block's lines at indent, into b. At 2000
 * services it is 0.7 MB: it is never held whole, but handed to flush
 * (with ctx) whenever COREFILE_PIECE bytes have gathered in b, and flush
 * empties b.
 */
#define COREFILE_PIECE ((size_t)16 << 10)

typedef void corefile_flush_fn(struct buf *b, void *ctx);

static void corefile_write(struct buf *b, size_t indent,
			   const struct sandbox *sb, corefile_flush_fn *flush,
			   void *ctx)
{
	struct buf rules = BUF_INIT;
	size_t i;

	ytext_literal(b, indent, template_corefile_head);
	for (i = 0; i < sb->nr; i++) {
		if (!sb->services[i].dns_name)
			continue;
		buf_reset(&rules);
		add_service_rewrites(&rules, sb, &sb->services[i]);
		ytext_literal(b, indent, rules.data);
		if (b->len >= COREFILE_PIECE)
			flush(b, ctx);
	}
	buf_reset(&rules);
	add_short_names(&rules, sb);
	ytext_literal(b, indent, rules.data);
	ytext_literal(b, indent, template_corefile_tail);
	buf_release(&rules);
}

/* What is written of the ConfigMap so far goes out. */
static void corefile_to_output(struct buf *b, void *ctx)
{
	struct gen *g = ctx;

	output_add(g->out, b->data, b->len);
	buf_reset(b);
}

static void corefile_slot(struct buf *b, const char *name, size_t name_len,
			  size_t indent, bool block, void *data)
{
	struct gen *g = data;

	if (!block || !ytext_slot_is(name, name_len, "corefile"))
		gen_unknown_slot(name, name_len);
	corefile_write(b, indent, g->sb, corefile_to_output, g);
}

static void corefile_configmap(struct gen *g)
{
	gen_write(g, template_corefile_configmap,
		  g->sb->coredns_configmap[g->set], "coredns", corefile_slot,
		  g);
}

/* The labels of a service's pods, as the headless Service selects them. */
static void write_service_labels(struct buf *b, size_t indent,
				 const struct sandbox *sb,
				 const struct service *svc)
{
	struct selector sel = { 0 };

	/* Only sandboxed pods may answer to a sandbox name. */
	netbuild_pod_labels(&sel, sb, svc, false);
	policy_write_labels(b, indent, &sel);
	selector_release(&sel);
}

static void write_ports(struct buf *b, size_t indent,
			const struct service *svc)
{
	/* Port names are DNS labels: lower case. */
	static const char *const name_suffix[] = {
		[PROTOCOL_TCP] = "tcp", [PROTOCOL_UDP] = "udp",
		[PROTOCOL_SCTP] = "sctp", [PROTOCOL_ANY] = "any",
	};
	size_t i, j;

	if (!svc->nr_ports)
		return;
	ytext_indent(b, indent);
	buf_adds(b, "ports:\n");
	for (i = 0; i < svc->nr_ports; i++) {
		const struct service_port *sp = &svc->ports[i];
		bool first = true;

		/* Port names must be unique: "port-53", "port-53-udp". */
		for (j = 0; j < i; j++)
			if (svc->ports[j].number == sp->number)
				first = false;
		ytext_indent(b, indent);
		buf_addf(b, "- protocol: %s\n", protocol_name(sp->protocol));
		ytext_indent(b, indent + 2);
		buf_addf(b, "port: %u\n", sp->number);
		ytext_indent(b, indent + 2);
		buf_addf(b, "name: port-%u", sp->number);
		if (!first)
			buf_addf(b, "-%s", name_suffix[sp->protocol]);
		buf_addch(b, '\n');
	}
}

struct service_ctx {
	const struct sandbox *sb;
	const struct service *svc;
};

static void service_slot(struct buf *b, const char *name, size_t name_len,
			 size_t indent, bool block, void *data)
{
	const struct service_ctx *ctx = data;

	if (block && ytext_slot_is(name, name_len, "service_labels"))
		write_service_labels(b, indent, ctx->sb, ctx->svc);
	else if (block && ytext_slot_is(name, name_len, "ports"))
		write_ports(b, indent, ctx->svc);
	else
		gen_unknown_slot(name, name_len);
}

static void headless_services(struct gen *g)
{
	const struct sandbox *sb = g->sb;
	size_t i;

	for (i = 0; i < sb->nr; i++) {
		struct service_ctx ctx = { sb, &sb->services[i] };

		/* Hook pods are short-lived: no DNS records of their own. */
		if (!ctx.svc->dns_name || ctx.svc->chart_has_service ||
		    ctx.svc->set != SET_RELEASE || g->set != SET_RELEASE)
			continue;
		gen_write(g, template_headless_service, ctx.svc->dns_name,
			  "services", service_slot, &ctx);
	}
}

static void resolv_slot(struct buf *b, const char *name, size_t name_len,
			size_t indent, bool block, void *data)
{
	(void)data;
	if (!block || !ytext_slot_is(name, name_len, "resolv_conf"))
		gen_unknown_slot(name, name_len);
	ytext_literal(b, indent, template_resolv_conf);
}

void dns_generate(struct gen *g)
{
	corefile_configmap(g);
	gen_write(g, template_resolv_configmap,
		  g->sb->resolv_configmap[g->set], "resolv-conf", resolv_slot,
		  NULL);
	headless_services(g);
}

/* A key and its value, each with its NUL: neither can hold one. */
static void digest_pair(struct sha256 *h, const char *key, const char *value,
			size_t len)
{
	sha256_update(h, key, strlen(key) + 1);
	sha256_update(h, value, len);
	sha256_update(h, "", 1);
}

/* The Corefile's text so far goes into the digest. */
static void corefile_to_digest(struct buf *b, void *ctx)
{
	sha256_update(ctx, b->data, b->len);
	buf_reset(b);
}

void dns_config_digest(const struct sandbox *sb, enum pod_set set,
		       char hex[SHA256_HEX_SIZE])
{
	struct buf corefile = BUF_INIT;
	struct sha256 h;

	(void)set;	/* every set's Corefile is the same text */
	sha256_init(&h);
	/* digest_pair(), the value hashed as it is written. */
	sha256_update(&h, "Corefile", strlen("Corefile") + 1);
	/* At indent 0 the literal block's lines are its value. */
	corefile_write(&corefile, 0, sb, corefile_to_digest, &h);
	corefile_to_digest(&corefile, &h);
	sha256_update(&h, "", 1);
	digest_pair(&h, "resolv.conf", template_resolv_conf,
		    strlen(template_resolv_conf));
	sha256_hex(&h, hex);
	buf_release(&corefile);
}
