#!/usr/bin/python3
"""pods_sandboxed.py [--namespace NS] [--allow-empty] STREAM.yaml

An independent reader (PyYAML, none of agentenv-post's code) of a
post-rendered stream, reading it as Helm's client and the cluster do:

- the stream is split where Kubernetes' YAMLReader splits it: at every
  line that starts with "---" (not only where YAML does);
- PyYAML expands anchors and aliases, as the API server's reader does;
- any object with an "items" list is a list, whatever its kind: Helm's
  client (cli-runtime, Unstructured + Flatten) creates its items instead;
- controllers make pods from a pod template of the kind table, and from
  container specs in any shape elsewhere (containers, a single container,
  script, steps, sidecars: any mapping with an image).

It asserts that every pod leaves sandboxed or deliberately opted out:
each pod template of a table kind either carries agentenv.io/inject:
"false" (on the template or the workload) or has our record, the
agentenv.io/sandbox label, our CoreDNS sidecar and a runtime class
(unless CLUSTER_DEFAULT was asked for), no host namespace, no hostPort,
and no volume the node mounts over the network unless host-access; an
opted-out pod carries no sandbox label; every container spec outside the
table is in an opted-out object; and that no object of the classes that
widen a sandbox passes unvouched: a mutating admission object that can
reach pods, a RuntimeClass, a Service with externalIPs, an object in
another namespace (with --namespace). Prints one line per problem and
exits 1 then (also when there is no pod template at all, unless
--allow-empty); exit 2 when the stream does not parse.
"""

import re
import sys

import yaml

# kind -> path to the pod template (empty: the object is the pod)
TEMPLATES = {
    "Pod": [], "Deployment": ["spec", "template"],
    "StatefulSet": ["spec", "template"], "DaemonSet": ["spec", "template"],
    "ReplicaSet": ["spec", "template"],
    "ReplicationController": ["spec", "template"],
    "Job": ["spec", "template"],
    "CronJob": ["spec", "jobTemplate", "spec", "template"],
    "Rollout": ["spec", "template"],
}

# Volumes the node mounts over its own network: egress outside Cilium.
NETWORK_VOLUMES = {
    "nfs", "iscsi", "rbd", "cephfs", "glusterfs", "fc", "azureFile",
    "quobyte", "flocker", "portworxVolume", "scaleIO", "storageos",
    "cinder", "vsphereVolume", "photonPersistentDisk", "flexVolume", "csi",
    "image", "gitRepo",
}

# Resources a mutating webhook must not reach: pods and what makes them.
POD_RESOURCES = {
    "pods", "deployments", "statefulsets", "daemonsets", "replicasets",
    "replicationcontrollers", "jobs", "cronjobs", "*", "*/*",
}

# Kubernetes' namespace-less kinds, and the ones that only grant rights.
NO_NAMESPACE = {
    "Namespace", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "PersistentVolume", "StorageClass",
    "PriorityClass", "IngressClass", "APIService",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "RuntimeClass", "CiliumClusterwideNetworkPolicy", "Role", "RoleBinding",
}

KEEP_ADMISSION = "agentenv.io/keep-admission"


def split_as_kubernetes(text):
    """Documents where apimachinery's YAMLReader splits: any '---' line."""
    return re.split(r"(?m)^---.*\n?", text)


def objects(docs):
    """What Helm's client creates: lists flattened, whatever their kind."""
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        if isinstance(doc.get("items"), list):
            yield from (i for i in doc["items"] if isinstance(i, dict))
        else:
            yield doc


def meta(obj):
    return (obj or {}).get("metadata") or {}


def annotation(obj, key):
    return (meta(obj).get("annotations") or {}).get(key)


def name_of(obj):
    return "%s/%s" % (obj.get("kind"), meta(obj).get("name"))


def opted_out(*objs):
    return "false" in [annotation(o, "agentenv.io/inject") for o in objs]


def sandbox_labels(labels):
    return [k for k in labels if k.startswith("agentenv.io/") or
            k.startswith("aisi.gov.uk/network-")]


def pod_problems(obj):
    tpl = obj
    for step in TEMPLATES[obj.get("kind")]:
        tpl = (tpl or {}).get(step) or {}
    labels = meta(tpl).get("labels") or {}
    if opted_out(tpl, obj):
        return ["opted out but labelled %s" % k
                for k in sandbox_labels(labels)]
    spec = tpl.get("spec") or {}
    containers = spec.get("containers") or []
    inits = spec.get("initContainers") or []
    wrong = []
    if not annotation(tpl, "agentenv.io/injected"):
        wrong.append("no agentenv.io/injected record")
    if labels.get("agentenv.io/sandbox") != "true":
        wrong.append("no agentenv.io/sandbox label")
    sidecar = [c for c in containers if c.get("name") == "coredns"] or \
        [c for c in inits[:1] if c.get("name") == "coredns" and
         c.get("restartPolicy") == "Always"]
    if not sidecar:
        wrong.append("no coredns sidecar")
    cluster_default = "CLUSTER_DEFAULT" in (
        (annotation(tpl, "agentenv.io/runtime-class") or "") +
        (annotation(obj, "agentenv.io/runtime-class") or "") +
        (annotation(tpl, "agentenv.io/injected") or ""))
    if not spec.get("runtimeClassName") and not cluster_default:
        wrong.append("no runtimeClassName (and CLUSTER_DEFAULT not asked)")
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag):
            wrong.append(flag)
    for c in containers + inits + (spec.get("ephemeralContainers") or []):
        for p in c.get("ports") or []:
            if isinstance(p, dict) and p.get("hostPort"):
                wrong.append("hostPort in %s" % c.get("name"))
    host_access = "true" in (annotation(tpl, "agentenv.io/host-access"),
                             annotation(obj, "agentenv.io/host-access"))
    under_gvisor = spec.get("runtimeClassName") == "gvisor"
    for v in spec.get("volumes") or []:
        kinds = NETWORK_VOLUMES.intersection(
            k for k in (v or {}) if v[k] is not None)
        if kinds and not (host_access and under_gvisor):
            wrong.append("volume %s mounted by the node (%s)" %
                         (v.get("name"), ", ".join(sorted(kinds))))
    return wrong


def container_specs(node, path="(the object)"):
    """Paths of container specs in any shape a controller reads."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from container_specs(item, "%s[%d]" % (path, i))
    elif isinstance(node, dict):
        if isinstance(node.get("containers"), list) or \
                isinstance(node.get("image"), str):
            yield path
            return
        for k, v in node.items():
            yield from container_specs(v, "%s.%s" % (path, k))


# The API groups of the pod-making kinds Kubernetes itself serves.
POD_GROUPS = {"", "apps", "batch", "extensions", "*"}


def reaches_pods(rule):
    """A rule matches pods, or kinds that make them (no rule: anything)."""
    groups = set(rule.get("apiGroups") or ["*"])
    resources = {r.split("/")[0] if r != "*/*" else r
                 for r in rule.get("resources") or ["*"]}
    operations = set(rule.get("operations") or ["*"])
    return bool(groups & POD_GROUPS) and \
        bool(resources & POD_RESOURCES) and \
        bool(operations & {"CREATE", "UPDATE", "*"})


def object_problems(obj, namespace):
    kind = obj.get("kind")
    wrong = []
    vouched = annotation(obj, KEEP_ADMISSION) == "true"
    group = str(obj.get("apiVersion", "")).split("/")[0]
    if kind == "MutatingWebhookConfiguration" and not vouched and \
            group == "admissionregistration.k8s.io":
        for w in obj.get("webhooks") or []:
            rules = w.get("rules") or [{}]
            if any(reaches_pods(r or {}) for r in rules):
                wrong.append("mutating webhook %s reaches pods" %
                             w.get("name"))
    if kind == "MutatingAdmissionPolicy" and not vouched:
        rules = ((obj.get("spec") or {}).get("matchConstraints") or {}) \
            .get("resourceRules") or [{}]
        if any(reaches_pods(r or {}) for r in rules):
            wrong.append("mutating admission policy reaches pods")
    if kind == "RuntimeClass" and group == "node.k8s.io" and not vouched:
        wrong.append("unvouched RuntimeClass")
    if kind == "Service" and (obj.get("spec") or {}).get("externalIPs"):
        wrong.append("externalIPs")
    ns = meta(obj).get("namespace")
    if namespace and ns and ns != namespace and kind not in NO_NAMESPACE:
        wrong.append("in namespace %s, not %s" % (ns, namespace))
    if kind not in TEMPLATES and kind not in ("ConfigMap", "Secret") and \
            not opted_out(obj):
        for path in container_specs(obj):
            wrong.append("container spec at %s outside the kind table" %
                         path)
    return wrong


def main(argv):
    namespace, allow_empty, args = None, False, argv[1:]
    while args and args[0].startswith("--"):
        if args[0] == "--namespace" and len(args) > 1:
            namespace, args = args[1], args[2:]
        elif args[0] == "--allow-empty":
            allow_empty, args = True, args[1:]
        else:
            break
    if len(args) != 1:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            docs = [yaml.safe_load(part)
                    for part in split_as_kubernetes(f.read())]
    except (OSError, yaml.YAMLError) as e:
        print("pods_sandboxed.py: %s" % e, file=sys.stderr)
        return 2
    bad = pods = 0
    for obj in objects(docs):
        wrong = object_problems(obj, namespace)
        if obj.get("kind") in TEMPLATES:
            pods += 1
            wrong += pod_problems(obj)
        if wrong:
            bad += 1
            print("%s: %s" % (name_of(obj), ", ".join(wrong)))
    if not pods and not allow_empty:
        print("no pod templates at all")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
