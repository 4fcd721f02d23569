/*
 * dns — the CoreDNS ConfigMaps and the headless Services (see generate.h).
 *
 * The Corefile rewrites each service name that has a DNS record (its name,
 * "$AGENT_ENV-<name>" and each additional record) to the cluster name of
 * its headless Service, then forwards everything to the cluster's DNS. The
 * names are interpolated unquoted into the Corefile, which is why annot
 * and validate refuse anything but [A-Za-z0-9_.*-] in them.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "generate.h"
#include "inject.h"
#include "templates.h"
#include "ynode.h"

/* "<name>.<namespace>.svc.cluster.local" */
static void add_cluster_name(struct buf *b, const struct sandbox *sb,
			     const char *name)
{
	/* The sidecar gets the pod's namespace from the downward API. */
	buf_addf(b, "%s.%s.svc.cluster.local", name,
		 sb->namespace ? sb->namespace : "{$AGENTENV_NAMESPACE}");
}

static void add_rewrite(struct buf *b, const struct sandbox *sb,
			const char *from, const char *to)
{
	buf_addf(b, "    rewrite name exact %s ", from);
	add_cluster_name(b, sb, to);
	buf_addch(b, '\n');
}

static void build_corefile(const struct gen *g, struct buf *b)
{
	const struct sandbox *sb = g->sb;
	size_t i, j;

	buf_adds(b, template_corefile_head);
	for (i = 0; i < sb->nr; i++) {
		const struct service *svc = &sb->services[i];

		if (!svc->dns_name)
			continue;
		buf_addf(b, "\n    # %s\n", svc->name);
		add_rewrite(b, sb, svc->name, svc->dns_name);
		if (svc->compat_name) {
			buf_adds(b, "    # For backwards compatibility with "
				 "$AGENT_ENV usage.\n");
			add_rewrite(b, sb, svc->compat_name, svc->dns_name);
		}
		for (j = 0; j < svc->dns_records.nr; j++)
			add_rewrite(b, sb, svc->dns_records.items[j],
				    svc->dns_name);
	}
	buf_adds(b, template_corefile_tail);
}

static void corefile_configmap(struct gen *g)
{
	struct buf corefile = BUF_INIT, yaml = BUF_INIT;
	struct fy_node *root;
	const char *p;
	build_corefile(g, &corefile);
	/* A literal block scalar, as agent-env writes it. */
	buf_adds(&yaml, "|\n");
	for (p = corefile.data; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len)
			buf_adds(&yaml, "  ");
		buf_add(&yaml, p, len);
		buf_addch(&yaml, '\n');
		p += len + (nl ? 1 : 0);
	}
	root = gen_object(g, template_corefile_configmap,
			  g->sb->coredns_configmap[g->set], "coredns");
	ynode_set(ynode_get(root, "data"), "Corefile",
		  ynode_from_yaml(fy_node_document(root), yaml.data));
	gen_add(g, root, "coredns");
	buf_release(&yaml);
	buf_release(&corefile);
}

static void add_selector(struct fy_node *selector, const struct sandbox *sb,
			 const struct service *svc)
{
	struct fy_document *d = fy_node_document(selector);

	ynode_set(selector, "app.kubernetes.io/instance",
		  ynode_quoted(d, sb->release));
	/* Only sandboxed pods may answer to a sandbox name. */
	ynode_set(selector, SANDBOX_LABEL, ynode_quoted(d, "true"));
	ynode_set(selector, SERVICE_LABEL, ynode_plain(d, svc->name));
}

static void add_ports(struct fy_node *spec, const struct service *svc)
{
	/* Port names are DNS labels: lower case. */
	static const char *const name_suffix[] = {
		[PROTOCOL_TCP] = "tcp", [PROTOCOL_UDP] = "udp",
		[PROTOCOL_SCTP] = "sctp", [PROTOCOL_ANY] = "any",
	};
	struct fy_document *d = fy_node_document(spec);
	struct fy_node *ports;
	size_t i, j;

	if (!svc->nr_ports)
		return;
	ports = ynode_want_sequence(spec, "ports");
	for (i = 0; i < svc->nr_ports; i++) {
		const struct service_port *sp = &svc->ports[i];
		struct buf yaml = BUF_INIT;
		bool first = true;

		/* Port names must be unique: "port-53", "port-53-udp". */
		for (j = 0; j < i; j++)
			if (svc->ports[j].number == sp->number)
				first = false;
		buf_addf(&yaml, "protocol: %s\nport: %u\nname: port-%u",
			 protocol_name(sp->protocol), sp->number, sp->number);
		if (!first)
			buf_addf(&yaml, "-%s", name_suffix[sp->protocol]);
		buf_addch(&yaml, '\n');
		ynode_append(ports, ynode_from_yaml(d, yaml.data));
		buf_release(&yaml);
	}
}

static void headless_services(struct gen *g)
{
	const struct sandbox *sb = g->sb;
	size_t i;

	for (i = 0; i < sb->nr; i++) {
		const struct service *svc = &sb->services[i];
		struct fy_node *root, *spec;

		/* Hook pods are short-lived: no DNS records of their own. */
		if (!svc->dns_name || svc->chart_has_service ||
		    svc->set != SET_RELEASE || g->set != SET_RELEASE)
			continue;
		root = gen_object(g, template_headless_service, svc->dns_name,
				  "services");
		spec = ynode_get(root, "spec");
		add_selector(ynode_get(spec, "selector"), sb, svc);
		add_ports(spec, svc);
		gen_add(g, root, "services");
	}
}

void dns_generate(struct gen *g)
{
	corefile_configmap(g);
	gen_add(g, gen_object(g, template_resolv_configmap,
			      g->sb->resolv_configmap[g->set], "resolv-conf"),
		"resolv-conf");
	headless_services(g);
}
