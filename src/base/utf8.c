/*
 * utf8 — strict UTF-8 (see utf8.h).
 */
#include "utf8.h"

bool valid_utf8(const char *s, size_t n, size_t *bad)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		unsigned int cp;
		size_t len, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			/* A continuation byte, 0xc0, 0xc1, above 0xf4. */
			*bad = i;
			return false;
		}
		if (n - i < len) {
			*bad = i;
			return false;
		}
		for (k = 1; k < len; k++) {
			unsigned char cc = (unsigned char)s[i + k];

			if ((cc & 0xc0) != 0x80) {
				*bad = i;
				return false;
			}
			cp = (cp << 6) | (cc & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
			*bad = i;	/* overlong, surrogate, out of range */
			return false;
		}
		i += len;
	}
	return true;
}
