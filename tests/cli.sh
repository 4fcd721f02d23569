#!/bin/sh
# cli.sh: the command line's edges: --version and --help check their
# write, usage errors go through diag (so Helm 4 users get them in
# last-error.log), exit statuses, a failed write of the output, an earlier
# version's output fed back in.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
unset HELM_NAMESPACE HELM_PLUGIN_NAME

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
input=$TOP/testdata/golden/deployment-defaults/in.yaml

# run NAME ARGS...: stdout, stderr and status of one run into $tmp.
run() {
	post "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

run --version
if [ "$status" -eq 0 ] && grep -q '^agentenv-post [0-9]' "$tmp/out" && [ ! -s "$tmp/err" ]; then
	pass "--version: the version on stdout, exit 0"
else
	fail "--version" "exit $status, stdout: $(head -c 200 "$tmp/out")"
fi

for opt in --version --help; do
	if [ ! -w /dev/full ]; then
		skip "$opt > /dev/full (no /dev/full here)"
		continue
	fi
	post "$opt" >/dev/full 2>"$tmp/err"
	status=$?
	if [ "$status" -eq 1 ] && grep -q 'cannot write to stdout' "$tmp/err"; then
		pass "$opt > /dev/full: the failed write is an error (exit 1)"
	else
		fail "$opt > /dev/full" "exit $status, want 1 with a message: $(head -c 300 "$tmp/err")"
	fi
done

if [ -w /dev/full ]; then
	post --release demo --namespace demo-ns <"$input" >/dev/full 2>"$tmp/err"
	status=$?
	if [ "$status" -eq 1 ] && grep -q 'cannot write the post-rendered stream' "$tmp/err"; then
		pass "output > /dev/full: exit 1 with a message"
	else
		fail "output > /dev/full" "exit $status: $(head -c 300 "$tmp/err")"
	fi
else
	skip "output > /dev/full (no /dev/full here)"
fi

run --bogus
if [ "$status" -eq 2 ] && [ ! -s "$tmp/out" ] &&
	grep -q "^agentenv-post: usage: unknown option '--bogus'" "$tmp/err"; then
	pass "unknown option: exit 2, a usage message, nothing on stdout"
else
	fail "unknown option" "exit $status: $(head -c 300 "$tmp/err")"
fi

# Under Helm 4 stderr is hidden: a usage error must reach the log too.
mkdir -p "$tmp/cache"
HELM_PLUGIN_NAME=agentenv-post XDG_CACHE_HOME=$tmp/cache \
	post --sidecar sometimes <"$input" >"$tmp/out" 2>"$tmp/err"
status=$?
log=$tmp/cache/agentenv-post/last-error.log
if [ "$status" -eq 2 ] && [ -f "$log" ] && grep -q "usage: --sidecar 'sometimes'" "$log"; then
	pass "usage error as a Helm plugin: in last-error.log (exit 2)"
else
	fail "usage error as a Helm plugin" "exit $status, log: $(head -c 300 "$log" 2>/dev/null)"
fi

# An earlier version's output (golden/previous-output/in.yaml: ports on
# the sidecar, no agentenv.io/release label, no DNS digest) is recognised
# and comes out as a fresh run of the chart it was made from.
golden=$TOP/testdata/golden
post --namespace sandbox-ns <"$golden/sidecar-forms/in.yaml" >"$tmp/fresh" 2>/dev/null
if cmp -s "$tmp/fresh" "$golden/previous-output/out.yaml"; then
	pass "an earlier version's output comes out as a fresh run's"
else
	fail "an earlier version's output" \
		"$(diff "$golden/previous-output/out.yaml" "$tmp/fresh" | head -10)"
fi

run --release demo --namespace demo-ns --check
if [ "$status" -eq 0 ] && [ ! -s "$tmp/out" ]; then
	pass "--check on good input: exit 0, nothing on stdout"
else
	fail "--check" "exit $status, $(wc -c <"$tmp/out") bytes on stdout"
fi
finish
