/*
 * test_ynode — tests of src/read/ynode.c, the libfyaml helpers everything else
 * reads and edits YAML through.
 */
#include "unit.h"
#include "buf.h"
#include "ynode.h"

#include <stdbool.h>

/* The fragment cache is freed after each test (valgrind sees it all). */
static void teardown(void)
{
	ynode_cache_release();
}

static struct fy_document *doc(const char *yaml)
{
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET };
	struct fy_document *d = fy_document_build_from_string(&cfg, yaml,
							      strlen(yaml));

	ck_assert_msg(d != NULL, "does not parse: %s", yaml);
	return d;
}

static char *emit(struct fy_document *d)
{
	size_t len;
	char *s = ynode_emit(d, &len);

	ck_assert_uint_eq(len, strlen(s));
	return s;
}

static void assert_emits(struct fy_document *d, const char *want)
{
	char *s = emit(d);

	ck_assert_str_eq(s, want);
	free(s);
}

/* --- scalars and nulls --------------------------------------------------- */

struct null_case {
	const char *yaml;	/* a mapping; the value of "k" is tested */
	bool is_null;
	bool is_scalar;
	bool has;	/* ynode_has(root, "k") */
};

static const struct null_case null_cases[] = {
	{ "k:\n", true, true, true },
	{ "k: ~\n", true, true, true },
	{ "k: null\n", true, true, true },
	{ "k: Null\n", true, true, true },
	{ "k: NULL\n", true, true, true },
	{ "j: 1\n", true, false, false },	/* absent */
	{ "k: \"\"\n", false, true, true },
	{ "k: ''\n", false, true, true },
	{ "k: \"null\"\n", false, true, true },
	{ "k: '~'\n", false, true, true },
	{ "k: nil\n", false, true, true },
	{ "k: 0\n", false, true, true },
	{ "k: false\n", false, true, true },
	{ "k: {}\n", false, false, true },
	{ "k: []\n", false, false, true },
};

START_TEST(test_is_null)
{
	const struct null_case *c = &null_cases[_i];
	struct fy_document *d = doc(c->yaml);
	struct fy_node *v = ynode_get(fy_document_root(d), "k");
	bool is_null = ynode_is_null(v), is_scalar = ynode_is_scalar(v);
	bool has = ynode_has(fy_document_root(d), "k");

	fy_document_destroy(d);
	ck_assert_msg(is_null == c->is_null, "%s: is_null %d", c->yaml,
		      is_null);
	ck_assert_int_eq(is_scalar, c->is_scalar);
	ck_assert_msg(has == c->has, "%s: has %d", c->yaml, has);
}
END_TEST

START_TEST(test_scalar)
{
	struct fy_document *d = doc("a: plain\nb: \"dq\\tx\"\nc: ''\nd:\n"
				    "e: [1]\nf: &x v\ng: *x\nh: '8080'\n");
	struct fy_node *root = fy_document_root(d);
	const char *s;
	char *copy;
	size_t len = 99;

	s = ynode_scalar(ynode_get(root, "a"), &len);
	ck_assert_uint_eq(len, 5);
	ck_assert(!memcmp(s, "plain", 5));
	copy = ynode_strdup(ynode_get(root, "b"));
	ck_assert_str_eq(copy, "dq\tx");
	free(copy);
	copy = ynode_strdup(ynode_get(root, "c"));
	ck_assert_str_eq(copy, "");
	free(copy);
	s = ynode_scalar(ynode_get(root, "d"), &len);	/* empty plain */
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(ynode_scalar(ynode_get(root, "e"), &len));
	ck_assert_ptr_null(ynode_strdup(ynode_get(root, "e")));
	ck_assert_ptr_null(ynode_strdup(NULL));
	ck_assert_ptr_null(ynode_scalar(root, &len));
	/* An alias is not a scalar of its own. */
	ck_assert_ptr_null(ynode_scalar(ynode_get(root, "g"), &len));
	ck_assert(!ynode_is_scalar(ynode_get(root, "g")));
	ck_assert(ynode_is(ynode_get(root, "f"), "v"));
	ck_assert(ynode_is(ynode_get(root, "h"), "8080"));
	ck_assert(ynode_is(ynode_get(root, "a"), "plain"));
	ck_assert(!ynode_is(ynode_get(root, "a"), "plai"));
	ck_assert(!ynode_is(ynode_get(root, "a"), "plains"));
	ck_assert(!ynode_is(ynode_get(root, "e"), "[1]"));
	ck_assert(!ynode_is(NULL, ""));
	ck_assert(ynode_is(ynode_get(root, "d"), ""));
	ck_assert(ynode_is_mapping(root));
	ck_assert(!ynode_is_mapping(NULL));
	ck_assert(ynode_is_sequence(ynode_get(root, "e")));
	ck_assert(!ynode_is_sequence(NULL));
	ck_assert(!ynode_is_scalar(NULL));
	fy_document_destroy(d);
}
END_TEST

/* --- lookups ------------------------------------------------------------- */

START_TEST(test_get_and_path)
{
	struct fy_document *d = doc(
		"metadata:\n"
		"  annotations:\n"
		"    agentenv.io/service: web\n"
		"    \"[a]\": bracket\n"
		"    \"{b: c}\": flow\n"
		"    \"1\": one\n"
		"  labels: &l\n"
		"    x: y\n"
		"spec:\n"
		"  containers:\n"
		"  - name: first\n"
		"  - name: second\n"
		"other: *l\n");
	struct fy_node *root = fy_document_root(d);
	struct fy_node *ann = ynode_path(root, "/metadata/annotations");

	ck_assert(ynode_is_mapping(ann));
	ck_assert(ynode_is(ynode_get(ann, "agentenv.io/service"), "web"));
	/* Keys are plain strings, never parsed as YAML. */
	ck_assert(ynode_is(ynode_get(ann, "[a]"), "bracket"));
	ck_assert(ynode_is(ynode_get(ann, "{b: c}"), "flow"));
	ck_assert(ynode_is(ynode_get(ann, "1"), "one"));
	ck_assert_ptr_null(ynode_get(ann, "missing"));
	ck_assert_ptr_null(ynode_get(ynode_get(ann, "1"), "x"));
	ck_assert_ptr_null(ynode_get(NULL, "x"));
	ck_assert(ynode_is(ynode_path(root, "/spec/containers/1/name"),
			   "second"));
	ck_assert(ynode_is(ynode_path(root, "/metadata/annotations/"
				      "'agentenv.io/service'"), "web"));
	ck_assert_ptr_null(ynode_path(root, "/spec/containers/2"));
	ck_assert_ptr_null(ynode_path(NULL, "/spec"));
	/* Aliases are not followed. */
	ck_assert_ptr_null(ynode_path(root, "/other/x"));
	ck_assert_int_eq(ynode_count(ynode_path(root, "/spec/containers")), 2);
	ck_assert_int_eq(ynode_count(ann), 0);
	ck_assert_int_eq(ynode_count(NULL), 0);
	ck_assert(ynode_is(ynode_get(ynode_at(ynode_path(root,
		"/spec/containers"), 0), "name"), "first"));
	fy_document_destroy(d);
}
END_TEST

START_TEST(test_line)
{
	struct fy_document *d = doc("a: 1\n"
				    "b:\n"
				    "  c: 2\n"
				    "  d:\n"
				    "  - x\n"
				    "  - y\n"
				    "e: \"q\"\n");
	struct fy_node *root = fy_document_root(d);

	ck_assert_uint_eq(ynode_line(root), 1);
	ck_assert_uint_eq(ynode_line(ynode_get(root, "a")), 1);
	ck_assert_uint_eq(ynode_line(ynode_get(root, "b")), 3);
	ck_assert_uint_eq(ynode_line(ynode_path(root, "/b/c")), 3);
	ck_assert_uint_eq(ynode_line(ynode_path(root, "/b/d")), 5);
	ck_assert_uint_eq(ynode_line(ynode_path(root, "/b/d/1")), 6);
	ck_assert_uint_eq(ynode_line(ynode_get(root, "e")), 7);
	ck_assert_uint_eq(ynode_line(NULL), 0);
	fy_document_destroy(d);
}
END_TEST

/* --- edits --------------------------------------------------------------- */

START_TEST(test_set_remove)
{
	struct fy_document *d = doc("a: 1\nb: 2\nc: 3\n");
	struct fy_node *root = fy_document_root(d);

	ynode_set(root, "b", ynode_plain(d, "two"));	/* in place */
	ynode_set(root, "z", ynode_plain(d, "last"));	/* appended */
	assert_emits(d, "a: 1\nb: two\nc: 3\nz: last\n");
	ynode_remove(root, "a");
	ynode_remove(root, "nothing");
	ynode_remove(ynode_get(root, "c"), "x");	/* not a mapping */
	assert_emits(d, "b: two\nc: 3\nz: last\n");
	ynode_set(root, "b", ynode_from_yaml(d, "[x, y]"));
	ck_assert(ynode_is_sequence(ynode_get(root, "b")));
	fy_document_destroy(d);
}
END_TEST

/* Keys and values are copied: the caller's strings may go away. */
START_TEST(test_strings_copied)
{
	struct fy_document *d = doc("{}");
	struct fy_node *root = fy_document_root(d);
	char *key = xstrdup("some/key"), *value = xstrdup("value 1");

	ynode_set(root, key, ynode_plain(d, value));
	ynode_set(root, "q", ynode_quoted(d, value));
	memset(key, 'X', strlen(key));
	memset(value, 'X', strlen(value));
	free(key);
	free(value);
	assert_emits(d, "some/key: value 1\nq: \"value 1\"\n");
	fy_document_destroy(d);
}
END_TEST

struct quoted_case {
	const char *in;
	const char *emitted;
};

/* Values that must stay strings whatever they look like. */
static const struct quoted_case quoted_cases[] = {
	{ "true", "k: \"true\"\n" },
	{ "8080", "k: \"8080\"\n" },
	{ "null", "k: \"null\"\n" },
	{ "", "k: \"\"\n" },
	{ "a: b", "k: \"a: b\"\n" },
	{ "# x", "k: \"# x\"\n" },
	{ "say \"hi\"", "k: \"say \\\"hi\\\"\"\n" },
};

START_TEST(test_quoted)
{
	const struct quoted_case *c = &quoted_cases[_i];
	struct fy_document *d = doc("{}");
	struct fy_node *root = fy_document_root(d);
	struct fy_node *v = ynode_quoted(d, c->in);
	char *text;
	struct fy_document *back;

	ck_assert(ynode_is(v, c->in));
	ck_assert_int_eq(fy_node_get_style(v), FYNS_DOUBLE_QUOTED);
	ynode_set(root, "k", v);
	text = emit(d);
	ck_assert_str_eq(text, c->emitted);
	back = doc(text);
	ck_assert(ynode_is(ynode_get(fy_document_root(back), "k"), c->in));
	fy_document_destroy(back);
	free(text);
	fy_document_destroy(d);
}
END_TEST

START_TEST(test_want)
{
	struct fy_document *d = doc("a: {x: 1}\nb: ~\nc: scalar\ns: [1]\n"
				    "n:\ne: null\n");
	struct fy_node *root = fy_document_root(d);
	struct fy_node *m;
	bool empty, tilde, null;

	m = ynode_want_mapping(root, "a");
	ck_assert_ptr_eq(m, ynode_get(root, "a"));
	ck_assert(ynode_is(ynode_get(m, "x"), "1"));
	m = ynode_want_mapping(root, "new");
	ck_assert(ynode_is_mapping(m));
	ck_assert_ptr_eq(m, ynode_get(root, "new"));
	ck_assert_ptr_null(ynode_want_mapping(root, "c"));
	ck_assert_ptr_null(ynode_want_mapping(root, "s"));
	ck_assert(ynode_is_sequence(ynode_want_sequence(root, "s")));
	ck_assert_ptr_null(ynode_want_sequence(root, "a"));
	/* Null values are replaced by an empty collection. */
	empty = ynode_is_mapping(ynode_want_mapping(root, "n"));
	tilde = ynode_is_sequence(ynode_want_sequence(root, "b"));
	null = ynode_is_mapping(ynode_want_mapping(root, "e"));
	fy_document_destroy(d);
	ck_assert_msg(empty, "n: (empty) not made a mapping");
	ck_assert_msg(tilde, "b: ~ not made a sequence");
	ck_assert_msg(null, "e: null not made a mapping");
}
END_TEST

START_TEST(test_sequence_edits)
{
	struct fy_document *d = doc("s: [b, d]\n");
	struct fy_node *s = ynode_get(fy_document_root(d), "s");

	ynode_prepend(s, ynode_plain(d, "a"));
	ynode_append(s, ynode_plain(d, "e"));
	ynode_insert_after(s, ynode_at(s, 1), ynode_plain(d, "c"));
	ynode_insert_after(s, NULL, ynode_plain(d, "0"));
	ck_assert_int_eq(ynode_count(s), 6);
	assert_emits(d, "s:\n- 0\n- a\n- b\n- c\n- d\n- e\n");
	fy_document_destroy(d);
}
END_TEST

/* Fragments and copies live on after their text and source are gone. */
START_TEST(test_from_yaml_and_copy)
{
	struct fy_document *src = doc("c: {name: x, list: [1, 2]}\n");
	struct fy_document *d = doc("{}");
	struct fy_node *root = fy_document_root(d);
	char *text = xstrdup("name: frag\nitems:\n  - 1\n");

	ynode_set(root, "f", ynode_from_yaml(d, text));
	memset(text, ' ', strlen(text));
	free(text);
	ynode_set(root, "c", ynode_copy(d, ynode_get(fy_document_root(src),
						     "c")));
	fy_document_destroy(src);
	assert_emits(d, "f:\n  name: frag\n  items:\n  - 1\n"
		     "c:\n  name: x\n  list:\n  - 1\n  - 2\n");
	fy_document_destroy(d);
}
END_TEST

/*
 * Fragments are parsed once and copied: a copy edited in one document
 * does not change the next one, even across ynode_cache_release().
 */
START_TEST(test_fragment_copies)
{
	struct fy_document *d = doc("{}");
	struct fy_node *root = fy_document_root(d);
	struct fy_node *one = ynode_from_yaml(d, "a: 1\nb: [x]\n");
	struct fy_node *two;

	ynode_set(one, "a", ynode_plain(d, "changed"));
	ynode_append(ynode_get(one, "b"), ynode_plain(d, "y"));
	ynode_set(root, "one", one);
	two = ynode_from_yaml(d, "a: 1\nb: [x]\n");
	ck_assert(ynode_is(ynode_get(two, "a"), "1"));
	ck_assert_int_eq(ynode_count(ynode_get(two, "b")), 1);
	ynode_set(root, "two", two);
	ynode_cache_release();
	ynode_set(root, "three", ynode_from_yaml(d, "a: 1\nb: [x]\n"));
	ynode_set(root, "q", ynode_quoted(d, "true"));
	ynode_set(root, "q2", ynode_quoted(d, "true"));
	assert_emits(d, "one:\n  a: changed\n  b:\n  - x\n  - y\n"
		     "two:\n  a: 1\n  b:\n  - x\n"
		     "three:\n  a: 1\n  b:\n  - x\n"
		     "q: \"true\"\nq2: \"true\"\n");
	fy_document_destroy(d);
}
END_TEST

START_TEST(test_document_and_emit)
{
	struct fy_document *d = ynode_document("# comment\nkind: X\n"
					       "list: [a]\n");
	char *s = emit(d);

	/* Block style, no "---", a final newline. */
	ck_assert_str_eq(s, "kind: X\nlist:\n- a\n");
	free(s);
	fy_document_destroy(d);
	d = ynode_document("long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			   " bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
			   " ccccccccccccccccccccccccccccccc\n");
	s = emit(d);	/* never folded, however long */
	ck_assert_ptr_eq(strchr(s, '\n'), s + strlen(s) - 1);
	ck_assert(!strncmp(s, "long: aaa", 9));
	free(s);
	fy_document_destroy(d);
}
END_TEST

START_TEST(test_has_alias)
{
	struct fy_document *d = doc("a: {x: [1, {y: 2}]}\n"
				    "b: {x: [1, &z {y: 2}]}\n"
				    "c: [*z]\n"
				    "d: {*z : v}\n");
	struct fy_node *root = fy_document_root(d);
	struct fy_node *where = NULL;

	ck_assert(!ynode_has_alias(ynode_get(root, "a"), &where));
	ck_assert_ptr_null(where);
	ck_assert(ynode_has_alias(ynode_get(root, "b"), &where));
	ck_assert_ptr_eq(where, ynode_path(root, "/b/x/1"));
	ck_assert(ynode_has_alias(ynode_get(root, "c"), &where));
	ck_assert(ynode_has_alias(ynode_get(root, "d"), &where));
	ck_assert(ynode_has_alias(root, &where));
	ck_assert(!ynode_has_alias(NULL, &where));
	fy_document_destroy(d);
}
END_TEST

/* Merge keys count: a reader that resolves them sees other values. */
static const struct {
	const char *yaml;	/* the value of "k" is tested */
	bool found;
} merge_cases[] = {
	{ "k: {<<: {hostNetwork: true}}\n", true },
	{ "k: {spec: {<<: {a: 1}, b: 2}}\n", true },
	{ "k: {!!merge x: {a: 1}}\n", true },
	{ "k: {!<tag:yaml.org,2002:merge> x: {a: 1}}\n", true },
	{ "k: {'<<': {a: 1}}\n", false },	/* quoted: a plain key */
	{ "k: {\"<<\": {a: 1}}\n", false },
	{ "k: [<<]\n", false },		/* not a key */
	{ "k: {a: <<}\n", false },
};

START_TEST(test_merge_keys)
{
	struct fy_document *d = doc(merge_cases[_i].yaml);
	struct fy_node *where = NULL;

	ck_assert_msg(ynode_has_alias(ynode_get(fy_document_root(d), "k"),
				      &where) == merge_cases[_i].found,
		      "%s", merge_cases[_i].yaml);
	fy_document_destroy(d);
}
END_TEST

/* Booleans as the API server reads them (YAML 1.1, go-yaml). */
static const struct {
	const char *yaml;	/* the value of "k" is tested */
	enum ybool want;
} bool_cases[] = {
	{ "k: true\n", YBOOL_TRUE }, { "k: True\n", YBOOL_TRUE },
	{ "k: TRUE\n", YBOOL_TRUE }, { "k: yes\n", YBOOL_TRUE },
	{ "k: Yes\n", YBOOL_TRUE }, { "k: YES\n", YBOOL_TRUE },
	{ "k: y\n", YBOOL_TRUE }, { "k: Y\n", YBOOL_TRUE },
	{ "k: on\n", YBOOL_TRUE }, { "k: On\n", YBOOL_TRUE },
	{ "k: ON\n", YBOOL_TRUE },
	{ "k: false\n", YBOOL_FALSE }, { "k: False\n", YBOOL_FALSE },
	{ "k: FALSE\n", YBOOL_FALSE }, { "k: no\n", YBOOL_FALSE },
	{ "k: No\n", YBOOL_FALSE }, { "k: NO\n", YBOOL_FALSE },
	{ "k: n\n", YBOOL_FALSE }, { "k: N\n", YBOOL_FALSE },
	{ "k: off\n", YBOOL_FALSE }, { "k: Off\n", YBOOL_FALSE },
	{ "k: OFF\n", YBOOL_FALSE },
	/* A !!bool tag on a boolean word, in either spelling. */
	{ "k: !!bool yes\n", YBOOL_TRUE },
	{ "k: !!bool \"on\"\n", YBOOL_TRUE },
	{ "k: !<tag:yaml.org,2002:bool> y\n", YBOOL_TRUE },
	{ "k: !!bool off\n", YBOOL_FALSE },
	/* Unset: null or absent. */
	{ "k:\n", YBOOL_UNSET }, { "k: ~\n", YBOOL_UNSET },
	{ "k: null\n", YBOOL_UNSET }, { "j: true\n", YBOOL_UNSET },
	/* No boolean: strings, other tags, numbers, odd spellings. */
	{ "k: \"true\"\n", YBOOL_OTHER }, { "k: 'yes'\n", YBOOL_OTHER },
	{ "k: !!str true\n", YBOOL_OTHER }, { "k: !!bool maybe\n", YBOOL_OTHER },
	{ "k: tRUE\n", YBOOL_OTHER }, { "k: 1\n", YBOOL_OTHER },
	{ "k: yess\n", YBOOL_OTHER }, { "k: [true]\n", YBOOL_OTHER },
	{ "k: {a: true}\n", YBOOL_OTHER }, { "k: |\n  true\n", YBOOL_OTHER },
};

START_TEST(test_bool)
{
	struct fy_document *d = doc(bool_cases[_i].yaml);

	ck_assert_msg(ynode_bool(ynode_get(fy_document_root(d), "k")) ==
		      bool_cases[_i].want, "%s", bool_cases[_i].yaml);
	fy_document_destroy(d);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("ynode");
	TCase *tc = tcase_create("ynode");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_is_null, 0, (int)ARRAY_SIZE(null_cases));
	tcase_add_test(tc, test_scalar);
	tcase_add_test(tc, test_get_and_path);
	tcase_add_test(tc, test_line);
	tcase_add_test(tc, test_set_remove);
	tcase_add_test(tc, test_strings_copied);
	tcase_add_loop_test(tc, test_quoted, 0, (int)ARRAY_SIZE(quoted_cases));
	tcase_add_test(tc, test_want);
	tcase_add_test(tc, test_sequence_edits);
	tcase_add_test(tc, test_from_yaml_and_copy);
	tcase_add_test(tc, test_fragment_copies);
	tcase_add_test(tc, test_document_and_emit);
	tcase_add_test(tc, test_has_alias);
	tcase_add_loop_test(tc, test_merge_keys, 0,
			    (int)ARRAY_SIZE(merge_cases));
	tcase_add_loop_test(tc, test_bool, 0, (int)ARRAY_SIZE(bool_cases));
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
