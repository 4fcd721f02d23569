/*
 * test_output — the output is handed on in order, small pieces gathered
 * into OUTPUT_CHUNK-sized writes, large pieces passed on without a copy.
 */
#include "unit.h"

#include <stdio.h>

#include "buf.h"
#include "output.h"

struct sink {
	struct buf all;		/* everything, in order */
	size_t calls;
	const char *last;	/* the last call's bytes */
};

static void record(void *data, const char *bytes, size_t len)
{
	struct sink *k = data;

	buf_add(&k->all, bytes, len);
	k->calls++;
	k->last = bytes;
}

START_TEST(test_small_pieces_are_gathered)
{
	struct sink k = { BUF_INIT, 0, NULL };
	struct output o;
	struct buf want = BUF_INIT;
	size_t i;

	output_init(&o, record, &k);
	for (i = 0; i < 20000; i++) {
		char piece[32];
		int n = snprintf(piece, sizeof(piece), "piece %zu\n", i);

		output_add(&o, piece, (size_t)n);
		buf_add(&want, piece, (size_t)n);
	}
	ck_assert_uint_lt(o.written, want.len);	/* some still pending */
	output_flush(&o);
	ck_assert_uint_eq(o.written, want.len);
	ck_assert_uint_eq(k.all.len, want.len);
	ck_assert(!memcmp(k.all.data, want.data, want.len));
	/* Few calls: pieces were gathered into chunks. */
	ck_assert_uint_le(k.calls, want.len / (OUTPUT_CHUNK / 2) + 1);
	output_flush(&o);	/* nothing pending: no call */
	ck_assert_uint_eq(k.all.len, want.len);
	output_release(&o);
	buf_release(&want);
	buf_release(&k.all);
}
END_TEST

START_TEST(test_large_piece_is_not_copied)
{
	struct sink k = { BUF_INIT, 0, NULL };
	struct output o;
	size_t len = OUTPUT_CHUNK * 3;
	char *large = xmalloc(len);

	memset(large, 'x', len);
	output_init(&o, record, &k);
	output_add(&o, "head\n", 5);
	output_add(&o, large, len);
	ck_assert_uint_eq(k.calls, 2);	/* the pending head, then it */
	ck_assert_ptr_eq(k.last, large);
	output_add(&o, "tail\n", 5);
	output_flush(&o);
	ck_assert_uint_eq(k.all.len, 5 + len + 5);
	ck_assert(!memcmp(k.all.data, "head\n", 5));
	ck_assert(!memcmp(k.all.data + 5 + len, "tail\n", 5));
	output_release(&o);
	free(large);
	buf_release(&k.all);
}
END_TEST

START_TEST(test_to_buf)
{
	struct buf out = BUF_INIT;
	struct output o;

	output_init(&o, output_to_buf, &out);
	output_add(&o, "a", 1);
	output_add(&o, "", 0);
	output_add(&o, "bc", 2);
	ck_assert_uint_eq(out.len, 0);	/* nothing before a flush */
	output_flush(&o);
	ck_assert_str_eq(out.data, "abc");
	output_release(&o);
	buf_release(&out);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("output");
	TCase *tc = tcase_create("output");

	tcase_add_test(tc, test_small_pieces_are_gathered);
	tcase_add_test(tc, test_large_piece_is_not_copied);
	tcase_add_test(tc, test_to_buf);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
