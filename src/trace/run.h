/* The run: start the server, wait until it waits for the network, start
 * the program, capture while they talk, stop the server when the program is
 * done. A libevent loop with one tick drives the phases. */
#ifndef SOCKLAB_TRACE_RUN_H
#define SOCKLAB_TRACE_RUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "trace/capture.h"
#include "trace/ebpf.h"
#include "trace/trace.h"

#define RUN_TICK_MS 5
#define RUN_KILL_GRACE_MS 2000  /* SIGTERM, then SIGKILL after this */
#define RUN_DRAIN_MS 100        /* capture after the server is gone; more than
				 * TCAP_BLOCK_TIMEOUT_MS, so the last block arrives */

struct tr_run_result {
	pid_t client, server;
	bool client_exited;
	int client_status;        /* waitpid status */
	bool timed_out, interrupted;
	bool server_not_ready;    /* it never blocked waiting for the network */
	bool server_died;         /* before the program started */
	int server_status;
};

/* Runs everything; the captured frames end up in cap. With bpf (the eBPF
 * backend, loaded and attached) the programs are started held until it
 * follows them, and its events are drained into the log as they come;
 * with o->attach_pid nothing is started and the run lasts until that
 * process ends. -1 when a program could not be started (message printed). */
int tr_run_programs(const struct trace_opts *o, const char *lib, const char *logpath,
		 struct tr_tcap *cap, struct tr_ebpf *bpf, struct tr_run_result *res);

#endif
