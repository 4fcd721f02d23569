# shellcheck shell=sh
# tests/lib.sh — sourced by every test script: the binary under test,
# where ../shared is, and pass/fail/skip counting.
#
#   AGENTENV_WRAP   a command prefix for every run of the binary (valgrind)
#   AGENTENV_SHARED the shared/ folder (default: ../shared beside the repo)
#   TEST_RESULTS    a file each script appends "passed failed skipped" to
#   BUILD           the build folder (default: build)
#   AGENTENV_SLOWDOWN how many times slower than a plain build a run is
#                   (valgrind, sanitizers: the Makefile sets it), which
#                   scales the hang guard

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
BIN=${AGENTENV_BIN:-$TOP/agentenv-post}
SHARED=${AGENTENV_SHARED:-$TOP/../shared}
VALIDATOR=$SHARED/tools/k8s-validate
passed=0
failed=0
skipped=0

# A hang guard, never a speed test: a run that has not answered after
# HANG_GUARD seconds is taken to hang. Generous on a busy machine, and
# scaled by AGENTENV_SLOWDOWN.
HANG_GUARD=$((${HANG_GUARD_SECONDS:-60} * ${AGENTENV_SLOWDOWN:-1}))

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
	failed=$((failed + 1))
	echo "not ok - $1"
	shift
	for line in "$@"; do printf '    %s\n' "$line"; done
}
skip() { skipped=$((skipped + 1)); echo "skipped: $1"; }

# finish: print this script's closing line, record the counts, set status.
finish() {
	name=$(basename "$0")
	[ -n "${TEST_RESULTS:-}" ] && echo "$passed $failed $skipped" >>"$TEST_RESULTS"
	echo "$name: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

# post ARGS...: run agentenv-post (under $AGENTENV_WRAP when set).
post() { ${AGENTENV_WRAP:-} "$BIN" "$@"; }

# have_validator: true when ../shared/tools/k8s-validate can run here.
have_validator() { [ -x "$VALIDATOR" ]; }

# k8s_validate FILE: print nothing and succeed when every document passes.
k8s_validate() {
	out=$("$VALIDATOR" "$1" 2>&1)
	status=$?
	[ $status -eq 0 ] && return 0
	printf '%s\n' "$out" | tail -5
	return 1
}

# reparse FILE: the second, independent parser (libyaml) must accept it.
reparse() { "$BUILD/yaml-reparse" "$1" >/dev/null; }
