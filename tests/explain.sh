#!/bin/sh
# explain.sh: --explain against what the policies really allow, over every
# golden case (testdata/golden/NAME, see golden.sh):
#   - a case with out.yaml: its input is run as usual (its args without
#     --explain/--format) and with --explain --format json;
#     tests/policy_eval.py derives who may reach whom, the egress and the
#     DNS names from the emitted CiliumNetworkPolicies and compares them
#     with the json, and checks the ports open to anyone against the
#     case's allow-ingress annotations, options and values; the --format
#     dot output must render with Graphviz;
#   - with --check in its args, --explain prints nothing either;
#   - a case with err.txt alone: --explain refuses it the same way (exit 1, the
#     same stderr, nothing on stdout);
# and docs/multi-service.txt must be up to date (with Helm 3 at hand).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
unset HELM_NAMESPACE
PYTHON=/usr/bin/python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_python=1
"$PYTHON" -c 'import yaml' 2>/dev/null || have_python=
have_dot=1
command -v dot >/dev/null 2>&1 || have_dot=

# args_of DIR: the case's options, without --explain and --format X,
# one a line in $tmp/args.
args_of() {
	dir=$1
	: >"$tmp/args"
	[ -f "$dir/args" ] || return 0
	skip_next=
	while IFS= read -r arg || [ -n "$arg" ]; do
		if [ -n "$skip_next" ]; then
			skip_next=
			continue
		fi
		case $arg in
		--explain | --format=*) continue ;;
		--format) skip_next=1; continue ;;
		esac
		printf '%s\n' "$arg" >>"$tmp/args"
	done <"$dir/args"
}

# run DIR EXTRA...: agentenv-post with the case's args (and values.yaml)
# and EXTRA on the case's input; stdout in $tmp/out, stderr in $tmp/err.
run() {
	dir=$1
	shift
	extra="$*"
	set --
	while IFS= read -r arg || [ -n "$arg" ]; do
		set -- "$@" "$arg"
	done <"$tmp/args"
	[ -f "$dir/values.yaml" ] && set -- "$@" --values values.yaml
	# $extra is a list of options: split on purpose.
	# shellcheck disable=SC2086
	(cd "$dir" && post "$@" $extra) <"$dir/in.yaml" >"$tmp/out" \
		2>"$tmp/err"
}

for dir in "$TOP"/testdata/golden/*/; do
	dir=${dir%/}
	name=explain/$(basename "$dir")
	[ -f "$dir/in.yaml" ] || continue
	args_of "$dir"
	if [ -f "$dir/err.txt" ] && [ ! -f "$dir/out.yaml" ]; then
		run "$dir" --explain
		status=$?
		if [ "$status" != 1 ]; then
			fail "$name" "--explain: exit status $status, want 1"
		elif [ -s "$tmp/out" ]; then
			fail "$name" "--explain: stdout is not empty on error"
		elif ! cmp -s "$tmp/err" "$dir/err.txt"; then
			fail "$name" "--explain refuses differently:" \
				"$(diff "$dir/err.txt" "$tmp/err" | head -10)"
		else
			pass "$name: refused as without --explain"
		fi
		continue
	fi
	if grep -qx -e '--check' "$tmp/args"; then
		if run "$dir" --explain && [ ! -s "$tmp/out" ]; then
			pass "$name: --check --explain prints nothing"
		else
			fail "$name" "--check --explain prints or fails"
		fi
		continue
	fi
	if ! run "$dir"; then
		fail "$name" "the normal run fails" "$(head -3 "$tmp/err")"
		continue
	fi
	cp "$tmp/out" "$tmp/stream.yaml"
	if ! run "$dir" --explain --format json; then
		fail "$name" "--explain --format json fails" "$(head -3 "$tmp/err")"
		continue
	fi
	cp "$tmp/out" "$tmp/explain.json"
	if [ -n "$have_python" ]; then
		set -- "$tmp/args"
		[ -f "$dir/values.yaml" ] && set -- "$@" "$dir/values.yaml"
		if msg=$("$PYTHON" "$TOP/tests/policy_eval.py" \
			"$tmp/stream.yaml" "$tmp/explain.json" "$@"); then
			pass "$name: --explain agrees with the policies"
		else
			fail "$name" "--explain and the policies disagree:" \
				"$(printf '%s\n' "$msg" | head -10)"
		fi
	fi
	if [ -n "$have_dot" ]; then
		if ! run "$dir" --explain --format dot; then
			fail "$name" "--explain --format dot fails"
		elif timeout "$HANG_GUARD" dot -Tsvg "$tmp/out" \
			>"$tmp/svg" 2>"$tmp/dot-err" &&
			[ ! -s "$tmp/dot-err" ] && grep -q '<svg' "$tmp/svg"; then
			pass "$name: the dot output renders with Graphviz"
		else
			fail "$name" "Graphviz does not take the dot output:" \
				"$(head -5 "$tmp/dot-err")"
		fi
	fi
done
# pods N: a stream of N sandboxed Pods (N services) of release r.
pods() {
	i=0
	while [ "$i" -lt "$1" ]; do
		printf -- '---\napiVersion: v1\nkind: Pod\nmetadata:\n'
		printf '  name: p%s\n  labels: {app.kubernetes.io/instance: r}\n' "$i"
		printf '  annotations: {agentenv.io/service: s%s}\n' "$i"
		printf 'spec:\n  containers: [{name: c, image: busybox}]\n'
		i=$((i + 1))
	done
}
# --explain describes at most 300 services (src/write/explain.h), refuses more.
pods 300 >"$tmp/300.yaml"
pods 301 >"$tmp/301.yaml"
if post --namespace n --explain <"$tmp/300.yaml" >"$tmp/out" 2>"$tmp/err" &&
	grep -q '300 sandboxed services' "$tmp/out"; then
	pass "--explain describes 300 services"
else
	fail "--explain does not describe 300 services" "$(head -3 "$tmp/err")"
fi
post --namespace n --explain --format json <"$tmp/301.yaml" >"$tmp/out" \
	2>"$tmp/err"
status=$?
if [ "$status" = 1 ] && [ ! -s "$tmp/out" ] &&
	[ "$(wc -l <"$tmp/err")" = 1 ] &&
	grep -q 'has 301 sandboxed services, more than the 300' "$tmp/err"; then
	pass "--explain refuses 301 services, nothing on stdout"
else
	fail "--explain of 301 services: exit $status" "$(head -3 "$tmp/err")"
fi

# The README's example: docs/multi-service.txt is what --explain says of
# testdata/charts/multi-service today (make docs rewrites it).
if helm=$("$TOP/scripts/fetch-helm" --print v3 2>"$tmp/fetch.err"); then
	if HOME=$tmp XDG_CACHE_HOME=$tmp/cache XDG_CONFIG_HOME=$tmp/config \
		XDG_DATA_HOME=$tmp/data "$helm" template demo \
		"$TOP/testdata/charts/multi-service" --namespace demo \
		>"$tmp/chart.yaml" 2>"$tmp/err" &&
		post --namespace demo --explain <"$tmp/chart.yaml" \
			>"$tmp/out" 2>"$tmp/err" &&
		cmp -s "$tmp/out" "$TOP/docs/multi-service.txt"; then
		pass "docs/multi-service.txt is up to date"
	else
		fail "docs/multi-service.txt is out of date: run make docs" \
			"$(diff "$TOP/docs/multi-service.txt" "$tmp/out" | head -5)"
	fi
else
	skip "docs/multi-service.txt check: no Helm 3 ($(tail -1 "$tmp/fetch.err"))"
fi
[ -n "$have_python" ] ||
	skip "policy evaluation: $PYTHON cannot import yaml (python3-yaml)"
[ -n "$have_dot" ] ||
	skip "dot rendering: no Graphviz 'dot' here (scripts/setup --test)"
finish
