/*
 * chartnet — the chart's network policies read into the network model
 * (netpolicy.h), so that the evaluator tells what a kept one opens.
 *
 * A NetworkPolicy (networking.k8s.io/v1), a CiliumNetworkPolicy or a
 * CiliumClusterwideNetworkPolicy (cilium.io/v2) becomes one struct
 * net_policy per Cilium rule (spec, then each item of specs; a
 * NetworkPolicy is one rule), origin ORIGIN_CHART, named "Kind/name".
 *
 * The output answers "what may this policy open", so every reading errs
 * on the side of opening more, never less:
 *  - in an allow direction (ingress, egress), what cannot be read opens
 *    more: an unknown or malformed peer is PEER_UNKNOWN (everything to
 *    everyone), an unreadable port opens every port, an unknown L7 rule
 *    is CHECK_OTHER (no check), ipBlock's and CIDRSet's except are
 *    ignored; pods the model does not see are Cilium's entity cluster (a
 *    namespaceSelector, a Cilium peer selector of a clusterwide policy or
 *    naming another namespace), and a Cilium peer selector that cannot
 *    be evaluated (a reserved: label names the host, the world) also
 *    opens to entity all;
 *  - in a deny direction (ingressDeny, egressDeny), what cannot be read
 *    denies less: the part that cannot be read is dropped (a peer, a
 *    port, an entry of toPorts, or the whole rule), never widened;
 *  - a direction is enforced only where the cluster would enforce it
 *    (a Cilium list that is empty does not apply, enableDefaultDeny
 *    false is read, see default_allow).
 * Nothing here reports: a policy that cannot be read is still read as
 * something, and the chart-policy judge (chartpolicy.c) is the one that
 * refuses.
 */
#ifndef AGENTENV_CHARTNET_H
#define AGENTENV_CHARTNET_H

#include <libfyaml.h>

#include "netpolicy.h"

/*
 * Read the network policy object (kind is one of NetworkPolicy,
 * CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) into ps: one
 * struct net_policy per Cilium rule (spec, then each item of specs;
 * a NetworkPolicy is one), origin ORIGIN_CHART, name_parts[0] =
 * "Kind/name" (malloc'ed; name "" when absent).
 */
void chartnet_read(struct fy_node *object, const char *kind,
		   struct net_policies *ps);

#endif
