#!/usr/bin/python3
"""policy_eval.py STREAM.yaml EXPLAIN.json [ARGS-FILE [VALUES.yaml]]

Derive what the sandbox allows from the CiliumNetworkPolicies agentenv-post
emitted into STREAM.yaml (its normal output) and compare it with what
`agentenv-post --explain --format json` says (EXPLAIN.json) for the same
input and options. Exit 0 when they agree; 1 with the differences on
stdout; 2 when the stream holds a rule form this evaluator does not know
(it refuses to guess rather than pass).

A small evaluator over the rule forms agentenv-post emits, written from
Cilium's semantics, not from agentenv-post's code:
  - a policy applies to the pods its endpointSelector.matchLabels selects
    (the labels of the pod templates in the stream, whatever keys the
    selector uses; io.kubernetes.pod.namespace is the pod's namespace);
  - an endpoint selected by a policy with an ingress (egress) section
    allows only what some rule allows; allow rules are OR-ed;
  - ingressDeny / egressDeny beat any allow;
  - a connection from pod A to pod B needs an egress allow of A towards B
    and an ingress allow of B from A; the ports are their intersection;
  - entities all / cluster match in-cluster pods (all / world an
    address on the internet); toFQDNs, toCIDR and the other entities
    match no pod;
  - a toEndpoints rule with rules.dns is the DNS rule: its matchPatterns
    are the names the pod may look up (those under .svc.cluster.local, in
    order, are the namespace's names at each depth; see
    resolve_eval.py for what they match).
The policies agentenv-post generated (label agentenv.io/generated) are
evaluated, and the chart's kept ones (agentenv.io/keep-policy: "true"):
CiliumNetworkPolicies in the same rule forms, and NetworkPolicies
(podSelector peers, numbered ports) read into those forms as Kubernetes
defines them (no peers: everyone, the entity all; policyTypes defaulted).
Their egress is --explain's scope "kept" with the policy's "Kind/name";
their entities lift DNS filtering as the sandbox's do (cluster, host and
all reach kube-dns at L3; world any DNS server on the internet).
The chart's Services of type NodePort or LoadBalancer are matched the way
Kubernetes does (spec.selector, every label equal, no selector: no pod)
against the sandboxed pods' labels in the stream: each pair must be in
--explain's exposed_by, with the Service's ports, and only_open_ports when
every port's targetPort (its port when absent) is reachable from outside on
every pod it selects.

From outside: two peers no sandbox selector names, an address on the
internet (the entities world and all) and a pod of another namespace (the
entities cluster and all), must each reach exactly the ports --explain
calls open_to_anyone, without ICMP. With ARGS-FILE (the case's options, one
a line) those are also derived from what asked for them, read here: each
pod's agentenv.io/allow-ingress annotation (its pod template's, else its
workload's) and, on pods labelled inspect/service, the --allow-ingress
options and VALUES.yaml's allowIngressPorts. Opening ports must not change
egress: every pod's egress and DNS facts are the same without the policies
that admit the world.
"""
import json
import re
import sys

import yaml

GENERATED_LABEL = "agentenv.io/generated"
NAMESPACE_KEY = "io.kubernetes.pod.namespace"
DNS_LIFTING_ENTITIES = {"cluster", "host", "all", "world"}
ALL = "all"


class Unsupported(Exception):
    """A rule form the evaluator does not know: never guess."""


def check_keys(obj, allowed, where):
    if not isinstance(obj, dict):
        raise Unsupported(f"{where}: not a mapping: {obj!r}")
    extra = set(obj) - set(allowed)
    if extra:
        raise Unsupported(f"{where}: unknown keys {sorted(extra)}")


# --- pods ---------------------------------------------------------------

def pod_templates(doc):
    """(kind, name, pod template) of every workload in a document."""
    if not isinstance(doc, dict):
        return
    kind = doc.get("kind")
    name = (doc.get("metadata") or {}).get("name")
    if isinstance(doc.get("items"), list):  # any list, as Helm's client
        for item in doc["items"]:
            yield from pod_templates(item)
        return
    spec = doc.get("spec") or {}
    if kind == "Pod":
        yield kind, name, doc
    elif isinstance(spec.get("template"), dict):
        yield kind, name, spec["template"]
    elif isinstance(spec.get("jobTemplate"), dict):
        template = (spec["jobTemplate"].get("spec") or {}).get("template")
        if isinstance(template, dict):
            yield kind, name, template


class Pod:
    entities = frozenset({"cluster", "all"})

    def __init__(self, service, labels, namespace, annotations=None):
        self.service = service
        self.labels = {str(k): str(v) for k, v in labels.items()}
        self.namespace = namespace
        self.annotations = annotations or {}


class Outside:
    """A peer outside the release: no endpoint selector of ours names it."""

    def __init__(self, entities, namespace):
        self.is_endpoint = namespace is not None  # a pod, not an address
        self.entities = frozenset(entities)
        self.labels = {}
        self.namespace = namespace


WORLD = Outside({"world", "all"}, None)
OTHER_NAMESPACE_POD = Outside({"cluster", "all"}, "elsewhere")


def selects(selector, pod, where):
    """A Cilium endpoint selector (matchLabels only) against a pod."""
    check_keys(selector, {"matchLabels"}, where)
    for key, value in (selector.get("matchLabels") or {}).items():
        if key == NAMESPACE_KEY:
            if pod.namespace is None or str(value) != pod.namespace:
                return False
        elif pod.labels.get(key) != str(value):
            return False
    return True


# --- ports --------------------------------------------------------------

def rule_ports(rule, where):
    """ALL, or a set of (port, protocol), and the L7 parts, of toPorts."""
    if "toPorts" not in rule:
        return ALL, []
    ports = set()
    entries = []
    for n, entry in enumerate(rule["toPorts"]):
        w = f"{where}.toPorts[{n}]"
        check_keys(entry, {"ports", "serverNames", "rules"}, w)
        items = []
        for p in entry.get("ports") or []:
            check_keys(p, {"port", "protocol"}, w)
            item = (int(p["port"]), p.get("protocol", "ANY"))
            ports.add(item)
            items.append(item)
        entries.append((items, entry))
    return ports, entries


def intersect(a, b):
    if a == ALL:
        return b
    if b == ALL:
        return a
    out = set()
    for port, proto in a:
        for port2, proto2 in b:
            if port != port2:
                continue
            if proto == proto2 or proto2 == "ANY":
                out.add((port, proto))
            elif proto == "ANY":
                out.add((port, proto2))
    return out


def union(a, b):
    if a == ALL or b == ALL:
        return ALL
    return a | b


# --- the policies -------------------------------------------------------

KEEP_ANNOTATION = "agentenv.io/keep-policy"


def kept(doc):
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    return str(annotations.get(KEEP_ANNOTATION)) == "true"


def network_policy_spec(doc, where):
    """A NetworkPolicy's spec in the CiliumNetworkPolicy forms above."""
    spec = doc.get("spec") or {}
    check_keys(spec, {"podSelector", "policyTypes", "ingress", "egress"},
               where)
    types = spec.get("policyTypes") or \
        ["Ingress"] + (["Egress"] if spec.get("egress") else [])
    out = {"endpointSelector": spec.get("podSelector") or {}}
    for kind, section, peers_key, prefix in (
            ("Ingress", "ingress", "from", "from"),
            ("Egress", "egress", "to", "to")):
        if kind not in types:
            continue
        rules = []
        for n, rule in enumerate(spec.get(section) or []):
            w = f"{where} {section}[{n}]"
            check_keys(rule, {peers_key, "ports"}, w)
            cilium = {}
            peers = rule.get(peers_key) or []
            if not peers:
                cilium[prefix + "Entities"] = [ALL]
            for peer in peers:
                check_keys(peer, {"podSelector"}, w)
                cilium.setdefault(prefix + "Endpoints", []).append(
                    peer["podSelector"] or {})
            ports = []
            for port in rule.get("ports") or []:
                check_keys(port, {"port", "protocol"}, w)
                if not isinstance(port.get("port"), int):
                    raise Unsupported(f"{w}: a port that is no number")
                ports.append({"port": str(port["port"]),
                              "protocol": port.get("protocol", "TCP")})
            if ports:
                cilium["toPorts"] = [{"ports": ports}]
            rules.append(cilium)
        out[section] = rules
    return out


class Policy:
    def __init__(self, doc, n):
        name = (doc.get('metadata') or {}).get('name')
        self.where = f"document {n} ({doc['kind']}/{name})"
        self.kept = f"{doc['kind']}/{name}" if kept(doc) else None
        spec = doc.get("spec") or {}
        if doc["kind"] == "NetworkPolicy":
            spec = network_policy_spec(doc, self.where + " spec")
        check_keys(spec, {"description", "endpointSelector", "ingress",
                          "egress", "ingressDeny", "egressDeny"},
                   self.where + " spec")
        self.selector = spec.get("endpointSelector")
        self.sections = {k: spec[k] for k in
                         ("ingress", "egress", "ingressDeny", "egressDeny")
                         if k in spec}

    def applies(self, pod):
        return selects(self.selector, pod, self.where + " endpointSelector")


EGRESS_KEYS = {"toEndpoints", "toEntities", "toCIDR", "toFQDNs", "toPorts",
               "icmps"}
INGRESS_KEYS = {"fromEndpoints", "fromEntities", "toPorts", "icmps"}


def peer_matches(rule, direction, peer, where):
    """Whether an ingress/egress rule's peer part matches an in-cluster pod."""
    ends = rule.get(f"{direction}Endpoints") or []
    if getattr(peer, "is_endpoint", True) and \
            any(selects(s, peer, where) for s in ends):
        return True
    return bool(set(rule.get(f"{direction}Entities") or []) & peer.entities)


def allowed(policies, section, pod, peer, direction):
    """Ports (ALL / set) and ICMP that pod's `section` rules allow to peer.
    None when no policy selecting pod has that section (default allow)."""
    ports, icmp, enforced = set(), False, False
    for pol in policies:
        if section not in pol.sections or not pol.applies(pod):
            continue
        enforced = True
        for n, rule in enumerate(pol.sections[section] or []):
            w = f"{pol.where} {section}[{n}]"
            check_keys(rule, EGRESS_KEYS if direction == "to" else
                       INGRESS_KEYS, w)
            if not peer_matches(rule, direction, peer, w):
                continue
            if "icmps" in rule:
                icmp = True
                continue
            rp, _ = rule_ports(rule, w)
            ports = union(ports, rp)
            if rp == ALL:
                icmp = True
    if not enforced:
        return ALL, True
    return ports, icmp


def denied(policies, section, pod, peer, direction):
    for pol in policies:
        if section not in pol.sections or not pol.applies(pod):
            continue
        for n, rule in enumerate(pol.sections[section] or []):
            w = f"{pol.where} {section}[{n}]"
            check_keys(rule, {f"{direction}Endpoints", f"{direction}Entities",
                              "toPorts"}, w)
            if "toPorts" in rule:
                raise Unsupported(f"{w}: a deny limited to ports")
            if peer_matches(rule, direction, peer, w):
                return True
    return False


def egress_denied_entirely(policies, pod):
    """egressDeny to entity all: the pod sends nothing at all."""
    for pol in policies:
        if "egressDeny" in pol.sections and pol.applies(pod):
            for rule in pol.sections["egressDeny"] or []:
                if "all" in (rule.get("toEntities") or []) and \
                        "toPorts" not in rule:
                    return True
    return False


def reach(policies, a, b):
    """(ports, icmp) a may use towards b; None when nothing."""
    if denied(policies, "egressDeny", a, b, "to") or \
            denied(policies, "ingressDeny", b, a, "from"):
        return None
    e_ports, e_icmp = allowed(policies, "egress", a, b, "to")
    i_ports, i_icmp = allowed(policies, "ingress", b, a, "from")
    ports = intersect(e_ports, i_ports)
    icmp = e_icmp and i_icmp
    if ports != ALL and not ports and not icmp:
        return None
    return ports, icmp


def reach_from_outside(policies, pod, peer):
    """(ports, icmp) peer may open to pod: its ingress side alone (the
    peer's own egress is no policy of ours); None when nothing."""
    if denied(policies, "ingressDeny", pod, peer, "from"):
        return None
    ports, icmp = allowed(policies, "ingress", pod, peer, "from")
    if ports != ALL and not ports and not icmp:
        return None
    return ports, icmp


def admits_world(pol):
    return any(set(r.get("fromEntities") or []) & WORLD.entities
               for r in (pol.sections.get("ingress") or []))


def parse_ingress_port(text):
    """PORT[/PROTOCOL] as allow-ingress takes it: (port, PROTOCOL)."""
    port, _, proto = str(text).strip().partition("/")
    proto = (proto or "TCP").upper()
    if not re.fullmatch(r"[1-9][0-9]{0,4}", port) or int(port) > 65535 or \
            proto not in ("TCP", "UDP", "SCTP"):
        raise Unsupported(f"allow-ingress item {text!r} was accepted")
    return int(port), proto


def asked_open(pods, args_path, values_path):
    """service -> set of (port, protocol) opened to anyone, as asked."""
    release = set()
    with open(args_path, encoding="utf-8") as f:
        args = [line.rstrip("\n") for line in f]
    for n, arg in enumerate(args):
        if arg == "--allow-ingress" and n + 1 < len(args):
            release.add(parse_ingress_port(args[n + 1]))
        elif arg.startswith("--allow-ingress="):
            release.add(parse_ingress_port(arg.split("=", 1)[1]))
    if values_path:
        with open(values_path, encoding="utf-8") as f:
            values = yaml.safe_load(f) or {}
        for item in values.get("allowIngressPorts") or []:
            text = str(item["port"])
            if item.get("protocol") is not None:
                text += "/" + str(item["protocol"])
            release.add(parse_ingress_port(text))
    out = {}
    for pod in pods:
        ports = set()
        value = pod.annotations.get("agentenv.io/allow-ingress")
        if value is not None:
            ports |= {parse_ingress_port(item.strip().strip("'\""))
                      for item in str(value).split(",")}
        if "inspect/service" in pod.labels:
            ports |= release
        out[pod.service] = ports
    return out


HOST_RE = re.compile(r"^\(\?i\)\^(.*)\(:\[0-9\]\+\)\?\$$")


def host_glob(regex, where):
    """Our anchored Host regex back to the domain glob it was built from."""
    m = HOST_RE.match(regex)
    if not m:
        raise Unsupported(f"{where}: HTTP host {regex!r} is not of our form")
    glob = m.group(1).replace("[.]", ".").replace("[^.]+", "*")
    if re.search(r"[\[\]()^$+?\\|]", glob):
        raise Unsupported(f"{where}: HTTP host {regex!r} is not of our form")
    return glob


def outside(policies, pod, release_wide):
    """(egress items, dns facts) of pod beyond the release's pods."""
    items, dns_names, cluster = set(), set(), []
    lifted = set()
    if egress_denied_entirely(policies, pod):
        return items, {"cluster": None, "cluster_patterns": (),
                       "names": set(), "lifted": set()}
    for pol in policies:
        if "egress" not in pol.sections or not pol.applies(pod):
            continue
        scope = "kept" if pol.kept else \
            "release" if release_wide(pol) else "service"
        for n, rule in enumerate(pol.sections["egress"] or []):
            w = f"{pol.where} egress[{n}]"
            ports, entries = rule_ports(rule, w)
            if "toFQDNs" in rule:
                names = []
                for m in rule["toFQDNs"]:
                    check_keys(m, {"matchPattern"}, w)
                    names.append(m["matchPattern"])
                names = frozenset(names)
                if ports == ALL:
                    items.add(("domains", scope, names, None, None, None,
                               None, pol.kept))
                for plist, entry in entries:
                    check = check_names = None
                    if "serverNames" in entry:
                        check = "tls-sni"
                        check_names = frozenset(entry["serverNames"])
                    rules = entry.get("rules") or {}
                    check_keys(rules, {"http"}, w)
                    if "http" in rules:
                        if check:
                            raise Unsupported(f"{w}: SNI and HTTP at once")
                        check = "http-host"
                        hosts = []
                        for h in rules["http"]:
                            check_keys(h, {"host"}, w)
                            hosts.append(host_glob(h["host"], w))
                        check_names = frozenset(hosts)
                    for port, proto in plist:
                        items.add(("domains", scope, names, port, proto,
                                   check, check_names, pol.kept))
            for kind, key in (("entity", "toEntities"), ("cidr", "toCIDR")):
                for name in rule.get(key) or []:
                    if ports != ALL:
                        raise Unsupported(f"{w}: {key} limited to ports")
                    items.add((kind, scope, frozenset([name]), None, None,
                               None, None, pol.kept))
                    if kind == "entity" and name in DNS_LIFTING_ENTITIES:
                        lifted.add(name)
            if pol.kept and rule.get("toEndpoints"):
                raise Unsupported(f"{w}: a kept policy's egress to pods")
            for plist, entry in entries:
                rules = entry.get("rules") or {}
                if "dns" not in rules:
                    continue
                if not rule.get("toEndpoints"):
                    raise Unsupported(f"{w}: a DNS rule not to endpoints")
                for d in rules["dns"]:
                    check_keys(d, {"matchPattern"}, w)
                    pattern = d["matchPattern"]
                    if pattern.endswith(".svc.cluster.local"):
                        if pattern not in cluster:
                            cluster.append(pattern)
                    else:
                        dns_names.add(pattern)
    return items, {"cluster": cluster[0] if cluster else None,
                   "cluster_patterns": tuple(cluster), "names": dns_names,
                   "lifted": lifted}


# --- the two sides --------------------------------------------------------

def norm_ports(ports):
    if ports == ALL or ports == "all":
        return "all"
    if isinstance(ports, list):
        ports = {(p["port"], p["protocol"]) for p in ports}
    return tuple(sorted(ports))


def services(doc):
    """Every core Service in a document (the items of any list too)."""
    if not isinstance(doc, dict):
        return
    if isinstance(doc.get("items"), list):
        for item in doc["items"]:
            yield from services(item)
    if doc.get("kind") == "Service" and doc.get("apiVersion") == "v1":
        yield doc


def service_ports(spec):
    ports = []
    for p in spec.get("ports") or []:
        text = f"{p.get('port')}/{p.get('protocol', 'TCP')}"
        if p.get("nodePort") is not None:
            text += f" (node port {p['nodePort']})"
        ports.append(text)
    return tuple(ports)


def target_ports(spec):
    """Every port's (targetPort or port, protocol); None for a named one."""
    out = set()
    for p in spec.get("ports") or []:
        target = p.get("targetPort", p.get("port"))
        if isinstance(target, str) or not isinstance(target, int):
            return None
        out.add((target, p.get("protocol", "TCP")))
    return out or None


def exposed(docs, pods, namespace, open_ports):
    """(service, Service name, type, ports, only open ports) for every
    exposing pair; open_ports: service -> ports reachable from outside."""
    found = set()
    for doc in docs:
        for svc in services(doc):
            spec = svc.get("spec") or {}
            meta = svc.get("metadata") or {}
            selector = spec.get("selector") or {}
            if spec.get("type") not in ("NodePort", "LoadBalancer") or \
                    not selector:
                continue
            if meta.get("namespace") not in (None, namespace) and \
                    namespace is not None:
                continue
            chosen = [pod for pod in pods
                      if all(pod.labels.get(str(k)) == str(v)
                             for k, v in selector.items())]
            targets = target_ports(spec)
            only_open = targets is not None and all(
                open_ports.get(pod.service) != ALL and
                targets <= open_ports.get(pod.service, set())
                for pod in chosen)
            for pod in chosen:
                found.add((pod.service, meta.get("name"), spec["type"],
                           service_ports(spec), only_open))
    return found


def from_policies(stream_path, explain, args_path=None, values_path=None):
    with open(stream_path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    by_workload = {(s["workload"]["kind"], s["workload"]["name"]): s["name"]
                   for s in explain["services"]}
    pods, policies = [], []
    for n, doc in enumerate(docs, 1):
        if not isinstance(doc, dict):
            continue
        labels = (doc.get("metadata") or {}).get("labels") or {}
        if doc.get("kind") in ("CiliumNetworkPolicy", "NetworkPolicy"):
            if str(labels.get(GENERATED_LABEL)) == "true" or kept(doc):
                policies.append(Policy(doc, n))
            continue
        if doc.get("kind") == "CiliumClusterwideNetworkPolicy" and \
                str(labels.get(GENERATED_LABEL)) == "true":
            raise Unsupported(f"document {n}: a clusterwide policy")
        for kind, name, template in pod_templates(doc):
            service = by_workload.get((kind, name))
            if service is None:
                continue
            meta = template.get("metadata") or {}
            annotations = dict((doc.get("metadata") or {})
                               .get("annotations") or {})
            annotations.update(meta.get("annotations") or {})
            pods.append(Pod(service, meta.get("labels") or {},
                            explain["namespace"], annotations))
    found = {p.service for p in pods}
    missing = sorted(set(by_workload.values()) - found)
    if missing:
        raise Unsupported(f"no pod template in the stream for {missing}")

    def release_wide(pol):
        return all(pol.applies(p) for p in pods)

    facts = {"matrix": set(), "egress": {}, "dns": {}, "open": {},
             "open_kept": {}, "problems": []}
    own = [pol for pol in policies if not pol.kept]
    # The sandbox's policies that open ports to anyone, taken away.
    without_open = [pol for pol in policies
                    if pol.kept or not admits_world(pol)]
    for a in pods:
        # What each kept policy alone lets in from the internet.
        for pol in policies:
            if not pol.kept or "ingress" not in pol.sections or \
                    not pol.applies(a) or \
                    denied(policies, "ingressDeny", a, WORLD, "from"):
                continue
            r = reach_from_outside([pol], a, WORLD)
            if r is not None and r[0] != set():
                facts["open_kept"].setdefault(a.service, set()).add(
                    (pol.kept, norm_ports(r[0])))
        seen = []
        for peer in (WORLD, OTHER_NAMESPACE_POD):
            r = reach_from_outside(own, a, peer)
            seen.append(("none",) if r is None else
                        (norm_ports(r[0]), r[1]))
        if seen[0] != seen[1]:
            facts["problems"].append(
                f"service {a.service}: the internet reaches {seen[0]}, "
                f"a pod of another namespace {seen[1]}")
        if seen[0][0] == "none":
            facts["open"][a.service] = ((), False)
        else:
            facts["open"][a.service] = seen[0]
        for pol in own:
            if admits_world(pol) and pol.applies(a) and \
                    set(pol.sections) != {"ingress"}:
                facts["problems"].append(
                    f"{pol.where}: admits the world and has "
                    f"{sorted(set(pol.sections) - {'ingress'})}")
        if outside(policies, a, lambda p: True) != \
                outside(without_open, a, lambda p: True):
            facts["problems"].append(
                f"service {a.service}: the policies that admit the world "
                f"change its egress")
    if args_path:
        for svc, ports in sorted(asked_open(pods, args_path,
                                            values_path).items()):
            got = facts["open"][svc][0]
            if got != tuple(sorted(ports)):
                facts["problems"].append(
                    f"service {svc}: asked to open {sorted(ports)} to "
                    f"anyone, the policies open {got}")
    open_sets = {svc: (ALL if p == "all" else set(p))
                 for svc, (p, _) in facts["open"].items()}
    facts["exposed"] = exposed(docs, pods, explain["namespace"], open_sets)
    for a in pods:
        for b in pods:
            r = reach(policies, a, b)
            if r:
                facts["matrix"].add((a.service, b.service, norm_ports(r[0]),
                                     r[1]))
        items, dns = outside(policies, a, release_wide)
        facts["egress"][a.service] = items
        facts["dns"][a.service] = dns
    return facts


def from_explain(explain):
    facts = {"matrix": set(), "egress": {}, "dns": {}, "exposed": set(),
             "open": {}}
    for m in explain["matrix"]:
        facts["matrix"].add((m["from"], m["to"], norm_ports(m["ports"]),
                             m["icmp_echo"]))
    facts["open_kept"] = {}
    for s in explain["services"]:
        for o in s.get("open_to_anyone_kept", []):
            facts["open_kept"].setdefault(s["name"], set()).add(
                (o["policy"], norm_ports(o["ports"])))
        items = set()
        for e in s["egress"]:
            names = frozenset(e["names"])
            items.add((e["kind"], e["scope"], names, e["port"],
                       e["protocol"], e["check"],
                       names if e["check"] else None, e.get("policy")))
        facts["egress"][s["name"]] = items
        for e in s["exposed_by"]:
            facts["exposed"].add((s["name"], e["service"], e["type"],
                                  tuple(e["ports"]), e["only_open_ports"]))
        facts["open"][s["name"]] = (
            norm_ports(s.get("open_to_anyone", [])), False)
        facts["dns"][s["name"]] = {
            "cluster": s["dns"]["cluster"],
            "cluster_patterns": tuple(s["dns"]["cluster_patterns"]),
            "names": set(s["dns"]["names"]),
            "lifted": set(s["dns"]["filtering_lifted_by"]),
        }
        if s["dns"]["filtering_lifted_by_kept"]:
            facts["dns"][s["name"]]["lifted_kept"] = \
                set(s["dns"]["filtering_lifted_by_kept"])
    return facts


def show(item):
    if isinstance(item, tuple):
        return "(" + ", ".join(show(i) for i in item) + ")"
    if isinstance(item, frozenset):
        return "{" + ", ".join(sorted(item)) + "}"
    return str(item)


def compare(policy_facts, explain_facts):
    problems = list(policy_facts["problems"])
    for svc in sorted(policy_facts["open"]):
        p, e = policy_facts["open"][svc], explain_facts["open"].get(svc)
        if p != e:
            problems.append(f"service {svc} from outside: policies say "
                            f"{p}, --explain says {e}")
    for what in ("only in the policies", "only in --explain"):
        a, b = (policy_facts, explain_facts) if what.endswith("policies") \
            else (explain_facts, policy_facts)
        for m in sorted(a["matrix"] - b["matrix"], key=show):
            problems.append(f"reach {show(m)}: {what}")
        for x in sorted(a["exposed"] - b["exposed"], key=show):
            problems.append(f"exposed {show(x)}: {what}")
        for svc in sorted(a["egress"]):
            for item in sorted(a["egress"][svc] - b["egress"].get(svc, set()),
                               key=show):
                problems.append(f"service {svc} egress {show(item)}: {what}")
    if policy_facts["open_kept"] != explain_facts["open_kept"]:
        problems.append(f"from outside through kept policies: policies "
                        f"say {policy_facts['open_kept']}, --explain says "
                        f"{explain_facts['open_kept']}")
    for svc in sorted(policy_facts["dns"]):
        p, e = policy_facts["dns"][svc], explain_facts["dns"].get(svc)
        if p != e:
            problems.append(f"service {svc} dns: policies say {p}, "
                            f"--explain says {e}")
    return problems


def main(argv):
    if len(argv) not in (3, 4, 5):
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8") as f:
        explain = json.load(f)
    if explain.get("schema") != 1:
        print(f"unknown explain schema {explain.get('schema')!r}")
        return 2
    try:
        policy_facts = from_policies(argv[1], explain,
                                     argv[3] if len(argv) > 3 else None,
                                     argv[4] if len(argv) > 4 else None)
    except Unsupported as e:
        print(f"unsupported: {e}")
        return 2
    problems = compare(policy_facts, from_explain(explain))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
