#!/bin/sh
# dns-names.sh: the names a sandboxed pod looks up reach what they should
# through its CoreDNS sidecar (resolv.conf: nameserver 127.0.0.1, no
# search list). tests/corefile_eval.py evaluates each golden output's
# Corefile rewrite rules from CoreDNS's semantics; for every golden case
# with a generated coredns-configmap:
#   - each sandbox service name (the FROM of an exact rule) is forwarded
#     to its TO, a headless Service of the stream in the release
#     namespace, and answered as asked: no rule before it takes it;
#   - each chart Service (kind Service without the agentenv.io/generated
#     label) resolves by NAME, NAME.NS and NAME.NS.svc to
#     NAME.NS.svc.cluster.local, answered as asked, as a pod's search list
#     would resolve them (a name an exact rule takes is left to the check
#     above);
#   - pypi.org is forwarded unchanged.
# Then tests/resolve_eval.py resolves, as the cluster would, every form of
# the namespace's names (Services, pods behind headless Services, SRV
# names of named ports) and every cluster name the chart writes in its
# env values, args and ConfigMaps, from every sandboxed pod: its Corefile,
# the DNS rules of its policies (Cilium 1.18's matchPattern), kube-dns
# (the stream's Services and pods) and L3 (its policies); names of other
# namespaces and exfiltration probes must stay refused.
# NS is the case's --namespace; without one the Corefile holds
# {$AGENTENV_NAMESPACE}, evaluated with AGENTENV_NAMESPACE=testns.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
GOLDEN=$TOP/testdata/golden
EVAL=$TOP/tests/corefile_eval.py
RUNTIME_NAMESPACE=testns

if ! "$PYTHON" -c 'import yaml' 2>/dev/null; then
	skip "dns names: $PYTHON cannot import yaml (python3-yaml)"
	finish
	exit
fi

RESOLVE=$TOP/tests/resolve_eval.py
for evaluator in "$EVAL" "$RESOLVE"; do
	if out=$("$PYTHON" -B "$evaluator" --self-test 2>&1); then
		pass "$(basename "$evaluator") --self-test: $(echo "$out" | tail -1)"
	else
		fail "$(basename "$evaluator") --self-test" "$(echo "$out" | head -5)"
	fi
done

# report RESULTS NAME: pass or fail each line of a checker's output, the
# check's label then its problems, tab-separated (no problem: passed).
report() {
	tab=$(printf '\t')
	while IFS=$tab read -r check problems; do
		[ -n "$check" ] || continue
		if [ -z "$problems" ]; then
			pass "$2: $check"
		else
			set -f
			old_ifs=$IFS
			IFS=$tab
			# shellcheck disable=SC2086 # one problem a field
			fail "$2: $check" $problems
			IFS=$old_ifs
			set +f
		fi
	done <<EOF_RESULTS
$1
EOF_RESULTS
}

# case_namespace ARGS_FILE: the --namespace value of a case, if any.
case_namespace() {
	[ -f "$1" ] || return 0
	set -f
	# shellcheck disable=SC2046 # args files hold one word per line
	set -- $(cat "$1")
	set +f
	while [ $# -gt 0 ]; do
		case $1 in
		--namespace=*) echo "${1#--namespace=}" && return 0 ;;
		--namespace) echo "${2:-}" && return 0 ;;
		esac
		shift
	done
}

# check_stream OUT.yaml NS ENV_NAMESPACE: one line per check, the label
# then the problems, tab-separated (no problem: passed).
check_stream() {
	"$PYTHON" -B - "$TOP/tests" "$@" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import corefile_eval as ce

stream, ns, env_ns = sys.argv[2:5]
env = {"AGENTENV_NAMESPACE": env_ns} if env_ns else {}
docs = list(ce.documents(stream))


def meta(doc, key):
    return (doc.get("metadata") or {}).get(key)


def generated(doc):
    return str((meta(doc, "labels") or {}).get("agentenv.io/generated")) == "true"


services = [d for d in docs if d.get("kind") == "Service" and meta(d, "name")]
headless = {meta(d, "name") for d in services
            if (d.get("spec") or {}).get("clusterIP") == "None"}
chart_services = [meta(d, "name") for d in services if not generated(d)]
in_cluster = f".{ns}.svc.cluster.local."

SANDBOX = "sandbox names reach their headless Service"
CHART = "chart Services resolve by NAME, NAME.NS, NAME.NS.svc"
INTERNET = "pypi.org is forwarded unchanged"
problems = {}


def expect(check, configmap, rules, name, want):
    got = ce.run(rules, name)
    if got != want:
        problems[check].append(f"{ce.describe(configmap, name, *got)},"
                               f" want {want[0]} (answer: {want[1]})")


for configmap, corefile in ce.coredns_configmaps(docs):
    try:
        rules = ce.parse_rules(corefile, env)
    except ce.Unsupported as err:
        problems.setdefault("Corefile understood", []).append(f"{configmap}: {err}")
        continue
    exact = [r for r in rules if isinstance(r, ce.ExactRule)]
    if exact:
        problems.setdefault(SANDBOX, [])
    for rule in exact:
        expect(SANDBOX, configmap, rules, rule.source, (rule.target, rule.source))
        service, _, rest = rule.target.partition(".")
        if "." + rest != in_cluster or service not in headless:
            problems[SANDBOX].append(f"{configmap}: {rule.source} goes to "
                                     f"{rule.target}, not a headless Service"
                                     f" of namespace {ns}")
    taken = {r.source for r in exact}
    if chart_services:
        problems.setdefault(CHART, [])
    for service in chart_services:
        for name in (service, f"{service}.{ns}", f"{service}.{ns}.svc"):
            if ce.fqdn(name) not in taken:
                expect(CHART, configmap, rules, name,
                       (service + in_cluster, ce.fqdn(name)))
    problems.setdefault(INTERNET, [])
    expect(INTERNET, configmap, rules, "pypi.org", ("pypi.org.", "pypi.org."))

for check, found in problems.items():
    shown = found[:4] + ([f"... and {len(found) - 4} more"] if len(found) > 4 else [])
    print("\t".join([check] + shown))
EOF
}

for dir in "$GOLDEN"/*/; do
	name=$(basename "$dir")
	case $name in explain-*) continue ;; esac
	if [ ! -f "$dir/out.yaml" ] || ! grep -q 'coredns-configmap' "$dir/out.yaml"; then
		continue
	fi
	ns=$(case_namespace "$dir/args")
	env_ns=
	if [ -z "$ns" ]; then
		ns=$RUNTIME_NAMESPACE
		env_ns=$RUNTIME_NAMESPACE
	fi
	if ! "$PYTHON" -B "$EVAL" "$dir/out.yaml" pypi.org >/dev/null 2>&1; then
		fail "$name: corefile_eval.py reads its stream" \
			"$("$PYTHON" -B "$EVAL" "$dir/out.yaml" pypi.org 2>&1 | tail -3)"
		continue
	fi
	results=$(check_stream "$dir/out.yaml" "$ns" "$env_ns" 2>&1) || {
		fail "$name: checked" "$(echo "$results" | tail -3)"
		continue
	}
	report "$results" "$name"
	results=$("$PYTHON" -B "$RESOLVE" --check "$dir/out.yaml" "$ns" \
		${env_ns:+--env-namespace "$env_ns"} 2>&1) || {
		fail "$name: resolved" "$(echo "$results" | tail -3)"
		continue
	}
	report "$results" "$name"
done

# The key case through the command line: wordpress reaches its database
# by the short name its chart gives it.
case_dir=$GOLDEN/realchart-bitnami-wordpress-drop
want='agentenv-rel-coredns-configmap rel-mariadb. -> rel-mariadb.ns.svc.cluster.local. (answer: rel-mariadb.)'
if ! grep -q 'value: "rel-mariadb"' "$case_dir/out.yaml"; then
	fail "wordpress-drop: wordpress is told its database is rel-mariadb" \
		"no MARIADB_HOST rel-mariadb in $case_dir/out.yaml"
elif got=$("$PYTHON" -B "$EVAL" "$case_dir/out.yaml" rel-mariadb 2>&1) &&
	[ "$got" = "$want" ]; then
	pass "wordpress-drop: rel-mariadb reaches the database Service"
else
	fail "wordpress-drop: rel-mariadb reaches the database Service" \
		"got:  $got" "want: $want"
fi

finish
