/*
 * values — load and validate a --values file (see values.h).
 */
#include "values.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "templates.h"
#include "ynode.h"
#include "vocab.h"

/* The file being read, for messages ("values.yaml, line 3: ..."). */
struct values_ctx {
	struct settings *st;
	const char *name;
	struct fy_document *d;
	size_t errors;
};

__attribute__((format(printf, 4, 5)))
static void refuse(struct values_ctx *vc, struct fy_node *at,
		   const char *field, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (ynode_line(at))
		diag_error(NULL, "--values %s, line %zu: %s: %s", vc->name,
			   ynode_line(at), field, msg.data);
	else
		diag_error(NULL, "--values %s: %s: %s", vc->name, field,
			   msg.data);
	buf_release(&msg);
	vc->errors++;
}

/* A list of strings; fn validates one item and stores it. */
static void read_string_list(struct values_ctx *vc, struct fy_node *list,
			     const char *field,
			     bool (*valid)(const char *, size_t, const char **),
			     struct strlist *into)
{
	int i, n = ynode_count(list);

	if (ynode_is_null(list))
		return;
	if (!ynode_is_sequence(list)) {
		refuse(vc, list, field, "must be a list of strings");
		return;
	}
	for (i = 0; i < n; i++) {
		struct fy_node *item = ynode_at(list, i);
		const char *why, *s;
		size_t len;

		s = ynode_scalar(item, &len);
		if (!s) {
			refuse(vc, item, field, "item %d must be a string", i);
		} else if (!valid(s, len, &why)) {
			refuse(vc, item, field, "'%.*s%s' %s", diag_shown(len),
			       s, diag_cut(len), why);
		} else {
			strlist_add(into, s, len);
		}
	}
}

/* Append separator and the scalar's text, when the node is there. */
static void add_scalar(struct buf *b, const char *separator,
		       struct fy_node *n)
{
	size_t len;
	const char *s;

	if (!n)
		return;
	s = ynode_scalar(n, &len);
	if (separator)
		buf_adds(b, separator);
	buf_add(b, s, len);
}

static void read_domain_ports(struct values_ctx *vc, struct fy_node *list)
{
	struct egress *e = &vc->st->egress;
	int i, n = ynode_count(list);

	if (ynode_is_null(list))
		return;
	if (!ynode_is_sequence(list)) {
		refuse(vc, list, "allowDomainsPorts", "must be a list of "
		       "{port, protocol, domain}");
		return;
	}
	for (i = 0; i < n; i++) {
		struct fy_node *item = ynode_at(list, i);
		struct fy_node *port = ynode_get(item, "port");
		struct fy_node *proto = ynode_get(item, "protocol");
		struct fy_node *domain = ynode_get(item, "domain");
		struct buf spec = BUF_INIT;
		struct domain_port dp;
		const char *why, *dom;
		size_t dom_len;

		if (!ynode_is_mapping(item) || !ynode_is_scalar(port) ||
		    (proto && !ynode_is_scalar(proto)) ||
		    (domain && !ynode_is_scalar(domain)) ||
		    fy_node_mapping_item_count(item) !=
		    1 + (proto != NULL) + (domain != NULL)) {
			refuse(vc, item, "allowDomainsPorts", "item %d must "
			       "be a mapping with port and optionally "
			       "protocol and domain", i);
			continue;
		}
		/* One grammar, one set of rules: "PORT[/PROTO][@DOMAIN]". */
		add_scalar(&spec, NULL, port);
		add_scalar(&spec, "/", proto);
		add_scalar(&spec, "@", domain);
		if (!parse_domain_port(spec.data, spec.len, &dp.number,
				       &dp.protocol, &dom, &dom_len, &why)) {
			refuse(vc, item, "allowDomainsPorts", "'%.*s%s' %s",
			       diag_shown(spec.len), spec.data,
			       diag_cut(spec.len), why);
		} else {
			e->ports = xgrow(e->ports, sizeof(*e->ports),
					 e->nr_ports + 1, &e->alloc_ports);
			dp.domain = dom_len ? xmemdup0(dom, dom_len) : NULL;
			e->ports[e->nr_ports++] = dp;
		}
		buf_release(&spec);
	}
}

/*
 * allowIngressPorts, as METR's agent-env has it: [{port: "2222",
 * protocol: TCP}], protocol optional (TCP). Ports opened to anyone on the
 * services presented to Inspect (plan.c).
 */
static void read_ingress_ports(struct values_ctx *vc, struct fy_node *list)
{
	int i, n = ynode_count(list);

	if (ynode_is_null(list))
		return;
	if (!ynode_is_sequence(list)) {
		refuse(vc, list, "allowIngressPorts", "must be a list of "
		       "{port, protocol}");
		return;
	}
	for (i = 0; i < n; i++) {
		struct fy_node *item = ynode_at(list, i);
		struct fy_node *port = ynode_get(item, "port");
		struct fy_node *proto = ynode_get(item, "protocol");
		struct buf spec = BUF_INIT;
		enum protocol p;
		unsigned number;
		const char *why;

		if (!ynode_is_mapping(item) || !ynode_is_scalar(port) ||
		    (proto && !ynode_is_scalar(proto)) ||
		    fy_node_mapping_item_count(item) != 1 + (proto != NULL)) {
			refuse(vc, item, "allowIngressPorts", "item %d must "
			       "be a mapping with port and optionally "
			       "protocol, such as {port: \"2222\", protocol: "
			       "TCP}", i);
			continue;
		}
		/* One grammar, one set of rules: "PORT[/PROTOCOL]". */
		add_scalar(&spec, NULL, port);
		add_scalar(&spec, "/", proto);
		if (!parse_ingress_port(spec.data, spec.len, &number, &p,
					&why))
			refuse(vc, item, "allowIngressPorts", "'%.*s%s' %s",
			       diag_shown(spec.len), spec.data,
			       diag_cut(spec.len), why);
		else
			port_list_add(&vc->st->allow_ingress, number, p);
		buf_release(&spec);
	}
}

/*
 * Keys the sandbox relies on: the policies select pods by them, and
 * k8s_sandbox finds pods by them. Set release-wide, they could unselect
 * every pod (app.kubernetes.io/instance: other) or opt it out
 * (agentenv.io/inject: "false").
 */
bool is_reserved_key(const char *key, size_t len)
{
	static const char *const exact[] = { PRESENTED_LABEL,
		INSTANCE_LABEL };
	/* Helm's too: hook events and weights, Helm 4's file of a document. */
	static const char *const prefixes[] = { ANNOTATION_PREFIX,
		NETWORK_LABEL_PREFIX, "helm.sh/", "postrenderer.helm.sh/" };
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (len == strlen(exact[i]) && !memcmp(key, exact[i], len))
			return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (len >= strlen(prefixes[i]) &&
		    !memcmp(key, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * labels / annotations: a mapping of strings, rebuilt with every value
 * double-quoted so that "true" or "8080" stay strings in the output.
 */
static struct fy_node *read_string_map(struct values_ctx *vc,
				       struct fy_node *map, const char *field,
				       bool labels)
{
	struct fy_node *out;
	struct fy_node_pair *p;
	void *iter = NULL;

	if (ynode_is_null(map))
		return NULL;
	if (!ynode_is_mapping(map)) {
		refuse(vc, map, field, "must be a mapping of strings");
		return NULL;
	}
	out = fy_node_create_mapping(vc->d);
	if (!out)
		die("out of memory (values)");
	while ((p = fy_node_mapping_iterate(map, &iter))) {
		size_t klen, vlen;
		const char *key = ynode_scalar(fy_node_pair_key(p), &klen);
		const char *value = ynode_scalar(fy_node_pair_value(p), &vlen);
		const char *why;
		char *k, *v;

		if (!key || !value) {
			refuse(vc, fy_node_pair_key(p), field, "must map "
			       "strings to strings");
			continue;
		}
		if (!valid_label_key(key, klen, &why)) {
			refuse(vc, fy_node_pair_key(p), field,
			       "key '%.*s%s' %s", diag_shown(klen), key,
			       diag_cut(klen), why);
			continue;
		}
		if (is_reserved_key(key, klen)) {
			refuse(vc, fy_node_pair_key(p), field,
			       "key '%.*s%s' is the sandbox's own (or "
			       "Helm's): set on every pod, it could take "
			       "pods out of the policies or out of the "
			       "sandbox, or change how Helm runs them; "
			       "remove it (agentenv.io/ annotations belong "
			       "on the chart's workloads)", diag_shown(klen),
			       key, diag_cut(klen));
			continue;
		}
		if (labels && !valid_label_value(value, vlen, &why)) {
			refuse(vc, fy_node_pair_value(p), field, "value "
			       "'%.*s%s' %s", diag_shown(vlen), value,
			       diag_cut(vlen), why);
			continue;
		}
		k = xmemdup0(key, klen);
		v = xmemdup0(value, vlen);
		ynode_set(out, k, ynode_quoted(vc->d, v));
		free(k);
		free(v);
	}
	return out;
}

static bool valid_any_string(const char *s, size_t n, const char **why)
{
	(void)s;
	if (n)
		return true;
	*why = "is empty: give a value";
	return false;
}

static struct fy_node *read_image(struct values_ctx *vc, struct fy_node *v)
{
	size_t len;
	const char *s = ynode_scalar(v, &len);
	struct fy_node *n;
	char *image;
	size_t i;

	if (!s || !len) {
		refuse(vc, v, "corednsImage", "must be an image reference "
		       "such as coredns/coredns:1.14.6@sha256:...");
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (s[i] <= ' ' || s[i] == '#' || (unsigned char)s[i] >= 0x7f) {
			refuse(vc, v, "corednsImage", "'%.*s%s' is not an "
			       "image reference: no spaces or '#'",
			       diag_shown(len), s, diag_cut(len));
			return NULL;
		}
	}
	image = xmemdup0(s, len);
	n = ynode_quoted(vc->d, image);
	free(image);
	return n;
}

static struct fy_node *read_command(struct values_ctx *vc, struct fy_node *v)
{
	struct strlist items = { 0 };
	struct fy_node *seq;
	size_t i;

	read_string_list(vc, v, "corednsCommand", valid_any_string, &items);
	if (!ynode_is_sequence(v) || !items.nr ||
	    items.nr != (size_t)ynode_count(v)) {
		if (ynode_is_sequence(v) && !ynode_count(v))
			refuse(vc, v, "corednsCommand", "must not be empty");
		strlist_release(&items);
		return NULL;
	}
	seq = fy_node_create_sequence(vc->d);
	for (i = 0; i < items.nr; i++)
		ynode_append(seq, ynode_quoted(vc->d, items.items[i]));
	strlist_release(&items);
	return seq;
}

static struct fy_node *read_pull_secrets(struct values_ctx *vc,
					 struct fy_node *v)
{
	int i, n = ynode_count(v);

	if (!ynode_is_sequence(v)) {
		refuse(vc, v, "imagePullSecrets", "must be a list of {name: "
		       "SECRET}");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		struct fy_node *item = ynode_at(v, i);
		size_t len;
		const char *name = ynode_scalar(ynode_get(item, "name"), &len);
		const char *why;

		if (!name || fy_node_mapping_item_count(item) != 1 ||
		    !valid_runtime_class(name, len, &why)) {
			refuse(vc, item, "imagePullSecrets", "item %d must be "
			       "{name: SECRET} with a Secret's name", i);
			return NULL;
		}
	}
	return v;
}

/* agent-env keys that describe the chart: they belong in its templates. */
static const char *const chart_keys[] = {
	"services", "volumes", "networks", "additionalResources", "global",
	"automountServiceAccountToken", "serviceAccountCreate",
	"serviceAccountName",
};

/*
 * Put a node we built (a cleaned-up copy of the value) in the value's
 * place, so that the values document owns it and frees it; NULL: none.
 */
static struct fy_node *own(struct fy_node_pair *p, struct fy_node *built)
{
	if (built && fy_node_pair_set_value(p, built))
		die("cannot store a --values setting");
	return built;
}

static void read_key(struct values_ctx *vc, const char *key,
		     struct fy_node_pair *p)
{
	struct settings *st = vc->st;
	struct fy_node *v = fy_node_pair_value(p);
	struct fy_node *key_node = fy_node_pair_key(p);
	size_t i;

	if (!strcmp(key, "allowDomains")) {
		read_string_list(vc, v, key, valid_domain, &st->egress.domains);
	} else if (!strcmp(key, "allowDomainsPorts")) {
		read_domain_ports(vc, v);
	} else if (!strcmp(key, "allowCIDR")) {
		read_string_list(vc, v, key, valid_cidr, &st->egress.cidrs);
	} else if (!strcmp(key, "allowEntities")) {
		read_string_list(vc, v, key, valid_entity,
				 &st->egress.entities);
	} else if (!strcmp(key, "allowIngressPorts")) {
		read_ingress_ports(vc, v);
	} else if (!strcmp(key, "labels")) {
		st->labels = own(p, read_string_map(vc, v, key, true));
		st->label_pairs = ynode_string_pairs(st->labels,
						     &st->label_pairs_nr);
	} else if (!strcmp(key, "annotations")) {
		st->annotations = own(p, read_string_map(vc, v, key, false));
	} else if (!strcmp(key, "corednsImage")) {
		st->coredns_image = own(p, read_image(vc, v));
	} else if (!strcmp(key, "corednsCommand")) {
		st->coredns_command = own(p, read_command(vc, v));
	} else if (!strcmp(key, "corednsSecurityContext")) {
		if (ynode_is_mapping(v))
			st->coredns_security_context = v;
		else
			refuse(vc, v, key, "must be a mapping (a container "
			       "securityContext)");
	} else if (!strcmp(key, "imagePullSecrets")) {
		st->image_pull_secrets = read_pull_secrets(vc, v);
	} else {
		for (i = 0; i < sizeof(chart_keys) / sizeof(chart_keys[0]); i++)
			if (!strcmp(key, chart_keys[i]))
				break;
		if (i < sizeof(chart_keys) / sizeof(chart_keys[0]))
			refuse(vc, key_node, key, "describes the chart, not "
			       "the sandbox: write it in the chart's "
			       "templates (with agentenv.io/ annotations "
			       "on the workloads)");
		else
			refuse(vc, key_node, key, "unknown key: use "
			       "allowDomains, allowDomainsPorts, allowCIDR, "
			       "allowEntities, allowIngressPorts, "
			       "annotations, labels, "
			       "corednsImage, corednsCommand, "
			       "corednsSecurityContext or imagePullSecrets");
	}
}

static void report_yaml_error(void *data, int line, int column,
			      const char *message)
{
	struct values_ctx *vc = data;

	diag_error(NULL, "--values %s, line %d: not valid YAML: %s (column "
		   "%d)", vc->name, line, message, column);
}

bool values_load_text(struct settings *st, const char *text, size_t len,
		      const char *name)
{
	struct fy_parse_cfg cfg = {
		.flags = YNODE_PARSE_FLAGS,
	};
	struct values_ctx vc = { st, name, NULL, 0 };
	struct fy_node *root;
	struct fy_node_pair *p;
	void *iter = NULL;
	size_t seen = 0;

	if (ynode_text_is_empty(text, len))
		return true;	/* no settings */
	cfg.diag = ynode_collecting_diag();
	/* The document keeps pointing into its text: give it a copy. */
	vc.d = fy_document_build_from_malloc_string(&cfg, xmemdup0(text, len),
						    len);
	if (!vc.d) {
		if (!ynode_report_errors(cfg.diag, &seen, report_yaml_error,
					 &vc))
			diag_error(NULL, "--values %s: not valid YAML", name);
		fy_diag_destroy(cfg.diag);
		return false;
	}
	fy_diag_destroy(cfg.diag);
	st->values_doc = vc.d;
	root = fy_document_root(vc.d);
	if (ynode_is_null(root))
		return true;
	if (!ynode_is_mapping(root)) {
		refuse(&vc, root, "(top level)", "must be a mapping of "
		       "settings such as allowDomains");
		return false;
	}
	while ((p = fy_node_mapping_iterate(root, &iter))) {
		char *key = ynode_strdup(fy_node_pair_key(p));

		if (!key) {
			refuse(&vc, fy_node_pair_key(p), "(key)",
			       "must be a string");
			continue;
		}
		read_key(&vc, key, p);
		free(key);
	}
	return vc.errors == 0;
}

bool values_load(struct settings *st, const char *path)
{
	struct buf text = BUF_INIT;
	char chunk[65536];
	FILE *f = fopen(path, "r");
	size_t n;
	bool ok;

	if (!f) {
		diag_error(NULL, "--values %s: cannot open: %s", path,
			   strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_add(&text, chunk, n);
		if (text.len > ((size_t)16 << 20)) {
			diag_error(NULL, "--values %s: larger than 16 MiB",
				   path);
			fclose(f);
			buf_release(&text);
			return false;
		}
	}
	if (ferror(f)) {
		diag_error(NULL, "--values %s: cannot read: %s", path,
			   strerror(errno));
		fclose(f);
		buf_release(&text);
		return false;
	}
	fclose(f);
	ok = values_load_text(st, text.data, text.len, path);
	buf_release(&text);
	return ok;
}

/* Set each "KEY=VALUE" of pairs in root[field]; returns that mapping. */
static struct fy_node *add_pairs(struct fy_node *root, const char *field,
				 struct fy_node *map,
				 const struct strlist *pairs)
{
	struct fy_document *d = fy_node_document(root);
	size_t i;

	if (!pairs->nr)
		return map;
	if (!map)
		map = ynode_want_mapping(root, field);
	if (!map)
		BUG("--values %s is neither a mapping nor refused", field);
	for (i = 0; i < pairs->nr; i++) {
		char *key = xstrdup(pairs->items[i]);
		char *eq = strchr(key, '=');

		if (!eq)
			BUG("option pair '%s' without '='", key);
		*eq = '\0';
		ynode_set(map, key, ynode_quoted(d, eq + 1));
		free(key);
	}
	return map;
}

void values_add_options(struct settings *st)
{
	struct fy_node *root;

	if (!st->option_annotations.nr && !st->option_labels.nr &&
	    !st->option_coredns_image &&
	    st->sidecar_security == SIDECAR_SECURITY_UNSET)
		return;
	if (diag_error_count())
		return;		/* --values was refused: exit 1 follows */
	if (!st->values_doc) {
		st->values_doc = fy_document_create(NULL);
		if (!st->values_doc)
			die("out of memory (values)");
	}
	root = fy_document_root(st->values_doc);
	if (!root) {
		root = fy_node_create_mapping(st->values_doc);
		if (!root || fy_document_set_root(st->values_doc, root))
			die("out of memory (values)");
	}
	if (!ynode_is_mapping(root))
		BUG("--values root is neither a mapping nor refused");
	st->annotations = add_pairs(root, "annotations", st->annotations,
				    &st->option_annotations);
	st->labels = add_pairs(root, "labels", st->labels,
			       &st->option_labels);
	if (st->option_labels.nr) {	/* the copy values_load made is stale */
		if (st->label_pairs)
			ynode_free_pairs(st->label_pairs, st->label_pairs_nr);
		st->label_pairs = ynode_string_pairs(st->labels,
						     &st->label_pairs_nr);
	}
	if (st->option_coredns_image) {
		ynode_set(root, "corednsImage",
			  ynode_quoted(st->values_doc,
				       st->option_coredns_image));
		st->coredns_image = ynode_get(root, "corednsImage");
	}
	/* --sidecar-security: nonroot is the sidecar template's own. */
	if (st->sidecar_security == SIDECAR_SECURITY_NONROOT) {
		ynode_remove(root, "corednsSecurityContext");
		st->coredns_security_context = NULL;
	} else if (st->sidecar_security == SIDECAR_SECURITY_ROOT_NET_BIND) {
		ynode_set(root, "corednsSecurityContext",
			  ynode_from_yaml(st->values_doc,
				template_sidecar_security_root_net_bind));
		st->coredns_security_context =
			ynode_get(root, "corednsSecurityContext");
	}
}
