#!/usr/bin/python3
"""resolve_eval.py STREAM.yaml NAMESPACE [--env-namespace NS] [NAME...]
   resolve_eval.py --check STREAM.yaml NAMESPACE [--env-namespace NS]
   resolve_eval.py --self-test

A resolver of the cluster's names as a sandboxed pod of STREAM.yaml (an
agentenv-post output, installed in NAMESPACE) meets them. For every
sandboxed pod (one that mounts a generated CoreDNS ConfigMap) and every
name, the query goes the way it goes in the cluster:

 1. the client: resolv.conf is `nameserver 127.0.0.1` with no search list,
    so glibc and musl send the name as it is, fully qualified;
 2. the CoreDNS sidecar: the pod's Corefile (corefile_eval.py: rule order,
    first match, Go regexps), giving the name forwarded and how the
    answer's names are renamed;
 3. Cilium's DNS proxy: the rules.dns matchPatterns of the generated
    policies that select the pod, compiled as Cilium 1.18 compiles them
    (pkg/fqdn/matchpattern: Sanitize appends the final dot; ToAnchoredRegexp
    lower-cases, "." is a literal dot, "*" is [-a-zA-Z0-9_]* within one
    label, the pattern "*" alone any name; the query name is lower-cased);
    a name no pattern matches is refused (an L3 allow of a DNS-lifting
    entity, or the "*" pattern, lets every name through);
 4. kube-dns: whether the name exists, from the stream's Services and the
    pods of its workloads (ClusterIP: the Service's address; clusterIP
    None: the addresses of the pods its selector picks; ExternalName: a
    CNAME, followed in the cluster's zone; POD.SERVICE: a pod whose
    hostname and subdomain are those, picked by the headless Service;
    _PORT._PROTO.SERVICE: an SRV record per named port), names of other
    namespaces being unknown here;
 5. the client's view of the answer: glibc accepts the records of a chain
    that starts at the name asked and follows each CNAME to its target
    (an A record owned by another name is dropped);
 6. L3: some generated policy lets the pod reach a pod behind the address
    (policy_eval.py's reach: egress of the client and ingress of the
    target, denies first).

--check prints one line per check, tab-separated: the check's label and
its problems (none: passed). The names checked, for every sandboxed pod:
  - every form of the namespace's names: each Service S as S, S.NS,
    S.NS.svc and S.NS.svc.cluster.local; each named port's
    _PORT._PROTO.S in the same forms; each pod P behind a headless
    Service H as P.H, P.H.NS, P.H.NS.svc and P.H.NS.svc.cluster.local;
  - every cluster name the chart writes in the pod's env values, command
    and args and in the ConfigMaps the pod uses, with $(VAR) and shell
    variables of the pod (its name, its namespace) substituted and
    {A...B} ranges expanded;
and: the names of the namespace's zone resolve and reach their pods;
names outside it (another namespace's, kubernetes.default.svc) stay
refused; probe names (exfiltration) outside the zone are refused unless an
allowed domain says otherwise, and the zone's patterns match nothing
outside the zone.
"""
import re
import sys

import corefile_eval as ce
import policy_eval as pe

# --- Cilium 1.18 matchPattern --------------------------------------------

ALLOWED_DNS_CHARS = "[-a-zA-Z0-9_]"
PATTERN_CHARS = re.compile(r"^[-a-zA-Z0-9_.*]+$")


class Unsupported(Exception):
    """A form this evaluator does not know: never guess."""


def cilium_pattern(pattern):
    """matchpattern.Sanitize then ToAnchoredRegexp (Cilium 1.18)."""
    if len(pattern) > 255 or not PATTERN_CHARS.match(pattern):
        raise Unsupported(f"matchPattern {pattern!r} Cilium would refuse")
    if pattern != "*" and not pattern.endswith("."):
        pattern += "."
    pattern = pattern.strip().lower()
    if pattern == "*":
        return re.compile(r"(^(" + ALLOWED_DNS_CHARS + r"+[.])+$)|(^[.]$)")
    pattern = pattern.replace(".", "[.]").replace("*", ALLOWED_DNS_CHARS + "*")
    return re.compile("^" + pattern + "$")


def pattern_allows(patterns, name):
    """Whether the DNS proxy lets name through some pattern."""
    name = ce.fqdn(name).lower()
    return any(cilium_pattern(p).search(name) for p in patterns)


# --- the stream ----------------------------------------------------------

def meta(doc, key):
    return (doc.get("metadata") or {}).get(key)


class PodInstance:
    """One pod a workload makes: name, DNS hostname/subdomain, labels."""

    def __init__(self, kind, workload, name, template, namespace):
        spec = template.get("spec") or {}
        self.kind, self.workload, self.name = kind, workload, name
        self.spec = spec
        self.labels = {str(k): str(v) for k, v in
                       ((template.get("metadata") or {}).get("labels")
                        or {}).items()}
        self.hostname = spec.get("hostname")
        self.subdomain = spec.get("subdomain")
        self.policy_pod = pe.Pod(f"{kind}/{workload}", self.labels, namespace)
        volumes = spec.get("volumes") or []
        self.corefile_configmap = None
        self.configmaps = set()
        for v in volumes:
            cm = (v.get("configMap") or {}).get("name")
            if cm and v.get("name") == "coredns-config":
                self.corefile_configmap = cm
            elif cm:
                self.configmaps.add(cm)
            for source in (v.get("projected") or {}).get("sources") or []:
                cm = (source.get("configMap") or {}).get("name")
                if cm:
                    self.configmaps.add(cm)
        for c in self.containers():
            for e in c.get("envFrom") or []:
                cm = (e.get("configMapRef") or {}).get("name")
                if cm:
                    self.configmaps.add(cm)
            for e in c.get("env") or []:
                ref = ((e.get("valueFrom") or {}).get("configMapKeyRef")
                       or {}).get("name")
                if ref:
                    self.configmaps.add(ref)

    def containers(self):
        return [c for key in ("initContainers", "containers")
                for c in self.spec.get(key) or [] if isinstance(c, dict)]

    def __repr__(self):
        return self.name


def pod_instances(docs, namespace):
    """The pods of the stream's workloads: a StatefulSet's by ordinal
    (hostname NAME-i, subdomain serviceName), one per other workload."""
    pods = []
    for doc in docs:
        for kind, name, template in pe.pod_templates(doc):
            if not isinstance(template, dict):
                continue
            if kind == "StatefulSet":
                spec = doc.get("spec") or {}
                replicas = spec.get("replicas", 1)
                replicas = replicas if isinstance(replicas, int) else 1
                for i in range(replicas):
                    pod = PodInstance(kind, name, f"{name}-{i}", template,
                                      namespace)
                    pod.hostname = pod.name
                    pod.subdomain = spec.get("serviceName")
                    pods.append(pod)
                continue
            pod_name = name if kind == "Pod" else f"{name}-xxxxx"
            pod = PodInstance(kind, name, pod_name, template, namespace)
            if kind == "Pod" and pod.subdomain and not pod.hostname:
                pod.hostname = name
            pods.append(pod)
    return pods


class Service:
    def __init__(self, doc):
        spec = doc.get("spec") or {}
        self.name = meta(doc, "name")
        self.type = spec.get("type", "ClusterIP")
        self.headless = spec.get("clusterIP") == "None"
        self.selector = {str(k): str(v) for k, v in
                         (spec.get("selector") or {}).items()}
        self.external_name = spec.get("externalName")
        self.ports = [p for p in spec.get("ports") or []
                      if isinstance(p, dict)]

    def selects(self, pod):
        return bool(self.selector) and all(
            pod.labels.get(k) == v for k, v in self.selector.items())


class KubeDNS:
    """The cluster's DNS for the names of one namespace (see step 4)."""

    def __init__(self, docs, namespace, pods):
        self.namespace = namespace
        self.zone = f"{namespace}.svc.cluster.local."
        self.pods = pods
        self.services = {}
        for doc in docs:
            if doc.get("kind") == "Service" and \
                    doc.get("apiVersion") == "v1" and meta(doc, "name") and \
                    meta(doc, "namespace") in (None, namespace):
                service = Service(doc)
                self.services[service.name] = service

    def in_zone(self, name):
        return name.endswith("." + self.zone)

    def endpoints(self, service):
        return [p for p in self.pods if service.selects(p)]

    def answer(self, name):
        """("ok", records) | ("nxdomain", None) | ("unknown", None): records
        are (owner, type, value), value a name, a pod, or "vip:S"."""
        name = name.lower()
        if not self.in_zone(name):
            return "unknown", None
        labels = name[:-len(self.zone) - 1].split(".")
        if len(labels) == 1 and labels[0] in self.services:
            service = self.services[labels[0]]
            if service.type == "ExternalName":
                target = ce.fqdn(str(service.external_name or "")).lower()
                records = [(name, "CNAME", target)]
                status, more = self.answer(target)
                return "ok", records + (more or [])
            if not service.headless:
                return "ok", [(name, "A", f"vip:{service.name}")]
            return "ok", [(name, "A", p) for p in self.endpoints(service)]
        if len(labels) == 2 and labels[1] in self.services:
            service = self.services[labels[1]]
            pods = [p for p in self.endpoints(service)
                    if service.headless and p.subdomain == service.name
                    and str(p.hostname).lower() == labels[0]]
            if pods:
                return "ok", [(name, "A", p) for p in pods]
        if len(labels) == 3 and labels[0].startswith("_") and \
                labels[1].startswith("_") and labels[2] in self.services:
            service = self.services[labels[2]]
            for port in service.ports:
                if (f"_{port.get('name')}" == labels[0] and
                        f"_{str(port.get('protocol', 'TCP')).lower()}" ==
                        labels[1]):
                    return "ok", self.srv(name, service)
        return "nxdomain", None

    def srv(self, name, service):
        base = f"{service.name}.{self.zone}"
        if not service.headless:
            return [(name, "SRV", base)]
        # A pod without a hostname is named by its address (or a hash):
        # its target resolves to that pod, which is all we need.
        return [(name, "SRV", f"{p.hostname}.{base}" if p.hostname and
                 p.subdomain == service.name else p)
                for p in self.endpoints(service)]


# --- one query -------------------------------------------------------------

class Client:
    """What one sandboxed pod's queries go through."""

    def __init__(self, pod, rules, patterns, lifted, policies, dns):
        self.pod, self.rules, self.patterns = pod, rules, patterns
        self.lifted, self.policies, self.dns = lifted, policies, dns

    def resolve(self, name, depth=0):
        """(status, detail): status "ok", "refused", "nxdomain",
        "servfail", "unknown" (another namespace: not modelled),
        "dropped" (glibc drops the answer), "no-l3", "no-address"."""
        asked = ce.fqdn(name)
        forwarded, answer_of = ce.query(self.rules, asked)
        if answer_of == ce.SERVFAIL:
            return "servfail", forwarded
        if not self.lifted and not pattern_allows(self.patterns, forwarded):
            return "refused", forwarded
        status, records = self.dns.answer(forwarded)
        if status != "ok":
            return status, forwarded
        if answer_of is None:
            def answer_of(n, value=False):
                return n
        seen = [(answer_of(o), t, answer_of(v, True) if isinstance(v, str)
                 and t in ("CNAME", "SRV") else v) for o, t, v in records]
        # glibc (getanswer_r): records of the chain from the name asked.
        want = asked.lower()
        addresses, targets = [], []
        for owner, rtype, value in seen:
            if owner.lower() != want:
                continue
            if rtype == "CNAME":
                want = value.lower()
            elif rtype == "SRV" and isinstance(value, str):
                targets.append(value)
            else:
                addresses.append(value)
        if targets and depth == 0:
            results = [self.resolve(t, 1) for t in targets]
            good = [r for r in results if r[0] == "ok"]
            return (good[0] if good else results[0]) if results else \
                ("no-address", forwarded)
        if not addresses:
            if records:
                return "dropped", f"{forwarded} answered {seen}"
            return "no-address", forwarded
        return self.reach(addresses, forwarded)

    def reach(self, addresses, forwarded):
        pods = []
        for a in addresses:
            if isinstance(a, str) and a.startswith("vip:"):
                pods += self.dns.endpoints(self.dns.services[a[4:]])
            else:
                pods.append(a)
        if not pods and all(isinstance(a, str) and self.dns.services[
                a[4:]].selector for a in addresses):
            # The selector names labels no pod template carries (vault
            # labels its active pod at run time): DNS is all we can check.
            return "ok", f"{forwarded}: its selector picks no pod template"
        if not pods:
            return "no-address", f"{forwarded}: no pod behind it"
        for p in pods:
            if pe.reach(self.policies, self.pod.policy_pod, p.policy_pod):
                return "ok", p.name
        if all(self.kept_apart(p) for p in pods):
            return "ok", f"{forwarded}: kept apart by design"
        return "no-l3", f"{forwarded}: none of {sorted(p.name for p in pods)}"

    def kept_apart(self, target):
        """The sandbox keeps the two pods apart on purpose (agent-env's
        networks and network isolation, or a pod left outside the
        sandbox): a name may resolve without being reachable."""
        if target.corefile_configmap is None:
            return True     # opted out: no policy of ours admits it
        def networks(pod):
            return {k for k, v in pod.labels.items()
                    if k.startswith(NETWORK_LABEL_PREFIX) and v == "true"}

        def isolated(pod):
            return any(("ingressDeny" in pol.sections or
                        "egressDeny" in pol.sections) and
                       pol.applies(pod.policy_pod) for pol in self.policies)
        if isolated(self.pod) or isolated(target):
            return True
        # In a release that uses networks, pods meet on shared ones only.
        uses_networks = any(networks(p) for p in self.dns.pods)
        return uses_networks and not networks(self.pod) & networks(target)


def allowed_domains(policies, pod):
    """The domains the pod's policies open (toFQDNs), and "*" when they
    allow the world: the DNS patterns beyond the zone they may justify."""
    domains = set()
    for pol in policies:
        if "egress" not in pol.sections or not pol.applies(pod):
            continue
        for rule in pol.sections["egress"] or []:
            domains |= {m.get("matchPattern") for m in rule.get("toFQDNs")
                        or []}
            if set(rule.get("toEntities") or []) & {"world", "all"}:
                domains.add("*")
    return sorted(d for d in domains if d)


def dns_rules(policies, pod):
    """The rules.dns patterns of the generated policies selecting pod, and
    whether an L3 allow lifts the filtering."""
    patterns, lifted = [], False
    for pol in policies:
        if "egress" not in pol.sections or not pol.applies(pod):
            continue
        for rule in pol.sections["egress"] or []:
            if set(rule.get("toEntities") or []) & pe.DNS_LIFTING_ENTITIES:
                lifted = True
            for entry in rule.get("toPorts") or []:
                for d in (entry.get("rules") or {}).get("dns") or []:
                    patterns.append(d["matchPattern"])
    return patterns, lifted


# --- the names a pod uses ----------------------------------------------------

VAR_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
SHELL_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
RANGE = re.compile(r"\{(\d+)\.\.\.?(\d+)\}")
TOKEN = re.compile(r"[A-Za-z0-9_$(){}][A-Za-z0-9_.$(){}-]*")
CLUSTER_SUFFIXES = (".svc", ".svc.cluster.local")
NETWORK_LABEL_PREFIX = "aisi.gov.uk/network-"


def pod_variables(pod, container, namespace):
    """The variables a container's strings may name: its env (values and
    the pod's name/namespace by fieldRef) and HOSTNAME."""
    names = {"HOSTNAME": pod.hostname or pod.name}
    for e in container.get("env") or []:
        if not isinstance(e, dict) or "name" not in e:
            continue
        field = (((e.get("valueFrom") or {}).get("fieldRef") or {})
                 .get("fieldPath"))
        if field == "metadata.name":
            names[e["name"]] = pod.name
        elif field == "metadata.namespace":
            names[e["name"]] = namespace
        elif isinstance(e.get("value"), str):
            names[e["name"]] = VAR_REFERENCE.sub(
                lambda m: names.get(m.group(1), m.group(0)), e["value"])
    return names


def expand(text, variables):
    text = VAR_REFERENCE.sub(lambda m: variables.get(m.group(1), m.group(0)),
                             text)
    text = SHELL_REFERENCE.sub(
        lambda m: variables.get(m.group(1), m.group(0)), text)
    out = [text]
    while any(RANGE.search(t) for t in out):
        done = []
        for t in out:
            m = RANGE.search(t)
            if not m:
                done.append(t)
                continue
            for i in range(int(m.group(1)), int(m.group(2)) + 1):
                done.append(t[:m.start()] + str(i) + t[m.end():])
        out = done
    return out


def strings_of(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_of(v)


def cluster_names_in(text, dns):
    """The tokens of text that are cluster names: ending in .svc or
    .svc.cluster.local, or a Service's name in a form of the namespace."""
    services = dns.services
    ns = dns.namespace
    if text.strip().lower() in services:	# an env value: "rel-mariadb"
        yield text.strip()
    for token in TOKEN.findall(text):
        token = token.rstrip(".-")
        if "$" in token or "{" in token or "(" in token:
            continue
        lower = token.lower()
        if lower.endswith(CLUSTER_SUFFIXES):
            yield token
            continue
        labels = lower.split(".")
        for suffix in ([], [ns], [ns, "svc"]):
            if suffix and labels[-len(suffix):] != suffix:
                continue
            head = labels[:len(labels) - len(suffix)]
            if len(head) == 1 and head[0] in services and suffix:
                yield token
            elif len(head) == 2 and head[1] in services and \
                    services[head[1]].headless:
                yield token
            elif len(head) == 3 and head[0].startswith("_") and \
                    head[1].startswith("_") and head[2] in services:
                yield token


def meant_in_namespace(name, namespace):
    """Whether a name cluster_names_in() found names something of the
    namespace (whatever the sidecar makes of it): NAME.NS.svc[.cluster.local]
    and the shorter forms it found by the namespace's Service names."""
    name = name.lower().rstrip(".")
    for suffix in (".svc.cluster.local", ".svc"):
        if name.endswith(suffix):
            return name.endswith(f".{namespace}{suffix}")
    return True


def chart_names(pod, configmaps, dns):
    """The cluster names the chart gives pod (see --check)."""
    names = set()
    for container in pod.containers():
        if container.get("name") == "coredns":
            continue
        variables = pod_variables(pod, container, dns.namespace)
        texts = [e.get("value") for e in container.get("env") or []
                 if isinstance(e, dict)]
        texts += list(strings_of(container.get("command")))
        texts += list(strings_of(container.get("args")))
        for cm in pod.configmaps:
            texts += list(strings_of((configmaps.get(cm) or {})
                                     .get("data")))
        for text in texts:
            if not isinstance(text, str):
                continue
            for expanded in expand(text, variables):
                names.update(cluster_names_in(expanded, dns))
    return names


def name_forms(dns):
    """Every form of the namespace's names (see --check)."""
    ns = dns.namespace
    names = set()

    def forms(base):
        return {base, f"{base}.{ns}", f"{base}.{ns}.svc",
                f"{base}.{ns}.svc.cluster.local"}
    for service in dns.services.values():
        # An ExternalName outside the zone is the internet's name: it is
        # reached only where the policies allow its target, not ours.
        # A Service without a selector has endpoints someone else writes
        # (none in the stream): what it answers is not the chart's to say.
        if service.type == "ExternalName" and not dns.in_zone(
                ce.fqdn(str(service.external_name or "")).lower()):
            continue
        if service.type != "ExternalName" and not service.selector:
            continue
        names |= forms(service.name)
        for port in service.ports:
            if port.get("name"):
                names |= forms(f"_{port['name']}._"
                               f"{str(port.get('protocol', 'TCP')).lower()}"
                               f".{service.name}")
        if service.headless:
            for pod in dns.endpoints(service):
                if pod.hostname and pod.subdomain == service.name:
                    names |= forms(f"{pod.hostname}.{service.name}")
    return names


# Probes: names an agent could use to carry data out through DNS.
EXFILTRATION_PROBES = [
    "x.evil.com", "evil.com", "data.evil.com.{ns}", "a.b.evil.com",
    "evil", "x.{ns}.evil.com", "_x._tcp.evil.com",
    "x.other.svc.cluster.local", "a.b.other.svc.cluster.local",
    "a.b.c.d.{ns}.svc.cluster.local", "x.svc.cluster.local",
    "{ns}.svc.cluster.local.evil.com", "x.cluster.local",
]


# --- the check ----------------------------------------------------------------

def check(stream, namespace, env):
    """The checks of --check. env non-empty: the namespace was not known
    to agentenv-post (the Corefile reads it from AGENTENV_NAMESPACE), so
    the DNS rule is the namespace-independent "*.svc.cluster.local" form
    and names of other namespaces pass Cilium (agentenv-post says so on
    stderr): those probes are left out."""
    zone_namespace = "*" if env else namespace
    docs = list(ce.documents(stream))
    policies = [pe.Policy(d, n) for n, d in enumerate(docs, 1)
                if d.get("kind") == "CiliumNetworkPolicy"
                and str((meta(d, "labels") or {}).get(pe.GENERATED_LABEL))
                == "true"]
    corefiles = {name: ce.parse_rules(text, env)
                 for name, text in ce.coredns_configmaps(docs)}
    configmaps = {meta(d, "name"): d for d in docs
                  if d.get("kind") == "ConfigMap"}
    pods = pod_instances(docs, namespace)
    dns = KubeDNS(docs, namespace, pods)
    zone_patterns = set()
    checks = {}
    FORMS = "every form of the namespace's names resolves and is reached"
    CHART = "every cluster name the chart writes resolves and is reached"
    OUTSIDE = "the chart's names outside the namespace stay refused"
    PROBES = "no name outside the namespace's zone resolves (exfiltration)"
    for label in (FORMS, CHART, OUTSIDE, PROBES):
        checks[label] = []
    clients = [p for p in pods if p.corefile_configmap in corefiles]
    seen_workloads = set()
    forms = sorted(name_forms(dns))
    for pod in clients:
        patterns, lifted = dns_rules(policies, pod.policy_pod)
        zone_patterns |= {p for p in patterns
                          if p.endswith(".svc.cluster.local")}
        client = Client(pod, corefiles[pod.corefile_configmap], patterns,
                        lifted, policies, dns)
        # Every pod of a StatefulSet sees the same; its names differ.
        first = pod.workload not in seen_workloads
        seen_workloads.add(pod.workload)
        names = forms if first else []
        for name in names:
            status, detail = client.resolve(name)
            if status != "ok":
                checks[FORMS].append(f"{pod}: {name}: {status} ({detail})")
        for name in sorted(chart_names(pod, configmaps, dns)):
            status, detail = client.resolve(name)
            if meant_in_namespace(name, namespace):
                if status != "ok":
                    checks[CHART].append(f"{pod}: {name}: {status} "
                                         f"({detail})")
            elif status != "refused" and not lifted and \
                    not (env and status == "unknown"):
                checks[OUTSIDE].append(f"{pod}: {name}: {status} "
                                       f"({detail}), not refused")
        if not first:
            continue
        domain_patterns = allowed_domains(policies, pod.policy_pod)
        for probe in EXFILTRATION_PROBES:
            probe = probe.format(ns=namespace)
            if env and probe.endswith(".svc.cluster.local"):
                continue
            forwarded, _ = ce.query(client.rules, probe)
            full = forwarded.lower()
            if dns.in_zone(full):
                # The zone's names go to kube-dns only, which answers
                # them itself: NXDOMAIN for names that are none.
                status, _ = dns.answer(full)
                if status != "nxdomain":
                    checks[PROBES].append(f"{pod}: {probe} -> {forwarded}:"
                                          f" {status}, want NXDOMAIN")
            elif pattern_allows([p for p in patterns
                                 if p.endswith(".svc.cluster.local")], full):
                checks[PROBES].append(f"{pod}: {probe} -> {forwarded}: a "
                                      "pattern of the zone lets it through")
            elif not lifted and not pattern_allows(domain_patterns, full) \
                    and pattern_allows(patterns, full):
                checks[PROBES].append(f"{pod}: {probe} -> {forwarded}: "
                                      "let through, no allowed domain "
                                      "says so")
    want = {f"{'*.' * d}{zone_namespace}.svc.cluster.local"
            for d in (1, 2, 3)}
    if zone_patterns - want:
        checks[PROBES].append(f"DNS patterns beyond the zone's: "
                              f"{sorted(zone_patterns - want)}")
    return checks


# --- self-test ------------------------------------------------------------------

PATTERN_CASES = [
    ("*.ns.svc.cluster.local", "web.ns.svc.cluster.local", True),
    ("*.ns.svc.cluster.local", "WEB.ns.svc.cluster.local.", True),
    ("*.ns.svc.cluster.local", "a.b.ns.svc.cluster.local", False),
    ("*.*.ns.svc.cluster.local", "a.b.ns.svc.cluster.local", True),
    ("*.*.ns.svc.cluster.local", "web.ns.svc.cluster.local", False),
    ("*.*.*.ns.svc.cluster.local", "_http._tcp.web.ns.svc.cluster.local",
     True),
    ("*.*.*.ns.svc.cluster.local", "a.b.c.d.ns.svc.cluster.local", False),
    ("*.ns.svc.cluster.local", "web.ns.svc.cluster.local.evil.com", False),
    ("*.ns.svc.cluster.local", "x.evil.com", False),
    ("*.*.svc.cluster.local", "web.other.svc.cluster.local", True),
    ("*.example.com", "example.com", False),
    ("*.example.com", "a.b.example.com", False),
    ("example.com", "example.com", True),
    ("*", "anything.at.all", True),
    ("*", ".", True),
]


def self_test():
    failures = 0
    for pattern, name, want in PATTERN_CASES:
        got = pattern_allows([pattern], name)
        if got != want:
            failures += 1
            print(f"not ok - matchPattern {pattern} on {name}: {got}")
    for bad in ("**.example.com/", "a b", "[a]"):
        try:
            cilium_pattern(bad)
        except Unsupported:
            continue
        failures += 1
        print(f"not ok - matchPattern {bad!r} not refused")
    total = len(PATTERN_CASES) + 3
    print(f"self-test: {total - failures} of {total} cases passed")
    return 1 if failures else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    mode_check = argv[:1] == ["--check"]
    args = argv[1:] if mode_check else argv
    env = {}
    if "--env-namespace" in args:
        i = args.index("--env-namespace")
        env = {"AGENTENV_NAMESPACE": args[i + 1]}
        args = args[:i] + args[i + 2:]
    if len(args) < 2:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    stream, namespace, names = args[0], args[1], args[2:]
    try:
        if mode_check:
            for label, problems in check(stream, namespace, env).items():
                shown = problems[:6] + ([f"... and {len(problems) - 6} more"]
                                        if len(problems) > 6 else [])
                print("\t".join([label] + shown))
            return 0
        docs = list(ce.documents(stream))
        policies = [pe.Policy(d, n) for n, d in enumerate(docs, 1)
                    if d.get("kind") == "CiliumNetworkPolicy"]
        corefiles = {name: ce.parse_rules(text, env)
                     for name, text in ce.coredns_configmaps(docs)}
        pods = pod_instances(docs, namespace)
        dns = KubeDNS(docs, namespace, pods)
        done = set()
        for pod in pods:
            if pod.corefile_configmap not in corefiles or \
                    pod.workload in done:
                continue
            done.add(pod.workload)
            patterns, lifted = dns_rules(policies, pod.policy_pod)
            client = Client(pod, corefiles[pod.corefile_configmap],
                            patterns, lifted, policies, dns)
            for name in names:
                print(pod, name, *client.resolve(name))
    except (Unsupported, ce.Unsupported, pe.Unsupported) as err:
        print(f"resolve_eval.py: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
