/*
 * sandbox — the data model's small helpers (see sandbox.h).
 */
#include "sandbox.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lists.h"
#include "vocab.h"
#include "ynode.h"

void strlist_add(struct strlist *l, const char *s, size_t len)
{
	l->items = xgrow(l->items, sizeof(*l->items), l->nr + 1, &l->alloc);
	l->items[l->nr++] = xmemdup0(s, len);
}

bool strlist_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->items[i], s))
			return true;
	return false;
}

void strlist_release(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void port_list_add(struct port_list *l, unsigned number,
		   enum protocol protocol)
{
	if (port_list_has(l, number, protocol))
		return;
	l->items = xgrow(l->items, sizeof(*l->items), l->nr + 1, &l->alloc);
	l->items[l->nr].number = number;
	l->items[l->nr].protocol = protocol;
	l->nr++;
}

bool port_list_has(const struct port_list *l, unsigned number,
		   enum protocol protocol)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->items[i].number == number &&
		    l->items[i].protocol == protocol)
			return true;
	return false;
}

void port_list_release(struct port_list *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

bool egress_is_empty(const struct egress *e)
{
	return !e->domains.nr && !e->nr_ports && !e->cidrs.nr &&
	       !e->entities.nr;
}

bool egress_allows_world(const struct egress *e)
{
	return strlist_has(&e->entities, "world") ||
	       strlist_has(&e->entities, ENTITY_ALL);
}

const char *const dns_lifting_entities[NR_DNS_LIFTING_ENTITIES] = {
	ENTITY_CLUSTER, "host", ENTITY_ALL, "world",
};

bool entity_lifts_dns_filtering(const char *entity)
{
	size_t i;

	for (i = 0; i < NR_DNS_LIFTING_ENTITIES; i++)
		if (!strcmp(entity, dns_lifting_entities[i]))
			return true;
	return false;
}

void egress_release(struct egress *e)
{
	size_t i;

	strlist_release(&e->domains);
	for (i = 0; i < e->nr_ports; i++)
		free(e->ports[i].domain);
	free(e->ports);
	strlist_release(&e->cidrs);
	strlist_release(&e->entities);
	memset(e, 0, sizeof(*e));
}

bool service_wants_dns(const struct service *svc)
{
	return svc->dns_record || svc->dns_records.nr || svc->nr_ports;
}

void service_release(struct service *svc)
{
	free(svc->name);
	strlist_release(&svc->dns_records);
	free(svc->ports);
	strlist_release(&svc->networks);
	egress_release(&svc->egress);
	port_list_release(&svc->allow_ingress);
	free(svc->runtime_class);
	free(svc->dns_name);
	free(svc->compat_name);
	memset(svc, 0, sizeof(*svc));
}

void settings_release(struct settings *st)
{
	free(st->release);
	free(st->namespace);
	egress_release(&st->egress);
	port_list_release(&st->allow_ingress);
	strlist_release(&st->option_annotations);
	strlist_release(&st->option_labels);
	free(st->option_coredns_image);
	if (st->label_pairs)
		ynode_free_pairs(st->label_pairs, st->label_pairs_nr);
	if (st->values_doc)
		fy_document_destroy(st->values_doc);
	memset(st, 0, sizeof(*st));
}

enum pod_set pod_set_of(const char *hook_events)
{
	if (!hook_events)
		return SET_RELEASE;
	return list_has(hook_events, "test") ? SET_TEST : SET_HOOK;
}

const char *pod_set_infix(enum pod_set set)
{
	static const char *const infix[NR_POD_SETS] = {
		[SET_RELEASE] = NULL,
		[SET_HOOK] = "hook",
		[SET_TEST] = "test-hook",
	};

	return infix[set];
}

bool exposed_selects(const struct exposed *e, size_t k)
{
	size_t i;

	for (i = 0; i < e->nr_services; i++)
		if (e->services[i] == k)
			return true;
	return false;
}

void sandbox_init(struct sandbox *sb, const struct settings *st)
{
	memset(sb, 0, sizeof(*sb));
	sb->settings = st;
}

void sandbox_release(struct sandbox *sb)
{
	size_t i;

	for (i = 0; i < sb->nr; i++)
		service_release(&sb->services[i]);
	free(sb->services);
	free(sb->release);
	free(sb->namespace);
	free(sb->prefix);
	for (i = 0; i < NR_POD_SETS; i++) {
		free(sb->set_prefix[i]);
		free(sb->coredns_configmap[i]);
		free(sb->resolv_configmap[i]);
	}
	strlist_release(&sb->kept_policies);
	for (i = 0; i < sb->nr_exposed; i++) {
		free(sb->exposed[i].name);
		free(sb->exposed[i].type);
		strlist_release(&sb->exposed[i].ports);
		free(sb->exposed[i].services);
	}
	free(sb->exposed);
	strlist_release(&sb->pod_subdomains);
	memset(sb, 0, sizeof(*sb));
}

struct service *sandbox_add_service(struct sandbox *sb)
{
	struct service *svc;

	sb->services = xgrow(sb->services, sizeof(*sb->services), sb->nr + 1,
			     &sb->alloc);
	svc = &sb->services[sb->nr++];
	memset(svc, 0, sizeof(*svc));
	return svc;
}

struct service *sandbox_find(const struct sandbox *sb, const char *name)
{
	size_t i;

	for (i = 0; i < sb->nr; i++)
		if (!strcmp(sb->services[i].name, name))
			return &sb->services[i];
	return NULL;
}
