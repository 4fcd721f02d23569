/*
 * confine — what a pod may not carry into the sandbox (see confine.h).
 */
#include "confine.h"

#include <string.h>

#include "annot.h"
#include "buf.h"
#include "inject.h"
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

/* The pod runs under gVisor once injected. */
static bool runs_under_gvisor(const struct pod_template *pt,
			      const struct service *svc)
{
	const char *rc = inject_runtime_class(pt, svc);

	return rc && !strcmp(rc, "gvisor");
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
		text = ynode_scalar(v, &len);
		buf_addf(&msg, "'%.*s%s' is not a boolean the API server "
			 "reads: write true or false", diag_shown(len),
			 text ? text : "(not a scalar)", diag_cut(len));
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
		struct buf field = BUF_INIT, problem = BUF_INIT;

		buf_addf(&field, "spec.%s", h->field);
		buf_addf(&problem, "%s, so it cannot be sandboxed: remove "
			 "%s, " OPT_OUT, h->means, h->field);
		ok &= check_false(pt, ynode_get(pt->spec, h->field),
				  field.data, problem.data);
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

		text = ynode_scalar(policy, &len);
		buf_addf(&msg, "'%.*s%s' gives the pod a resolver other "
			 "than the cluster's, and the DNS sidecar forwards to "
			 "the pod's resolver, past the policies' DNS "
			 "filtering: remove dnsPolicy (ClusterFirst), " OPT_OUT,
			 diag_shown(len), text ? text : "(not a scalar)",
			 diag_cut(len));
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
	if (!runs_under_gvisor(pt, svc))
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

static bool check_host_paths(const struct pod_template *pt,
			     const struct service *svc)
{
	const char *refused = host_access_refused(pt, svc);
	struct fy_node *volumes = ynode_get(pt->spec, "volumes");
	int i, n = ynode_count(volumes);
	bool ok = true;

	if (!refused)
		return true;
	for (i = 0; i < n; i++) {
		struct fy_node *host_path = ynode_get(ynode_at(volumes, i),
						      "hostPath");
		struct buf field = BUF_INIT, problem = BUF_INIT;

		if (!host_path)
			continue;
		buf_addf(&field, "spec.volumes[%d].hostPath", i);
		buf_addf(&problem, "a hostPath volume exposes the node's "
			 "files: %s", refused);
		pod_error(pt, host_path, field.data, problem.data);
		buf_release(&field);
		buf_release(&problem);
		ok = false;
	}
	return ok;
}

bool confine_check(const struct pod_template *pt, const struct service *svc)
{
	bool ok = true;

	ok &= check_host_namespaces(pt);
	ok &= check_dns(pt);
	ok &= check_privileged(pt, svc);
	ok &= check_host_paths(pt, svc);
	return ok;
}
