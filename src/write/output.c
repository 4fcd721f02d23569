/*
 * output — the post-rendered stream in pieces (see output.h).
 */
#include "output.h"

void output_init(struct output *o, output_sink_fn *sink, void *data)
{
	o->sink = sink;
	o->data = data;
	buf_init(&o->pending);
	o->written = 0;
}

void output_flush(struct output *o)
{
	if (!o->pending.len)
		return;
	o->sink(o->data, o->pending.data, o->pending.len);
	o->written += o->pending.len;
	buf_reset(&o->pending);
}

void output_add(struct output *o, const char *bytes, size_t len)
{
	if (o->pending.len + len < OUTPUT_CHUNK) {
		buf_add(&o->pending, bytes, len);
		return;
	}
	output_flush(o);
	if (len < OUTPUT_CHUNK) {
		buf_add(&o->pending, bytes, len);
		return;
	}
	o->sink(o->data, bytes, len);	/* a large piece: no copy */
	o->written += len;
}

void output_release(struct output *o)
{
	buf_release(&o->pending);
}

void output_to_buf(void *data, const char *bytes, size_t len)
{
	buf_add(data, bytes, len);
}
