/*
 * lists — the comma-separated lists of annotations and helm.sh/hook, as
 * their authors write them.
 *
 * Invariants: no allocation, no I/O, no libfyaml; an item is a slice of
 * the caller's string (s, len: not necessarily NUL-terminated).
 */
#ifndef AGENTENV_LISTS_H
#define AGENTENV_LISTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The list syntax of annotations and helm.sh/hook: call fn for each
 * comma-separated item of s; blanks around an item are trimmed, then one
 * pair of matching quotes around it ('*.example.com' or "*.example.com")
 * is removed. Returns false when an item is empty (fn has been called for
 * the items before it); fn returns false to stop early.
 */
bool list_split(const char *s, size_t len,
		bool (*fn)(void *data, const char *item, size_t len),
		void *data);

/* Is word one of the items of list (NUL-terminated, list_split syntax)? */
bool list_has(const char *list, const char *word);

#endif
