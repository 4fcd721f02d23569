#!/bin/sh
# agentenv-helm.sh: agentenv-helm, the drop-in `helm` for k8s_sandbox.
#
#   a recording stand-in for Helm (it writes its arguments one per line)
#   proves the rewriting: k8s_sandbox's install and upgrade --install,
#   template, uninstall, version, a given --post-renderer, namespace
#   forms, --, --generate-name, --set forwarding and refusals,
#   AGENTENV_POST_ARGS splitting, which Helm is run (AGENTENV_HELM, PATH,
#   loops), exit status and output passed through, Helm 4's hidden
#   messages shown per run (concurrent runs apart), signals forwarded;
#   agentenv-post's --annotation, --label, --coredns-image;
#   an empty --post-renderer, template --output-dir under Helm 3, Helm
#   4's upgrade --server-side VALUE, flags before the command (Cobra);
#   real Helm 3 `template` and Helm 4 `install --dry-run=client` with
#   k8s_sandbox's argument list on testdata/charts/k8s-sandbox-custom (the
#   chart of its documentation): sandboxed pods and policies for that
#   release and namespace; a refused chart's reason on stderr under both.
# Word lists are split one word per line (IFS a newline) on purpose:
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091,SC2046,SC2086
. "$(dirname "$0")/lib.sh"

WRAPPER=${AGENTENV_HELM_BIN:-$TOP/agentenv-helm}
PYTHON=/usr/bin/python3
CHART=$TOP/testdata/charts/k8s-sandbox-custom

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$WRAPPER" ]; then
	fail "agentenv-helm" "no $WRAPPER (make builds it)"
	finish
	exit
fi

# Both programs side by side, as `make install` puts them; a `helm` link
# to the wrapper first on PATH, as a user makes it.
mkdir -p "$tmp/bin" "$tmp/wrap" "$tmp/real" "$tmp/tmpdir"
cp "$WRAPPER" "$tmp/bin/agentenv-helm"
cp "$BIN" "$tmp/bin/agentenv-post"
ln -s "$tmp/bin/agentenv-helm" "$tmp/wrap/helm"
POSTABS=$(cd "$tmp/bin" && pwd -P)/agentenv-post
REC=$tmp/rec
export TMPDIR="$tmp/tmpdir"
unset AGENTENV_HELM AGENTENV_HELM_MAJOR AGENTENV_POST_ARGS \
	AGENTENV_POST_LOG HELM_NAMESPACE HELM_PLUGIN_NAME

# The stand-in: `version --short` says v$FAKE_MAJOR, `plugin list` lists
# agentenv-post unless FAKE_NO_PLUGIN; every call writes its arguments
# to $REC (so the last call's stay), $FAKE_STDERR to stderr, and exits
# $FAKE_STATUS. FAKE_LOG_MSG: written to $AGENTENV_POST_LOG as a refused
# Helm 4 plugin would, after which the call waits for $FAKE_GO.
cat >"$tmp/real/helm" <<'STANDIN'
#!/bin/sh
: >"$REC"
printf '%s\n' "$0" >"$REC.argv0"
for a in "$@"; do printf '%s\n' "$a" >>"$REC"; done
if [ "$1" = version ]; then
	echo "v${FAKE_MAJOR:-3}.17.3+g0123456"
	exit 0
fi
if [ "$1 $2" = "plugin list" ]; then
	printf 'NAME         \tVERSION\tTYPE\n'
	[ -n "${FAKE_NO_PLUGIN:-}" ] ||
		printf 'agentenv-post\t0.1.0  \tpostrenderer/v1\n'
	exit 0
fi
if [ -n "${FAKE_LOG_MSG:-}" ]; then
	printf 'agentenv-post: error: %s\n' "$FAKE_LOG_MSG" >"$AGENTENV_POST_LOG"
	: >"$FAKE_READY"
	while [ ! -e "$FAKE_GO" ]; do sleep 0.05; done
	echo 'Error: plugin "agentenv-post" exited with error' >&2
	exit 1
fi
if [ -n "${FAKE_TRAP:-}" ]; then
	trap 'echo "got TERM" >"$FAKE_TRAP"; exit 143' TERM
	: >"$FAKE_READY"
	while :; do sleep 0.05; done
fi
[ -n "${FAKE_STDERR:-}" ] && printf '%s\n' "$FAKE_STDERR" >&2
[ -n "${FAKE_STDOUT:-}" ] && printf '%s\n' "$FAKE_STDOUT"
exit "${FAKE_STATUS:-0}"
STANDIN
chmod +x "$tmp/real/helm"
export REC

# wh ARGS...: the wrapper as k8s_sandbox runs it: `helm` from PATH.
wh() {
	PATH="$tmp/wrap:$tmp/real:$PATH" timeout "$HANG_GUARD" helm "$@"
}

# expect NAME FILE WORD...: FILE holds exactly the WORDs, one per line.
expect() {
	ex_name=$1 ex_file=$2
	shift 2
	printf '%s\n' "$@" >"$tmp/want"
	if [ ! -f "$ex_file" ]; then
		fail "$ex_name" "helm was not run"
	elif cmp -s "$tmp/want" "$ex_file"; then
		pass "$ex_name"
	else
		fail "$ex_name" "$(diff "$tmp/want" "$ex_file" | head -20)"
	fi
}

# has FILE STRING: FILE contains STRING (a fixed string).
has() { grep -qF -- "$2" "$1"; }

# refused NAME STRING ARGS...: the wrapper exits 1 with STRING on stderr,
# nothing on stdout, and Helm never ran.
refused() {
	rf_name=$1 rf_msg=$2
	shift 2
	rm -f "$REC"
	wh "$@" >"$tmp/out" 2>"$tmp/err"
	rf_status=$?
	if [ "$rf_status" -ne 1 ]; then
		fail "$rf_name" "exit $rf_status, want 1" "$(cat "$tmp/err")"
	elif ! has "$tmp/err" "$rf_msg"; then
		fail "$rf_name" "stderr lacks \"$rf_msg\":" "$(cat "$tmp/err")"
	elif [ -s "$tmp/out" ] ||
		{ [ -e "$REC" ] && ! has "$REC" version; }; then
		fail "$rf_name" "helm ran, or something on stdout"
	else
		pass "$rf_name"
	fi
}

# k8s_sandbox's argument list (inspect_k8s_sandbox 5fc4e04, _helm.py,
# Release._install), every optional part present.
K8S_ARGS="abcd1234|$CHART|--namespace=ns1|--wait|--timeout=600s|\
--set=annotations.inspectTaskName=my_task|--labels=inspectSandbox=true|\
--set=labels.inspectSampleUUID=U1x|\
--set-string=corednsImage=public\\.ecr\\.aws/eks/coredns:v1\\.11\\.4|\
--set-string=sampleMetadataX=1|--kube-context|ctx|--values|$tmp/v.yaml"
# k8s_args: that list, one word per line.
k8s_args() {
	ka_old=$IFS
	IFS='|'
	set -f
	printf '%s\n' $K8S_ARGS
	set +f
	IFS=$ka_old
}
K8S_POST="--post-renderer-args=--release
--post-renderer-args=abcd1234
--post-renderer-args=--namespace
--post-renderer-args=ns1
--post-renderer-args=--annotation
--post-renderer-args=inspectTaskName=my_task
--post-renderer-args=--label
--post-renderer-args=inspectSampleUUID=U1x
--post-renderer-args=--coredns-image
--post-renderer-args=public.ecr.aws/eks/coredns:v1.11.4"
: >"$tmp/v.yaml"

# Lists of words go through $(...) one per line: IFS is a newline there.
oldifs=$IFS
NL='
'

# ------------------------------------------------- the argument rewriting
IFS=$NL
set -f
wh install $(k8s_args) >/dev/null 2>"$tmp/err"
expect "k8s_sandbox install (Helm 3): agentenv-post by path, release, namespace, --set settings" \
	"$REC" install $(k8s_args) --post-renderer "$POSTABS" $K8S_POST

FAKE_MAJOR=4 wh upgrade --install $(k8s_args | sed 's/^--wait$/--wait=legacy/') \
	>/dev/null 2>"$tmp/err"
expect "k8s_sandbox upgrade --install (Helm 4, --wait=legacy): the plugin by name" \
	"$REC" upgrade --install $(k8s_args | sed 's/^--wait$/--wait=legacy/') \
	--post-renderer agentenv-post $K8S_POST
set +f
IFS=$oldifs

wh template "$CHART" >/dev/null 2>&1
expect "template without a release name: helm's release-name" "$REC" \
	template "$CHART" --post-renderer "$POSTABS" \
	--post-renderer-args=--release --post-renderer-args=release-name

wh install "$CHART" -g -n ns2 >/dev/null 2>&1
expect "install --generate-name (-g): no --release, -n NS" "$REC" \
	install "$CHART" -g -n ns2 --post-renderer "$POSTABS" \
	--post-renderer-args=--namespace --post-renderer-args=ns2

wh -nns3 install --set a=1 -- r1 "$CHART" >/dev/null 2>&1
expect "-nNS before the command, --: ours go before --" "$REC" \
	-nns3 install --set a=1 --post-renderer "$POSTABS" \
	--post-renderer-args=--release --post-renderer-args=r1 \
	--post-renderer-args=--namespace --post-renderer-args=ns3 -- r1 "$CHART"

wh uninstall abcd1234 --namespace ns1 --wait --timeout 600s >/dev/null 2>&1
expect "uninstall: unchanged" "$REC" uninstall abcd1234 --namespace ns1 \
	--wait --timeout 600s

if out=$(wh version --short 2>&1) && [ "$out" = "v3.17.3+g0123456" ]; then
	expect "version --short: unchanged, its output passed through" "$REC" \
		version --short
else
	fail "version --short: unchanged, its output passed through" "$out"
fi

wh install r1 "$CHART" --post-renderer ./mine --post-renderer-args=-x \
	>/dev/null 2>&1
expect "a given --post-renderer: unchanged" "$REC" install r1 "$CHART" \
	--post-renderer ./mine --post-renderer-args=-x

AGENTENV_POST_ARGS="  --allow-domain 'pypi.org' --sidecar=\"native\"
	--values '' a\\ b \"c\\\"d\" 'e\\f'  " wh install r1 "$CHART" \
	>/dev/null 2>&1
expect "AGENTENV_POST_ARGS: split as sh would (quotes, backslashes, empty), after --release" \
	"$REC" install r1 "$CHART" --post-renderer "$POSTABS" \
	--post-renderer-args=--release --post-renderer-args=r1 \
	--post-renderer-args=--allow-domain --post-renderer-args=pypi.org \
	--post-renderer-args=--sidecar=native --post-renderer-args=--values \
	--post-renderer-args= "--post-renderer-args=a b" \
	'--post-renderer-args=c"d' '--post-renderer-args=e\f'

AGENTENV_POST_ARGS='' wh install r1 "$CHART" >/dev/null 2>&1
expect "AGENTENV_POST_ARGS empty: no words" "$REC" install r1 "$CHART" \
	--post-renderer "$POSTABS" --post-renderer-args=--release \
	--post-renderer-args=r1

# shellcheck disable=SC2016 # a $ that must reach the wrapper
AGENTENV_POST_ARGS='--allow-domain $DOMAIN' refused \
	"AGENTENV_POST_ARGS with \$: refused, no shell runs" \
	'AGENTENV_POST_ARGS, character 16: "$" would be expanded' \
	install r1 "$CHART"
AGENTENV_POST_ARGS='--allow-domain *.example.com' refused \
	"AGENTENV_POST_ARGS with an unquoted glob: refused" "quote it" \
	install r1 "$CHART"
if AGENTENV_POST_ARGS="'open" wh version >/dev/null 2>&1; then
	pass "AGENTENV_POST_ARGS unread by other commands (version)"
else
	fail "AGENTENV_POST_ARGS unread by other commands (version)"
fi

refused "--set annotations.x=null: refused (Helm drops the key)" \
	"null removes the key" install r1 "$CHART" --set annotations.x=null
refused "--set-json labels: refused (only --set/--set-string forwarded)" \
	"only from --set or --set-string" install r1 "$CHART" \
	--set-json 'labels={"a":"b"}'
refused "an unknown flag without '=': refused, not run unsandboxed" \
	"unknown flag '--brand-new'" install r1 "$CHART" --brand-new x

# Finding 13: ways Helm would install or render without the post-renderer.
EMPTY_PR="agentenv-helm: error: --post-renderer '': an empty value names no post-renderer, so Helm would install the chart unsandboxed: remove it (agentenv-helm then adds agentenv-post) or name a post-renderer"
refused "--post-renderer= (empty: Helm runs none): refused" "$EMPTY_PR" \
	install r1 "$CHART" --post-renderer=
refused "upgrade --install --post-renderer '' (Helm 4): refused" "$EMPTY_PR" \
	upgrade --install r1 "$CHART" --post-renderer ''
refused "template --post-renderer= : refused" \
	"so Helm would render the chart unsandboxed" template r1 "$CHART" \
	--post-renderer=
OUTDIR_MSG="agentenv-helm: error: template --output-dir '$tmp/out-dir': Helm 3 writes these files without running the post-renderer, so they would not be sandboxed: render to stdout instead (helm template ... > FILE), or use Helm 4, which post-renders them"
FAKE_MAJOR=3 refused "template --output-dir under Helm 3 (no post-render there): refused" \
	"$OUTDIR_MSG" template r1 "$CHART" --output-dir "$tmp/out-dir"
FAKE_MAJOR=4 wh template r1 "$CHART" --output-dir "$tmp/out-dir" \
	>/dev/null 2>&1
expect "template --output-dir under Helm 4 (post-rendered before writing): run with the plugin" \
	"$REC" template r1 "$CHART" --output-dir "$tmp/out-dir" \
	--post-renderer agentenv-post --post-renderer-args=--release \
	--post-renderer-args=r1
FAKE_MAJOR=4 wh upgrade --install --server-side true r1 "$CHART" \
	>/dev/null 2>&1
expect "Helm 4 upgrade --server-side VALUE: the value is no positional, --release passed" \
	"$REC" upgrade --install --server-side true r1 "$CHART" \
	--post-renderer agentenv-post --post-renderer-args=--release \
	--post-renderer-args=r1
wh --wait r1 install "$CHART" >/dev/null 2>&1
expect "a flag before the command takes the next word (Cobra): install of release r1, post-rendered" \
	"$REC" --wait r1 install "$CHART" --post-renderer "$POSTABS" \
	--post-renderer-args=--release --post-renderer-args=r1

# ------------------------------------------------- which Helm is run
name="AGENTENV_HELM names the real Helm (PATH has none)"
rm -f "$REC"
if AGENTENV_HELM="$tmp/real/helm" PATH="$tmp/wrap:/usr/bin:/bin" \
	helm list -q >/dev/null 2>&1; then
	expect "$name" "$REC" list -q
else
	fail "$name" "exit $?"
fi
name="AGENTENV_HELM is the wrapper: a loop, refused"
if AGENTENV_HELM="$tmp/wrap/helm" wh version >/dev/null 2>"$tmp/err"; then
	fail "$name" "it ran"
elif has "$tmp/err" "is agentenv-helm itself"; then
	pass "$name"
else
	fail "$name" "$(cat "$tmp/err")"
fi
name="the real helm through a link: run by the link's name (snap dispatches on it)"
mkdir -p "$tmp/linked"
cp "$tmp/real/helm" "$tmp/real/dispatcher"
ln -s "$tmp/real/dispatcher" "$tmp/linked/helm"
rm -f "$REC.argv0"
PATH="$tmp/wrap:$tmp/linked:/usr/bin:/bin" helm list >/dev/null 2>&1
case $(cat "$REC.argv0" 2>/dev/null) in
*/linked/helm) pass "$name" ;;
*) fail "$name" "run as '$(cat "$REC.argv0" 2>/dev/null)'" ;;
esac
name="no real helm on PATH: refused with the fix"
if PATH="$tmp/wrap:/usr/bin:/bin" helm version >/dev/null 2>"$tmp/err"; then
	fail "$name" "it ran"
elif has "$tmp/err" "no real helm on PATH" && has "$tmp/err" AGENTENV_HELM
then
	pass "$name"
else
	fail "$name" "$(cat "$tmp/err")"
fi
name="a copy of the wrapper as the next helm: the loop is caught"
mkdir -p "$tmp/copy"
cp "$tmp/bin/agentenv-helm" "$tmp/copy/helm"
if PATH="$tmp/wrap:$tmp/copy:$tmp/real:$PATH" timeout "$HANG_GUARD" \
	helm version >/dev/null 2>"$tmp/err"; then
	fail "$name" "it ran"
elif has "$tmp/err" "is agentenv-helm again"; then
	pass "$name"
else
	fail "$name" "$(cat "$tmp/err")"
fi

# --------------------------------------------- output and status through
for major in 3 4; do
	name="Helm $major: exit status, stdout and stderr passed through"
	FAKE_MAJOR=$major FAKE_STATUS=3 FAKE_STDOUT=out-text \
		FAKE_STDERR=err-text wh install r1 "$CHART" >"$tmp/out" \
		2>"$tmp/err"
	status=$?
	if [ $status -eq 3 ] && [ "$(cat "$tmp/out")" = out-text ] &&
		[ "$(cat "$tmp/err")" = err-text ]; then
		pass "$name"
	else
		fail "$name" "exit $status" "$(cat "$tmp/out" "$tmp/err")"
	fi
done

name="Helm 4 without the plugin: refused, with the install command"
if FAKE_MAJOR=4 FAKE_NO_PLUGIN=1 wh install r1 "$CHART" >/dev/null \
	2>"$tmp/err"; then
	fail "$name" "it ran"
elif has "$tmp/err" "has no plugin 'agentenv-post'" &&
	has "$tmp/err" "plugin install"; then
	pass "$name"
else
	fail "$name" "$(cat "$tmp/err")"
fi

# Helm 4 hides the plugin's stderr; the wrapper prints its private log.
# Two installs at once: each shows its own message, not the other's.
name="Helm 4 refusals of two concurrent installs: each shows its own reason"
for r in a b; do
	FAKE_MAJOR=4 FAKE_LOG_MSG="reason-$r" FAKE_READY="$tmp/ready-$r" \
		FAKE_GO="$tmp/go" wh install "r$r" "$CHART" >/dev/null \
		2>"$tmp/err-$r" &
done
i=0
while { [ ! -e "$tmp/ready-a" ] || [ ! -e "$tmp/ready-b" ]; } &&
	[ $i -lt $((HANG_GUARD * 20)) ]; do
	sleep 0.05
	i=$((i + 1))
done
: >"$tmp/go"
wait
if has "$tmp/err-a" "agentenv-post: error: reason-a" &&
	has "$tmp/err-b" "agentenv-post: error: reason-b" &&
	! has "$tmp/err-a" reason-b && ! has "$tmp/err-b" reason-a &&
	has "$tmp/err-a" 'plugin "agentenv-post" exited with error'; then
	pass "$name"
else
	fail "$name" "$(cat "$tmp/err-a" "$tmp/err-b")"
fi
if [ -z "$(ls -A "$TMPDIR")" ]; then
	pass "Helm 4: the private log directories are removed"
else
	fail "Helm 4: the private log directories are removed" "$(ls "$TMPDIR")"
fi

name="Helm 4: SIGTERM to the wrapper reaches Helm (k8s_sandbox's cancel)"
rm -f "$tmp/ready" "$tmp/trapped"
FAKE_MAJOR=4 FAKE_TRAP="$tmp/trapped" FAKE_READY="$tmp/ready" \
	PATH="$tmp/wrap:$tmp/real:$PATH" helm install r1 "$CHART" \
	>/dev/null 2>&1 &
pid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt $((HANG_GUARD * 20)) ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -TERM $pid
wait $pid
status=$?
if [ $status -eq 143 ] && has "$tmp/trapped" "got TERM" &&
	[ -z "$(ls -A "$TMPDIR")" ]; then
	pass "$name"
else
	fail "$name" "exit $status, $(cat "$tmp/trapped" 2>/dev/null)" \
		"$(ls "$TMPDIR")"
fi

# ------------------------------------------------- agentenv-post options
cat >"$tmp/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {app.kubernetes.io/instance: r1, inspect/service: default}
spec:
  containers: [{name: c, image: python:3.12}]
YAML
printf 'annotations:\n  keep: "1"\n  task: old\n' >"$tmp/vals.yaml"
name="agentenv-post --annotation/--label/--coredns-image, over --values"
if post --release r1 --namespace ns --values "$tmp/vals.yaml" \
	--annotation task=new --label sample=u1 \
	--coredns-image registry.example/coredns:1 <"$tmp/pod.yaml" \
	>"$tmp/post.yaml" 2>"$tmp/err" &&
	has "$tmp/post.yaml" 'task: "new"' && has "$tmp/post.yaml" 'keep: "1"' &&
	has "$tmp/post.yaml" 'sample: "u1"' &&
	has "$tmp/post.yaml" 'image: "registry.example/coredns:1"' &&
	! has "$tmp/post.yaml" 'task: "old"'; then
	pass "$name"
else
	fail "$name" "$(head -5 "$tmp/err")"
fi
name="agentenv-post --label with a bad value: usage error (exit 2)"
post --label 'k=a b' <"$tmp/pod.yaml" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 2 ] && has "$tmp/err" "--label 'k=a b': the value" &&
	[ ! -s "$tmp/out" ]; then
	pass "$name"
else
	fail "$name" "exit $status" "$(cat "$tmp/err")"
fi

# ------------------------------------------------------------ real Helm
no_helm() {
	if [ -n "${CI:-}${AGENTENV_REQUIRE_HELM:-}" ]; then
		fail "real helm: $1"
	else
		skip "real helm: $1"
	fi
	finish
	exit
}
HELM3=$("$TOP/scripts/fetch-helm" --print v3 2>"$tmp/fetch.err") ||
	no_helm "no Helm 3: $(tail -1 "$tmp/fetch.err")"
HELM4=$("$TOP/scripts/fetch-helm" --print v4 2>"$tmp/fetch.err") ||
	no_helm "no Helm 4: $(tail -1 "$tmp/fetch.err")"
"$PYTHON" -c 'import yaml' 2>/dev/null ||
	no_helm "$PYTHON cannot import yaml (python3-yaml)"
have_validator || skip "k8s-validate checks: no $VALIDATOR here"

export HOME="$tmp/home" XDG_CACHE_HOME="$tmp/xdg/cache" \
	XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data" \
	HELM_CONFIG_HOME="$tmp/helm/config" HELM_CACHE_HOME="$tmp/helm/cache" \
	KUBECONFIG="$tmp/no-kubeconfig"
unset HELM_KUBECONTEXT HELM_DRIVER HELM_PLUGINS HELM_DEBUG HELM_PLUGIN_DIR
mkdir -p "$HOME"
# Helm 4 would write agentenv-post's messages to the terminal of whoever
# runs the suite, were AGENTENV_POST_LOG not set: no terminal, to be sure.
nottyrun=
command -v setsid >/dev/null 2>&1 && nottyrun=setsid

# rh MAJOR ARGS...: the wrapper in front of real Helm MAJOR.
rh() {
	rh_helm=$HELM3
	[ "$1" = 4 ] && rh_helm=$HELM4
	shift
	if [ -n "$nottyrun" ]; then
		set -- setsid -w timeout "$HANG_GUARD" helm "$@"
	else
		set -- timeout "$HANG_GUARD" helm "$@"
	fi
	HELM_DATA_HOME="$tmp/data-v$major" AGENTENV_HELM="$rh_helm" \
		PATH="$tmp/wrap:$PATH" "$@"
}

# The plugin as a user installs it: plugin.yaml, the hook, the binary.
pdir=$tmp/plugin-src/agentenv-post
mkdir -p "$pdir/plugin"
cp "$TOP/plugin.yaml" "$pdir/"
cp "$TOP/plugin/install-hook" "$pdir/plugin/"
cp "$BIN" "$pdir/agentenv-post"
major=4
if ! rh 4 plugin install "$pdir" >"$tmp/pi.out" 2>&1; then
	fail "helm4 plugin install (for the tests below)" "$(tail -3 "$tmp/pi.out")"
fi

# sbcheck FILE RELEASE NS: the k8s_sandbox chart's pod, sandboxed.
sbcheck() {
	"$PYTHON" - "$@" <<'PY'
import sys, yaml
path, R, NS = sys.argv[1:4]
docs = [d for d in yaml.safe_load_all(open(path)) if d]
bad = []
pods = [d for d in docs if d.get("kind") == "Pod"]
if len(pods) != 1:
    bad.append("%d pods, want 1" % len(pods))
for p in pods:
    m, s = p["metadata"], p["spec"]
    lab, ann = m.get("labels") or {}, m.get("annotations") or {}
    if s.get("runtimeClassName") != "gvisor":
        bad.append("runtimeClassName %r" % s.get("runtimeClassName"))
    names = [c["name"] for c in s.get("containers", []) + s.get("initContainers", [])]
    if "coredns" not in names:
        bad.append("no coredns sidecar: %s" % names)
    images = [c["image"] for c in s.get("containers", []) + s.get("initContainers", [])
              if c["name"] == "coredns"]
    if images != ["public.ecr.aws/eks/coredns:v1.11.4"]:
        bad.append("coredns image %s, want k8s_sandbox's corednsImage" % images)
    if s["containers"][0]["name"] != "default-container":
        bad.append("first container %s: k8s_sandbox execs into it" % s["containers"][0]["name"])
    if str(lab.get("app.kubernetes.io/instance")) != R:
        bad.append("instance label %r" % lab.get("app.kubernetes.io/instance"))
    if lab.get("inspect/service") != "default":
        bad.append("inspect/service %r" % lab.get("inspect/service"))
    if ann.get("inspectTaskName") != "my_task":
        bad.append("inspectTaskName %r" % ann.get("inspectTaskName"))
    if lab.get("inspectSampleUUID") != "U1x":
        bad.append("inspectSampleUUID label %r" % lab.get("inspectSampleUUID"))
pols = {d["metadata"]["name"]: d for d in docs
        if d.get("kind") == "CiliumNetworkPolicy"}
for want in ("agentenv-%s-sandbox-egress" % R,
             "agentenv-%s-sandbox-default-deny-ingress" % R):
    if want not in pols:
        bad.append("no policy %s (have %s)" % (want, sorted(pols)))
eg = pols.get("agentenv-%s-sandbox-egress" % R)
if eg:
    if eg["metadata"].get("namespace", NS) != NS:
        bad.append("egress policy in namespace %r" % eg["metadata"].get("namespace"))
    if eg["spec"]["endpointSelector"]["matchLabels"].get("agentenv.io/release") != R:
        bad.append("egress policy selects %r" % eg["spec"]["endpointSelector"])
    pats = [dns.get("matchPattern") for rule in eg["spec"].get("egress", [])
            for tp in rule.get("toPorts") or []
            for dns in (tp.get("rules") or {}).get("dns") or []]
    if "*.%s.svc.cluster.local" % NS not in pats:
        bad.append("egress DNS patterns %s lack *.%s.svc.cluster.local" % (pats, NS))
for msg in bad:
    print(msg)
sys.exit(1 if bad else 0)
PY
}

# check NAME FILE: the output of k8s_sandbox's install, sandboxed.
check() {
	if [ ! -s "$2" ]; then
		fail "$1" "no output"
	elif ! msg=$(sbcheck "$2" abcd1234 ns1 2>&1); then
		fail "$1" "$msg"
	elif have_validator && ! msg=$(k8s_validate "$2"); then
		fail "$1" "k8s-validate refuses the output:" "$msg"
	else
		pass "$1"
	fi
}

# k8s_sandbox's list for a real Helm: no --kube-context (there is no
# cluster), `template` for Helm 3 (its install --dry-run=client needs one).
real_args() {
	k8s_args | sed -e '/^--kube-context$/,/^ctx$/d' -e "$1"
}

IFS=$NL
set -f
major=3
o=$tmp/h3.yaml
if rh 3 template $(real_args '') >"$o" 2>"$o.err"; then
	check "helm3 template, k8s_sandbox's arguments: the pod sandboxed, policies for abcd1234 in ns1" "$o"
else
	fail "helm3 template through agentenv-helm" "$(tail -5 "$o.err")"
fi
major=4
o=$tmp/h4.out
if rh 4 install $(real_args 's/^--wait$/--wait=legacy/') --dry-run=client \
	>"$o" 2>"$o.err"; then
	sed '1,/^MANIFEST:$/d; /^HOOKS:$/d; /^NOTES:$/,$d' "$o" >"$o.yaml"
	check "helm4 install --dry-run=client, k8s_sandbox's arguments: the pod sandboxed, policies for abcd1234 in ns1" "$o.yaml"
else
	fail "helm4 install --dry-run=client through agentenv-helm" \
		"$(tail -5 "$o.err")"
fi

# template --output-dir: Helm 4 post-renders the files it writes there,
# Helm 3 does not (finding 13), so the wrapper refuses it under Helm 3.
o=$tmp/h4-outdir
if rh 4 template $(real_args '') --output-dir "$o" >"$o.out" 2>"$o.err"
then
	find "$o" -name '*.yaml' -exec cat {} + >"$o.yaml"
	check "helm4 template --output-dir: the files written are sandboxed" "$o.yaml"
else
	fail "helm4 template --output-dir through agentenv-helm" \
		"$(tail -5 "$o.err")"
fi
major=3
o=$tmp/h3-outdir
name="helm3 template --output-dir: refused, nothing written"
if rh 3 template $(real_args '') --output-dir "$o" >"$o.out" 2>"$o.err"
then
	fail "$name" "helm succeeded"
elif has "$o.err" "Helm 3 writes these files without running the post-renderer" &&
	[ ! -e "$o" ]; then
	pass "$name"
else
	fail "$name" "$(tail -5 "$o.err")"
fi

# A chart agentenv-post refuses: hostNetwork.
bad=$tmp/bad-chart
cp -R "$CHART" "$bad"
sed 's/^spec:/spec:\
  hostNetwork: true/' "$CHART/templates/pod.yaml" >"$bad/templates/pod.yaml"
REASON="hostNetwork"
major=3
name="helm3 template of a refused chart: the reason on stderr, nothing installed"
if rh 3 template $(real_args "s,^$CHART\$,$bad,") >"$tmp/b3" 2>"$tmp/b3.err"
then
	fail "$name" "helm succeeded"
elif has "$tmp/b3.err" "agentenv-post: error:" &&
	has "$tmp/b3.err" "$REASON" && [ ! -s "$tmp/b3" ]; then
	pass "$name"
else
	fail "$name" "$(tail -5 "$tmp/b3.err")"
fi
major=4
name="helm4 install of a refused chart: agentenv-post's reason on stderr, not only Helm's 'exited with error'"
rm -rf "$XDG_CACHE_HOME/agentenv-post"
if rh 4 install $(real_args "s,^$CHART\$,$bad,") --dry-run=client \
	>"$tmp/b4" 2>"$tmp/b4.err"; then
	fail "$name" "helm succeeded"
elif has "$tmp/b4.err" 'plugin "agentenv-post" exited with error' &&
	has "$tmp/b4.err" "agentenv-post: error:" &&
	has "$tmp/b4.err" "$REASON"; then
	if [ -e "$XDG_CACHE_HOME/agentenv-post/last-error.log" ]; then
		fail "$name" "the shared last-error.log was written too"
	else
		pass "$name"
	fi
else
	fail "$name" "$(tail -5 "$tmp/b4.err")"
fi
name="helm4 install with a bad option in AGENTENV_POST_ARGS: agentenv-post's usage message on stderr"
if AGENTENV_POST_ARGS='--sidecar sometimes' rh 4 install $(real_args \
	's/^--wait$/--wait=legacy/') --dry-run=client >"$tmp/u4" \
	2>"$tmp/u4.err"; then
	fail "$name" "helm succeeded"
elif has "$tmp/u4.err" "agentenv-post: usage: --sidecar 'sometimes'"; then
	pass "$name"
else
	fail "$name" "$(tail -5 "$tmp/u4.err")"
fi
set +f
IFS=$oldifs

finish
