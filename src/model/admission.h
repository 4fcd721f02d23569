/*
 * admission — objects that would change the sandboxed pods after
 * agentenv-post has checked them.
 *
 * agentenv-post checks the stream; the API server admits each object
 * later, and every pod again at each CREATE (a ReplicaSet's, a Job's, a
 * restart's). An admission object of the chart is called on those
 * requests and may rewrite them: remove runtimeClassName, the DNS sidecar
 * or its volumes, add hostNetwork, widen a network policy, rewrite the
 * Corefile. A RuntimeClass can redefine what "gvisor" means. Such objects
 * are refused, unless the object itself carries
 * agentenv.io/keep-admission: "true" (the chart's author vouches for it,
 * as agentenv.io/keep-policy does for network policies).
 *
 * What the sandbox rests on (the "targets"): pods and every kind that
 * holds a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, PodTemplate, ControllerRevision:
 * a StatefulSet makes pods from its revisions, Argo Rollout), and what
 * agentenv-post generates or relies on: ConfigMaps (the Corefile),
 * NetworkPolicies, Cilium policies, RuntimeClasses. A kind of another API
 * group (a custom resource) is no target: a pod template in one is
 * refused by workload, so the pods it makes are not sandboxed by us
 * anyway.
 *
 * Refused, unless vouched for:
 *  - admissionregistration.k8s.io MutatingWebhookConfiguration: a webhook
 *    with a rule that can match a target; MutatingAdmissionPolicy: a
 *    rule of spec.matchConstraints.resourceRules that can; its Binding: a
 *    rule of spec.matchResources.resourceRules that can, or none (it then
 *    applies to whatever its policy matches: no telling here). A rule
 *    matches when an apiGroup ("*" or the target's), a resource ("*" or
 *    the target's, with any subresource: "pods/ephemeralcontainers") and
 *    an operation (CREATE, UPDATE, "*", or one we do not know: only
 *    DELETE and CONNECT, which hold no object to change, do not) match
 *    together. apiVersions never narrow (matchPolicy Equivalent, the
 *    default, converts between versions and between apps and
 *    extensions), nor do namespaceSelector, objectSelector or
 *    matchConditions (the pods' labels and namespace are the chart's). A
 *    rule that cannot be read (not a mapping, a list missing, empty or
 *    not of strings, aliases) counts as matching. One message per webhook
 *    (its first rule that matches);
 *  - kyverno.io ClusterPolicy and Policy: a rule with mutate whose match
 *    (match.any[], match.all[] or match.resources: the kinds, as "Pod",
 *    "v1/Pod", "apps/v1/Deployment", "Pod/ephemeralcontainers", any
 *    wildcard) or mutate.targets can select a target kind, and a rule with
 *    generate that creates one (generate.kind, generate.cloneList.kinds;
 *    any other form counts: a rule triggered by a Namespace can create a
 *    policy). validate rules cannot change an object, and verifyImages
 *    only pins an image to its digest: they pass. "all" is read as "any"
 *    (a superset). Unreadable rules count as matching;
 *  - policies.kyverno.io MutatingPolicy and NamespacedMutatingPolicy:
 *    like MutatingAdmissionPolicy; GeneratingPolicy and
 *    NamespacedGeneratingPolicy: always (what they create is not what
 *    they match);
 *  - every kind of mutations.gatekeeper.sh (Assign, AssignMetadata,
 *    ModifySet, AssignImage, ...): always, their reach (applyTo, match,
 *    scope, wildcards) is not evaluated, and AssignMetadata can add to
 *    any object the labels that admit a pod to a network;
 *  - node.k8s.io RuntimeClass: always (its handler is what the kubelet
 *    runs a pod with; one named "gvisor" would be our runtime class).
 * Validating admission (ValidatingWebhookConfiguration,
 * ValidatingAdmissionPolicy, Kyverno validate, Gatekeeper constraints)
 * passes: it can refuse a request but never change one.
 *
 * An object counts by its kind and its apiVersion's group; an apiVersion
 * that is no string counts as the group. Objects holding YAML anchors,
 * aliases or merge keys count as unreadable.
 */
#ifndef AGENTENV_ADMISSION_H
#define AGENTENV_ADMISSION_H

#include <libfyaml.h>

#include "diag.h"

/*
 * Report through diag when object (a mapping) would change how pods are
 * admitted. w names the object (its document, item, kind and name) and
 * w->line is the object's own line (its fields' lines are counted from
 * there). A bad keep-admission value is reported too.
 */
void admission_check(const struct where *w, struct fy_node *object);

#endif
