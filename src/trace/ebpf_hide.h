/* What the eBPF backend leaves out so its story is the program's, as the
 * preload's is: glibc's own probe of the nscd socket (socket(AF_UNIX),
 * connect to /var/run/nscd/socket, close), made inside getaddrinfo and
 * getpwnam where no LD_PRELOAD hook sees it. A new AF_UNIX socket's lines
 * are held until its next call says whether it is that probe. */
#ifndef SOCKLAB_TRACE_EBPF_HIDE_H
#define SOCKLAB_TRACE_EBPF_HIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/bpf/calls.h"

#define EBPF_HIDE_SLOTS 16
#define EBPF_HIDE_BYTES 1024

typedef void tr_ebpf_out_fn(void *ctx, const char *line, size_t n);

struct tr_ebpf_hold {
	int32_t pid, fd;
	bool used, hidden;
	size_t len;
	char buf[EBPF_HIDE_BYTES];
};

struct tr_ebpf_hide {
	struct tr_ebpf_hold v[EBPF_HIDE_SLOTS];
	unsigned next; /* the slot given up when all are held */
};

/* The line made of event e goes to out now, later, or never. */
void tr_ebpf_hide_line(struct tr_ebpf_hide *h, const struct tr_bpf_call_ev *e, const char *line,
		       size_t n, tr_ebpf_out_fn *out, void *ctx);
/* Lets out what pid's sockets hold (pid -1: everyone's). */
void tr_ebpf_hide_flush(struct tr_ebpf_hide *h, int32_t pid, tr_ebpf_out_fn *out, void *ctx);

#endif
