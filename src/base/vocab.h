/*
 * vocab — the words agentenv-post shares with Kubernetes, Helm, Cilium and
 * k8s_sandbox: label and annotation keys, names of what it injects, name
 * limits. One place, so that a key is spelled once.
 */
#ifndef AGENTENV_VOCAB_H
#define AGENTENV_VOCAB_H

/*
 * How k8s_sandbox finds a release's pods. The chart's to set (traefik sets
 * "RELEASE-NAMESPACE" and selects on it): added where missing; only a pod
 * presented to the agent must carry the release there (plan.c).
 */
#define INSTANCE_LABEL "app.kubernetes.io/instance"
/*
 * k8s_sandbox's sandbox environment name: it hands the agent every pod
 * that carries it. Set only where the chart asks for it.
 */
#define PRESENTED_LABEL "inspect/service"

/* The chart author's annotations, and ours: see annot.c's table. */
#define ANNOTATION_PREFIX "agentenv.io/"
/* What the policies select: a pod this program sandboxed. */
#define SANDBOX_LABEL "agentenv.io/sandbox"
/*
 * Every sandboxed pod's release; with SANDBOX_LABEL what the policies and
 * headless Services select, whatever the chart's instance label says.
 */
#define RELEASE_LABEL "agentenv.io/release"
/* Every sandboxed pod's service; the per-service policies select on it. */
#define SERVICE_LABEL "agentenv.io/service"
/*
 * On a sandboxed pod template: the digest of the data of the ConfigMaps it
 * mounts (dns_config_digest()), so that a change rolls the pods: subPath
 * mounts never see a ConfigMap's update.
 */
#define DNS_DIGEST_ANNOTATION "agentenv.io/dns-config-digest"
/* The record of what was injected into a pod (see inject_strip()). */
#define INJECTED_ANNOTATION "agentenv.io/injected"
/* On a chart's network policy: its author vouches for it. */
#define KEEP_POLICY_ANNOTATION "agentenv.io/keep-policy"
/* On a chart's admission object (webhook, Kyverno policy, RuntimeClass). */
#define KEEP_ADMISSION_ANNOTATION "agentenv.io/keep-admission"
/* A pod's network membership: the prefix, then the network's name. */
#define NETWORK_LABEL_PREFIX "aisi.gov.uk/network-"
/* Every object we generate carries it; how a re-run finds them. */
#define GENERATED_LABEL "agentenv.io/generated"

/*
 * The RuntimeClass of a sandboxed pod that names none (and of gVisor),
 * and the runtime-class value that removes runtimeClassName: the
 * cluster's default class.
 */
#define GVISOR_RUNTIME_CLASS "gvisor"
#define CLUSTER_DEFAULT_RUNTIME_CLASS "CLUSTER_DEFAULT"
/* The namespace Cilium gives every endpoint as a label. */
#define POD_NAMESPACE_LABEL "io.kubernetes.pod.namespace"

/* Cilium's entities the sandbox names: everything, and every pod and node
 * of the cluster. */
#define ENTITY_ALL "all"
#define ENTITY_CLUSTER "cluster"

/* Helm. */
#define HELM_HOOK_ANNOTATION "helm.sh/hook"
#define HELM_HOOK_WEIGHT_ANNOTATION "helm.sh/hook-weight"
#define HELM_HOOK_DELETE_POLICY_ANNOTATION "helm.sh/hook-delete-policy"
/* The Helm 4 annotation that tells Helm which file a document belongs to. */
#define HELM4_FILENAME_ANNOTATION "postrenderer.helm.sh/postrender-filename"

/* Where Helm shows the objects we generate: "agentenv-post/FILE.yaml". */
#define GENERATED_FILE_DIR "agentenv-post"

/* What inject adds to a pod: the sidecar and its two volumes. */
#define SIDECAR_NAME "coredns"
#define COREDNS_VOLUME "coredns-config"
#define RESOLV_VOLUME "resolv-conf"

/* Helm's own limit on release names (the text for messages). */
#define RELEASE_MAX_LEN 53
#define RELEASE_MAX_TEXT "53"
/* Names of Services and label values: DNS-1123 labels. */
#define NAME_MAX_LEN 63

#endif
