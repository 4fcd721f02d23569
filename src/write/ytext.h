/*
 * ytext — YAML written as text, exactly as libfyaml 0.7.12's block emitter
 * (ynode_emit) would write the same data, without building a tree.
 *
 * The generated objects (generate, dns, policy) are made of validated
 * strings put into fixed shapes, so writing them as text is safe and costs
 * a few hundred bytes of copying each, where a tree costs a hundred times
 * its text and the generic emitter analyses every scalar.
 *
 * Invariants:
 *  - every value goes through one quoting function, buf_add_yaml_quoted()
 *    (a double-quoted scalar, libfyaml's escapes), or ytext_plain() for
 *    names and keys (plain when they are made of [A-Za-z0-9._/-], quoted
 *    otherwise): no value can break out of its scalar;
 *  - the output's shape is the emitter's: two spaces per level, a block
 *    sequence's "- " at its key's indentation, empty lines of a literal
 *    block written as its indentation;
 *  - templates (the files of templates/) are text in that shape: lines starting
 *    with '#' at column 0 are comments and skipped, "${NAME}" is a slot.
 *    A slot alone on its line is a block slot: the slot function writes
 *    whole lines at the slot's indentation (or nothing). A slot inside a
 *    line is an inline slot: it writes a scalar there.
 */
#ifndef AGENTENV_YTEXT_H
#define AGENTENV_YTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* s as a double-quoted scalar (buf_add_yaml_quoted). */
void ytext_quoted(struct buf *b, const char *s);
/*
 * s plain when it is made of [A-Za-z0-9._/-] (not empty) and YAML 1.1
 * reads it as a string (not "80", "true", "on", ...), else quoted.
 */
void ytext_plain(struct buf *b, const char *s);
void ytext_indent(struct buf *b, size_t indent);

/* "KEY: VALUE\n" at indent, the value plain (ytext_plain) or quoted. */
void ytext_pair_plain(struct buf *b, size_t indent, const char *key,
		      const char *value);
void ytext_pair_quoted(struct buf *b, size_t indent, const char *key,
		       const char *value);
/* "- KEY: VALUE\n" at indent, the value quoted: a one-key list item. */
void ytext_item_quoted(struct buf *b, size_t indent, const char *key,
		       const char *value);

/*
 * The lines of text (each ending in '\n') as the content of a literal
 * block scalar at indent; the caller wrote "KEY: |" before.
 */
void ytext_literal(struct buf *b, size_t indent, const char *text);

/*
 * Called for each slot of a template: name (name_len bytes, not
 * NUL-terminated), the indentation of the slot's line, and whether it is
 * alone on its line (block) or inside it (inline).
 */
typedef void ytext_slot_fn(struct buf *b, const char *name, size_t name_len,
			   size_t indent, bool block, void *data);

/* Write template tmpl, every line indented by indent more. */
void ytext_template(struct buf *b, const char *tmpl, size_t indent,
		    ytext_slot_fn *slot, void *data);

/* True when the slot's name is s. */
bool ytext_slot_is(const char *name, size_t name_len, const char *s);

#endif
