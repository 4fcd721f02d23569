#!/bin/sh
# reference.sh: differential tests against the agent-env chart. Every folder
# testdata/reference/NAME mirrors ../shared/reference/agent-env/values/NAME.yaml
# (see testdata/reference/README.md) and holds
#   in.yaml              a vanilla chart's rendered stream for the same sandbox
#   args                 options, one per line
#   values.yaml          passed as --values (optional)
#   agent-env.yaml       what agent-env renders (a copy), or
#   agent-env.error.txt  agent-env's refusal (a copy), with
#   expect-error         words our message must contain, one per line
# A success case must exit 0, re-parse with libyaml, add no k8s-validate
# refusal and compare equal with tests/refcompare.py; an error case must
# exit 1 with nothing on stdout and name the offending value on stderr.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
COMPARE=$TOP/tests/refcompare.py
REFERENCE=$SHARED/reference/agent-env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_yaml=yes
if ! "$PYTHON" -c 'import yaml' 2>/dev/null; then
	have_yaml=
	skip "refcompare checks: $PYTHON cannot import yaml (python3-yaml)"
fi
have_reparse=yes
if [ ! -x "$BUILD/yaml-reparse" ]; then
	have_reparse=
	skip "re-parse checks: no $BUILD/yaml-reparse (make test builds it)"
fi
have_validator || skip "k8s-validate checks: no $VALIDATOR here"
[ -d "$REFERENCE/rendered" ] ||
	skip "copies and case list checks: no $REFERENCE here"

# run_case DIR: run agentenv-post as the folder says; $tmp/out, err, status.
run_case() {
	dir=$1
	set --
	while IFS= read -r arg || [ -n "$arg" ]; do
		set -- "$@" "$arg"
	done <"$dir/args"
	[ -f "$dir/values.yaml" ] && set -- "$@" --values "$dir/values.yaml"
	HELM_NAMESPACE='' post "$@" <"$dir/in.yaml" >"$tmp/out" 2>"$tmp/err"
	echo $? >"$tmp/status"
}

# refusals FILE: k8s-validate's "doc N (Kind/name): ..." refusal lines.
refusals() { "$VALIDATOR" "$1" 2>&1 | grep '^doc ' | sort; }

# validate_case NAME DIR: k8s-validate must refuse nothing agentenv-post
# wrote. The Secrets of agent-env's own additionalResources fixtures are
# not base64 (../shared/reference/agent-env/README.md), so a refusal the
# chart's in.yaml already has is the chart's, not ours (input documents keep
# their index in the output); chart_refusals then says how many there were.
validate_case() {
	"$VALIDATOR" "$tmp/out" >/dev/null 2>&1 && return 0
	refusals "$tmp/out" >"$tmp/refused-out"
	refusals "$2/in.yaml" >"$tmp/refused-in"
	new=$(comm -23 "$tmp/refused-out" "$tmp/refused-in")
	if [ -n "$new" ] || [ ! -s "$tmp/refused-out" ]; then
		fail "$1: k8s-validate" "refuses the output:" \
			"${new:-$("$VALIDATOR" "$tmp/out" 2>&1 | tail -5)}"
		return 1
	fi
	chart_refusals=" (refuses $(wc -l <"$tmp/refused-out") of the chart's"
	chart_refusals="$chart_refusals own documents, as in in.yaml)"
}

success_case() {
	name=$1
	dir=$2
	if [ "$(cat "$tmp/status")" != 0 ]; then
		fail "$name" "exit status $(cat "$tmp/status"), want 0" \
			"$(head -5 "$tmp/err")"
		return
	fi
	if [ -n "$have_reparse" ]; then
		if reparse "$tmp/out"; then
			pass "$name: re-parses"
		else
			fail "$name: re-parses" "libyaml cannot re-parse the output"
		fi
	fi
	chart_refusals=
	if have_validator && validate_case "$name" "$dir"; then
		pass "$name: k8s-validate$chart_refusals"
	fi
	[ -n "$have_yaml" ] || return
	if "$PYTHON" "$COMPARE" "$tmp/out" "$dir/agent-env.yaml" \
		>"$tmp/compare" 2>&1; then
		pass "$name: same sandbox as agent-env"
	else
		fail "$name: same sandbox as agent-env" \
			"agentenv-post's output differs from agent-env's:"
		grep -v '^note: ' "$tmp/compare" | sed 's/^/      /'
	fi
}

error_case() {
	name=$1
	dir=$2
	status=$(cat "$tmp/status")
	if [ "$status" != 1 ]; then
		fail "$name" "exit status $status, want 1 (agent-env refuses:" \
			"$(head -2 "$dir/agent-env.error.txt"))"
		return
	fi
	if [ -s "$tmp/out" ]; then
		fail "$name" "stdout is not empty on error"
		return
	fi
	if [ ! -s "$dir/expect-error" ]; then
		fail "$name" "no expect-error file: which words must stderr hold?"
		return
	fi
	missing=
	while IFS= read -r word || [ -n "$word" ]; do
		[ -z "$word" ] && continue
		grep -qiF -- "$word" "$tmp/err" || missing="$missing '$word'"
	done <"$dir/expect-error"
	if [ -n "$missing" ]; then
		fail "$name" "stderr does not mention$missing:" \
			"$(head -5 "$tmp/err")"
	else
		pass "$name: refused"
	fi
}

# copy_case NAME DIR FILE: DIR/FILE must be agent-env's own output, so that
# the copy cannot drift from ../shared.
copy_case() {
	[ -d "$REFERENCE/rendered" ] || return 0
	case $3 in
	agent-env.yaml) ref=$REFERENCE/rendered/$(basename "$2").yaml ;;
	*) ref=$REFERENCE/rendered/$(basename "$2").error.txt ;;
	esac
	if cmp -s "$2/$3" "$ref"; then
		pass "$1: $3 is agent-env's"
	else
		fail "$1: $3 is agent-env's" "differs from $ref" \
			"(cp it again if agent-env's rendering changed)"
	fi
}

for dir in "$TOP"/testdata/reference/*/; do
	dir=${dir%/}
	name=reference/$(basename "$dir")
	if [ ! -f "$dir/in.yaml" ] || [ ! -f "$dir/args" ]; then
		fail "$name" "no in.yaml or args: an orphan reference folder"
		continue
	fi
	run_case "$dir"
	if [ -f "$dir/agent-env.yaml" ]; then
		success_case "$name" "$dir"
		copy_case "$name" "$dir" agent-env.yaml
	elif [ -f "$dir/agent-env.error.txt" ]; then
		error_case "$name" "$dir"
		copy_case "$name" "$dir" agent-env.error.txt
	else
		fail "$name" "neither agent-env.yaml nor agent-env.error.txt"
	fi
done

# The comparison covers the deny rules of network isolation: agent-env
# isolates a service with ingressDeny and egressDeny to all entities, and
# none of its reference values isolates one, so prove on two one-policy
# streams that a missing or different deny rule is a difference.
if [ -n "$have_yaml" ]; then
	deny_policy() {
		printf 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n'
		printf 'metadata: {name: %s-svc-x-isolate}\n' "$1"
		printf 'spec:\n  endpointSelector: {matchLabels: {a: b}}\n'
		[ -n "$2" ] && printf '  ingressDeny: [{fromEntities: [%s]}]\n' "$2"
		[ -n "$3" ] && printf '  egressDeny: [{toEntities: [%s]}]\n' "$3"
	}
	for variant in "all|" "|all" "world|all" "all|world"; do
		deny_policy agentenv-my-release "${variant%|*}" "${variant#*|}" \
			>"$tmp/ours.yaml"
		deny_policy agent-env-my-release all all >"$tmp/ref.yaml"
		if "$PYTHON" "$COMPARE" "$tmp/ours.yaml" "$tmp/ref.yaml" \
			>"$tmp/cmp" 2>&1; then
			fail "reference: ingressDeny/egressDeny are compared ($variant)" \
				"refcompare.py found no difference"
		elif ! grep -q 'Deny' "$tmp/cmp"; then
			fail "reference: ingressDeny/egressDeny are compared ($variant)" \
				"$(head -3 "$tmp/cmp")"
		else
			pass "reference: ingressDeny/egressDeny are compared ($variant)"
		fi
	done
	deny_policy agentenv-my-release all all >"$tmp/ours.yaml"
	if "$PYTHON" "$COMPARE" "$tmp/ours.yaml" "$tmp/ref.yaml" >"$tmp/cmp" 2>&1
	then
		pass "reference: equal deny rules compare equal"
	else
		fail "reference: equal deny rules compare equal" "$(head -3 "$tmp/cmp")"
	fi
fi

# Every agent-env values file has its folder here.
if [ -d "$REFERENCE/values" ]; then
	missing=
	for values in "$REFERENCE"/values/*.yaml; do
		case_name=$(basename "$values" .yaml)
		[ -d "$TOP/testdata/reference/$case_name" ] ||
			missing="$missing $case_name"
	done
	if [ -n "$missing" ]; then
		fail "reference: every agent-env values file has a case" \
			"missing:$missing"
	else
		pass "reference: every agent-env values file has a case"
	fi
fi
finish
