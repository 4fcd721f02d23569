/*
 * stream — split a manifest stream into documents, parse them, write them
 * back (see stream.h for the invariants).
 */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

#include "ynode.h"

void stream_init(struct stream *s)
{
	memset(s, 0, sizeof(*s));
}

static void doc_release(struct doc *d)
{
	size_t i;

	doc_unload(d);
	free(d->text);
	free(d->api_version);
	free(d->kind);
	free(d->name);
	free(d->namespace);
	free(d->comment);
	free(d->hook_events);
	free(d->hook_weight);
	for (i = 0; i < 2 * d->selector_nr; i++)
		free(d->selector[i]);
	free(d->selector);
}

void stream_release(struct stream *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		doc_release(&s->docs[i]);
	free(s->docs);
	free(s->input);
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

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* True when the text holds nothing but blank lines and comments. */
static bool only_comments(const char *p, const char *end)
{
	while (p < end) {
		const char *eol = next_line(p, end);
		const char *q = p;

		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < eol && *q != '\n' && *q != '#')
			return false;
		p = eol;
	}
	return true;
}

/*
 * One fy_diag for the whole stream collects libfyaml's parse errors so
 * they are reported through diag (with the stream's line numbers) instead
 * of printed by libfyaml.
 */
static struct fy_diag *stream_diag(struct stream *s)
{
	struct fy_diag_cfg cfg;

	if (s->diag)
		return s->diag;
	fy_diag_cfg_default(&cfg);
	cfg.fp = NULL;
	cfg.output_fn = NULL;
	cfg.level = FYET_ERROR;
	s->diag = fy_diag_create(&cfg);
	if (!s->diag)
		die("out of memory (YAML diagnostics)");
	fy_diag_set_collect_errors(s->diag, true);
	return s->diag;
}

static void report_parse_errors(struct stream *s, struct doc *d)
{
	struct fy_diag_error *e;
	void *iter = NULL;
	size_t i = 0, reported = 0;

	while ((e = fy_diag_errors_iterate(s->diag, &iter))) {
		struct where w = d->where;

		if (i++ < s->diag_seen)
			continue;
		/* libfyaml's collected lines and columns are 1-based. */
		w.line = d->where.line + (size_t)(e->line > 1 ? e->line - 1 : 0);
		diag_error(&w, "not valid YAML: %s (column %d)", e->msg,
			   e->column);
		reported++;
	}
	s->diag_seen = i;
	if (!reported)
		diag_error(&d->where, "not valid YAML");
}

static char *metadata_string(struct fy_node *root, const char *field)
{
	return ynode_strdup(ynode_get(ynode_get(root, "metadata"), field));
}

/* A headless Service's selector, kept to match pods against later. */
static void record_headless_selector(struct doc *d, struct fy_node *root)
{
	struct fy_node *selector = ynode_path(root, "/spec/selector");
	struct fy_node_pair *p;
	void *iter = NULL;
	size_t n;

	if (!ynode_is(ynode_path(root, "/spec/clusterIP"), "None") ||
	    !ynode_is_mapping(selector))
		return;
	n = (size_t)fy_node_mapping_item_count(selector);
	d->selector = xcalloc(2 * n + 1, sizeof(*d->selector));
	while ((p = fy_node_mapping_iterate(selector, &iter))) {
		char *key = ynode_strdup(fy_node_pair_key(p));
		char *value = ynode_strdup(fy_node_pair_value(p));

		if (!key || !value) {	/* not a label selector: ignore it */
			free(key);
			free(value);
			continue;
		}
		d->selector[2 * d->selector_nr] = key;
		d->selector[2 * d->selector_nr + 1] = value;
		d->selector_nr++;
	}
	d->headless = d->selector_nr > 0;
}

/* Fill in kind, name, ... and check the document is a Kubernetes object. */
static void describe(struct stream *s, struct doc *d)
{
	struct fy_node *root = fy_document_root(d->fyd);
	struct fy_node *labels, *annotations;

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
	d->api_version = ynode_strdup(ynode_get(root, "apiVersion"));
	d->kind = ynode_strdup(ynode_get(root, "kind"));
	d->name = metadata_string(root, "name");
	d->namespace = metadata_string(root, "namespace");
	d->where.kind = d->kind;
	d->where.name = d->name;
	if (!d->kind || !*d->kind)
		diag_error(&d->where, "kind: missing or not a string: every "
			   "Kubernetes object needs a kind such as "
			   "Deployment");
	if (!d->api_version || !*d->api_version)
		diag_error(&d->where, "apiVersion: missing or not a string: "
			   "every Kubernetes object needs one, such as "
			   "apps/v1");
	annotations = doc_metadata(d, "annotations");
	labels = doc_metadata(d, "labels");
	d->hook_events = ynode_strdup(ynode_get(annotations, "helm.sh/hook"));
	d->hook_weight = ynode_strdup(ynode_get(annotations,
						"helm.sh/hook-weight"));
	d->hook = ynode_get(annotations, "helm.sh/hook") != NULL;
	d->stale = ynode_is(ynode_get(labels, GENERATED_LABEL), "true");
	if (ynode_get(annotations, HELM4_FILENAME_ANNOTATION))
		s->helm4 = true;
	d->valid = d->kind && *d->kind && d->api_version && *d->api_version;
	if (d->valid && !strcmp(d->kind, "Service"))
		record_headless_selector(d, root);
}

static bool is_empty(const struct doc *d)
{
	return only_comments(d->raw, d->raw + d->raw_len) ||
	       (d->raw_len >= 3 && !memcmp(d->raw, "---", 3) &&
		only_comments(d->raw + 3, d->raw + d->raw_len));
}

bool doc_load(struct stream *s, struct doc *d)
{
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG |
			 FYPCF_DEFAULT_VERSION_1_1 |
			 FYPCF_DISABLE_ACCELERATORS,
		.diag = stream_diag(s),
	};

	if (d->fyd)
		return d->valid;
	if (d->described && !d->valid)
		return false;
	if (!d->raw || is_empty(d)) {
		d->described = true;
		return false;
	}
	d->fyd = fy_document_build_from_string(&cfg, d->raw, d->raw_len);
	if (d->described)
		return d->fyd != NULL;
	d->described = true;
	if (!d->fyd) {
		report_parse_errors(s, d);
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

void stream_split(struct stream *s, char *input, size_t len)
{
	const char *p, *end, *start;
	size_t line = 1, start_line = 1;

	s->input = input;
	s->input_len = len;
	if (memchr(input, '\0', len))
		diag_error(NULL, "the input holds a NUL byte: a manifest "
			   "stream is UTF-8 text");
	p = start = input;
	end = input + len;
	while (p < end) {
		const char *eol = next_line(p, end);

		if (p != start && is_document_start(p, end)) {
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

void stream_add_generated(struct stream *s, struct fy_document *fyd,
			  const char *comment)
{
	struct doc *d = new_doc(s);

	if (!d)
		die("too many documents");
	d->fyd = fyd;
	d->comment = comment ? xstrdup(comment) : NULL;
	d->described = d->valid = true;
	doc_finish_edit(d);
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
	if (d->comment)
		buf_addf(&out, "%s\n", d->comment);
	else
		add_leading_comments(&out, d);
	buf_add(&out, text, len);
	free(text);
	free(d->text);
	d->text = buf_detach(&out, &d->text_len);
	doc_unload(d);
}

void stream_write(struct stream *s, struct buf *out)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct doc *d = &s->docs[i];

		if (d->stale)
			continue;
		if (d->text) {
			buf_add(out, d->text, d->text_len);
			continue;
		}
		buf_add(out, d->raw, d->raw_len);
		if (d->raw_len && d->raw[d->raw_len - 1] != '\n')
			buf_addch(out, '\n');
	}
}
