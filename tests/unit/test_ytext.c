/*
 * test_ytext — the text writer writes what libfyaml's emitter writes for
 * the same data: scalars (every ASCII byte, the YAML line breaks, other
 * Unicode) and the shapes of templates (slots, indentation, literals).
 */
#include "unit.h"

#include "buf.h"
#include "ynode.h"
#include "ytext.h"

/* "k: VALUE\n" as libfyaml emits value (quoted or plain) in a mapping. */
static char *emitted(const char *value, bool quoted)
{
	struct fy_document *d = ynode_document("k: v\n");
	char *text;
	size_t len;

	ynode_set(fy_document_root(d), "k", quoted ? ynode_quoted(d, value) :
		  ynode_plain(d, value));
	text = ynode_emit(d, &len);
	fy_document_destroy(d);
	ynode_cache_release();
	return text;
}

static void assert_same_as_emitter(const char *value, bool quoted)
{
	struct buf b = BUF_INIT;
	char *want = emitted(value, quoted);

	if (quoted)
		ytext_pair_quoted(&b, 0, "k", value);
	else
		ytext_pair_plain(&b, 0, "k", value);
	ck_assert_str_eq(b.data, want);
	free(want);
	buf_release(&b);
}

START_TEST(test_quoted_ascii)
{
	char value[4] = { 'a', (char)(_i + 1), 'z', '\0' };

	assert_same_as_emitter(value, true);
	assert_same_as_emitter(value + 1, true);
}
END_TEST

static const char *const unicode[] = {
	"\xc2\x85", "a\xe2\x80\xa8" "b", "\xe2\x80\xa9", "\xc2\x80",
	"\xc2\xa0", "\xef\xbb\xbf", "caf\xc3\xa9", "\xf0\x9f\x90\xb3",
	"\xef\xbf\xbe", "", " lead", "trail ", "Allow \"x\".\nAnd \\.\n",
};

START_TEST(test_quoted_unicode)
{
	assert_same_as_emitter(unicode[_i], true);
}
END_TEST

/*
 * Characters YAML does not take raw inside double quotes (C1 controls,
 * U+FFFE, U+FFFF; go-yaml: "control characters are not allowed"), and
 * the ones libfyaml escapes besides (NBSP, BOM, line breaks): escaped as
 * libfyaml's emitter escapes them (finding 14).
 */
static const struct quoted_case {
	const char *in;
	const char *out;
} quoted_cases[] = {
	{ "\xc2\x80", "\"\\x80\"" },
	{ "x=\xc2\x80", "\"x=\\x80\"" },
	{ "a\xc2\x81\xc2\x9f" "b", "\"a\\x81\\x9Fb\"" },
	{ "\xc2\x85", "\"\\N\"" },
	{ "\xc2\x84\xc2\x85\xc2\x86", "\"\\x84\\N\\x86\"" },
	{ "\xc2\xa0", "\"\\_\"" },
	{ "\xc2\xa1\xc2\xbf", "\"\xc2\xa1\xc2\xbf\"" },
	{ "\xef\xbf\xbe", "\"\\uFFFE\"" },
	{ "a\xef\xbf\xbf" "b", "\"a\\uFFFFb\"" },
	{ "\xef\xbb\xbf" "bom", "\"\\uFEFFbom\"" },
	{ "\xef\xbf\xbd", "\"\xef\xbf\xbd\"" },
	{ "\xef\xbf\xbc\xee\x80\x80", "\"\xef\xbf\xbc\xee\x80\x80\"" },
	{ "\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xa7",
	  "\"\\L\\P\xe2\x80\xa7\"" },
	{ "\x01\x7f\t", "\"\\x01\\x7F\\t\"" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
};

/* The scalar libfyaml's emitter writes for a value it builds itself. */
static char *emitter_own(const char *value)
{
	struct fy_document *d = fy_document_create(NULL);
	struct fy_node *map = fy_node_create_mapping(d);
	char *text;

	ck_assert(fy_node_mapping_append(map,
		fy_node_create_scalar_copy(d, "k", 1),
		fy_node_create_scalar_copy(d, value, strlen(value))) == 0);
	fy_document_set_root(d, map);
	text = fy_emit_document_to_string(d, FYECF_MODE_BLOCK);
	fy_document_destroy(d);
	return text;
}

START_TEST(test_quoted_escapes)
{
	const struct quoted_case *c = &quoted_cases[_i];
	struct buf b = BUF_INIT, doc = BUF_INIT;
	struct fy_document *d;
	char *own, *back;

	ytext_quoted(&b, c->in);
	ck_assert_str_eq(b.data, c->out);
	/* libfyaml reads it back as the same string */
	buf_addf(&doc, "k: %s\n", b.data);
	d = ynode_document(doc.data);
	ck_assert_msg(d, "%s does not parse", b.data);
	back = ynode_strdup(ynode_get(fy_document_root(d), "k"));
	ck_assert_str_eq(back, c->in);
	free(back);
	fy_document_destroy(d);
	/* where libfyaml's emitter double-quotes the value itself, it
	 * writes the same text */
	own = emitter_own(c->in);
	if (!strncmp(own, "k: \"", 4)) {
		buf_reset(&doc);
		buf_addf(&doc, "k: %s\n", b.data);
		ck_assert_str_eq(own, doc.data);
	}
	free(own);
	buf_release(&doc);
	buf_release(&b);
}
END_TEST

/* Names, namespaces, label keys: written plain as the emitter does. */
static const char *const plain[] = {
	"agentenv-ctf", "web", "a.b", "inspect/service", "aisi.gov.uk/network-a",
	"-a", "a_b", "ns-1", "agentenv-r-svc-web-dmz-ingress",
};

START_TEST(test_plain)
{
	assert_same_as_emitter(plain[_i], false);
}
END_TEST

/* What cannot be plain is quoted (the emitter would quote it too). */
START_TEST(test_plain_falls_back_to_quoted)
{
	struct buf b = BUF_INIT;

	ytext_plain(&b, "*.x");
	ytext_plain(&b, "");
	ytext_plain(&b, "a b");
	ytext_plain(&b, "a: b");
	ck_assert_str_eq(b.data, "\"*.x\"\"\"\"a b\"\"a: b\"");
	buf_release(&b);
}
END_TEST

static void slot(struct buf *b, const char *name, size_t name_len,
		 size_t indent, bool block, void *data)
{
	(void)data;
	if (block && ytext_slot_is(name, name_len, "items")) {
		ytext_item_quoted(b, indent, "k", "one");
		ytext_item_quoted(b, indent, "k", "two");
	} else if (block && ytext_slot_is(name, name_len, "none")) {
		return;
	} else if (!block && ytext_slot_is(name, name_len, "v")) {
		ytext_quoted(b, "x\ny");
	} else if (block && ytext_slot_is(name, name_len, "text")) {
		ytext_literal(b, indent, "a\n\n  b\n");
	} else {
		ck_abort_msg("unknown slot %.*s", (int)name_len, name);
	}
}

START_TEST(test_template)
{
	static const char tmpl[] =
		"# a comment, skipped\n"
		"top:\n"
		"  list:\n"
		"  ${items}\n"
		"  ${none}\n"
		"  inline: ${v} and ${v}\n"
		"  block: |\n"
		"    ${text}\n"
		"dollar: $x {y}\n";
	struct buf b = BUF_INIT;

	ytext_template(&b, tmpl, 2, slot, NULL);
	ck_assert_str_eq(b.data,
			 "  top:\n"
			 "    list:\n"
			 "    - k: \"one\"\n"
			 "    - k: \"two\"\n"
			 "    inline: \"x\\ny\" and \"x\\ny\"\n"
			 "    block: |\n"
			 "      a\n"
			 "      \n"
			 "        b\n"
			 "  dollar: $x {y}\n");
	buf_release(&b);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("ytext");
	TCase *tc = tcase_create("ytext");

	tcase_add_loop_test(tc, test_quoted_ascii, 0, 0x7f);
	tcase_add_loop_test(tc, test_quoted_unicode, 0,
			    (int)ARRAY_SIZE(unicode));
	tcase_add_loop_test(tc, test_quoted_escapes, 0,
			    (int)ARRAY_SIZE(quoted_cases));
	tcase_add_loop_test(tc, test_plain, 0, (int)ARRAY_SIZE(plain));
	tcase_add_test(tc, test_plain_falls_back_to_quoted);
	tcase_add_test(tc, test_template);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
