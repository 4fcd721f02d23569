/*
 * sha256 — SHA-256 (FIPS 180-4), for the digest of what a pod mounts
 * (see dns_config_digest()). Nothing on the system is linked that has one
 * (libfyaml only), and the digest needs no more than this: no secrets, so
 * no constant-time concerns. Tested against NIST's example vectors.
 *
 *	struct sha256 h;
 *	char hex[SHA256_HEX_SIZE];
 *	sha256_init(&h);
 *	sha256_update(&h, data, len);	(any number of times)
 *	sha256_hex(&h, hex);		(h is spent)
 */
#ifndef AGENTENV_SHA256_H
#define AGENTENV_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
/* 64 lower-case hex digits and the NUL. */
#define SHA256_HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

struct sha256 {
	uint32_t state[8];
	uint64_t bytes;			/* hashed so far */
	unsigned char block[64];	/* the pending part of a block */
	size_t used;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
void sha256_final(struct sha256 *h, unsigned char out[SHA256_DIGEST_SIZE]);
/* sha256_final() as lower-case hex, NUL-terminated. */
void sha256_hex(struct sha256 *h, char out[SHA256_HEX_SIZE]);

#endif
