/* Starting a traced program held at the door: the child of fork waits on
 * a pipe before its execve, so the eBPF backend can put its pid into the
 * traced set before the program runs a single instruction of its own. */
#include "trace/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

/* In the child: only async-signal-safe calls until execvp. */
static void child(char *const argv[], const struct tr_spawn_opts *o, int in)
{
	static const int reset[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD };
	sigset_t none;
	char c;
	ssize_t r;

	if (o->own_group)
		setpgid(0, 0);
	if (o->stdin_fd >= 0)
		dup2(o->stdin_fd, STDIN_FILENO);
	if (o->stdout_fd >= 0)
		dup2(o->stdout_fd, STDOUT_FILENO);
	/* ignored signals survive exec: the program gets them back as default */
	for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
		signal(reset[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	do
		r = read(in, &c, 1);
	while (r < 0 && errno == EINTR);
	if (r != 1)
		_exit(127);
	close(in);
	execvp(argv[0], argv);
	_exit(127);
}

pid_t tr_spawn_held(char *const argv[], const struct tr_spawn_opts *o, int *gate)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		child(argv, o, p[0]);
	}
	close(p[0]);
	if (o->own_group)
		setpgid(pid, pid); /* also here: no race with a kill of the group */
	*gate = p[1];
	return pid;
}

void tr_spawn_release(int gate)
{
	char c = 1;

	if (write(gate, &c, 1) < 0) {
		/* the child is gone; waitpid says so */
	}
	close(gate);
}
