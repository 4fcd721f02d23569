/*
 * ynode — the one file that knows libfyaml 0.7.12's quirks.
 *
 * Everything else reads and edits YAML through these helpers:
 *  - lookups take plain C strings and never parse them as YAML (libfyaml's
 *    *_by_string functions do; we use the *_by_simple_key forms);
 *  - paths are fy_node_by_path() paths that never follow aliases;
 *  - scalars are returned with their length (libfyaml's are not
 *    NUL-terminated) or copied into NUL-terminated strings;
 *  - created strings are copied (fy_node_create_scalar does not copy);
 *  - a value that must stay a string whatever it looks like ("true",
 *    "8080") is created double-quoted: 0.7.12 cannot set a node's style, so
 *    it is built from YAML text;
 *  - nodes are always created in the document they are added to, and every
 *    add either consumes its node or frees it, so callers never track
 *    ownership.
 * A helper that cannot do its job because of memory exhaustion dies.
 */
#ifndef AGENTENV_YNODE_H
#define AGENTENV_YNODE_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * How every input (the stream, --values) is parsed: quietly, errors
 * collected for diag, YAML 1.1 as Kubernetes reads it, no accelerators
 * (libfyaml 0.7.12's hash accelerators cost more than they save on
 * Kubernetes-sized mappings).
 */
#define YNODE_PARSE_FLAGS (FYPCF_QUIET | FYPCF_COLLECT_DIAG | \
			   FYPCF_DEFAULT_VERSION_1_1 | \
			   FYPCF_DISABLE_ACCELERATORS)

/* The scalar's text and length, or NULL when n is not a scalar. */
const char *ynode_scalar(struct fy_node *n, size_t *len);
/* A NUL-terminated copy of the scalar, or NULL when n is not a scalar. */
char *ynode_strdup(struct fy_node *n);
/* True when n is a scalar whose text is exactly s. */
bool ynode_is(struct fy_node *n, const char *s);
/* True when n is a null scalar (~, null, or nothing) or absent. */
bool ynode_is_null(struct fy_node *n);

/*
 * True when n is a string as Kubernetes reads it: a scalar that a YAML 1.1
 * parser does not resolve to a number, boolean or null (80, true and ~
 * must be quoted), holding no NUL character (C strings would cut it).
 */
bool ynode_is_string(struct fy_node *n);

bool ynode_is_mapping(struct fy_node *n);
bool ynode_is_sequence(struct fy_node *n);
bool ynode_is_scalar(struct fy_node *n);

/* The value under key in mapping map, or NULL (also when map is not one). */
struct fy_node *ynode_get(struct fy_node *map, const char *key);
/* map has key, whatever its value ("items:" holds a null). */
bool ynode_has_key(struct fy_node *map, const char *key);
/*
 * True when mapping map holds key, whatever its value: also a null one
 * ("key:" or "key: ~"), which ynode_get() cannot tell from an absent key.
 */
bool ynode_has(struct fy_node *map, const char *key);
/*
 * The node at a constant path of mapping keys and sequence indexes
 * ("/metadata/labels", "/spec/containers/0"), or NULL; aliases are not
 * followed; a key holding '/' is quoted ("/metadata/labels/'a/b'").
 */
struct fy_node *ynode_path(struct fy_node *n, const char *path);

/* 1-based line where n starts, 0 when unknown. */
size_t ynode_line(struct fy_node *n);

/*
 * Set map[key] = value, replacing an existing value in place (the key keeps
 * its position) or appending. value is consumed.
 */
void ynode_set(struct fy_node *map, const char *key, struct fy_node *value);
/* Remove map[key] if present. */
void ynode_remove(struct fy_node *map, const char *key);
/* Remove and free seq[i] if present. */
void ynode_remove_at(struct fy_node *seq, int i);

/*
 * map[key] as a mapping (or sequence): created empty when absent or null.
 * Returns NULL when the key holds something else; callers validate first.
 */
struct fy_node *ynode_want_mapping(struct fy_node *map, const char *key);
struct fy_node *ynode_want_sequence(struct fy_node *map, const char *key);

/* New nodes in document d. */
struct fy_node *ynode_plain(struct fy_document *d, const char *s);
struct fy_node *ynode_quoted(struct fy_document *d, const char *s);
/*
 * A string whatever it looks like: plain, unless YAML 1.1 would read it
 * as something else ("123", "true", "on"), then double-quoted.
 */
struct fy_node *ynode_string(struct fy_document *d, const char *s);
/*
 * A node parsed from YAML text (a template fragment, copied: libfyaml keeps
 * pointing into the text it parsed); a bad fragment is a BUG.
 */
struct fy_node *ynode_from_yaml(struct fy_document *d, const char *yaml);
/* A deep copy of n (from any document) made in d. */
struct fy_node *ynode_copy(struct fy_document *d, struct fy_node *n);

void ynode_append(struct fy_node *seq, struct fy_node *item);
void ynode_prepend(struct fy_node *seq, struct fy_node *item);
/* Insert item into seq right after position pos (NULL: at the front). */
void ynode_insert_after(struct fy_node *seq, struct fy_node *pos,
			struct fy_node *item);

/* Sequence helpers. */
int ynode_count(struct fy_node *seq);
struct fy_node *ynode_at(struct fy_node *seq, int i);

/* A document parsed from YAML text known to be valid (a template). */
struct fy_document *ynode_document(const char *yaml);

/*
 * ynode_from_yaml() and ynode_document() parse each distinct text once
 * per run and copy the result; this frees that cache (end of a run).
 */
void ynode_cache_release(void);

/*
 * The document as block-style YAML text without a "---" line, ending in a
 * newline. The caller frees it.
 */
char *ynode_emit(struct fy_document *d, size_t *len);

/*
 * True when text holds nothing but blank lines, comments and document
 * markers: libfyaml builds no document from it (and calls that an error).
 */
bool ynode_text_is_empty(const char *text, size_t len);

/*
 * A libfyaml diagnostics object that collects errors instead of printing
 * them; report them with ynode_report_errors(). The caller destroys it.
 */
struct fy_diag *ynode_collecting_diag(void);
/*
 * Call report(data, line, column, message) for each error d collected
 * since *seen (1-based line and column), and advance *seen. Returns how
 * many there were.
 */
size_t ynode_report_errors(struct fy_diag *d, size_t *seen,
			   void (*report)(void *data, int line, int column,
					  const char *message),
			   void *data);

/*
 * The pairs of a mapping of scalars copied out, for use after its document
 * is unloaded: key, value, key, value, ...; pairs whose key or value is not
 * a scalar are skipped. *nr is the number of pairs; never NULL (an empty
 * array when map is not a mapping). One block, pointers then strings:
 * free with ynode_free_pairs() (no string of it on its own).
 */
char **ynode_string_pairs(struct fy_node *map, size_t *nr);
void ynode_free_pairs(char **pairs, size_t nr);
/* The value of key in pairs, or NULL. */
const char *ynode_pairs_get(char **pairs, size_t nr, const char *key);

/*
 * True when n or anything below it is an alias, holds an anchor or is a
 * merge key ("<<"): what a reader that resolves them would see differs
 * from the text (*where is set to it).
 */
bool ynode_has_alias(struct fy_node *n, struct fy_node **where);

/*
 * A boolean field as the API server reads it (YAML 1.1, go-yaml): plain
 * y/yes/true/on and n/no/false/off in three cases, or a !!bool tag on
 * one of them. Null or absent is unset; anything else (a quoted "true",
 * a number, a mapping) is no boolean at all.
 */
enum ybool { YBOOL_UNSET, YBOOL_FALSE, YBOOL_TRUE, YBOOL_OTHER };
enum ybool ynode_bool(struct fy_node *n);

#endif
