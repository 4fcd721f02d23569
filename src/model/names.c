/*
 * names — deterministic, length-limited object names (see names.h).
 */
#include "names.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "diag.h"

/* FNV-1a, 64 bits: stable across platforms and runs. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

char *name_fit(const char *name, size_t limit)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(name), keep, i;
	uint64_t h;
	char *out;

	if (limit <= 16)
		BUG("name_fit: limit %zu leaves no room for the hash", limit);
	if (len <= limit)
		return xstrdup(name);
	keep = limit - 11;
	while (keep && (name[keep - 1] == '-' || name[keep - 1] == '.'))
		keep--;
	out = xmalloc(keep + 12);
	memcpy(out, name, keep);
	out[keep] = '-';
	h = fnv1a(name);
	for (i = 0; i < 10; i++)
		out[keep + 1 + i] = hex[(h >> (60 - 4 * i)) & 15];
	out[keep + 11] = '\0';
	return out;
}

char *name_build(const char *first, ...)
{
	struct buf full = BUF_INIT;
	const char *part;
	va_list ap;
	char *name;

	buf_adds(&full, first);
	va_start(ap, first);
	while ((part = va_arg(ap, const char *)))
		buf_addf(&full, "-%s", part);
	va_end(ap);
	name = name_fit(full.data, NAME_MAX_LEN);
	buf_release(&full);
	return name;
}
