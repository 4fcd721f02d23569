#!/bin/sh
# cli.sh: the command line's edges: --version and --help check their
# write, usage errors go through diag (so Helm 4 users get them in
# last-error.log), exit statuses, a failed write of the output, an earlier
# version's output fed back in; the log files follow no planted symlink
# and need a private directory.
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

# --allow-ingress takes PORT[/PROTOCOL]: a port outside 1-65535 or a protocol
# other than TCP, UDP, SCTP is a usage error, with the accepted form.
for bad in 0 65536 2222/ICMP 2222/ANY; do
	run --namespace ns --allow-ingress "$bad"
	if [ "$status" -eq 2 ] && [ ! -s "$tmp/out" ] &&
		grep -q "^agentenv-post: usage: --allow-ingress '$bad' is not an ingress port: .*such as 2222 or 2222/TCP" "$tmp/err"; then
		pass "--allow-ingress $bad: exit 2, the form it takes"
	else
		fail "--allow-ingress $bad" "exit $status: $(head -c 300 "$tmp/err")"
	fi
done

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

# Finding 14: the log files follow no planted link, truncate no file that
# is not the user's own, and the cache directory must be private.
mode() { stat -c %a "$1"; }
if [ "$(mode "$tmp/cache/agentenv-post")" = 700 ] && [ "$(mode "$log")" = 600 ]; then
	pass "last-error.log: its directory made 0700, the file 0600"
else
	fail "last-error.log modes" "$(mode "$tmp/cache/agentenv-post") $(mode "$log")"
fi
cat >"$tmp/refused.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: x, labels: {app.kubernetes.io/instance: r}}
spec:
  hostNetwork: true
  containers: [{name: c, image: nginx}]
YAML
# plugin_run NAME XDG WANT: a refused run as a Helm plugin with
# XDG_CACHE_HOME=XDG; victim.txt must stay intact and stderr hold WANT.
plugin_run() {
	pr_name=$1
	echo "precious" >"$tmp/victim.txt"
	HELM_PLUGIN_NAME=agentenv-post XDG_CACHE_HOME=$2 timeout "$HANG_GUARD" \
		"$BIN" --release r <"$tmp/refused.yaml" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 1 ]; then
		fail "$pr_name" "exit $status, want 1" "$(cat "$tmp/err")"
	elif [ "$(cat "$tmp/victim.txt")" != precious ]; then
		fail "$pr_name" "victim.txt overwritten: $(head -c 200 "$tmp/victim.txt")"
	elif ! grep -qF -- "$3" "$tmp/err" ||
		! grep -q 'spec.hostNetwork' "$tmp/err"; then
		fail "$pr_name" "stderr lacks \"$3\":" "$(cat "$tmp/err")"
	else
		pass "$pr_name"
	fi
}
x=$tmp/x1
mkdir -p "$x/agentenv-post"
ln -s "$tmp/victim.txt" "$x/agentenv-post/last-error.log"
plugin_run "a planted last-error.log symlink is not followed (the target intact)" \
	"$x" "agentenv-post: warning: these messages are not written to $x/agentenv-post/last-error.log: it is a symbolic link, which is not followed: remove it"
x=$tmp/x2
mkdir -p "$x/agentenv-post"
ln "$tmp/victim.txt" "$x/agentenv-post/last-error.log" 2>/dev/null &&
	plugin_run "a last-error.log hard link is not truncated" "$x" \
		"it has other hard links: remove it"
x=$tmp/x3
mkdir -p "$x/agentenv-post"
if mkfifo "$x/agentenv-post/last-error.log" 2>/dev/null; then
	plugin_run "a FIFO as last-error.log: no hang, not written" "$x" \
		"it is not a regular file: remove it"
fi
x=$tmp/x4
mkdir -p "$x/agentenv-post"
chmod 777 "$x/agentenv-post"
plugin_run "a group/world-writable cache directory: refused, nothing written" \
	"$x" "agentenv-post: warning: these messages are not written to $x/agentenv-post/last-error.log: the directory $x/agentenv-post is writable by others (mode 777): chmod 700 $x/agentenv-post"
[ ! -e "$x/agentenv-post/last-error.log" ] ||
	fail "a group/world-writable cache directory: the log was written"
x=$tmp/x5
mkdir -p "$x/real"
ln -s "$x/real" "$x/agentenv-post"
plugin_run "a cache directory that is a symlink: not followed" "$x" \
	"$x/agentenv-post: a symbolic link, which is not followed"
[ ! -e "$x/real/last-error.log" ] ||
	fail "a cache directory that is a symlink: the log was written through it"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	x=$tmp/x6
	mkdir -p "$x/agentenv-post"
	chown nobody "$x/agentenv-post"
	plugin_run "a cache directory of another user: refused" "$x" \
		"the directory $x/agentenv-post belongs to uid $(id -u nobody), not to you: remove it, or set XDG_CACHE_HOME to a directory of your own"
else
	skip "a cache directory of another user (needs root to make one)"
fi
name="AGENTENV_POST_LOG naming a planted symlink: not followed"
echo "precious" >"$tmp/victim.txt"
ln -s "$tmp/victim.txt" "$tmp/private.log"
HELM_PLUGIN_NAME=agentenv-post AGENTENV_POST_LOG=$tmp/private.log \
	"$BIN" --release r <"$tmp/refused.yaml" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 1 ] && [ "$(cat "$tmp/victim.txt")" = precious ] &&
	grep -qF "not written to $tmp/private.log: it is a symbolic link" "$tmp/err"
then
	pass "$name"
else
	fail "$name" "exit $status, victim: $(head -c 100 "$tmp/victim.txt")" \
		"$(cat "$tmp/err")"
fi
name="AGENTENV_POST_LOG: created 0600, an old one of ours truncated"
rm -f "$tmp/private.log"
printf 'old old old old old old old old old old old old\n%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 >"$tmp/old.log"
HELM_PLUGIN_NAME=agentenv-post AGENTENV_POST_LOG=$tmp/new.log \
	"$BIN" --release r <"$tmp/refused.yaml" >/dev/null 2>&1
HELM_PLUGIN_NAME=agentenv-post AGENTENV_POST_LOG=$tmp/old.log \
	"$BIN" --release r <"$tmp/refused.yaml" >/dev/null 2>&1
if [ "$(mode "$tmp/new.log")" = 600 ] && ! grep -q old "$tmp/old.log" &&
	grep -q 'spec.hostNetwork' "$tmp/old.log"; then
	pass "$name"
else
	fail "$name" "$(mode "$tmp/new.log")" "$(head -3 "$tmp/old.log")"
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
