/*
 * test_confine — what a sandboxed pod may not carry (src/model/confine.c) and
 * what a record may not put back (src/write/inject.c), as tables run through
 * postrender() on one small Pod each: every volume source of the
 * Kubernetes API with its verdict, with and without host-access, under
 * gVisor and runc; hostPort spellings; the record's runtime-class claim
 * against what the pod states. The exact messages are pinned by the
 * golden cases (bad-network-volumes, bad-host-port,
 * bad-injected-runtime-class).
 */
#include "unit.h"
#include "buf.h"
#include "diag.h"
#include "postrender.h"
#include "sandbox.h"
#include "ynode.h"

#include <stdbool.h>

/*
 * Post-render text with --release r --namespace ns; want is a substring
 * of the diagnostics (exit 1, nothing out), or NULL for success.
 */
static void expect(const char *text, const char *want)
{
	struct settings st;
	struct buf out = BUF_INIT;
	size_t len = strlen(text);
	int status;

	memset(&st, 0, sizeof(st));
	st.release = xstrdup("r");
	st.namespace = xstrdup("ns");
	st.sidecar = SIDECAR_AUTO;
	status = postrender(&st, xmemdup0(text, len), len, &out);
	if (want) {
		ck_assert_msg(status == 1, "accepted, want '%s':\n%s", want,
			      text);
		ck_assert_uint_eq(out.len, 0);
		ck_assert_msg(strstr(diag_collected(), want) != NULL,
			      "no '%s' in:\n%s", want, diag_collected());
	} else {
		ck_assert_msg(status == 0, "refused:\n%s\n%s", text,
			      diag_collected());
	}
	buf_release(&out);
	settings_release(&st);
}

/* A Pod with annotations (lines under metadata.annotations) and spec. */
#define POD(annotations, spec)						\
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"		\
	"  labels: {app.kubernetes.io/instance: r}\n"			\
	"  annotations: {" annotations "}\n"				\
	"spec:\n  containers: [{name: c, image: x}]\n" spec

/* --- volume sources ------------------------------------------------------ */

#define NETWORK "outside the network policies"
#define GVISOR_ONLY "allows it under gVisor only"

struct volume_case {
	const char *source;	/* the volume's source, as YAML */
	const char *plain;	/* no host-access: a refusal, or NULL */
	const char *host_access;	/* host-access under gVisor */
};

static const struct volume_case volume_cases[] = {
	/* API objects, scratch space, the cluster's storage, cloud disks. */
	{ "configMap: {name: cm}", NULL, NULL },
	{ "secret: {secretName: s}", NULL, NULL },
	{ "downwardAPI: {items: []}", NULL, NULL },
	{ "projected: {sources: []}", NULL, NULL },
	{ "emptyDir: {}", NULL, NULL },
	{ "persistentVolumeClaim: {claimName: data}", NULL, NULL },
	{ "ephemeral: {volumeClaimTemplate: {spec: {}}}", NULL, NULL },
	{ "awsElasticBlockStore: {volumeID: vol-1}", NULL, NULL },
	{ "gcePersistentDisk: {pdName: pd}", NULL, NULL },
	{ "azureDisk: {diskName: d, diskURI: u}", NULL, NULL },
	/* The node's files. */
	{ "hostPath: {path: /}", "hostPath volume exposes the node's files",
	  NULL },
	/* What the node mounts or fetches over its own network. */
	{ "nfs: {server: 203.0.113.5, path: /}", NETWORK, NULL },
	{ "iscsi: {targetPortal: 203.0.113.5, iqn: x, lun: 0}", NETWORK,
	  NULL },
	{ "rbd: {monitors: [203.0.113.5], image: x}", NETWORK, NULL },
	{ "cephfs: {monitors: [203.0.113.5]}", NETWORK, NULL },
	{ "glusterfs: {endpoints: e, path: p}", NETWORK, NULL },
	{ "fc: {targetWWNs: [\"500a0982991b8dc5\"], lun: 0}",
	  "storage network target", NULL },
	{ "azureFile: {secretName: s, shareName: x}", NETWORK, NULL },
	{ "quobyte: {registry: \"203.0.113.5:7861\", volume: v}", NETWORK,
	  NULL },
	{ "flocker: {datasetName: d}", NETWORK, NULL },
	{ "portworxVolume: {volumeID: v}", NETWORK, NULL },
	{ "scaleIO: {gateway: g, system: s, secretRef: {name: s}}", NETWORK,
	  NULL },
	{ "storageos: {volumeName: v}", NETWORK, NULL },
	{ "cinder: {volumeID: v}", NETWORK, NULL },
	{ "vsphereVolume: {volumePath: v}", NETWORK, NULL },
	{ "photonPersistentDisk: {pdID: p}", NETWORK, NULL },
	{ "flexVolume: {driver: example.com/smb}", "a driver on the node",
	  NULL },
	{ "csi: {driver: s3.csi.aws.com}", "a CSI driver on the node", NULL },
	{ "image: {reference: \"registry.example.net/x:1\"}",
	  "pulls it from a registry", NULL },
	{ "gitRepo: {repository: \"https://git.example.net/x\"}",
	  "clones it", NULL },
	/* Null: the API server reads no source; unknown: refused always. */
	{ "emptyDir: {}, nfs: ~", NULL, NULL },
	{ "nfs: null", NULL, NULL },
	{ "s3: {bucket: b}", "volumes[0].s3: not a volume source",
	  "volumes[0].s3: not a volume source" },
	{ "NFS: {server: s}", "volumes[0].NFS: not a volume source",
	  "volumes[0].NFS: not a volume source" },
};

static void volume_pod(struct buf *b, const struct volume_case *c,
		       const char *annotations)
{
	buf_addf(b, POD("%s", "  volumes: [{name: v, %s}]\n"), annotations,
		 c->source);
}

START_TEST(test_volume_plain)
{
	const struct volume_case *c = &volume_cases[_i];
	struct buf b = BUF_INIT;

	volume_pod(&b, c, "");
	expect(b.data, c->plain);
	buf_release(&b);
}
END_TEST

START_TEST(test_volume_host_access)
{
	const struct volume_case *c = &volume_cases[_i];
	struct buf b = BUF_INIT;

	volume_pod(&b, c, "agentenv.io/host-access: \"true\"");
	expect(b.data, c->host_access);
	buf_release(&b);
}
END_TEST

/* host-access under another runtime class opens nothing. */
START_TEST(test_volume_host_access_runc)
{
	const struct volume_case *c = &volume_cases[_i];
	struct buf b = BUF_INIT;

	volume_pod(&b, c, "agentenv.io/host-access: \"true\", "
		   "agentenv.io/runtime-class: runc");
	expect(b.data, !c->plain ? NULL : c->host_access ? c->host_access :
	       GVISOR_ONLY);
	buf_release(&b);
}
END_TEST

/* --- hostPort ------------------------------------------------------------ */

struct text_case {
	const char *spec;	/* after the Pod's containers */
	const char *want;	/* a refusal, or NULL */
};

#define HOST_PORT "opens a port of the node to the pod"

static const struct text_case port_cases[] = {
	{ "  initContainers: [{name: i, image: x, ports: [{containerPort: 1, "
	  "hostPort: 30080}]}]\n",
	  "spec.initContainers[0].ports[0].hostPort: '30080' " HOST_PORT },
	{ "  ephemeralContainers: [{name: e, image: x, ports: [{"
	  "containerPort: 1, hostPort: 1}]}]\n",
	  "spec.ephemeralContainers[0].ports[0].hostPort" },
	{ "  initContainers: [{name: i, image: x, ports: [{containerPort: 1},"
	  " {containerPort: 2, hostPort: \"8080\"}]}]\n",
	  "ports[1].hostPort: '8080' " HOST_PORT },
	{ "  initContainers: [{name: i, image: x, ports: [{containerPort: 1, "
	  "hostPort: {a: b}}]}]\n", "'(not a scalar)' " HOST_PORT },
	{ "  initContainers: [{name: i, image: x, ports: [{containerPort: 1, "
	  "hostPort: 0}, {containerPort: 2, hostPort: ~}, "
	  "{containerPort: 3, hostPort: }, {containerPort: 4}]}]\n", NULL },
	{ "  initContainers: [{name: i, image: x, ports: [{containerPort: 1, "
	  "hostIP: 0.0.0.0}]}]\n", NULL },
	/* A value that is no scalar is shown as such (dnsPolicy too). */
	{ "  dnsPolicy: {a: b}\n", "spec.dnsPolicy: '(not a scalar)' gives" },
};

START_TEST(test_host_port)
{
	const struct text_case *c = &port_cases[_i];
	struct buf b = BUF_INIT;

	/* host-access opens no hostPort. */
	buf_addf(&b, POD("agentenv.io/host-access: \"true\"", "%s"),
		 c->spec);
	expect(b.data, c->want);
	buf_release(&b);
}
END_TEST

/* --- the record's runtime class ------------------------------------------ */

/* Our regular sidecar's shape: what a record of the container form names. */
#define INJECTED_POD(annotations, spec)					\
	"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"		\
	"  labels: {app.kubernetes.io/instance: r}\n"			\
	"  annotations: {agentenv.io/injected: \"sidecar=container"	\
	", runtime-class=CLUSTER_DEFAULT\"" annotations "}\n"		\
	"spec:\n" spec							\
	"  containers:\n"						\
	"  - {name: c, image: x, volumeMounts: [{name: resolv-conf, "	\
	"mountPath: /etc/resolv.conf}]}\n"				\
	"  - {name: coredns, image: x}\n"				\
	"  volumes: [{name: coredns-config, emptyDir: {}}, "		\
	"{name: resolv-conf, emptyDir: {}}]\n"

#define STATES_CLASS "but the pod states a runtimeClassName"
#define ASKS_CLASS "but agentenv.io/runtime-class asks for a runtime class"

static const struct text_case record_cases[] = {
	/* Nothing contradicts the claim: an injection could have made it. */
	{ INJECTED_POD("", ""), NULL },
	{ INJECTED_POD(", agentenv.io/runtime-class: CLUSTER_DEFAULT", ""),
	  NULL },
	/* The pod states a class (null too: the key was not removed). */
	{ INJECTED_POD("", "  runtimeClassName: gvisor\n"), STATES_CLASS },
	{ INJECTED_POD("", "  runtimeClassName: CLUSTER_DEFAULT\n"),
	  STATES_CLASS },
	{ INJECTED_POD("", "  runtimeClassName: ~\n"), STATES_CLASS },
	{ INJECTED_POD("", "  runtimeClassName:\n"), STATES_CLASS },
	{ INJECTED_POD(", agentenv.io/runtime-class: gvisor", ""),
	  ASKS_CLASS },
	{ INJECTED_POD(", agentenv.io/runtime-class: runc", ""), ASKS_CLASS },
	/* The input such an output would come from is refused first. */
	{ POD("agentenv.io/runtime-class: gvisor",
	      "  runtimeClassName: CLUSTER_DEFAULT\n"),
	  "spec.runtimeClassName: 'CLUSTER_DEFAULT' contradicts" },
	{ POD("agentenv.io/runtime-class: CLUSTER_DEFAULT",
	      "  runtimeClassName: CLUSTER_DEFAULT\n"), NULL },
	{ POD("agentenv.io/runtime-class: gvisor",
	      "  runtimeClassName: runc\n"), NULL },
};

START_TEST(test_record_runtime_class)
{
	const struct text_case *c = &record_cases[_i];

	expect(c->spec, c->want);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("confine");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, test_volume_plain, 0,
			    (int)ARRAY_SIZE(volume_cases));
	tcase_add_loop_test(tc, test_volume_host_access, 0,
			    (int)ARRAY_SIZE(volume_cases));
	tcase_add_loop_test(tc, test_volume_host_access_runc, 0,
			    (int)ARRAY_SIZE(volume_cases));
	tcase_add_loop_test(tc, test_host_port, 0,
			    (int)ARRAY_SIZE(port_cases));
	tcase_add_loop_test(tc, test_record_runtime_class, 0,
			    (int)ARRAY_SIZE(record_cases));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(make_suite)
