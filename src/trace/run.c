/* The phases of a run, driven by a short tick: waiting for the server,
 * running the program, lingering for late packets, stopping the server,
 * draining the capture. Only the processes started here are signalled. */
#include "trace/run.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/proc.h"
#include "trace/spawn.h"

enum phase { PH_WAIT_SERVER, PH_CLIENT, PH_ATTACHED, PH_LINGER, PH_STOP_SERVER, PH_DRAIN, PH_DONE };

struct run {
	const struct trace_opts *o;
	const char *lib, *logpath;
	struct tr_tcap *cap;
	struct tr_ebpf *bpf;
	struct tr_run_result *res;
	struct proc *proc;
	enum phase phase;
	int64_t phase_t, client_t;
	bool server_running, client_running;
	bool client_killed, server_termed;
	int log_fd;
	bool log_line_start;
	bool failed;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void phase_set(struct run *r, enum phase p)
{
	r->phase = p;
	r->phase_t = now_ms();
}

/* Has the log gained an "E" line, i.e. has the server blocked in a call
 * that waits for the network? */
static bool log_has_wait(struct run *r)
{
	char buf[8192];
	ssize_t n;

	if (r->log_fd < 0)
		r->log_fd = open(r->logpath, O_RDONLY | O_CLOEXEC);
	if (r->log_fd < 0)
		return false;
	while ((n = read(r->log_fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (r->log_line_start && buf[i] == 'E')
				return true;
			r->log_line_start = buf[i] == '\n';
		}
	}
	return false;
}

static void reap(struct run *r)
{
	int st;

	if (r->client_running && waitpid(r->res->client, &st, WNOHANG) == r->res->client) {
		r->client_running = false;
		r->res->client_exited = true;
		r->res->client_status = st;
	}
	if (r->server_running && waitpid(r->res->server, &st, WNOHANG) == r->res->server) {
		r->server_running = false;
		r->res->server_status = st;
	}
}

/* With the eBPF backend: held, followed, then let go. */
static pid_t spawn(struct run *r, char *const argv[], const struct tr_spawn_opts *so)
{
	int gate;
	pid_t pid;

	if (!r->bpf)
		return tr_spawn_start(argv, so);
	pid = tr_spawn_held(argv, so, &gate);
	if (pid < 0)
		return -1;
	if (tr_ebpf_follow(r->bpf, pid) < 0) {
		close(gate); /* it ends without running */
		waitpid(pid, NULL, 0);
		errno = ENOMEM;
		return -1;
	}
	tr_spawn_release(gate);
	return pid;
}

static void start_client(struct run *r)
{
	struct tr_spawn_opts so = {
		.lib = r->lib, .log = r->logpath, .stdin_fd = -1,
		.stdout_fd = r->o->json && !r->o->output ? STDERR_FILENO : -1, .own_group = false,
	};
	pid_t pid = spawn(r, r->o->argv, &so);

	if (pid < 0) {
		log_error_errno(errno, "cannot run '%s'", r->o->argv[0]);
		r->failed = true;
		phase_set(r, PH_LINGER);
		return;
	}
	r->res->client = pid;
	r->client_running = true;
	r->client_t = now_ms();
	phase_set(r, PH_CLIENT);
}

static void stop_server(struct run *r)
{
	if (r->server_running) {
		/* the group we made for it: the shell and what it started */
		kill(-r->res->server, SIGTERM);
		r->server_termed = true;
		phase_set(r, PH_STOP_SERVER);
	} else {
		phase_set(r, PH_DRAIN);
	}
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;
	int64_t now = now_ms();

	(void)fd;
	(void)what;
	reap(r);
	if (r->bpf && tr_ebpf_drain(r->bpf) < 0) {
		r->failed = true;
		proc_exit(r->proc);
		return;
	}
	switch (r->phase) {
	case PH_WAIT_SERVER:
		if (log_has_wait(r)) {
			start_client(r);
		} else if (!r->server_running) {
			r->res->server_died = true;
			phase_set(r, PH_DRAIN);
		} else if (now - r->phase_t >= (int64_t)r->o->server_wait_ms) {
			r->res->server_not_ready = true;
			start_client(r);
		}
		break;
	case PH_CLIENT:
		if (!r->client_running) {
			phase_set(r, PH_LINGER);
		} else if (!r->client_killed && now - r->client_t >= (int64_t)r->o->timeout_ms) {
			r->res->timed_out = true;
			r->client_killed = true;
			kill(r->res->client, SIGTERM);
		} else if (r->client_killed &&
			   now - r->client_t >= (int64_t)(r->o->timeout_ms + RUN_KILL_GRACE_MS)) {
			kill(r->res->client, SIGKILL);
		}
		break;
	case PH_ATTACHED:
		if (tr_ebpf_exited(r->bpf, r->o->attach_pid)) {
			phase_set(r, PH_LINGER);
		} else if (now - r->client_t >= (int64_t)r->o->timeout_ms) {
			r->res->timed_out = true;
			phase_set(r, PH_LINGER);
		}
		break;
	case PH_LINGER:
		if (now - r->phase_t >= (int64_t)r->o->linger_ms)
			stop_server(r);
		break;
	case PH_STOP_SERVER:
		if (!r->server_running)
			phase_set(r, PH_DRAIN);
		else if (now - r->phase_t >= RUN_KILL_GRACE_MS)
			kill(-r->res->server, SIGKILL);
		break;
	case PH_DRAIN:
		if (now - r->phase_t >= RUN_DRAIN_MS) {
			phase_set(r, PH_DONE);
			proc_exit(r->proc);
		}
		break;
	case PH_DONE:
		break;
	}
}

static void on_bpf(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;

	(void)fd;
	(void)what;
	if (tr_ebpf_drain(r->bpf) < 0) {
		r->failed = true;
		proc_exit(r->proc);
	}
}

static void on_capture(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;

	(void)fd;
	(void)what;
	if (tr_tcap_drain(r->cap) < 0) {
		r->failed = true;
		proc_exit(r->proc);
	}
}

/* ^C: stop what we started and tell the story so far. */
static void on_signal(int sig, void *arg)
{
	struct run *r = arg;

	(void)sig;
	r->res->interrupted = true;
	if (r->client_running)
		kill(r->res->client, SIGTERM);
	if (r->phase == PH_WAIT_SERVER || r->phase == PH_CLIENT || r->phase == PH_ATTACHED)
		phase_set(r, PH_LINGER);
}

int tr_run_programs(const struct trace_opts *o, const char *lib, const char *logpath,
		 struct tr_tcap *cap, struct tr_ebpf *bpf, struct tr_run_result *res)
{
	struct run r = { .o = o, .lib = lib, .logpath = logpath, .cap = cap, .bpf = bpf,
			 .res = res, .log_fd = -1, .log_line_start = true };
	static const int sigs[] = { SIGINT, SIGTERM };
	struct event *tick = NULL, *capev = NULL, *bpfev = NULL;
	struct timeval tv = proc_tv_ms(RUN_TICK_MS);
	int rc = -1;

	memset(res, 0, sizeof *res);
	r.proc = proc_new();
	if (!r.proc) {
		log_error("cannot start the event loop");
		return -1;
	}
	tick = event_new(proc_base(r.proc), -1, EV_PERSIST, on_tick, &r);
	capev = event_new(proc_base(r.proc), tr_tcap_fd(cap), EV_READ | EV_PERSIST, on_capture, &r);
	if (!tick || !capev || event_add(tick, &tv) < 0 || event_add(capev, NULL) < 0 ||
	    proc_on_signals(r.proc, sigs, 2, on_signal, &r) < 0) {
		log_error("cannot start the event loop");
		goto out;
	}
	if (bpf) {
		bpfev = event_new(proc_base(r.proc), tr_ebpf_fd(bpf), EV_READ | EV_PERSIST, on_bpf,
				  &r);
		if (!bpfev || event_add(bpfev, NULL) < 0) {
			log_error("cannot start the event loop");
			goto out;
		}
	}
	if (o->attach_pid > 0) {
		r.client_t = now_ms();
		phase_set(&r, PH_ATTACHED);
	} else if (o->server) {
		char *argv[] = { "/bin/sh", "-c", (char *)o->server, NULL };
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		struct tr_spawn_opts so = {
			.lib = lib, .log = logpath, .stdin_fd = devnull,
			.stdout_fd = o->json && !o->output ? STDERR_FILENO : -1, .own_group = true,
		};

		res->server = spawn(&r, argv, &so);
		if (devnull >= 0)
			close(devnull);
		if (res->server < 0) {
			log_error_errno(errno, "cannot run the server '%s'", o->server);
			goto out;
		}
		r.server_running = true;
		phase_set(&r, PH_WAIT_SERVER);
	} else {
		start_client(&r);
	}
	proc_loop(r.proc);
	tr_tcap_drain(cap);
	if (bpf)
		tr_ebpf_finish(bpf);
	rc = r.failed ? -1 : 0;
out:
	/* never leave a process of ours behind */
	if (r.client_running) {
		kill(res->client, SIGKILL);
		waitpid(res->client, &res->client_status, 0);
	}
	if (r.server_running) {
		kill(-res->server, SIGKILL);
		waitpid(res->server, &res->server_status, 0);
	}
	if (r.log_fd >= 0)
		close(r.log_fd);
	if (tick)
		event_free(tick);
	if (capev)
		event_free(capev);
	if (bpfev)
		event_free(bpfev);
	proc_free(r.proc);
	return rc;
}
