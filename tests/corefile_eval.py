#!/usr/bin/python3
"""corefile_eval.py STREAM.yaml [--env VAR=VALUE]... NAME...
   corefile_eval.py --self-test

What a pod's DNS query becomes in the CoreDNS sidecar agentenv-post
configures. For every ConfigMap of STREAM.yaml whose name ends in
"coredns-configmap" and that has a "Corefile" key, and for every NAME,
print one line:

    CONFIGMAP NAME. -> FORWARDED. (answer: ANSWER.)

FORWARDED is the name the query carries to the cluster DNS; ANSWER is the
owner name the client sees on the answer, the cluster's answer being
simulated as a record named FORWARDED. A rewrite to a name that is not a
valid domain name prints "(servfail: ...)" instead, as CoreDNS answers
SERVFAIL. Exit 0; 2 on a usage error, a stream without such a ConfigMap,
or a Corefile this evaluator does not understand: it refuses to guess
rather than pass.

A small evaluator of the rule forms agentenv-post emits (and the older
`answer name` form), written from CoreDNS's source, not from
agentenv-post's code:

    rewrite name exact FROM TO
    rewrite name regex FROM TO answer auto
    rewrite name regex FROM TO answer name AFROM ATO

Semantics, read in coredns/coredns (plugin/rewrite/name.go at 6a937b46
and in its later stringRewriter form, rewrite.go at b774f84e, reverter.go
at 46602a55; request/request.go, plugin/normalize.go) and coredns/caddy:
  - Corefile: Caddy's parser replaces {$VAR} in every token by the
    variable's value, an unset variable by "" (coredns/caddy
    caddyfile/parse.go, replaceEnvVars/replaceEnvReferences: os.Getenv).
  - the name the rules see is request.Name(): the question name
    lower-cased and fully qualified (request/request.go, Name()).
  - rules run in Corefile order; the first that matches rewrites and, in
    the default "stop" mode, no later rule runs (plugin/rewrite/rewrite.go,
    ServeDNS: `if rule.Mode() == Stop` returns after the first RewriteDone;
    newRule: mode defaults to Stop). A rewritten name that is not a valid
    domain name gives SERVFAIL (same function, dns.IsDomainName).
  - exact: FROM and TO are plugin.Name(..).Normalize()d (lower-cased,
    trailing "." added; plugin/normalize.go); the rule matches when the
    name equals FROM; answer names equal to TO (or under it) are mapped
    back to the original name, i.e. FROM (plugin/rewrite/name.go:
    newNameRule, exactNameRule.Rewrite, responseRuleFor with
    remapStringRewriter; in the older 6a937b46 the answer rule is a
    regexp of TO replaced by FROM, the same on the names we simulate).
  - regex: FROM is a Go regexp searched in the name (FindStringSubmatch:
    unanchored unless ^/$); TO is Normalize()d first, then each "{i}" is
    replaced by group i in turn; `answer name AFROM ATO`: AFROM is a
    regexp searched in each answer name, ATO Normalize()d, groups
    substituted the same way; an answer name AFROM does not match is left
    alone; the names records point at (a CNAME's target) are not renamed
    (plugin/rewrite/name.go: newNameRule, regexNameRule.Rewrite,
    parseAnswerRules, regexStringRewriter.rewriteString). A TO using more
    groups than FROM has is refused at startup (isValidRegexPattern).
  - `answer auto` (CoreDNS 1.8.4+): every owner name and every name a
    record points at (CNAME, SRV, MX, NS, PTR, ... targets) that equals the
    rewritten name, or lies under it, is mapped back to the name asked
    (lower-cased); every other name is left alone (responseRuleFor,
    remapStringRewriter, valueRewriterResponseRule; the same from v1.8.4
    to v1.14.7).
  - the response's question section is restored to the original question
    (plugin/rewrite/reverter.go, WriteMsg) — not printed: always as asked.
Any other rewrite form, any other server block than `.:53 { }`, or a
regexp using syntax beyond a small subset that Go's RE2 and Python's re
read alike, is an error (exit 2).
"""
import re
import sys

CONFIGMAP_SUFFIX = "coredns-configmap"
SERVER_BLOCK = [".:53", "{"]
# The regexp subset read alike by Go's RE2 and Python's re: literals,
# classes, groups without flags, anchors, quantifiers, \. and \-.
SAFE_REGEX = re.compile(r"^(?:[A-Za-z0-9_^$()\[\]|.+*?-]|\\[.-])*$")
ENV_REFERENCE = re.compile(r"\{\$([^}]+)\}")
GROUP_REFERENCE = re.compile(r"\{([0-9]+)\}")


class Unsupported(Exception):
    """A Corefile form the evaluator does not know: never guess."""


def fqdn(name):
    return name if name.endswith(".") else name + "."


def normalize(name):
    """plugin.Name(name).Normalize(): lower-cased, fully qualified."""
    return fqdn(name).lower()


def valid_domain_name(name):
    """dns.IsDomainName, for the unescaped names we meet."""
    if name == ".":
        return True
    labels = name[:-1].split(".") if name.endswith(".") else name.split(".")
    return (all(0 < len(label) <= 63 for label in labels)
            and sum(len(label) + 1 for label in labels) + 1 <= 255)


def substitute_groups(template, groups):
    """{0}, {1}, ... replaced in turn, as rewriteString does."""
    for index, value in enumerate(groups):
        template = template.replace("{%d}" % index, value or "")
    return template


def compile_regex(pattern, template, where):
    if not SAFE_REGEX.match(pattern):
        raise Unsupported(f"{where}: regexp {pattern!r} uses syntax "
                          "outside the subset this evaluator reads")
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise Unsupported(f"{where}: invalid regexp {pattern!r}: {err}")
    # CoreDNS refuses more distinct {i} than groups (isValidRegexPattern);
    # a {i} past the last group, which it would leave as is, is refused too.
    used = {int(n) for n in GROUP_REFERENCE.findall(template)}
    if len(used) > compiled.groups or max(used, default=0) > compiled.groups:
        raise Unsupported(f"{where}: {template!r} uses more groups than "
                          f"{pattern!r} has")
    return compiled


class ExactRule:
    def __init__(self, source, target):
        self.source = normalize(source)
        self.target = normalize(target)

    def rewrite(self, name):
        """(forwarded, answer_of) when the rule matches, else None."""
        if name != self.source:
            return None
        return self.target, remap(self.target, name)


def remap(forwarded, original):
    """answer auto (and an exact rule's answers): a name equal to the
    rewritten name, or under it, maps back to the name asked; any other
    name is left alone (plugin/rewrite/name.go: responseRuleFor,
    remapStringRewriter). Applied to record owners and to the names
    records point at (CNAME/SRV/MX/NS/PTR targets: valueRewriterResponseRule,
    getRecordValueForRewrite)."""
    def answer_of(owner, value=False):
        if owner == forwarded:
            return original
        if owner.endswith("." + forwarded):
            return owner[:-len(forwarded)] + original
        return owner
    return answer_of


class RegexRule:
    def __init__(self, source, target, answer_source, answer_target, where,
                 auto=False):
        self.pattern = compile_regex(source, target, where)
        self.target = normalize(target)
        self.auto = auto
        if not auto:
            self.answer_pattern = compile_regex(answer_source, answer_target,
                                                where)
            self.answer_target = normalize(answer_target)

    def rewrite(self, name):
        match = self.pattern.search(name)
        if match is None:
            return None
        forwarded = substitute_groups(self.target,
                                      (match.group(0),) + match.groups())
        if self.auto:
            return forwarded, remap(forwarded, name)

        def answer_of(owner, value=False):
            # `answer name` renames owners only (nameRewriterResponseRule).
            answer = None if value else self.answer_pattern.search(owner)
            if answer is None:
                return owner
            return substitute_groups(self.answer_target,
                                     (answer.group(0),) + answer.groups())
        return forwarded, answer_of


def substitute_env(token, env):
    return ENV_REFERENCE.sub(lambda m: env.get(m.group(1), ""), token)


def tokens(line):
    """Whitespace-separated words up to a word starting with '#'."""
    words = []
    for word in line.split():
        if word.startswith("#"):
            break
        words.append(word)
    return words


def parse_rule(words, where):
    if '"' in " ".join(words) or "{" in words or "}" in words:
        raise Unsupported(f"{where}: quotes or a block in a rewrite rule")
    if len(words) == 5 and words[1:3] == ["name", "exact"]:
        return ExactRule(words[3], words[4])
    if (len(words) == 9 and words[1:3] == ["name", "regex"]
            and words[5:7] == ["answer", "name"]):
        return RegexRule(words[3], words[4], words[7], words[8], where)
    if (len(words) == 7 and words[1:3] == ["name", "regex"]
            and words[5:7] == ["answer", "auto"]):
        return RegexRule(words[3], words[4], None, None, where, auto=True)
    raise Unsupported(f"{where}: unsupported rewrite form: {' '.join(words)}")


def parse_rules(corefile_text, env):
    """The rewrite rules of the `.:53 { }` block, in order."""
    rules = []
    depth = 0
    blocks = 0
    for lineno, line in enumerate(corefile_text.splitlines(), 1):
        where = f"Corefile line {lineno}"
        words = [substitute_env(w, env) for w in tokens(line)]
        if not words:
            continue
        if depth == 0:
            if words != SERVER_BLOCK:
                raise Unsupported(f"{where}: expected '.:53 {{', got {line.strip()!r}")
            depth, blocks = 1, blocks + 1
        elif words == ["}"]:
            depth -= 1
        elif "}" in words:
            raise Unsupported(f"{where}: '}}' not alone on its line")
        elif words[0] == "rewrite":
            if depth != 1:
                raise Unsupported(f"{where}: rewrite inside a nested block")
            rules.append(parse_rule(words, where))
        elif words[-1] == "{":
            depth += 1
    if depth != 0 or blocks != 1:
        raise Unsupported("Corefile: not exactly one closed '.:53 { }' block")
    return rules


def query(rules, name):
    """(forwarded, answer_of) for a query of name: answer_of(name, value)
    maps each name in the cluster's answer (owners; with value=True the
    names records point at) to what the client sees; it
    is None when no rule took the name (forwarded as asked, answered as
    the cluster answers), SERVFAIL when forwarded is not a domain name."""
    asked = fqdn(name)
    seen = asked.lower()
    for rule in rules:
        hit = rule.rewrite(seen)
        if hit is None:
            continue
        forwarded, answer_of = hit
        if not valid_domain_name(forwarded):
            return forwarded, SERVFAIL
        return forwarded, answer_of
    return asked, None


SERVFAIL = "servfail"


def run(rules, name):
    """(forwarded, answer) for a query of name, the cluster's answer
    simulated as a record named forwarded; answer None: SERVFAIL."""
    forwarded, answer_of = query(rules, name)
    if answer_of is None:
        return forwarded, forwarded
    if answer_of == SERVFAIL:
        return forwarded, None
    return forwarded, answer_of(forwarded)


def evaluate(corefile_text, env, name):
    return run(parse_rules(corefile_text, env), name)


def documents(path):
    """The mappings of a YAML stream, List items flattened."""
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as stream:
        pending = list(yaml.load_all(stream, Loader=loader))
    while pending:
        doc = pending.pop(0)
        if isinstance(doc, dict) and doc.get("kind") == "List":
            pending[0:0] = doc.get("items") or []
        elif isinstance(doc, dict):
            yield doc


def coredns_configmaps(docs):
    """(name, Corefile text) of every generated CoreDNS ConfigMap."""
    for doc in docs:
        name = str((doc.get("metadata") or {}).get("name") or "")
        corefile = (doc.get("data") or {}).get("Corefile")
        if (doc.get("kind") == "ConfigMap" and name.endswith(CONFIGMAP_SUFFIX)
                and isinstance(corefile, str)):
            yield name, corefile


def describe(configmap, name, forwarded, answer):
    if answer is None:
        return (f"{configmap} {fqdn(name)} -> {forwarded} "
                "(servfail: invalid name after rewrite)")
    return f"{configmap} {fqdn(name)} -> {forwarded} (answer: {answer})"


# --- self-test ----------------------------------------------------------

SELF_TEST_COREFILE = r"""
.:53 {
    log
    errors

    # target: a sandbox service
    rewrite name exact target agentenv-r-target.NS.svc.cluster.local
    rewrite name exact agentenv-r-target agentenv-r-target.NS.svc.cluster.local
    # web: a sandbox service that is also a chart Service name
    rewrite name exact web.example.com agentenv-r-web.NS.svc.cluster.local
    rewrite name exact Alias.Example.ORG. AGENTENV-R-WEB.NS.svc.cluster.local

    rewrite name regex ^([^.]+)\.db-headless(\.NS|\.NS\.svc)?\.$ {1}.db-headless.NS.svc.cluster.local answer auto
    rewrite name regex ^(_[^.]+\._[^.]+\.[^.]+)(\.NS|\.NS\.svc)?\.$ {1}.NS.svc.cluster.local answer auto
    rewrite name regex ^([^.]+)(\.NS|\.NS\.svc)?\.$ {1}.NS.svc.cluster.local answer auto

    forward . /etc/resolv.conf {
        max_concurrent 1000
    }
    bind 127.0.0.1
}
"""
LITERAL = SELF_TEST_COREFILE.replace("NS", "ns")
FROM_ENV = SELF_TEST_COREFILE.replace("NS", "{$AGENTENV_NAMESPACE}")
NS_ENV = {"AGENTENV_NAMESPACE": "ns"}
FULL = "web.ns.svc.cluster.local."
TARGET = "agentenv-r-target.ns.svc.cluster.local."

# (what, Corefile, env, name, forwarded, answer)
SELF_TEST_CASES = [
    ("exact rule wins over the regex", LITERAL, {}, "target", TARGET, "target."),
    ("exact: the long name", LITERAL, {}, "agentenv-r-target",
     TARGET, "agentenv-r-target."),
    ("exact: a dotted alias", LITERAL, {}, "web.example.com",
     "agentenv-r-web.ns.svc.cluster.local.", "web.example.com."),
    ("exact: upper case matches", LITERAL, {}, "Target", TARGET, "target."),
    ("exact: the rule's names are lower-cased", LITERAL, {},
     "alias.example.org", "agentenv-r-web.ns.svc.cluster.local.",
     "alias.example.org."),
    ("NAME", LITERAL, {}, "web", FULL, "web."),
    ("NAME.NS", LITERAL, {}, "web.ns", FULL, "web.ns."),
    ("NAME.NS.svc", LITERAL, {}, "web.ns.svc", FULL, "web.ns.svc."),
    ("upper case is lower-cased", LITERAL, {}, "WEB.NS", FULL, "web.ns."),
    ("a trailing dot is the same name", LITERAL, {}, "web.", FULL, "web."),
    ("an internet name", LITERAL, {}, "pypi.org", "pypi.org.", "pypi.org."),
    ("two labels before NS", LITERAL, {}, "a.b.ns", "a.b.ns.", "a.b.ns."),
    ("another namespace", LITERAL, {}, "web.other", "web.other.", "web.other."),
    ("already full: untouched", LITERAL, {}, "web.ns.svc.cluster.local",
     FULL, FULL),
    ("NAME.NS.svc.cluster", LITERAL, {}, "web.ns.svc.cluster",
     "web.ns.svc.cluster.", "web.ns.svc.cluster."),
    ("example.com untouched", LITERAL, {}, "example.com",
     "example.com.", "example.com."),
    ("untouched keeps its case", LITERAL, {}, "Example.COM",
     "Example.COM.", "Example.COM."),
    ("{$VAR}: exact", FROM_ENV, NS_ENV, "target", TARGET, "target."),
    ("{$VAR}: NAME", FROM_ENV, NS_ENV, "web", FULL, "web."),
    ("{$VAR}: NAME.NS", FROM_ENV, NS_ENV, "web.ns", FULL, "web.ns."),
    ("{$VAR}: NAME.NS.svc", FROM_ENV, NS_ENV, "web.ns.svc", FULL, "web.ns.svc."),
    ("{$VAR}: another namespace", FROM_ENV, NS_ENV, "web.other",
     "web.other.", "web.other."),
    ("{$VAR} other value", FROM_ENV, {"AGENTENV_NAMESPACE": "other"},
     "web.other", "web.other.svc.cluster.local.", "web.other."),
    ("{$VAR} unset: empty, invalid name, servfail", FROM_ENV, {}, "web",
     "web..svc.cluster.local.", None),
    ("POD.HEADLESS", LITERAL, {}, "db-0.db-headless",
     "db-0.db-headless.ns.svc.cluster.local.", "db-0.db-headless."),
    ("POD.HEADLESS.NS", LITERAL, {}, "db-0.db-headless.ns",
     "db-0.db-headless.ns.svc.cluster.local.", "db-0.db-headless.ns."),
    ("POD.HEADLESS.NS.svc", LITERAL, {}, "DB-0.db-headless.ns.svc",
     "db-0.db-headless.ns.svc.cluster.local.", "db-0.db-headless.ns.svc."),
    ("POD.HEADLESS full: untouched", LITERAL, {},
     "db-0.db-headless.ns.svc.cluster.local",
     "db-0.db-headless.ns.svc.cluster.local.",
     "db-0.db-headless.ns.svc.cluster.local."),
    ("POD.OTHER: not a headless Service of the chart", LITERAL, {},
     "db-0.web", "db-0.web.", "db-0.web."),
    ("SRV short", LITERAL, {}, "_http._tcp.web",
     "_http._tcp.web.ns.svc.cluster.local.", "_http._tcp.web."),
    ("SRV .NS.svc", LITERAL, {}, "_http._tcp.web.ns.svc",
     "_http._tcp.web.ns.svc.cluster.local.", "_http._tcp.web.ns.svc."),
    ("{$VAR}: POD.HEADLESS", FROM_ENV, NS_ENV, "db-1.db-headless",
     "db-1.db-headless.ns.svc.cluster.local.", "db-1.db-headless."),
]

# answer auto renames the rewritten name only: a CNAME's target keeps its
# name (glibc takes an A record only from the CNAME's target);
# `answer name` with a regexp renames every owner it matches.
AUTO_RULE = ("rewrite name regex ^([^.]+)\\.$ {1}.ns.svc.cluster.local "
             "answer auto")
NAME_RULE = ("rewrite name regex ^([^.]+)\\.$ {1}.ns.svc.cluster.local "
             "answer name ^([^.]+)\\.ns\\.svc\\.cluster\\.local\\.$ {1}")
CNAME_CASES = [
    (AUTO_RULE, ["a.", "b.ns.svc.cluster.local.", "b.ns.svc.cluster.local."]),
    (NAME_RULE, ["a.", "b.ns.svc.cluster.local.", "b."]),
]

MALFORMED_RULES = [
    "rewrite name web agentenv-r-web.ns.svc.cluster.local",
    "rewrite stop name exact web agentenv-r-web.ns.svc.cluster.local",
    "rewrite continue name exact web agentenv-r-web.ns.svc.cluster.local",
    "rewrite name exact web",
    "rewrite name exact web a b",
    "rewrite name suffix .ns. .ns.svc.cluster.local.",
    r"rewrite name regex ^([^.]+)\.$ {1}.ns.svc.cluster.local",
    r"rewrite name regex ^([^.]+)\.$ {1}.ns answer auto answer name ^(.*)$ {1}",
    r"rewrite name regex ^([^.]+)\.$ {2}.ns answer name ^(.*)$ {1}",
    r"rewrite name regex ^(\w+)\.$ {1}.ns answer name ^(.*)$ {1}",
    r"rewrite name regex ^(?i)web\.$ {0}ns answer name ^(.*)$ {1}",
    r"rewrite name regex ^([^.]+\.$ {1}.ns answer name ^(.*)$ {1}",
    'rewrite name exact "web" agentenv-r-web.ns.svc.cluster.local',
    "rewrite type ANY HINFO",
]
MALFORMED_COREFILES = [
    "",
    "example.org:53 {\n    rewrite name exact a b\n}\n",
    ".:53 {\n    rewrite name exact a b\n",
    ".:53 {\n    forward . /etc/resolv.conf {\n"
    "        rewrite name exact a b\n    }\n}\n",
]


def self_test():
    failures = 0
    for what, corefile, env, name, forwarded, answer in SELF_TEST_CASES:
        try:
            got = evaluate(corefile, env, name)
        except Unsupported as err:
            got = ("error", str(err))
        if got != (forwarded, answer):
            failures += 1
            print(f"not ok - {what}: {name} gave {got}, want "
                  f"{(forwarded, answer)}")
    for rule, want in CNAME_CASES:
        # a -> CNAME b.ns.svc.cluster.local., A owned by the target
        rules = parse_rules(".:53 {\n    " + rule + "\n}\n", {})
        forwarded, answer_of = query(rules, "a")
        got = [answer_of(forwarded),
               answer_of("b.ns.svc.cluster.local.", value=True),
               answer_of("b.ns.svc.cluster.local.")]
        if got != want:
            failures += 1
            print(f"not ok - {rule}: CNAME answer gave {got}, want {want}")
    corefiles = [LITERAL.replace("    log\n", "    log\n    " + rule + "\n")
                 for rule in MALFORMED_RULES] + MALFORMED_COREFILES
    for corefile in corefiles:
        try:
            got = evaluate(corefile, {}, "web")
        except Unsupported:
            continue
        failures += 1
        print(f"not ok - not refused, gave {got}:\n{corefile}")
    total = len(SELF_TEST_CASES) + len(CNAME_CASES) + len(corefiles)
    print(f"self-test: {total - failures} of {total} cases passed")
    return 1 if failures else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    env, names, stream = {}, [], None
    args = iter(argv)
    for arg in args:
        if arg == "--env" or arg.startswith("--env="):
            value = arg[len("--env="):] if arg != "--env" else next(args, "")
            variable, equals, setting = value.partition("=")
            if not equals or not variable:
                print(f"corefile_eval.py: --env wants VAR=VALUE, got {value!r}",
                      file=sys.stderr)
                return 2
            env[variable] = setting
        elif arg.startswith("-"):
            print(f"corefile_eval.py: unknown option {arg!r}", file=sys.stderr)
            return 2
        elif stream is None:
            stream = arg
        else:
            names.append(arg)
    if stream is None or not names:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    configmaps = list(coredns_configmaps(documents(stream)))
    if not configmaps:
        print(f"corefile_eval.py: {stream}: no ConfigMap named *"
              f"{CONFIGMAP_SUFFIX} with a Corefile", file=sys.stderr)
        return 2
    for configmap, corefile in configmaps:
        try:
            rules = parse_rules(corefile, env)
        except Unsupported as err:
            print(f"corefile_eval.py: {configmap}: {err}", file=sys.stderr)
            return 2
        for name in names:
            print(describe(configmap, name, *run(rules, name)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
