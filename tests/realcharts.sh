#!/bin/sh
# realcharts.sh: the renders of real public charts (testdata/golden/
# realchart-NAME, copies of ../shared/realcharts/NAME.yaml) are golden
# cases; golden.sh checks their output, idempotency and schema. This pins
# what a user of each chart meets: accepted (and then every pod of the
# output sandboxed, checked by an independent reader), or refused with a
# message naming what to change. -drop cases run with --drop-chart-policies;
# -keep cases add agentenv.io/keep-admission to the chart's admission objects.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
GOLDEN=$TOP/testdata/golden
REALCHARTS=$SHARED/realcharts

# NAME  EXPECT: accepted, or refused and a word every error has (warnings,
# such as a LoadBalancer Service's, may come with it)
expectations='
argo-workflows                accepted
bitnami-nginx                 refused networkPolicy.enabled=false
bitnami-nginx-drop            accepted
bitnami-postgresql            refused networkPolicy.enabled=false
bitnami-postgresql-drop       accepted
bitnami-redis                 refused networkPolicy.enabled=false
bitnami-redis-drop            accepted
bitnami-wordpress             refused networkPolicy.enabled=false
bitnami-wordpress-drop        accepted
cert-manager                  accepted
grafana                       accepted
ingress-nginx                 accepted
inspect-basic-chart           accepted
inspect-custom-chart          accepted
jupyterhub                    refused networkPolicy.enabled=false
jupyterhub-drop               accepted
prometheus-node-exporter      refused host
bitnami-keycloak-config-cli   accepted
bitnami-minio-distributed-provisioning refused networkPolicy.enabled=false
bitnami-minio-distributed-provisioning-drop accepted
bitnami-mongodb-replicaset    accepted
bitnami-mysql-replication     accepted
bitnami-postgresql-ha         refused networkPolicy.enabled=false
bitnami-postgresql-ha-drop    accepted
bitnami-valkey-sentinel       refused networkPolicy.enabled=false
bitnami-valkey-sentinel-drop  accepted
code-server-dind              refused host-access
scb-juice-shop                accepted
traefik                       accepted
vault-ha-raft                 refused keep-admission
vault-ha-raft-keep            accepted
'

have_yaml=yes
"$PYTHON" -c 'import yaml' 2>/dev/null || {
	have_yaml=
	skip "every pod sandboxed: $PYTHON cannot import yaml (python3-yaml)"
}

echo "$expectations" | while read -r name expect word; do
	[ -n "$name" ] || continue
	dir=$GOLDEN/realchart-$name
	if [ ! -f "$dir/in.yaml" ]; then
		fail "realchart $name" "no $dir/in.yaml"
		continue
	fi
	case $expect in
	accepted)
		if [ ! -f "$dir/out.yaml" ]; then
			fail "realchart $name: accepted" "it is refused: $(head -2 "$dir/err.txt")"
		elif [ -n "$have_yaml" ] &&
			! why=$("$PYTHON" "$TOP/tests/pods_sandboxed.py" "$dir/out.yaml"); then
			fail "realchart $name: every pod sandboxed" "$why"
		else
			pass "realchart $name: accepted, every pod sandboxed"
		fi
		;;
	refused)
		if [ ! -f "$dir/err.txt" ]; then
			fail "realchart $name: refused" "it is accepted"
		elif grep -e ': error: ' "$dir/err.txt" |
			grep -v -q -e "$word"; then
			fail "realchart $name: refused, every error saying $word" \
				"$(grep -e ': error: ' "$dir/err.txt" |
					grep -v -e "$word" | head -2)"
		else
			pass "realchart $name: refused, saying $word"
		fi
		;;
	esac
done >"$BUILD/realcharts.out"
cat "$BUILD/realcharts.out"
passed=$(grep -c '^ok' "$BUILD/realcharts.out")
failed=$(grep -c '^not ok' "$BUILD/realcharts.out")

# The copies are the shared renders, byte for byte, and none is missing.
if [ -d "$REALCHARTS" ]; then
	for f in "$REALCHARTS"/*.yaml; do
		name=$(basename "$f" .yaml)
		if cmp -s "$f" "$GOLDEN/realchart-$name/in.yaml"; then
			pass "realchart $name: in.yaml is the shared render"
		else
			fail "realchart $name: in.yaml is the shared render" \
				"copy $f to $GOLDEN/realchart-$name/in.yaml"
		fi
	done
else
	skip "copies of the shared renders: no $REALCHARTS here"
fi
finish
