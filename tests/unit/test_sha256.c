/*
 * test_sha256 — tests of src/sha256.c: NIST's example vectors (FIPS 180-4
 * examples: "abc", the 448- and 896-bit messages, the million 'a') and
 * the padding boundaries (55, 56, 63, 64 bytes), each fed whole, split at
 * every byte and byte by byte; the other digests are Python hashlib's.
 */
#include "unit.h"
#include "sha256.h"

struct vector {
	const char *message;
	const char *digest;
};

static const struct vector vectors[] = {
	{ "",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	/* 55, 56, 63 and 64 bytes: one or two blocks of padding */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ "Corefile",
	  "70c5205e7a9d3d687f093ae8cd6a28b0359cbdf56a163bac40577b64819cda7e" },
};

static void hex_of(const char *message, size_t len, size_t split,
		   char hex[SHA256_HEX_SIZE])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, message, split);
	sha256_update(&h, message + split, len - split);
	sha256_hex(&h, hex);
}

START_TEST(test_vectors)
{
	const struct vector *v = &vectors[_i];
	size_t len = strlen(v->message), split, i;
	char hex[SHA256_HEX_SIZE];
	struct sha256 h;

	for (split = 0; split <= len; split++) {
		hex_of(v->message, len, split, hex);
		ck_assert_msg(!strcmp(hex, v->digest), "'%s' split at %zu: %s",
			      v->message, split, hex);
	}
	sha256_init(&h);
	for (i = 0; i < len; i++)
		sha256_update(&h, v->message + i, 1);
	sha256_hex(&h, hex);
	ck_assert_str_eq(hex, v->digest);
}
END_TEST

/* FIPS 180-4's long example: one million 'a', in uneven pieces. */
START_TEST(test_million_a)
{
	static char chunk[997];
	size_t left = 1000000;
	char hex[SHA256_HEX_SIZE];
	struct sha256 h;

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&h);
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		sha256_update(&h, chunk, n);
		left -= n;
	}
	sha256_hex(&h, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
			      "f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Embedded NULs are data: dns_config_digest() separates with them. */
START_TEST(test_nul_bytes)
{
	char hex[SHA256_HEX_SIZE];
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, "a\0b", 3);
	sha256_hex(&h, hex);
	ck_assert_str_eq(hex, "59b271ae1bbcb1d31d41929817f4b16f"
			      "b439eb4f31520b5ad1d5ce98920a7138");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("sha256");

	tcase_add_loop_test(tc, test_vectors, 0, (int)ARRAY_SIZE(vectors));
	tcase_add_test(tc, test_million_a);
	tcase_add_test(tc, test_nul_bytes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
