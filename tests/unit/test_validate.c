/*
 * test_validate — table-driven tests of src/read/validate.c.
 *
 * Every input is copied into a heap buffer of exactly its length, so reading
 * s[n] (the validators must not: inputs are not NUL-terminated) shows up
 * under AddressSanitizer or valgrind. Lengths come from sizeof, so a NUL
 * inside a literal is part of the input.
 */
#include "unit.h"
#include "validate.h"

#include <stdbool.h>

#define LIT(s) s, sizeof(s) - 1

/* A sentinel *why, to see that success leaves it alone. */
static const char unset_why[] = "(unset)";

/*
 * A case for a yes/no validator: the input is head, then count copies of
 * fill, then tail (for inputs at and past the length limits).
 */
struct check_case {
	const char *head;
	size_t head_len;
	char fill;
	size_t count;
	const char *tail;
	size_t tail_len;
	bool ok;
};

#define OK(s) { LIT(s), 0, 0, LIT(""), true }
#define BAD(s) { LIT(s), 0, 0, LIT(""), false }
#define LONG(head, fill, count, tail, ok) \
	{ LIT(head), fill, count, LIT(tail), ok }

typedef bool validator(const char *s, size_t n, const char **why);

/* The input of c in a heap buffer of exactly its length. */
static char *build_input(const struct check_case *c, size_t *n)
{
	char *buf;

	*n = c->head_len + c->count + c->tail_len;
	buf = malloc(*n ? *n : 1);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, c->head, c->head_len);
	memset(buf + c->head_len, c->fill, c->count);
	memcpy(buf + c->head_len + c->count, c->tail, c->tail_len);
	return buf;
}

/* A copy of s[0..n) in a heap buffer of exactly n bytes. */
static char *copy_exact(const char *s, size_t n)
{
	char *buf = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, s, n);
	return buf;
}

/* A refusal must say what is wrong and what would be accepted. */
static void assert_good_why(const char *why, const char *input, size_t n)
{
	ck_assert_msg(why != NULL && why != unset_why,
		      "no why for refused '%.*s'", (int)n, input);
	ck_assert_msg(why[0] != '\0', "empty why for '%.*s'", (int)n, input);
	ck_assert_msg(strstr(why, "use ") != NULL,
		      "why for '%.*s' says nothing acceptable: %s",
		      (int)n, input, why);
	ck_assert_msg(strchr(why, '\n') == NULL, "newline in why: %s", why);
}

static void run_check(validator *valid, const struct check_case *c)
{
	const char *why = unset_why;
	size_t n;
	char *s = build_input(c, &n);
	bool ok = valid(s, n, &why);

	ck_assert_msg(ok == c->ok, "'%.*s' (%zu bytes): expected %s, got %s%s",
		      (int)n, s, n, c->ok ? "ok" : "refused",
		      ok ? "ok" : "refused: ", ok ? "" : why);
	if (ok)
		ck_assert_ptr_eq(why, unset_why);
	else
		assert_good_why(why, s, n);
	free(s);
}

/* --- service names ------------------------------------------------------- */

static const struct check_case service_name_cases[] = {
	OK("a"),
	OK("0"),
	OK("my-service"),
	OK("web1"),
	OK("1web"),
	OK("a--b"),
	LONG("", 'a', 63, "", true),
	LONG("", 'a', 62, "9", true),
	LONG("", 'a', 64, "", false),
	LONG("", 'a', 62, "-", false),
	BAD(""),
	BAD("-"),
	BAD("-a"),
	BAD("a-"),
	BAD("A"),
	BAD("My-service"),
	BAD("a_b"),
	BAD("a.b"),
	BAD(".a"),
	BAD("a b"),
	BAD(" a"),
	BAD("a "),
	BAD("a\t"),
	BAD("a\n"),
	BAD("a\r\n"),
	BAD("a#b"),
	BAD("a{b"),
	BAD("a}b"),
	BAD("a\"b"),
	BAD("a'b"),
	BAD("a\0b"),
	BAD("a\0"),
	BAD("\0"),
	BAD("a/b"),
	BAD("a:b"),
	BAD("a*"),
	BAD("*"),
	BAD("caf\xc3\xa9"),
	BAD("\xff"),
	BAD("\x80"),
	BAD("a\xe2\x80\x90" "b"),	/* U+2010 hyphen */
};

START_TEST(test_service_name)
{
	run_check(valid_service_name, &service_name_cases[_i]);
}
END_TEST

/* --- network names ------------------------------------------------------- */

static const struct check_case network_name_cases[] = {
	OK("a"),
	OK("0"),
	OK("internal"),
	OK("a.b"),
	OK("a-b.c"),
	OK("a..b"),	/* the schema's pattern allows it */
	OK("a.-b"),
	LONG("", 'a', 55, "", true),
	LONG("", 'a', 54, "0", true),
	LONG("", 'a', 56, "", false),
	LONG("", 'a', 54, ".", false),
	BAD(""),
	BAD("."),
	BAD("-"),
	BAD(".a"),
	BAD("a."),
	BAD("-a"),
	BAD("a-"),
	BAD("A"),
	BAD("Net"),
	BAD("a_b"),
	BAD("a b"),
	BAD("a\n"),
	BAD("a#"),
	BAD("{a}"),
	BAD("a\""),
	BAD("a'"),
	BAD("a\0b"),
	BAD("a/b"),
	BAD("a:b"),
	BAD("a\xe3\x80\x82" "b"),	/* ideographic full stop */
	BAD("a\xef\xbc\x8e" "b"),	/* fullwidth full stop */
	BAD("\xef\xbd\x81"),		/* fullwidth a */
};

START_TEST(test_network_name)
{
	run_check(valid_network_name, &network_name_cases[_i]);
}
END_TEST

/* --- DNS records --------------------------------------------------------- */

static const struct check_case dns_record_cases[] = {
	OK("a"),
	OK("0"),
	OK("_"),
	OK("*"),
	OK("example.com"),
	OK("*.example.com"),
	OK("_sip._tcp.example.com"),
	OK("A-b_C.d"),
	OK("example.com."),	/* the schema's pattern allows these */
	OK("a..b"),
	OK("a-"),
	LONG("", 'a', 253, "", true),
	LONG("", 'a', 249, ".com", true),
	LONG("", 'a', 254, "", false),
	BAD(""),
	BAD("-a"),
	BAD(".a"),
	BAD("."),
	BAD("a b"),
	BAD(" a"),
	BAD("a "),
	BAD("a\n"),
	BAD("a\nb"),
	BAD("a\r"),
	BAD("a\t"),
	BAD("a#b"),
	BAD("#a"),
	BAD("a{b"),
	BAD("a}"),
	BAD("{a}"),
	BAD("\"a\""),
	BAD("'a'"),
	BAD("a\0b"),
	BAD("a\0"),
	BAD("a/b"),
	BAD("a:b"),
	BAD("a@b"),
	BAD("a;b"),
	BAD("a\\b"),
	BAD("$a"),
	BAD("example\xe3\x80\x82" "com"),
	BAD("example\xef\xbc\x8e" "com"),
	BAD("\xc3\xa9xample.com"),
};

START_TEST(test_dns_record)
{
	run_check(valid_dns_record, &dns_record_cases[_i]);
}
END_TEST

/* --- domains ------------------------------------------------------------- */

static const struct check_case domain_cases[] = {
	OK("*"),
	OK("a"),
	OK("localhost"),
	OK("example.com"),
	OK("*.example.com"),
	OK("*.com"),
	OK("EXAMPLE.COM"),
	OK("Sub-Domain.example.com"),
	OK("_dmarc.example.com"),
	OK("xn--bcher-kva.example"),
	OK("1.2.3.4"),
	OK("-x.example.com"),	/* parts are [-a-zA-Z0-9_] */
	OK("a-.b"),
	LONG("", 'a', 249, ".com", true),
	LONG("*.", 'a', 247, ".com", true),
	LONG("", 'a', 253, "", true),
	LONG("", 'a', 250, ".com", false),
	LONG("*.", 'a', 248, ".com", false),
	BAD(""),
	BAD("."),
	BAD(".."),
	BAD(".example.com"),
	BAD("example.com."),
	BAD("example..com"),
	BAD("*."),
	BAD("*..com"),
	BAD("**"),
	BAD("*.*"),
	BAD("*.*.example.com"),
	BAD("a.*.example.com"),
	BAD("a*.example.com"),
	BAD("*example.com"),
	BAD("example.*"),
	BAD("ex*ample.com"),
	BAD("a b"),
	BAD(" example.com"),
	BAD("example.com "),
	BAD("example.com\n"),
	BAD("example.com\r"),
	BAD("example.com\t"),
	BAD("example.com#"),
	BAD("{example.com}"),
	BAD("example.com}"),
	BAD("\"example.com\""),
	BAD("'example.com'"),
	BAD("example.com\0"),
	BAD("example\0.com"),
	BAD("\0"),
	BAD("example\xe3\x80\x82" "com"),	/* ideographic full stop */
	BAD("example\xef\xbc\x8e" "com"),	/* fullwidth full stop */
	BAD("\xd0\xb5xample.com"),		/* Cyrillic e */
	BAD("example.com/path"),
	BAD("example.com:443"),
	BAD("user@example.com"),
	BAD("a;b"),
	BAD("a\\.b"),
	BAD("a$b"),
	BAD("a|b"),
	BAD("a(b)"),
	BAD("a+b"),
	BAD("a^b"),
	BAD("a?b"),
	BAD("a[b]"),
};

START_TEST(test_domain)
{
	run_check(valid_domain, &domain_cases[_i]);
}
END_TEST

/* --- CIDRs --------------------------------------------------------------- */

static const struct check_case cidr_cases[] = {
	OK("10.0.0.0/8"),
	OK("1.1.1.1/32"),
	OK("0.0.0.0/0"),
	OK("192.168.1.1/24"),	/* host bits may be set */
	OK("255.255.255.255/32"),
	OK("::/0"),
	OK("::/128"),
	OK("::1/128"),
	OK("2001:db8::/32"),
	OK("2001:DB8::/32"),
	OK("::ffff:10.0.0.1/128"),
	OK("::1.2.3.4/96"),
	OK("fe80::1/64"),
	OK("fe80::1/0"),
	OK("1::/16"),
	OK("1:2:3:4:5:6:7:8/128"),
	OK("1:2:3:4:5:6:1.2.3.4/96"),
	OK("1:2:3:4:5:6:7::/112"),
	OK("::2:3:4:5:6:7:8/128"),
	OK("abcd:ef01:2345:6789:ABCD:EF01:2345:6789/64"),
	BAD(""),
	BAD("1.1.1.1"),
	BAD("::1"),
	BAD("/8"),
	BAD("/"),
	BAD("10.0.0.0/"),
	BAD("10.0.0.0/33"),
	BAD("10.0.0.0/08"),
	BAD("10.0.0.0/-1"),
	BAD("10.0.0.0/+8"),
	BAD("10.0.0.0/8 "),
	BAD("10.0.0.0/8\n"),
	BAD("10.0.0.0/8#"),
	BAD("10.0.0.0/99999999999999999999"),
	BAD("10.0.0.0/8/8"),
	BAD(" 10.0.0.0/8"),
	BAD("10.0.0.0 /8"),
	BAD("256.0.0.0/8"),
	BAD("1.2.3.999/8"),
	BAD("01.2.3.4/8"),
	BAD("1.2.3.00/8"),
	BAD("1.2.3/24"),
	BAD("1.2.3.4.5/32"),
	BAD("1.2.3.4./32"),
	BAD(".1.2.3/8"),
	BAD("1..2.3/8"),
	BAD("a.b.c.d/8"),
	BAD("-1.2.3.4/8"),
	BAD("1.2.3.4\0/32"),
	BAD("1.2.3.4/3\0"),
	BAD("1\xef\xbc\x8e" "1.1.1/32"),
	BAD("1.1.1.1\xef\xbc\x8f" "32"),
	BAD("2001:db8:::1/64"),
	BAD("1::2::3/64"),
	BAD("::/129"),
	BAD("::/999999999999999999999"),
	BAD(":::/0"),
	BAD(":1::/16"),
	BAD("1::1:/64"),
	BAD("1:/64"),
	BAD("12345::/16"),
	BAD("::g/64"),
	BAD("fe80::1%eth0/64"),
	BAD("1:2:3:4:5:6:7:8:9/64"),
	BAD("1:2:3:4:5:6:7/64"),
	BAD("1:2:3:4:5:6:7:8::/128"),
	BAD("1:2:3:4:5:6:7:1.2.3.4/128"),
	BAD("::ffff:256.0.0.1/128"),
	BAD("::ffff:1.2.3/128"),
	BAD("::ffff:1.2.3.4:5/128"),
	BAD("1.2.3.4::/64"),
	BAD("[::1]/128"),
	BAD(":: /0"),
};

START_TEST(test_cidr)
{
	run_check(valid_cidr, &cidr_cases[_i]);
}
END_TEST

/* --- entities ------------------------------------------------------------ */

static const struct check_case entity_cases[] = {
	OK("all"),
	OK("world"),
	OK("cluster"),
	OK("host"),
	OK("init"),
	OK("ingress"),
	OK("unmanaged"),
	OK("remote-node"),
	OK("health"),
	OK("none"),
	OK("kube-apiserver"),
	BAD(""),
	BAD("All"),
	BAD("WORLD"),
	BAD("kube-apiServer"),
	BAD("remote_node"),
	BAD("remotenode"),
	BAD(" all"),
	BAD("all "),
	BAD("all\0"),
	BAD("world\n"),
	BAD("everything"),
	BAD("alll"),
	BAD("al"),
	BAD("\xd0\xb0ll"),	/* Cyrillic a */
};

START_TEST(test_entity)
{
	run_check(valid_entity, &entity_cases[_i]);
}
END_TEST

/* --- runtime classes ----------------------------------------------------- */

static const struct check_case runtime_class_cases[] = {
	OK("gvisor"),
	OK("runc"),
	OK("CLUSTER_DEFAULT"),
	OK("my-runtime-class-name"),
	OK("a.b"),
	OK("kata-qemu"),
	OK("a"),
	OK("1"),
	LONG("", 'a', 253, "", true),
	LONG("", 'a', 251, ".b", true),
	LONG("", 'a', 254, "", false),
	BAD(""),
	BAD("Gvisor"),
	BAD("-x"),
	BAD("x-"),
	BAD("x_y"),
	BAD(".a"),
	BAD("a."),
	BAD("a..b"),
	BAD("a.-b"),
	BAD("a-.b"),
	BAD("cluster_default"),
	BAD("Cluster_Default"),
	BAD("CLUSTER_DEFAULT "),
	BAD("CLUSTER_DEFAULT\0"),
	BAD(" gvisor"),
	BAD("gvisor\n"),
	BAD("g visor"),
	BAD("gvisor#"),
	BAD("gvisor}"),
	BAD("\"gvisor\""),
	BAD("a/b"),
	BAD("g\xc3\xa9"),
};

START_TEST(test_runtime_class)
{
	run_check(valid_runtime_class, &runtime_class_cases[_i]);
}
END_TEST

/* --- labels -------------------------------------------------------------- */

static const struct check_case label_key_cases[] = {
	OK("app"),
	OK("A"),
	OK("a_b"),
	OK("a.b"),
	OK("a-b"),
	OK("Ab9"),
	OK("app.kubernetes.io/name"),
	OK("aisi.gov.uk/network-internal"),
	OK("example.com/My_Key.v1"),
	LONG("", 'a', 63, "", true),
	LONG("", 'a', 64, "", false),
	LONG("x/", 'a', 63, "", true),
	LONG("x/", 'a', 64, "", false),
	LONG("", 'a', 253, "/x", true),
	LONG("", 'a', 254, "/x", false),
	BAD(""),
	BAD("/"),
	BAD("/a"),
	BAD("a/"),
	BAD("a/b/c"),
	BAD("-a"),
	BAD("a-"),
	BAD("_a"),
	BAD("a_"),
	BAD(".a"),
	BAD("a."),
	BAD("Example.com/a"),
	BAD("-a.com/x"),
	BAD("a_b.com/x"),
	BAD("a..b/x"),
	BAD(".a/x"),
	BAD("a b"),
	BAD("a\n"),
	BAD("a#"),
	BAD("{a}"),
	BAD("\"a\""),
	BAD("a\0"),
	BAD("a\0b"),
	BAD("a:b"),
	BAD("app\xe3\x80\x82name"),
	BAD("a/\xc3\xa9"),
	BAD("\xc3\xa9/a"),
};

START_TEST(test_label_key)
{
	run_check(valid_label_key, &label_key_cases[_i]);
}
END_TEST

static const struct check_case label_value_cases[] = {
	OK(""),
	OK("a"),
	OK("1"),
	OK("v1.2"),
	OK("A_b-c.D"),
	LONG("", 'a', 63, "", true),
	LONG("", 'a', 64, "", false),
	BAD("-a"),
	BAD("a-"),
	BAD("_a"),
	BAD("a_"),
	BAD(".a"),
	BAD("a."),
	BAD("a b"),
	BAD(" a"),
	BAD("a\n"),
	BAD("a#"),
	BAD("a{"),
	BAD("a}"),
	BAD("\"a\""),
	BAD("a\0"),
	BAD("\0"),
	BAD("a/b"),
	BAD("a:b"),
	BAD("\xc3\xa9"),
};

START_TEST(test_label_value)
{
	run_check(valid_label_value, &label_value_cases[_i]);
}
END_TEST

/* --- ports --------------------------------------------------------------- */

#define PORT_UNSET 0xdeadbeefu
#define PROTO_UNSET ((enum protocol)77)

struct port_case {
	const char *s;
	size_t n;
	bool ok;
	unsigned port;
};

static const struct port_case port_cases[] = {
	{ LIT("1"), true, 1 },
	{ LIT("80"), true, 80 },
	{ LIT("443"), true, 443 },
	{ LIT("8080"), true, 8080 },
	{ LIT("65535"), true, 65535 },
	{ LIT(""), false, 0 },
	{ LIT("0"), false, 0 },
	{ LIT("00"), false, 0 },
	{ LIT("080"), false, 0 },
	{ LIT("65536"), false, 0 },
	{ LIT("99999"), false, 0 },
	{ LIT("4294967297"), false, 0 },
	{ LIT("99999999999999999999"), false, 0 },
	{ LIT("+1"), false, 0 },
	{ LIT("-1"), false, 0 },
	{ LIT(" 1"), false, 0 },
	{ LIT("1 "), false, 0 },
	{ LIT("1\n"), false, 0 },
	{ LIT("0x10"), false, 0 },
	{ LIT("1e3"), false, 0 },
	{ LIT("1.0"), false, 0 },
	{ LIT("1,000"), false, 0 },
	{ LIT("1\0"), false, 0 },
	{ LIT("\0" "1"), false, 0 },
	{ LIT("a"), false, 0 },
	{ LIT("\xef\xbc\x91"), false, 0 },	/* fullwidth 1 */
	{ LIT("\xd9\xa1"), false, 0 },		/* Arabic-Indic 1 */
};

START_TEST(test_port)
{
	const struct port_case *c = &port_cases[_i];
	char *s = copy_exact(c->s, c->n);
	const char *why = unset_why;
	unsigned port = PORT_UNSET;
	bool ok = parse_port(s, c->n, &port, &why);

	ck_assert_msg(ok == c->ok, "'%.*s': expected %s", (int)c->n, s,
		      c->ok ? "ok" : "refused");
	if (ok) {
		ck_assert_uint_eq(port, c->port);
		ck_assert_ptr_eq(why, unset_why);
	} else {
		ck_assert_uint_eq(port, PORT_UNSET);
		assert_good_why(why, s, c->n);
	}
	free(s);
}
END_TEST

/* --- protocols ----------------------------------------------------------- */

struct protocol_case {
	const char *s;
	size_t n;
	bool allow_any;
	bool ok;
	enum protocol proto;
};

static const struct protocol_case protocol_cases[] = {
	{ LIT("TCP"), false, true, PROTOCOL_TCP },
	{ LIT("tcp"), false, true, PROTOCOL_TCP },
	{ LIT("Tcp"), true, true, PROTOCOL_TCP },
	{ LIT("UDP"), false, true, PROTOCOL_UDP },
	{ LIT("uDp"), false, true, PROTOCOL_UDP },
	{ LIT("SCTP"), false, true, PROTOCOL_SCTP },
	{ LIT("sctp"), true, true, PROTOCOL_SCTP },
	{ LIT("ANY"), true, true, PROTOCOL_ANY },
	{ LIT("any"), true, true, PROTOCOL_ANY },
	{ LIT("aNy"), true, true, PROTOCOL_ANY },
	{ LIT("ANY"), false, false, 0 },
	{ LIT("any"), false, false, 0 },
	{ LIT(""), true, false, 0 },
	{ LIT(""), false, false, 0 },
	{ LIT("TC"), true, false, 0 },
	{ LIT("TCPP"), true, false, 0 },
	{ LIT("TCP "), true, false, 0 },
	{ LIT(" TCP"), true, false, 0 },
	{ LIT("TCP\0"), true, false, 0 },
	{ LIT("tcp\n"), true, false, 0 },
	{ LIT("TCP/UDP"), true, false, 0 },
	{ LIT("ICMP"), true, false, 0 },
	{ LIT("ALL"), true, false, 0 },
	{ LIT("\xef\xbc\xb4" "CP"), true, false, 0 },	/* fullwidth T */
};

START_TEST(test_protocol)
{
	const struct protocol_case *c = &protocol_cases[_i];
	char *s = copy_exact(c->s, c->n);
	const char *why = unset_why;
	enum protocol proto = PROTO_UNSET;
	bool ok = parse_protocol(s, c->n, c->allow_any, &proto, &why);

	ck_assert_msg(ok == c->ok, "'%.*s' (any %d): expected %s", (int)c->n,
		      s, c->allow_any, c->ok ? "ok" : "refused");
	if (ok) {
		ck_assert_int_eq(proto, c->proto);
		ck_assert_ptr_eq(why, unset_why);
	} else {
		ck_assert_int_eq(proto, PROTO_UNSET);
		assert_good_why(why, s, c->n);
	}
	free(s);
}
END_TEST

START_TEST(test_protocol_name)
{
	ck_assert_str_eq(protocol_name(PROTOCOL_TCP), "TCP");
	ck_assert_str_eq(protocol_name(PROTOCOL_UDP), "UDP");
	ck_assert_str_eq(protocol_name(PROTOCOL_SCTP), "SCTP");
	ck_assert_str_eq(protocol_name(PROTOCOL_ANY), "ANY");
	ck_assert_ptr_nonnull(protocol_name(PROTO_UNSET));
}
END_TEST

/* --- agentenv.io/ports items --------------------------------------------- */

struct service_port_case {
	const char *s;
	size_t n;
	bool ok;
	unsigned port;
	enum protocol proto;
};

static const struct service_port_case service_port_cases[] = {
	{ LIT("80"), true, 80, PROTOCOL_TCP },
	{ LIT("1"), true, 1, PROTOCOL_TCP },
	{ LIT("8080/TCP"), true, 8080, PROTOCOL_TCP },
	{ LIT("53/UDP"), true, 53, PROTOCOL_UDP },
	{ LIT("53/udp"), true, 53, PROTOCOL_UDP },
	{ LIT("9/sctp"), true, 9, PROTOCOL_SCTP },
	{ LIT("65535/Tcp"), true, 65535, PROTOCOL_TCP },
	{ LIT(""), false, 0, 0 },
	{ LIT("/"), false, 0, 0 },
	{ LIT("/TCP"), false, 0, 0 },
	{ LIT("80/"), false, 0, 0 },
	{ LIT("80/ANY"), false, 0, 0 },
	{ LIT("80/any"), false, 0, 0 },
	{ LIT("0/TCP"), false, 0, 0 },
	{ LIT("65536"), false, 0, 0 },
	{ LIT("080"), false, 0, 0 },
	{ LIT("+80"), false, 0, 0 },
	{ LIT("80 /TCP"), false, 0, 0 },
	{ LIT("80/ TCP"), false, 0, 0 },
	{ LIT("80/TCP "), false, 0, 0 },
	{ LIT("80/TCP/UDP"), false, 0, 0 },
	{ LIT("80//TCP"), false, 0, 0 },
	{ LIT("80/FOO"), false, 0, 0 },
	{ LIT("80@example.com"), false, 0, 0 },
	{ LIT("80\0/TCP"), false, 0, 0 },
	{ LIT("80/TCP\0"), false, 0, 0 },
	{ LIT("80/TCP\n"), false, 0, 0 },
	{ LIT("99999999999999999999/UDP"), false, 0, 0 },
};

START_TEST(test_service_port)
{
	const struct service_port_case *c = &service_port_cases[_i];
	char *s = copy_exact(c->s, c->n);
	const char *why = unset_why;
	unsigned port = PORT_UNSET;
	enum protocol proto = PROTO_UNSET;
	bool ok = parse_service_port(s, c->n, &port, &proto, &why);

	ck_assert_msg(ok == c->ok, "'%.*s': expected %s", (int)c->n, s,
		      c->ok ? "ok" : "refused");
	if (ok) {
		ck_assert_uint_eq(port, c->port);
		ck_assert_int_eq(proto, c->proto);
		ck_assert_ptr_eq(why, unset_why);
	} else {
		ck_assert_uint_eq(port, PORT_UNSET);
		ck_assert_int_eq(proto, PROTO_UNSET);
		assert_good_why(why, s, c->n);
	}
	free(s);
}
END_TEST

/* --- agentenv.io/allow-ingress items ------------------------------------- */

static const struct service_port_case ingress_port_cases[] = {
	{ LIT("2222"), true, 2222, PROTOCOL_TCP },
	{ LIT("1"), true, 1, PROTOCOL_TCP },
	{ LIT("65535"), true, 65535, PROTOCOL_TCP },
	{ LIT("2222/TCP"), true, 2222, PROTOCOL_TCP },
	{ LIT("60000/udp"), true, 60000, PROTOCOL_UDP },
	{ LIT("9/Sctp"), true, 9, PROTOCOL_SCTP },
	{ LIT(""), false, 0, 0 },
	{ LIT("0"), false, 0, 0 },
	{ LIT("65536"), false, 0, 0 },
	{ LIT("99999999999999999999"), false, 0, 0 },
	{ LIT("-1"), false, 0, 0 },
	{ LIT("022"), false, 0, 0 },
	{ LIT("22/ANY"), false, 0, 0 },
	{ LIT("22/ICMP"), false, 0, 0 },
	{ LIT("22/"), false, 0, 0 },
	{ LIT("/TCP"), false, 0, 0 },
	{ LIT("22/TCP/UDP"), false, 0, 0 },
	{ LIT("22@example.com"), false, 0, 0 },
	{ LIT("22\0"), false, 0, 0 },
	{ LIT("ssh"), false, 0, 0 },
};

START_TEST(test_ingress_port)
{
	const struct service_port_case *c = &ingress_port_cases[_i];
	char *s = copy_exact(c->s, c->n);
	const char *why = unset_why;
	unsigned port = PORT_UNSET;
	enum protocol proto = PROTO_UNSET;
	bool ok = parse_ingress_port(s, c->n, &port, &proto, &why);

	ck_assert_msg(ok == c->ok, "'%.*s': expected %s", (int)c->n, s,
		      c->ok ? "ok" : "refused");
	if (ok) {
		ck_assert_uint_eq(port, c->port);
		ck_assert_int_eq(proto, c->proto);
		ck_assert_ptr_eq(why, unset_why);
	} else {
		ck_assert_uint_eq(port, PORT_UNSET);
		ck_assert_int_eq(proto, PROTO_UNSET);
		assert_good_why(why, s, c->n);
		ck_assert_msg(strstr(why, "ingress port") != NULL, "%s", why);
	}
	free(s);
}
END_TEST

/* --- agentenv.io/allow-domains-ports items ------------------------------- */

struct domain_port_case {
	const char *s;
	size_t n;
	bool ok;
	unsigned port;
	enum protocol proto;
	const char *domain;	/* "" when none was given */
};

#define DP_OK(s, port, proto, domain) { LIT(s), true, port, proto, domain }
#define DP_BAD(s) { LIT(s), false, 0, 0, "" }

static const struct domain_port_case domain_port_cases[] = {
	DP_OK("22", 22, PROTOCOL_ANY, ""),
	DP_OK("22@github.com", 22, PROTOCOL_ANY, "github.com"),
	DP_OK("22/tcp@GitHub.com", 22, PROTOCOL_TCP, "GitHub.com"),
	DP_OK("443/UDP", 443, PROTOCOL_UDP, ""),
	DP_OK("443/udp", 443, PROTOCOL_UDP, ""),
	DP_OK("80/UDP", 80, PROTOCOL_UDP, ""),
	DP_OK("443/SCTP", 443, PROTOCOL_SCTP, ""),
	DP_OK("443/udp@example.com", 443, PROTOCOL_UDP, "example.com"),
	DP_OK("8443/TCP@example.com", 8443, PROTOCOL_TCP, "example.com"),
	DP_OK("53/udp@*.example.com", 53, PROTOCOL_UDP, "*.example.com"),
	DP_OK("8080/any@a.b", 8080, PROTOCOL_ANY, "a.b"),
	DP_OK("65535/TCP@a", 65535, PROTOCOL_TCP, "a"),
	DP_OK("5432/TCP", 5432, PROTOCOL_TCP, ""),
	DP_BAD("443"),
	DP_BAD("80"),
	DP_BAD("80/ANY"),
	DP_BAD("80/tcp"),
	DP_BAD("443/TCP"),
	DP_BAD("443/any@example.com"),
	DP_BAD("80@example.com"),
	DP_BAD("443/Tcp@example.com"),
	DP_BAD("22@*"),
	DP_BAD("22/TCP@*"),
	DP_BAD("22@"),
	DP_BAD("22/TCP@"),
	DP_BAD("@x"),
	DP_BAD("@"),
	DP_BAD(""),
	DP_BAD("/"),
	DP_BAD("/TCP@x"),
	DP_BAD("22/"),
	DP_BAD("22/@x"),
	DP_BAD("22/FOO"),
	DP_BAD("22/FOO@x"),
	DP_BAD("22/TCP/UDP"),
	DP_BAD("22@.example.com"),
	DP_BAD("22@example..com"),
	DP_BAD("22@example.com."),
	DP_BAD("22@*."),
	DP_BAD("22@a.*"),
	DP_BAD("22@exa mple.com"),
	DP_BAD("22@ example.com"),
	DP_BAD("22 @example.com"),
	DP_BAD("22@example.com\n"),
	DP_BAD("22@example.com#"),
	DP_BAD("22@{example.com}"),
	DP_BAD("22@\"example.com\""),
	DP_BAD("22@a@b"),
	DP_BAD("22@example\xe3\x80\x82" "com"),
	DP_BAD("22\0@x"),
	DP_BAD("22@x\0"),
	DP_BAD("022@x"),
	DP_BAD("0@x"),
	DP_BAD("+22@x"),
	DP_BAD("65536@x"),
	DP_BAD("99999999999999999999/UDP@x"),
};

START_TEST(test_domain_port)
{
	const struct domain_port_case *c = &domain_port_cases[_i];
	char *s = copy_exact(c->s, c->n);
	const char *why = unset_why;
	unsigned port = PORT_UNSET;
	enum protocol proto = PROTO_UNSET;
	const char *domain = unset_why;
	size_t domain_len = 12345;
	bool ok = parse_domain_port(s, c->n, &port, &proto, &domain,
				    &domain_len, &why);

	ck_assert_msg(ok == c->ok, "'%.*s': expected %s, got %s", (int)c->n,
		      s, c->ok ? "ok" : "refused", ok ? "ok" : why);
	if (ok) {
		ck_assert_uint_eq(port, c->port);
		ck_assert_int_eq(proto, c->proto);
		ck_assert_uint_eq(domain_len, strlen(c->domain));
		ck_assert_ptr_nonnull(domain);
		ck_assert(domain >= s && domain + domain_len <= s + c->n);
		ck_assert(!memcmp(domain, c->domain, domain_len));
		ck_assert_ptr_eq(why, unset_why);
	} else {
		ck_assert_uint_eq(port, PORT_UNSET);
		ck_assert_int_eq(proto, PROTO_UNSET);
		ck_assert_ptr_eq(domain, unset_why);
		ck_assert_uint_eq(domain_len, 12345);
		assert_good_why(why, s, c->n);
	}
	free(s);
}
END_TEST

/* --- booleans ------------------------------------------------------------ */

struct bool_case {
	const char *s;
	size_t n;
	bool ok;
	bool value;
};

static const struct bool_case bool_cases[] = {
	{ LIT("true"), true, true },
	{ LIT("false"), true, false },
	{ LIT(""), false, false },
	{ LIT("True"), false, false },
	{ LIT("FALSE"), false, false },
	{ LIT("yes"), false, false },
	{ LIT("on"), false, false },
	{ LIT("1"), false, false },
	{ LIT("0"), false, false },
	{ LIT("tru"), false, false },
	{ LIT("truee"), false, false },
	{ LIT("true "), false, false },
	{ LIT(" true"), false, false },
	{ LIT("true\n"), false, false },
	{ LIT("true\0"), false, false },
	{ LIT("\"true\""), false, false },
};

/* Runs case c with *value starting as initial. */
static void run_bool(const struct bool_case *c, bool initial)
{
	char *s = copy_exact(c->s, c->n);
	const char *why = unset_why;
	bool value = initial;
	bool ok = parse_bool(s, c->n, &value, &why);

	ck_assert_msg(ok == c->ok, "'%.*s': expected %s", (int)c->n, s,
		      c->ok ? "ok" : "refused");
	if (ok) {
		ck_assert(value == c->value);
		ck_assert_ptr_eq(why, unset_why);
	} else {
		ck_assert(value == initial);
		assert_good_why(why, s, c->n);
	}
	free(s);
}

START_TEST(test_bool)
{
	run_bool(&bool_cases[_i], false);
	run_bool(&bool_cases[_i], true);
}
END_TEST

/* --- every refusal explains itself --------------------------------------- */

static const struct {
	const char *name;
	validator *valid;
	const struct check_case *cases;
	size_t count;
} check_tables[] = {
#define TABLE(fn, cases) { #fn, fn, cases, ARRAY_SIZE(cases) }
	TABLE(valid_service_name, service_name_cases),
	TABLE(valid_network_name, network_name_cases),
	TABLE(valid_dns_record, dns_record_cases),
	TABLE(valid_domain, domain_cases),
	TABLE(valid_cidr, cidr_cases),
	TABLE(valid_entity, entity_cases),
	TABLE(valid_runtime_class, runtime_class_cases),
	TABLE(valid_label_key, label_key_cases),
	TABLE(valid_label_value, label_value_cases),
#undef TABLE
};

/*
 * Every refused input of every table gets a non-empty why that names what
 * kind of value was expected and says what to use instead.
 */
START_TEST(test_why_for_every_refusal)
{
	size_t t, i, refused = 0;

	for (t = 0; t < ARRAY_SIZE(check_tables); t++) {
		for (i = 0; i < check_tables[t].count; i++) {
			const struct check_case *c = &check_tables[t].cases[i];
			const char *why = NULL;
			size_t n;
			char *s = build_input(c, &n);

			if (!check_tables[t].valid(s, n, &why)) {
				ck_assert_msg(why && *why, "%s: no why",
					      check_tables[t].name);
				ck_assert(!strncmp(why, "is ", 3));
				ck_assert(strstr(why, "use ") != NULL);
				refused++;
			}
			free(s);
		}
	}
	ck_assert_uint_gt(refused, 100);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *suite = suite_create("validate");
	TCase *tc = tcase_create("validate");

#define LOOP(test, cases) \
	tcase_add_loop_test(tc, test, 0, (int)ARRAY_SIZE(cases))
	LOOP(test_service_name, service_name_cases);
	LOOP(test_network_name, network_name_cases);
	LOOP(test_dns_record, dns_record_cases);
	LOOP(test_domain, domain_cases);
	LOOP(test_cidr, cidr_cases);
	LOOP(test_entity, entity_cases);
	LOOP(test_runtime_class, runtime_class_cases);
	LOOP(test_label_key, label_key_cases);
	LOOP(test_label_value, label_value_cases);
	LOOP(test_port, port_cases);
	LOOP(test_protocol, protocol_cases);
	LOOP(test_service_port, service_port_cases);
	LOOP(test_ingress_port, ingress_port_cases);
	LOOP(test_domain_port, domain_port_cases);
	LOOP(test_bool, bool_cases);
#undef LOOP
	tcase_add_test(tc, test_protocol_name);
	tcase_add_test(tc, test_why_for_every_refusal);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(make_suite)
