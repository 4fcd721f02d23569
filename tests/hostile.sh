#!/bin/sh
# hostile.sh: inputs built to break agentenv-post. Each must be refused:
# exit status 1, an error on stderr that says what is wrong (a key word is
# grepped for), NOTHING on stdout, no crash (signal, sanitizer report or
# BUG), and an answer before the hang guard (lib.sh's HANG_GUARD).
#
# The inputs are testdata/hostile/*.yaml (small, committed) and what is
# generated here on the fly (anything large, and every input with a byte
# that is not text: NUL, invalid UTF-8). The injection matrix puts each
# line of testdata/hostile/injection-payloads.txt into each place of
# injection-targets.txt. testdata/hostile/crash-N.yaml are what fuzzing
# found; their first "# expect: STATUS [WORD]" line says what must happen.
#
# Besides, every refusal's messages must be clear: under 64 KiB, every
# line starting "agentenv-post: ", and no control character (a hostile
# value echoed raw could fake messages or drive the user's terminal).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
. "$(dirname "$0")/lib.sh"

HOSTILE=$TOP/testdata/hostile
LIMIT=$HANG_GUARD
if [ ! -x "$BIN" ]; then
	fail "hostile inputs" "no $BIN to test: run make first"
	finish
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/unclean"

# run FILE [ARGS...]: run agentenv-post on FILE within LIMIT seconds;
# sets status, leaves stdout and stderr in $tmp/out and $tmp/err.
run() {
	file=$1
	shift
	# shellcheck disable=SC2086  # AGENTENV_WRAP is a command prefix
	HELM_NAMESPACE='' HELM_PLUGIN_NAME='' timeout "$LIMIT" \
		${AGENTENV_WRAP:-} "$BIN" "$@" <"$file" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# excerpt FILE: its start on one line, control characters as '?'.
excerpt() { head -c 300 "$1" | LC_ALL=C tr '\000-\037\177' '[?*]'; }

# crashed: print why the last run counts as a crash or hang, if it does.
crashed() {
	if [ "$status" -eq 124 ]; then
		echo "no answer within $LIMIT s (a hang, or far too slow)"
	elif [ "$status" -gt 128 ]; then
		echo "crashed: killed by signal $((status - 128))"
	elif grep -q -e 'Sanitizer' -e 'runtime error:' -e ': BUG: ' \
		-e '^==[0-9]*==' "$tmp/err"; then
		echo "sanitizer, valgrind or BUG report: $(grep -m1 \
			-e 'Sanitizer' -e 'runtime error:' -e ': BUG: ' \
			-e '^==[0-9]*==' "$tmp/err" | cut -c1-200)"
	fi
}

# refusal_problem WORD: print what is wrong with the last run as a refusal
# (nothing when it is right); WORD is an extended regex (case-insensitive)
# an error line must match.
refusal_problem() {
	why=$(crashed)
	if [ -n "$why" ]; then
		echo "$why"
	elif [ "$status" -ne 1 ]; then
		echo "exit status $status, want 1 (stdout: $(wc -c <"$tmp/out") bytes)"
	elif [ -s "$tmp/out" ]; then
		echo "stdout is not empty ($(wc -c <"$tmp/out") bytes) on error"
	elif ! grep 'error' "$tmp/err" | grep -qiE -e "$1"; then
		echo "no error message matching /$1/; stderr: $(excerpt "$tmp/err")"
	fi
}

# check_clean NAME: record NAME when the last run's messages are unclear.
check_clean() {
	size=$(wc -c <"$tmp/err")
	if [ "$size" -gt 65536 ]; then
		echo "$1: $size bytes of messages (the hostile value echoed whole?)" >>"$tmp/unclean"
	elif tr -d '\n\t' <"$tmp/err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		echo "$1: a control character in the messages: $(excerpt "$tmp/err")" >>"$tmp/unclean"
	elif grep -v -q '^agentenv-post: ' "$tmp/err"; then
		echo "$1: a line not starting 'agentenv-post: ': $(grep -v '^agentenv-post: ' "$tmp/err" | excerpt -)" >>"$tmp/unclean"
	fi
}

# refuse NAME FILE WORD [ARGS...]: FILE must be refused with WORD said.
refuse() {
	name=$1
	file=$2
	word=$3
	shift 3
	run "$file" "$@"
	why=$(refusal_problem "$word")
	if [ -n "$why" ]; then
		fail "$name" "$why"
	else
		pass "$name"
	fi
	[ "$status" -eq 1 ] && check_clean "$name"
}

# doc_with LINES...: a valid Deployment (testdata/hostile/valid.yaml) whose
# pod template carries the given annotation lines.
doc_with() {
	cat <<-'EOF'
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: r-web
	  labels:
	    app.kubernetes.io/instance: r
	spec:
	  template:
	    metadata:
	      labels:
	        app.kubernetes.io/instance: r
	      annotations:
	EOF
	for line in "$@"; do printf '        %s\n' "$line"; done
	cat <<-'EOF'
	    spec:
	      containers:
	      - name: web
	        image: nginx
	EOF
}

# --- The committed inputs -------------------------------------------------

refuse "billion laughs (aliases) in a workload" \
	"$HOSTILE/billion-laughs.yaml" 'alias|anchor'
refuse "billion laughs (merge keys) in a workload" \
	"$HOSTILE/billion-laughs-merge.yaml" 'alias|anchor|merge'
refuse "duplicate keys" "$HOSTILE/duplicate-keys.yaml" 'duplicate'
refuse "duplicate agentenv.io/ annotation" \
	"$HOSTILE/duplicate-annotation.yaml" 'duplicate'
refuse "a document that is a list" "$HOSTILE/not-mapping-list.yaml" \
	'not a Kubernetes object|mapping'
refuse "a document that is a scalar" "$HOSTILE/not-mapping-scalar.yaml" \
	'not a Kubernetes object|mapping'
refuse "kind missing" "$HOSTILE/kind-missing.yaml" 'kind'
refuse "containers: 5" "$HOSTILE/containers-number.yaml" 'containers'
refuse "a number as kind" "$HOSTILE/number-kind.yaml" 'kind'
refuse "a boolean as an annotation value" \
	"$HOSTILE/number-annotation-bool.yaml" 'agentenv.io/dns-record'
refuse "a number as an annotation value" \
	"$HOSTILE/number-annotation-int.yaml" 'agentenv.io/ports'
refuse "a number as a container name" \
	"$HOSTILE/number-container-name.yaml" 'name'
refuse "an unknown agentenv.io/ annotation (typo)" \
	"$HOSTILE/unknown-annotation.yaml" 'unknown.*agentenv.io/allow-domain|agentenv.io/allow-domain.*unknown'

# --- Size and depth -----------------------------------------------------

# nest OPEN CLOSE: valid.yaml with 10000 levels of OPEN..CLOSE as args.
nest() {
	awk -v op="$1" -v cl="$2" '
		{ print }
		/image: nginx/ {
			s = "        args: "
			for (i = 0; i < 10000; i++) s = s op
			s = s "x"
			for (i = 0; i < 10000; i++) s = s cl
			print s
		}' "$HOSTILE/valid.yaml"
}
nest '[' ']' >"$tmp/deep.yaml"
refuse "10000 levels of flow sequences" "$tmp/deep.yaml" 'depth|nest|deep'
nest '{a: ' '}' >"$tmp/deep.yaml"
refuse "10000 levels of flow mappings" "$tmp/deep.yaml" 'depth|nest|deep'
awk '{ print } /image: nginx/ {
		s = "        args:\n        "
		for (i = 0; i < 10000; i++) s = s "- "
		print s "x"
	}' "$HOSTILE/valid.yaml" >"$tmp/deep.yaml"
refuse "10000 levels of block sequences" "$tmp/deep.yaml" 'depth|nest|deep'

# 300 MiB: a valid head, then comment lines; refused for its size alone.
{
	cat "$HOSTILE/valid.yaml"
	yes '# padding padding padding padding padding padding padding padding' |
		head -c 314572800
} >"$tmp/big.yaml"
refuse "a 300 MiB input" "$tmp/big.yaml" 'bytes|too (large|big)|limit|more than'
rm -f "$tmp/big.yaml"

# huge KEY FILL: a 10 MiB value (FILL repeated) in annotation KEY.
huge() {
	doc_with "$1: \"x\"" | K=$1 F=$2 awk '
		index($0, ENVIRON["K"] ": ") {
			s = ENVIRON["F"]
			while (length(s) < 10485760) s = s s
			print "        " ENVIRON["K"] ": \"" s "\""
			next
		}
		{ print }'
}
huge agentenv.io/service a >"$tmp/huge.yaml"
refuse "a 10 MiB agentenv.io/service" "$tmp/huge.yaml" 'agentenv.io/service'
huge agentenv.io/allow-domains a. >"$tmp/huge.yaml"
refuse "a 10 MiB agentenv.io/allow-domains" "$tmp/huge.yaml" 'agentenv.io/allow-domains'
huge agentenv.io/additional-dns-records 'a, ' >"$tmp/huge.yaml"
refuse "a 10 MiB agentenv.io/additional-dns-records" "$tmp/huge.yaml" \
	'agentenv.io/additional-dns-records'
rm -f "$tmp/huge.yaml"

# Kubernetes' own limit on one object's annotations (keys and values):
# 262144 bytes pass, one byte more is refused before any list is split.
# sized TOTAL: two annotations, note-a and note-b, of TOTAL bytes in all.
sized() {
	doc_with 'note-a: "a"' 'note-b: "b"' | T=$1 awk '
		/note-a: / {
			n = ENVIRON["T"] - 12; s = "x"
			while (length(s) < n) s = s s
			half = int(n / 2)
			print "        note-a: \"" substr(s, 1, half) "\""
			print "        note-b: \"" substr(s, 1, n - half) "\""
			next
		}
		/note-b: / { next }
		{ print }'
}
sized 262145 >"$tmp/sized.yaml"
refuse "annotations one byte over Kubernetes' 256 KiB" "$tmp/sized.yaml" \
	'262145 bytes'
sized 262144 >"$tmp/sized.yaml"
run "$tmp/sized.yaml" --release r
why=$(crashed)
[ -z "$why" ] && [ "$status" -ne 0 ] && why="exit status $status: $(excerpt "$tmp/err")"
if [ -n "$why" ]; then
	fail "annotations of exactly 256 KiB are accepted" "$why"
else
	pass "annotations of exactly 256 KiB are accepted"
fi
rm -f "$tmp/sized.yaml"

# More documents than one run accepts (200000): each "---" starts one.
{
	cat "$HOSTILE/valid.yaml"
	yes -- '---' | head -n 200001
} >"$tmp/many.yaml"
refuse "200001 documents" "$tmp/many.yaml" 'documents'
rm -f "$tmp/many.yaml"

# --- Bytes that are not text ----------------------------------------------

# bytes NAME WORD PRINTF-FORMAT: the bytes, then valid.yaml as a second
# document; refused with WORD said.
bytes() {
	{
		# shellcheck disable=SC2059  # the format holds the bytes
		printf "$3"
		printf -- '---\n'
		cat "$HOSTILE/valid.yaml"
	} >"$tmp/bytes.yaml"
	refuse "$1" "$tmp/bytes.yaml" "$2"
}
cm='apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r-c\n'
bytes "NUL byte first" 'NUL' '\000'
bytes "NUL byte in a comment" 'NUL' '# a\000b\n'
bytes "NUL byte in a ConfigMap value" 'NUL' "${cm}data:\n  a: x\000y\n"
bytes "NUL byte in an annotation" 'NUL' \
	"${cm}  annotations:\n    agentenv.io/service: w\000b\n"
bytes "invalid UTF-8 in an annotation" 'UTF-?8' \
	"${cm}  annotations:\n    note: caf\351\n"
bytes "invalid UTF-8 in a plain scalar" 'UTF-?8' "${cm}data:\n  a: caf\351\n"
bytes "invalid UTF-8 in a quoted scalar" 'UTF-?8' "${cm}data:\n  a: \"caf\351\"\n"
bytes "invalid UTF-8 in a block scalar" 'UTF-?8' "${cm}data:\n  a: |\n    caf\351\n"
bytes "invalid UTF-8 in a key" 'UTF-?8' "${cm}data:\n  caf\351: x\n"
bytes "invalid UTF-8 in a comment" 'UTF-?8' "# caf\351\n${cm}"
bytes "invalid UTF-8 in a tag" 'UTF-?8' "${cm}data:\n  a: !caf\351 x\n"
bytes "invalid UTF-8: an overlong '/'" 'UTF-?8' "${cm}data:\n  a: \300\257\n"
bytes "invalid UTF-8: a surrogate" 'UTF-?8' "${cm}data:\n  a: \355\240\200\n"
bytes "invalid UTF-8: a truncated sequence" 'UTF-?8' "${cm}data:\n  a: x\342\202\n"
bytes "invalid UTF-8 after a document end marker" 'UTF-?8' "${cm}...\n\377\n"
# A directive with a byte that is not UTF-8 is crash-2.yaml (a hang).

# A Deployment hidden after a "..." document end marker, before any "---":
# refused, or found and sandboxed; never passed through unseen.
{
	printf '%b...\n' "$cm"
	cat "$HOSTILE/valid.yaml"
} >"$tmp/hidden.yaml"
run "$tmp/hidden.yaml" --release r
why=$(crashed)
if [ -n "$why" ]; then
	fail "a workload hidden after a '...' document end" "$why"
elif [ "$status" -eq 0 ] && [ "$(grep -c 'runtimeClassName: gvisor' "$tmp/out")" -ge 1 ]; then
	pass "a workload hidden after a '...' document end"
elif [ "$status" -eq 1 ] && [ ! -s "$tmp/out" ]; then
	pass "a workload hidden after a '...' document end"
	check_clean "a workload hidden after a '...' document end"
else
	fail "a workload hidden after a '...' document end" \
		"exit status $status and the Deployment after '...' is not sandboxed:" \
		"$(excerpt "$tmp/out")"
fi

# --- Injection through every value that reaches the Corefile, a label key,
# a policy name or a regex --------------------------------------------------

# target_doc WHERE KEY VALUE: a Deployment with VALUE (the inside of a YAML
# double-quoted scalar, passed to awk through the environment so that its
# backslashes stay as written) at WHERE/KEY (see injection-targets.txt).
target_doc() {
	case $1 in
	annotation)
		if [ "$2" = agentenv.io/allow-domains-ports ]; then
			doc_with "$2: \"$3\"" "agentenv.io/allow-domains: example.com"
		else
			doc_with "$2: \"$3\""
		fi
		;;
	namespace)
		doc_with "note: hostile" | V=$3 awk '
			{ print }
			/^  name: r-web$/ { print "  namespace: \"" ENVIRON["V"] "\"" }'
		;;
	label)
		# The instance label is replaced on the workload and the pod;
		# another label is added to the pod's.
		doc_with "note: hostile" | K=$2 V=$3 awk '
			/app\.kubernetes\.io\/instance: r$/ {
				if (ENVIRON["K"] == "app.kubernetes.io/instance") {
					sub(/r$/, "")
					print $0 "\"" ENVIRON["V"] "\""
					next
				}
				print
				if (/^        /)
					print "        " ENVIRON["K"] ": \"" ENVIRON["V"] "\""
				next
			}
			{ print }'
		;;
	workload)
		doc_with "note: hostile" | V=$3 awk '
			/^  name: r-web$/ { print "  name: \"" ENVIRON["V"] "\""; next }
			{ print }'
		;;
	esac
}

grep -v '^#' "$HOSTILE/injection-targets.txt" | grep -v '^ *$' >"$tmp/targets"
grep -v '^#' "$HOSTILE/injection-payloads.txt" >"$tmp/payloads"
# Under valgrind (AGENTENV_WRAP) a run takes a second: each target then
# gets every 6th payload, shifted per target, so that every payload still
# runs under it somewhere and the matrix stays a few minutes.
stride=1
[ -n "${AGENTENV_WRAP:-}" ] && stride=6
target_index=0
while read -r where key valid; do
	tried=0
	payload_index=0
	target_index=$((target_index + 1))
	: >"$tmp/wrong"
	while IFS= read -r payload; do
		[ -n "$payload" ] || continue
		payload_index=$((payload_index + 1))
		[ $(((payload_index + target_index) % stride)) -eq 0 ] || continue
		tried=$((tried + 1))
		value=$(printf '%s\n' "$payload" | V=$valid awk '{
			i = index($0, "%s")
			if (i) $0 = substr($0, 1, i - 1) ENVIRON["V"] substr($0, i + 2)
			print }')
		target_doc "$where" "$key" "$value" >"$tmp/inj.yaml"
		case $where in
		workload) word='metadata\.name' ;;
		namespace) word='namespace' ;;
		label)
			# The release name comes from the instance label.
			word=$(printf '%s' "$key" | sed 's/\./\\./g')
			[ "$key" = app.kubernetes.io/instance ] && word="$word|release"
			;;
		*) word=$(printf '%s' "$key" | sed 's/\./\\./g') ;;
		esac
		run "$tmp/inj.yaml"
		why=$(refusal_problem "$word")
		[ -n "$why" ] && printf '"%s": %s\n' "$value" "$why" >>"$tmp/wrong"
		[ "$status" -eq 1 ] && check_clean "injection through $key: \"$value\"" 
	done <"$tmp/payloads"
	if [ -s "$tmp/wrong" ]; then
		fail "injection through $where $key: $(wc -l <"$tmp/wrong") of $tried hostile values not refused properly" \
			"$(head -12 "$tmp/wrong" | cut -c1-300 | sed '2,$s/^/    /')"
	else
		pass "injection through $where $key ($tried hostile values refused)"
	fi
done <"$tmp/targets"

# --- Write errors: never silent -------------------------------------------

# A large valid input: the output does not fit in a pipe's buffer.
{
	cat "$HOSTILE/valid.yaml"
	printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r-big\ndata:\n  big: |\n'
	yes '    0123456789 0123456789 0123456789 0123456789 0123456789' | head -n 40000
} >"$tmp/large.yaml"

# write_error NAME: the last run (stdout broken) must say so and exit 1.
write_error() {
	why=$(crashed)
	if [ -n "$why" ]; then
		fail "$1" "$why"
	elif [ "$status" -ne 1 ]; then
		fail "$1" "exit status $status, want 1" "$(excerpt "$tmp/err")"
	elif ! grep -qiE 'write|stdout|output' "$tmp/err"; then
		fail "$1" "no message about the failed write: $(excerpt "$tmp/err")"
	else
		pass "$1"
	fi
}

# shellcheck disable=SC2086  # AGENTENV_WRAP is a command prefix
HELM_NAMESPACE='' HELM_PLUGIN_NAME='' timeout "$LIMIT" ${AGENTENV_WRAP:-} \
	"$BIN" --release r <"$tmp/large.yaml" >/dev/full 2>"$tmp/err"
status=$?
write_error "stdout on a full disk (/dev/full)"

# The reader of the pipe is gone before the output is written.
{
	# shellcheck disable=SC2086  # AGENTENV_WRAP is a command prefix
	HELM_NAMESPACE='' HELM_PLUGIN_NAME='' timeout "$LIMIT" ${AGENTENV_WRAP:-} \
		"$BIN" --release r <"$tmp/large.yaml" 2>"$tmp/err"
	echo $? >"$tmp/status"
} | true
status=$(cat "$tmp/status")
write_error "stdout a pipe whose reader has exited"

# shellcheck disable=SC2086  # AGENTENV_WRAP is a command prefix
HELM_NAMESPACE='' HELM_PLUGIN_NAME='' timeout "$LIMIT" ${AGENTENV_WRAP:-} \
	"$BIN" --release r <"$HOSTILE/valid.yaml" 2>"$tmp/err" >&-
status=$?
write_error "stdout closed"

# stdin that cannot be read (a directory).
run / --release r
why=$(crashed)
if [ -n "$why" ]; then
	fail "stdin a directory" "$why"
elif [ "$status" -ne 1 ] || [ -s "$tmp/out" ] || ! grep -qiE 'read|stdin' "$tmp/err"; then
	fail "stdin a directory" "exit status $status, want 1 with a message about reading: $(excerpt "$tmp/err")"
else
	pass "stdin a directory"
fi

# --- Ways around the sandbox (issue "Fail closed") --------------------------

# testdata/hostile/bypass-*.yaml: each pod would leave unsandboxed, or
# the sandbox weaker, if accepted; its "# expect: WORD" line names what
# the refusal must say.
for file in "$HOSTILE"/bypass-*.yaml; do
	[ -f "$file" ] || continue
	word=$(sed -n 's/^# expect: *//p' "$file" | head -1)
	name=$(basename "$file" .yaml)
	refuse "bypass: ${name#bypass-}" "$file" "$word" \
		--release r --namespace ns
done
printf 'labels:\n  app.kubernetes.io/instance: other\n' >"$tmp/values.yaml"
refuse "bypass: --values relabels every pod out of the policies" \
	"$HOSTILE/valid.yaml" 'the sandbox.s own' --values "$tmp/values.yaml"
printf 'annotations:\n  agentenv.io/inject: "false"\n' >"$tmp/values.yaml"
refuse "bypass: --values opts every pod out" \
	"$HOSTILE/valid.yaml" 'the sandbox.s own' --values "$tmp/values.yaml"

# --- What fuzzing found -----------------------------------------------------

for file in "$HOSTILE"/crash-*.yaml; do
	[ -f "$file" ] || continue
	name="fuzz finding $(basename "$file")"
	expect=$(sed -n 's/^# expect: *//p' "$file" | head -1)
	want=${expect%% *}
	word=${expect#"$want"}
	word=${word# }
	run "$file" --release r
	if [ "$want" = 1 ]; then
		why=$(refusal_problem "${word:-.}")
		[ "$status" -eq 1 ] && check_clean "$name"
	else
		why=$(crashed)
		if [ -z "$why" ] && [ "$status" != "$want" ]; then
			why="exit status $status, want $want: $(excerpt "$tmp/err")"
		fi
	fi
	if [ -n "$why" ]; then fail "$name" "$why"; else pass "$name"; fi
done

# --- The messages of every refusal above ------------------------------------

if [ -s "$tmp/unclean" ]; then
	fail "every refusal's messages are clear ($(wc -l <"$tmp/unclean") unclear:" \
		"$(grep -c ' bytes of messages' "$tmp/unclean") too long," \
		"$(grep -c 'a control character' "$tmp/unclean") with a control character," \
		"$(grep -c 'a line not starting' "$tmp/unclean") with a line not starting 'agentenv-post: ')" \
		"$(sort -t: -k2 "$tmp/unclean" | awk -F': ' '!seen[$2]++' | head -12 |
			cut -c1-300 | sed '2,$s/^/    /')"
else
	pass "every refusal's messages are clear"
fi
finish
