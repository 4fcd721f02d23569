/*
 * validate — pure validators for every value a chart author (annotations) or
 * an operator (--values, --allow-*) hands to agentenv-post.
 *
 * Invariants:
 *  - No allocation, no I/O, no libfyaml: each function looks only at the
 *    bytes it is given (s, n: not necessarily NUL-terminated; a NUL byte
 *    inside is simply an invalid character).
 *  - ASCII only: any byte >= 0x80 is refused, so unicode look-alike dots,
 *    spaces or letters never pass.
 *  - On failure a validator returns false and sets *why to a static sentence
 *    that says what is wrong and what would be accepted, written to follow
 *    "'VALUE' " in a message, e.g. "is not a port: use a number from 1 to
 *    65535". On success *why is left alone. why may not be NULL.
 *  - Parsers (parse_*) write their outputs only on success.
 *
 * These are the security controls against injection: host names and service
 * names end up unquoted in the CoreDNS Corefile, network names in label keys
 * and policy names, domains in Cilium matchPattern / serverNames and in an
 * HTTP Host regex.
 */
#ifndef AGENTENV_VALIDATE_H
#define AGENTENV_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>


enum protocol {
	PROTOCOL_TCP,
	PROTOCOL_UDP,
	PROTOCOL_SCTP,
	PROTOCOL_ANY,	/* TCP and UDP: Cilium only, never on a Service port */
};

/* "TCP", "UDP", "SCTP", "ANY" as Cilium and Kubernetes spell them. */
const char *protocol_name(enum protocol p);

/*
 * A sandbox service name: a DNS-1123 label, [a-z0-9]([-a-z0-9]*[a-z0-9])?,
 * at most 63 characters (agent-env's values.schema.json pattern for
 * `services` keys).
 */
bool valid_service_name(const char *s, size_t n, const char **why);

/*
 * A network name: ^[a-z0-9](?:[-a-z0-9.]{0,53}[a-z0-9])?$ (at most 55
 * characters: it becomes the label key "aisi.gov.uk/network-NAME").
 */
bool valid_network_name(const char *s, size_t n, const char **why);

/*
 * An additional DNS record: ^[A-Za-z0-9_*][A-Za-z0-9_.*-]*$, at most 253
 * characters (agent-env's additionalDnsRecords pattern). No whitespace,
 * newline, '#', '{', '}' or quotes can pass.
 */
bool valid_dns_record(const char *s, size_t n, const char **why);

/*
 * An allowed domain (allowDomains, allow-domains, the domain of an
 * allow-domains-ports entry): either "*" alone (every domain), or an
 * optional leading "*." followed by labels of [-a-zA-Z0-9_] separated by
 * single dots, with no leading, trailing or doubled dot, at most 253
 * characters. This is the intersection of what Cilium accepts as a toFQDNs
 * matchPattern and as a TLS serverNames entry (where '*' may only lead), so
 * a policy built from it always passes Cilium's CRD validation.
 */
bool valid_domain(const char *s, size_t n, const char **why);

/* A port: decimal 1..65535, no sign, no leading zero, no spaces. */
bool parse_port(const char *s, size_t n, unsigned *port, const char **why);

/*
 * A protocol name, case-insensitive: TCP, UDP, SCTP, and ANY when allow_any.
 */
bool parse_protocol(const char *s, size_t n, bool allow_any,
		    enum protocol *proto, const char **why);

/*
 * An agentenv.io/ports item: "PORT" or "PORT/PROTOCOL" with PROTOCOL one of
 * TCP, UDP, SCTP (a Service port cannot be ANY). Default protocol: TCP.
 */
bool parse_service_port(const char *s, size_t n, unsigned *port,
			enum protocol *proto, const char **why);

/*
 * An agentenv.io/allow-ingress item (also --allow-ingress, and the
 * port/protocol of an allowIngressPorts entry joined by '/'): "PORT" or
 * "PORT/PROTOCOL", PROTOCOL one of TCP, UDP, SCTP in any case (not ANY:
 * a port opened to anyone names its protocol). Default protocol: TCP.
 */
bool parse_ingress_port(const char *s, size_t n, unsigned *port,
			enum protocol *proto, const char **why);

/*
 * An agentenv.io/allow-domains-ports item:
 *   "PORT", "PORT/PROTOCOL", "PORT@DOMAIN" or "PORT/PROTOCOL@DOMAIN",
 * PROTOCOL one of TCP, UDP, SCTP, ANY (default ANY, as agent-env), DOMAIN a
 * valid_domain() other than "*". On success *domain and *domain_len point
 * into s (length 0 when no domain was given).
 *
 * Refused as agent-env refuses it: port 80 or 443 with protocol TCP or ANY
 * (that would bypass the TLS SNI / HTTP Host identity check; UDP is fine).
 */
bool parse_domain_port(const char *s, size_t n, unsigned *port,
		       enum protocol *proto, const char **domain,
		       size_t *domain_len, const char **why);

/*
 * A CIDR: an IPv4 address (dotted quad, each part 0..255, no leading zeros)
 * or an IPv6 address (RFC 4291 text form, "::" at most once, optional
 * embedded IPv4 tail), then "/" and a prefix length 0..32 or 0..128. The
 * prefix is required ("1.1.1.1/32", not "1.1.1.1"): Cilium's toCIDR takes
 * prefixes only. Host bits may be set, as Cilium allows.
 */
bool valid_cidr(const char *s, size_t n, const char **why);

/*
 * A Cilium entity: all, world, cluster, host, init, ingress, unmanaged,
 * remote-node, health, none, kube-apiserver (the CRD's enum, exact case).
 */
bool valid_entity(const char *s, size_t n, const char **why);

/*
 * A RuntimeClass name: a DNS-1123 subdomain of at most 253 characters, or
 * the magic value CLUSTER_DEFAULT.
 */
bool valid_runtime_class(const char *s, size_t n, const char **why);

/* "true" or "false", exactly (annotation booleans). */
bool parse_bool(const char *s, size_t n, bool *value, const char **why);

/*
 * A label or annotation key: an optional prefix (DNS-1123 subdomain, at most
 * 253) and "/", then a name of at most 63 characters matching
 * ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9].
 */
bool valid_label_key(const char *s, size_t n, const char **why);

/*
 * A label value: empty, or at most 63 characters matching
 * ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9].
 */
bool valid_label_value(const char *s, size_t n, const char **why);

#endif
