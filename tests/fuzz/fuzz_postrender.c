/*
 * fuzz_postrender — a libFuzzer target over the whole program path without
 * I/O: bytes -> a malloc'ed copy -> postrender() -> output or diagnostics.
 * Built and run by scripts/fuzz.
 *
 * Input: the manifest stream itself, with default settings (as
 * `agentenv-post < input` with no options and no HELM_NAMESPACE). An input
 * that starts with the byte 0xFF (never valid UTF-8, so never a real
 * stream's first byte) takes its second byte as options, so that the paths
 * behind the command line run too:
 *
 *   bit 0     --release fuzz
 *   bit 1     --namespace fuzz-ns
 *   bits 2-3  --sidecar auto / native / container / auto
 *   bit 4     --allow-domain example.com --allow-domain *.example.org
 *   bit 5     --allow-cidr 10.0.0.0/8 --allow-cidr 2001:db8::/32
 *   bit 6     --allow-entity world
 *   bit 7     --check (no output is serialised by main; here: the same path)
 *
 * Checked beyond what the sanitizers catch:
 *  - a success leaves no error collected, a refusal leaves one at least
 *    and an empty output (CONTRACT.md: nothing on stdout on error);
 *  - nothing leaks (LeakSanitizer, at exit and with -detect_leaks=1).
 * diag is cleared after every input, so inputs do not see each other.
 *
 * -DFUZZ_SKIP_KNOWN_HANG (scripts/fuzz: FUZZ_CFLAGS) skips inputs with a
 * directive line ('%' at column 0) holding a byte >= 0x80: libfyaml 0.7.12
 * loops forever on "%\xff" (testdata/hostile/crash-2.yaml), so that a run
 * can go on looking for other problems until src/ guards against it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "postrender.h"
#include "sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_SKIP_KNOWN_HANG
static int known_hang(const uint8_t *p, size_t n)
{
	size_t i;
	int directive = 0, bol = 1;

	for (i = 0; i < n; i++) {
		if (bol)
			directive = p[i] == '%';
		bol = p[i] == '\n';
		if (directive && p[i] >= 0x80)
			return 1;
	}
	return 0;
}
#endif

static void add(struct strlist *l, const char *s)
{
	strlist_add(l, s, strlen(s));
}

static void apply_options(struct settings *st, uint8_t o)
{
	static const enum sidecar_form forms[4] = {
		SIDECAR_AUTO, SIDECAR_NATIVE, SIDECAR_CONTAINER, SIDECAR_AUTO,
	};

	if (o & 0x01)
		st->release = xstrdup("fuzz");
	if (o & 0x02)
		st->namespace = xstrdup("fuzz-ns");
	st->sidecar = forms[(o >> 2) & 3];
	if (o & 0x10) {
		add(&st->egress.domains, "example.com");
		add(&st->egress.domains, "*.example.org");
	}
	if (o & 0x20) {
		add(&st->egress.cidrs, "10.0.0.0/8");
		add(&st->egress.cidrs, "2001:db8::/32");
	}
	if (o & 0x40)
		add(&st->egress.entities, "world");
	if (o & 0x80)
		st->check_only = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings st;
	struct buf out = BUF_INIT;
	char *input;
	int status;

	memset(&st, 0, sizeof(st));
	st.sidecar = SIDECAR_AUTO;
	if (size >= 2 && data[0] == 0xFF) {
		apply_options(&st, data[1]);
		data += 2;
		size -= 2;
	}
#ifdef FUZZ_SKIP_KNOWN_HANG
	if (known_hang(data, size)) {
		settings_release(&st);
		return 0;
	}
#endif
	/* postrender() takes a malloc'ed buffer of exactly len bytes. */
	input = xmalloc(size ? size : 1);
	if (size)
		memcpy(input, data, size);
	status = postrender(&st, input, size, &out);
	if (status == 0 && diag_error_count())
		abort();	/* success with an error collected */
	if (status != 0 && (!diag_error_count() || out.len))
		abort();	/* refused silently, or with output */
	buf_release(&out);
	settings_release(&st);
	diag_clear();
	return 0;
}
