/*
 * stream — split a manifest stream into documents, parse them, write them
 * back (see stream.h for the invariants).
 */
#include "stream.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lists.h"
#include "utf8.h"
#include "vocab.h"
#include "ynode.h"

void stream_init(struct stream *s)
{
	memset(s, 0, sizeof(*s));
}

/* The block of o's identity strings: the first of them (see read_identity). */
static char *identity_block(const struct object *o)
{
	return o->api_version ? o->api_version : o->kind ? o->kind :
	       o->name ? o->name : o->namespace;
}

static void object_release(struct object *o)
{
	free(identity_block(o));
	if (o->selector)
		ynode_free_pairs(o->selector, o->selector_nr);
}

static void doc_release(struct doc *d)
{
	size_t i;

	doc_unload(d);
	free(d->text);
	free(d->hook_events);
	free(d->hook_unknown);
	if (d->objects != &d->self) {	/* a list's items */
		for (i = 0; i < d->nr_objects; i++)
			object_release(&d->objects[i]);
		free(d->objects);
	}
	object_release(&d->self);
}

void stream_release(struct stream *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		doc_release(&s->docs[i]);
	free(s->docs);
	free(s->input);
	if (s->parser[0])
		fy_parser_destroy(s->parser[0]);
	if (s->parser[1])
		fy_parser_destroy(s->parser[1]);
	if (s->diag)
		fy_diag_destroy(s->diag);
	stream_init(s);
}

static struct doc *new_doc(struct stream *s)
{
	struct doc *d;

	if (s->nr >= STREAM_MAX_DOCUMENTS)
		return NULL;
	s->docs = xgrow(s->docs, sizeof(*s->docs), s->nr + 1, &s->alloc);
	d = &s->docs[s->nr++];
	memset(d, 0, sizeof(*d));
	d->where.doc = s->nr;
	return d;
}

/* A "---" line: three dashes at column 0, then end of line or blank. */
static bool is_document_start(const char *p, const char *end)
{
	if (end - p < 3 || memcmp(p, "---", 3))
		return false;
	p += 3;
	return p == end || *p == '\n' || *p == '\r' || *p == ' ' || *p == '\t';
}

/* The line before p (p starts a line after start) is "...". */
static bool follows_document_end(const char *start, const char *p)
{
	const char *q = p - 1;	/* the '\n' ending the previous line */

	while (q > start && q[-1] != '\n')
		q--;
	if (p - q < 4 || memcmp(q, "...", 3))
		return false;
	q += 3;
	while (q < p && (*q == ' ' || *q == '\t' || *q == '\r'))
		q++;
	return q == p - 1 || (q < p && *q == '#');
}

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

static void report_one(void *data, int line, int column, const char *msg)
{
	struct doc *d = data;
	struct where w = d->where;

	w.line = d->where.line + (size_t)(line > 1 ? line - 1 : 0);
	diag_error(&w, "not valid YAML: %s (column %d)", msg, column);
}

/*
 * One fy_diag for the whole stream collects libfyaml's parse errors so
 * they are reported through diag, with the stream's line numbers. Returns
 * how many the last parse collected.
 */
static size_t report_parse_errors(struct stream *s, struct doc *d)
{
	return ynode_report_errors(s->diag, &s->diag_seen, report_one, d);
}

/*
 * A field that must be a string: its text (*len bytes), or NULL when
 * absent (or refused).
 */
static const char *string_field(struct doc *d, const struct where *at,
				struct fy_node *n, const char *field,
				size_t *len)
{
	struct where w = *at;

	if (!n)
		return NULL;
	if (ynode_is_string(n))
		return ynode_scalar(n, len);
	w.line = doc_line(d, n);
	diag_error(&w, "%s: must be a string (quote a value that reads as a "
		   "number, boolean or null; no NUL characters)", field);
	return NULL;
}

/* A headless Service's selector, kept to match pods against later. */
static void record_headless_selector(struct object *o, struct fy_node *node)
{
	struct fy_node *selector = ynode_path(node, "/spec/selector");

	if (!ynode_is(ynode_path(node, "/spec/clusterIP"), "None"))
		return;
	o->cluster_ip_none = true;
	if (!ynode_is_mapping(selector))
		return;
	o->selector = ynode_string_pairs(selector, &o->selector_nr);
	o->headless = o->selector_nr > 0;
}

/*
 * Object o's apiVersion, kind, name and namespace, checked (messages at
 * o->where), copied into one block; o->where gets its kind and name for
 * the messages that follow.
 */
static void read_identity(struct doc *d, struct object *o,
			  struct fy_node *node)
{
	struct where *w = &o->where;
	const char *text[4];
	char **field[4] = { &o->api_version, &o->kind, &o->name,
			    &o->namespace };
	size_t len[4] = { 0 }, bytes = 0, i;
	char *block;

	text[0] = string_field(d, w, ynode_get(node, "apiVersion"),
			       "apiVersion", &len[0]);
	text[1] = string_field(d, w, ynode_get(node, "kind"), "kind",
			       &len[1]);
	text[2] = string_field(d, w, ynode_path(node, "/metadata/name"),
			       "metadata.name", &len[2]);
	text[3] = string_field(d, w, ynode_path(node, "/metadata/namespace"),
			       "metadata.namespace", &len[3]);
	for (i = 0; i < 4; i++)
		bytes += text[i] ? len[i] + 1 : 0;
	block = bytes ? xmalloc(bytes) : NULL;
	for (i = 0; i < 4; i++) {
		*field[i] = NULL;
		if (!text[i])
			continue;
		memcpy(block, text[i], len[i]);
		block[len[i]] = '\0';
		*field[i] = block;
		block += len[i] + 1;
	}
	w->kind = o->kind;
	w->name = o->name;
	/* (A kind that is there but not a string was reported above.) */
	if (o->kind ? !*o->kind : !ynode_get(node, "kind"))
		diag_error(w, "kind: missing: every Kubernetes object needs a "
			   "kind such as Deployment");
	if (o->api_version ? !*o->api_version :
	    !ynode_get(node, "apiVersion"))
		diag_error(w, "apiVersion: missing: every Kubernetes object "
			   "needs one, such as apps/v1");
}

/*
 * In a list, what Helm 3 and Helm 4 make of an object differs: Helm 3
 * sorts hooks by the document's own annotations (a hook on an item is
 * created as an ordinary object, a hook on the list makes every item a
 * hook), Helm 4 unwraps a list only when it is alone in its template file
 * and then reads the items' annotations. Which objects are hooks, and
 * when they are created, must not depend on that: refused.
 */
static void refuse_hook_in_list(struct doc *d, const struct where *w,
				struct fy_node *node)
{
	struct fy_node *annotations = ynode_path(node, "/metadata/annotations");
	struct fy_node_pair *p;
	void *iter = NULL;

	while (ynode_is_mapping(annotations) &&
	       (p = fy_node_mapping_iterate(annotations, &iter))) {
		size_t len;
		const char *k = ynode_scalar(fy_node_pair_key(p), &len);
		struct where at = *w;

		if (!k || len < strlen(HELM_HOOK_ANNOTATION) ||
		    memcmp(k, HELM_HOOK_ANNOTATION,
			   strlen(HELM_HOOK_ANNOTATION)))
			continue;
		at.line = doc_line(d, fy_node_pair_key(p));
		diag_error(&at, "metadata.annotations[\"%.*s%s\"]: a Helm "
			   "hook %s a list (a document with items): Helm 3 "
			   "and Helm 4 disagree on which objects it makes "
			   "hooks, so the sandbox could be created at another "
			   "time than its pods: put the hook in a document of "
			   "its own", diag_shown(len), k, diag_cut(len),
			   w->item ? "inside" : "on");
		return;
	}
}

/* Record node (d's root, or item item of its list) as an object of d. */
static void add_object(struct doc *d, struct fy_node *node, size_t item)
{
	struct object *o;
	struct where w = d->where;
	struct fy_node *labels;

	w.item = item;
	w.line = doc_line(d, node);
	if (!ynode_is_mapping(node)) {
		w.kind = w.name = NULL;
		diag_error(&w, "is a %s, not a Kubernetes object: each item "
			   "of a list must be a mapping with apiVersion and "
			   "kind", ynode_is_sequence(node) ? "sequence" :
			   "scalar");
		return;
	}
	if (item) {
		o = &d->objects[d->nr_objects++];  /* (room made by caller) */
		memset(o, 0, sizeof(*o));
		o->where = w;
		read_identity(d, o, node);
	} else {	/* the document itself: read (and checked) once */
		o = &d->self;
		o->where.line = w.line;
		d->objects = o;
		d->nr_objects = 1;
	}
	labels = ynode_path(node, "/metadata/labels");
	o->stale = ynode_is(ynode_get(labels, GENERATED_LABEL), "true");
	if (item) {
		refuse_hook_in_list(d, &o->where, node);
		if (ynode_has_key(node, "items"))
			diag_error(&o->where, "items: a list inside a list: "
				   "Helm's client refuses it; make each item "
				   "a document of its own");
		if (o->stale)
			diag_error(&o->where, "metadata.labels[\""
				   GENERATED_LABEL "\"]: only the objects "
				   "agentenv-post generates carry it, never in "
				   "a list: remove it");
	}
	if (o->kind && !strcmp(o->kind, "Service"))
		record_headless_selector(o, node);
}

/* List, or a kind's list (ConfigMapList, CiliumNetworkPolicyList, ...). */
static bool is_list_kind(const char *kind)
{
	size_t len = kind ? strlen(kind) : 0;

	return len >= 4 && !strcmp(kind + len - 4, "List");
}

/*
 * Any object with an "items" field is a list to Kubernetes' decoder
 * (apimachinery's unstructured scheme: whatever the kind), which Helm's
 * client flattens into its items. An "items" that is no list of objects
 * makes the decoder fail or, null, an empty list: refused, but for an
 * empty list. A list must say it is one (kind List or KindList): a
 * Deployment with items is not created, its items are.
 */
static void add_list_items(struct doc *d, struct fy_node *root)
{
	struct fy_node *items = ynode_get(root, "items");
	struct where w = d->where;
	int i, n;

	d->list = true;
	refuse_hook_in_list(d, &d->where, root);
	if (!is_list_kind(d->self.kind))
		diag_error(&d->where, "items: Kubernetes reads any object with "
			   "an items field as a list, whatever its kind: it "
			   "would create the items and not this %s; use kind: "
			   "List for a list, or rename the field",
			   d->self.kind ? d->self.kind : "object");
	if (ynode_is_null(items) && is_list_kind(d->self.kind))
		return;
	if (!ynode_is_sequence(items)) {
		w.line = doc_line(d, items);
		diag_error(&w, "items: Kubernetes reads any object with an "
			   "items field as a list of the objects to create "
			   "(whatever its kind), so it must be a list of "
			   "objects; rename the field if it is not one");
		return;
	}
	n = ynode_count(items);
	d->objects = xcalloc((size_t)n + 1, sizeof(*d->objects));
	for (i = 0; i < n; i++)
		add_object(d, ynode_at(items, i), (size_t)i + 1);
}

struct fy_node *doc_object_node(const struct doc *d, size_t i)
{
	struct fy_node *root = fy_document_root(d->fyd);

	if (!d->list)
		return root;
	return ynode_at(ynode_get(root, "items"),
			(int)d->objects[i].where.item - 1);
}

/*
 * A hook weight as Helm reads it (strconv.Atoi: an optional sign, then
 * decimal digits, leading zeros allowed, within 64 bits); anything else
 * is weight 0 to Helm, so it is 0 here too.
 */
static long long hook_weight_parse(const char *s)
{
	bool negative = *s == '-';
	unsigned long long value = 0, limit;

	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	limit = negative ? (unsigned long long)LLONG_MAX + 1 :
		(unsigned long long)LLONG_MAX;
	for (; *s; s++) {
		unsigned digit = (unsigned)(*s - '0');

		if (*s < '0' || *s > '9' || value > (limit - digit) / 10)
			return 0;
		value = value * 10 + digit;
	}
	if (negative)
		return value == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		       -(long long)value;
	return (long long)value;
}

/*
 * Helm's hook events (its manifest sorter's table): each item of the
 * annotation is trimmed and lower-cased, and one Helm does not know makes
 * it skip the whole object ("skipping unknown hook").
 */
static const char *const hook_events[][2] = {
	{ "pre-install", "pre-install" }, { "post-install", "post-install" },
	{ "pre-delete", "pre-delete" }, { "post-delete", "post-delete" },
	{ "pre-upgrade", "pre-upgrade" }, { "post-upgrade", "post-upgrade" },
	{ "pre-rollback", "pre-rollback" },
	{ "post-rollback", "post-rollback" }, { "test", "test" },
	{ "test-success", "test" },	/* Helm 2's name for it */
};

static const char *known_hook_event(const char *item, size_t len)
{
	size_t i, j;

	for (i = 0; i < sizeof(hook_events) / sizeof(hook_events[0]); i++) {
		const char *name = hook_events[i][0];

		for (j = 0; j < len && name[j] &&
		     (item[j] | 0x20) == name[j]; j++)
			;
		if (j == len && !name[j])
			return hook_events[i][1];
	}
	return NULL;
}

/*
 * The document's helm.sh/hook, as Helm reads it, kept in its canonical
 * form ("pre-install,test"). With an event Helm does not know (Helm 2's
 * crd-install, a typo), Helm skips the whole object: d->hook_unknown
 * names the event, and the object gives the sandbox's hook objects no
 * events (they would be skipped with it); plan.c refuses pods in it,
 * which other tools would still create.
 */
static void read_hook_events(struct doc *d, struct fy_node *n)
{
	struct buf events = BUF_INIT;
	size_t len = 0;
	const char *text = ynode_scalar(n, &len), *end, *p;

	d->hook = n != NULL;
	if (!n)
		return;
	buf_adds(&events, "");
	if (!text) {
		diag_error(&d->where, "metadata.annotations[\""
			   HELM_HOOK_ANNOTATION "\"]: must be a string of hook "
			   "events such as pre-install");
		text = "";
	}
	end = text + len;
	for (p = text; p <= end; p++) {
		const char *item = p, *event;

		while (p < end && *p != ',')
			p++;
		len = (size_t)(p - item);
		while (len && (*item == ' ' || *item == '\t')) {
			item++;
			len--;
		}
		while (len && (item[len - 1] == ' ' || item[len - 1] == '\t'))
			len--;
		event = known_hook_event(item, len);
		if (!event) {
			if (!d->hook_unknown)
				d->hook_unknown = xmemdup0(item, len);
			continue;
		}
		if (!list_has(events.data, event)) {
			if (events.len)
				buf_addch(&events, ',');
			buf_adds(&events, event);
		}
	}
	d->hook_events = buf_detach(&events, NULL);
}

/* The document's helm.sh/hook-weight, as Helm reads it. */
static void read_hook_weight(struct doc *d, struct fy_node *annotations)
{
	struct fy_node *n = ynode_get(annotations, HELM_HOOK_WEIGHT_ANNOTATION);
	struct where w = d->where;
	char *text = ynode_strdup(n);

	d->hook_weight = text ? hook_weight_parse(text) : 0;
	free(text);
	if (d->hook_weight >= LLONG_MIN + HOOK_WEIGHT_BEFORE)
		return;
	w.line = doc_line(d, n);
	diag_error(&w, "metadata.annotations[\"" HELM_HOOK_WEIGHT_ANNOTATION
		   "\"]: %lld leaves no room for the sandbox's objects, which "
		   "must be created before the hook's pods: use a weight above "
		   "%lld", d->hook_weight, LLONG_MIN + HOOK_WEIGHT_BEFORE - 1);
}

/* Fill in kind, name, ... and check the document is a Kubernetes object. */
static void describe(struct stream *s, struct doc *d)
{
	struct fy_node *root = fy_document_root(d->fyd);
	struct fy_node *labels, *annotations, *alias = NULL;

	if (ynode_is_null(root)) {	/* an empty document: kept as is */
		fy_document_destroy(d->fyd);
		d->fyd = NULL;
		return;
	}
	if (!ynode_is_mapping(root)) {
		diag_error(&d->where, "is a %s, not a Kubernetes object: a "
			   "document must be a mapping with apiVersion and "
			   "kind", ynode_is_sequence(root) ? "sequence" :
			   "scalar");
		return;
	}
	d->self.where = d->where;
	read_identity(d, &d->self, root);
	d->where.kind = d->self.kind;
	d->where.name = d->self.name;
	/*
	 * Kubernetes' reader expands anchors, aliases and merge keys; what
	 * it creates would not be what was checked (a container list, an
	 * annotation, a whole pod spec can come from elsewhere).
	 */
	if (ynode_has_alias(root, &alias)) {
		struct where w = d->where;

		w.line = doc_line(d, alias);
		diag_error(&w, "YAML anchors, aliases and merge keys (<<) are "
			   "not accepted anywhere in the stream: Kubernetes "
			   "expands them, so what it creates would not be "
			   "what was checked; write the values out");
		return;
	}
	annotations = doc_metadata(d, "annotations");
	labels = doc_metadata(d, "labels");
	read_hook_events(d, ynode_get(annotations, HELM_HOOK_ANNOTATION));
	read_hook_weight(d, annotations);
	d->stale = ynode_is(ynode_get(labels, GENERATED_LABEL), "true");
	if (ynode_get(annotations, HELM4_FILENAME_ANNOTATION))
		s->helm4 = true;
	if (ynode_has_key(root, "items"))
		add_list_items(d, root);
	else
		add_object(d, root, 0);
	d->valid = d->self.kind && *d->self.kind && d->self.api_version &&
		   *d->self.api_version;
}

static bool is_empty(const struct doc *d)
{
	return ynode_text_is_empty(d->raw, d->raw_len);
}

/*
 * The stream's parsers, made once and reset between documents (a parser
 * set up per document costs more than many a document's parse). A
 * document reloaded for editing was already checked for duplicate keys:
 * its parser allows them, which spares libfyaml a scan of the whole
 * mapping on every key we add.
 */
static struct fy_parser *stream_parser(struct stream *s, bool reload)
{
	struct fy_parse_cfg cfg = {
		.flags = YNODE_PARSE_FLAGS |
			 (reload ? FYPCF_ALLOW_DUPLICATE_KEYS : 0),
	};

	if (!s->diag)
		s->diag = ynode_collecting_diag();
	if (!s->parser[reload]) {
		cfg.diag = s->diag;
		s->parser[reload] = fy_parser_create(&cfg);
		if (!s->parser[reload])
			die("out of memory (YAML parser)");
	}
	return s->parser[reload];
}

/*
 * d's text parsed into a document, or NULL. The whole text is parsed: a
 * second document in it (which the splitter would have missed) is
 * refused, and errors after the first document are collected, so that a
 * document is good only when all of its text is.
 */
static struct fy_document *parse_text(struct stream *s, struct doc *d,
				      bool reload)
{
	struct fy_parser *fyp = stream_parser(s, reload);
	struct fy_document *fyd, *more = NULL;

	if (fy_parser_set_string(fyp, d->raw, d->raw_len))
		die("out of memory (YAML parser input)");
	fyd = fy_parse_load_document(fyp);
	if (fyd)
		more = fy_parse_load_document(fyp);
	if (more) {
		fy_document_destroy(more);
		if (!reload)
			diag_error(&d->where, "holds a second YAML document "
				   "that does not start a line of its own (a "
				   "\"---\" after a lone carriage return, NEL "
				   "or line separator?): end lines with "
				   "\"\\n\" and start every document with a "
				   "\"---\" line");
		fy_document_destroy(fyd);
		fyd = NULL;
	}
	/*
	 * libfyaml 0.7.12 frees twice when a parser that met an error is
	 * reset and used again (golden/bad-yaml): once any error was seen,
	 * a new parser for every document (refused input only).
	 */
	if (fyd && !fy_parser_get_stream_error(fyp) &&
	    !fy_diag_got_error(s->diag)) {
		fy_parser_reset(fyp);
	} else {
		fy_parser_destroy(fyp);
		s->parser[reload] = NULL;
	}
	return fyd;
}

bool doc_load(struct stream *s, struct doc *d)
{
	size_t errors, errors_before = diag_error_count();

	if (d->fyd)
		return d->valid;
	if (d->described && !d->valid)
		return false;
	if (!d->raw || is_empty(d)) {
		d->described = true;
		return false;
	}
	d->fyd = parse_text(s, d, d->described);
	if (d->described)
		return d->fyd != NULL;
	d->described = true;
	errors = report_parse_errors(s, d);
	if (!errors && !d->fyd && diag_error_count() == errors_before)
		diag_error(&d->where, "not valid YAML");
	if (errors || !d->fyd) {
		doc_unload(d);
		return false;
	}
	describe(s, d);
	if (!d->valid)
		doc_unload(d);
	return d->valid;
}

void doc_unload(struct doc *d)
{
	if (d->fyd)
		fy_document_destroy(d->fyd);
	d->fyd = NULL;
}

/*
 * The stream must be UTF-8 text before libfyaml sees any of it (0.7.12
 * loops forever on some invalid bytes, and accepts overlong forms).
 */
static bool check_text(const char *input, size_t len)
{
	const char *nul = memchr(input, '\0', len);
	size_t bad, line = 1, column = 1, i;

	if (valid_utf8(input, len, &bad) && !nul)
		return true;
	if (nul && (valid_utf8(input, len, &bad) ||
		    (size_t)(nul - input) < bad))
		bad = (size_t)(nul - input);
	for (i = 0; i < bad; i++) {
		if (input[i] == '\n') {
			line++;
			column = 1;
		} else if (((unsigned char)input[i] & 0xc0) != 0x80) {
			column++;
		}
	}
	diag_error(NULL, "line %zu, column %zu: the input is not UTF-8 "
		   "text (byte 0x%02x%s): a manifest stream is UTF-8 without "
		   "NUL bytes", line, column, (unsigned char)input[bad],
		   input[bad] ? "" : ", a NUL byte");
	return false;
}

void stream_split(struct stream *s, char *input, size_t len)
{
	const char *p, *end, *start;
	size_t line = 1, start_line = 1;

	s->input = input;
	s->input_len = len;
	if (!check_text(input, len))
		return;	/* nothing of it is parsed */
	p = start = input;
	end = input + len;
	while (p < end) {
		const char *eol = next_line(p, end);

		/*
		 * A document starts at a "---" line, and after a "..." line
		 * (a document may follow "..." without "---": it must not
		 * hide inside the previous one, unseen and unsandboxed).
		 */
		if (end - p >= 3 && !memcmp(p, "---", 3) &&
		    !is_document_start(p, end)) {
			/*
			 * Not a document start for YAML ("---" must be
			 * followed by a blank), but one for Kubernetes'
			 * YAMLReader ("---#...") and Helm 4's kio (any
			 * "---" line): what follows would be a document we
			 * never read.
			 */
			diag_error(NULL, "line %zu: starts with \"---\" but "
				   "is no document start for YAML, while "
				   "Kubernetes and Helm split the stream there: "
				   "put a space or the end of the line after "
				   "\"---\"", line);
		}
		if (p != start && (is_document_start(p, end) ||
				   follows_document_end(start, p))) {
			struct doc *d = new_doc(s);

			if (!d)
				break;
			d->raw = start;
			d->raw_len = (size_t)(p - start);
			d->where.line = start_line;
			start = p;
			start_line = line;
		}
		p = eol;
		line++;
	}
	if (s->nr >= STREAM_MAX_DOCUMENTS) {
		diag_error(NULL, "the input holds more than %d documents, "
			   "the most one run accepts", STREAM_MAX_DOCUMENTS);
	} else if (start < end) {
		struct doc *d = new_doc(s);

		d->raw = start;
		d->raw_len = (size_t)(end - start);
		d->where.line = start_line;
	}
	/* The array grew by doubling: give back what no document uses. */
	if (s->nr && s->nr < s->alloc) {
		s->docs = xrealloc(s->docs, s->nr * sizeof(*s->docs));
		s->alloc = s->nr;
	}
}

size_t stream_parse(struct stream *s, char *input, size_t len)
{
	size_t errors_before = diag_error_count();
	size_t i;

	stream_split(s, input, len);
	for (i = 0; i < s->nr; i++)
		doc_load(s, &s->docs[i]);
	return diag_error_count() - errors_before;
}

size_t doc_line(const struct doc *d, struct fy_node *n)
{
	size_t line = ynode_line(n);

	return line ? d->where.line + line - 1 : d->where.line;
}

size_t object_line(const struct where *w, struct fy_node *object,
		   struct fy_node *n)
{
	size_t base = ynode_line(object), line = ynode_line(n);

	if (!w->line || !base || !line || line < base)
		return w->line;
	return w->line + (line - base);
}

struct fy_node *doc_metadata(const struct doc *d, const char *field)
{
	if (!d->fyd)
		return NULL;
	return ynode_get(ynode_get(fy_document_root(d->fyd), "metadata"),
			 field);
}

/* The comment lines right after the "---" line, verbatim. */
static void add_leading_comments(struct buf *out, const struct doc *d)
{
	const char *p = d->raw, *end = d->raw + d->raw_len;

	if (is_document_start(p, end))
		p = next_line(p, end);
	while (p < end) {
		const char *eol = next_line(p, end);

		if (*p != '#')
			break;
		buf_add(out, p, (size_t)(eol - p));
		if (eol[-1] != '\n')
			buf_addch(out, '\n');
		p = eol;
	}
}

void doc_finish_edit(struct doc *d)
{
	struct buf out = BUF_INIT;
	size_t len;
	char *text = ynode_emit(d->fyd, &len);

	buf_adds(&out, "---\n");
	add_leading_comments(&out, d);
	buf_add(&out, text, len);
	free(text);
	free(d->text);
	d->text = buf_detach(&out, &d->text_len);
	doc_unload(d);
}

void doc_write(struct doc *d, struct output *o)
{
	if (d->stale || d->dropped)
		return;
	if (d->text) {
		output_add(o, d->text, d->text_len);
		free(d->text);
		d->text = NULL;
		return;
	}
	output_add(o, d->raw, d->raw_len);
	if (d->raw_len && d->raw[d->raw_len - 1] != '\n')
		output_add(o, "\n", 1);
}

void stream_write(struct stream *s, struct output *o)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		doc_write(&s->docs[i], o);
}
