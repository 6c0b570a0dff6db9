/* Running the traced programs under the preload library. */
#include "trace/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/record.h"

extern char **environ;

/* execvp's search: a name with a slash is taken as it is. */
static int path_search(const char *prog, char *out, size_t n)
{
	const char *path = getenv("PATH");

	if (strchr(prog, '/')) {
		snprintf(out, n, "%s", prog);
		return access(out, X_OK);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);

		snprintf(out, n, "%.*s/%s", (int)len, len ? path : ".", prog);
		if (access(out, X_OK) == 0)
			return 0;
		path += len + (colon ? 1 : 0);
	}
	return -1;
}

int tr_spawn_resolve(const char *prog, char *out, size_t n, char *why, size_t whyn)
{
	char line[256];

	if (path_search(prog, out, n) < 0) {
		snprintf(why, whyn, "cannot run '%s': %s", prog,
			 strchr(prog, '/') ? strerror(errno) : "not found in PATH");
		return -1;
	}
	/* Follow at most a few "#!" hops (a script run by a script). */
	for (int hop = 0; hop < 4; hop++) {
		FILE *f = fopen(out, "re");
		char interp[256], arg[256];
		int got;

		if (!f)
			return 0;
		if (!fgets(line, sizeof line, f) || strncmp(line, "#!", 2) != 0) {
			fclose(f);
			return 0;
		}
		fclose(f);
		got = sscanf(line + 2, " %255s %255s", interp, arg);
		if (got < 1)
			return 0;
		if (got == 2 && strcmp(basename(interp), "env") == 0) {
			if (path_search(arg, out, n) < 0) {
				snprintf(why, whyn, "cannot run '%s': its interpreter '%s' is not in PATH",
					 prog, arg);
				return -1;
			}
		} else {
			snprintf(out, n, "%s", interp);
		}
	}
	return 0;
}

int tr_spawn_find_lib(char *out, size_t n)
{
	/* Relative to the directory of the running binary: the build tree
	 * (build/socklab next to build/libsocklab-trace.so), then an
	 * installed tree (PREFIX/bin/socklab, PREFIX/lib/socklab/), wherever
	 * that tree was installed or moved. */
	static const char *const places[] = { "", "/../lib/socklab" };
	const char *env = getenv("SOCKLAB_TRACE_LIB");
	char self[4096];
	ssize_t len;

	if (env && *env) {
		snprintf(out, n, "%s", env);
		return access(out, R_OK);
	}
	len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len < 0)
		return -1;
	self[len] = '\0';
	const char *dir = dirname(self);
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		snprintf(out, n, "%s%s/%s", dir, places[i], TRACE_LIB_NAME);
		if (access(out, R_OK) == 0)
			return 0;
	}
	snprintf(out, n, "%s/%s", dir, TRACE_LIB_NAME); /* the first place, for the message */
	return -1;
}

/* The environment for a traced program: ours plus the preload (in front of
 * any LD_PRELOAD already set), the log path, and, for programs built with
 * ASan, leave to load after our library. */
static char **env_build(const struct tr_spawn_opts *o)
{
	size_t n = 0;
	char **env;
	size_t k = 0;
	const char *pre = getenv("LD_PRELOAD");
	const char *asan = getenv("ASAN_OPTIONS");

	while (environ[n])
		n++;
	env = calloc(n + 4, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
		    strncmp(environ[i], TRACE_ENV_LOG "=", strlen(TRACE_ENV_LOG) + 1) != 0 &&
		    strncmp(environ[i], "ASAN_OPTIONS=", 13) != 0)
			env[k++] = environ[i];
	if (asprintf(&env[k++], "LD_PRELOAD=%s%s%s", o->lib, pre && *pre ? ":" : "",
		     pre ? pre : "") < 0 ||
	    asprintf(&env[k++], "%s=%s", TRACE_ENV_LOG, o->log) < 0 ||
	    asprintf(&env[k++], "ASAN_OPTIONS=%s%sverify_asan_link_order=0", asan ? asan : "",
		     asan && *asan ? ":" : "") < 0) {
		free(env);
		return NULL;
	}
	env[k] = NULL;
	return env;
}

static void env_free(char **env)
{
	size_t n = 0;

	while (env[n])
		n++;
	/* the last three are ours */
	for (size_t i = n >= 3 ? n - 3 : 0; i < n; i++)
		free(env[i]);
	free(env);
}

pid_t tr_spawn_start(char *const argv[], const struct tr_spawn_opts *o)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char **env = env_build(o);
	pid_t pid = -1;
	int rc;

	if (!env) {
		errno = ENOMEM;
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	if (o->stdin_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->stdin_fd, STDIN_FILENO);
	if (o->stdout_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, o->stdout_fd, STDOUT_FILENO);
	if (o->own_group) {
		posix_spawnattr_setpgroup(&at, 0);
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
						      POSIX_SPAWN_SETSIGDEF);
	} else {
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	}
	/* Ignored signals survive exec: the program gets them back as default. */
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	static const int reset[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD };
	for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
		sigaddset(&dfl, reset[i]);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	env_free(env);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}
