/*
 * helmcli — Helm's command line into a plan (see helmcli.h).
 *
 * The flag tables are those of Helm v3.17 and v4.1 (root, install,
 * upgrade, template). A flag missing here is refused for those commands
 * when written without '=' (we cannot tell whether the next word is its
 * value or the chart), so a new Helm flag costs an error message, never an
 * unsandboxed install.
 */
#include "helmcli.h"

#include <stdbool.h>
#include <string.h>

/* Long flags that take the next word as their value (without '='). */
static const char *const value_flags[] = {
	/* root (global) */
	"namespace", "kube-context", "kubeconfig", "kube-apiserver",
	"kube-as-user", "kube-as-group", "kube-ca-file", "kube-token",
	"kube-tls-server-name", "registry-config", "repository-cache",
	"repository-config", "burst-limit", "qps", "content-cache", "color",
	"colour",
	/* install, upgrade, template */
	"set", "set-string", "set-file", "set-json", "set-literal", "values",
	"timeout", "version", "repo", "username", "password", "cert-file",
	"key-file", "ca-file", "keyring", "post-renderer",
	"post-renderer-args", "description", "name-template", "labels",
	"output", "output-dir", "api-versions", "kube-version", "show-only",
	"history-max", "max-history",
};

/*
 * Flags whose kind differs per command. Helm 4's --server-side is a
 * string for upgrade ("true", "false", "auto": `helm upgrade --help` says
 * "--server-side string", and it has no default when written alone, so
 * "--server-side true" uses the next word) and a boolean for install and
 * template (pkg/cmd/upgrade.go and install.go of Helm v4.1). Helm 3 has
 * no --server-side: it refuses the flag itself.
 */
struct command_flag {
	const char *name;
	const char *command;	/* it takes a value for this command only */
};

static const struct command_flag command_value_flags[] = {
	{ "server-side", "upgrade" },
};

/* Long flags that never take the next word: booleans, optional values. */
static const char *const plain_flags[] = {
	"debug", "kube-insecure-skip-tls-verify", "help",
	"atomic", "cleanup-on-fail", "create-namespace", "dependency-update",
	"devel", "disable-openapi-validation", "dry-run", "enable-dns",
	"force", "force-conflicts", "force-replace", "generate-name",
	"hide-notes", "hide-secret", "include-crds", "insecure-skip-tls-verify",
	"install", "is-upgrade", "no-hooks", "pass-credentials", "plain-http",
	"recreate-pods", "release-name", "render-subchart-notes", "replace",
	"reset-values", "reset-then-reuse-values", "reuse-values",
	"rollback-on-failure", "skip-crds", "skip-schema-validation", "skip-tests",
	"take-ownership", "validate", "verify", "wait", "wait-for-jobs",
};

/* Shorthands: -n --namespace, -f --values, -l --labels, -o --output,
 * -a --api-versions, -s --show-only take a value; -g --generate-name,
 * -i --install, -h --help do not. */
static const char short_value[] = "nfloas";
static const char short_plain[] = "gih";

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool in_table(const char *const *table, size_t n, const char *name,
		     size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(table[i]) == len && !memcmp(table[i], name, len))
			return true;
	return false;
}

/* The settings agentenv-post takes release-wide, by their Helm key. */
static const char *const forwarded_keys[] = {
	"annotations", "labels", "corednsImage",
};

static bool is_forwarded_key(const char *key, size_t len)
{
	return in_table(forwarded_keys, ARRAY_SIZE(forwarded_keys), key, len);
}

void helm_plan_init(struct helm_plan *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->errors);
}

void helm_plan_release(struct helm_plan *p)
{
	words_release(&p->settings);
	buf_release(&p->errors);
	memset(p, 0, sizeof(*p));
}

__attribute__((format(printf, 2, 3)))
static void refuse(struct helm_plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&p->errors, fmt, ap);
	va_end(ap);
	buf_addch(&p->errors, '\n');
}

/* strconv.ParseBool's true/false (pflag's booleans). */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "1", "t", "T", "true", "TRUE",
					   "True" };
	static const char *const no[] = { "0", "f", "F", "false", "FALSE",
					  "False" };

	if (in_table(yes, ARRAY_SIZE(yes), s, strlen(s)))
		return 1;
	if (in_table(no, ARRAY_SIZE(no), s, strlen(s)))
		return 0;
	return -1;
}

/* ------------------------------------------------ --set, as strvals */

/* One key=value pair of a --set value, Helm's escapes resolved. */
struct set_pair {
	struct words segments;	/* the key, split at unescaped dots */
	bool indexed;		/* the key holds [N] */
	bool is_list;		/* the value is {a,b} */
	struct buf value;
	struct buf text;	/* the pair as written, for messages */
};

/*
 * Read one pair at *pos (Helm's strvals: backslash escapes the next
 * character in keys and values; '.' splits the key, '[' indexes it, '='
 * ends it; ',' ends the value; a value opening with '{' is a list up to
 * the next unescaped '}'). Returns false when the pair has no '='.
 */
static bool read_pair(const char **pos, struct set_pair *sp)
{
	const char *s = *pos, *start = s;
	struct buf seg = BUF_INIT;
	bool ok = false;

	for (;;) {
		char c = *s;

		if (c == '\\' && s[1]) {
			buf_addch(&seg, s[1]);
			s += 2;
		} else if (c == '.' || c == '=' || !c || c == ',') {
			words_addn(&sp->segments, seg.data, seg.len);
			buf_reset(&seg);
			if (c != '.')
				break;
			s++;
		} else if (c == '[') {
			/* key[N]: an index; the segment is the name before */
			sp->indexed = true;
			while (*s && *s != ']')
				s++;
			if (*s)
				s++;
		} else {
			buf_addch(&seg, c);
			s++;
		}
	}
	if (*s == '=') {
		ok = true;
		s++;
		if (*s == '{') {
			sp->is_list = true;
			while (*s && *s != '}')
				s += (*s == '\\' && s[1]) ? 2 : 1;
			if (*s)
				s++;
		}
		while (*s && *s != ',') {
			if (*s == '\\' && s[1])
				s++;
			buf_addch(&sp->value, *s++);
		}
	}
	buf_add(&sp->text, start, (size_t)(s - start));
	if (*s == ',')
		s++;
	*pos = s;
	buf_release(&seg);
	return ok;
}

static void forward_pair(struct helm_plan *p, const char *flag, bool typed,
			 struct set_pair *sp)
{
	const char *top = sp->segments.v[0];
	const char *shown = sp->text.data;
	bool is_image = !strcmp(top, "corednsImage");

	if (sp->indexed || sp->segments.nr != (is_image ? 1u : 2u) ||
	    !*sp->segments.v[sp->segments.nr - 1]) {
		if (is_image)
			refuse(p, "%s '%s': corednsImage takes one value: "
			       "write corednsImage=IMAGE", flag, shown);
		else
			refuse(p, "%s '%s': agentenv-helm forwards %s only "
			       "as %s.KEY=VALUE, one key: escape the dots "
			       "of KEY (%s.example\\.com/x=VALUE)", flag,
			       shown, top, top, top);
	} else if (sp->is_list) {
		refuse(p, "%s '%s': a list is no %s value: give one string",
		       flag, shown, is_image ? "corednsImage" : top);
	} else if (typed && !strcmp(sp->value.data, "null")) {
		refuse(p, "%s '%s': null removes the key from the chart's "
		       "values, which agentenv-post cannot follow: leave the "
		       "setting out, or use --set-string for the text "
		       "'null'", flag, shown);
	} else if (is_image) {
		words_add(&p->settings, "--coredns-image");
		words_add(&p->settings, sp->value.data);
	} else {
		struct buf kv = BUF_INIT;

		buf_addf(&kv, "%s=%s", sp->segments.v[1], sp->value.data);
		words_add(&p->settings, !strcmp(top, "labels") ?
			  "--label" : "--annotation");
		words_add(&p->settings, kv.data);
		buf_release(&kv);
	}
}

/* --set / --set-string VALUE: forward the pairs under our keys. */
static void read_set(struct helm_plan *p, const char *flag, bool typed,
		     const char *value)
{
	const char *pos = value;

	while (*pos) {
		struct set_pair sp = { WORDS_INIT, false, false, BUF_INIT,
				       BUF_INIT };
		bool has_value = read_pair(&pos, &sp);
		const char *top = sp.segments.v[0];

		if (is_forwarded_key(top, strlen(top))) {
			if (has_value)
				forward_pair(p, flag, typed, &sp);
			else
				refuse(p, "%s '%s': no '=VALUE'", flag,
				       sp.text.data);
		}
		words_release(&sp.segments);
		buf_release(&sp.value);
		buf_release(&sp.text);
	}
}

/*
 * --set-file, --set-json, --set-literal: Helm gives their values to the
 * chart only; we forward nothing from them, so they may not name our keys.
 */
static void read_other_set(struct helm_plan *p, const char *flag,
			   const char *value)
{
	const char *pos = value;
	size_t i;

	if (*value == '{') {	/* --set-json's whole-object form */
		for (i = 0; i < ARRAY_SIZE(forwarded_keys); i++) {
			struct buf quoted = BUF_INIT;

			buf_addf(&quoted, "\"%s\"", forwarded_keys[i]);
			if (strstr(value, quoted.data))
				refuse(p, "%s: agentenv-helm forwards %s only "
				       "from --set or --set-string", flag,
				       forwarded_keys[i]);
			buf_release(&quoted);
		}
		return;
	}
	while (*pos) {
		struct set_pair sp = { WORDS_INIT, false, false, BUF_INIT,
				       BUF_INIT };
		const char *top;

		read_pair(&pos, &sp);
		top = sp.segments.v[0];
		if (is_forwarded_key(top, strlen(top)))
			refuse(p, "%s '%s': agentenv-helm forwards %s only "
			       "from --set or --set-string: write it there",
			       flag, sp.text.data, top);
		words_release(&sp.segments);
		buf_release(&sp.value);
		buf_release(&sp.text);
		if (!strcmp(flag, "--set-literal"))
			break;	/* the rest is the literal value */
	}
}

/* ------------------------------------------------------- the argv walk */

struct walk {
	struct helm_plan *p;
	const char *command;
	struct words positional;	/* after the command */
	bool post_renderer, help, generate_name, name_template;
	bool empty_post_renderer;	/* --post-renderer= */
	bool unknown_flag;		/* one written without '=' */
	const char *unknown;		/* the first such flag */
};

static void flag_value(struct walk *w, const char *name, size_t len,
		       const char *value)
{
	struct helm_plan *p = w->p;

#define IS(s) (len == strlen(s) && !memcmp(name, s, len))
	if (IS("namespace") || IS("n")) {
		p->namespace = value;
	} else if (IS("post-renderer")) {
		/* Helm ignores an empty value: no post-renderer at all. */
		if (*value)
			w->post_renderer = true;
		else
			w->empty_post_renderer = true;
	} else if (IS("output-dir")) {
		p->output_dir = *value ? value : NULL;	/* "": stdout */
	} else if (IS("name-template")) {
		w->name_template = true;
	} else if (IS("set")) {
		read_set(p, "--set", true, value);
	} else if (IS("set-string")) {
		read_set(p, "--set-string", false, value);
	} else if (IS("set-file") || IS("set-json") || IS("set-literal")) {
		struct buf flag = BUF_INIT;

		buf_addf(&flag, "--%.*s", (int)len, name);
		read_other_set(p, flag.data, value);
		buf_release(&flag);
	}
#undef IS
}

static void flag_plain(struct walk *w, const char *name, size_t len,
		       const char *value)
{
	int on = value ? parse_bool(value) : 1;

	if ((len == 4 && !memcmp(name, "help", 4)) || (len == 1 && *name == 'h'))
		w->help = on != 0;
	else if ((len == 13 && !memcmp(name, "generate-name", 13)) ||
		 (len == 1 && *name == 'g'))
		w->generate_name = on != 0;
}

static const struct command_flag *command_flag(const char *name,
					       size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(command_value_flags); i++)
		if (strlen(command_value_flags[i].name) == len &&
		    !memcmp(command_value_flags[i].name, name, len))
			return &command_value_flags[i];
	return NULL;
}

/*
 * A long flag arg, next the word after it (NULL: none); returns whether
 * the flag took next as its value.
 */
static bool long_flag(struct walk *w, const char *arg, const char *next)
{
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct command_flag *cf = command_flag(name, len);

	if (cf)	/* its value after '=', a boolean, or the next word */
		return !eq && w->command && !strcmp(w->command, cf->command);
	if (in_table(value_flags, ARRAY_SIZE(value_flags), name, len)) {
		if (eq) {
			flag_value(w, name, len, eq + 1);
			return false;
		}
		if (next)
			flag_value(w, name, len, next);
		return true;
	}
	if (in_table(plain_flags, ARRAY_SIZE(plain_flags), name, len)) {
		flag_plain(w, name, len, eq ? eq + 1 : NULL);
		return false;
	}
	if (!eq && !w->unknown_flag) {
		w->unknown_flag = true;
		w->unknown = arg;
	}
	return false;
}

/* Shorthands in arg ("-gi", "-nNS", "-n=NS", "-n NS"), as long_flag. */
static bool short_flags(struct walk *w, const char *arg, const char *next)
{
	const char *s = arg + 1;

	for (; *s; s++) {
		if (strchr(short_value, *s)) {
			const char *v = s + 1;

			if (*v == '=')
				v++;
			if (*v) {
				flag_value(w, s, 1, v);
				return false;
			}
			if (next)
				flag_value(w, s, 1, next);
			return true;
		}
		if (strchr(short_plain, *s)) {
			flag_plain(w, s, 1, NULL);
			continue;
		}
		if (!w->unknown_flag) {
			w->unknown_flag = true;
			w->unknown = arg;
		}
		return false;
	}
	return false;
}

static bool renders(const char *command)
{
	return command && (!strcmp(command, "install") ||
			   !strcmp(command, "upgrade") ||
			   !strcmp(command, "template"));
}

/*
 * The index of the command word in argv, or -1, found as Cobra finds it
 * (stripFlags in command.go of spf13/cobra v1.8 and v1.10, which Helm 3.17
 * and 4.1 use): before the command only the root's flags are known, so
 * every "--flag" without '=' that is not one of the root's booleans, and
 * every two-character "-x" without '=', takes the next word, whatever the
 * command later makes of the flag. "helm --wait x install c" is the
 * command install, whose own flags then read --wait as a boolean and "x"
 * as the release name.
 */
static int find_command(int argc, char *const argv[])
{
	static const char *const root_booleans[] = {
		"debug", "kube-insecure-skip-tls-verify", "help",
	};
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return -1;
		if (a[0] == '-' && a[1] == '-' && !strchr(a, '=')) {
			if (!in_table(root_booleans, ARRAY_SIZE(root_booleans),
				      a + 2, strlen(a + 2)))
				i++;	/* its value */
		} else if (a[0] == '-' && a[1] && !a[2]) {
			if (a[1] != 'h')
				i++;
		} else if (a[0] != '-' && a[0]) {
			return i;
		}
	}
	return -1;
}

void helmcli_plan(int argc, char *const argv[], struct helm_plan *p)
{
	struct walk w;
	int first_positional = -1, command_at = find_command(argc, argv);
	bool flags_done = false;
	int i;

	memset(&w, 0, sizeof(w));
	w.p = p;
	w.command = command_at < 0 ? NULL : argv[command_at];
	p->action = HELM_RUN;
	p->insert_at = (size_t)argc;
	/* Then the command's own flags read every word but the command. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int next = i + 1 == command_at ? i + 2 : i + 1;
		const char *next_word = next < argc ? argv[next] : NULL;

		if (i == command_at) {
			continue;
		} else if (!flags_done && !strcmp(a, "--")) {
			flags_done = true;
			p->insert_at = (size_t)i;
		} else if (!flags_done && a[0] == '-' && a[1] == '-') {
			if (long_flag(&w, a, next_word))
				i = next;
		} else if (!flags_done && a[0] == '-' && a[1]) {
			if (short_flags(&w, a, next_word))
				i = next;
		} else {
			if (first_positional < 0)
				first_positional = i;
			words_add(&w.positional, a);
		}
	}
	if (!renders(w.command) || w.help ||
	    (w.post_renderer && !w.empty_post_renderer)) {
		/* Not ours to change: no settings, no refusal. */
		buf_reset(&p->errors);
		words_release(&p->settings);
		p->output_dir = NULL;
		words_release(&w.positional);
		return;
	}
	p->command = w.command;
	if (w.empty_post_renderer)
		refuse(p, "--post-renderer '': an empty value names no "
		       "post-renderer, so Helm would %s the chart "
		       "unsandboxed: remove it (agentenv-helm then adds "
		       "agentenv-post) or name a post-renderer",
		       strcmp(w.command, "template") ? "install" : "render");
	if (w.unknown_flag)
		refuse(p, "unknown flag '%s': agentenv-helm cannot tell "
		       "whether it takes the next word as its value, so it "
		       "cannot find the release: write it as %s=VALUE (a "
		       "boolean as %s=true)", w.unknown, w.unknown,
		       w.unknown);
	p->action = p->errors.len ? HELM_REFUSE : HELM_POST_RENDER;
	/* install/upgrade/template [NAME] CHART; template's default name. */
	if (w.generate_name || w.name_template)
		p->release = NULL;	/* Helm makes the name up */
	else if (w.positional.nr == 2)
		p->release = argv[first_positional];
	else if (w.positional.nr == 1 && !strcmp(w.command, "template"))
		p->release = "release-name";
	words_release(&w.positional);
}
