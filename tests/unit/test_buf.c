/*
 * test_buf — tests of src/base/buf.c: growth, NUL-termination, formatting,
 * detaching, and YAML double-quoting checked by parsing the result back
 * with libfyaml.
 */
#include "unit.h"
#include "buf.h"

#include <libfyaml.h>
#include <stdbool.h>
#include <stdio.h>

#define LIT(s) s, sizeof(s) - 1

/* The invariants every buffer keeps, whatever was done to it. */
static void assert_buf_ok(const struct buf *b)
{
	ck_assert_ptr_nonnull(b->data);
	ck_assert_msg(b->data[b->len] == '\0', "no NUL at data[%zu]", b->len);
	if (b->alloc)
		ck_assert_uint_lt(b->len, b->alloc);
	else
		ck_assert_ptr_eq(b->data, buf_empty);
}

/* --- init, growth, reset, release ---------------------------------------- */

START_TEST(test_init)
{
	struct buf a = BUF_INIT, b;

	buf_init(&b);
	ck_assert_ptr_eq(a.data, buf_empty);
	ck_assert_ptr_eq(b.data, buf_empty);
	ck_assert_uint_eq(a.len, 0);
	ck_assert_uint_eq(b.alloc, 0);
	ck_assert_str_eq(b.data, "");
	/* Nothing appended: nothing allocated, release is a no-op. */
	buf_add(&b, "x", 0);
	ck_assert_ptr_eq(b.data, buf_empty);
	buf_adds(&b, "");
	ck_assert_ptr_eq(b.data, buf_empty);
	buf_release(&b);
	assert_buf_ok(&b);
	ck_assert_str_eq(buf_empty, "");
}
END_TEST

/* Appending one byte at a time through many reallocations. */
START_TEST(test_growth_bytes)
{
	struct buf b = BUF_INIT;
	size_t i, reallocs = 0, last_alloc = 0;

	for (i = 0; i < 10000; i++) {
		buf_addch(&b, (char)('a' + i % 26));
		assert_buf_ok(&b);
		ck_assert_uint_eq(b.len, i + 1);
		if (b.alloc != last_alloc) {
			reallocs++;
			last_alloc = b.alloc;
		}
	}
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(b.data[i], 'a' + (int)(i % 26));
	/* Geometric growth: a handful of reallocations, not thousands. */
	ck_assert_uint_lt(reallocs, 20);
	ck_assert_uint_eq(strlen(b.data), 10000);
	buf_release(&b);
	assert_buf_ok(&b);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

/* Appends of every size, checked against a plain copy. */
START_TEST(test_growth_chunks)
{
	struct buf b = BUF_INIT;
	char chunk[300], *expect = malloc(300 * 300);
	size_t n, total = 0;

	ck_assert_ptr_nonnull(expect);
	for (n = 0; n < 300; n++) {
		memset(chunk, (int)('A' + n % 50), n);
		buf_add(&b, chunk, n);
		memcpy(expect + total, chunk, n);
		total += n;
		assert_buf_ok(&b);
		ck_assert_uint_eq(b.len, total);
	}
	ck_assert(!memcmp(b.data, expect, total));
	free(expect);
	buf_release(&b);
}
END_TEST

/* NUL bytes are data: buf_add keeps them and counts them. */
START_TEST(test_embedded_nul)
{
	struct buf b = BUF_INIT;

	buf_add(&b, LIT("a\0b"));
	buf_addch(&b, '\0');
	buf_adds(&b, "c");
	assert_buf_ok(&b);
	ck_assert_uint_eq(b.len, 5);
	ck_assert(!memcmp(b.data, "a\0b\0c", 6));
	buf_release(&b);
}
END_TEST

START_TEST(test_reset)
{
	struct buf b = BUF_INIT;
	size_t alloc;

	buf_reset(&b);		/* on an empty buffer: still valid */
	assert_buf_ok(&b);
	buf_adds(&b, "hello, world");
	alloc = b.alloc;
	buf_reset(&b);
	assert_buf_ok(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	ck_assert_uint_eq(b.alloc, alloc);	/* memory is kept */
	buf_adds(&b, "again");
	ck_assert_str_eq(b.data, "again");
	ck_assert_uint_eq(b.len, 5);
	buf_release(&b);
	/* Released, then used again. */
	buf_adds(&b, "third");
	ck_assert_str_eq(b.data, "third");
	buf_release(&b);
	ck_assert_ptr_eq(b.data, buf_empty);
}
END_TEST

/* --- buf_addf ------------------------------------------------------------ */

struct addf_case {
	const char *before;	/* appended first */
	const char *expect;	/* the whole buffer after */
	int which;		/* the format of run_addf() */
};

static const char long_arg[] =
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123"
	"0123456789012345678901234567890123456789012345678901234567890123";

static void run_addf(struct buf *b, int which)
{
	switch (which) {
	case 0:
		buf_addf(b, "%d-%s", 42, "x");
		break;
	case 1:
		buf_addf(b, "%s", "");
		break;
	case 2:
		buf_addf(b, "[%s]", long_arg);
		break;
	case 3:
		buf_addf(b, "%zu/%u/%c/%%", (size_t)123456789, 7u, 'z');
		break;
	case 4:
		buf_addf(b, "%5s|%-3d|%03d", "ab", 1, 7);
		break;
	case 5:
		buf_addf(b, "%.3s", "abcdef");
		break;
	default:
		ck_abort_msg("no format %d", which);
	}
}

static const struct addf_case addf_cases[] = {
	{ "", "42-x", 0 },
	{ "pre:", "pre:42-x", 0 },
	{ "", "", 1 },
	{ "keep", "keep", 1 },
	{ "", "[" "0123456789012345678901234567890123456789012345678901234567"
	  "890123" "012345678901234567890123456789012345678901234567890123456"
	  "7890123" "0123456789012345678901234567890123456789012345678901234"
	  "567890123" "]", 2 },
	{ "", "123456789/7/z/%", 3 },
	{ "x", "x   ab|1  |007", 4 },
	{ "", "abc", 5 },
};

START_TEST(test_addf)
{
	const struct addf_case *c = &addf_cases[_i];
	struct buf b = BUF_INIT;

	buf_adds(&b, c->before);
	run_addf(&b, c->which);
	assert_buf_ok(&b);
	ck_assert_str_eq(b.data, c->expect);
	ck_assert_uint_eq(b.len, strlen(c->expect));
	/* And again, appended after what is there. */
	run_addf(&b, c->which);
	assert_buf_ok(&b);
	ck_assert_uint_eq(b.len, 2 * strlen(c->expect) - strlen(c->before));
	ck_assert(!strncmp(b.data + strlen(c->expect),
			   c->expect + strlen(c->before),
			   strlen(c->expect) - strlen(c->before)));
	buf_release(&b);
}
END_TEST

/* Many formatted appends that cross the allocation size often. */
START_TEST(test_addf_growth)
{
	struct buf b = BUF_INIT;
	char expect[16];
	size_t i, pos = 0;

	for (i = 0; i < 2000; i++)
		buf_addf(&b, "%zu,", i);
	assert_buf_ok(&b);
	for (i = 0; i < 2000; i++) {
		size_t n = (size_t)snprintf(expect, sizeof(expect), "%zu,", i);

		ck_assert(!strncmp(b.data + pos, expect, n));
		pos += n;
	}
	ck_assert_uint_eq(pos, b.len);
	buf_release(&b);
}
END_TEST

/* --- buf_detach ---------------------------------------------------------- */

START_TEST(test_detach)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *s;

	buf_adds(&b, "owned");
	buf_addch(&b, '!');
	s = buf_detach(&b, &len);
	ck_assert_str_eq(s, "owned!");
	ck_assert_uint_eq(len, 6);
	/* The buffer is empty and usable again, not sharing s. */
	assert_buf_ok(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_eq(b.data, buf_empty);
	buf_adds(&b, "new");
	ck_assert_str_eq(s, "owned!");
	ck_assert_ptr_ne(b.data, s);
	free(s);
	buf_release(&b);
}
END_TEST

START_TEST(test_detach_empty)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *s = buf_detach(&b, &len);

	/* A never-used buffer still gives a string the caller can free. */
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_ne(s, buf_empty);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	s = buf_detach(&b, NULL);	/* len may be NULL */
	ck_assert_str_eq(s, "");
	free(s);
	/* A buffer that was reset to empty detaches as "". */
	buf_adds(&b, "gone");
	buf_reset(&b);
	s = buf_detach(&b, &len);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	ck_assert_str_eq(buf_empty, "");
}
END_TEST

/* --- memory helpers ------------------------------------------------------ */

START_TEST(test_xhelpers)
{
	char *s = xmemdup0("abcdef", 3);
	char *t = xstrdup("xyz");
	int *arr = NULL;
	size_t alloc = 0, i;

	ck_assert_str_eq(s, "abc");
	ck_assert_str_eq(t, "xyz");
	ck_assert_ptr_ne(t, (char *)"xyz");
	free(s);
	free(t);
	s = xmemdup0("", 0);
	ck_assert_str_eq(s, "");
	free(s);

	for (i = 0; i < 1000; i++) {
		arr = xgrow(arr, sizeof(*arr), i + 1, &alloc);
		ck_assert_uint_ge(alloc, i + 1);
		arr[i] = (int)i;
	}
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(arr[i], (int)i);
	/* Asking for no more than there is changes nothing. */
	ck_assert_ptr_eq(xgrow(arr, sizeof(*arr), 10, &alloc), arr);
	free(arr);
	arr = xcalloc(4, sizeof(*arr));
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(arr[i], 0);
	free(arr);
}
END_TEST

/* --- buf_add_yaml_quoted ------------------------------------------------- */

struct quote_case {
	const char *in;
	size_t in_len;
	const char *out;
};

#define Q(in, out) { LIT(in), out }

static const struct quote_case quote_cases[] = {
	Q("", "\"\""),
	Q("plain", "\"plain\""),
	Q("true", "\"true\""),
	Q("8080", "\"8080\""),
	Q("a\"b", "\"a\\\"b\""),
	Q("\"", "\"\\\"\""),
	Q("a\\b", "\"a\\\\b\""),
	Q("\\", "\"\\\\\""),
	Q("\\\"", "\"\\\\\\\"\""),
	Q("\\x41", "\"\\\\x41\""),
	Q("a\nb", "\"a\\nb\""),
	Q("\r\n", "\"\\r\\n\""),
	Q("\t", "\"\\t\""),
	Q("a\0b", "\"a\\0b\""),
	Q("\x1b[31m", "\"\\e[31m\""),
	Q("\x7f", "\"\\x7F\""),
	Q("\x01\x1f", "\"\\x01\\x1F\""),
	Q("# not a comment", "\"# not a comment\""),
	Q("key: value", "\"key: value\""),
	Q("- item", "\"- item\""),
	Q("{a: b}", "\"{a: b}\""),
	Q("'single'", "\"'single'\""),
	Q("*alias &anchor !tag", "\"*alias &anchor !tag\""),
	Q(" lead and trail ", "\" lead and trail \""),
	Q("caf\xc3\xa9", "\"caf\xc3\xa9\""),
	Q("\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\""),
	Q("\xf0\x9f\x90\xb3 whale", "\"\xf0\x9f\x90\xb3 whale\""),
	Q("\"\n\xc3\xa9\\", "\"\\\"\\n\xc3\xa9\\\\\""),
	/* C1 controls, U+FFFE/U+FFFF: no YAML printable (finding 14) */
	Q("x\xc2\x80", "\"x\\x80\""),
	Q("\xc2\x9f\xc2\x85\xc2\xa0\xc2\xa1", "\"\\x9F\\N\\_\xc2\xa1\""),
	Q("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", "\"\\uFFFE\\uFFFF\xef\xbf\xbd\""),
	Q("\xef\xbb\xbf", "\"\\uFEFF\""),
};

/* Parse text as one YAML document whose root is a scalar. */
static void assert_reparses(const char *text, size_t text_len,
			    const char *want, size_t want_len, bool yaml11)
{
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET |
			 (yaml11 ? FYPCF_DEFAULT_VERSION_1_1 : 0),
	};
	struct fy_document *d;
	struct fy_node *root;
	const char *s = NULL;
	char got[256];
	size_t len = 0;
	bool scalar = false, quoted = false, same;

	d = fy_document_build_from_string(&cfg, text, text_len);
	ck_assert_msg(d != NULL, "YAML %s: does not parse: %s",
		      yaml11 ? "1.1" : "1.2", text);
	root = fy_document_root(d);
	scalar = fy_node_is_scalar(root);
	if (scalar) {
		quoted = fy_node_get_style(root) == FYNS_DOUBLE_QUOTED;
		s = fy_node_get_scalar(root, &len);
	}
	if (!s)
		s = "";
	same = len == want_len && !memcmp(s, want, len);
	snprintf(got, sizeof(got), "%.*s", (int)len, s);
	fy_document_destroy(d);	/* before any assertion can fail */
	ck_assert(scalar && quoted);
	ck_assert_msg(same, "YAML %s: %s reads back as '%s' (%zu bytes), "
		      "not the %zu bytes given", yaml11 ? "1.1" : "1.2", text,
		      got, len, want_len);
}

static void assert_safe_quoting(const struct buf *b)
{
	size_t i;

	ck_assert_uint_ge(b->len, 2);
	ck_assert_int_eq(b->data[0], '"');
	ck_assert_int_eq(b->data[b->len - 1], '"');
	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		ck_assert_msg(c >= 0x20 && c != 0x7f,
			      "raw control byte 0x%02x at %zu", c, i);
		/* nor a C1 control, U+FEFF, U+FFFE, U+FFFF */
		ck_assert_msg(!(c == 0xc2 && i + 1 < b->len &&
				(unsigned char)b->data[i + 1] < 0xa1),
			      "raw C1 control or NBSP at %zu", i);
		ck_assert_msg(!(c == 0xef && i + 2 < b->len &&
				((b->data[i + 1] == '\xbf' &&
				  (unsigned char)b->data[i + 2] >= 0xbe) ||
				 (b->data[i + 1] == '\xbb' &&
				  b->data[i + 2] == '\xbf'))),
			      "raw U+FEFF, U+FFFE or U+FFFF at %zu", i);
		if (c == '\\') {	/* an escape: skip what it escapes */
			ck_assert_uint_lt(i + 1, b->len - 1);
			i++;
		} else if (c == '"') {
			ck_assert(i == 0 || i == b->len - 1);
		}
	}
}

START_TEST(test_quote)
{
	const struct quote_case *c = &quote_cases[_i];
	struct buf b = BUF_INIT;

	buf_adds(&b, "k: ");
	buf_add_yaml_quoted(&b, c->in, c->in_len);
	assert_buf_ok(&b);
	ck_assert_str_eq(b.data + 3, c->out);
	ck_assert_uint_eq(b.len, 3 + strlen(c->out));
	buf_reset(&b);
	buf_add_yaml_quoted(&b, c->in, c->in_len);
	assert_safe_quoting(&b);
	assert_reparses(b.data, b.len, c->in, c->in_len, false);
	assert_reparses(b.data, b.len, c->in, c->in_len, true);
	buf_release(&b);
}
END_TEST

/* Every byte value below 0x80, alone and between letters, round-trips. */
START_TEST(test_quote_every_ascii_byte)
{
	char in[3] = { 'a', (char)_i, 'z' };
	struct buf b = BUF_INIT;

	buf_add_yaml_quoted(&b, in, sizeof(in));
	assert_safe_quoting(&b);
	assert_reparses(b.data, b.len, in, sizeof(in), false);
	assert_reparses(b.data, b.len, in, sizeof(in), true);
	buf_reset(&b);
	buf_add_yaml_quoted(&b, in + 1, 1);
	assert_safe_quoting(&b);
	assert_reparses(b.data, b.len, in + 1, 1, false);
	assert_reparses(b.data, b.len, in + 1, 1, true);
	buf_release(&b);
}
END_TEST

/*
 * Code points that YAML treats specially when they appear raw: NEL
 * (U+0085) and the line and paragraph separators are line breaks in YAML
 * 1.1 (the version the stream is parsed as), the BOM is a byte order mark.
 * Quoting must keep them as they are in either version.
 */
static const struct quote_case unicode_cases[] = {
	Q("a\xc2\x85" "b", NULL),		/* U+0085 NEL */
	Q("a\xe2\x80\xa8" "b", NULL),		/* U+2028 LS */
	Q("a\xe2\x80\xa9" "b", NULL),		/* U+2029 PS */
	Q("a\xef\xbb\xbf" "b", NULL),		/* U+FEFF BOM */
	Q("\xc2\xa0nbsp\xc2\xa0", NULL),	/* U+00A0 */
	Q("\xc2\x80", NULL),			/* U+0080 */
	Q("\xf4\x8f\xbf\xbf", NULL),		/* U+10FFFF */
};

START_TEST(test_quote_unicode)
{
	const struct quote_case *c = &unicode_cases[_i];
	struct buf b = BUF_INIT;
	char text[64];
	size_t len;

	buf_add_yaml_quoted(&b, c->in, c->in_len);
	assert_safe_quoting(&b);
	ck_assert_uint_lt(b.len, sizeof(text));
	memcpy(text, b.data, b.len + 1);
	len = b.len;
	buf_release(&b);	/* before any assertion can fail */
	assert_reparses(text, len, c->in, c->in_len, false);
	assert_reparses(text, len, c->in, c->in_len, true);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("buf");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_growth_bytes);
	tcase_add_test(tc, test_growth_chunks);
	tcase_add_test(tc, test_embedded_nul);
	tcase_add_test(tc, test_reset);
	tcase_add_loop_test(tc, test_addf, 0, (int)ARRAY_SIZE(addf_cases));
	tcase_add_test(tc, test_addf_growth);
	tcase_add_test(tc, test_detach);
	tcase_add_test(tc, test_detach_empty);
	tcase_add_test(tc, test_xhelpers);
	tcase_add_loop_test(tc, test_quote, 0, (int)ARRAY_SIZE(quote_cases));
	tcase_add_loop_test(tc, test_quote_every_ascii_byte, 0, 0x80);
	tcase_add_loop_test(tc, test_quote_unicode, 0,
			    (int)ARRAY_SIZE(unicode_cases));
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
