/*
 * helmcli — a Helm command line into agentenv-helm's plan: run it as it
 * is, or add agentenv-post as its post-renderer, or refuse it.
 *
 * A pure function of argv (no environment, no I/O), so that a table of
 * command lines tests it. It reads argv as Helm 3 and 4 (Cobra, pflag) do
 * for the flags of the root command and of install, upgrade and template:
 * "--flag VALUE" and "--flag=VALUE" for flags that take a value, "-n NS",
 * "-nNS", "-n=NS" for their shorthands, flags anywhere among the
 * arguments, and "--" ending the flags. Flags with an optional value
 * (--wait, --dry-run) and booleans take one only after '='; Helm 4's
 * --server-side takes the next word for upgrade only (a boolean for
 * install and template), and before the command it is refused unless
 * written with '='.
 *
 * The plan:
 *  - HELM_RUN: any other command (uninstall, list, version, plugin, ...),
 *    --help, and install/upgrade/template that already name
 *    --post-renderer (with a value: an empty one names none, and is
 *    refused): run exactly as given;
 *  - HELM_POST_RENDER: install, upgrade (with or without --install) and
 *    template: add the post-renderer, its arguments before "--" (or at the
 *    end); release and namespace as Helm will use them (NULL: unknown:
 *    --generate-name, --name-template, no --namespace), and the
 *    agentenv-post options for the release-wide settings given with
 *    --set/--set-string: annotations.KEY=VALUE (--annotation KEY=VALUE),
 *    labels.KEY=VALUE (--label KEY=VALUE), corednsImage=IMAGE
 *    (--coredns-image IMAGE), in Helm's own escaping (a\.b is "a.b");
 *    output_dir is template's --output-dir, which the caller refuses
 *    where Helm does not post-render it (Helm 3: it needs the version);
 *  - HELM_REFUSE: a command that would install or render but cannot be
 *    read for sure (an unknown flag written without '=': does it take the
 *    next word?) or sets those keys in a form we do not forward (a list,
 *    a nested key, null, --set-json/--set-file/--set-literal), or names
 *    an empty --post-renderer (Helm: no post-renderer). Running it
 *    without the sandbox is what a fail-closed tool must not do; errors
 *    holds one line per problem (without a prefix).
 *
 * Every argument of the user stays; agentenv-helm only adds.
 */
#ifndef AGENTENV_HELMCLI_H
#define AGENTENV_HELMCLI_H

#include <stddef.h>

#include "buf.h"
#include "words.h"

enum helm_action {
	HELM_RUN,
	HELM_POST_RENDER,
	HELM_REFUSE,
};

struct helm_plan {
	enum helm_action action;
	const char *command;	/* install, upgrade, template; or NULL */
	const char *release;	/* points into argv, or a static string */
	const char *namespace;	/* points into argv; NULL: not given */
	const char *output_dir;	/* --output-dir DIR; NULL: stdout */
	size_t insert_at;	/* where added arguments go in argv */
	struct words settings;	/* --annotation K=V, --label K=V, ... */
	struct buf errors;	/* HELM_REFUSE: one line per problem */
};

void helm_plan_init(struct helm_plan *p);
void helm_plan_release(struct helm_plan *p);

/* Read argv[1..argc-1] (argv[0] is the program) into p. */
void helmcli_plan(int argc, char *const argv[], struct helm_plan *p);

#endif
