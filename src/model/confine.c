/*
 * confine — what a pod may not carry into the sandbox (see confine.h).
 */
#include "confine.h"

#include <string.h>

#include "annot.h"
#include "buf.h"
#include "decide.h"
#include "vocab.h"
#include "ynode.h"

#define OPT_OUT "or opt the workload out with agentenv.io/inject: \"false\""
#define HOST_ACCESS ANNOTATION_PREFIX "host-access"

static const char *const container_lists[] = { "initContainers",
	"containers", "ephemeralContainers" };

/* A host namespace the pod would share, and what sharing it means. */
static const struct host_namespace {
	const char *field;
	const char *means;
} host_namespaces[] = {
	{ "hostNetwork", "a pod on the host's network is outside the "
	  "network policies and the DNS sidecar" },
	{ "hostPID", "a pod in the host's process namespace sees and "
	  "signals the node's processes" },
	{ "hostIPC", "a pod in the host's IPC namespace shares the node's "
	  "shared memory" },
};

/* n's text for a message: its scalar, or "(not a scalar)". */
static const char *shown_text(struct fy_node *n, size_t *len)
{
	static const char other[] = "(not a scalar)";
	const char *text = ynode_scalar(n, len);

	if (text)
		return text;
	*len = sizeof(other) - 1;
	return other;
}

/* The pod runs under gVisor once injected. */
static bool runs_under_gvisor(const struct pod_template *pt)
{
	const char *rc = pt->decided.runtime_class;

	return rc && !strcmp(rc, GVISOR_RUNTIME_CLASS);
}

/*
 * A boolean field that must not be true; set names what true means and
 * how to get out of it. Returns true when the field is unset or false.
 */
static bool check_false(const struct pod_template *pt, struct fy_node *v,
			const char *field, const char *problem)
{
	struct buf msg = BUF_INIT;
	size_t len = 0;
	const char *text;

	switch (ynode_bool(v)) {
	case YBOOL_UNSET:
	case YBOOL_FALSE:
		return true;
	case YBOOL_TRUE:
		text = ynode_scalar(v, &len);
		if (len != 4 || memcmp(text, "true", 4))
			buf_addf(&msg, "'%.*s' reads as true (YAML 1.1, as "
				 "the API server reads it): ", diag_shown(len),
				 text);
		buf_adds(&msg, problem);
		break;
	case YBOOL_OTHER:
		text = shown_text(v, &len);
		buf_addf(&msg, "'%.*s%s' is not a boolean the API server "
			 "reads: write true or false", diag_shown(len),
			 text, diag_cut(len));
		break;
	}
	pod_error(pt, v, field, msg.data);
	buf_release(&msg);
	return false;
}

static bool check_host_namespaces(const struct pod_template *pt)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < sizeof(host_namespaces) / sizeof(host_namespaces[0]);
	     i++) {
		const struct host_namespace *h = &host_namespaces[i];
		struct fy_node *v = ynode_get(pt->spec, h->field);
		struct buf field = BUF_INIT, problem = BUF_INIT;

		/* (The message is made only for a value to refuse.) */
		switch (ynode_bool(v)) {
		case YBOOL_UNSET:
		case YBOOL_FALSE:
			continue;
		case YBOOL_TRUE:
		case YBOOL_OTHER:
			break;
		}
		buf_addf(&field, "spec.%s", h->field);
		buf_addf(&problem, "%s, so it cannot be sandboxed: remove "
			 "%s, " OPT_OUT, h->means, h->field);
		ok &= check_false(pt, v, field.data, problem.data);
		buf_release(&field);
		buf_release(&problem);
	}
	return ok;
}

static bool check_dns(const struct pod_template *pt)
{
	struct fy_node *policy = ynode_get(pt->spec, "dnsPolicy");
	struct fy_node *servers = ynode_path(pt->spec,
					     "/dnsConfig/nameservers");
	bool ok = true;
	size_t len;
	const char *text;

	if (!ynode_is_null(policy) && !ynode_is(policy, "ClusterFirst")) {
		struct buf msg = BUF_INIT;

		text = shown_text(policy, &len);
		buf_addf(&msg, "'%.*s%s' gives the pod a resolver other "
			 "than the cluster's, and the DNS sidecar forwards to "
			 "the pod's resolver, past the policies' DNS "
			 "filtering: remove dnsPolicy (ClusterFirst), " OPT_OUT,
			 diag_shown(len), text, diag_cut(len));
		pod_error(pt, policy, "spec.dnsPolicy", msg.data);
		buf_release(&msg);
		ok = false;
	}
	if (!ynode_is_null(servers) &&
	    !(ynode_is_sequence(servers) && !ynode_count(servers))) {
		pod_error(pt, servers, "spec.dnsConfig.nameservers",
			  "a resolver of the pod's own would answer past the "
			  "sandbox's DNS filtering: remove the nameservers, "
			  OPT_OUT);
		ok = false;
	}
	return ok;
}

/*
 * Where host access is not allowed, why: NULL when the workload asked for
 * it and runs under gVisor.
 */
static const char *host_access_refused(const struct pod_template *pt,
				       const struct service *svc)
{
	if (!svc->host_access)
		return "remove it, or for a deliberate container-escape "
		       "evaluation under gVisor annotate the workload "
		       HOST_ACCESS ": \"true\"";
	if (!runs_under_gvisor(pt))
		return HOST_ACCESS " allows it under gVisor only, and this "
		       "pod runs under another runtime class: drop "
		       "runtimeClassName and agentenv.io/runtime-class, or "
		       "remove it";
	return NULL;
}

static bool check_privileged(const struct pod_template *pt,
			     const struct service *svc)
{
	const char *refused = host_access_refused(pt, svc);
	bool ok = true;
	size_t l;

	for (l = 0; l < sizeof(container_lists) / sizeof(container_lists[0]);
	     l++) {
		struct fy_node *list = ynode_get(pt->spec, container_lists[l]);
		int i, n = ynode_count(list);

		for (i = 0; i < n; i++) {
			struct fy_node *v = ynode_path(ynode_at(list, i),
				"/securityContext/privileged");
			struct buf field = BUF_INIT, problem = BUF_INIT;

			if (!refused && ynode_bool(v) != YBOOL_OTHER)
				continue;
			buf_addf(&field, "spec.%s[%d].securityContext."
				 "privileged", container_lists[l], i);
			buf_addf(&problem, "a privileged container can reach "
				 "the node: %s", refused ? refused : "");
			ok &= check_false(pt, v, field.data, problem.data);
			buf_release(&field);
			buf_release(&problem);
		}
	}
	return ok;
}

/*
 * Every volume source of the Kubernetes API (VolumeSource, 1.33), by who
 * provides it; a key outside the table is refused, since who would mount
 * it is unknown. The network policies hold the pod's own traffic only:
 * what the node mounts or fetches for the pod travels in the node's
 * network namespace, outside them (gVisor changes nothing: the host
 * provides the mount), so such a source would be a channel between the
 * agent and a far end the pod spec names, the policies and --explain
 * none the wiser.
 *
 * Fine: API objects (configMap, secret, downwardAPI, projected), the
 * pod's own scratch space (emptyDir), and the cluster's storage
 * (persistentVolumeClaim, ephemeral: the PersistentVolume comes from a
 * storage class the cluster's operator set up). Also fine: the three
 * public clouds' disks (awsElasticBlockStore, gcePersistentDisk,
 * azureDisk): the cloud attaches a disk of the cluster's own account and
 * zone to the node's VM through its API; the pod sees a local block
 * device, and neither it nor the node opens a connection to an address
 * the pod spec chooses (the spec names a disk, not a server). cinder,
 * vsphereVolume and photonPersistentDisk name a disk the same way but
 * are attached by private-cloud software that may do it from the node
 * itself (cinder's local attach logs the node into an iSCSI or RBD
 * target), and all three are gone from Kubernetes' own tree: refused,
 * as a fail-closed default should be when in doubt.
 */
enum volume_kind {
	VOLUME_FINE,
	VOLUME_NODE_FILES,	/* hostPath */
	VOLUME_NODE_NETWORK,	/* mounted or fetched over the node's network */
};

static const struct volume_source {
	const char *key;
	enum volume_kind kind;
	const char *how;	/* VOLUME_NODE_NETWORK: what the node does */
} volume_sources[] = {
	{ "configMap", VOLUME_FINE, NULL },
	{ "secret", VOLUME_FINE, NULL },
	{ "downwardAPI", VOLUME_FINE, NULL },
	{ "projected", VOLUME_FINE, NULL },
	{ "emptyDir", VOLUME_FINE, NULL },
	{ "persistentVolumeClaim", VOLUME_FINE, NULL },
	{ "ephemeral", VOLUME_FINE, NULL },
	{ "awsElasticBlockStore", VOLUME_FINE, NULL },
	{ "gcePersistentDisk", VOLUME_FINE, NULL },
	{ "azureDisk", VOLUME_FINE, NULL },
	{ "hostPath", VOLUME_NODE_FILES, NULL },
#define MOUNTS "the node mounts it over its own network"
	{ "nfs", VOLUME_NODE_NETWORK, MOUNTS },
	{ "iscsi", VOLUME_NODE_NETWORK, MOUNTS },
	{ "rbd", VOLUME_NODE_NETWORK, MOUNTS },
	{ "cephfs", VOLUME_NODE_NETWORK, MOUNTS },
	{ "glusterfs", VOLUME_NODE_NETWORK, MOUNTS },
	{ "fc", VOLUME_NODE_NETWORK, "the node logs into the storage network "
	  "target it names" },
	{ "azureFile", VOLUME_NODE_NETWORK, MOUNTS },
	{ "quobyte", VOLUME_NODE_NETWORK, MOUNTS },
	{ "flocker", VOLUME_NODE_NETWORK, MOUNTS },
	{ "portworxVolume", VOLUME_NODE_NETWORK, MOUNTS },
	{ "scaleIO", VOLUME_NODE_NETWORK, MOUNTS },
	{ "storageos", VOLUME_NODE_NETWORK, MOUNTS },
	{ "cinder", VOLUME_NODE_NETWORK, MOUNTS },
	{ "vsphereVolume", VOLUME_NODE_NETWORK, MOUNTS },
	{ "photonPersistentDisk", VOLUME_NODE_NETWORK, MOUNTS },
#undef MOUNTS
	{ "flexVolume", VOLUME_NODE_NETWORK, "a driver on the node mounts it "
	  "with the pod's options, over the node's network" },
	{ "csi", VOLUME_NODE_NETWORK, "a CSI driver on the node mounts it "
	  "with the pod's attributes, over the node's network" },
	{ "image", VOLUME_NODE_NETWORK, "the node pulls it from a registry "
	  "over its own network" },
	{ "gitRepo", VOLUME_NODE_NETWORK, "the node clones it over its own "
	  "network" },
};

static const struct volume_source *volume_source(const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(volume_sources) / sizeof(volume_sources[0]);
	     i++)
		if (strlen(volume_sources[i].key) == len &&
		    !memcmp(volume_sources[i].key, key, len))
			return &volume_sources[i];
	return NULL;
}

/* One source of volume index; refused is host_access_refused()'s. */
static bool check_volume_source(const struct pod_template *pt, int index,
				struct fy_node_pair *p, const char *refused)
{
	struct fy_node *value = fy_node_pair_value(p);
	size_t len = 0;
	/* A key that is no scalar is "(not a scalar)": no source either. */
	const char *key = shown_text(fy_node_pair_key(p), &len);
	const struct volume_source *src;
	struct buf field = BUF_INIT, problem = BUF_INIT;

	if (len == 4 && !memcmp(key, "name", 4))
		return true;
	if (ynode_is_null(value))	/* the API server reads no source */
		return true;
	src = volume_source(key, len);
	if (src && (src->kind == VOLUME_FINE || !refused))
		return true;
	buf_addf(&field, "spec.volumes[%d].%.*s%s", index, diag_shown(len),
		 key, diag_cut(len));
	if (!src)
		buf_adds(&problem, "not a volume source agentenv-post knows "
			 "(Kubernetes 1.33's), so what would mount it, and "
			 "over which network, is unknown: use one of "
			 "Kubernetes' volume sources, " OPT_OUT);
	else if (src->kind == VOLUME_NODE_FILES)
		buf_addf(&problem, "a hostPath volume exposes the node's "
			 "files: %s", refused);
	else
		buf_addf(&problem, "%s, outside the network policies (they "
			 "hold the pod's traffic, not the node's), so the pod "
			 "would reach the far end the volume names past the "
			 "sandbox; a persistentVolumeClaim takes the cluster's "
			 "own storage instead: %s", src->how, refused);
	pod_error(pt, value, field.data, problem.data);
	buf_release(&field);
	buf_release(&problem);
	return false;
}

static bool check_volumes(const struct pod_template *pt,
			  const struct service *svc)
{
	const char *refused = host_access_refused(pt, svc);
	struct fy_node *volumes = ynode_get(pt->spec, "volumes");
	int i, n = ynode_count(volumes);
	bool ok = true;

	for (i = 0; i < n; i++) {
		struct fy_node *volume = ynode_at(volumes, i);
		struct fy_node_pair *p;
		void *iter = NULL;

		while (ynode_is_mapping(volume) &&
		       (p = fy_node_mapping_iterate(volume, &iter)))
			ok &= check_volume_source(pt, i, p, refused);
	}
	return ok;
}

/*
 * A hostPort forwards the node's port to the pod: what reaches it comes
 * to the pod from the node, Cilium's host identity, which Cilium lets in
 * by default (allow-localhost), past the default-deny ingress. hostPort
 * 0 (or null) is none.
 */
static bool check_host_ports(const struct pod_template *pt)
{
	bool ok = true;
	size_t l;

	for (l = 0; l < sizeof(container_lists) / sizeof(container_lists[0]);
	     l++) {
		struct fy_node *list = ynode_get(pt->spec, container_lists[l]);
		int i, n = ynode_count(list);

		for (i = 0; i < n; i++) {
			struct fy_node *ports = ynode_get(ynode_at(list, i),
							  "ports");
			int j, m = ynode_count(ports);

			for (j = 0; j < m; j++) {
				struct fy_node *v = ynode_get(
					ynode_at(ports, j), "hostPort");
				struct buf field = BUF_INIT, msg = BUF_INIT;
				size_t len = 0;
				const char *text;

				if (ynode_is_null(v) || ynode_is(v, "0"))
					continue;
				text = shown_text(v, &len);
				buf_addf(&field, "spec.%s[%d].ports[%d]."
					 "hostPort", container_lists[l], i, j);
				buf_addf(&msg, "'%.*s%s' opens a port of the "
					 "node to the pod, and what comes in "
					 "there reaches the pod from the node "
					 "itself, which Cilium lets in by "
					 "default, past the sandbox's ingress "
					 "policies: remove hostPort (a "
					 "ClusterIP Service reaches the pod), "
					 OPT_OUT, diag_shown(len),
					 text, diag_cut(len));
				pod_error(pt, v, field.data, msg.data);
				buf_release(&field);
				buf_release(&msg);
				ok = false;
			}
		}
	}
	return ok;
}

bool confine_check(const struct pod_template *pt, const struct service *svc)
{
	bool ok = true;

	ok &= check_host_namespaces(pt);
	ok &= check_dns(pt);
	ok &= check_host_ports(pt);
	ok &= check_privileged(pt, svc);
	ok &= check_volumes(pt, svc);
	return ok;
}
