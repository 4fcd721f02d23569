/*
 * yaml11 — the YAML 1.1 resolver's view of a plain scalar: what
 * Kubernetes and Helm (go-yaml) would read it as, which libfyaml (YAML
 * 1.2) does not tell.
 *
 * Invariants: no allocation, no I/O, no libfyaml; looks only at the n
 * bytes given.
 */
#ifndef AGENTENV_YAML11_H
#define AGENTENV_YAML11_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A plain YAML scalar that a YAML 1.1 parser (Kubernetes' and Helm's)
 * resolves to something other than a string: null (~, null, empty), a
 * boolean (true, yes, on, ...), an integer (12, 0x1F, 0o17, 1_000) or a
 * float (1.5, 1e3, .inf, .nan). Such a value where Kubernetes wants a
 * string (a kind, a label or annotation value, a container name) makes
 * the API server refuse the object.
 */
bool yaml11_plain_is_not_string(const char *s, size_t n);

#endif
