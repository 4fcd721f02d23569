#!/bin/sh
# helm-e2e.sh: agentenv-post as a real post-renderer, under the test-only
# Helm 3.17 and Helm 4.1 binaries of scripts/fetch-helm, on the example
# charts testdata/charts/agent-env-default and testdata/charts/multi-service.
#
#   Helm 3  --post-renderer PATH and NAME-on-PATH, --post-renderer-args,
#           hooks never post-rendered, our refusal on Helm's stderr,
#           install --dry-run (needs a cluster: skipped when unreachable);
#   Helm 4  the plugin installed from a source directory (the install hook
#           builds it; a missing compiler is explained) and from a
#           plugin/package tarball, --post-renderer-args, hooks sandboxed
#           with their own ConfigMaps and policies, install --dry-run=client,
#           a refusal reaching the user (terminal, log file), --allow-ingress
#           opening one port of the presented service (human baselines);
#   both    a chart of Kubernetes lists (Helm 4 unwraps a List alone in
#           its file), and items spliced into a Deployment refused.
# Each output must sandbox every pod (runtime class, CoreDNS sidecar,
# resolv.conf), hold the generated ConfigMaps, Services and policies, once
# each, re-parse with libyaml and pass k8s-validate.
#
# Nothing touches the user's Helm: HOME, XDG_* and HELM_* point into a
# temporary folder. Without Helm (no npm, no network) the script skips,
# unless CI or AGENTENV_REQUIRE_HELM is set: then that is a failure.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
CHARTS=$TOP/testdata/charts
NS=e2e-ns
BAD_CIDR_MSG="'10.0.0.0/33' is not a CIDR"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# no_helm REASON: skip the whole script, or fail where Helm is required.
no_helm() {
	if [ -n "${CI:-}${AGENTENV_REQUIRE_HELM:-}" ]; then
		fail "helm e2e: $1"
	else
		skip "helm e2e: $1"
	fi
	finish
	exit
}

# Fetch Helm before HOME moves (npm keeps its cache there).
if ! HELM3=$("$TOP/scripts/fetch-helm" --print v3 2>"$tmp/fetch.err"); then
	no_helm "no Helm 3: $(tail -1 "$tmp/fetch.err")"
fi
if ! HELM4=$("$TOP/scripts/fetch-helm" --print v4 2>"$tmp/fetch.err"); then
	no_helm "no Helm 4: $(tail -1 "$tmp/fetch.err")"
fi
"$PYTHON" -c 'import yaml' 2>/dev/null ||
	no_helm "$PYTHON cannot import yaml (python3-yaml)"
[ -x "$BUILD/yaml-reparse" ] ||
	no_helm "no $BUILD/yaml-reparse (make test builds it)"
have_validator || skip "k8s-validate checks: no $VALIDATOR here"

export HOME="$tmp/home"
export XDG_CONFIG_HOME="$tmp/xdg/config" XDG_CACHE_HOME="$tmp/xdg/cache" \
	XDG_DATA_HOME="$tmp/xdg/data"
export HELM_CONFIG_HOME="$tmp/helm/config" HELM_CACHE_HOME="$tmp/helm/cache" \
	HELM_DATA_HOME="$tmp/helm/data"
# No cluster: anything that needs one fails fast instead of finding one.
export KUBECONFIG="$tmp/no-kubeconfig"
unset HELM_NAMESPACE HELM_KUBECONTEXT HELM_KUBETOKEN HELM_KUBEAPISERVER \
	HELM_DRIVER HELM_PLUGINS HELM_DEBUG HELM_PLUGIN_NAME HELM_PLUGIN_DIR
mkdir -p "$HOME"
LOG=$XDG_CACHE_HOME/agentenv-post/last-error.log

# Helm 4 would write our messages to the terminal of whoever runs the
# suite (diag.c opens /dev/tty): run it without one, except where tested.
nottyrun=
command -v setsid >/dev/null 2>&1 && nottyrun="setsid -w"

# Each Helm its own plugins folder (Helm 3 cannot read a v1 plugin.yaml),
# by HELM_DATA_HOME: Helm 4.1 installs local plugins into
# $HELM_DATA_HOME/plugins whatever HELM_PLUGINS says (helm/helm#32646).
h3() { HELM_DATA_HOME="$tmp/data-v3" "$HELM3" "$@"; }
h4() { HELM_DATA_HOME="$tmp/data-v4" $nottyrun "$HELM4" "$@"; }

# The binary under test, as `make install` would put it on PATH (under
# AGENTENV_WRAP, e.g. valgrind, a script running it so).
mkdir -p "$tmp/bin"
if [ -n "${AGENTENV_WRAP:-}" ]; then
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$AGENTENV_WRAP" "$BIN" \
		>"$tmp/bin/agentenv-post"
	chmod +x "$tmp/bin/agentenv-post"
else
	cp "$BIN" "$tmp/bin/agentenv-post"
fi
POST=$tmp/bin/agentenv-post

cat >"$tmp/values.yaml" <<'EOF'
allowDomains:
  - example.org
EOF

# sbcheck FILE OPTIONS...: the structural checks of one Helm output (see
# the options below); prints one line per problem, fails if any.
sbcheck() {
	"$PYTHON" - "$@" <<'EOF'
import argparse, sys, yaml

p = argparse.ArgumentParser()
p.add_argument("file")
p.add_argument("--release", required=True)
p.add_argument("--namespace", help="the namespace the policies must name; "
               "'*' for the namespace-independent fallback")
p.add_argument("--hooks", choices=["sandboxed", "plain"], default="sandboxed",
               help="hook pods post-rendered (Helm 4) or not (Helm 3)")
p.add_argument("--runtime", action="append", default=[],
               help="SERVICE=CLASS where the chart annotates another class")
p.add_argument("--domain", action="append", default=[],
               help="a domain some egress policy must allow (toFQDNs)")
p.add_argument("--services", default="",
               help="the sandboxed services the output must hold, a,b,c")
p.add_argument("--same-objects", metavar="FILE",
               help="FILE must hold the same objects, equal as data")
a = p.parse_args()
R = a.release
runtime = dict(x.split("=", 1) for x in a.runtime)
problems = []
def bad(msg): problems.append(msg)

def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]
docs = load(a.file)

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
             "ReplicationController", "Job"}
def pod_of(d):
    kind = d.get("kind")
    if kind == "Pod":
        return d
    if kind in WORKLOADS:
        return d["spec"]["template"]
    if kind == "CronJob":
        return d["spec"]["jobTemplate"]["spec"]["template"]
    return None

def meta(d): return d.get("metadata") or {}
def annots(d): return meta(d).get("annotations") or {}
def labels(d): return meta(d).get("labels") or {}
def ident(d): return "%s/%s" % (d.get("kind"), meta(d).get("name"))
def hook_events(d):
    h = annots(d).get("helm.sh/hook")
    return [e.strip() for e in h.split(",")] if h else []

seen = {}
for d in docs:
    key = (d.get("kind"), meta(d).get("namespace"), meta(d).get("name"))
    if key in seen:
        bad("%s twice" % ident(d))
    seen[key] = d
    if "postrenderer.helm.sh/postrender-filename" in annots(d):
        bad("%s still carries Helm 4's postrender-filename annotation" % ident(d))
byname = {(d.get("kind"), meta(d).get("name")): d for d in docs}
def need(kind, name, hook=None):
    d = byname.get((kind, name))
    if d is None:
        bad("no %s/%s" % (kind, name))
    elif labels(d).get("agentenv.io/generated") != "true":
        bad("%s/%s lacks the agentenv.io/generated label" % (kind, name))
    elif hook is not None and not set(hook) <= set(hook_events(d)):
        bad("%s/%s: helm.sh/hook %r, want the events %s"
            % (kind, name, annots(d).get("helm.sh/hook"), ",".join(hook)))
    return d

def set_prefix(events):
    # agentenv-post gives test hooks and other hooks separate object sets,
    # named so that no release's own names can be another's hook names.
    if not events:
        return "agentenv-%s-" % R
    return "agentenv.%s-%s-" % ("test-hook" if "test" in events else "hook", R)

services, hook_pods = set(), []
hook_groups = {}    # infix -> (events, services)
for d in docs:
    pod = pod_of(d)
    if pod is None or annots(pod).get("agentenv.io/inject") == "false" \
            or annots(d).get("agentenv.io/inject") == "false":
        continue
    hook = bool(hook_events(d))
    spec = pod.get("spec") or {}
    cs = spec.get("containers") or []
    ics = spec.get("initContainers") or []
    names = [c.get("name") for c in cs + ics]
    if hook and a.hooks == "plain":
        if "runtimeClassName" in spec or "coredns" in names:
            bad("%s: a hook, post-rendered although Helm 3 passes no hooks"
                % ident(d))
        continue
    w = ident(d)
    svc = labels(pod).get("agentenv.io/service") or ""
    if not svc:
        bad("%s: no agentenv.io/service label" % w)
    if hook:
        evs, svcs = hook_groups.setdefault(set_prefix(hook_events(d)),
                                           (set(), set()))
        evs.update(hook_events(d))
        svcs.add(svc)
        hook_pods.append(d)
    else:
        services.add(svc)
    if labels(pod).get("app.kubernetes.io/instance") != R:
        bad("%s: app.kubernetes.io/instance is %r, want %r"
            % (w, labels(pod).get("app.kubernetes.io/instance"), R))
    want_rc = runtime.get(svc, "gvisor")
    if spec.get("runtimeClassName") != want_rc:
        bad("%s: runtimeClassName %r, want %r"
            % (w, spec.get("runtimeClassName"), want_rc))
    terminates = hook or d["kind"] in ("Job", "CronJob") or \
        spec.get("restartPolicy") in ("Never", "OnFailure")
    native = bool(ics) and ics[0].get("name") == "coredns" and \
        ics[0].get("restartPolicy") == "Always"
    if terminates and not native:
        bad("%s: must terminate but has no native coredns sidecar" % w)
    if not native and "coredns" not in [c.get("name") for c in cs]:
        bad("%s: no coredns sidecar" % w)
    pre = set_prefix(hook_events(d) if hook else None)
    vols = {v.get("name"): (v.get("configMap") or {}).get("name")
            for v in spec.get("volumes") or []}
    if vols.get("resolv-conf") != pre + "resolv-conf":
        bad("%s: resolv-conf volume is %r, want ConfigMap %s"
            % (w, vols.get("resolv-conf"), pre + "resolv-conf"))
    if vols.get("coredns-config") != pre + "coredns-configmap":
        bad("%s: coredns-config volume is %r, want ConfigMap %s"
            % (w, vols.get("coredns-config"), pre + "coredns-configmap"))
    for c in cs + (ics[1:] if native else []):
        if c.get("name") == "coredns":
            continue
        if not any(m.get("mountPath") == "/etc/resolv.conf" and
                   m.get("name") == "resolv-conf"
                   for m in c.get("volumeMounts") or []):
            bad("%s: container %s does not mount resolv-conf on "
                "/etc/resolv.conf" % (w, c.get("name")))
    if annots(pod).get("agentenv.io/dns-record") == "true" or \
            annots(pod).get("agentenv.io/ports"):
        if not hook:
            need("Service", "agentenv-%s-%s" % (R, svc))

want = set(filter(None, a.services.split(",")))
if want and want != services:
    bad("sandboxed services %s, want %s"
        % (",".join(sorted(services)), ",".join(sorted(want))))
if not services:
    bad("no sandboxed pod")

def policy_set(pre, evs, svcs):
    ev = sorted(evs) if evs else None
    need("ConfigMap", pre + "coredns-configmap", ev)
    need("ConfigMap", pre + "resolv-conf", ev)
    egress = need("CiliumNetworkPolicy", pre + "sandbox-egress", ev)
    need("CiliumNetworkPolicy", pre + "sandbox-default-deny-ingress", ev)
    for s in sorted(svcs):
        if not any(k == "CiliumNetworkPolicy" and
                   n.startswith("%ssvc-%s-" % (pre, s)) and
                   n.endswith(("ingress", "isolate")) for k, n in byname):
            bad("no ingress policy %ssvc-%s-..." % (pre, s))
    return egress

egress = policy_set(set_prefix(None), None, services)
if a.hooks == "sandboxed" and hook_pods:
    for pre, (evs, svcs) in sorted(hook_groups.items()):
        policy_set(pre, evs, svcs)
    lowest = min(int(annots(d).get("helm.sh/hook-weight", "0"))
                 for d in hook_pods)
    for d in docs:
        n = meta(d).get("name", "")
        if n.startswith(("agentenv.hook-%s-" % R,
                         "agentenv.test-hook-%s-" % R)):
            wgt = int(annots(d).get("helm.sh/hook-weight", "0"))
            if wgt >= lowest:
                bad("%s: hook weight %d, not before the hook pods (%d)"
                    % (ident(d), wgt, lowest))
if a.hooks == "plain":
    for d in docs:
        if meta(d).get("name", "").startswith("agentenv."):
            bad("%s: a hook set although no hook was post-rendered" % ident(d))

def dns_patterns(pol):
    out = []
    for rule in (pol or {}).get("spec", {}).get("egress") or []:
        for tp in rule.get("toPorts") or []:
            for dns in ((tp.get("rules") or {}).get("dns") or []):
                out.append(dns.get("matchPattern"))
    return out
if a.namespace and egress is not None:
    # The namespace's zone at each depth (Services, POD.HEADLESS, SRV).
    for depth in (1, 2, 3):
        want_pat = "*." * depth + "%s.svc.cluster.local" % a.namespace
        if want_pat not in dns_patterns(egress):
            bad("%s: DNS rule %s, want %s" % (ident(egress),
                dns_patterns(egress), want_pat))

# The namespace's Services resolve by their short names (NAME, NAME.NS,
# NAME.NS.svc), SRV names by _PORT._PROTO.NAME...: the sidecar's Corefile
# has the rules for them, answers renamed for the query only.
if a.namespace:
    # Without a namespace ("*" in the DNS rule) the sidecar reads it.
    ns = "{$AGENTENV_NAMESPACE}" if a.namespace == "*" else a.namespace
    forms = r"(\.%s|\.%s\.svc)?\.$" % (ns, ns)
    want_rules = [
        r"rewrite name regex ^%s%s {1}.%s.svc.cluster.local answer auto"
        % (head, forms, ns)
        for head in (r"(_[^.]+\._[^.]+\.[^.]+)", r"([^.]+)")]
    cm = byname.get(("ConfigMap", "agentenv-%s-coredns-configmap" % R))
    corefile = ((cm or {}).get("data") or {}).get("Corefile") or ""
    lines = [l.strip() for l in corefile.splitlines()]
    for rule in want_rules:
        if rule not in lines:
            bad("the Corefile lacks the short-name rule %r" % rule)

fqdns = set()
for d in docs:
    if d.get("kind") == "CiliumNetworkPolicy":
        for rule in d.get("spec", {}).get("egress") or []:
            for f in rule.get("toFQDNs") or []:
                fqdns.add(f.get("matchName") or f.get("matchPattern"))
for dom in a.domain:
    if dom not in fqdns:
        bad("no egress policy allows %s (toFQDNs: %s)"
            % (dom, ", ".join(sorted(map(str, fqdns)))))

if a.same_objects:
    other = {(d.get("kind"), meta(d).get("name")): d
             for d in load(a.same_objects)}
    for k in sorted(set(byname) ^ set(other)):
        bad("%s/%s only in %s" % (k[0], k[1],
            a.file if k in byname else a.same_objects))
    for k in sorted(set(byname) & set(other)):
        if byname[k] != other[k]:
            bad("%s/%s differs from the one in %s"
                % (k[0], k[1], a.same_objects))

for msg in problems[:12]:
    print(msg)
sys.exit(1 if problems else 0)
EOF
}

# fail_lines NAME TEXT: fail NAME, TEXT's lines as the explanation.
fail_lines() {
	fl_name=$1 fl_text=$2
	fl_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086 # split into lines on purpose
	set -- $fl_text
	set +f
	IFS=$fl_ifs
	fail "$fl_name" "$@"
}

# check NAME FILE SBCHECK-OPTIONS...: one line for one Helm output.
check() {
	name=$1 file=$2
	shift 2
	if [ ! -s "$file" ]; then
		fail "$name" "no output"
		return
	fi
	if ! msg=$(sbcheck "$file" "$@" 2>&1); then
		fail_lines "$name" "$msg"
		return
	fi
	if ! reparse "$file"; then
		fail "$name" "libyaml cannot re-parse the output"
		return
	fi
	if have_validator && ! msg=$(k8s_validate "$file"); then
		fail_lines "$name" "k8s-validate refuses the output:
$msg"
		return
	fi
	pass "$name"
}

# run OUT COMMAND...: COMMAND's stdout into OUT, stderr into OUT.err;
# succeeds as COMMAND does.
run() {
	out=$1
	shift
	"$@" >"$out" 2>"$out.err"
}

# helm_failed NAME OUT: the Helm run that wrote OUT must have succeeded.
helm_failed() {
	fail_lines "$1" "helm failed:
$(tail -5 "$2.err")"
}

# has FILE STRING: FILE contains STRING (a fixed string).
has() { grep -qF -- "$2" "$1"; }

DEF=$CHARTS/agent-env-default
MULTI=$CHARTS/multi-service
MULTI_SVCS=default,web,db,seed
PR_NS="--post-renderer-args=--namespace --post-renderer-args=$NS"

# ---------------------------------------------------------------- static
v=$(sed -n 's/^version: *//p' "$TOP/plugin.yaml")
if [ "$v" = "$(cat "$TOP/VERSION")" ]; then
	pass "plugin.yaml: version $v, as VERSION"
else
	fail "plugin.yaml: version" "plugin.yaml says '$v', VERSION '$(cat "$TOP/VERSION")'"
fi

# ---------------------------------------------------------------- Helm 3
# Helm tells a post-renderer no namespace, and this chart sets none: the
# DNS rule falls back to any namespace (the warning saying so is lost:
# Helm shows a post-renderer's stderr only when it fails).
o=$tmp/h3-default.yaml
if run "$o" h3 template r3d "$DEF" -n "$NS" --post-renderer "$POST"; then
	check "helm3 template agent-env-default --post-renderer PATH (no namespace: the fallback)" \
		"$o" --release r3d --namespace '*' --services default
else
	helm_failed "helm3 template agent-env-default --post-renderer PATH" "$o"
fi

o=$tmp/h3-default-path.yaml
# shellcheck disable=SC2086 # PR_NS is two words
if run "$o" env PATH="$tmp/bin:$PATH" HELM_DATA_HOME="$tmp/data-v3" \
	"$HELM3" template r3d "$DEF" -n "$NS" --post-renderer agentenv-post \
	--set annotations.inspectTaskName=task-1 $PR_NS; then
	if grep -q 'inspectTaskName: task-1' "$o"; then
		check "helm3 template agent-env-default --post-renderer agentenv-post (on PATH) --namespace" \
			"$o" --release r3d --namespace "$NS" --services default
	else
		fail "helm3 template agent-env-default (on PATH)" \
			"the pod lost annotations.inspectTaskName"
	fi
else
	helm_failed "helm3 template agent-env-default (on PATH)" "$o"
fi

o=$tmp/h3-multi.yaml
if run "$o" h3 template r3m "$MULTI" -n "$NS" --post-renderer "$POST"; then
	check "helm3 template multi-service: sandboxed; the test hook left alone (Helm 3 post-renders no hooks)" \
		"$o" --release r3m --namespace "$NS" --hooks plain \
		--services "$MULTI_SVCS" --runtime db=runc \
		--domain pypi.org --domain files.pythonhosted.org
else
	helm_failed "helm3 template multi-service" "$o"
fi

o=$tmp/h3-multi-args.yaml
if run "$o" h3 template r3m "$MULTI" -n "$NS" --post-renderer "$POST" \
	--post-renderer-args=--values --post-renderer-args="$tmp/values.yaml" \
	--post-renderer-args=--allow-domain --post-renderer-args=github.com; then
	check "helm3 template multi-service --post-renderer-args --values --allow-domain" \
		"$o" --release r3m --namespace "$NS" --hooks plain \
		--services "$MULTI_SVCS" --runtime db=runc \
		--domain example.org --domain github.com --domain pypi.org
else
	helm_failed "helm3 template multi-service --post-renderer-args" "$o"
fi

o=$tmp/h3-bad.yaml
name="helm3 template with a bad annotation: fails, our message on Helm's stderr"
if run "$o" h3 template r3m "$MULTI" -n "$NS" --post-renderer "$POST" \
	--set agentAllowCIDR=10.0.0.0/33; then
	fail "$name" "helm succeeded"
elif ! has "$o.err" "$BAD_CIDR_MSG"; then
	fail_lines "$name" "stderr lacks \"$BAD_CIDR_MSG\":
$(tail -3 "$o.err")"
elif [ -s "$o" ]; then
	fail "$name" "helm wrote manifests"
else
	pass "$name"
fi

# helm template --output-dir: Helm 3 writes the chart's files without
# post-rendering them (docs/helm.md warns about it).
name="helm3 template --output-dir: not post-rendered (Helm 3 bypasses the post-renderer)"
if h3 template r3m "$MULTI" -n "$NS" --post-renderer "$POST" \
	--output-dir "$tmp/h3-outdir" >/dev/null 2>"$tmp/h3-outdir.err"; then
	if grep -rq 'runtimeClassName: gvisor' "$tmp/h3-outdir"; then
		fail "$name" "Helm 3 post-renders --output-dir now: update docs/helm.md"
	elif [ ! -f "$tmp/h3-outdir/multi-service/templates/web.yaml" ]; then
		fail "$name" "no multi-service/templates/web.yaml written"
	else
		pass "$name"
	fi
else
	fail_lines "$name" "$(tail -3 "$tmp/h3-outdir.err")"
fi

o=$tmp/h3-install.yaml
name="helm3 install --dry-run=client multi-service"
if run "$o" h3 install r3m "$MULTI" -n "$NS" --dry-run=client \
	--post-renderer "$POST"; then
	sed '1,/^MANIFEST:$/d; /^HOOKS:$/d' "$o" >"$o.manifest"
	check "$name" "$o.manifest" --release r3m --namespace "$NS" \
		--hooks plain --services "$MULTI_SVCS" --runtime db=runc
elif has "$o.err" "cluster unreachable"; then
	skip "$name: Helm 3.17 needs a cluster even for a client dry run (helm template covers the same post-render path)"
else
	helm_failed "$name" "$o"
fi

# ---------------------------------------------------------------- Helm 4
# The plugin from a source directory, as a user's checkout (a copy: the
# install hook runs make in it, which must not touch this checkout).
src=$tmp/src/agentenv-post
mkdir -p "$src/scripts"
cp -R "$TOP/Makefile" "$TOP/VERSION" "$TOP/src" "$TOP/templates" \
	"$TOP/plugin.yaml" "$TOP/plugin" "$src/"
cp "$TOP/scripts/embed-templates" "$src/scripts/"

o=$tmp/h4-install-nocc
name="helm4 plugin install <source dir> without a compiler: the hook says what is missing"
if (export CC=no-such-cc; run "$o" h4 plugin install "$src"); then
	fail "$name" "helm succeeded"
elif ! has "$o.err" "a C compiler (no-such-cc)" ||
	! has "$o.err" "libfyaml-dev"; then
	fail_lines "$name" "$(cat "$o.err")"
else
	pass "$name"
fi
h4 plugin uninstall agentenv-post >/dev/null 2>&1

o=$tmp/h4-install-src
name="helm4 plugin install <source dir>: the install hook builds agentenv-post and agentenv-helm"
pdir=$tmp/data-v4/plugins/agentenv-post
if ! run "$o" h4 plugin install "$src"; then
	helm_failed "$name" "$o"
elif [ ! -x "$pdir/agentenv-post" ] || [ ! -x "$pdir/agentenv-helm" ]; then
	fail_lines "$name" "no $pdir/agentenv-post or agentenv-helm
$(tail -3 "$o.err")"
elif [ "$("$pdir/agentenv-post" --version)" != "$("$BIN" --version)" ]; then
	fail "$name" "it built $("$pdir/agentenv-post" --version)"
else
	pass "$name"
fi

o=$tmp/h4-list
if run "$o" h4 plugin list &&
	grep -q "^agentenv-post[[:space:]]*${v}[[:space:]]*postrenderer/v1" "$o"; then
	pass "helm4 plugin list: agentenv-post $v postrenderer/v1"
else
	fail "helm4 plugin list" "$(cat "$o" "$o.err")"
fi

# From here on the plugin runs the binary under test (the hook was tested).
cp "$POST" "$pdir/agentenv-post"

o=$tmp/h4-default.yaml
if run "$o" h4 template r4d "$DEF" -n "$NS" --post-renderer agentenv-post \
	--set annotations.inspectTaskName=task-1; then
	if ! grep -q 'inspectTaskName: task-1' "$o"; then
		fail "helm4 template agent-env-default" "the pod lost annotations.inspectTaskName"
	else
		check "helm4 template agent-env-default --post-renderer agentenv-post (no namespace: fallback)" \
			"$o" --release r4d --namespace '*' --services default
	fi
else
	helm_failed "helm4 template agent-env-default" "$o"
fi

o=$tmp/h4-default-ns.yaml
# shellcheck disable=SC2086 # PR_NS is two words
if run "$o" h4 template r4d "$DEF" -n "$NS" --post-renderer agentenv-post $PR_NS; then
	check "helm4 template agent-env-default --post-renderer-args --namespace" \
		"$o" --release r4d --namespace "$NS" --services default
else
	helm_failed "helm4 template agent-env-default --post-renderer-args" "$o"
fi

o=$tmp/h4-multi.yaml
if run "$o" h4 template r4m "$MULTI" -n "$NS" --post-renderer agentenv-post; then
	check "helm4 template multi-service: sandboxed, the test hook too, with the hook ConfigMaps and policies" \
		"$o" --release r4m --namespace "$NS" --hooks sandboxed \
		--services "$MULTI_SVCS" --runtime db=runc \
		--domain pypi.org --domain files.pythonhosted.org
	# Helm 4 regroups the output by the postrender-filename annotation:
	# ours must all have come back under our file names.
	name="helm4 template multi-service: every generated object came back under agentenv-post/ file names"
	if has "$o" "generated-by-postrender"; then
		fail "$name" "documents without a postrender-filename annotation:" \
			"$(grep -F -A4 generated-by-postrender "$o" | head -8)"
	elif ! has "$o" "# Source: agentenv-post/network-policy.yaml" ||
		! has "$o" "# Source: agentenv-post/test-hook-coredns.yaml"; then
		fail "$name" "no '# Source: agentenv-post/...' lines"
	else
		pass "$name"
	fi
	# What Helm 4 installs must be what agentenv-post makes of the same
	# chart by itself: Helm's re-serialising and regrouping change nothing.
	o2=$tmp/h4-multi-direct.yaml
	if h4 template r4m "$MULTI" -n "$NS" >"$o2.in" 2>"$o2.err" &&
		${AGENTENV_WRAP:-} "$BIN" <"$o2.in" >"$o2" 2>>"$o2.err"; then
		check "helm4 template multi-service: the same objects as agentenv-post run by hand" \
			"$o" --release r4m --runtime db=runc --same-objects "$o2"
	else
		helm_failed "helm4 template multi-service, by hand" "$o2"
	fi
else
	helm_failed "helm4 template multi-service" "$o"
fi

o=$tmp/h4-multi-args.yaml
if run "$o" h4 template r4m "$MULTI" -n "$NS" --post-renderer agentenv-post \
	--post-renderer-args=--values --post-renderer-args="$tmp/values.yaml" \
	--post-renderer-args=--allow-domain --post-renderer-args=github.com; then
	check "helm4 template multi-service --post-renderer-args --values --allow-domain" \
		"$o" --release r4m --namespace "$NS" --hooks sandboxed \
		--services "$MULTI_SVCS" --runtime db=runc \
		--domain example.org --domain github.com --domain pypi.org
else
	helm_failed "helm4 template multi-service --post-renderer-args" "$o"
fi

o=$tmp/h4-install.yaml
name="helm4 install --dry-run=client multi-service: hooks and manifest sandboxed"
if run "$o" h4 install r4m "$MULTI" -n "$NS" --dry-run=client \
	--post-renderer agentenv-post; then
	# The HOOKS: and MANIFEST: sections, as one stream.
	sed '1,/^HOOKS:$/d; /^MANIFEST:$/d' "$o" >"$o.stream"
	if ! grep -q '^STATUS: pending-install' "$o"; then
		fail_lines "$name" "$(head -8 "$o")"
	elif ! sed '/^MANIFEST:$/q' "$o" | grep -q '^  name: r4m-test-web$'; then
		fail "$name" "the test pod is not under HOOKS:"
	else
		check "$name" "$o.stream" --release r4m --namespace "$NS" \
			--hooks sandboxed --services "$MULTI_SVCS" --runtime db=runc
	fi
elif has "$o.err" "cluster unreachable"; then
	skip "$name: this Helm 4 needs a cluster for a client dry run"
else
	helm_failed "$name" "$o"
fi

name="helm4 template --output-dir: post-rendered, our objects in agentenv-post/"
if h4 template r4m "$MULTI" -n "$NS" --post-renderer agentenv-post \
	--output-dir "$tmp/h4-outdir" >/dev/null 2>"$tmp/h4-outdir.err"; then
	if ! grep -q 'runtimeClassName: gvisor' \
		"$tmp/h4-outdir/multi-service/templates/web.yaml" 2>/dev/null; then
		fail "$name" "multi-service/templates/web.yaml is not sandboxed"
	elif [ ! -f "$tmp/h4-outdir/agentenv-post/network-policy.yaml" ]; then
		fail_lines "$name" "no agentenv-post/network-policy.yaml:
$(cd "$tmp/h4-outdir" && find . -type f)"
	else
		pass "$name"
	fi
else
	fail_lines "$name" "$(tail -3 "$tmp/h4-outdir.err")"
fi

# A refusal: Helm 4 shows only 'plugin "agentenv-post" exited with error'.
o=$tmp/h4-bad.yaml
rm -f "$LOG"
name="helm4 template with a bad annotation: fails, our message in \$XDG_CACHE_HOME/agentenv-post/last-error.log"
if run "$o" h4 template r4m "$MULTI" -n "$NS" --post-renderer agentenv-post \
	--set agentAllowCIDR=10.0.0.0/33; then
	fail "$name" "helm succeeded"
elif ! has "$o.err" 'plugin "agentenv-post" exited with error'; then
	fail_lines "$name" "Helm's message changed:
$(tail -3 "$o.err")"
elif [ -s "$o" ]; then
	fail "$name" "helm wrote manifests"
elif [ ! -f "$LOG" ] || ! has "$LOG" "$BAD_CIDR_MSG"; then
	fail "$name" "the log lacks \"$BAD_CIDR_MSG\""
else
	pass "$name"
fi

# ... and on the terminal Helm runs in (script(1) gives it one).
name="helm4 template with a bad annotation: our message on the user's terminal"
if ! command -v script >/dev/null 2>&1; then
	skip "$name: no script(1) here"
else
	# A command line for sh -c: every word single-quoted.
	cmd=
	for w in env HELM_DATA_HOME="$tmp/data-v4" "$HELM4" template r4m \
		"$MULTI" -n "$NS" --post-renderer agentenv-post \
		--set agentAllowCIDR=10.0.0.0/33; do
		cmd="$cmd '$w'"
	done
	script -qec "$cmd >/dev/null 2>'$tmp/tty.err'" /dev/null \
		>"$tmp/tty.out" 2>&1 </dev/null
	if has "$tmp/tty.out" "$BAD_CIDR_MSG"; then
		pass "$name"
	else
		fail_lines "$name" "the terminal showed:
$(head -5 "$tmp/tty.out")"
	fi
fi

# Helm 4 hides our stderr, hint included; run as a plugin, the hint is there.
name="run as a Helm plugin, agentenv-post names the log on stderr too"
# shellcheck disable=SC2086 # $nottyrun and AGENTENV_WRAP are command words
if h4 template r4m "$MULTI" -n "$NS" --set agentAllowCIDR=10.0.0.0/33 \
	>"$tmp/bad.in" 2>/dev/null &&
	! HELM_PLUGIN_NAME=agentenv-post $nottyrun ${AGENTENV_WRAP:-} "$BIN" \
		<"$tmp/bad.in" >"$tmp/bad.out" 2>"$tmp/bad.err" &&
	has "$tmp/bad.err" "$BAD_CIDR_MSG" &&
	has "$tmp/bad.err" "are also in $LOG" && [ ! -s "$tmp/bad.out" ]; then
	pass "$name"
else
	fail_lines "$name" "$(cat "$tmp/bad.err")"
fi

# The tarball users pass around: plugin/package stages only what the
# plugin needs, with a static binary, and runs `helm plugin package`.
o=$tmp/package
name="plugin/package: agentenv-post-$v.tgz with plugin.yaml, the hook and static agentenv-post and agentenv-helm"
tgz=$tmp/pkg/agentenv-post-$v.tgz
if ! run "$o" env HELM="$HELM4" "$TOP/plugin/package" -d "$tmp/pkg"; then
	helm_failed "$name" "$o"
elif [ ! -f "$tgz" ]; then
	fail_lines "$name" "no $tgz:
$(tail -3 "$o.err")"
else
	tar -tzf "$tgz" | sed 's,/$,,' | sort >"$tmp/tgz.list"
	printf '%s\n' agentenv-post agentenv-post/agentenv-post \
		agentenv-post/agentenv-helm \
		agentenv-post/plugin.yaml agentenv-post/plugin \
		agentenv-post/plugin/install-hook >"$tmp/tgz.want"
	grep -q README.md "$tmp/tgz.list" &&
		echo agentenv-post/README.md >>"$tmp/tgz.want"
	sort -o "$tmp/tgz.want" "$tmp/tgz.want"
	mkdir -p "$tmp/tgz"
	tar -xmzf "$tgz" -C "$tmp/tgz"
	if ! cmp -s "$tmp/tgz.list" "$tmp/tgz.want"; then
		fail_lines "$name" "$(diff "$tmp/tgz.want" "$tmp/tgz.list")"
	elif command -v readelf >/dev/null 2>&1 &&
		readelf -l "$tmp/tgz/agentenv-post/agentenv-post" \
			"$tmp/tgz/agentenv-post/agentenv-helm" | grep -q INTERP; then
		fail "$name" "a binary is dynamically linked"
	else
		pass "$name"
	fi
fi

if [ -f "$tgz" ]; then
	h4t() { HELM_DATA_HOME="$tmp/data-v4-tgz" $nottyrun "$HELM4" "$@"; }
	o=$tmp/h4-tgz-verify
	name="helm4 plugin install <unsigned tarball> without --verify=false: refused"
	if run "$o" h4t plugin install "$tgz"; then
		fail "$name" "helm installed it"
	elif has "$o.err" "no provenance file"; then
		pass "$name"
	else
		fail_lines "$name" "$(tail -3 "$o.err")"
	fi
	h4t plugin uninstall agentenv-post >/dev/null 2>&1

	o=$tmp/h4-tgz
	name="helm4 plugin install <tarball> --verify=false: the hook finds the shipped binary"
	if run "$o" h4t plugin install "$tgz" --verify=false &&
		has "$o.err" "agentenv-post $v ready"; then
		pass "$name"
	else
		fail_lines "$name" "$(cat "$o" "$o.err" | tail -5)"
	fi

	o=$tmp/h4-tgz-multi.yaml
	if run "$o" h4t template r4t "$MULTI" -n "$NS" --post-renderer agentenv-post; then
		check "helm4 template multi-service with the tarball's plugin" \
			"$o" --release r4t --namespace "$NS" --hooks sandboxed \
			--services "$MULTI_SVCS" --runtime db=runc
	else
		helm_failed "helm4 template multi-service with the tarball's plugin" "$o"
	fi
fi

# Helm 3 and 4 share ~/.local/share/helm/plugins unless told otherwise:
# Helm 3 cannot load a v1 plugin.yaml, says so, and still post-renders.
o=$tmp/h3-shared.yaml
name="helm3 with the Helm 4 plugin in its plugins folder: a warning, still post-renders"
if run "$o" env HELM_DATA_HOME="$tmp/data-v4" "$HELM3" template r3d "$DEF" \
	-n "$NS" --post-renderer "$POST"; then
	if has "$o.err" 'unknown field "apiVersion"'; then
		check "$name" "$o" --release r3d --services default
	else
		check "$name (no warning any more: update docs/helm.md)" "$o" \
			--release r3d --services default
	fi
else
	helm_failed "$name" "$o"
fi

# Human baselines: --allow-ingress through Helm 4's plugin opens exactly
# that port of the presented service to anyone, in a policy of its own.
o=$tmp/h4-ingress.yaml
name="helm4 template multi-service --post-renderer-args --allow-ingress 2222: the open-ports policy"
if run "$o" h4 template r4m "$MULTI" -n "$NS" --post-renderer agentenv-post \
	--post-renderer-args=--allow-ingress --post-renderer-args=2222; then
	if ! has "$o" "name: \"agentenv-r4m-svc-default-open-ports\"" &&
		! has "$o" "name: agentenv-r4m-svc-default-open-ports"; then
		fail_lines "$name" "no agentenv-r4m-svc-default-open-ports policy:
$(grep -n 'open-ports' "$o" | head -3)"
	elif ! grep -A30 'agentenv-r4m-svc-default-open-ports' "$o" |
		grep -q '"2222"\|port: 2222'; then
		fail "$name" "the policy does not name port 2222"
	else
		check "$name" "$o" --release r4m --namespace "$NS" \
			--hooks sandboxed --services "$MULTI_SVCS" --runtime db=runc
	fi
else
	helm_failed "$name" "$o"
fi

# ---------------------------------------------------------------- lists
# Kubernetes lists as each Helm hands them on (Helm 4 unwraps a List alone
# in its file, Helm 3 never does): every pod in them sandboxed, read again
# by the independent reader as Helm's client will; a values-driven
# "items:" on a Deployment (which Helm's client would replace by its items)
# refused under both.
LISTS=$CHARTS/lists
lists_read() {
	if [ ! -x /usr/bin/python3 ]; then
		skip "$1: no python3"
	elif why=$(/usr/bin/python3 "$TOP/tests/pods_sandboxed.py" \
		--namespace "$NS" "$2"); then
		pass "$1"
	else
		fail_lines "$1" "$why"
	fi
}
o=$tmp/h3-lists.yaml
name="helm3 template lists: every pod of every list sandboxed"
if run "$o" h3 template rl "$LISTS" -n "$NS" --post-renderer "$POST" \
	--post-renderer-args=--release --post-renderer-args=rl \
	--post-renderer-args=--namespace --post-renderer-args="$NS"; then
	lists_read "$name" "$o"
else
	helm_failed "$name" "$o"
fi
o=$tmp/h4-lists.yaml
name="helm4 template lists: every pod of every list sandboxed"
if run "$o" h4 template rl "$LISTS" -n "$NS" --post-renderer agentenv-post \
	--post-renderer-args=--release --post-renderer-args=rl \
	--post-renderer-args=--namespace --post-renderer-args="$NS"; then
	lists_read "$name" "$o"
else
	helm_failed "$name" "$o"
fi
ITEMS_MSG="it would create the items and not this Deployment"
o=$tmp/h3-lists-smuggle.yaml
name="helm3 template lists with items spliced into a Deployment: refused, our message on Helm's stderr"
if run "$o" h3 template rl "$LISTS" -n "$NS" --post-renderer "$POST" \
	-f "$LISTS/smuggle-values.yaml"; then
	fail "$name" "helm succeeded"
elif ! has "$o.err" "$ITEMS_MSG"; then
	fail_lines "$name" "stderr lacks \"$ITEMS_MSG\":
$(tail -3 "$o.err")"
else
	pass "$name"
fi
o=$tmp/h4-lists-smuggle.yaml
name="helm4 template lists with items spliced into a Deployment: refused, nothing rendered"
if run "$o" env AGENTENV_POST_LOG="$tmp/lists.log" HELM_DATA_HOME="$tmp/data-v4" \
	$nottyrun "$HELM4" template rl "$LISTS" -n "$NS" \
	--post-renderer agentenv-post -f "$LISTS/smuggle-values.yaml"; then
	fail "$name" "helm succeeded"
elif [ -s "$o" ]; then
	fail "$name" "helm wrote manifests"
elif ! has "$tmp/lists.log" "$ITEMS_MSG"; then
	fail_lines "$name" "the log lacks \"$ITEMS_MSG\": $(cat "$tmp/lists.log" 2>/dev/null | head -3)"
else
	pass "$name"
fi

finish
