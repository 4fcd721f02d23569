/*
 * test_json — tests of src/write/json.c, the generic JSON writer: how strings
 * are escaped (a table, every ASCII byte decoded back, non-ASCII UTF-8
 * passed through), how objects and arrays nest and are laid out, and that
 * misuse is a BUG (abort), never malformed JSON.
 */
#include "unit.h"
#include "buf.h"
#include "json.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/* --- strings ------------------------------------------------------------ */

struct escape_case {
	const char *in;
	const char *out;	/* the whole JSON value written */
};

static const struct escape_case escape_cases[] = {
	{ "", "\"\"" },
	{ "web", "\"web\"" },
	{ "a b/c", "\"a b/c\"" },		/* '/' needs no escape */
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "\"", "\"\\\"\"" },
	{ "C:\\dir\\", "\"C:\\\\dir\\\\\"" },
	{ "\\\"", "\"\\\\\\\"\"" },		/* backslash, then quote */
	{ "a\nb", "\"a\\nb\"" },
	{ "\n\n", "\"\\n\\n\"" },
	{ "\t", "\"\\u0009\"" },
	{ "a\rb", "\"a\\u000db\"" },
	{ "\x01", "\"\\u0001\"" },
	{ "\x08\x0c", "\"\\u0008\\u000c\"" },
	{ "\x1b[31mred", "\"\\u001b[31mred\"" },	/* a terminal escape */
	{ "\x1f", "\"\\u001f\"" },
	{ "\x7f", "\"\\u007f\"" },
	{ " ~", "\" ~\"" },			/* 0x20 and 0x7e as they are */
	/* Non-ASCII UTF-8 is copied byte for byte. */
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },			/* U+00E9 */
	{ "\xe2\x9c\x93", "\"\xe2\x9c\x93\"" },			/* U+2713 */
	{ "\xc2\x80", "\"\xc2\x80\"" },				/* U+0080 */
	{ "a\xe2\x80\xa8" "b", "\"a\xe2\x80\xa8" "b\"" },	/* U+2028 */
	{ "\xef\xbb\xbf", "\"\xef\xbb\xbf\"" },			/* U+FEFF */
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },		/* U+1F600 */
	{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },		/* U+10FFFF */
	{ "\xc3\xa9\"\n\x01", "\"\xc3\xa9\\\"\\n\\u0001\"" },
};

START_TEST(test_escape)
{
	const struct escape_case *c = &escape_cases[_i];
	struct buf b = BUF_INIT;
	struct json j;

	json_init(&j, &b);
	json_str(&j, c->in);
	ck_assert_str_eq(b.data, c->out);
	buf_release(&b);
}
END_TEST

/* The same escaping applies to keys. */
START_TEST(test_escape_key)
{
	const struct escape_case *c = &escape_cases[_i];
	struct buf b = BUF_INIT, expect = BUF_INIT;
	struct json j;

	json_init(&j, &b);
	json_open(&j, '{');
	json_key(&j, c->in);
	json_uint(&j, 1);
	json_close(&j, '}');
	buf_addf(&expect, "{\n  %s: 1\n}", c->out);
	ck_assert_str_eq(b.data, expect.data);
	buf_release(&b);
	buf_release(&expect);
}
END_TEST

static unsigned hex_digit(char c)
{
	ck_assert_msg((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'),
		      "'%c' is not a lowercase hex digit", c);
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);
}

/*
 * A JSON string decoder, as RFC 8259 reads one (the escapes the writer
 * uses; \u only below 0x80): returns the decoded text, which the caller
 * frees, and fails on a raw control byte, a stray quote or a bad escape.
 */
static char *json_decode(const char *s)
{
	struct buf out = BUF_INIT;

	ck_assert_int_eq(*s++, '"');
	for (; *s != '"'; s++) {
		unsigned char c = (unsigned char)*s;

		ck_assert_msg(c >= 0x20 && c != 0x7f,
			      "raw control byte 0x%02x", c);
		if (c != '\\') {
			buf_addch(&out, *s);
			continue;
		}
		switch (*++s) {
		case '"':
		case '\\':
		case '/':
			buf_addch(&out, *s);
			break;
		case 'n':
			buf_addch(&out, '\n');
			break;
		case 'u': {
			unsigned cp = 0;
			int i;

			for (i = 0; i < 4; i++)
				cp = cp * 16 + hex_digit(*++s);
			ck_assert_uint_lt(cp, 0x80);
			buf_addch(&out, (char)cp);
			break;
		}
		default:
			ck_abort_msg("unknown escape \\%c", *s);
		}
	}
	ck_assert_int_eq(s[1], '\0');
	return buf_detach(&out, NULL);
}

/* Every ASCII byte, alone and between others, decodes back to itself. */
START_TEST(test_every_ascii_byte)
{
	char in[4] = { 'a', (char)_i, 'z', '\0' };
	struct buf b = BUF_INIT;
	struct json j;
	char *back;

	json_init(&j, &b);
	json_str(&j, in);
	back = json_decode(b.data);
	ck_assert_str_eq(back, in);
	free(back);
	buf_release(&b);
}
END_TEST

/* --- nesting and layout -------------------------------------------------- */

static void write_empty_object(struct json *j)
{
	json_open(j, '{');
	json_close(j, '}');
}

static void write_empty_array(struct json *j)
{
	json_open(j, '[');
	json_close(j, ']');
}

static void write_scalars(struct json *j)
{
	json_open(j, '[');
	json_str(j, "s");
	json_str(j, NULL);
	json_uint(j, 0);
	json_uint(j, 4294967295u);
	json_bool(j, true);
	json_bool(j, false);
	json_close(j, ']');
}

static void write_members(struct json *j)
{
	json_open(j, '{');
	json_str_member(j, "name", "web");
	json_str_member(j, "namespace", NULL);
	json_key(j, "port");
	json_uint(j, 8080);
	json_key(j, "isolated");
	json_bool(j, false);
	json_close(j, '}');
}

static void write_names(struct json *j)
{
	static char *const names[] = { "a", "b\"c" };

	json_open(j, '{');
	json_names(j, "none", NULL, 0);
	json_names(j, "two", names, 2);
	json_close(j, '}');
}

static void write_nested(struct json *j)
{
	json_open(j, '{');
	json_key(j, "schema");
	json_uint(j, 1);
	json_key(j, "services");
	json_open(j, '[');
	json_open(j, '{');
	json_key(j, "ports");
	json_open(j, '[');
	json_open(j, '{');
	json_key(j, "port");
	json_uint(j, 80);
	json_close(j, '}');
	json_close(j, ']');
	json_key(j, "empty");
	json_open(j, '{');
	json_close(j, '}');
	json_close(j, '}');
	json_open(j, '[');
	json_close(j, ']');
	json_close(j, ']');
	json_key(j, "last");
	json_str(j, "x");
	json_close(j, '}');
}

/* Arrays in arrays, as deep as the writer allows. */
static void write_deepest(struct json *j)
{
	int i;

	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_open(j, '[');
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_close(j, ']');
}

static const char deepest[] =
	"[\n  [\n    [\n      [\n        [\n          [\n            [\n"
	"              [\n                [\n                  [\n"
	"                    [\n                      [\n"
	"                        [\n                          [\n"
	"                            []\n"
	"                          ]\n                        ]\n"
	"                      ]\n                    ]\n"
	"                  ]\n                ]\n              ]\n"
	"            ]\n          ]\n        ]\n      ]\n    ]\n  ]\n]";

struct layout_case {
	const char *name;
	void (*write)(struct json *j);
	const char *out;
};

static const struct layout_case layout_cases[] = {
	{ "empty object", write_empty_object, "{}" },
	{ "empty array", write_empty_array, "[]" },
	{ "scalars", write_scalars,
	  "[\n  \"s\",\n  null,\n  0,\n  4294967295,\n  true,\n  false\n]" },
	{ "members", write_members,
	  "{\n  \"name\": \"web\",\n  \"namespace\": null,\n"
	  "  \"port\": 8080,\n  \"isolated\": false\n}" },
	{ "names", write_names,
	  "{\n  \"none\": [],\n  \"two\": [\n    \"a\",\n    \"b\\\"c\"\n"
	  "  ]\n}" },
	{ "nested", write_nested,
	  "{\n"
	  "  \"schema\": 1,\n"
	  "  \"services\": [\n"
	  "    {\n"
	  "      \"ports\": [\n"
	  "        {\n"
	  "          \"port\": 80\n"
	  "        }\n"
	  "      ],\n"
	  "      \"empty\": {}\n"
	  "    },\n"
	  "    []\n"
	  "  ],\n"
	  "  \"last\": \"x\"\n"
	  "}" },
	{ "deepest", write_deepest, deepest },
};

START_TEST(test_layout)
{
	const struct layout_case *c = &layout_cases[_i];
	struct buf b = BUF_INIT;
	struct json j;

	buf_adds(&b, "before:");	/* appended to what b holds */
	json_init(&j, &b);
	c->write(&j);
	ck_assert_msg(!strncmp(b.data, "before:", 7), "%s: prefix lost",
		      c->name);
	ck_assert_msg(!strcmp(b.data + 7, c->out), "%s: got\n%s\nwant\n%s",
		      c->name, b.data + 7, c->out);
	ck_assert_int_eq(j.depth, 0);
	buf_release(&b);
}
END_TEST

/* --- misuse is a BUG ------------------------------------------------------- */

static void misuse_close_mismatch(struct json *j)
{
	json_open(j, '{');
	json_close(j, ']');
}

static void misuse_close_nothing_open(struct json *j)
{
	json_close(j, '}');
}

static void misuse_key_at_top(struct json *j)
{
	json_key(j, "k");
}

static void misuse_key_in_array(struct json *j)
{
	json_open(j, '[');
	json_key(j, "k");
}

static void misuse_value_without_key(struct json *j)
{
	json_open(j, '{');
	json_str(j, "v");
}

static void misuse_key_after_key(struct json *j)
{
	json_open(j, '{');
	json_key(j, "a");
	json_key(j, "b");
}

static void misuse_close_after_key(struct json *j)
{
	json_open(j, '{');
	json_key(j, "a");
	json_close(j, '}');
}

static void misuse_too_deep(struct json *j)
{
	int i;

	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		json_open(j, '[');
}

static void misuse_bad_bracket(struct json *j)
{
	json_open(j, '(');
}

static void (*const misuses[])(struct json *j) = {
	misuse_close_mismatch,
	misuse_close_nothing_open,
	misuse_key_at_top,
	misuse_key_in_array,
	misuse_value_without_key,
	misuse_key_after_key,
	misuse_close_after_key,
	misuse_too_deep,
	misuse_bad_bracket,
};

/* Check runs each in a child: the BUG's message goes nowhere. */
START_TEST(test_misuse)
{
	struct buf b = BUF_INIT;
	struct json j;

	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
	json_init(&j, &b);
	misuses[_i](&j);
	buf_release(&b);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_loop_test(tc, test_escape, 0, (int)ARRAY_SIZE(escape_cases));
	tcase_add_loop_test(tc, test_escape_key, 0,
			    (int)ARRAY_SIZE(escape_cases));
	tcase_add_loop_test(tc, test_every_ascii_byte, 1, 0x80);
	tcase_add_loop_test(tc, test_layout, 0, (int)ARRAY_SIZE(layout_cases));
	tcase_add_loop_test_raise_signal(tc, test_misuse, SIGABRT, 0,
					 (int)ARRAY_SIZE(misuses));
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
