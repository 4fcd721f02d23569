/*
 * test_names — tests of src/model/names.c: names that fit Kubernetes' limits,
 * stay stable across runs and stay distinct.
 */
#include "unit.h"
#include "buf.h"
#include "names.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The hash names.h promises is stable across platforms and runs: pinned
 * here by an independent FNV-1a (64 bits), of which the name keeps the top
 * 40 bits as ten lowercase hex digits. Changing it renames every
 * generated object of every release on upgrade.
 */
static void expected_hash(const char *s, char out[11])
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	snprintf(out, 11, "%010llx", (unsigned long long)(h >> 24));
}

/* s is n copies of c, then tail. */
static char *repeat(char c, size_t n, const char *tail)
{
	char *s = malloc(n + strlen(tail) + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	strcpy(s + n, tail);
	return s;
}

static bool is_lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/*
 * A cut name: at most limit long, "<kept prefix of name>-<hash>", the
 * prefix not ending in '-' or '.', the hash that of the whole name.
 * Returns the length of the kept prefix.
 */
static size_t assert_cut(const char *name, size_t limit, const char *got)
{
	size_t len = strlen(got), keep;
	char hash[11];

	ck_assert_msg(len <= limit, "'%s' is %zu long, limit %zu", got, len,
		      limit);
	ck_assert_uint_ge(len, 11);
	keep = len - 11;
	ck_assert_msg(got[keep] == '-', "no '-' before the hash: %s", got);
	ck_assert_msg(is_lower_hex(got + keep + 1, 10), "hash of %s", got);
	expected_hash(name, hash);
	ck_assert_str_eq(got + keep + 1, hash);
	ck_assert(!strncmp(got, name, keep));
	if (keep) {
		ck_assert_msg(got[keep - 1] != '-' && got[keep - 1] != '.',
			      "'%c' before the hash: %s", got[keep - 1], got);
	}
	return keep;
}

/* --- name_fit ------------------------------------------------------------ */

struct fit_case {
	char fill;
	size_t count;		/* name: count copies of fill, then tail */
	const char *tail;
	size_t limit;
	bool cut;		/* false: returned unchanged */
	size_t keep;		/* for cut names: the prefix kept */
};

static const struct fit_case fit_cases[] = {
	{ 'a', 0, "", 63, false, 0 },
	{ 'a', 1, "", 63, false, 0 },
	{ 'a', 0, "agentenv-demo-coredns-configmap", 63, false, 0 },
	{ 'a', 62, "", 63, false, 0 },
	{ 'a', 63, "", 63, false, 0 },
	{ 'a', 60, "-.x", 63, false, 0 },
	{ 'a', 64, "", 63, true, 52 },
	{ 'a', 100, "", 63, true, 52 },
	{ 'a', 1000, "", 63, true, 52 },
	{ 'a', 17, "", 17, false, 0 },
	{ 'a', 18, "", 17, true, 6 },
	{ 'x', 40, "", 20, true, 9 },
	{ 'x', 30, "", 253, false, 0 },
	{ 'x', 300, "", 253, true, 242 },
	/* The cut lands after a '-' or '.': they are dropped. */
	{ 'a', 51, "-bbbbbbbbbbbbbbbbbbbb", 63, true, 51 },
	{ 'a', 51, ".bbbbbbbbbbbbbbbbbbbb", 63, true, 51 },
	{ 'a', 49, "-.-bbbbbbbbbbbbbbbbbbb", 63, true, 49 },
	{ 'a', 50, "--bbbbbbbbbbbbbbbbbbbb", 63, true, 50 },
	/* ... but not when they are before the cut. */
	{ 'a', 50, "-bbbbbbbbbbbbbbbbbbbbb", 63, true, 52 },
	{ 'a', 52, "-bbbbbbbbbbbbbbbbbbbbb", 63, true, 52 },
};

START_TEST(test_fit)
{
	const struct fit_case *c = &fit_cases[_i];
	char *name = repeat(c->fill, c->count, c->tail);
	char *got = name_fit(name, c->limit);
	char *again = name_fit(name, c->limit);

	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_ne(got, name);
	ck_assert_str_eq(got, again);		/* stable */
	if (!c->cut) {
		ck_assert_str_eq(got, name);
	} else {
		size_t keep = assert_cut(name, c->limit, got);

		ck_assert_uint_eq(keep, c->keep);
		/* Nothing dropped before the hash: exactly the limit. */
		if (name[c->limit - 12] != '-' && name[c->limit - 12] != '.')
			ck_assert_uint_eq(strlen(got), c->limit);
	}
	free(name);
	free(got);
	free(again);
}
END_TEST

/* Long names that differ anywhere, even past the cut, stay distinct. */
START_TEST(test_fit_distinct)
{
	enum { N = 200 };
	char *names[N];
	size_t i, j;

	for (i = 0; i < N; i++) {
		char suffix[16], *name;

		snprintf(suffix, sizeof(suffix), "-%zu", i);
		name = repeat('s', 70, suffix);
		if (i % 2)	/* also differing in the kept part */
			name[3] = 't';
		names[i] = name_fit(name, NAME_MAX_LEN);
		ck_assert_uint_eq(strlen(names[i]), NAME_MAX_LEN);
		assert_cut(name, NAME_MAX_LEN, names[i]);
		free(name);
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(names[i], names[j]),
				      "names %zu and %zu are both %s", i, j,
				      names[i]);
	for (i = 0; i < N; i++)
		free(names[i]);
}
END_TEST

/* A short name and a long one cut to look like it do not collide. */
START_TEST(test_fit_no_collision_with_short)
{
	char *long_name = repeat('a', 80, "");
	char *cut = name_fit(long_name, NAME_MAX_LEN);
	char *again = name_fit(cut, NAME_MAX_LEN);

	/* The cut name is itself short enough: it comes back as it is. */
	ck_assert_str_eq(again, cut);
	ck_assert_str_ne(cut, long_name);
	free(long_name);
	free(cut);
	free(again);
}
END_TEST

/* --- name_build ---------------------------------------------------------- */

START_TEST(test_build)
{
	char *a = name_build("agentenv-demo", NULL);
	char *b = name_build("agentenv-demo", "resolv-conf", NULL);
	char *c = name_build("agentenv-demo", "svc", "web", "ingress", NULL);
	char *d = name_build("agentenv-demo", "hook", "coredns-configmap",
			     NULL);
	char *e = name_build("a", "", "b", NULL);

	ck_assert_str_eq(a, "agentenv-demo");
	ck_assert_str_eq(b, "agentenv-demo-resolv-conf");
	ck_assert_str_eq(c, "agentenv-demo-svc-web-ingress");
	ck_assert_str_eq(d, "agentenv-demo-hook-coredns-configmap");
	ck_assert_str_eq(e, "a--b");
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}
END_TEST

/* A long joined name is the joined name, fitted to NAME_MAX_LEN. */
START_TEST(test_build_long)
{
	char *svc = repeat('w', 50, "");
	char *got = name_build("agentenv-a-long-release-name", "svc", svc,
			       "ingress", NULL);
	struct buf joined = BUF_INIT;
	char *fitted;

	buf_addf(&joined, "agentenv-a-long-release-name-svc-%s-ingress", svc);
	fitted = name_fit(joined.data, NAME_MAX_LEN);
	ck_assert_str_eq(got, fitted);
	ck_assert_uint_eq(strlen(got), NAME_MAX_LEN);
	ck_assert_uint_eq(assert_cut(joined.data, NAME_MAX_LEN, got), 52);
	ck_assert(!strncmp(got, "agentenv-a-long-release-name-svc-wwww", 37));
	free(svc);
	free(got);
	free(fitted);
	buf_release(&joined);
}
END_TEST

/* Two services whose long names differ only at the end stay apart. */
START_TEST(test_build_distinct_services)
{
	char *svc = repeat('w', 60, "");
	char *one, *two;

	svc[59] = '1';
	one = name_build("agentenv-demo", "svc", svc, "ingress", NULL);
	svc[59] = '2';
	two = name_build("agentenv-demo", "svc", svc, "ingress", NULL);
	ck_assert_uint_le(strlen(one), NAME_MAX_LEN);
	ck_assert_uint_le(strlen(two), NAME_MAX_LEN);
	ck_assert_str_ne(one, two);
	ck_assert(!strncmp(one, two, 52));
	free(svc);
	free(one);
	free(two);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("names");
	TCase *tc = tcase_create("names");

	tcase_add_loop_test(tc, test_fit, 0, (int)ARRAY_SIZE(fit_cases));
	tcase_add_test(tc, test_fit_distinct);
	tcase_add_test(tc, test_fit_no_collision_with_short);
	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_build_long);
	tcase_add_test(tc, test_build_distinct_services);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
