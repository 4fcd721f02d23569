/*
 * dns — a pod set's CoreDNS ConfigMaps and the release's headless
 * Services, written as text (see dns.c, genobj.h).
 */
#ifndef AGENTENV_DNS_H
#define AGENTENV_DNS_H

#include "genobj.h"

void dns_generate(struct gen *g);

#endif
