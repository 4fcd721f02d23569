/*
 * vocab — the words agentenv-post shares with Kubernetes, Helm, Cilium and
 * k8s_sandbox: label and annotation keys, name limits. One place, so that
 * a key is spelled once.
 *
 * (Some modules still define a few of these themselves, identically; C
 * allows an identical redefinition, and they are to be moved here.)
 */
#ifndef AGENTENV_VOCAB_H
#define AGENTENV_VOCAB_H

/* How k8s_sandbox finds a release's pods. */
#define INSTANCE_LABEL "app.kubernetes.io/instance"
/* k8s_sandbox's sandbox environment name. */
#define SERVICE_LABEL "inspect/service"
/* What the policies select: a pod this program sandboxed. */
#define SANDBOX_LABEL "agentenv.io/sandbox"
/* A pod's network membership: the prefix, then the network's name. */
#define NETWORK_LABEL_PREFIX "aisi.gov.uk/network-"
/* Every object we generate carries it; how a re-run finds them. */
#define GENERATED_LABEL "agentenv.io/generated"

/* Helm. */
#define HELM_HOOK_ANNOTATION "helm.sh/hook"
#define HELM_HOOK_WEIGHT_ANNOTATION "helm.sh/hook-weight"
#define HELM_HOOK_DELETE_POLICY_ANNOTATION "helm.sh/hook-delete-policy"
/* The Helm 4 annotation that tells Helm which file a document belongs to. */
#define HELM4_FILENAME_ANNOTATION "postrenderer.helm.sh/postrender-filename"

/* Where Helm shows the objects we generate: "agentenv-post/FILE.yaml". */
#define GENERATED_FILE_DIR "agentenv-post"

/* Names of Services and label values: DNS-1123 labels. */
#define NAME_MAX_LEN 63

#endif
