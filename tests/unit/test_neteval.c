/*
 * test_neteval — the network evaluator (src/model/neteval.c) against Cilium's
 * documented semantics, on policies built by hand and passed to the model
 * as kept chart policies (ORIGIN_CHART).
 *
 * The pods carry only the labels a case gives them, so the sandbox's own
 * policies (which select the release's labels) select none of them and
 * each case sees its own policies alone; test_explain.c covers the
 * sandbox's own. The expected values come from Cilium's documentation
 * (docs.cilium.io, security/policy: "Deny Policies", "Layer 4 Policies",
 * the Rule reference), not from the evaluator's output:
 *  - a pod is enforced in a direction when a policy selecting it has
 *    rules of the direction, allow or deny (enableDefaultDeny's default);
 *    else everything passes;
 *  - allow rules of every policy are OR-ed; a deny takes precedence over
 *    every allow; an L4 deny takes only its ports (ping still passes),
 *    a deny's icmps only ICMP;
 *  - without toPorts every port and protocol passes, ICMP included; with
 *    toPorts, ICMP is blocked; protocol ANY (or none) is TCP and UDP;
 *  - "ingress: [{}]" selects no peer and puts the pod in default deny;
 *  - the entities all and cluster hold every pod, world none; CIDR rules
 *    do not apply between Cilium-managed endpoints, nor toFQDNs.
 *
 * The little language of the tables (tokens separated by spaces):
 *  pods:     one string per service, "key=value ..." its decided labels.
 *  policy:   on=SEL (its endpoint selectors, OR-ed; none: it selects
 *            nothing), name=Kind/name, ns=NAMESPACE (metadata.namespace),
 *            nokeep (not kept); then rules: in | out | in-deny | out-deny,
 *            each followed by its peer: pods=SEL (repeated: OR-ed),
 *            ent=a,b  cidr=a,b  fqdn=a,b  unknown  empty, and what it
 *            opens: ports=80/TCP,53/ANY (a toPorts entry; ports=* every
 *            port), dns=PATTERN,... (an entry 53/ANY with a DNS check),
 *            icmp (ICMP echo).
 *  SEL:      "*" empty (every pod), "?" opaque, else requirements joined
 *            by ",": k=v|w (In), k!=v|w (NotIn), k (Exists), !k
 *            (DoesNotExist); the key ns is the pod's namespace (ns here).
 */
#include "unit.h"
#include "buf.h"
#include "chartpolicy.h"
#include "neteval.h"
#include "vocab.h"

#include <stdbool.h>

#define MAX_PODS	3
#define MAX_POLICIES	4

struct world {
	struct settings st;
	struct sandbox sb;
	struct pod_templates pts;
	struct chart_policies cps;
	struct net_model net;
	/* The pods' label strings (the decided labels borrow them). */
	struct strlist label_text;
};

/* s (len bytes), kept in w for the decided labels to point at. */
static const char *keep_text(struct world *w, const char *s, size_t len)
{
	strlist_add(&w->label_text, s, len);
	return w->label_text.items[w->label_text.nr - 1];
}

static const char *const service_names[MAX_PODS] = { "a", "b", "c" };

/* --- building ------------------------------------------------------------ */

static void add_requirement(struct selector *sel, const char *text)
{
	struct requirement *r;
	const char *eq = strchr(text, '='), *values = NULL;
	size_t klen;
	enum label_op op;

	if (*text == '!' && !eq) {
		op = OP_DOES_NOT_EXIST;
		text++;
		klen = strlen(text);
	} else if (!eq) {
		op = OP_EXISTS;
		klen = strlen(text);
	} else if (eq > text && eq[-1] == '!') {
		op = OP_NOT_IN;
		klen = (size_t)(eq - 1 - text);
		values = eq + 1;
	} else {
		op = OP_IN;
		klen = (size_t)(eq - text);
		values = eq + 1;
	}
	sel->reqs = xgrow(sel->reqs, sizeof(*sel->reqs), sel->nr + 1,
			  &sel->alloc);
	r = &sel->reqs[sel->nr++];
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->key = klen == 2 && !memcmp(text, "ns", 2) ? NULL :
		 xmemdup0(text, klen);
	while (values && *values) {
		const char *bar = strchr(values, '|');
		size_t len = bar ? (size_t)(bar - values) : strlen(values);

		strlist_add(&r->values, values, len);
		values = bar ? bar + 1 : NULL;
	}
}

static void parse_selector(struct selector *sel, const char *text)
{
	char *copy, *req, *save = NULL;

	if (!strcmp(text, "*"))
		return;
	if (!strcmp(text, "?")) {
		sel->opaque = true;
		return;
	}
	copy = xstrdup(text);
	for (req = strtok_r(copy, ",", &save); req;
	     req = strtok_r(NULL, ",", &save))
		add_requirement(sel, req);
	free(copy);
}

static void add_names(struct strlist *l, const char *text)
{
	while (text && *text) {
		const char *comma = strchr(text, ',');
		size_t len = comma ? (size_t)(comma - text) : strlen(text);

		strlist_add(l, text, len);
		text = comma ? comma + 1 : NULL;
	}
}

static enum protocol protocol_named(const char *s)
{
	static const enum protocol all[] = { PROTOCOL_TCP, PROTOCOL_UDP,
		PROTOCOL_SCTP, PROTOCOL_ANY };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (!strcmp(s, protocol_name(all[i])))
			return all[i];
	ck_abort_msg("bad protocol %s", s);
	return PROTOCOL_ANY;
}

/* "80/TCP,53/ANY" into np's ports ("*": none, every port). */
static void parse_ports(struct net_ports *np, const char *text)
{
	char *copy, *port, *save = NULL;

	if (!strcmp(text, "*"))
		return;
	copy = xstrdup(text);
	for (port = strtok_r(copy, ",", &save); port;
	     port = strtok_r(NULL, ",", &save)) {
		unsigned number = 0;
		char *p = port;

		for (; *p >= '0' && *p <= '9'; p++)
			number = number * 10 + (unsigned)(*p - '0');
		ck_assert_msg(*p == '/', "bad port %s", port);
		port_list_add(&np->ports, number, protocol_named(p + 1));
	}
	free(copy);
}

static bool token_is(const char *tok, const char *key, const char **value)
{
	size_t len = strlen(key);

	if (strncmp(tok, key, len) || tok[len] != '=')
		return false;
	*value = tok + len + 1;
	return true;
}

/* One kept chart policy from its description (see the top). */
static void add_policy(struct chart_policies *cps, const char *text,
		       size_t index)
{
	static const char *const directions[] = { "in", "out", "in-deny",
		"out-deny" };
	struct chart_policy *cp;
	struct net_policy *p;
	struct net_rule *r = NULL;
	struct buf name = BUF_INIT;
	char *copy = xstrdup(text), *tok, *save = NULL;
	bool rule_peer = false;

	cps->items = xgrow(cps->items, sizeof(*cps->items), cps->nr + 1,
			   &cps->alloc);
	cp = &cps->items[cps->nr++];
	memset(cp, 0, sizeof(*cp));
	cp->keep = true;
	cp->kind = xstrdup("CiliumNetworkPolicy");
	p = net_policy_add(&cp->net, ORIGIN_CHART);
	buf_addf(&name, "CiliumNetworkPolicy/p%zu", index);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		const char *v;
		size_t d;

		if (rule_peer) {
			rule_peer = false;
			if (token_is(tok, "pods", &v)) {
				r->peer = PEER_ENDPOINTS;
				parse_selector(net_rule_add_selector(r), v);
			} else if (token_is(tok, "ent", &v)) {
				r->peer = PEER_ENTITIES;
				add_names(&r->names, v);
			} else if (token_is(tok, "cidr", &v)) {
				r->peer = PEER_CIDRS;
				add_names(&r->names, v);
			} else if (token_is(tok, "fqdn", &v)) {
				r->peer = PEER_FQDNS;
				add_names(&r->names, v);
			} else if (!strcmp(tok, "unknown")) {
				r->peer = PEER_UNKNOWN;
			} else if (!strcmp(tok, "empty")) {
				r->peer = PEER_ENDPOINTS;
				r->empty = true;
			} else {
				ck_abort_msg("bad peer %s", tok);
			}
			continue;
		}
		for (d = 0; d < ARRAY_SIZE(directions); d++)
			if (!strcmp(tok, directions[d]))
				break;
		if (d < ARRAY_SIZE(directions)) {
			r = net_rule_add(p, (enum net_direction)d,
					 PEER_UNKNOWN);
			rule_peer = true;
		} else if (token_is(tok, "on", &v)) {
			parse_selector(net_policy_add_endpoints(p), v);
		} else if (token_is(tok, "name", &v)) {
			buf_reset(&name);
			buf_adds(&name, v);
		} else if (token_is(tok, "ns", &v)) {
			cp->namespace = xstrdup(v);
		} else if (!strcmp(tok, "nokeep")) {
			cp->keep = false;
		} else if (r && token_is(tok, "pods", &v)) {
			parse_selector(net_rule_add_selector(r), v);
		} else if (r && token_is(tok, "ports", &v)) {
			parse_ports(net_rule_add_ports(r, CHECK_NONE), v);
		} else if (r && token_is(tok, "dns", &v)) {
			struct net_ports *np = net_rule_add_ports(r, CHECK_DNS);

			port_list_add(&np->ports, 53, PROTOCOL_ANY);
			add_names(&np->names, v);
		} else if (r && !strcmp(tok, "icmp")) {
			r->icmp_echo = true;
		} else {
			ck_abort_msg("bad token %s in '%s'", tok, text);
		}
	}
	ck_assert_msg(!rule_peer, "a rule without a peer in '%s'", text);
	p->name_parts[0] = xstrdup(name.data);
	cp->name = xstrdup(strchr(name.data, '/') + 1);
	buf_release(&name);
	free(copy);
}

/* A pod template for service i with the labels "k=v k=v". */
static void add_pod(struct world *w, size_t i, const char *labels)
{
	struct pod_template *pt;
	struct pod_decisions *d;
	char *copy = xstrdup(labels), *tok, *save = NULL;
	size_t n = 0, words = 1;
	const char *s;

	for (s = labels; *s; s++)
		words += *s == ' ';
	w->pts.items = xgrow(w->pts.items, sizeof(*w->pts.items),
			     w->pts.nr + 1, &w->pts.alloc);
	pt = &w->pts.items[w->pts.nr++];
	memset(pt, 0, sizeof(*pt));
	pt->service = i;
	d = &pt->decided;
	d->labels = xcalloc(2 * words, sizeof(*d->labels));
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		const char *eq = strchr(tok, '=');

		ck_assert_msg(eq != NULL, "bad label %s", tok);
		d->labels[n++] = keep_text(w, tok, (size_t)(eq - tok));
		d->labels[n++] = keep_text(w, eq + 1, strlen(eq + 1));
	}
	d->labels_nr = n / 2;
	free(copy);
}

/*
 * The services of pods (NULL-ended), in the namespace ns of release r,
 * with the kept policies; no pod carries the sandbox's labels.
 */
static void world_setup(struct world *w, const char *const *pods,
			const char *const *policies)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	sandbox_init(&w->sb, &w->st);
	w->sb.release = xstrdup("r");
	w->sb.namespace = xstrdup("ns");
	w->sb.prefix = xstrdup("agentenv-r");
	for (i = 0; i < MAX_PODS && pods[i]; i++) {
		struct service *svc = sandbox_add_service(&w->sb);

		svc->name = xstrdup(service_names[i]);
		svc->where.kind = "Deployment";
		svc->where.name = "w";
		add_pod(w, i, pods[i]);
	}
	for (i = 0; i < MAX_POLICIES && policies[i]; i++)
		add_policy(&w->cps, policies[i], i + 1);
}

static void world_init(struct world *w, const char *const *pods,
		       const char *const *policies)
{
	world_setup(w, pods, policies);
	net_model_init(&w->net, &w->sb, &w->pts, &w->cps);
}

static void world_release(struct world *w)
{
	net_model_release(&w->net);
	chart_policies_release(&w->cps);
	pod_templates_release(&w->pts);
	strlist_release(&w->label_text);
	sandbox_release(&w->sb);
	settings_release(&w->st);
}

/* --- describing ---------------------------------------------------------- */

static int port_order(const void *a, const void *b)
{
	const struct service_port *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return (int)x->protocol - (int)y->protocol;
}

static void add_word(struct buf *b, const char *s)
{
	buf_addf(b, "%s%s", b->len ? " " : "", s);
}

static void add_list(struct buf *b, const char *label,
		     const struct strlist *l)
{
	size_t i;

	if (!l->nr)
		return;
	add_word(b, label);
	for (i = 0; i < l->nr; i++)
		buf_addf(b, "%s%s", i ? "," : "", l->items[i]);
}

/*
 * "none", or: "all" or the ports (sorted), "icmp", "open" (only by
 * entities), "kept=" the kept policies that admit.
 */
static void describe_reach(struct buf *b, const struct pair_reach *r)
{
	struct service_port *ports;
	size_t i;

	if (!r->any) {
		ck_assert(!r->all_ports && !r->ports.nr && !r->icmp_echo &&
			  !r->open_only && !r->kept.nr);
		buf_adds(b, "none");
		return;
	}
	if (r->all_ports)
		add_word(b, "all");
	ports = xcalloc(r->ports.nr + 1, sizeof(*ports));
	if (r->ports.nr)
		memcpy(ports, r->ports.items, r->ports.nr * sizeof(*ports));
	qsort(ports, r->ports.nr, sizeof(*ports), port_order);
	for (i = 0; i < r->ports.nr; i++) {
		struct buf p = BUF_INIT;

		buf_addf(&p, "%u/%s", ports[i].number,
			 protocol_name(ports[i].protocol));
		add_word(b, p.data);
		buf_release(&p);
	}
	free(ports);
	if (r->icmp_echo)
		add_word(b, "icmp");
	if (r->open_only)
		add_word(b, "open");
	add_list(b, "kept=", &r->kept);
}

static const char *kind_word(enum allow_kind k)
{
	switch (k) {
	case ALLOW_DOMAINS:
		return "fqdn";
	case ALLOW_ENTITY:
		return "entity";
	case ALLOW_CIDR:
		return "cidr";
	case ALLOW_PODS:
		return "pods";
	case ALLOW_ANYTHING:
		break;
	}
	return "anything";
}

/* "KIND[:names][@PORT/PROTO][+dns] (Kind/name)", joined with "; ". */
static void describe_allows(struct buf *b, const struct allows *al)
{
	static const char *const checks[] = { "", "+dns", "+sni", "+host",
		"+other" };
	size_t i, j;

	for (i = 0; i < al->nr; i++) {
		const struct allow *a = &al->items[i];

		buf_addf(b, "%s%s", i ? "; " : "", kind_word(a->kind));
		for (j = 0; j < a->nr_names; j++)
			buf_addf(b, "%c%s", j ? ',' : ':', a->names[j]);
		if (a->port)
			buf_addf(b, "@%u/%s", a->port,
				 protocol_name(a->protocol));
		else
			ck_assert_int_eq(a->protocol, PROTOCOL_ANY);
		buf_addf(b, "%s (%s)", checks[a->check],
			 a->policy->origin == ORIGIN_CHART ?
			 a->policy->name_parts[0] : "own");
	}
}

/* "cluster", "names=", "lifted=", "kept=": what is set; "" when nothing. */
static void describe_dns(struct buf *b, const struct dns_reach *d)
{
	if (d->cluster)
		add_word(b, "cluster");
	add_list(b, "names=", &d->names);
	add_list(b, "lifted=", &d->lifted_by);
	add_list(b, "kept=", &d->lifted_by_kept);
}

/* --- who may reach whom -------------------------------------------------- */

struct reach_case {
	const char *name;
	const char *pods[MAX_PODS + 1];
	const char *policies[MAX_POLICIES + 1];
	const char *want;		/* describe_reach() from a to b */
};

#define AB { "app=a", "app=b", NULL }
#define AB_TIER { "app=a tier=web", "app=b", NULL }
#define P1 "CiliumNetworkPolicy/p1"
#define P2 "CiliumNetworkPolicy/p2"

static const struct reach_case reach_cases[] = {
	/* Enforcement: a direction without rules lets everything pass. */
	{ "no policy: nothing enforced", AB, { NULL }, "all icmp" },
	{ "a policy selecting neither pod", AB,
	  { "on=app=c in empty out empty", NULL }, "all icmp" },
	{ "egress rules only: ingress free", AB,
	  { "on=app=a out pods=app=b ports=80/TCP", NULL }, "80/TCP kept=" P1 },
	{ "ingress rules only: egress free", AB,
	  { "on=app=b in pods=app=a ports=80/TCP", NULL }, "80/TCP kept=" P1 },
	{ "the peer's egress rules do not admit the other way", AB,
	  { "on=app=b out pods=app=a", NULL }, "all icmp" },
	{ "a policy with rules for another pod enforces", AB,
	  { "on=app=b in pods=app=c", NULL }, "none" },
	{ "a deny-only policy enforces the direction", AB,
	  { "on=app=b in-deny pods=app=c", NULL }, "none" },
	{ "a deny-only egress policy enforces too", AB,
	  { "on=app=a out-deny cidr=10.0.0.0/8", NULL }, "none" },
	/* Allows are OR-ed, across rules and policies. */
	{ "allows OR-ed across policies", AB,
	  { "on=app=b in pods=app=a ports=80/TCP",
	    "on=app=b in pods=app=a ports=443/TCP", NULL },
	  "80/TCP 443/TCP kept=" P1 "," P2 },
	{ "an allow beside another pod's allow", AB,
	  { "on=app=b in pods=app=c", "on=app=b in pods=app=a ports=22/TCP",
	    NULL }, "22/TCP kept=" P2 },
	{ "selectors of one rule OR-ed", AB,
	  { "on=app=b in pods=app=c pods=app=a", NULL }, "all icmp kept=" P1 },
	{ "endpoint selectors OR-ed", AB,
	  { "on=app=c on=app=b in pods=app=c", NULL }, "none" },
	{ "the kept policy admits one side, ours not the other", AB,
	  { "on=app=a out pods=app=c",
	    "on=app=b in pods=app=a", NULL }, "none" },
	/* Ports: both sides must allow; ANY is TCP and UDP. */
	{ "ports intersect", AB,
	  { "on=app=a out pods=app=b ports=80/TCP,443/TCP",
	    "on=app=b in pods=app=a ports=443/TCP,8080/TCP", NULL },
	  "443/TCP kept=" P1 "," P2 },
	{ "ports that do not meet: nothing", AB,
	  { "on=app=a out pods=app=b ports=80/TCP",
	    "on=app=b in pods=app=a ports=443/TCP", NULL }, "none" },
	{ "protocols differ: nothing", AB,
	  { "on=app=a out pods=app=b ports=53/TCP",
	    "on=app=b in pods=app=a ports=53/UDP", NULL }, "none" },
	{ "egress ANY, ingress TCP", AB,
	  { "on=app=a out pods=app=b ports=53/ANY",
	    "on=app=b in pods=app=a ports=53/TCP", NULL },
	  "53/TCP kept=" P1 "," P2 },
	{ "egress TCP, ingress ANY", AB,
	  { "on=app=a out pods=app=b ports=53/TCP",
	    "on=app=b in pods=app=a ports=53/ANY", NULL },
	  "53/TCP kept=" P1 "," P2 },
	{ "egress UDP, ingress ANY", AB,
	  { "on=app=a out pods=app=b ports=53/UDP",
	    "on=app=b in pods=app=a ports=53/ANY", NULL },
	  "53/UDP kept=" P1 "," P2 },
	{ "ANY on both sides", AB,
	  { "on=app=a out pods=app=b ports=53/ANY",
	    "on=app=b in pods=app=a ports=53/ANY", NULL },
	  "53/ANY kept=" P1 "," P2 },
	{ "egress TCP and UDP entries, ingress ANY", AB,
	  { "on=app=a out pods=app=b ports=53/TCP ports=53/UDP",
	    "on=app=b in pods=app=a ports=53/ANY", NULL },
	  "53/TCP 53/UDP kept=" P1 "," P2 },
	{ "every port on one side, ports on the other", AB,
	  { "on=app=a out pods=app=b",
	    "on=app=b in pods=app=a ports=80/TCP", NULL },
	  "80/TCP kept=" P1 "," P2 },
	{ "every port on the ingress side", AB,
	  { "on=app=a out pods=app=b ports=80/TCP",
	    "on=app=b in pods=app=a", NULL }, "80/TCP kept=" P1 "," P2 },
	{ "a toPorts entry without ports: every port, no ICMP", AB,
	  { "on=app=b in pods=app=a ports=*", NULL }, "all kept=" P1 },
	/* Deny takes precedence over allow. */
	{ "an ingress deny without ports wins", AB,
	  { "on=app=b in pods=app=a", "on=app=b in-deny pods=app=a", NULL },
	  "none" },
	{ "an egress deny without ports wins", AB,
	  { "on=app=b in pods=app=a", "on=app=a out-deny pods=app=b", NULL },
	  "none" },
	{ "a deny to all wins over an allow to the pod", AB,
	  { "on=app=b in pods=app=a ports=80/TCP",
	    "on=* in-deny ent=all", NULL }, "none" },
	{ "a deny to cluster wins", AB,
	  { "on=app=a out-deny ent=cluster", NULL }, "none" },
	{ "a deny to world takes nothing from pods", AB,
	  { "on=app=b in pods=app=a ports=80/TCP",
	    "on=app=b in-deny ent=world", NULL }, "80/TCP kept=" P1 },
	{ "a deny to an entity Cilium does not know takes nothing", AB,
	  { "on=app=b in pods=app=a ports=80/TCP",
	    "on=app=b in-deny ent=Cluster", NULL }, "80/TCP kept=" P1 },
	{ "an allow from an entity Cilium does not know admits all", AB,
	  { "on=app=b in ent=Cluster ports=80/TCP", NULL },
	  "80/TCP open kept=" P1 },
	{ "a deny to another pod takes nothing", AB,
	  { "on=app=b in pods=app=a ports=80/TCP",
	    "on=app=b in-deny pods=app=c", NULL }, "80/TCP kept=" P1 },
	{ "a deny with ports takes those ports", AB,
	  { "on=app=b in pods=app=a ports=80/TCP,443/TCP",
	    "on=app=b in-deny pods=app=a ports=443/TCP", NULL },
	  "80/TCP kept=" P1 },
	{ "an egress deny with ports takes those ports", AB,
	  { "on=app=b in pods=app=a ports=80/TCP,443/TCP",
	    "on=app=a out pods=app=b out-deny pods=app=b ports=80/TCP",
	    NULL }, "443/TCP kept=" P2 "," P1 },
	{ "a deny on ANY takes TCP", AB,
	  { "on=app=b in pods=app=a ports=53/TCP,80/TCP",
	    "on=app=b in-deny pods=app=a ports=53/ANY", NULL },
	  "80/TCP kept=" P1 },
	{ "a deny on TCP leaves UDP of ANY", AB,
	  { "on=app=b in pods=app=a ports=53/ANY",
	    "on=app=b in-deny pods=app=a ports=53/TCP", NULL },
	  "53/UDP kept=" P1 },
	{ "denies on TCP and UDP take ANY", AB,
	  { "on=app=b in pods=app=a ports=53/ANY,80/TCP",
	    "on=app=b in-deny pods=app=a ports=53/TCP,53/UDP", NULL },
	  "80/TCP kept=" P1 },
	/* Cilium's deny table: an L4 deny leaves ping. (Every port less
	 * some reads as every port: the model has no "all but".) */
	{ "a deny with ports leaves ICMP", AB,
	  { "on=app=b in pods=app=a", "on=app=b in-deny pods=app=a "
	    "ports=80/TCP", NULL }, "all icmp kept=" P1 },
	/* A deny of ICMP (icmps) takes ICMP alone. */
	{ "an ICMP deny takes ICMP alone", AB,
	  { "on=app=b in pods=app=a", "on=app=b in-deny pods=app=a icmp",
	    NULL }, "all kept=" P1 },
	{ "an egress ICMP deny to all takes ICMP alone", AB,
	  { "on=app=b in pods=app=a ports=80/TCP in pods=app=a icmp",
	    "on=app=a out pods=app=b out-deny ent=all icmp", NULL },
	  "80/TCP kept=" P2 "," P1 },
	/* The empty rule: enforces, admits nothing. */
	{ "an empty ingress rule admits nothing", AB,
	  { "on=app=b in empty", NULL }, "none" },
	{ "an empty egress rule admits nothing", AB,
	  { "on=app=a out empty", NULL }, "none" },
	{ "an empty rule beside an allow", AB,
	  { "on=app=b in empty", "on=app=b in pods=app=a ports=80/TCP", NULL },
	  "80/TCP kept=" P2 },
	/* Peers that are not selectors. */
	{ "entity all holds every pod", AB,
	  { "on=app=b in ent=all", NULL }, "all icmp open kept=" P1 },
	{ "entity cluster holds every pod", AB,
	  { "on=app=b in ent=cluster ports=22/TCP", NULL },
	  "22/TCP open kept=" P1 },
	{ "entity all on egress", AB,
	  { "on=app=a out ent=all", NULL }, "all icmp kept=" P1 },
	{ "entity world holds no pod", AB,
	  { "on=app=b in ent=world", NULL }, "none" },
	{ "entity host holds no pod", AB,
	  { "on=app=a out ent=host,remote-node,kube-apiserver", NULL },
	  "none" },
	{ "a CIDR rule matches no pod", AB,
	  { "on=app=b in cidr=0.0.0.0/0", NULL }, "none" },
	{ "an egress CIDR rule matches no pod", AB,
	  { "on=app=a out cidr=0.0.0.0/0,::/0", NULL }, "none" },
	{ "a toFQDNs rule matches no pod", AB,
	  { "on=app=a out fqdn=*", NULL }, "none" },
	{ "an unknown peer matches every pod", AB,
	  { "on=app=b in unknown", NULL }, "all icmp kept=" P1 },
	{ "an unknown peer on its ports", AB,
	  { "on=app=a out unknown ports=8080/TCP", NULL },
	  "8080/TCP kept=" P1 },
	/* open: admitted by entity rules alone. */
	{ "admitted by pods and an entity: not open", AB,
	  { "on=app=b in ent=all ports=22/TCP",
	    "on=app=b in pods=app=a ports=80/TCP", NULL },
	  "22/TCP 80/TCP kept=" P1 "," P2 },
	{ "an entity rule and an unknown one: not open", AB,
	  { "on=app=b in ent=all ports=22/TCP in unknown", NULL },
	  "all icmp kept=" P1 },
	{ "an egress entity rule alone: not open", AB,
	  { "on=app=a out ent=cluster", "on=app=b in pods=app=a", NULL },
	  "all icmp kept=" P1 "," P2 },
	/* ICMP: only when both sides let it pass. */
	{ "an ICMP rule admits ICMP alone", AB,
	  { "on=app=b in pods=app=a icmp", NULL }, "icmp kept=" P1 },
	{ "ICMP on both sides", AB,
	  { "on=app=a out pods=app=b icmp", "on=app=b in pods=app=a icmp",
	    NULL }, "icmp kept=" P1 "," P2 },
	{ "ICMP on egress, ports on ingress", AB,
	  { "on=app=a out pods=app=b icmp",
	    "on=app=b in pods=app=a ports=80/TCP", NULL }, "none" },
	{ "ports and ICMP in separate rules", AB,
	  { "on=app=b in pods=app=a ports=80/TCP in pods=app=a icmp", NULL },
	  "80/TCP icmp kept=" P1 },
	{ "no toPorts on egress, toPorts on ingress: no ICMP", AB,
	  { "on=app=a out pods=app=b", "on=app=b in pods=app=a ports=80/TCP",
	    NULL }, "80/TCP kept=" P1 "," P2 },
	{ "ICMP rule on egress, every port on ingress", AB,
	  { "on=app=a out pods=app=b icmp", "on=app=b in pods=app=a", NULL },
	  "icmp kept=" P1 "," P2 },
	/* Selectors, on the pods' decided labels. */
	{ "In of several values", AB,
	  { "on=app=b|c in pods=app=x|a", NULL }, "all icmp kept=" P1 },
	{ "In that misses", AB,
	  { "on=app=b in pods=app=x|y", NULL }, "none" },
	{ "NotIn of the pod's value", AB,
	  { "on=app=b in pods=app!=a", NULL }, "none" },
	{ "NotIn of another value", AB,
	  { "on=app=b in pods=app!=c", NULL }, "all icmp kept=" P1 },
	{ "NotIn of a label the pod lacks", AB,
	  { "on=app=b in pods=tier!=web", NULL }, "all icmp kept=" P1 },
	{ "Exists", AB_TIER,
	  { "on=app=b in pods=tier", NULL }, "all icmp kept=" P1 },
	{ "Exists of a label the pod lacks", AB,
	  { "on=app=b in pods=tier", NULL }, "none" },
	{ "DoesNotExist", AB,
	  { "on=app=b in pods=!tier", NULL }, "all icmp kept=" P1 },
	{ "DoesNotExist of a label the pod has", AB_TIER,
	  { "on=app=b in pods=!tier", NULL }, "none" },
	{ "requirements AND-ed", AB_TIER,
	  { "on=app=b in pods=app=a,tier=db", NULL }, "none" },
	{ "requirements AND-ed, all hold", AB_TIER,
	  { "on=app=b in pods=app=a,tier=web|db,!gone", NULL },
	  "all icmp kept=" P1 },
	{ "the endpoint selector's operators", AB_TIER,
	  { "on=app!=b in pods=app=a", NULL }, "all icmp" },
	{ "the pod's namespace", AB,
	  { "on=app=b in pods=ns=ns,app=a", NULL }, "all icmp kept=" P1 },
	{ "another namespace", AB,
	  { "on=app=b in pods=ns=other", NULL }, "none" },
	{ "the endpoint selector in another namespace", AB,
	  { "on=ns=other in empty", NULL }, "all icmp" },
	{ "an empty selector selects every pod", AB,
	  { "on=* in pods=*", NULL }, "all icmp kept=" P1 },
	{ "an opaque peer selector selects every pod", AB,
	  { "on=app=b in pods=?", NULL }, "all icmp kept=" P1 },
	{ "an opaque endpoint selector selects every pod", AB,
	  { "on=? in pods=app=c", NULL }, "none" },
	/* Which chart policies the model takes. */
	{ "a policy not kept is not evaluated", AB,
	  { "nokeep on=app=b in empty", NULL }, "all icmp" },
	{ "a kept policy of another namespace is not evaluated", AB,
	  { "ns=other on=app=b in empty", NULL }, "all icmp" },
	{ "a kept policy of the release's namespace", AB,
	  { "ns=ns on=app=b in empty", NULL }, "none" },
	{ "the kept policy is named as it is", AB,
	  { "name=NetworkPolicy/allow on=app=b in pods=app=a", NULL },
	  "all icmp kept=NetworkPolicy/allow" },
};

START_TEST(test_reach)
{
	const struct reach_case *c = &reach_cases[_i];
	struct buf got = BUF_INIT;
	struct pair_reach r;
	struct world w;

	world_init(&w, c->pods, c->policies);
	net_reach_between(&w.net, 0, 1, &r);
	describe_reach(&got, &r);
	ck_assert_msg(!strcmp(got.data, c->want), "%s: got '%s', want '%s'",
		      c->name, got.data, c->want);
	buf_release(&got);
	pair_reach_release(&r);
	world_release(&w);
}
END_TEST

/* --- outside the release ------------------------------------------------- */

struct egress_case {
	const char *name;
	const char *policies[MAX_POLICIES + 1];
	const char *want;		/* describe_allows() of a */
};

static const struct egress_case egress_cases[] = {
	{ "no policy: nothing listed", { NULL }, "" },
	/* The example: a kept policy opens the internet. */
	{ "a kept toEntities world", { "on=app=a out ent=world", NULL },
	  "entity:world (" P1 ")" },
	{ "each entity apart", { "on=app=a out ent=world,host", NULL },
	  "entity:world (" P1 "); entity:host (" P1 ")" },
	{ "a kept toEndpoints", { "on=app=a out pods=app=b", NULL },
	  "pods (" P1 ")" },
	{ "a kept toEndpoints on a port",
	  { "on=app=a out pods=app=b ports=5432/TCP", NULL },
	  "pods@5432/TCP (" P1 ")" },
	{ "an unknown peer", { "on=app=a out unknown", NULL },
	  "anything (" P1 ")" },
	{ "a CIDR", { "on=app=a out cidr=10.0.0.0/8,192.168.0.0/16", NULL },
	  "cidr:10.0.0.0/8 (" P1 "); cidr:192.168.0.0/16 (" P1 ")" },
	{ "names, one allowance per port",
	  { "on=app=a out fqdn=a.org,*.b.org ports=443/TCP,80/TCP "
	    "ports=8080/UDP", NULL },
	  "fqdn:a.org,*.b.org@443/TCP (" P1 "); "
	  "fqdn:a.org,*.b.org@80/TCP (" P1 "); "
	  "fqdn:a.org,*.b.org@8080/UDP (" P1 ")" },
	{ "a toPorts entry without ports: every port",
	  { "on=app=a out ent=world ports=*", NULL }, "entity:world (" P1 ")" },
	{ "a kept DNS-checked rule", {
	  "on=app=a out pods=ns=kube-system,k8s-app=kube-dns dns=*", NULL },
	  "pods@53/ANY+dns (" P1 ")" },
	{ "in policy order", { "on=app=a out cidr=10.0.0.0/8",
	  "on=app=a out ent=world", NULL },
	  "cidr:10.0.0.0/8 (" P1 "); entity:world (" P2 ")" },
	{ "ingress rules are not egress", { "on=app=a in ent=world", NULL },
	  "" },
	{ "a policy selecting another pod", { "on=app=b out ent=world",
	  NULL }, "" },
	{ "an empty rule", { "on=app=a out empty", NULL }, "" },
	{ "a policy not kept", { "nokeep on=app=a out ent=world", NULL },
	  "" },
	/* Isolation: a deny to every entity takes everything. */
	{ "isolated by a deny to all", { "on=app=a out ent=world",
	  "on=app=a out-deny ent=all", NULL }, "" },
	{ "isolated: no pods, nothing unknown", { "on=app=a out pods=app=b "
	  "out unknown out fqdn=a.org out-deny ent=all", NULL }, "" },
	{ "a deny to all on a port is no isolation",
	  { "on=app=a out ent=world out-deny ent=all ports=25/TCP", NULL },
	  "entity:world (" P1 ")" },
	{ "a deny to all of ICMP is no isolation",
	  { "on=app=a out ent=world out-deny ent=all icmp", NULL },
	  "entity:world (" P1 ")" },
	{ "a deny to all of another pod", { "on=app=a out ent=world",
	  "on=app=b out-deny ent=all", NULL }, "entity:world (" P1 ")" },
};

START_TEST(test_egress)
{
	static const char *const pods[] = AB;
	const struct egress_case *c = &egress_cases[_i];
	struct buf got = BUF_INIT;
	struct allows al = { 0 };
	struct world w;

	world_init(&w, pods, c->policies);
	net_egress(&w.net, 0, &al);
	describe_allows(&got, &al);
	ck_assert_msg(!strcmp(got.data, c->want), "%s: got '%s', want '%s'",
		      c->name, got.data, c->want);
	buf_release(&got);
	allows_release(&al);
	world_release(&w);
}
END_TEST

/* --- DNS ----------------------------------------------------------------- */

struct dns_case {
	const char *name;
	const char *policies[MAX_POLICIES + 1];
	const char *want;		/* describe_dns() of a */
};

#define KUBE_DNS "pods=ns=kube-system,k8s-app=kube-dns"

static const struct dns_case dns_cases[] = {
	{ "no policy", { NULL }, "" },
	{ "checked names", { "on=app=a out " KUBE_DNS " dns=a.org,*.b.org",
	  NULL }, "names=a.org,*.b.org" },
	{ "the namespace's names", { "on=app=a out " KUBE_DNS
	  " dns=*.ns.svc.cluster.local", NULL }, "cluster" },
	{ "the namespace's names, deeper", { "on=app=a out " KUBE_DNS
	  " dns=*.*.*.ns.svc.cluster.local,a.org", NULL },
	  "cluster names=a.org" },
	{ "another namespace's names are names", { "on=app=a out " KUBE_DNS
	  " dns=*.other.svc.cluster.local", NULL },
	  "names=*.other.svc.cluster.local" },
	{ "names without repeats", { "on=app=a out " KUBE_DNS " dns=a.org",
	  "on=app=a out " KUBE_DNS " dns=a.org,c.org", NULL },
	  "names=a.org,c.org" },
	{ "names of another pod's policy", { "on=app=b out " KUBE_DNS
	  " dns=a.org", NULL }, "" },
	{ "a checked rule lifts nothing", { "on=app=a out unknown dns=*",
	  NULL }, "names=*" },
	/* Entities whose L3 allow reaches a resolver. */
	{ "world lifts", { "on=app=a out ent=world", NULL }, "lifted=world" },
	{ "cluster, host, all lift",
	  { "on=app=a out ent=cluster,host,all", NULL },
	  "lifted=cluster,host,all" },
	{ "remote-node, kube-apiserver do not",
	  { "on=app=a out ent=remote-node,kube-apiserver", NULL }, "" },
	{ "lifting entities without repeats",
	  { "on=app=a out ent=world", "on=app=a out ent=world", NULL },
	  "lifted=world" },
	{ "an ingress rule lifts nothing", { "on=app=a in ent=world", NULL },
	  "" },
	/* Kept rules that may reach kube-dns unchecked. */
	{ "a kept unknown peer", { "on=app=a out unknown", NULL },
	  "kept=" P1 },
	{ "a kept selector of kube-system", { "on=app=a out "
	  "pods=ns=kube-system,k8s-app=kube-dns", NULL }, "kept=" P1 },
	{ "a kept selector of several namespaces", { "on=app=a out "
	  "pods=ns=ns|kube-system", NULL }, "kept=" P1 },
	/* Cilium: a clusterwide policy's selector without a namespace
	 * holds every namespace's pods. */
	{ "a kept selector without a namespace", { "on=app=a out "
	  "pods=k8s-app=kube-dns", NULL }, "kept=" P1 },
	{ "a kept opaque selector", { "on=app=a out pods=?", NULL },
	  "kept=" P1 },
	{ "a kept selector of another namespace", { "on=app=a out "
	  "pods=ns=ns", NULL }, "" },
	{ "a kept selector excluding kube-system", { "on=app=a out "
	  "pods=ns!=kube-system", NULL }, "" },
	{ "one selector of several may", { "on=app=a out "
	  "pods=ns=ns pods=ns=kube-system", NULL }, "kept=" P1 },
	/* Ports without the DNS check beside checked ones pass unproxied. */
	{ "a kept rule with an unchecked entry", { "on=app=a out "
	  KUBE_DNS " dns=a.org ports=53/TCP", NULL }, "names=a.org kept=" P1 },
	{ "an entity rule checked on one entry only", { "on=app=a out "
	  "ent=cluster dns=a.org ports=53/TCP", NULL },
	  "names=a.org lifted=cluster" },
	{ "a kept CIDR", { "on=app=a out cidr=10.0.0.0/8", NULL }, "" },
	{ "a kept empty rule", { "on=app=a out empty", NULL }, "" },
	{ "kept and lifted by name", { "name=NetworkPolicy/np on=app=a out "
	  "unknown out ent=all", NULL }, "lifted=all kept=NetworkPolicy/np" },
	/* Isolated: no lookups at all. */
	{ "a deny to all of ICMP: lookups stay", { "on=app=a out " KUBE_DNS
	  " dns=a.org out-deny ent=all icmp", NULL }, "names=a.org" },
	{ "isolated", { "on=app=a out " KUBE_DNS " dns=a.org,"
	  "*.ns.svc.cluster.local out ent=world out unknown",
	  "on=app=a out-deny ent=all", NULL }, "" },
};

START_TEST(test_dns)
{
	static const char *const pods[] = AB;
	const struct dns_case *c = &dns_cases[_i];
	struct buf got = BUF_INIT;
	struct dns_reach d;
	struct world w;

	world_init(&w, pods, c->policies);
	net_dns(&w.net, 0, &d);
	describe_dns(&got, &d);
	ck_assert_msg(!strcmp(got.data, c->want), "%s: got '%s', want '%s'",
		      c->name, got.data, c->want);
	ck_assert_str_eq(d.cluster_patterns[0], "*.ns.svc.cluster.local");
	ck_assert_str_eq(d.cluster_patterns[2],
			 "*.*.*.ns.svc.cluster.local");
	buf_release(&got);
	dns_reach_release(&d);
	world_release(&w);
}
END_TEST

/* --- with the sandbox's own policies ------------------------------------- */

#define SANDBOXED(svc) RELEASE_LABEL "=r " SANDBOX_LABEL "=true " \
	SERVICE_LABEL "=" svc
#define ON(svc) "on=" SERVICE_LABEL "=" svc

/*
 * The release's pods with the labels the plan decides (agent on network
 * a, db on b, web isolated), the sandbox's own policies and kept ones:
 * what a kept policy opens shows under its name, and isolation (a deny)
 * still beats it.
 */
START_TEST(test_kept_beside_own)
{
	static const char *const pods[] = {
		SANDBOXED("agent") " " NETWORK_LABEL_PREFIX "a=true",
		SANDBOXED("db") " " NETWORK_LABEL_PREFIX "b=true",
		SANDBOXED("web"), NULL };
	static const char *const policies[] = {
		"name=CiliumNetworkPolicy/open " ON("agent") " out ent=world",
		"name=NetworkPolicy/db " ON("db") " in pods=" SERVICE_LABEL
		"=agent ports=5432/TCP",
		"name=CiliumNetworkPolicy/web " ON("web") " out ent=world "
		"in ent=all", NULL };
	static const char *const names[] = { "agent", "db", "web" };
	struct buf got = BUF_INIT;
	struct allows al = { 0 };
	struct pair_reach r;
	struct dns_reach d;
	struct world w;
	size_t i;

	world_setup(&w, pods, policies);
	for (i = 0; i < w.sb.nr; i++) {
		free(w.sb.services[i].name);
		w.sb.services[i].name = xstrdup(names[i]);
	}
	strlist_add(&w.sb.services[0].networks, "a", 1);
	strlist_add(&w.sb.services[1].networks, "b", 1);
	w.sb.services[2].isolated = true;
	w.sb.uses_networks = true;
	w.sb.has_set[SET_RELEASE] = true;
	net_model_init(&w.net, &w.sb, &w.pts, &w.cps);

	/* The example: a kept policy opens the internet. */
	net_egress(&w.net, 0, &al);
	describe_allows(&got, &al);
	ck_assert_str_eq(got.data, "entity:world (CiliumNetworkPolicy/open)");
	allows_release(&al);
	buf_reset(&got);
	net_dns(&w.net, 0, &d);
	describe_dns(&got, &d);
	ck_assert_str_eq(got.data, "cluster lifted=world");
	dns_reach_release(&d);
	buf_reset(&got);

	/* No shared network: only the kept policy admits, on its port. */
	net_reach_between(&w.net, 0, 1, &r);
	describe_reach(&got, &r);
	ck_assert_str_eq(got.data, "5432/TCP kept=NetworkPolicy/db");
	ck_assert_uint_eq(r.networks.nr, 0);
	pair_reach_release(&r);
	buf_reset(&got);
	net_reach_between(&w.net, 1, 0, &r);
	describe_reach(&got, &r);
	ck_assert_str_eq(got.data, "none");
	pair_reach_release(&r);
	buf_reset(&got);

	/* Isolated: the kept allows change nothing. */
	net_egress(&w.net, 2, &al);
	ck_assert_uint_eq(al.nr, 0);
	allows_release(&al);
	net_dns(&w.net, 2, &d);
	describe_dns(&got, &d);
	ck_assert_str_eq(got.data, "");
	dns_reach_release(&d);
	for (i = 0; i < 2; i++) {
		net_reach_between(&w.net, i, 2, &r);
		ck_assert(!r.any);
		pair_reach_release(&r);
		net_reach_between(&w.net, 2, i, &r);
		ck_assert(!r.any);
		pair_reach_release(&r);
	}
	buf_release(&got);
	world_release(&w);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("neteval");
	TCase *tc = tcase_create("neteval");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_reach, 0, (int)ARRAY_SIZE(reach_cases));
	tcase_add_loop_test(tc, test_egress, 0,
			    (int)ARRAY_SIZE(egress_cases));
	tcase_add_loop_test(tc, test_dns, 0, (int)ARRAY_SIZE(dns_cases));
	tcase_add_test(tc, test_kept_beside_own);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
