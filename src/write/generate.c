/*
 * generate — the loop over the sets of generated objects (see
 * generate.h).
 */
#include "generate.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dns.h"
#include "genobj.h"
#include "lists.h"
#include "policy.h"
#include "ynode.h"

/* Add an event to the comma-separated events, unless it is there. */
static bool add_event(void *data, const char *event, size_t len)
{
	struct buf *events = data;
	char *item = xmemdup0(event, len);

	if (!list_has(events->data, item)) {
		if (events->len)
			buf_addch(events, ',');
		buf_adds(events, item);
	}
	free(item);
	return true;
}

/* The hook events of every hook document, and the lowest weight. */
static void hook_details(struct gen *g, const struct stream *s)
{
	struct buf events = BUF_INIT;
	long long lowest = 0;
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct doc *d = &s->docs[i];

		/* (Helm skips a hook with an unknown event: so do we.) */
		if (!d->hook || d->stale || d->hook_unknown ||
		    pod_set_of(d->hook_events) != g->set)
			continue;
		if (d->hook_events)
			list_split(d->hook_events, strlen(d->hook_events),
				   add_event, &events);
		if (d->hook_weight < lowest)
			lowest = d->hook_weight;
	}
	g->hook_events = buf_detach(&events, NULL);
	/* (stream.c refuses weights too low to go before.) */
	g->hook_weight = lowest - HOOK_WEIGHT_BEFORE;
}

void generate_all(const struct stream *s, const struct sandbox *sb,
		  struct output *out)
{
	const struct settings *st = sb->settings;
	struct gen g = { 0 };
	int set;

	g.out = out;
	buf_init(&g.text);
	g.sb = sb;
	g.helm4 = s->helm4;
	if (st->labels)
		g.labels = ynode_string_pairs(st->labels, &g.labels_nr);
	if (st->annotations)
		g.annotations = ynode_string_pairs(st->annotations,
						   &g.annotations_nr);
	for (set = 0; set < NR_POD_SETS; set++) {
		if (!sb->has_set[set])
			continue;
		g.set = (enum pod_set)set;
		g.hook_events = NULL;
		g.hook_weight = 0;
		if (set != SET_RELEASE)
			hook_details(&g, s);
		dns_generate(&g);
		policy_generate(&g);
		free(g.hook_events);
	}
	buf_release(&g.text);
	if (g.labels)
		ynode_free_pairs(g.labels, g.labels_nr);
	if (g.annotations)
		ynode_free_pairs(g.annotations, g.annotations_nr);
}
