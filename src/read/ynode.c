/*
 * ynode — libfyaml helpers (see ynode.h for why each one exists).
 */
#include "ynode.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "yaml11.h"

const char *ynode_scalar(struct fy_node *n, size_t *len)
{
	const char *s;

	if (!n || !fy_node_is_scalar(n) || fy_node_is_alias(n))
		return NULL;
	s = fy_node_get_scalar(n, len);
	if (!s) {	/* an empty plain scalar */
		*len = 0;
		return "";
	}
	return s;
}

char *ynode_strdup(struct fy_node *n)
{
	size_t len;
	const char *s = ynode_scalar(n, &len);

	return s ? xmemdup0(s, len) : NULL;
}

bool ynode_is(struct fy_node *n, const char *s)
{
	size_t len;
	const char *v = ynode_scalar(n, &len);

	return v && len == strlen(s) && !memcmp(v, s, len);
}

bool ynode_is_null(struct fy_node *n)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL" };
	size_t i;

	if (!n || fy_node_is_null(n))
		return true;
	/* libfyaml 0.7.12 counts only the empty scalar as null. */
	if (!fy_node_is_scalar(n) || fy_node_is_alias(n) ||
	    fy_node_get_style(n) != FYNS_PLAIN)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (ynode_is(n, nulls[i]))
			return true;
	return false;
}

bool ynode_is_string(struct fy_node *n)
{
	size_t len;
	const char *s = ynode_scalar(n, &len);

	if (!s || memchr(s, '\0', len))
		return false;
	return fy_node_get_style(n) != FYNS_PLAIN ||
	       !yaml11_plain_is_not_string(s, len);
}

bool ynode_is_mapping(struct fy_node *n)
{
	return n && fy_node_is_mapping(n);
}

bool ynode_is_sequence(struct fy_node *n)
{
	return n && fy_node_is_sequence(n);
}

bool ynode_is_scalar(struct fy_node *n)
{
	return n && fy_node_is_scalar(n) && !fy_node_is_alias(n);
}

struct fy_node *ynode_get(struct fy_node *map, const char *key)
{
	if (!ynode_is_mapping(map))
		return NULL;
	return fy_node_mapping_lookup_value_by_simple_key(map, key,
							  strlen(key));
}

bool ynode_has(struct fy_node *map, const char *key)
{
	return ynode_is_mapping(map) &&
	       fy_node_mapping_lookup_pair_by_simple_key(map, key,
							 strlen(key));
}

/* A sequence's item at index (decimal digits only), or NULL. */
static struct fy_node *sequence_item(struct fy_node *seq, const char *index)
{
	int i = 0;

	if (!*index || strlen(index) > 6)
		return NULL;
	for (; *index; index++) {
		if (*index < '0' || *index > '9')
			return NULL;
		i = i * 10 + (*index - '0');
	}
	return fy_node_sequence_get_by_index(seq, i);
}

/*
 * Walked key by key with the exact-text lookup ynode_get uses: the
 * constant paths we use ("/spec/template", "/metadata/annotations") need
 * no general path parser (fy_node_by_path's is about 4% of a run). A
 * component may be quoted ('agentenv.io/service') to hold a '/'; a
 * decimal one indexes a sequence. Aliases are not followed (an alias is
 * neither a mapping nor a sequence).
 */
struct fy_node *ynode_path(struct fy_node *n, const char *path)
{
	char key[256];

	while (n && *path == '/' && path[1]) {
		const char *start = path + 1, *end;
		char quote = *start == '\'' || *start == '"' ? *start : '\0';
		size_t len;

		if (quote) {	/* '/' inside: '/metadata/labels/'a/b'' */
			start++;
			end = strchr(start, quote);
			if (!end)
				BUG("ynode_path: no closing quote in %s", path);
			len = (size_t)(end - start);
			path = end + 1;
		} else {
			end = strchr(start, '/');
			len = end ? (size_t)(end - start) : strlen(start);
			path = start + len;
		}
		if (len >= sizeof(key))
			BUG("ynode_path: a key longer than %zu in %s",
			    sizeof(key) - 1, path);
		memcpy(key, start, len);
		key[len] = '\0';
		n = fy_node_is_sequence(n) ? sequence_item(n, key) :
			ynode_get(n, key);
	}
	return n;
}

size_t ynode_line(struct fy_node *n)
{
	struct fy_token *t;
	const struct fy_mark *m;
	void *iter = NULL;

	if (!n)
		return 0;
	if (fy_node_is_mapping(n)) {
		struct fy_node_pair *p = fy_node_mapping_iterate(n, &iter);

		return p ? ynode_line(fy_node_pair_key(p)) : 0;
	}
	if (fy_node_is_sequence(n))
		return ynode_line(fy_node_sequence_iterate(n, &iter));
	t = fy_node_get_scalar_token(n);
	m = t ? fy_token_start_mark(t) : NULL;
	return m ? (size_t)m->line + 1 : 0;
}

/* Made of [A-Za-z0-9._/-]: parsed as YAML, the same plain scalar. */
static bool plain_key(const char *key)
{
	const char *p;

	for (p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '/' || *p == '-'))
			return false;
	return p != key;
}

/*
 * A key node. The keys we add are few and recur in every pod: copied
 * from the fragment cache, they cost less than a created scalar (which
 * gets an input of its own, analysed).
 */
static struct fy_node *key_node(struct fy_document *d, const char *key)
{
	struct fy_node *k;

	/* "y", "on", "80": YAML 1.1 (Kubernetes) reads no string there. */
	if (yaml11_plain_is_not_string(key, strlen(key)))
		return ynode_quoted(d, key);
	if (plain_key(key))
		return ynode_from_yaml(d, key);
	k = fy_node_create_scalar_copy(d, key, strlen(key));

	if (!k)
		die("out of memory (YAML key)");
	return k;
}

bool ynode_has_key(struct fy_node *map, const char *key)
{
	return ynode_is_mapping(map) &&
	       fy_node_mapping_lookup_pair_by_simple_key(map, key,
							 strlen(key));
}

void ynode_set(struct fy_node *map, const char *key, struct fy_node *value)
{
	struct fy_document *d = fy_node_document(map);
	struct fy_node_pair *p;

	if (!ynode_is_mapping(map))
		BUG("ynode_set(%s) on a node that is not a mapping", key);
	p = fy_node_mapping_lookup_pair_by_simple_key(map, key, strlen(key));
	if (p) {
		if (fy_node_pair_set_value(p, value))
			die("cannot set YAML value of %s", key);
		return;
	}
	if (fy_node_mapping_append(map, key_node(d, key), value))
		die("cannot add YAML key %s", key);
}

void ynode_remove_at(struct fy_node *seq, int i)
{
	struct fy_node *item = ynode_at(seq, i);

	if (item)
		fy_node_free(fy_node_sequence_remove(seq, item));
}

void ynode_remove(struct fy_node *map, const char *key)
{
	struct fy_node *k;

	if (!ynode_get(map, key))
		return;
	/*
	 * fy_node_mapping_remove() unlinks the pair without freeing it;
	 * remove_by_key frees the pair, its key and the key it was given,
	 * and hands back the value.
	 */
	k = key_node(fy_node_document(map), key);
	fy_node_free(fy_node_mapping_remove_by_key(map, k));
}

static struct fy_node *want(struct fy_node *map, const char *key,
			    struct fy_node *(*create)(struct fy_document *),
			    bool (*is)(struct fy_node *))
{
	struct fy_node *v = ynode_get(map, key);
	struct fy_node *fresh;

	if (!ynode_is_null(v))
		return is(v) ? v : NULL;
	fresh = create(fy_node_document(map));
	if (!fresh)
		die("out of memory (YAML collection)");
	ynode_set(map, key, fresh);
	return fresh;
}

struct fy_node *ynode_want_mapping(struct fy_node *map, const char *key)
{
	return want(map, key, fy_node_create_mapping, ynode_is_mapping);
}

struct fy_node *ynode_want_sequence(struct fy_node *map, const char *key)
{
	return want(map, key, fy_node_create_sequence, ynode_is_sequence);
}

struct fy_node *ynode_plain(struct fy_document *d, const char *s)
{
	struct fy_node *n = fy_node_create_scalar_copy(d, s, strlen(s));

	if (!n)
		die("out of memory (YAML scalar)");
	return n;
}

struct fy_node *ynode_string(struct fy_document *d, const char *s)
{
	if (!*s || yaml11_plain_is_not_string(s, strlen(s)))
		return ynode_quoted(d, s);
	return ynode_plain(d, s);
}

struct fy_node *ynode_quoted(struct fy_document *d, const char *s)
{
	struct buf text = BUF_INIT;
	struct fy_node *n;

	buf_add_yaml_quoted(&text, s, strlen(s));
	n = ynode_from_yaml(d, text.data);
	buf_release(&text);
	return n;
}

/*
 * Parsed fragments, by their text: parsing builds a whole libfyaml parser,
 * while copying a parsed node only shares its reference-counted content.
 * The same fragments (the sidecar, "true", the release name, ...) recur
 * for every pod and object, so each is parsed once per run. Bounded: past
 * FRAGMENT_CACHE_SIZE distinct fragments, the rest are parsed each time.
 */
#define FRAGMENT_CACHE_SIZE 4096

struct fragment {
	char *yaml;
	struct fy_node *node;	/* in cache_doc */
};

static struct fragment fragment_cache[FRAGMENT_CACHE_SIZE];
static size_t fragments_cached;
static struct fy_document *cache_doc;

static size_t fragment_hash(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* Parse text (copied: libfyaml keeps pointing into what it parsed). */
static struct fy_node *parse_fragment(struct fy_document *d,
				      const char *yaml)
{
	char *text = xstrdup(yaml);
	struct fy_node *n = fy_node_build_from_malloc_string(d, text,
							     strlen(text));

	if (!n)
		BUG("a built-in YAML fragment does not parse: %.60s", yaml);
	return n;
}

static struct fy_node *cached_fragment(const char *yaml)
{
	size_t i = fragment_hash(yaml) % FRAGMENT_CACHE_SIZE;
	size_t probes;

	if (!cache_doc) {
		cache_doc = fy_document_create(NULL);
		if (!cache_doc)
			die("out of memory (YAML fragments)");
	}
	for (probes = 0; probes < FRAGMENT_CACHE_SIZE; probes++) {
		struct fragment *f = &fragment_cache[i];

		if (!f->yaml) {
			if (fragments_cached >= FRAGMENT_CACHE_SIZE * 3 / 4)
				return NULL;
			f->yaml = xstrdup(yaml);
			f->node = parse_fragment(cache_doc, yaml);
			fragments_cached++;
			return f->node;
		}
		if (!strcmp(f->yaml, yaml))
			return f->node;
		i = (i + 1) % FRAGMENT_CACHE_SIZE;
	}
	return NULL;
}

void ynode_cache_release(void)
{
	size_t i;

	for (i = 0; i < FRAGMENT_CACHE_SIZE; i++) {
		free(fragment_cache[i].yaml);
		/* Not in cache_doc's tree: destroying it misses them. */
		if (fragment_cache[i].node)
			fy_node_free(fragment_cache[i].node);
		fragment_cache[i].yaml = NULL;
		fragment_cache[i].node = NULL;
	}
	fragments_cached = 0;
	if (cache_doc)
		fy_document_destroy(cache_doc);
	cache_doc = NULL;
}

struct fy_node *ynode_from_yaml(struct fy_document *d, const char *yaml)
{
	struct fy_node *cached = cached_fragment(yaml);

	return cached ? ynode_copy(d, cached) : parse_fragment(d, yaml);
}

struct fy_node *ynode_copy(struct fy_document *d, struct fy_node *n)
{
	struct fy_node *c = fy_node_copy(d, n);

	if (!c)
		die("out of memory (copying YAML)");
	return c;
}

void ynode_append(struct fy_node *seq, struct fy_node *item)
{
	if (fy_node_sequence_append(seq, item))
		BUG("cannot append to a YAML sequence");
}

void ynode_prepend(struct fy_node *seq, struct fy_node *item)
{
	if (fy_node_sequence_prepend(seq, item))
		BUG("cannot prepend to a YAML sequence");
}

void ynode_insert_after(struct fy_node *seq, struct fy_node *pos,
			struct fy_node *item)
{
	if (!pos)
		ynode_prepend(seq, item);
	else if (fy_node_sequence_insert_after(seq, pos, item))
		BUG("cannot insert into a YAML sequence");
}

int ynode_count(struct fy_node *seq)
{
	return ynode_is_sequence(seq) ? fy_node_sequence_item_count(seq) : 0;
}

struct fy_node *ynode_at(struct fy_node *seq, int i)
{
	return fy_node_sequence_get_by_index(seq, i);
}

struct fy_document *ynode_document(const char *yaml)
{
	struct fy_document *d = fy_document_create(NULL);

	if (!d)
		die("out of memory (YAML document)");
	if (fy_document_set_root(d, ynode_from_yaml(d, yaml)))
		BUG("cannot set the root of a new document");
	return d;
}

char *ynode_emit(struct fy_document *d, size_t *len)
{
	char *text = fy_emit_document_to_string(d, FYECF_MODE_BLOCK |
						FYECF_WIDTH_INF |
						FYECF_INDENT_2 |
						FYECF_DOC_START_MARK_OFF |
						FYECF_DOC_END_MARK_OFF);

	if (!text)
		die("cannot write a YAML document (out of memory?)");
	*len = strlen(text);
	return text;
}

/* n carries the YAML 1.1 core tag of that name (!!NAME in either form). */
static bool has_core_tag(struct fy_node *n, const char *name)
{
	static const char full[] = "tag:yaml.org,2002:";
	size_t len, name_len = strlen(name);
	const char *tag = fy_node_get_tag(n, &len);

	if (!tag)
		return false;
	if (len == 2 + name_len && !memcmp(tag, "!!", 2))
		return !memcmp(tag + 2, name, name_len);
	return len == sizeof(full) - 1 + name_len &&
	       !memcmp(tag, full, sizeof(full) - 1) &&
	       !memcmp(tag + sizeof(full) - 1, name, name_len);
}

/* A "<<" key: YAML 1.1's merge key, plain and untagged or tagged !!merge. */
static bool is_merge_key(struct fy_node *key)
{
	size_t len;
	const char *text;

	if (fy_node_get_tag(key, &len))
		return has_core_tag(key, "merge");
	text = fy_node_get_scalar(key, &len);	/* NULL: not a scalar */
	return text && len == 2 && text[0] == '<' && text[1] == '<' &&
	       fy_node_get_style(key) == FYNS_PLAIN;
}

bool ynode_has_alias(struct fy_node *n, struct fy_node **where)
{
	void *iter = NULL;

	if (!n)
		return false;
	if (fy_node_is_alias(n) || fy_node_get_anchor(n)) {
		*where = n;
		return true;
	}
	if (fy_node_is_sequence(n)) {
		struct fy_node *item;

		while ((item = fy_node_sequence_iterate(n, &iter)))
			if (ynode_has_alias(item, where))
				return true;
	} else if (fy_node_is_mapping(n)) {
		struct fy_node_pair *p;

		while ((p = fy_node_mapping_iterate(n, &iter))) {
			struct fy_node *key = fy_node_pair_key(p);

			if (is_merge_key(key)) {
				*where = key;
				return true;
			}
			if (ynode_has_alias(key, where) ||
			    ynode_has_alias(fy_node_pair_value(p), where))
				return true;
		}
	}
	return false;
}

enum ybool ynode_bool(struct fy_node *n)
{
	static const char *const trues[] = { "y", "Y", "yes", "Yes", "YES",
		"true", "True", "TRUE", "on", "On", "ON" };
	static const char *const falses[] = { "n", "N", "no", "No", "NO",
		"false", "False", "FALSE", "off", "Off", "OFF" };
	size_t i, len;
	bool tagged;

	if (!n)
		return YBOOL_UNSET;
	if (!ynode_is_scalar(n))
		return YBOOL_OTHER;
	tagged = fy_node_get_tag(n, &len) != NULL;
	if (tagged && !has_core_tag(n, "bool"))
		return YBOOL_OTHER;	/* !!str true is a string */
	if (!tagged && ynode_is_null(n))
		return YBOOL_UNSET;
	if (!tagged && fy_node_get_style(n) != FYNS_PLAIN)
		return YBOOL_OTHER;	/* "true", quoted, is a string */
	for (i = 0; i < sizeof(trues) / sizeof(trues[0]); i++)
		if (ynode_is(n, trues[i]))
			return YBOOL_TRUE;
	for (i = 0; i < sizeof(falses) / sizeof(falses[0]); i++)
		if (ynode_is(n, falses[i]))
			return YBOOL_FALSE;
	return YBOOL_OTHER;
}

bool ynode_text_is_empty(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl + 1 : end;
		const char *q = p;

		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (eol - q >= 3 && (!memcmp(q, "---", 3) ||
				     !memcmp(q, "...", 3)) && q == p)
			q += 3;
		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < eol && *q != '\n' && *q != '#')
			return false;
		p = eol;
	}
	return true;
}

struct fy_diag *ynode_collecting_diag(void)
{
	struct fy_diag_cfg cfg;
	struct fy_diag *d;

	fy_diag_cfg_default(&cfg);
	cfg.fp = NULL;
	cfg.output_fn = NULL;
	cfg.level = FYET_ERROR;
	d = fy_diag_create(&cfg);
	if (!d)
		die("out of memory (YAML diagnostics)");
	fy_diag_set_collect_errors(d, true);
	return d;
}

size_t ynode_report_errors(struct fy_diag *d, size_t *seen,
			   void (*report)(void *data, int line, int column,
					  const char *message),
			   void *data)
{
	struct fy_diag_error *e;
	void *iter = NULL;
	size_t i = 0, reported = 0;

	while ((e = fy_diag_errors_iterate(d, &iter))) {
		if (i++ < *seen)
			continue;
		report(data, e->line, e->column, e->msg);
		reported++;
	}
	*seen = i;
	return reported;
}

/*
 * One block: the pointers, then the strings they point to (one
 * allocation per mapping, not two per pair: the pod templates' labels
 * are most of the allocations a large stream keeps).
 */
char **ynode_string_pairs(struct fy_node *map, size_t *nr)
{
	size_t n = 0, bytes = 0;
	struct fy_node_pair *p;
	void *iter = NULL;
	char **pairs, *text;

	while (ynode_is_mapping(map) &&
	       (p = fy_node_mapping_iterate(map, &iter))) {
		size_t key_len, value_len;

		if (!ynode_scalar(fy_node_pair_key(p), &key_len) ||
		    !ynode_scalar(fy_node_pair_value(p), &value_len))
			continue;
		n++;
		bytes += key_len + value_len + 2;
	}
	pairs = xmalloc((2 * n + 1) * sizeof(*pairs) + bytes);
	text = (char *)(pairs + 2 * n + 1);
	*nr = 0;
	iter = NULL;
	while (n && (p = fy_node_mapping_iterate(map, &iter))) {
		struct fy_node *field[2] = { fy_node_pair_key(p),
					     fy_node_pair_value(p) };
		const char *scalar[2];
		size_t len[2], i;

		scalar[0] = ynode_scalar(field[0], &len[0]);
		scalar[1] = ynode_scalar(field[1], &len[1]);
		if (!scalar[0] || !scalar[1])
			continue;
		for (i = 0; i < 2; i++) {
			pairs[2 * *nr + i] = text;
			memcpy(text, scalar[i], len[i]);
			text[len[i]] = '\0';
			text += len[i] + 1;
		}
		(*nr)++;
	}
	pairs[2 * *nr] = NULL;
	return pairs;
}

void ynode_free_pairs(char **pairs, size_t nr)
{
	(void)nr;	/* one block */
	free(pairs);
}

const char *ynode_pairs_get(char **pairs, size_t nr, const char *key)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(pairs[2 * i], key))
			return pairs[2 * i + 1];
	return NULL;
}
