#!/usr/bin/python3
"""pods_sandboxed.py STREAM.yaml

Check, with an independent reader (PyYAML), that every pod a post-rendered
stream would create leaves sandboxed or deliberately opted out: each pod
template of a workload kind (Lists followed) either carries
agentenv.io/inject: "false" (on the template or the workload) or has the
record of our injection, the agentenv.io/sandbox label, our CoreDNS
sidecar (a container, or a native sidecar first among the init
containers) and a runtime class (unless CLUSTER_DEFAULT was asked for),
no host namespace, no hostPort, and no volume the node mounts over its
network unless agentenv.io/host-access asks for it under gVisor. Prints one line per pod template that is neither
and exits 1 then (also when there is no pod template at all); exit 2
when the stream does not parse.
"""

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

# Volume sources the node mounts or fetches over its own network.
NODE_NETWORK = {
    "nfs", "iscsi", "rbd", "cephfs", "glusterfs", "fc", "azureFile",
    "quobyte", "flocker", "portworxVolume", "scaleIO", "storageos",
    "cinder", "vsphereVolume", "photonPersistentDisk", "flexVolume", "csi",
    "image", "gitRepo",
}


def objects(docs):
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        if doc.get("kind") == "List":
            yield from objects(doc.get("items") or [])
        else:
            yield doc


def annotation(obj, key):
    return ((obj.get("metadata") or {}).get("annotations") or {}).get(key)


def problems(obj):
    kind = obj.get("kind")
    tpl = obj
    for step in TEMPLATES[kind]:
        tpl = (tpl or {}).get(step) or {}
    if "false" in (annotation(tpl, "agentenv.io/inject"),
                   annotation(obj, "agentenv.io/inject")):
        return []
    meta = tpl.get("metadata") or {}
    spec = tpl.get("spec") or {}
    labels = meta.get("labels") or {}
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
    for lst in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(lst) or []:
            if any(p.get("hostPort") for p in c.get("ports") or []):
                wrong.append("hostPort in %s" % c.get("name"))
    host_access = "true" in (annotation(tpl, "agentenv.io/host-access"),
                             annotation(obj, "agentenv.io/host-access"))
    if not (host_access and spec.get("runtimeClassName") == "gvisor"):
        for v in spec.get("volumes") or []:
            for key in NODE_NETWORK & set(k for k in v if v[k] is not None):
                wrong.append("%s volume %s" % (key, v.get("name")))
    return wrong


def main():
    if len(sys.argv) != 2:
        print("usage: pods_sandboxed.py STREAM.yaml", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            docs = list(yaml.safe_load_all(f))
    except (OSError, yaml.YAMLError) as e:
        print("pods_sandboxed.py: %s" % e, file=sys.stderr)
        return 2
    bad = 0
    pods = 0
    for obj in objects(docs):
        if obj.get("kind") not in TEMPLATES:
            continue
        pods += 1
        wrong = problems(obj)
        if wrong:
            bad += 1
            print("%s/%s: %s" % (obj.get("kind"),
                                 (obj.get("metadata") or {}).get("name"),
                                 ", ".join(wrong)))
    if not pods:
        print("no pod templates at all")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
