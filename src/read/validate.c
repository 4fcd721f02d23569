/*
 * validate — pure validators for every value a chart author or an operator
 * hands to agentenv-post. See validate.h for the rules.
 *
 * Each validator finds the first rule its input breaks as an enum fault, and
 * looks up the sentence to report in a table of its own, so the message says
 * exactly which rule failed and what would be accepted. Slot 0 of every table
 * (FAULT_NONE) holds a general sentence, used should a fault ever have no
 * sentence of its own.
 */
#include "validate.h"
#include "vocab.h"

#include <string.h>

enum fault {
	FAULT_NONE,
	FAULT_EMPTY,
	FAULT_TOO_LONG,
	FAULT_NOT_ASCII,
	FAULT_UPPER,
	FAULT_BAD_CHAR,
	FAULT_BAD_EDGE,
	FAULT_EDGE_DOT,
	FAULT_DOUBLE_DOT,
	FAULT_BAD_STAR,
	FAULT_LEADING_ZERO,
	FAULT_ZERO,
	FAULT_TOO_BIG,
	FAULT_UNKNOWN,
	FAULT_ANY,
	FAULT_STAR_DOMAIN,
	FAULT_WEB_PORT,
	FAULT_WRONG_CASE,
	FAULT_NO_PREFIX,
	FAULT_NO_ADDRESS,
	FAULT_V4_SHAPE,
	FAULT_V4_RANGE,
	FAULT_V4_LEADING_ZERO,
	FAULT_V6_SYNTAX,
	FAULT_V6_GROUP_TOO_LONG,
	FAULT_V6_TWO_GAPS,
	FAULT_V6_GROUP_COUNT,
	FAULT_V4_PREFIX,
	FAULT_V6_PREFIX,
	FAULT_COUNT
};

typedef const char *const why_table[FAULT_COUNT];

/* Sets *why to the sentence for fault f and returns false, for "return". */
static bool refuse(const char **why, why_table table, enum fault f)
{
	*why = table[f] ? table[f] : table[FAULT_NONE];
	return false;
}

/* --- characters ---------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static char to_lower(char c)
{
	return is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

static bool is_alnum(char c)
{
	return is_digit(c) || is_lower(c) || is_upper(c);
}

static bool is_lower_alnum(char c)
{
	return is_digit(c) || is_lower(c);
}

static bool is_hex_digit(char c)
{
	return is_digit(c) || (to_lower(c) >= 'a' && to_lower(c) <= 'f');
}

static bool is_dns_label_char(char c)
{
	return is_lower_alnum(c) || c == '-';
}

static bool is_network_char(char c)
{
	return is_dns_label_char(c) || c == '.';
}

static bool is_record_first_char(char c)
{
	return is_alnum(c) || c == '_' || c == '*';
}

static bool is_record_char(char c)
{
	return is_record_first_char(c) || c == '.' || c == '-';
}

static bool is_domain_char(char c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

static bool is_label_char(char c)
{
	return is_alnum(c) || c == '-' || c == '_' || c == '.';
}

static bool has_non_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* The index of the first c in s[0..n), or n when there is none. */
static size_t find_byte(const char *s, size_t n, char c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == c)
			break;
	return i;
}

/* Whether s[0..n) is exactly the NUL-terminated word. */
static bool equals(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

static bool equals_ignoring_case(const char *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n; i++)
		if (to_lower(s[i]) != to_lower(word[i]))
			return false;
	return true;
}

/* --- names --------------------------------------------------------------- */

/*
 * A name made of one run of characters: the first and last must be in their
 * own classes, every one in "inner" (which includes both), at most max long.
 */
struct name_rule {
	size_t max;
	bool (*first)(char c);
	bool (*inner)(char c);
	bool (*last)(char c);
};

static const struct name_rule dns_label_rule = {
	63, is_lower_alnum, is_dns_label_char, is_lower_alnum
};

/* A part of a DNS-1123 subdomain: no length limit of its own. */
static const struct name_rule subdomain_part_rule = {
	253, is_lower_alnum, is_dns_label_char, is_lower_alnum
};

static const struct name_rule network_rule = {
	55, is_lower_alnum, is_network_char, is_lower_alnum
};

static const struct name_rule record_rule = {
	253, is_record_first_char, is_record_char, is_record_char
};

static const struct name_rule domain_part_rule = {
	253, is_domain_char, is_domain_char, is_domain_char
};

static const struct name_rule label_name_rule = {
	63, is_alnum, is_label_char, is_alnum
};

/*
 * The first rule s[0..n) breaks. An upper-case letter that would be fine in
 * lower case is FAULT_UPPER rather than FAULT_BAD_CHAR, to say so.
 */
static enum fault check_name(const char *s, size_t n,
			     const struct name_rule *rule)
{
	size_t i;

	if (!n)
		return FAULT_EMPTY;
	if (n > rule->max)
		return FAULT_TOO_LONG;
	if (has_non_ascii(s, n))
		return FAULT_NOT_ASCII;
	for (i = 0; i < n; i++) {
		if (rule->inner(s[i]))
			continue;
		if (is_upper(s[i]) && rule->inner(to_lower(s[i])))
			return FAULT_UPPER;
		return FAULT_BAD_CHAR;
	}
	if (!rule->first(s[0]) || !rule->last(s[n - 1]))
		return FAULT_BAD_EDGE;
	return FAULT_NONE;
}

/*
 * The first rule s[0..n) breaks as parts separated by single dots, each part
 * checked by rule. An empty part is a leading, trailing or doubled dot.
 */
static enum fault check_dotted(const char *s, size_t n,
			       const struct name_rule *rule)
{
	size_t start = 0;

	for (;;) {
		size_t len = find_byte(s + start, n - start, '.');
		enum fault f = check_name(s + start, len, rule);

		if (f == FAULT_EMPTY)
			return start == 0 || start + len == n ?
				FAULT_EDGE_DOT : FAULT_DOUBLE_DOT;
		if (f)
			return f;
		if (start + len == n)
			return FAULT_NONE;
		start += len + 1;
	}
}

/* A DNS-1123 subdomain of at most 253 characters. */
static enum fault check_subdomain(const char *s, size_t n)
{
	if (!n)
		return FAULT_EMPTY;
	if (n > 253)
		return FAULT_TOO_LONG;
	if (has_non_ascii(s, n))
		return FAULT_NOT_ASCII;
	return check_dotted(s, n, &subdomain_part_rule);
}

#define SERVICE_HINT "; use a DNS-1123 label of lower-case letters, digits " \
	"and '-', at most 63 characters, such as my-service"

static why_table service_name_why = {
	[FAULT_NONE] = "is not a service name" SERVICE_HINT,
	[FAULT_EMPTY] = "is not a service name: it is empty" SERVICE_HINT,
	[FAULT_TOO_LONG] = "is not a service name: it is longer than 63 "
		"characters" SERVICE_HINT,
	[FAULT_NOT_ASCII] = "is not a service name: it has a byte that is "
		"not ASCII" SERVICE_HINT,
	[FAULT_UPPER] = "is not a service name: it has upper-case letters"
		SERVICE_HINT,
	[FAULT_BAD_CHAR] = "is not a service name: it has a character other "
		"than a-z, 0-9 and '-'" SERVICE_HINT,
	[FAULT_BAD_EDGE] = "is not a service name: it starts or ends with '-'"
		SERVICE_HINT,
};

bool valid_service_name(const char *s, size_t n, const char **why)
{
	enum fault f = check_name(s, n, &dns_label_rule);

	return f ? refuse(why, service_name_why, f) : true;
}

#define NETWORK_HINT "; use lower-case letters, digits, '-' and '.', " \
	"starting and ending with a letter or digit, at most 55 characters, " \
	"such as internal"

static why_table network_name_why = {
	[FAULT_NONE] = "is not a network name" NETWORK_HINT,
	[FAULT_EMPTY] = "is not a network name: it is empty" NETWORK_HINT,
	[FAULT_TOO_LONG] = "is not a network name: it is longer than 55 "
		"characters" NETWORK_HINT,
	[FAULT_NOT_ASCII] = "is not a network name: it has a byte that is "
		"not ASCII" NETWORK_HINT,
	[FAULT_UPPER] = "is not a network name: it has upper-case letters"
		NETWORK_HINT,
	[FAULT_BAD_CHAR] = "is not a network name: it has a character other "
		"than a-z, 0-9, '-' and '.'" NETWORK_HINT,
	[FAULT_BAD_EDGE] = "is not a network name: it starts or ends with "
		"'-' or '.'" NETWORK_HINT,
};

bool valid_network_name(const char *s, size_t n, const char **why)
{
	enum fault f = check_name(s, n, &network_rule);

	return f ? refuse(why, network_name_why, f) : true;
}

#define RECORD_HINT "; use letters, digits, '_', '*', '-' and '.', " \
	"not starting with '-' or '.', at most 253 characters, " \
	"such as db.example.com"

static why_table dns_record_why = {
	[FAULT_NONE] = "is not a DNS record name" RECORD_HINT,
	[FAULT_EMPTY] = "is not a DNS record name: it is empty" RECORD_HINT,
	[FAULT_TOO_LONG] = "is not a DNS record name: it is longer than 253 "
		"characters" RECORD_HINT,
	[FAULT_NOT_ASCII] = "is not a DNS record name: it has a byte that is "
		"not ASCII" RECORD_HINT,
	[FAULT_BAD_CHAR] = "is not a DNS record name: it has a character "
		"other than letters, digits, '_', '*', '-' and '.'"
		RECORD_HINT,
	[FAULT_BAD_EDGE] = "is not a DNS record name: it starts with '-' or "
		"'.'" RECORD_HINT,
};

bool valid_dns_record(const char *s, size_t n, const char **why)
{
	enum fault f = check_name(s, n, &record_rule);

	return f ? refuse(why, dns_record_why, f) : true;
}

/* --- domains ------------------------------------------------------------- */

/*
 * "*" alone, or an optional leading "*." and then dot-separated parts of
 * [-a-zA-Z0-9_], at most 253 characters in all.
 */
static enum fault check_domain(const char *s, size_t n)
{
	size_t start = 0;

	if (!n)
		return FAULT_EMPTY;
	if (n > 253)
		return FAULT_TOO_LONG;
	if (has_non_ascii(s, n))
		return FAULT_NOT_ASCII;
	if (equals(s, n, "*"))
		return FAULT_NONE;
	if (n >= 2 && s[0] == '*' && s[1] == '.')
		start = 2;
	if (find_byte(s + start, n - start, '*') < n - start)
		return FAULT_BAD_STAR;
	if (start && n > start && s[start] == '.')
		return FAULT_DOUBLE_DOT;
	return check_dotted(s + start, n - start, &domain_part_rule);
}

#define DOMAIN_HINT "; use a host name such as example.com or " \
	"*.example.com, or * alone"

static why_table domain_why = {
	[FAULT_NONE] = "is not an allowed domain" DOMAIN_HINT,
	[FAULT_EMPTY] = "is not an allowed domain: it is empty" DOMAIN_HINT,
	[FAULT_TOO_LONG] = "is not an allowed domain: it is longer than 253 "
		"characters" DOMAIN_HINT,
	[FAULT_NOT_ASCII] = "is not an allowed domain: it has a byte that is "
		"not ASCII (write international names in punycode, xn--)"
		DOMAIN_HINT,
	[FAULT_BAD_CHAR] = "is not an allowed domain: it has a character "
		"other than letters, digits, '-', '_' and '.'" DOMAIN_HINT,
	[FAULT_BAD_STAR] = "is not an allowed domain: '*' may only be a "
		"leading \"*.\" or the whole domain" DOMAIN_HINT,
	[FAULT_EDGE_DOT] = "is not an allowed domain: it starts or ends with "
		"a dot" DOMAIN_HINT,
	[FAULT_DOUBLE_DOT] = "is not an allowed domain: it has a doubled dot"
		DOMAIN_HINT,
};

bool valid_domain(const char *s, size_t n, const char **why)
{
	enum fault f = check_domain(s, n);

	return f ? refuse(why, domain_why, f) : true;
}

/* --- ports and protocols ------------------------------------------------- */

/*
 * A decimal number 0..max: digits only, no leading zero. *value is written
 * only on success; the scan stops as soon as the value passes max, so no
 * length of digits can overflow.
 */
static enum fault scan_decimal(const char *s, size_t n, unsigned max,
			       unsigned *value)
{
	unsigned v = 0;
	size_t i;

	if (!n)
		return FAULT_EMPTY;
	if (has_non_ascii(s, n))
		return FAULT_NOT_ASCII;
	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return FAULT_BAD_CHAR;
	if (s[0] == '0' && n > 1)
		return FAULT_LEADING_ZERO;
	for (i = 0; i < n; i++) {
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > max)
			return FAULT_TOO_BIG;
	}
	*value = v;
	return FAULT_NONE;
}

static enum fault scan_port(const char *s, size_t n, unsigned *port)
{
	unsigned v;
	enum fault f = scan_decimal(s, n, 65535, &v);

	if (f)
		return f;
	if (!v)
		return FAULT_ZERO;
	*port = v;
	return FAULT_NONE;
}

static enum fault scan_protocol(const char *s, size_t n, bool allow_any,
				enum protocol *proto)
{
	if (equals_ignoring_case(s, n, "TCP"))
		*proto = PROTOCOL_TCP;
	else if (equals_ignoring_case(s, n, "UDP"))
		*proto = PROTOCOL_UDP;
	else if (equals_ignoring_case(s, n, "SCTP"))
		*proto = PROTOCOL_SCTP;
	else if (!equals_ignoring_case(s, n, "ANY"))
		return FAULT_UNKNOWN;
	else if (!allow_any)
		return FAULT_ANY;
	else
		*proto = PROTOCOL_ANY;
	return FAULT_NONE;
}

const char *protocol_name(enum protocol p)
{
	switch (p) {
	case PROTOCOL_TCP:
		return "TCP";
	case PROTOCOL_UDP:
		return "UDP";
	case PROTOCOL_SCTP:
		return "SCTP";
	case PROTOCOL_ANY:
		return "ANY";
	}
	return "UNKNOWN";
}

#define PORT_HINT "; use a number from 1 to 65535, such as 8080"

static why_table port_why = {
	[FAULT_NONE] = "is not a port" PORT_HINT,
	[FAULT_EMPTY] = "is not a port: it is empty" PORT_HINT,
	[FAULT_NOT_ASCII] = "is not a port: it has a byte that is not ASCII"
		PORT_HINT,
	[FAULT_BAD_CHAR] = "is not a port: it has a character other than "
		"0-9 (no sign or spaces)" PORT_HINT,
	[FAULT_LEADING_ZERO] = "is not a port: it has a leading zero"
		PORT_HINT,
	[FAULT_ZERO] = "is not a port: it is 0" PORT_HINT,
	[FAULT_TOO_BIG] = "is not a port: it is above 65535" PORT_HINT,
};

bool parse_port(const char *s, size_t n, unsigned *port, const char **why)
{
	enum fault f = scan_port(s, n, port);

	return f ? refuse(why, port_why, f) : true;
}

static why_table protocol_why = {
	[FAULT_NONE] = "is not a protocol: use TCP, UDP or SCTP",
	[FAULT_UNKNOWN] = "is not a protocol: use TCP, UDP or SCTP "
		"(in any case)",
	[FAULT_ANY] = "is not a protocol here: ANY is only for network "
		"policies; use TCP, UDP or SCTP",
};

static why_table protocol_or_any_why = {
	[FAULT_NONE] = "is not a protocol: use TCP, UDP, SCTP or ANY",
	[FAULT_UNKNOWN] = "is not a protocol: use TCP, UDP, SCTP or ANY "
		"(in any case)",
};

bool parse_protocol(const char *s, size_t n, bool allow_any,
		    enum protocol *proto, const char **why)
{
	enum fault f = scan_protocol(s, n, allow_any, proto);

	if (!f)
		return true;
	return refuse(why, allow_any ? protocol_or_any_why : protocol_why, f);
}

#define SERVICE_PORT_HINT "; use PORT or PORT/PROTOCOL with a port from 1 " \
	"to 65535 and TCP, UDP or SCTP, such as 8080 or 53/UDP"

static why_table service_port_why = {
	[FAULT_NONE] = "is not a service port" SERVICE_PORT_HINT,
	[FAULT_EMPTY] = "is not a service port: the port is empty"
		SERVICE_PORT_HINT,
	[FAULT_NOT_ASCII] = "is not a service port: the port has a byte that "
		"is not ASCII" SERVICE_PORT_HINT,
	[FAULT_BAD_CHAR] = "is not a service port: the port has a character "
		"other than 0-9 (no sign or spaces)" SERVICE_PORT_HINT,
	[FAULT_LEADING_ZERO] = "is not a service port: the port has a "
		"leading zero" SERVICE_PORT_HINT,
	[FAULT_ZERO] = "is not a service port: the port is 0"
		SERVICE_PORT_HINT,
	[FAULT_TOO_BIG] = "is not a service port: the port is above 65535"
		SERVICE_PORT_HINT,
	[FAULT_UNKNOWN] = "is not a service port: the protocol after '/' is "
		"not TCP, UDP or SCTP" SERVICE_PORT_HINT,
	[FAULT_ANY] = "is not a service port: a Service port cannot be ANY"
		SERVICE_PORT_HINT,
};

/* PORT[/PROTOCOL], TCP by default, ANY refused; faults told by table. */
static bool parse_port_protocol(const char *s, size_t n, unsigned *port,
				enum protocol *proto, const char **why,
				why_table table)
{
	size_t slash = find_byte(s, n, '/');
	enum protocol p = PROTOCOL_TCP;
	unsigned number;
	enum fault f = scan_port(s, slash, &number);

	if (!f && slash < n)
		f = scan_protocol(s + slash + 1, n - slash - 1, false, &p);
	if (f)
		return refuse(why, table, f);
	*port = number;
	*proto = p;
	return true;
}

bool parse_service_port(const char *s, size_t n, unsigned *port,
			enum protocol *proto, const char **why)
{
	return parse_port_protocol(s, n, port, proto, why, service_port_why);
}

#define INGRESS_PORT_HINT "; use PORT or PORT/PROTOCOL with a port from 1 " \
	"to 65535 and TCP, UDP or SCTP (default TCP), such as 2222 or 2222/TCP"

static why_table ingress_port_why = {
	[FAULT_NONE] = "is not an ingress port" INGRESS_PORT_HINT,
	[FAULT_EMPTY] = "is not an ingress port: the port is empty"
		INGRESS_PORT_HINT,
	[FAULT_NOT_ASCII] = "is not an ingress port: the port has a byte that "
		"is not ASCII" INGRESS_PORT_HINT,
	[FAULT_BAD_CHAR] = "is not an ingress port: the port has a character "
		"other than 0-9 (no sign or spaces)" INGRESS_PORT_HINT,
	[FAULT_LEADING_ZERO] = "is not an ingress port: the port has a "
		"leading zero" INGRESS_PORT_HINT,
	[FAULT_ZERO] = "is not an ingress port: the port is 0"
		INGRESS_PORT_HINT,
	[FAULT_TOO_BIG] = "is not an ingress port: the port is above 65535"
		INGRESS_PORT_HINT,
	[FAULT_UNKNOWN] = "is not an ingress port: the protocol after '/' is "
		"not TCP, UDP or SCTP" INGRESS_PORT_HINT,
	[FAULT_ANY] = "is not an ingress port: name one protocol, ANY would "
		"open UDP beside TCP" INGRESS_PORT_HINT,
};

bool parse_ingress_port(const char *s, size_t n, unsigned *port,
			enum protocol *proto, const char **why)
{
	return parse_port_protocol(s, n, port, proto, why, ingress_port_why);
}

#define DOMAIN_PORT_HINT "; use PORT, PORT/PROTOCOL, PORT@DOMAIN or " \
	"PORT/PROTOCOL@DOMAIN, such as 22@github.com or 8443/TCP@example.com"

/* Faults of the PORT/PROTOCOL part of an allow-domains-ports item. */
static why_table domain_port_why = {
	[FAULT_NONE] = "is not a domain port" DOMAIN_PORT_HINT,
	[FAULT_EMPTY] = "is not a domain port: the port is empty"
		DOMAIN_PORT_HINT,
	[FAULT_NOT_ASCII] = "is not a domain port: the port has a byte that "
		"is not ASCII" DOMAIN_PORT_HINT,
	[FAULT_BAD_CHAR] = "is not a domain port: the port has a character "
		"other than 0-9 (no sign or spaces)" DOMAIN_PORT_HINT,
	[FAULT_LEADING_ZERO] = "is not a domain port: the port has a "
		"leading zero" DOMAIN_PORT_HINT,
	[FAULT_ZERO] = "is not a domain port: the port is 0"
		DOMAIN_PORT_HINT,
	[FAULT_TOO_BIG] = "is not a domain port: the port is above 65535"
		DOMAIN_PORT_HINT,
	[FAULT_UNKNOWN] = "is not a domain port: the protocol after '/' is "
		"not TCP, UDP, SCTP or ANY" DOMAIN_PORT_HINT,
	[FAULT_STAR_DOMAIN] = "is not a domain port: the domain cannot be *; "
		"to allow the port for every domain, use PORT or "
		"PORT/PROTOCOL without @DOMAIN, such as 22/TCP",
	[FAULT_WEB_PORT] = "is not a domain port: port 80 or 443 over TCP "
		"(or ANY, the default) would bypass the TLS SNI and HTTP "
		"Host checks; allow the domain itself for web traffic, or "
		"use 443/UDP for QUIC",
};

#define DP_DOMAIN_HINT "; use PORT@DOMAIN with a host name such as " \
	"22@github.com or 8443/TCP@*.example.com"

/* Faults of the DOMAIN part of an allow-domains-ports item. */
static why_table domain_port_domain_why = {
	[FAULT_NONE] = "is not a domain port: the domain is not a host name"
		DP_DOMAIN_HINT,
	[FAULT_EMPTY] = "is not a domain port: the domain after '@' is empty"
		DP_DOMAIN_HINT,
	[FAULT_TOO_LONG] = "is not a domain port: the domain is longer than "
		"253 characters" DP_DOMAIN_HINT,
	[FAULT_NOT_ASCII] = "is not a domain port: the domain has a byte "
		"that is not ASCII (write international names in punycode, "
		"xn--)" DP_DOMAIN_HINT,
	[FAULT_BAD_CHAR] = "is not a domain port: the domain has a "
		"character other than letters, digits, '-', '_' and '.'"
		DP_DOMAIN_HINT,
	[FAULT_BAD_STAR] = "is not a domain port: '*' in the domain may only "
		"be a leading \"*.\"" DP_DOMAIN_HINT,
	[FAULT_EDGE_DOT] = "is not a domain port: the domain starts or ends "
		"with a dot" DP_DOMAIN_HINT,
	[FAULT_DOUBLE_DOT] = "is not a domain port: the domain has a doubled "
		"dot" DP_DOMAIN_HINT,
};

/* Port 80 or 443 over TCP would let traffic skip the SNI / Host check. */
static bool is_web_port(unsigned port, enum protocol proto)
{
	return (port == 80 || port == 443) &&
		(proto == PROTOCOL_TCP || proto == PROTOCOL_ANY);
}

bool parse_domain_port(const char *s, size_t n, unsigned *port,
		       enum protocol *proto, const char **domain,
		       size_t *domain_len, const char **why)
{
	size_t at = find_byte(s, n, '@');
	size_t slash = find_byte(s, at, '/');
	enum protocol p = PROTOCOL_ANY;
	const char *name = NULL;
	size_t name_len = 0;
	unsigned number;
	enum fault f = scan_port(s, slash, &number);

	if (!f && slash < at)
		f = scan_protocol(s + slash + 1, at - slash - 1, true, &p);
	if (f)
		return refuse(why, domain_port_why, f);
	if (at < n) {
		name = s + at + 1;
		name_len = n - at - 1;
		if (equals(name, name_len, "*"))
			return refuse(why, domain_port_why, FAULT_STAR_DOMAIN);
		f = check_domain(name, name_len);
		if (f)
			return refuse(why, domain_port_domain_why, f);
	}
	if (is_web_port(number, p))
		return refuse(why, domain_port_why, FAULT_WEB_PORT);
	*port = number;
	*proto = p;
	*domain = name ? name : s + n;
	*domain_len = name_len;
	return true;
}

/* --- CIDRs --------------------------------------------------------------- */

/* A dotted quad filling s[0..n): four parts 0..255, no leading zeros. */
static enum fault scan_ipv4(const char *s, size_t n)
{
	size_t start = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t len = find_byte(s + start, n - start, '.');
		unsigned value;

		switch (scan_decimal(s + start, len, 255, &value)) {
		case FAULT_NONE:
			break;
		case FAULT_LEADING_ZERO:
			return FAULT_V4_LEADING_ZERO;
		case FAULT_TOO_BIG:
			return FAULT_V4_RANGE;
		default:
			return FAULT_V4_SHAPE;
		}
		start += len;
		if (part < 3) {
			if (start == n)
				return FAULT_V4_SHAPE;
			start++;	/* the '.' */
		}
	}
	return start == n ? FAULT_NONE : FAULT_V4_SHAPE;
}

/* The length of the run of hex digits at the start of s[0..n). */
static size_t hex_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_hex_digit(s[i]))
			break;
	return i;
}

/*
 * An RFC 4291 IPv6 address filling s[0..n): eight groups of 1-4 hex digits
 * separated by ':', or fewer with one "::" standing for the missing ones;
 * the last two groups may be written as a dotted quad.
 */
static enum fault scan_ipv6(const char *s, size_t n)
{
	size_t i = 0, groups = 0;
	bool gap = false;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = true;
		i = 2;
	}
	while (i < n) {
		size_t len = hex_run(s + i, n - i);

		if (i + len < n && s[i + len] == '.') {
			enum fault f = scan_ipv4(s + i, n - i);

			if (f)
				return f;
			groups += 2;
			break;
		}
		if (!len)
			return FAULT_V6_SYNTAX;
		if (len > 4)
			return FAULT_V6_GROUP_TOO_LONG;
		groups++;
		i += len;
		if (i == n)
			break;
		if (s[i] != ':')
			return FAULT_V6_SYNTAX;
		i++;
		if (i < n && s[i] == ':') {
			if (gap)
				return FAULT_V6_TWO_GAPS;
			gap = true;
			i++;
		} else if (i == n) {
			return FAULT_V6_SYNTAX;
		}
	}
	if (gap ? groups > 7 : groups != 8)
		return FAULT_V6_GROUP_COUNT;
	return FAULT_NONE;
}

#define CIDR_HINT "; use an address and a prefix length, such as " \
	"10.0.0.0/8, 1.1.1.1/32 or 2001:db8::/32"

static why_table cidr_why = {
	[FAULT_NONE] = "is not a CIDR" CIDR_HINT,
	[FAULT_EMPTY] = "is not a CIDR: it is empty" CIDR_HINT,
	[FAULT_NOT_ASCII] = "is not a CIDR: it has a byte that is not ASCII"
		CIDR_HINT,
	[FAULT_NO_PREFIX] = "is not a CIDR: the /PREFIX is missing (Cilium "
		"takes prefixes only; write 1.1.1.1/32 for one address)"
		CIDR_HINT,
	[FAULT_NO_ADDRESS] = "is not a CIDR: the address before '/' is empty"
		CIDR_HINT,
	[FAULT_V4_SHAPE] = "is not a CIDR: the IPv4 address is not four "
		"numbers separated by dots" CIDR_HINT,
	[FAULT_V4_RANGE] = "is not a CIDR: a part of the IPv4 address is "
		"above 255" CIDR_HINT,
	[FAULT_V4_LEADING_ZERO] = "is not a CIDR: a part of the IPv4 address "
		"has a leading zero" CIDR_HINT,
	[FAULT_V6_SYNTAX] = "is not a CIDR: the IPv6 address has an empty "
		"group or a character other than hex digits and ':'"
		CIDR_HINT,
	[FAULT_V6_GROUP_TOO_LONG] = "is not a CIDR: a group of the IPv6 "
		"address has more than 4 hex digits" CIDR_HINT,
	[FAULT_V6_TWO_GAPS] = "is not a CIDR: the IPv6 address has \"::\" "
		"more than once" CIDR_HINT,
	[FAULT_V6_GROUP_COUNT] = "is not a CIDR: the IPv6 address does not "
		"have eight groups (or fewer with \"::\")" CIDR_HINT,
	[FAULT_V4_PREFIX] = "is not a CIDR: the prefix length must be 0-32 "
		"for IPv4; use a number without leading zeros, such as "
		"10.0.0.0/8",
	[FAULT_V6_PREFIX] = "is not a CIDR: the prefix length must be 0-128 "
		"for IPv6; use a number without leading zeros, such as "
		"2001:db8::/32",
};

bool valid_cidr(const char *s, size_t n, const char **why)
{
	size_t slash = find_byte(s, n, '/');
	bool ipv6 = find_byte(s, slash, ':') < slash;
	unsigned prefix;
	enum fault f;

	if (!n)
		return refuse(why, cidr_why, FAULT_EMPTY);
	if (has_non_ascii(s, n))
		return refuse(why, cidr_why, FAULT_NOT_ASCII);
	if (slash == n)
		return refuse(why, cidr_why, FAULT_NO_PREFIX);
	if (!slash)
		return refuse(why, cidr_why, FAULT_NO_ADDRESS);
	f = ipv6 ? scan_ipv6(s, slash) : scan_ipv4(s, slash);
	if (f)
		return refuse(why, cidr_why, f);
	if (scan_decimal(s + slash + 1, n - slash - 1, ipv6 ? 128 : 32,
			 &prefix))
		return refuse(why, cidr_why,
			      ipv6 ? FAULT_V6_PREFIX : FAULT_V4_PREFIX);
	return true;
}

/* --- enumerations -------------------------------------------------------- */

static const char *const entities[] = {
	"all", "world", "cluster", "host", "init", "ingress", "unmanaged",
	"remote-node", "health", "none", "kube-apiserver",
};

#define ENTITY_HINT "; use one of all, world, cluster, host, init, " \
	"ingress, unmanaged, remote-node, health, none, kube-apiserver"

static why_table entity_why = {
	[FAULT_NONE] = "is not a Cilium entity" ENTITY_HINT,
	[FAULT_WRONG_CASE] = "is not a Cilium entity: entities are lower case"
		ENTITY_HINT,
};

bool valid_entity(const char *s, size_t n, const char **why)
{
	enum fault f = FAULT_UNKNOWN;
	size_t i;

	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
		if (equals(s, n, entities[i]))
			return true;
		if (equals_ignoring_case(s, n, entities[i]))
			f = FAULT_WRONG_CASE;
	}
	return refuse(why, entity_why, f);
}

#define RUNTIME_HINT "; use a DNS-1123 subdomain of lower-case letters, " \
	"digits, '-' and '.', at most 253 characters, such as " \
	GVISOR_RUNTIME_CLASS ", or " CLUSTER_DEFAULT_RUNTIME_CLASS

static why_table runtime_class_why = {
	[FAULT_NONE] = "is not a RuntimeClass name" RUNTIME_HINT,
	[FAULT_EMPTY] = "is not a RuntimeClass name: it is empty"
		RUNTIME_HINT,
	[FAULT_TOO_LONG] = "is not a RuntimeClass name: it is longer than 253 "
		"characters" RUNTIME_HINT,
	[FAULT_NOT_ASCII] = "is not a RuntimeClass name: it has a byte that "
		"is not ASCII" RUNTIME_HINT,
	[FAULT_UPPER] = "is not a RuntimeClass name: it has upper-case "
		"letters" RUNTIME_HINT,
	[FAULT_BAD_CHAR] = "is not a RuntimeClass name: it has a character "
		"other than a-z, 0-9, '-' and '.'" RUNTIME_HINT,
	[FAULT_BAD_EDGE] = "is not a RuntimeClass name: a part starts or "
		"ends with '-'" RUNTIME_HINT,
	[FAULT_EDGE_DOT] = "is not a RuntimeClass name: it starts or ends "
		"with a dot" RUNTIME_HINT,
	[FAULT_DOUBLE_DOT] = "is not a RuntimeClass name: it has a doubled "
		"dot" RUNTIME_HINT,
};

bool valid_runtime_class(const char *s, size_t n, const char **why)
{
	enum fault f;

	if (equals(s, n, CLUSTER_DEFAULT_RUNTIME_CLASS))
		return true;
	f = check_subdomain(s, n);
	return f ? refuse(why, runtime_class_why, f) : true;
}

static why_table bool_why = {
	[FAULT_NONE] = "is not a boolean: use true or false",
	[FAULT_WRONG_CASE] = "is not a boolean: it must be lower case; use "
		"true or false",
};

bool parse_bool(const char *s, size_t n, bool *value, const char **why)
{
	if (equals(s, n, "true"))
		*value = true;
	else if (equals(s, n, "false"))
		*value = false;
	else if (equals_ignoring_case(s, n, "true") ||
		 equals_ignoring_case(s, n, "false"))
		return refuse(why, bool_why, FAULT_WRONG_CASE);
	else
		return refuse(why, bool_why, FAULT_UNKNOWN);
	return true;
}

/* --- labels -------------------------------------------------------------- */

#define LABEL_KEY_HINT "; use an optional DNS-1123 subdomain and '/', then " \
	"a name of letters, digits, '-', '_' and '.' that starts and ends " \
	"with a letter or digit, at most 63 characters, such as " \
	"example.com/my-key"

/* Faults of the name of a label key (after any "PREFIX/"). */
static why_table label_key_why = {
	[FAULT_NONE] = "is not a label key" LABEL_KEY_HINT,
	[FAULT_EMPTY] = "is not a label key: the name is empty"
		LABEL_KEY_HINT,
	[FAULT_TOO_LONG] = "is not a label key: the name is longer than 63 "
		"characters" LABEL_KEY_HINT,
	[FAULT_NOT_ASCII] = "is not a label key: it has a byte that is not "
		"ASCII" LABEL_KEY_HINT,
	[FAULT_BAD_CHAR] = "is not a label key: the name has a character "
		"other than letters, digits, '-', '_' and '.'" LABEL_KEY_HINT,
	[FAULT_BAD_EDGE] = "is not a label key: the name starts or ends with "
		"'-', '_' or '.'" LABEL_KEY_HINT,
};

/* Faults of the prefix of a label key (before the '/'). */
static why_table label_prefix_why = {
	[FAULT_NONE] = "is not a label key: the prefix is not a DNS-1123 "
		"subdomain" LABEL_KEY_HINT,
	[FAULT_EMPTY] = "is not a label key: the prefix before '/' is empty"
		LABEL_KEY_HINT,
	[FAULT_TOO_LONG] = "is not a label key: the prefix is longer than 253 "
		"characters" LABEL_KEY_HINT,
	[FAULT_NOT_ASCII] = "is not a label key: the prefix has a byte that "
		"is not ASCII" LABEL_KEY_HINT,
	[FAULT_UPPER] = "is not a label key: the prefix has upper-case "
		"letters" LABEL_KEY_HINT,
	[FAULT_BAD_CHAR] = "is not a label key: the prefix has a character "
		"other than a-z, 0-9, '-' and '.'" LABEL_KEY_HINT,
	[FAULT_BAD_EDGE] = "is not a label key: a part of the prefix starts "
		"or ends with '-'" LABEL_KEY_HINT,
	[FAULT_EDGE_DOT] = "is not a label key: the prefix starts or ends "
		"with a dot" LABEL_KEY_HINT,
	[FAULT_DOUBLE_DOT] = "is not a label key: the prefix has a doubled "
		"dot" LABEL_KEY_HINT,
};

bool valid_label_key(const char *s, size_t n, const char **why)
{
	size_t slash = find_byte(s, n, '/');
	size_t name = 0;
	enum fault f;

	if (has_non_ascii(s, n))
		return refuse(why, label_key_why, FAULT_NOT_ASCII);
	if (slash < n) {
		f = check_subdomain(s, slash);
		if (f)
			return refuse(why, label_prefix_why, f);
		name = slash + 1;
	}
	f = check_name(s + name, n - name, &label_name_rule);
	return f ? refuse(why, label_key_why, f) : true;
}

#define LABEL_VALUE_HINT "; use nothing, or letters, digits, '-', '_' and " \
	"'.' starting and ending with a letter or digit, at most 63 " \
	"characters, such as v1.2"

static why_table label_value_why = {
	[FAULT_NONE] = "is not a label value" LABEL_VALUE_HINT,
	[FAULT_TOO_LONG] = "is not a label value: it is longer than 63 "
		"characters" LABEL_VALUE_HINT,
	[FAULT_NOT_ASCII] = "is not a label value: it has a byte that is not "
		"ASCII" LABEL_VALUE_HINT,
	[FAULT_BAD_CHAR] = "is not a label value: it has a character other "
		"than letters, digits, '-', '_' and '.'" LABEL_VALUE_HINT,
	[FAULT_BAD_EDGE] = "is not a label value: it starts or ends with "
		"'-', '_' or '.'" LABEL_VALUE_HINT,
};

bool valid_label_value(const char *s, size_t n, const char **why)
{
	enum fault f;

	if (!n)
		return true;
	f = check_name(s, n, &label_name_rule);
	return f ? refuse(why, label_value_why, f) : true;
}
