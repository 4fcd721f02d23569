/*
 * dns — a pod set's CoreDNS ConfigMaps and the release's headless
 * Services, written as text (see dns.c, genobj.h).
 */
#ifndef AGENTENV_DNS_H
#define AGENTENV_DNS_H

#include "genobj.h"

void dns_generate(struct gen *g);

/*
 * The digest of what the pods of set mount, as lower-case hex: SHA-256 of
 * "Corefile" NUL <its Corefile> NUL "resolv.conf" NUL <its resolv.conf>
 * NUL, each the ConfigMap's data value exactly as dns_generate() writes
 * it. Their pod templates carry it (DNS_DIGEST_ANNOTATION), so that a
 * helm upgrade that changes either rolls them.
 */
void dns_config_digest(const struct sandbox *sb, enum pod_set set,
		       char hex[SHA256_HEX_SIZE]);

#endif
