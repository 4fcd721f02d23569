/*
 * annot — the chart author's interface: the agentenv.io/ annotations of a
 * pod template, validated and turned into one sandbox service.
 *
 * A table maps each annotation to its parser; list annotations are
 * comma-separated with blanks around items ignored. Every refused value is
 * reported through diag (document, workload, field, value, what is
 * accepted), and reading goes on so that one run reports them all. An
 * unknown agentenv.io/ annotation is refused too: a typo must not silently
 * leave a sandbox more open than meant.
 */
#ifndef AGENTENV_ANNOT_H
#define AGENTENV_ANNOT_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"
#include "vocab.h"
#include "workload.h"


/*
 * Read pt's annotations. When the workload is opted out, mark pt and add
 * nothing; otherwise add its service to sb and set pt->service.
 */
void annot_read(struct pod_template *pt, struct sandbox *sb);

/* pt's workload says agentenv.io/inject: "false". */
bool annot_opted_out(struct pod_template *pt);

#endif
