/*
 * utf8 — is a byte string UTF-8 text? Kubernetes takes only UTF-8; a
 * value from outside libfyaml (an option, say) is checked here before it
 * is written.
 *
 * Invariants: no allocation, no I/O; looks only at the n bytes given.
 */
#ifndef AGENTENV_UTF8_H
#define AGENTENV_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF, no truncated sequence. On failure *bad is the offset of the
 * first byte that is not part of a valid character.
 */
bool valid_utf8(const char *s, size_t n, size_t *bad);

#endif
