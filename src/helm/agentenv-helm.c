/*
 * agentenv-helm — a drop-in `helm` that post-renders install, upgrade and
 * template through agentenv-post (CONTRACT.md, "With k8s_sandbox").
 *
 * k8s_sandbox runs `helm` from PATH with a fixed argument list and no way
 * to name a post-renderer; a `helm` link to this program first on PATH
 * adds one. src/helmcli.c reads the command line into a plan; this file
 * carries it out:
 *  - HELM_RUN: exec the real Helm with the arguments unchanged;
 *  - HELM_REFUSE: the plan's messages, exit 1, Helm not run (also
 *    `template --output-dir` under Helm 3, which skips the post-renderer
 *    there);
 *  - HELM_POST_RENDER: add `--post-renderer X` and agentenv-post's
 *    arguments (--release, --namespace, the release-wide settings of
 *    --set, then the words of AGENTENV_POST_ARGS) as
 *    `--post-renderer-args=WORD`. Helm 3: X is agentenv-post's absolute
 *    path and Helm is exec'd. Helm 4: X is the plugin `agentenv-post`
 *    (checked with `helm plugin list`); Helm runs as a child with
 *    AGENTENV_POST_LOG naming a file in a private directory, which
 *    agentenv-post writes its messages to; Helm 4 hides them, so when
 *    Helm fails the file goes to stderr. The directory goes when Helm
 *    exits, also when a signal (forwarded to Helm) ends the run.
 *
 * Exit status, stdout and stderr are Helm's (exec, or the child's status;
 * a child killed by a signal kills us with it); agentenv-helm's own
 * problems are one line each on stderr and exit 1.
 *
 * Why a C program and not a script: AGENTENV_POST_ARGS must be split as a
 * shell splits words without running a shell, the signal handling and
 * temporary directory must be exact, and a static binary ships in the
 * plugin tarball beside agentenv-post. Why a program of its own and not
 * agentenv-post dispatching on its name: agentenv-post stays a pure
 * filter, and this one needs no libfyaml. Why options (--annotation,
 * --label, --coredns-image) and not a temporary values file for the --set
 * settings: agentenv-post takes one --values, which a user may already
 * give in AGENTENV_POST_ARGS, and options leave nothing to clean up.
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "helmcli.h"
#include "words.h"

#define ME "agentenv-helm"
#define PLUGIN "agentenv-post"
/* The pid of the agentenv-helm that ran this Helm: a loop back to us. */
#define GUARD_ENV "AGENTENV_HELM_PID"

__attribute__((format(printf, 1, 2)))
static void error(const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, ME ": error: %s\n", msg.data);
	buf_release(&msg);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool executable_file(const char *path, struct stat *st)
{
	return !stat(path, st) && S_ISREG(st->st_mode) && !access(path, X_OK);
}

/*
 * path as an absolute path, its last component kept: never resolve the
 * link itself, since some programs dispatch on the name they are run by
 * (/snap/bin/helm is a link to /usr/bin/snap).
 */
static char *absolute(const char *path)
{
	struct buf abs = BUF_INIT;
	char cwd[PATH_MAX];

	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		buf_addf(&abs, "%s/", cwd);
	}
	buf_adds(&abs, path);
	return buf_detach(&abs, NULL);
}

/* The first NAME on PATH for which accept() holds, as an absolute path. */
static char *path_lookup(const char *name,
			 bool (*accept)(const struct stat *, const void *),
			 const void *data)
{
	const char *path = getenv("PATH");
	const char *p = path ? path : "";
	struct buf cand = BUF_INIT;
	char *found = NULL;

	while (!found) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		struct stat st;

		buf_reset(&cand);
		if (len)
			buf_add(&cand, p, len);
		else
			buf_addch(&cand, '.');	/* an empty entry: here */
		buf_addf(&cand, "/%s", name);
		if (executable_file(cand.data, &st) &&
		    (!accept || accept(&st, data)))
			found = absolute(cand.data);
		if (!colon)
			break;
		p = colon + 1;
	}
	buf_release(&cand);
	return found;
}

static bool not_self(const struct stat *st, const void *self)
{
	return !same_file(st, self);
}

/* The real Helm: $AGENTENV_HELM, else the next helm on PATH not us. */
static char *find_real_helm(const struct stat *self)
{
	const char *pinned = getenv("AGENTENV_HELM");
	struct stat st;
	char *helm;

	if (pinned && *pinned) {
		if (!executable_file(pinned, &st)) {
			error("AGENTENV_HELM '%s': not an executable file: "
			      "name the real Helm binary", pinned);
			return NULL;
		}
		if (same_file(&st, self)) {
			error("AGENTENV_HELM '%s' is agentenv-helm itself, "
			      "which would run itself forever: name the real "
			      "Helm binary", pinned);
			return NULL;
		}
		return absolute(pinned);
	}
	helm = path_lookup("helm", not_self, self);
	if (!helm)
		error("no real helm on PATH after agentenv-helm: install "
		      "Helm, or set AGENTENV_HELM=/path/to/helm");
	return helm;
}

/* Run argv with stdout and stderr into out; its exit status, or -1. */
static int run_capture(char *const argv[], struct buf *out)
{
	int fds[2], status;
	char chunk[4096];
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (out->len < (1u << 20))
			buf_add(out, chunk, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The last line of text, for a message. */
static const char *last_line(struct buf *text)
{
	char *end;

	while (text->len && text->data[text->len - 1] == '\n')
		text->data[--text->len] = '\0';
	end = strrchr(text->data, '\n');
	return end ? end + 1 : text->data;
}

/* Helm's major version: $AGENTENV_HELM_MAJOR, else `helm version --short`. */
static int helm_major(const char *helm)
{
	const char *pinned = getenv("AGENTENV_HELM_MAJOR");
	char *argv[] = { (char *)helm, "version", "--short", NULL };
	struct buf out = BUF_INIT;
	int major = 0;
	char *line;

	if (pinned && *pinned) {
		if (!strcmp(pinned, "3") || !strcmp(pinned, "4"))
			return *pinned - '0';
		error("AGENTENV_HELM_MAJOR '%s': use 3 or 4", pinned);
		return 0;
	}
	if (run_capture(argv, &out) == 0) {
		/* "v3.17.3+g..." (after any warnings Helm prints first) */
		for (line = out.data; line && !major;
		     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
			if (line[0] == 'v' && line[1] >= '1' &&
			    line[1] <= '9' && line[2] == '.')
				major = line[1] - '0';
	}
	if (!major)
		error("cannot tell the major version of %s from `helm version "
		      "--short` ('%s'): set AGENTENV_HELM_MAJOR=3 or 4", helm,
		      last_line(&out));
	buf_release(&out);
	return major;
}

/* The directory this program is in (links resolved), or NULL. */
static char *own_dir(void)
{
	char *exe = realpath("/proc/self/exe", NULL);
	char *slash = exe ? strrchr(exe, '/') : NULL;

	if (!slash) {
		free(exe);
		return NULL;
	}
	*slash = '\0';
	return exe;
}

/* Helm 3: agentenv-post beside this program, else on PATH. */
static char *find_post_renderer(void)
{
	char *dir = own_dir();
	struct buf path = BUF_INIT;
	struct stat st;
	char *found = NULL;

	if (dir) {
		buf_addf(&path, "%s/" PLUGIN, dir);
		if (executable_file(path.data, &st))
			found = buf_detach(&path, NULL);
	}
	if (!found)
		found = path_lookup(PLUGIN, NULL, NULL);
	if (!found)
		error("agentenv-post is neither beside agentenv-helm (%s) nor "
		      "on PATH: install both (make install)", dir ? dir : "?");
	buf_release(&path);
	free(dir);
	return found;
}

/* Helm 4: the plugin must be installed; say how when it is not. */
static bool plugin_installed(const char *helm)
{
	char *argv[] = { (char *)helm, "plugin", "list", NULL };
	struct buf out = BUF_INIT, hint = BUF_INIT;
	char *dir = own_dir();
	const char *line;
	bool found = false;
	struct stat st;

	if (run_capture(argv, &out) == 0)
		for (line = out.data; line && !found;
		     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
			found = !strncmp(line, PLUGIN, strlen(PLUGIN)) &&
				(line[strlen(PLUGIN)] == ' ' ||
				 line[strlen(PLUGIN)] == '\t');
	if (!found) {
		/* Run from a source checkout or the plugin's own directory? */
		if (dir)
			buf_addf(&hint, "%s/plugin.yaml", dir);
		if (dir && !stat(hint.data, &st)) {
			buf_reset(&hint);
			buf_addf(&hint, "%s plugin install %s", helm, dir);
		} else {
			buf_reset(&hint);
			buf_addf(&hint, "%s plugin install /path/to/agentenv-post "
				 "(a source checkout), or %s plugin install "
				 "agentenv-post-VERSION.tgz --verify=false",
				 helm, helm);
		}
		error("Helm 4 (%s) has no plugin '" PLUGIN "', which it needs "
		      "as its post-renderer: run %s", helm, hint.data);
	}
	buf_release(&out);
	buf_release(&hint);
	free(dir);
	return found;
}

/* ---------------------------------------------------- the Helm 4 child */

static volatile pid_t child;
static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NR_FORWARDED (sizeof(forwarded_signals) / sizeof(forwarded_signals[0]))

static void forward_signal(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void copy_to_stderr(const char *path)
{
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(STDERR_FILENO, chunk, (size_t)n) != n)
			break;
	}
	close(fd);
}

/*
 * Run Helm 4 as a child with a private AGENTENV_POST_LOG; after a failure
 * print the log. Returns the child's wait status, or -1.
 */
static int run_helm4(char *const argv[])
{
	const char *tmpdir = getenv("TMPDIR");
	struct buf dir = BUF_INIT, log = BUF_INIT;
	struct sigaction sa, old[NR_FORWARDED];
	sigset_t block, saved;
	int status = -1;
	size_t i;
	pid_t pid;

	buf_addf(&dir, "%s/agentenv-helm.XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir.data)) {
		error("cannot make a private directory %s: %s", dir.data,
		      strerror(errno));
		buf_release(&dir);
		return -1;
	}
	buf_addf(&log, "%s/agentenv-post.log", dir.data);
	if (setenv("AGENTENV_POST_LOG", log.data, 1)) {
		error("cannot set AGENTENV_POST_LOG: %s", strerror(errno));
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < NR_FORWARDED; i++)
		sigaddset(&block, forwarded_signals[i]);
	/* No signal between fork() and knowing the child's pid. */
	sigprocmask(SIG_BLOCK, &block, &saved);
	for (i = 0; i < NR_FORWARDED; i++)
		sigaction(forwarded_signals[i], &sa, &old[i]);
	pid = fork();
	if (!pid) {
		for (i = 0; i < NR_FORWARDED; i++)
			sigaction(forwarded_signals[i], &old[i], NULL);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		execv(argv[0], argv);
		error("cannot run %s: %s", argv[0], strerror(errno));
		_exit(1);
	}
	child = pid;
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (pid < 0) {
		error("cannot run %s: %s", argv[0], strerror(errno));
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		child = 0;
	}
	for (i = 0; i < NR_FORWARDED; i++)
		sigaction(forwarded_signals[i], &old[i], NULL);
	if (status != -1 && !(WIFEXITED(status) && !WEXITSTATUS(status)))
		copy_to_stderr(log.data);
out:
	unlink(log.data);
	rmdir(dir.data);
	buf_release(&log);
	buf_release(&dir);
	return status;
}

/* ------------------------------------------------------------- main */

/*
 * `template --output-dir DIR`: refused where Helm writes the files
 * without the post-renderer. What this relies on is Helm's
 * renderResources (pkg/action/action.go): in v3.17 the manifests go to
 * the files in DIR and the post-renderer runs afterwards on what is left
 * for stdout (nothing), so DIR holds the chart unsandboxed, exit 0; in
 * v4.0 to v4.2 the post-renderer runs on all the rendered files first,
 * and they are written (or printed) afterwards, so Helm 4 sandboxes DIR
 * (tests/agentenv-helm.sh checks both with the real Helms).
 */
static bool output_dir_rendered(const struct helm_plan *plan, int major)
{
	if (!plan->output_dir || major >= 4)
		return true;
	error("%s --output-dir '%s': Helm 3 writes these files without "
	      "running the post-renderer, so they would not be sandboxed: "
	      "render to stdout instead (helm template ... > FILE), or use "
	      "Helm 4, which post-renders them", plan->command,
	      plan->output_dir);
	return false;
}

/* agentenv-post's arguments for this plan; false after a refusal. */
static bool post_args(const struct helm_plan *plan, struct words *out)
{
	const char *env = getenv("AGENTENV_POST_ARGS");
	const char *why;
	size_t i, at;

	if (plan->release) {
		words_add(out, "--release");
		words_add(out, plan->release);
	}
	if (plan->namespace && *plan->namespace) {	/* "": Helm's default */
		words_add(out, "--namespace");
		words_add(out, plan->namespace);
	}
	for (i = 0; i < plan->settings.nr; i++)
		words_add(out, plan->settings.v[i]);
	if (env && !words_split(env, out, &why, &at)) {
		error("AGENTENV_POST_ARGS, character %zu: \"%c\" %s", at + 1,
		      env[at], why);
		return false;
	}
	return true;
}

/* argv with --post-renderer X and its arguments added at plan's place. */
static void add_post_renderer(int argc, char *argv[], const char *helm,
			      const struct helm_plan *plan,
			      const char *renderer, const struct words *args,
			      struct words *out)
{
	struct buf arg = BUF_INIT;
	size_t i;

	words_add(out, helm);
	for (i = 1; i < plan->insert_at; i++)
		words_add(out, argv[i]);
	words_add(out, "--post-renderer");
	words_add(out, renderer);
	for (i = 0; i < args->nr; i++) {
		buf_reset(&arg);
		buf_addf(&arg, "--post-renderer-args=%s", args->v[i]);
		words_add(out, arg.data);
	}
	for (i = plan->insert_at; i < (size_t)argc; i++)
		words_add(out, argv[i]);
	buf_release(&arg);
}

/* A guard for a `helm` that is agentenv-helm again (a copy, say). */
static bool looped(void)
{
	const char *guard = getenv(GUARD_ENV);
	struct buf me = BUF_INIT, parent = BUF_INIT;
	bool loop;

	if (!guard)
		return false;
	buf_addf(&me, "%ld", (long)getpid());
	buf_addf(&parent, "%ld", (long)getppid());
	loop = !strcmp(guard, me.data) || !strcmp(guard, parent.data);
	buf_release(&me);
	buf_release(&parent);
	return loop;
}

static void set_guard(void)
{
	struct buf pid = BUF_INIT;

	buf_addf(&pid, "%ld", (long)getpid());
	setenv(GUARD_ENV, pid.data, 1);
	buf_release(&pid);
}

int main(int argc, char *argv[])
{
	struct helm_plan plan;
	struct words args = WORDS_INIT, cmd = WORDS_INIT;
	struct stat self;
	char *helm = NULL, *renderer = NULL;
	int status = 1, major;

	helm_plan_init(&plan);
	if (stat("/proc/self/exe", &self)) {
		error("cannot find this program (/proc/self/exe): %s",
		      strerror(errno));
		return 1;
	}
	if (looped()) {
		error("the helm agentenv-helm runs is agentenv-helm again: "
		      "set AGENTENV_HELM to the real Helm binary");
		return 1;
	}
	helm = find_real_helm(&self);
	if (!helm)
		return 1;
	set_guard();
	helmcli_plan(argc, argv, &plan);
	if (plan.action == HELM_RUN) {
		argv[0] = helm;
		execv(helm, argv);
		error("cannot run %s: %s", helm, strerror(errno));
		goto out;
	}
	if (plan.action == HELM_REFUSE) {
		const char *line = plan.errors.data, *end;

		for (; *line; line = end + 1) {
			end = strchr(line, '\n');
			error("%.*s", (int)(end - line), line);
		}
		goto out;
	}
	major = helm_major(helm);
	if (!major || !output_dir_rendered(&plan, major) ||
	    !post_args(&plan, &args))
		goto out;
	if (major >= 4) {
		if (!plugin_installed(helm))
			goto out;
		add_post_renderer(argc, argv, helm, &plan, PLUGIN, &args,
				  &cmd);
		status = run_helm4(cmd.v);
		if (status == -1) {
			status = 1;
		} else if (WIFSIGNALED(status)) {
			signal(WTERMSIG(status), SIG_DFL);
			raise(WTERMSIG(status));
			status = 128 + WTERMSIG(status);
		} else {
			status = WEXITSTATUS(status);
		}
		goto out;
	}
	renderer = find_post_renderer();
	if (!renderer)
		goto out;
	add_post_renderer(argc, argv, helm, &plan, renderer, &args, &cmd);
	execv(helm, cmd.v);
	error("cannot run %s: %s", helm, strerror(errno));
out:
	words_release(&cmd);
	words_release(&args);
	helm_plan_release(&plan);
	free(renderer);
	free(helm);
	return status;
}
