#!/usr/bin/python3
"""refcompare.py OURS.yaml AGENTENV.yaml

Compare agentenv-post's output for a vanilla chart with what the agent-env
chart renders for the same sandbox (../shared/reference/agent-env/), up to
the differences listed below. Prints one "DIFF object: path: ours ...,
agent-env ..." line per difference and "note: ..." lines for accepted
variants; exit status 1 when there is any DIFF, 2 on a usage/parse error.

Normalised (the same thing spelt differently):
  - names: agent-env's prefix "agent-env-RELEASE" and ours "agentenv-RELEASE"
    both become "PREFIX" in every string (object names, ConfigMap and claim
    names, volume names, $AGENT_ENV values, Corefile rewrite targets);
  - release scoping: agent-env selects on app.kubernetes.io/name: agent-env
    + app.kubernetes.io/instance, we select on agentenv.io/release +
    agentenv.io/sandbox: "true" (the instance label is the chart's: a
    chart may set its own value there); in any label map both sets become
    one "RELEASE: <release>" entry, which takes the instance label with it
    when it says the release (our pods carry it too: k8s_sandbox finds
    pods by it, checked apart). app.kubernetes.io/instance alone does NOT
    (it also selects the release's unsandboxed pods). Within such a set,
    the service agent-env selects with inspect/service we select with
    agentenv.io/service (inspect/service is set only where the chart asks
    for it: it makes k8s_sandbox present the pod to the agent); either
    becomes one "SERVICE: <name>" entry;
  - the CoreDNS sidecar may be ours as a native sidecar (first init
    container, restartPolicy: Always) where agent-env's is a regular
    container: CONTRACT.md "--sidecar auto" does that for pods with init
    containers, which agent-env leaves without DNS while they run. Both
    forms are accepted and reported with a note; with the native form our
    init containers must (and agent-env's cannot) mount /etc/resolv.conf
    (CONTRACT: "Init containers after a native sidecar get the resolv.conf
    mount too"), so that mount is checked and then dropped;
  - the ports of agent-env's sidecar (dns 53/UDP, dns-tcp 53/TCP): ours
    declares none (it listens on 127.0.0.1 only, and a port named "dns"
    collides with a chart container's). Informational in Kubernetes:
    checked as agent-env's, then dropped with a note;
  - AGENTENV_NAMESPACE (fieldRef metadata.namespace) in our sidecar's env:
    ours adds it only when no namespace is known (the Corefile reads it);
    agent-env always knows its namespace. Dropped;
  - the agentenv.io/* annotations on our pod templates: they are the chart
    author's input (agent-env's values), not part of the sandbox. Dropped;
  - list order is kept (and so compared) everywhere except where it has no
    meaning: volumes, containers (by name) and volumeMounts (by mountPath),
    the Corefile's rewrite rules (a set: every name is exact and distinct;
    our regex rules for the namespace's short names are an addition,
    noted and set aside), and the order of documents in the stream;
  - the DNS rule's patterns of the namespace's zone at depths 2 and 3
    (*.*.NS.svc.cluster.local, *.*.*.NS.svc.cluster.local): an addition,
    noted and set aside.

Ignored (agent-env sets it, agentenv-post deliberately does not, or it is
the chart's business rather than the sandbox's):
  - labels helm.sh/chart, app.kubernetes.io/managed-by (chart metadata) and
    the pod label aisi.gov.uk/k8s-sandbox-version;
  - terminationGracePeriodSeconds: 0 on pods;
  - the workload's own metadata, spec.serviceName and spec.selector (the
    chart's: workloads are matched by their pods' inspect/service label),
    and pod-template labels other than inspect/service, aisi.gov.uk/network-*
    and the release scoping;
  - metadata.namespace (we set it on generated objects; `helm template -n`
    leaves it to the API request), our agentenv.io/generated label and
    Helm 4's postrender-filename annotation, empty labels/annotations maps,
    agentenv.io/keep-policy on a chart's policy (the author vouching for
    it, as agent-env's additionalResources are vouched for);
  - the app.kubernetes.io/instance label in the metadata of objects other
    than pods (generate.h: every generated object carries it; it scopes
    nothing there, unlike in selectors and on pods, where it is compared);
  - spec.description of CiliumNetworkPolicies (prose).
"""

import json
import re
import sys

try:
    import yaml
except ImportError:  # reference.sh checks this first and skips
    sys.stderr.write("refcompare.py: python3-yaml is missing\n")
    sys.exit(2)

WORKLOAD_TEMPLATES = {   # kind: path to the pod template
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
SIDECAR = "coredns"
AGENT_ENV_SIDECAR_PORTS = [
    {"containerPort": 53, "protocol": "UDP", "name": "dns"},
    {"containerPort": 53, "protocol": "TCP", "name": "dns-tcp"},
]
RESOLV_VOLUME = "resolv-conf"
NETWORK_LABEL = "aisi.gov.uk/network-"
INSTANCE = "app.kubernetes.io/instance"
RELEASE_LABEL = "agentenv.io/release"
IGNORED_LABELS = {"helm.sh/chart", "app.kubernetes.io/managed-by",
                  "aisi.gov.uk/k8s-sandbox-version", "agentenv.io/generated"}
IGNORED_ANNOTATIONS = {"postrenderer.helm.sh/postrender-filename",
                       "agentenv.io/keep-policy"}


class Compare:
    def __init__(self, release):
        self.release = release
        self.diffs = []
        self.notes = []

    # -- reporting -----------------------------------------------------

    def diff(self, obj, path, ours, ref):
        self.diffs.append("DIFF %s: %s: ours %s, agent-env %s"
                          % (obj, path or ".", show(ours), show(ref)))

    def note(self, text):
        self.notes.append("note: " + text)

    def deep(self, obj, path, ours, ref):
        """Report every difference between two normalised values."""
        if isinstance(ours, dict) and isinstance(ref, dict) and \
                ("RELEASE" in ours) != ("RELEASE" in ref):
            # A label map scoped differently: show it whole.
            self.diff(obj, path, ours, ref)
        elif isinstance(ours, dict) and isinstance(ref, dict):
            for key in list(ref) + [k for k in ours if k not in ref]:
                sub = "%s.%s" % (path, key) if path else str(key)
                if key not in ours:
                    self.diff(obj, sub, MISSING, ref[key])
                elif key not in ref:
                    self.diff(obj, sub, ours[key], MISSING)
                else:
                    self.deep(obj, sub, ours[key], ref[key])
        elif isinstance(ours, list) and isinstance(ref, list):
            if len(ours) != len(ref):
                self.diff(obj, path, ours, ref)
                return
            for i, (a, b) in enumerate(zip(ours, ref)):
                self.deep(obj, "%s[%d]" % (path, i), a, b)
        elif type(ours) is not type(ref) or ours != ref:
            self.diff(obj, path, ours, ref)

    # -- normalisation -------------------------------------------------

    def norm(self, value):
        """Names to PREFIX and release-scoping label sets to RELEASE."""
        if isinstance(value, str):
            for prefix in ("agent-env-" + self.release,
                           "agentenv-" + self.release):
                value = value.replace(prefix, "PREFIX")
            return value
        if isinstance(value, list):
            return [self.norm(v) for v in value]
        if isinstance(value, dict):
            out = {k: self.norm(v) for k, v in value.items()}
            # The third: a chart's kept policy may scope as we once did.
            if (out.get(RELEASE_LABEL) == self.release and
                    out.get("agentenv.io/sandbox") == "true") or (
                    out.get(INSTANCE) == self.release and
                    out.get("app.kubernetes.io/name") == "agent-env") or (
                    out.get(INSTANCE) == self.release and
                    out.get("agentenv.io/sandbox") == "true"):
                for k in (RELEASE_LABEL, "agentenv.io/sandbox"):
                    out.pop(k, None)
                if out.get(INSTANCE) == self.release:
                    del out[INSTANCE]
                if out.get("app.kubernetes.io/name") == "agent-env":
                    del out["app.kubernetes.io/name"]
                for k in ("agentenv.io/service", "inspect/service"):
                    if k in out:
                        out["SERVICE"] = out.pop(k)
                        break
                out["RELEASE"] = self.release
            return out
        return value

    def norm_metadata_map(self, m, ignored):
        m = self.norm({k: v for k, v in (m or {}).items() if k not in ignored})
        m.pop("RELEASE", None)
        if m.get(INSTANCE) == self.release:
            del m[INSTANCE]
        return m

    # -- objects -------------------------------------------------------

    def objects(self, ours_docs, ref_docs):
        ours_pods, ours_objs = self.split(ours_docs, "ours")
        ref_pods, ref_objs = self.split(ref_docs, "agent-env")
        for svc in sorted(set(ours_pods) | set(ref_pods)):
            if svc not in ref_pods:
                self.diff("service " + svc, "", "a workload", MISSING)
            elif svc not in ours_pods:
                self.diff("service " + svc, "", MISSING, "a workload")
            else:
                self.workload(svc, ours_pods[svc], ref_pods[svc])
        for key in sorted(set(ours_objs) | set(ref_objs)):
            name = "%s/%s" % key
            if key not in ref_objs:
                self.diff(name, "", "present", MISSING)
            elif key not in ours_objs:
                self.diff(name, "", MISSING, "present")
            else:
                self.other(name, key[0], ours_objs[key], ref_objs[key])

    def split(self, docs, side):
        """Workloads by service name, everything else by (kind, name)."""
        pods, objs = {}, {}
        for doc in docs:
            kind = doc.get("kind")
            name = self.norm((doc.get("metadata") or {}).get("name"))
            if kind in WORKLOAD_TEMPLATES:
                tpl = doc
                for step in WORKLOAD_TEMPLATES[kind]:
                    tpl = (tpl or {}).get(step)
                labels = ((tpl or {}).get("metadata") or {}).get("labels")
                svc = (labels or {}).get("inspect/service")
                if svc is None:
                    self.diffs.append("DIFF %s/%s (%s): its pods have no "
                                      "inspect/service label"
                                      % (kind, name, side))
                elif svc in pods:
                    self.diffs.append("DIFF service %s (%s): two workloads"
                                      % (svc, side))
                else:
                    pods[svc] = (doc, tpl)
            elif (kind, name) in objs:
                self.diffs.append("DIFF %s/%s (%s): twice in the stream"
                                  % (kind, name, side))
            else:
                objs[(kind, name)] = doc
        return pods, objs

    def other(self, name, kind, ours, ref):
        """A non-workload object: metadata labels/annotations + content."""
        for field, ignored in (("labels", IGNORED_LABELS),
                               ("annotations", IGNORED_ANNOTATIONS)):
            self.deep(name, "metadata." + field,
                      self.norm_metadata_map(
                          (ours.get("metadata") or {}).get(field), ignored),
                      self.norm_metadata_map(
                          (ref.get("metadata") or {}).get(field), ignored))
        if kind == "ConfigMap" and "Corefile" in (ref.get("data") or {}):
            self.corefile(name, ours, ref)
            return
        if kind == "CiliumNetworkPolicy":
            ours = dict(ours, spec={k: v for k, v in
                                    (ours.get("spec") or {}).items()
                                    if k != "description"})
            ours = self.zone_depths(name, ours)
            ref = dict(ref, spec={k: v for k, v in
                                  (ref.get("spec") or {}).items()
                                  if k != "description"})
        body = {k: v for k, v in ours.items() if k != "metadata"}
        ref_body = {k: v for k, v in ref.items() if k != "metadata"}
        self.deep(name, "", self.norm(body), self.norm(ref_body))

    def zone_depths(self, name, policy):
        """Ours allows the namespace's zone at depths 2 and 3 too
        (*.*.NS.svc.cluster.local, *.*.*.NS.svc.cluster.local: pods
        behind headless Services, SRV names), right after agent-env's
        *.NS.svc.cluster.local, which is all agent-env has: set aside,
        noted; tests/resolve_eval.py checks what they let through."""
        spec = dict(policy.get("spec") or {})
        egress = []
        for rule in spec.get("egress") or []:
            ports = []
            for entry in rule.get("toPorts") or []:
                dns = (entry.get("rules") or {}).get("dns")
                if dns:
                    kept = [d for d in dns if not re.match(
                        r"^\*\.\*\.(\*\.)?[^*]+\.svc\.cluster\.local$",
                        str(d.get("matchPattern")))]
                    if len(kept) == len(dns) - 2:
                        self.note("%s: the DNS patterns of the zone's "
                                  "depths 2 and 3" % name)
                    entry = dict(entry, rules=dict(entry["rules"], dns=kept))
                ports.append(entry)
            egress.append(dict(rule, toPorts=ports) if "toPorts" in rule
                          else rule)
        if "egress" in spec:
            spec["egress"] = egress
        return dict(policy, spec=spec)

    def corefile(self, name, ours, ref):
        """Rewrite rules as a set, every other directive line in order."""
        def parse(doc):
            rewrites, rest = set(), []
            text = self.norm((doc.get("data") or {}).get("Corefile") or "")
            for line in text.splitlines():
                line = re.sub(r"\s+", " ", line.split("#", 1)[0]).strip()
                if not line:
                    continue
                (rewrites.add if line.startswith("rewrite ")
                 else rest.append)(line)
            return rewrites, rest
        ours_rw, ours_rest = parse(ours)
        ref_rw, ref_rest = parse(ref)
        # Ours completes the namespace's names as a search list would
        # (NAME, _PORT._PROTO.NAME, POD.HEADLESS, each with .NS and
        # .NS.svc): regex rules agent-env has no need for (it has no
        # chart Services); tests/dns-names.sh checks what they do.
        short = {r for r in ours_rw if r.startswith("rewrite name regex ")
                 and r.endswith(" answer auto")}
        if short:
            ours_rw -= short
            self.note("%s: the %d short-name rules of the namespace's "
                      "names" % (name, len(short)))
        for line in sorted(ours_rw - ref_rw):
            self.diff(name, "Corefile rewrite", line, MISSING)
        for line in sorted(ref_rw - ours_rw):
            self.diff(name, "Corefile rewrite", MISSING, line)
        if ours_rest != ref_rest:
            self.diff(name, "Corefile directives", ours_rest, ref_rest)
        other = {k: v for k, v in (ours.get("data") or {}).items()
                 if k != "Corefile"}
        ref_other = {k: v for k, v in (ref.get("data") or {}).items()
                     if k != "Corefile"}
        self.deep(name, "data", other, ref_other)

    # -- pods ----------------------------------------------------------

    def workload(self, svc, ours, ref):
        obj = "service %s (%s)" % (svc, ref[0].get("kind"))
        (ours_doc, ours_tpl), (ref_doc, ref_tpl) = ours, ref
        if ours_doc.get("kind") != ref_doc.get("kind"):
            self.diff(obj, "kind", ours_doc.get("kind"), ref_doc.get("kind"))
        self.deep(obj, "spec.replicas", (ours_doc.get("spec") or {})
                  .get("replicas"), (ref_doc.get("spec") or {})
                  .get("replicas"))
        self.pod_metadata(obj, ours_tpl.get("metadata") or {},
                          ref_tpl.get("metadata") or {})
        self.pod_spec(obj, dict(ours_tpl.get("spec") or {}),
                      dict(ref_tpl.get("spec") or {}))

    def pod_metadata(self, obj, ours, ref):
        def labels(meta):
            raw = meta.get("labels") or {}
            picked = {k: v for k, v in raw.items()
                      if k == "inspect/service" or k.startswith(NETWORK_LABEL)}
            scoped = self.norm(raw).get("RELEASE")
            if scoped is not None:
                picked["RELEASE"] = scoped
            return picked
        self.deep(obj, "template.metadata.labels", labels(ours), labels(ref))
        # k8s_sandbox finds a release's pods by it.
        for side, meta in (("ours", ours), ("agent-env", ref)):
            instance = (meta.get("labels") or {}).get(INSTANCE)
            if instance != self.release:
                self.diff(obj, "template.metadata.labels." + INSTANCE,
                          instance if side == "ours" else "(checked)",
                          instance if side != "ours" else "(checked)")
        annotations = {k: v for k, v in (ours.get("annotations") or {}).items()
                       if not k.startswith("agentenv.io/")}
        self.deep(obj, "template.metadata.annotations",
                  self.norm(annotations), self.norm(ref.get("annotations")
                                                    or {}))

    def pod_spec(self, obj, ours, ref):
        ref.pop("terminationGracePeriodSeconds", None)
        ours_init = list(ours.pop("initContainers", None) or [])
        ref_init = list(ref.pop("initContainers", None) or [])
        ours_ctrs = list(ours.pop("containers", None) or [])
        ref_ctrs = list(ref.pop("containers", None) or [])

        # The sidecar: agent-env's is always a regular container.
        ref_side = pop_named(ref_ctrs, SIDECAR)
        ours_side = pop_named(ours_ctrs, SIDECAR)
        native = False
        if ours_side is None and ours_init and \
                ours_init[0].get("name") == SIDECAR:
            ours_side = dict(ours_init.pop(0))
            native = True
            if ours_side.pop("restartPolicy", None) != "Always":
                self.diff(obj, "initContainers[0] (coredns).restartPolicy",
                          "not Always", "(a regular container)")
        if ref_side is None:
            self.diff(obj, "coredns sidecar", "present", MISSING)
        elif ours_side is None:
            self.diff(obj, "coredns sidecar", MISSING, "a container")
        else:
            self.note("%s: coredns sidecar is %s" % (
                obj, "native (init container, restartPolicy Always)"
                if native else "a regular container, as agent-env"))
            env = [e for e in ours_side.get("env") or []
                   if e.get("name") != "AGENTENV_NAMESPACE"]
            ours_side.pop("env", None)
            if env:
                ours_side["env"] = env
            if "ports" not in ours_side and ref_side.get("ports") == \
                    AGENT_ENV_SIDECAR_PORTS:
                del ref_side["ports"]
                self.note("%s: coredns sidecar declares no ports" % obj)
            self.container(obj, "coredns sidecar", ours_side, ref_side)

        # The other containers, matched by name.
        self.containers(obj, "containers", ours_ctrs, ref_ctrs, False)
        self.containers(obj, "initContainers", ours_init, ref_init, native)

        # Volumes, by name.
        self.deep(obj, "volumes", by_name(self.norm(ours.pop("volumes", None))),
                  by_name(self.norm(ref.pop("volumes", None))))

        # Everything else on the pod: runtimeClassName, enableServiceLinks,
        # automountServiceAccountToken, imagePullSecrets, dnsPolicy, ...
        self.deep(obj, "spec", self.norm(ours), self.norm(ref))

    def containers(self, obj, field, ours, ref, native_init):
        ours_names = [c.get("name") for c in ours]
        ref_names = [c.get("name") for c in ref]
        ordered = field == "initContainers"  # init containers run in order
        if (ours_names if ordered else sorted(ours_names)) != \
                (ref_names if ordered else sorted(ref_names)):
            self.diff(obj, field + " names", ours_names, ref_names)
            return
        ref_by = {c.get("name"): c for c in ref}
        for c in ours:
            c = dict(c)
            where = "%s %s" % (field, c.get("name"))
            if native_init:
                mounts = c.get("volumeMounts") or []
                kept = [m for m in mounts if m.get("name") != RESOLV_VOLUME]
                if len(kept) == len(mounts):
                    self.diff(obj, where + ".volumeMounts resolv-conf",
                              MISSING, "(not needed: regular sidecar)")
                else:
                    self.note("%s: %s mounts resolv-conf (native sidecar)"
                              % (obj, where))
                c.pop("volumeMounts", None)
                if kept:
                    c["volumeMounts"] = kept
            self.container(obj, where, c, ref_by[c.get("name")])

    def container(self, obj, where, ours, ref):
        ours, ref = self.norm(dict(ours)), self.norm(dict(ref))
        for c in (ours, ref):
            if "volumeMounts" in c:
                c["volumeMounts"] = sorted(
                    c["volumeMounts"] or [],
                    key=lambda m: str(m.get("mountPath")))
        self.deep("%s, %s" % (obj, where), "", ours, ref)


class Missing:
    def __repr__(self):
        return "(absent)"


MISSING = Missing()


def show(value):
    if value is MISSING:
        return "(absent)"
    return json.dumps(value, sort_keys=True, default=str)


def pop_named(items, name):
    for i, item in enumerate(items):
        if item.get("name") == name:
            return dict(items.pop(i))
    return None


def by_name(items):
    return {v.get("name"): v for v in items or []}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def release_of(docs):
    """The release: the instance label of agent-env's workloads."""
    for doc in docs:
        labels = (doc.get("metadata") or {}).get("labels") or {}
        if doc.get("kind") in WORKLOAD_TEMPLATES and INSTANCE in labels:
            return labels[INSTANCE]
    return "my-release"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: refcompare.py OURS.yaml AGENTENV.yaml\n")
        return 2
    try:
        ours, ref = load(argv[1]), load(argv[2])
    except (OSError, yaml.YAMLError) as e:
        sys.stderr.write("refcompare.py: %s\n" % e)
        return 2
    cmp = Compare(release_of(ref))
    cmp.objects(ours, ref)
    for line in cmp.notes + cmp.diffs:
        print(line)
    return 1 if cmp.diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
