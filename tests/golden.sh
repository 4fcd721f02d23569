#!/bin/sh
# golden.sh: every folder testdata/golden/NAME holds
#   in.yaml      the input stream (required)
#   args         options, one per line (optional)
#   values.yaml  passed as --values (optional)
#   out.yaml     the expected stdout (exit status 0), and beside it
#                err.txt, the expected stderr (warnings); no err.txt:
#                stderr must be empty; or
#   err.txt      alone: the expected stderr (exit status 1, empty stdout)
# Every output must also come out the same when fed back in (idempotency),
# be the same on a second run (determinism), re-parse with libyaml, pass
# k8s-validate and carry on every injected pod the digest of the ConfigMaps
# it mounts (tests/dns_digest.py). UPDATE_GOLDEN=1 rewrites out.yaml /
# err.txt.
# A case whose args hold --explain expects an explanation, not manifests:
# it is checked for determinism only (not fed back, parsed or validated).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# The namespace comes from each case's args, never from the environment.
unset HELM_NAMESPACE

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The independent readers (PyYAML) of every accepted output.
PYTHON=/usr/bin/python3
have_yaml=yes
"$PYTHON" -c 'import yaml' 2>/dev/null || {
	have_yaml=
	skip "every output read again as Helm does: $PYTHON cannot import yaml (python3-yaml)"
}

run_case() {
	dir=$1
	set --
	if [ -f "$dir/args" ]; then
		while IFS= read -r arg || [ -n "$arg" ]; do
			set -- "$@" "$arg"
		done <"$dir/args"
	fi
	[ -f "$dir/values.yaml" ] && set -- "$@" --values values.yaml
	(cd "$dir" && post "$@") <"$dir/in.yaml" \
		>"$tmp/out" 2>"$tmp/err"
	echo $? >"$tmp/status"
	# For the idempotency and determinism checks.
	(cd "$dir" && post "$@") <"$tmp/out" >"$tmp/again" \
		2>/dev/null
	(cd "$dir" && post "$@") <"$dir/in.yaml" \
		>"$tmp/twice" 2>/dev/null
}


# The namespace a case's args name (--namespace NS), or "".
case_namespace() {
	[ -f "$1/args" ] || return 0
	awk 'prev == "--namespace" { print; exit } { prev = $0 }' "$1/args"
}

for dir in "$TOP"/testdata/golden/*/; do
	dir=${dir%/}
	name=golden/$(basename "$dir")
	if [ ! -f "$dir/in.yaml" ]; then
		fail "$name" "no in.yaml: an orphan golden folder"
		continue
	fi
	run_case "$dir"
	status=$(cat "$tmp/status")
	explain=
	[ -f "$dir/args" ] && grep -qx -e '--explain' "$dir/args" && explain=1
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		if [ "$status" = 0 ]; then
			cp "$tmp/out" "$dir/out.yaml"
			if [ -s "$tmp/err" ]; then
				cp "$tmp/err" "$dir/err.txt"
			else
				rm -f "$dir/err.txt"
			fi
		else
			cp "$tmp/err" "$dir/err.txt"
			rm -f "$dir/out.yaml"
		fi
	fi
	if [ -f "$dir/out.yaml" ]; then
		if [ "$status" != 0 ]; then
			fail "$name" "exit status $status, want 0" "$(head -3 "$tmp/err")"
			continue
		fi
		if ! cmp -s "$tmp/out" "$dir/out.yaml"; then
			fail "$name" "output differs from out.yaml:" \
				"$(diff "$dir/out.yaml" "$tmp/out" | head -20)"
			continue
		fi
		if [ -f "$dir/err.txt" ] && ! cmp -s "$tmp/err" "$dir/err.txt"; then
			fail "$name" "stderr differs from err.txt:" \
				"$(diff "$dir/err.txt" "$tmp/err" | head -20)"
			continue
		fi
		if [ ! -f "$dir/err.txt" ] && [ -s "$tmp/err" ]; then
			fail "$name" "stderr is not empty (no err.txt):" \
				"$(head -3 "$tmp/err")"
			continue
		fi
		cmp -s "$tmp/out" "$tmp/twice" ||
			{ fail "$name" "not deterministic"; continue; }
		if [ -n "$explain" ]; then
			pass "$name"
			continue
		fi
		cmp -s "$tmp/out" "$tmp/again" ||
			{ fail "$name" "not idempotent: output fed back in changes"; continue; }
		reparse "$tmp/out" ||
			{ fail "$name" "libyaml cannot re-parse the output"; continue; }
		if have_validator && ! msg=$(k8s_validate "$tmp/out"); then
			fail "$name" "k8s-validate refuses the output:" "$msg"
			continue
		fi
		# Read again as Helm's client and the cluster will.
		if [ -n "$have_yaml" ] && ! msg=$("$PYTHON" \
			"$TOP/tests/pods_sandboxed.py" --allow-empty \
			--namespace "$(case_namespace "$dir")" "$tmp/out"); then
			fail "$name" "an independent reader finds pods or objects past the sandbox:" "$msg"
			continue
		fi
		if [ -n "$have_yaml" ] &&
			! msg=$("$PYTHON" "$TOP/tests/dns_digest.py" "$tmp/out"); then
			fail "$name" "a pod's DNS configuration digest is wrong:" "$msg"
			continue
		fi
		pass "$name"
	elif [ -f "$dir/err.txt" ]; then
		if [ "$status" != 1 ]; then
			fail "$name" "exit status $status, want 1"
		elif [ -s "$tmp/out" ]; then
			fail "$name" "stdout is not empty on error"
		elif ! cmp -s "$tmp/err" "$dir/err.txt"; then
			fail "$name" "stderr differs from err.txt:" \
				"$(diff "$dir/err.txt" "$tmp/err" | head -20)"
		else
			pass "$name"
		fi
	else
		fail "$name" "neither out.yaml nor err.txt (UPDATE_GOLDEN=1 writes one)"
	fi
done
have_validator || skip "k8s-validate checks: no $VALIDATOR here"
[ -n "$have_yaml" ] ||
	skip "digest checks: $PYTHON cannot import yaml (python3-yaml)"
finish
