#!/usr/bin/python3
"""dns_digest.py STREAM.yaml

Check, with an independent reader (PyYAML and hashlib), that every pod
template agentenv-post injected (it carries agentenv.io/injected) carries
agentenv.io/dns-config-digest, and that it is the digest of the data of the
two ConfigMaps its coredns-config and resolv-conf volumes mount, found in
the stream (a Job's, whose pod template is immutable, carries none): SHA-256 of "Corefile" NUL <Corefile> NUL "resolv.conf" NUL
<resolv.conf> NUL, in lower-case hex (README: "Upgrades"). Prints one line
per pod template that fails and exits 1 then; exit 2 when the stream does
not parse.
"""

import hashlib
import sys

import yaml

TEMPLATES = {
    "Pod": [], "Deployment": ["spec", "template"],
    "StatefulSet": ["spec", "template"], "DaemonSet": ["spec", "template"],
    "ReplicaSet": ["spec", "template"],
    "ReplicationController": ["spec", "template"],
    "Job": ["spec", "template"],
    "CronJob": ["spec", "jobTemplate", "spec", "template"],
    "Rollout": ["spec", "template"],
}
DIGEST = "agentenv.io/dns-config-digest"
MOUNTS = (("coredns-config", "Corefile"), ("resolv-conf", "resolv.conf"))


def objects(docs):
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        if doc.get("kind") == "List":
            yield from objects(doc.get("items") or [])
        else:
            yield doc


def digest(pairs):
    h = hashlib.sha256()
    for key, value in pairs:
        h.update(key.encode() + b"\0" + value.encode() + b"\0")
    return h.hexdigest()


def main():
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            docs = list(yaml.load_all(f, Loader=getattr(
                yaml, "CSafeLoader", yaml.SafeLoader)))
    except (OSError, yaml.YAMLError) as e:
        print("dns_digest.py: %s" % e)
        return 2
    objs = list(objects(docs))
    configmaps = {(o.get("metadata") or {}).get("name"): o.get("data") or {}
                  for o in objs if o.get("kind") == "ConfigMap"}
    wrong = []
    for obj in objs:
        if obj.get("kind") not in TEMPLATES:
            continue
        tpl = obj
        for step in TEMPLATES[obj["kind"]]:
            tpl = (tpl or {}).get(step) or {}
        annotations = (tpl.get("metadata") or {}).get("annotations") or {}
        if "agentenv.io/injected" not in annotations:
            continue
        if obj["kind"] == "Job":   # immutable template: none (README)
            if DIGEST in annotations:
                wrong.append("Job/%s: %s on an immutable pod template"
                             % ((obj.get("metadata") or {}).get("name"),
                                DIGEST))
            continue
        what = "%s/%s" % (obj["kind"], (obj.get("metadata") or {}).get("name"))
        volumes = {v.get("name"): v for v in
                   (tpl.get("spec") or {}).get("volumes") or []}
        pairs = []
        for volume, key in MOUNTS:
            name = ((volumes.get(volume) or {}).get("configMap") or {}) \
                .get("name")
            if name not in configmaps or key not in configmaps[name]:
                wrong.append("%s: volume %s: no ConfigMap %r with %s in the "
                             "stream" % (what, volume, name, key))
                break
            pairs.append((key, configmaps[name][key]))
        else:
            want = digest(pairs)
            if annotations.get(DIGEST) != want:
                wrong.append("%s: %s is %r, the ConfigMaps' digest %s"
                             % (what, DIGEST, annotations.get(DIGEST), want))
    for line in wrong:
        print(line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
