/*
 * test_chartnet — the chart's network policies read into the network
 * model (chartnet.c). Each case is a policy's YAML and the summary of
 * what it reads to, one line per net_policy:
 *
 *   NAME ENDPOINTS DIRECTION: RULE; RULE | DIRECTION: ...
 *
 * ENDPOINTS: "{k=v,...}" per selector ("*": opaque); a direction appears
 * when present ("none": no rule), "(default-allow)" after it when the
 * policy does not enforce it; RULE: the peers (endpoints{..}, entities[..],
 * cidrs[..], fqdns[..], unknown, empty) then "every port", "icmp echo" or
 * "ports" and each toPorts entry (PORT/PROTO ..., "*" for every port, and
 * its check). Every case that cannot be read must open more (allow) or
 * deny less (deny), never the reverse.
 */
#include "unit.h"
#include "buf.h"
#include "chartnet.h"
#include "netpolicy.h"
#include "validate.h"
#include "ynode.h"

#include <stdbool.h>
#include <string.h>

/* --- the summary -------------------------------------------------------- */

static void render_names(struct buf *b, const struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		buf_addf(b, "%s%s", i ? "," : "", l->items[i]);
}

static void render_selector(struct buf *b, const struct selector *sel)
{
	static const char *const ops[] = { "=", " notin ", "", "!" };
	size_t i;

	if (sel->opaque) {
		buf_adds(b, "*");
		return;
	}
	buf_adds(b, "{");
	for (i = 0; i < sel->nr; i++) {
		const struct requirement *r = &sel->reqs[i];
		const char *key = r->key ? r->key : "ns";

		if (i)
			buf_adds(b, ",");
		if (r->op == OP_DOES_NOT_EXIST)
			buf_addf(b, "!%s", key);
		else
			buf_addf(b, "%s%s", key, ops[r->op]);
		if (r->op == OP_IN || r->op == OP_NOT_IN)
			render_names(b, &r->values);
	}
	buf_adds(b, "}");
}

static void render_rule(struct buf *b, const struct net_rule *r)
{
	static const char *const checks[] = { "", " dns", " sni", " http",
		" other" };
	size_t i, j;

	switch (r->peer) {
	case PEER_ENDPOINTS:
		buf_adds(b, "endpoints");
		for (i = 0; i < r->nr_selectors; i++) {
			if (i)
				buf_adds(b, ",");
			render_selector(b, &r->selectors[i]);
		}
		break;
	case PEER_ENTITIES:
		if (r->empty) {
			buf_adds(b, "empty");
			ck_assert_uint_eq(r->names.nr, 0);
			return;
		}
		buf_adds(b, "entities[");
		render_names(b, &r->names);
		buf_adds(b, "]");
		break;
	case PEER_CIDRS:
		buf_adds(b, "cidrs[");
		render_names(b, &r->names);
		buf_adds(b, "]");
		break;
	case PEER_FQDNS:
		buf_adds(b, "fqdns[");
		render_names(b, &r->names);
		buf_adds(b, "]");
		break;
	case PEER_UNKNOWN:
		buf_adds(b, "unknown");
		ck_assert_uint_eq(r->nr_to_ports, 0);
		return;
	}
	if (!r->nr_to_ports) {
		buf_adds(b, r->icmp_echo ? " icmp echo" : " every port");
		return;
	}
	ck_assert(!r->icmp_echo);
	buf_adds(b, " ports");
	for (i = 0; i < r->nr_to_ports; i++) {
		const struct net_ports *np = &r->to_ports[i];

		buf_adds(b, i ? ", " : " ");
		if (!np->ports.nr)
			buf_adds(b, "*");
		for (j = 0; j < np->ports.nr; j++)
			buf_addf(b, "%s%u/%s", j ? " " : "",
				 np->ports.items[j].number,
				 protocol_name(np->ports.items[j].protocol));
		buf_adds(b, checks[np->check]);
		if (np->names.nr) {
			buf_adds(b, "[");
			render_names(b, &np->names);
			buf_adds(b, "]");
		}
	}
}

static void render_policy(struct buf *b, const struct net_policy *p)
{
	static const char *const dirs[] = { "ingress", "egress",
		"ingressDeny", "egressDeny" };
	size_t i, d;
	bool first = true;

	ck_assert_int_eq(p->origin, ORIGIN_CHART);
	ck_assert_ptr_null(p->name_parts[1]);
	buf_addf(b, "%s ", p->name_parts[0]);
	for (i = 0; i < p->nr_endpoints; i++)
		render_selector(b, &p->endpoints[i]);
	for (d = 0; d < NR_NET_DIRECTIONS; d++) {
		if (!p->has[d]) {
			ck_assert_uint_eq(p->nr_rules[d], 0);
			continue;
		}
		buf_addf(b, "%s%s", first ? " " : " | ", dirs[d]);
		if (p->default_allow[d])
			buf_adds(b, "(default-allow)");
		buf_adds(b, ":");
		first = false;
		if (!p->nr_rules[d])
			buf_adds(b, " none");
		for (i = 0; i < p->nr_rules[d]; i++) {
			buf_adds(b, i ? "; " : " ");
			render_rule(b, &p->rules[d][i]);
		}
	}
}

static char *summarise(const struct net_policies *ps)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < ps->nr; i++) {
		if (i)
			buf_adds(&b, "\n");
		render_policy(&b, &ps->items[i]);
	}
	return buf_detach(&b, NULL);
}

static struct fy_document *parse(const char *yaml)
{
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_1,
	};
	struct fy_document *d = fy_document_build_from_string(&cfg, yaml,
							      strlen(yaml));

	ck_assert_msg(d != NULL, "does not parse: %s", yaml);
	return d;
}

/* --- the cases ---------------------------------------------------------- */

struct net_case {
	const char *what;
	const char *yaml;
	const char *want;
};

#define NP(spec) "{kind: NetworkPolicy, metadata: {name: np}, spec: " \
	spec "}"
#define NP_WEB(rest) NP("{podSelector: {matchLabels: {app: web}}, " rest "}")
#define NP_IN(rule) NP_WEB("ingress: [" rule "]")
#define CNP(spec) "{kind: CiliumNetworkPolicy, metadata: {name: cnp}, " \
	"spec: " spec "}"
#define CNP_WEB(rest) CNP("{endpointSelector: {matchLabels: {app: web}}, " \
			  rest "}")
#define CNP_IN(rule) CNP_WEB("ingress: [" rule "]")
#define CNP_OUT(rule) CNP_WEB("egress: [" rule "]")
#define CNP_IN_DENY(rule) CNP_WEB("ingressDeny: [" rule "]")
#define CNP_OUT_DENY(rule) CNP_WEB("egressDeny: [" rule "]")
#define TO_PORTS(entries) "toPorts: [" entries "]"
#define TCP80 "{ports: [{port: '80', protocol: TCP}]}"

#define NPW "NetworkPolicy/np {app=web}"
#define CNPW "CiliumNetworkPolicy/cnp {app=web}"

static const struct net_case cases[] = {
	/* --- NetworkPolicy: directions ------------------------------------ */
	{ "pod peer on a port",
	  NP_IN("{from: [{podSelector: {matchLabels: {app: x}}}], "
		"ports: [{port: 80}]}"),
	  NPW " ingress: endpoints{app=x} ports 80/TCP" },
	{ "no policyTypes, no rules: ingress denied",
	  NP_WEB(""), NPW " ingress: none" },
	{ "no policyTypes, egress rules: both directions",
	  NP_WEB("egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]"),
	  NPW " ingress: none | egress: cidrs[10.0.0.0/8] every port" },
	{ "no policyTypes, egress empty: ingress only",
	  NP_WEB("egress: []"), NPW " ingress: none" },
	{ "policyTypes Egress: ingress rules ignored",
	  NP_WEB("policyTypes: [Egress], ingress: [{}], egress: []"),
	  NPW " egress: none" },
	{ "policyTypes both",
	  NP_WEB("policyTypes: [Ingress, Egress], egress: [{}]"),
	  NPW " ingress: none | egress: entities[all] every port" },
	{ "policyTypes unreadable: the lists that hold rules",
	  NP_WEB("policyTypes: [Ingress, Sideways], egress: [{}]"),
	  NPW " egress: entities[all] every port" },
	{ "policyTypes a scalar: the lists that hold rules",
	  NP_WEB("policyTypes: Ingress, ingress: [{}]"),
	  NPW " ingress: entities[all] every port" },
	{ "no spec: every pod, ingress denied",
	  "{kind: NetworkPolicy, metadata: {name: np}}",
	  "NetworkPolicy/np {} ingress: none" },
	{ "no name", "{kind: NetworkPolicy, spec: {podSelector: {}}}",
	  "NetworkPolicy/ {} ingress: none" },
	{ "spec a scalar: everything",
	  NP("nonsense"),
	  "NetworkPolicy/np * ingress: unknown | egress: unknown" },
	{ "podSelector cannot be evaluated: opaque",
	  NP("{podSelector: [a]}"), "NetworkPolicy/np * ingress: none" },
	{ "podSelector expressions",
	  NP("{podSelector: {matchExpressions: [{key: a, operator: NotIn, "
	     "values: [b, c]}, {key: d, operator: Exists}, "
	     "{key: e, operator: DoesNotExist}]}}"),
	  "NetworkPolicy/np {a notin b,c,d,!e} ingress: none" },

	/* --- NetworkPolicy: peers ----------------------------------------- */
	{ "rule {}: every source, every port",
	  NP_IN("{}"), NPW " ingress: entities[all] every port" },
	{ "rule null: the zero rule",
	  NP_IN("null"), NPW " ingress: entities[all] every port" },
	{ "from []: every source",
	  NP_IN("{from: [], ports: [{port: 443}]}"),
	  NPW " ingress: entities[all] ports 443/TCP" },
	{ "namespaceSelector: every pod of the cluster",
	  NP_IN("{from: [{namespaceSelector: {matchLabels: {a: b}}}]}"),
	  NPW " ingress: entities[cluster] every port" },
	{ "namespaceSelector with podSelector: the cluster",
	  NP_IN("{from: [{namespaceSelector: {}, podSelector: "
		"{matchLabels: {app: x}}}]}"),
	  NPW " ingress: entities[cluster] every port" },
	{ "ipBlock: except ignored",
	  NP_IN("{from: [{ipBlock: {cidr: 10.0.0.0/8, except: "
		"[10.1.0.0/16]}}]}"),
	  NPW " ingress: cidrs[10.0.0.0/8] every port" },
	{ "several peer kinds: a rule each, same ports",
	  NP_IN("{from: [{ipBlock: {cidr: 1.2.3.4/32}}, "
		"{podSelector: {matchLabels: {app: x}}}, "
		"{namespaceSelector: {}}, {podSelector: {}}, "
		"{ipBlock: {cidr: 5.6.7.8/32}}], "
		"ports: [{port: 53, protocol: UDP}, {port: 53}]}"),
	  NPW " ingress: endpoints{app=x},{} ports 53/UDP 53/TCP; "
	  "entities[cluster] ports 53/UDP 53/TCP; "
	  "cidrs[1.2.3.4/32,5.6.7.8/32] ports 53/UDP 53/TCP" },
	{ "egress to",
	  NP_WEB("policyTypes: [Egress], egress: [{to: [{podSelector: "
		 "{matchLabels: {app: db}}}], ports: [{port: 5432}]}]"),
	  NPW " egress: endpoints{app=db} ports 5432/TCP" },
	{ "unknown peer key: unknown",
	  NP_IN("{from: [{serviceSelector: {}}]}"), NPW " ingress: unknown" },
	{ "empty peer: unknown", NP_IN("{from: [{}]}"),
	  NPW " ingress: unknown" },
	{ "peer a scalar: unknown", NP_IN("{from: [x]}"),
	  NPW " ingress: unknown" },
	{ "from a mapping: unknown", NP_IN("{from: {podSelector: {}}}"),
	  NPW " ingress: unknown" },
	{ "ipBlock without cidr: unknown",
	  NP_IN("{from: [{ipBlock: {except: [1.2.3.4/32]}}]}"),
	  NPW " ingress: unknown" },
	{ "ipBlock unknown key: unknown",
	  NP_IN("{from: [{ipBlock: {cidr: 1.2.3.4/32, ports: 1}}]}"),
	  NPW " ingress: unknown" },
	{ "unknown rule key: unknown",
	  NP_IN("{from: [], sources: [x]}"), NPW " ingress: unknown" },
	{ "rule a scalar: unknown", NP_IN("x"), NPW " ingress: unknown" },
	{ "ingress a mapping: unknown", NP_WEB("ingress: {from: []}"),
	  NPW " ingress: unknown" },
	{ "ingress a scalar: unknown", NP_WEB("ingress: all"),
	  NPW " ingress: unknown" },

	/* --- NetworkPolicy: ports ----------------------------------------- */
	{ "named port: every port",
	  NP_IN("{ports: [{port: 80}, {port: http}]}"),
	  NPW " ingress: entities[all] every port" },
	{ "quoted number is a named port: every port",
	  NP_IN("{ports: [{port: '80'}]}"),
	  NPW " ingress: entities[all] every port" },
	{ "endPort: every port",
	  NP_IN("{ports: [{port: 8000, endPort: 8080}]}"),
	  NPW " ingress: entities[all] every port" },
	{ "protocol without port: every port",
	  NP_IN("{ports: [{protocol: UDP}]}"),
	  NPW " ingress: entities[all] every port" },
	{ "protocol ANY is not Kubernetes': every port",
	  NP_IN("{ports: [{port: 80, protocol: ANY}]}"),
	  NPW " ingress: entities[all] every port" },
	{ "unknown port key: every port",
	  NP_IN("{ports: [{port: 80, hostPort: 1}]}"),
	  NPW " ingress: entities[all] every port" },
	{ "port 0: every port",
	  NP_IN("{ports: [{port: 0}]}"),
	  NPW " ingress: entities[all] every port" },
	{ "ports a mapping: every port",
	  NP_IN("{ports: {port: 80}}"),
	  NPW " ingress: entities[all] every port" },
	{ "port item a scalar: every port",
	  NP_IN("{ports: [80]}"),
	  NPW " ingress: entities[all] every port" },
	{ "SCTP", NP_IN("{ports: [{port: 9, protocol: SCTP}]}"),
	  NPW " ingress: entities[all] ports 9/SCTP" },

	/* --- Cilium: policies and directions ------------------------------ */
	{ "fromEndpoints on a port",
	  CNP_IN("{fromEndpoints: [{matchLabels: {'k8s:app': x}}], "
		 TO_PORTS(TCP80) "}"),
	  CNPW " ingress: endpoints{app=x} ports 80/TCP" },
	{ "clusterwide",
	  "{kind: CiliumClusterwideNetworkPolicy, metadata: {name: ccnp}, "
	  "spec: {endpointSelector: {}, egress: [{toEntities: [world]}]}}",
	  "CiliumClusterwideNetworkPolicy/ccnp {} egress: "
	  "entities[world] every port" },
	{ "every direction",
	  CNP_WEB("ingress: [{fromEntities: [cluster]}], "
		  "egress: [{toEntities: [world]}], "
		  "ingressDeny: [{fromEntities: [world]}], "
		  "egressDeny: [{toCIDR: [1.2.3.4/32]}]"),
	  CNPW " ingress: entities[cluster] every port | egress: "
	  "entities[world] every port | ingressDeny: entities[world] every "
	  "port | egressDeny: cidrs[1.2.3.4/32] every port" },
	{ "empty lists do not apply",
	  CNP_WEB("ingress: [], egress: null, egressDeny: []"), CNPW },
	{ "rule {}: empty", CNP_IN("{}"), CNPW " ingress: empty" },
	{ "no spec nor specs: opaque, nothing opened",
	  "{kind: CiliumNetworkPolicy, metadata: {name: cnp}}",
	  "CiliumNetworkPolicy/cnp *" },
	{ "object a scalar: opaque", "x", "CiliumNetworkPolicy/ *" },
	{ "spec a scalar: everything", CNP("x"),
	  "CiliumNetworkPolicy/cnp * ingress: unknown | egress: unknown" },
	{ "specs a mapping: everything",
	  "{kind: CiliumNetworkPolicy, metadata: {name: cnp}, specs: {a: b}}",
	  "CiliumNetworkPolicy/cnp * ingress: unknown | egress: unknown" },
	{ "spec and specs, nodeSelector rule skipped",
	  "{kind: CiliumNetworkPolicy, metadata: {name: cnp}, "
	  "spec: {endpointSelector: {}, ingress: [{}]}, specs: ["
	  "{nodeSelector: {}, ingress: [{fromEntities: [world]}]}, "
	  "{endpointSelector: {matchLabels: {a: b}}, egress: [{}]}, x]}",
	  "CiliumNetworkPolicy/cnp {} ingress: empty\n"
	  "CiliumNetworkPolicy/cnp {a=b} egress: empty\n"
	  "CiliumNetworkPolicy/cnp * ingress: unknown | egress: unknown" },
	{ "only a nodeSelector rule: nothing",
	  CNP("{nodeSelector: {}, ingress: [{fromEntities: [world]}]}"), "" },
	{ "endpointSelector Cilium-only label: opaque",
	  CNP("{endpointSelector: {matchLabels: {'reserved:host': ''}}, "
	      "ingress: [{}]}"),
	  "CiliumNetworkPolicy/cnp * ingress: empty" },
	{ "no endpointSelector: every pod",
	  CNP("{egress: [{}]}"), "CiliumNetworkPolicy/cnp {} egress: empty" },
	{ "ingress a mapping: unknown", CNP_WEB("ingress: {a: b}"),
	  CNPW " ingress: unknown" },
	{ "ingress item a scalar: unknown", CNP_IN("x"),
	  CNPW " ingress: unknown" },
	{ "ingress item null: unknown", CNP_IN("null"),
	  CNPW " ingress: unknown" },
	{ "enableDefaultDeny ingress false",
	  CNP_WEB("enableDefaultDeny: {ingress: false, egress: true}, "
		  "ingress: [{}], egress: [{}]"),
	  CNPW " ingress(default-allow): empty | egress: empty" },
	{ "enableDefaultDeny not a boolean: default-allow",
	  CNP_WEB("enableDefaultDeny: {egress: 'no'}, egress: [{}]"),
	  CNPW " egress(default-allow): empty" },
	{ "enableDefaultDeny a scalar: default-allow both",
	  CNP_WEB("enableDefaultDeny: false, ingress: [{}], egress: [{}]"),
	  CNPW " ingress(default-allow): empty | "
	  "egress(default-allow): empty" },

	/* --- Cilium: peers ------------------------------------------------ */
	{ "several peer kinds: a rule each",
	  CNP_OUT("{toCIDR: [1.1.1.1/32], toEntities: [world], "
		  "toEndpoints: [{}], toFQDNs: [{matchName: a.com}], "
		  "toCIDRSet: [{cidr: 2.0.0.0/8, except: [2.1.0.0/16]}], "
		  TO_PORTS(TCP80) "}"),
	  CNPW " egress: endpoints{} ports 80/TCP; entities[world] ports "
	  "80/TCP; cidrs[1.1.1.1/32,2.0.0.0/8] ports 80/TCP; "
	  "fqdns[a.com] ports 80/TCP" },
	{ "toFQDNs matchName and matchPattern",
	  CNP_OUT("{toFQDNs: [{matchName: a.com}, {matchPattern: '*.b.com'}, "
		  "{matchName: c.com, matchPattern: '*.c.com'}]}"),
	  CNPW " egress: fqdns[a.com,*.b.com,c.com,*.c.com] every port" },
	{ "toFQDNs unknown key: unknown",
	  CNP_OUT("{toFQDNs: [{matchRegex: '.*'}]}"),
	  CNPW " egress: unknown" },
	{ "toFQDNs empty item: unknown",
	  CNP_OUT("{toFQDNs: [{}]}"), CNPW " egress: unknown" },
	{ "toServices: unknown",
	  CNP_OUT("{toServices: [{k8sService: {serviceName: s}}]}"),
	  CNPW " egress: unknown" },
	{ "toGroups: unknown", CNP_OUT("{toGroups: [{aws: {}}]}"),
	  CNPW " egress: unknown" },
	{ "fromNodes: unknown", CNP_IN("{fromNodes: [{}]}"),
	  CNPW " ingress: unknown" },
	{ "unknown key with a known peer: unknown",
	  CNP_IN("{fromEntities: [world], fromMars: [x]}"),
	  CNPW " ingress: unknown" },
	{ "a to key in ingress: unknown", CNP_IN("{toEntities: [world]}"),
	  CNPW " ingress: unknown" },
	{ "fromEndpoints a mapping: unknown",
	  CNP_IN("{fromEndpoints: {matchLabels: {a: b}}}"),
	  CNPW " ingress: unknown" },
	{ "fromEndpoints item a scalar: opaque, also every peer",
	  CNP_IN("{fromEndpoints: [x]}"),
	  CNPW " ingress: endpoints* every port; entities[all] every port" },
	{ "fromEndpoints Cilium reserved label: opaque, also every peer",
	  CNP_OUT("{toEndpoints: [{matchLabels: {'reserved:world': ''}}], "
		  TO_PORTS(TCP80) "}"),
	  CNPW " egress: endpoints* ports 80/TCP; entities[all] ports 80/TCP" },
	{ "fromEndpoints another namespace: also the cluster",
	  CNP_IN("{fromEndpoints: [{matchLabels: "
		 "{'k8s:io.kubernetes.pod.namespace': kube-system}}]}"),
	  CNPW " ingress: endpoints{ns=kube-system} every port; "
	  "entities[cluster] every port" },
	{ "fromEndpoints any namespace: also the cluster",
	  CNP_IN("{fromEndpoints: [{matchExpressions: [{key: "
		 "io.kubernetes.pod.namespace, operator: Exists}]}]}"),
	  CNPW " ingress: endpoints{ns} every port; "
	  "entities[cluster] every port" },
	{ "fromEndpoints the policy's namespace: pods only",
	  "{kind: CiliumNetworkPolicy, metadata: {name: cnp, namespace: ns1}, "
	  "spec: {endpointSelector: {}, ingress: [{fromEndpoints: "
	  "[{matchLabels: {io.kubernetes.pod.namespace: ns1, app: x}}]}]}}",
	  "CiliumNetworkPolicy/cnp {} ingress: endpoints{ns=ns1,app=x} "
	  "every port" },
	{ "clusterwide fromEndpoints: also the cluster",
	  "{kind: CiliumClusterwideNetworkPolicy, metadata: {name: ccnp}, "
	  "spec: {endpointSelector: {}, ingress: [{fromEndpoints: "
	  "[{matchLabels: {app: x}}]}]}}",
	  "CiliumClusterwideNetworkPolicy/ccnp {} ingress: endpoints{app=x} "
	  "every port; entities[cluster] every port" },
	{ "deny another namespace: pods only",
	  CNP_IN_DENY("{fromEndpoints: [{matchLabels: "
		      "{io.kubernetes.pod.namespace: kube-system}}]}"),
	  CNPW " ingressDeny: endpoints{ns=kube-system} every port" },
	{ "fromEntities item a mapping: unknown",
	  CNP_IN("{fromEntities: [{a: b}]}"), CNPW " ingress: unknown" },
	{ "fromCIDRSet group: unknown",
	  CNP_IN("{fromCIDRSet: [{cidrGroupRef: g}]}"),
	  CNPW " ingress: unknown" },
	{ "fromCIDRSet item without cidr: unknown",
	  CNP_IN("{fromCIDRSet: [{except: [1.0.0.0/8]}]}"),
	  CNPW " ingress: unknown" },
	{ "fromRequires ignored",
	  CNP_IN("{fromRequires: [{matchLabels: {env: prod}}], "
		 "fromEndpoints: [{matchLabels: {app: x}}]}"),
	  CNPW " ingress: endpoints{app=x} every port" },
	{ "fromRequires alone: every peer",
	  CNP_IN("{fromRequires: [{matchLabels: {env: prod}}]}"),
	  CNPW " ingress: entities[all] every port" },
	{ "authentication ignored",
	  CNP_IN("{fromEntities: [cluster], authentication: "
		 "{mode: required}}"),
	  CNPW " ingress: entities[cluster] every port" },
	{ "empty peer list: every peer",
	  CNP_IN("{fromEndpoints: [], " TO_PORTS(TCP80) "}"),
	  CNPW " ingress: entities[all] ports 80/TCP" },
	{ "toPorts only: every peer",
	  CNP_OUT(TO_PORTS(TCP80)), CNPW " egress: entities[all] ports 80/TCP" },
	{ "icmps only: every peer, echo",
	  CNP_IN("{icmps: [{fields: [{type: 8, family: IPv4}]}]}"),
	  CNPW " ingress: entities[all] icmp echo" },

	/* --- Cilium: toPorts and L7 --------------------------------------- */
	{ "protocol ANY by default, numbers or strings",
	  CNP_OUT(TO_PORTS("{ports: [{port: 53}, {port: '443', "
			   "protocol: UDP}]}")),
	  CNPW " egress: entities[all] ports 53/ANY 443/UDP" },
	{ "several entries",
	  CNP_OUT(TO_PORTS(TCP80 ", {ports: [{port: '53', protocol: UDP}]}")),
	  CNPW " egress: entities[all] ports 80/TCP, 53/UDP" },
	{ "port 0: every port of the entry",
	  CNP_OUT(TO_PORTS("{ports: [{port: '0', protocol: TCP}]}")),
	  CNPW " egress: entities[all] ports *" },
	{ "no port: every port",
	  CNP_OUT(TO_PORTS("{ports: [{protocol: UDP}]}")),
	  CNPW " egress: entities[all] ports *" },
	{ "no ports: every port",
	  CNP_OUT(TO_PORTS("{rules: {dns: [{matchPattern: '*'}]}}")),
	  CNPW " egress: entities[all] ports * dns[*]" },
	{ "named port: every port",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80'}, {port: http}]}")),
	  CNPW " egress: entities[all] ports *" },
	{ "endPort: every port",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80', endPort: 90}]}")),
	  CNPW " egress: entities[all] ports *" },
	{ "protocol ICMP: every port",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80', protocol: ICMP}]}")),
	  CNPW " egress: entities[all] ports *" },
	{ "protocol unknown: every port",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80', protocol: QUIC}]}")),
	  CNPW " egress: entities[all] ports *" },
	{ "port a mapping: every port",
	  CNP_OUT(TO_PORTS("{ports: [{port: {a: 1}}]}")),
	  CNPW " egress: entities[all] ports *" },
	{ "ports a scalar: every port",
	  CNP_OUT(TO_PORTS("{ports: '80'}")),
	  CNPW " egress: entities[all] ports *" },
	{ "rules.dns",
	  CNP_OUT("{toEndpoints: [{}], " TO_PORTS("{ports: [{port: '53', "
		  "protocol: UDP}], rules: {dns: [{matchPattern: '*.a.com'}, "
		  "{matchName: b.com}]}}") "}"),
	  CNPW " egress: endpoints{} ports 53/UDP dns[*.a.com,b.com]" },
	{ "rules.dns item unknown key: other",
	  CNP_OUT(TO_PORTS("{ports: [{port: '53'}], rules: {dns: "
			   "[{matchRegex: x}]}}")),
	  CNPW " egress: entities[all] ports 53/ANY other" },
	{ "serverNames",
	  CNP_OUT(TO_PORTS("{ports: [{port: '443', protocol: TCP}], "
			   "serverNames: [a.com, '*.b.com']}")),
	  CNPW " egress: entities[all] ports 443/TCP sni[a.com,*.b.com]" },
	{ "rules.http hosts",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80', protocol: TCP}], rules: "
			   "{http: [{host: 'a\\.com'}, {host: '.*\\.b\\.com', "
			   "method: GET}]}}")),
	  CNPW " egress: entities[all] ports 80/TCP http[a\\.com,.*\\.b\\.com]" },
	{ "rules.http without host: other",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80', protocol: TCP}], rules: "
			   "{http: [{host: a.com}, {path: /x}]}}")),
	  CNPW " egress: entities[all] ports 80/TCP other" },
	{ "rules.kafka: other",
	  CNP_OUT(TO_PORTS("{ports: [{port: '9092', protocol: TCP}], rules: "
			   "{kafka: [{topic: t}]}}")),
	  CNPW " egress: entities[all] ports 9092/TCP other" },
	{ "two L7 protocols: other",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80'}], rules: {dns: "
			   "[{matchName: a.com}], http: [{host: a.com}]}}")),
	  CNPW " egress: entities[all] ports 80/ANY other" },
	{ "empty L7 lists: no check",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80'}], rules: {dns: [], "
			   "http: null}}")),
	  CNPW " egress: entities[all] ports 80/ANY" },
	{ "rules a scalar: other",
	  CNP_OUT(TO_PORTS("{ports: [{port: '80'}], rules: x}")),
	  CNPW " egress: entities[all] ports 80/ANY other" },
	{ "serverNames beside kafka: sni",
	  CNP_OUT(TO_PORTS("{ports: [{port: '443'}], serverNames: [a.com], "
			   "rules: {kafka: [{topic: t}]}}")),
	  CNPW " egress: entities[all] ports 443/ANY sni[a.com]" },
	{ "serverNames beside dns: dns",
	  CNP_OUT(TO_PORTS("{ports: [{port: '53'}], serverNames: [a.com], "
			   "rules: {dns: [{matchName: b.com}]}}")),
	  CNPW " egress: entities[all] ports 53/ANY dns[b.com]" },
	{ "serverNames unreadable: no check",
	  CNP_OUT(TO_PORTS("{ports: [{port: '443'}], serverNames: "
			   "[{a: b}]}")),
	  CNPW " egress: entities[all] ports 443/ANY" },
	{ "listener: other",
	  CNP_OUT(TO_PORTS("{ports: [{port: '443'}], listener: "
			   "{name: l}}")),
	  CNPW " egress: entities[all] ports 443/ANY other" },
	{ "TLS certificates: no check",
	  CNP_OUT(TO_PORTS("{ports: [{port: '443'}], terminatingTLS: "
			   "{secret: {name: s}}}")),
	  CNPW " egress: entities[all] ports 443/ANY" },
	{ "toPorts entry unknown key: every port",
	  CNP_OUT(TO_PORTS(TCP80 ", {ports: [{port: '81'}], portRange: x}")),
	  CNPW " egress: entities[all] every port" },
	{ "toPorts entry a scalar: every port",
	  CNP_OUT(TO_PORTS(TCP80 ", x")),
	  CNPW " egress: entities[all] every port" },
	{ "toPorts a mapping: every port",
	  CNP_OUT("{toEntities: [world], toPorts: {ports: []}}"),
	  CNPW " egress: entities[world] every port" },
	{ "toPorts empty: every port",
	  CNP_OUT("{toEntities: [world], toPorts: []}"),
	  CNPW " egress: entities[world] every port" },

	/* --- Cilium: ICMP ------------------------------------------------- */
	{ "toPorts and icmps: both",
	  CNP_OUT("{toEntities: [world], " TO_PORTS(TCP80) ", "
		  "icmps: [{fields: [{type: EchoRequest}]}]}"),
	  CNPW " egress: entities[world] ports 80/TCP; "
	  "entities[world] icmp echo" },
	{ "another ICMP type: echo",
	  CNP_OUT("{toEntities: [world], icmps: [{fields: [{type: 3}]}]}"),
	  CNPW " egress: entities[world] icmp echo" },
	{ "icmps a mapping: every port",
	  CNP_OUT("{toEntities: [world], " TO_PORTS(TCP80) ", "
		  "icmps: {fields: []}}"),
	  CNPW " egress: entities[world] every port" },
	{ "icmps fields a scalar: every port",
	  CNP_OUT("{toEntities: [world], icmps: [{fields: x}]}"),
	  CNPW " egress: entities[world] every port" },
	{ "icmps fields a scalar after an echo: every port",
	  CNP_OUT("{toEntities: [world], icmps: [{fields: [{type: 8}]}, "
		  "{fields: x}]}"),
	  CNPW " egress: entities[world] every port" },
	{ "icmps field a scalar: every port",
	  CNP_OUT("{toEntities: [world], icmps: [{fields: [8]}]}"),
	  CNPW " egress: entities[world] every port" },

	/* --- Cilium: deny rules deny less when unreadable ------------------ */
	{ "deny on ports",
	  CNP_OUT_DENY("{toEntities: [world], " TO_PORTS(TCP80) "}"),
	  CNPW " egressDeny: entities[world] ports 80/TCP" },
	{ "deny rule {}: empty", CNP_IN_DENY("{}"), CNPW " ingressDeny: empty" },
	{ "deny toPorts only: every peer",
	  CNP_IN_DENY(TO_PORTS(TCP80)),
	  CNPW " ingressDeny: entities[all] ports 80/TCP" },
	{ "deny unknown peer: dropped",
	  CNP_IN_DENY("{fromNodes: [{}]}"), CNPW },
	{ "deny unknown key beside a known peer: dropped",
	  CNP_WEB("ingressDeny: [{fromEntities: [world], fromMars: [x]}, "
		  "{fromEntities: [cluster]}]"),
	  CNPW " ingressDeny: entities[cluster] every port" },
	{ "deny item a scalar: dropped", CNP_IN_DENY("x"), CNPW },
	{ "deny list a mapping: nothing", CNP_WEB("egressDeny: {a: b}"),
	  CNPW },
	{ "deny opaque selector: left out",
	  CNP_IN_DENY("{fromEndpoints: [x, {matchLabels: {a: b}}]}"),
	  CNPW " ingressDeny: endpoints{a=b} every port" },
	{ "deny only opaque selectors: dropped",
	  CNP_IN_DENY("{fromEndpoints: [x]}"), CNPW },
	{ "deny empty peer list: dropped",
	  CNP_IN_DENY("{fromEndpoints: [], " TO_PORTS(TCP80) "}"), CNPW },
	{ "deny on opaque endpoints: not read",
	  CNP("{endpointSelector: [x], ingressDeny: [{}], ingress: [{}]}"),
	  "CiliumNetworkPolicy/cnp * ingress: empty" },
	{ "deny fromRequires: dropped",
	  CNP_IN_DENY("{fromEntities: [world], fromRequires: [{}]}"), CNPW },
	{ "deny toFQDNs: dropped",
	  CNP_OUT_DENY("{toFQDNs: [{matchName: a.com}]}"), CNPW },
	{ "deny CIDRSet except: item left out",
	  CNP_OUT_DENY("{toCIDRSet: [{cidr: 1.0.0.0/8, except: "
		       "[1.1.0.0/16]}, {cidr: 2.0.0.0/8}]}"),
	  CNPW " egressDeny: cidrs[2.0.0.0/8] every port" },
	{ "deny port 0 of TCP: dropped",
	  CNP_OUT_DENY("{toEntities: [world], " TO_PORTS(
		       "{ports: [{port: '0', protocol: TCP}]}") "}"), CNPW },
	{ "deny port 0 of ANY: every port",
	  CNP_OUT_DENY("{toEntities: [world], " TO_PORTS(
		       "{ports: [{port: '0'}]}") "}"),
	  CNPW " egressDeny: entities[world] ports *" },
	{ "deny named port: left out",
	  CNP_OUT_DENY("{toEntities: [world], " TO_PORTS(
		       "{ports: [{port: http}, {port: '80', protocol: TCP}]}")
		       "}"),
	  CNPW " egressDeny: entities[world] ports 80/TCP" },
	{ "deny range: its first port",
	  CNP_OUT_DENY("{toEntities: [world], " TO_PORTS(
		       "{ports: [{port: '80', endPort: 90, protocol: TCP}]}")
		       "}"),
	  CNPW " egressDeny: entities[world] ports 80/TCP" },
	{ "deny entry with L7: left out",
	  CNP_OUT_DENY("{toEntities: [world], " TO_PORTS(
		       "{ports: [{port: '53'}], rules: {dns: []}}, " TCP80)
		       "}"),
	  CNPW " egressDeny: entities[world] ports 80/TCP" },
	{ "deny toPorts a mapping: dropped",
	  CNP_OUT_DENY("{toEntities: [world], toPorts: {a: b}}"), CNPW },
	{ "deny icmp echo",
	  CNP_IN_DENY("{fromEntities: [world], icmps: [{fields: [{type: 128, "
		      "family: IPv6}, {type: 8}]}]}"),
	  CNPW " ingressDeny: entities[world] icmp echo" },
	{ "deny icmp other type: dropped",
	  CNP_IN_DENY("{fromEntities: [world], icmps: [{fields: "
		      "[{type: 3}, {type: 8, family: IPv6}]}]}"), CNPW },
	{ "deny toPorts and icmps: each",
	  CNP_IN_DENY("{fromEntities: [world], " TO_PORTS(TCP80) ", "
		      "icmps: [{fields: [{type: 3}]}]}"),
	  CNPW " ingressDeny: entities[world] ports 80/TCP" },
};

START_TEST(test_read)
{
	const struct net_case *c = &cases[_i];
	struct fy_document *d = parse(c->yaml);
	struct fy_node *root = fy_document_root(d);
	struct fy_node *kind = ynode_get(root, "kind");
	struct net_policies ps = { NULL, 0, 0 };
	char *kind_s = kind ? ynode_strdup(kind) : NULL;
	char *got;

	chartnet_read(root, kind_s ? kind_s : "CiliumNetworkPolicy", &ps);
	got = summarise(&ps);
	ck_assert_msg(!strcmp(got, c->want), "%s:\n got: %s\nwant: %s",
		      c->what, got, c->want);
	free(got);
	free(kind_s);
	net_policies_release(&ps);
	fy_document_destroy(d);
}
END_TEST

/* A NULL object reads as a policy with no spec. */
START_TEST(test_null_object)
{
	struct net_policies ps = { NULL, 0, 0 };
	char *got;

	chartnet_read(NULL, "NetworkPolicy", &ps);
	chartnet_read(NULL, "CiliumNetworkPolicy", &ps);
	got = summarise(&ps);
	ck_assert_str_eq(got, "NetworkPolicy/ {} ingress: none\n"
			 "CiliumNetworkPolicy/ *");
	free(got);
	net_policies_release(&ps);
}
END_TEST

/* Long lists: read whole, in one rule, without trouble. */
START_TEST(test_long_lists)
{
	struct buf b = BUF_INIT;
	struct net_policies ps = { NULL, 0, 0 };
	struct fy_document *d;
	const struct net_rule *r;
	unsigned i;

	buf_adds(&b, "{kind: CiliumNetworkPolicy, metadata: {name: big}, "
		 "spec: {endpointSelector: {}, egress: [{toFQDNs: [");
	for (i = 0; i < 5000; i++)
		buf_addf(&b, "%s{matchName: h%u.com}", i ? ", " : "", i);
	buf_adds(&b, "], toPorts: [{ports: [");
	for (i = 1; i <= 5000; i++)
		buf_addf(&b, "%s{port: '%u', protocol: TCP}", i > 1 ? ", " : "",
			 i);
	buf_adds(&b, "]}]}]}}");
	d = parse(b.data);
	chartnet_read(fy_document_root(d), "CiliumNetworkPolicy", &ps);
	ck_assert_uint_eq(ps.nr, 1);
	ck_assert_uint_eq(ps.items[0].nr_rules[NET_EGRESS], 1);
	r = &ps.items[0].rules[NET_EGRESS][0];
	ck_assert_int_eq(r->peer, PEER_FQDNS);
	ck_assert_uint_eq(r->names.nr, 5000);
	ck_assert_uint_eq(r->nr_to_ports, 1);
	ck_assert_uint_eq(r->to_ports[0].ports.nr, 5000);
	net_policies_release(&ps);
	fy_document_destroy(d);
	buf_release(&b);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("chartnet");
	TCase *tc = tcase_create("chartnet");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_read, 0, (int)ARRAY_SIZE(cases));
	tcase_add_test(tc, test_null_object);
	tcase_add_test(tc, test_long_lists);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
