/* The eBPF backend's I/O: the skeleton loaded and attached, the traced
 * tgids seeded, the ring buffer drained into record lines written to the
 * call log (ebpf_format.c makes the lines, ebpf_procs.c keeps the
 * processes). Times are moved from CLOCK_MONOTONIC to CLOCK_REALTIME by an
 * offset measured once, so the calls' times compare with the capture's. */
#include "trace/ebpf.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "calls.skel.h"
#include "trace/bpflog.h"
#include "trace/ebpf_format.h"
#include "trace/ebpf_hide.h"
#include "trace/ebpf_procs.h"
#include "trace/record.h"

struct tr_ebpf {
	struct calls *skel;
	struct ring_buffer *rb;
	int log_fd;
	int64_t off_ns;             /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	struct tr_ebpf_procs procs;
	struct tr_ebpf_hide hide;
	size_t out_len;             /* lines waiting for one write */
	char out[64 * 1024];
};

static int64_t ts_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The realtime clock read between two monotonic reads; the tightest of a
 * few tries, so the offset is good to well under a microsecond. */
static int64_t clock_offset(void)
{
	int64_t best_gap = INT64_MAX, off = 0;

	for (int i = 0; i < 16; i++) {
		int64_t m0 = ts_ns(CLOCK_MONOTONIC), r = ts_ns(CLOCK_REALTIME);
		int64_t m1 = ts_ns(CLOCK_MONOTONIC);

		if (m1 - m0 < best_gap) {
			best_gap = m1 - m0;
			off = r - (m0 + (m1 - m0) / 2);
		}
	}
	return off;
}

/* The effective capability c (capget: libcap is not needed for one bit). */
static bool have_cap(unsigned c)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof data);
	if (c >= 64 || syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[c / 32].effective >> (c % 32) & 1;
}

bool tr_ebpf_possible(char *why, size_t whyn)
{
#if !defined(__x86_64__)
	snprintf(why, whyn, "the eBPF backend knows the system calls of x86_64 only");
	return false;
#endif
	if (!(have_cap(CAP_SYS_ADMIN) || (have_cap(CAP_BPF) && have_cap(CAP_PERFMON)))) {
		snprintf(why, whyn, "permission denied: loading BPF programs needs root (or "
				    "CAP_BPF and CAP_PERFMON)");
		return false;
	}
	{
		/* the kernel side sees global pids: trace's must be those */
		struct stat st;

		if (stat("/proc/self/ns/pid", &st) != 0 || st.st_ino != 0xEFFFFFFCu) {
			snprintf(why, whyn, "trace runs in a PID namespace, and the eBPF backend "
					    "sees the kernel's pids");
			return false;
		}
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(why, whyn, "the kernel has no BTF (/sys/kernel/btf/vmlinux), which the "
				    "eBPF backend needs");
		return false;
	}
	return true;
}

/* Lines are gathered and written at the end of each drain: one write(2)
 * of whole lines, O_APPEND, so they never mix with another writer's. */
static void flush_lines(struct tr_ebpf *b)
{
	if (b->out_len > 0 && b->log_fd >= 0 && write(b->log_fd, b->out, b->out_len) < 0) {
		/* a full disk: the story has what was written */
	}
	b->out_len = 0;
}

static void write_line(struct tr_ebpf *b, const char *line, size_t n)
{
	if (n > sizeof b->out - b->out_len)
		flush_lines(b);
	if (n > sizeof b->out)
		return;
	memcpy(b->out + b->out_len, line, n);
	b->out_len += n;
}

static void write_out(void *ctx, const char *line, size_t n)
{
	write_line(ctx, line, n);
}

static void hello(struct tr_ebpf *b, struct tr_ebpf_proc *p, int64_t t_ns)
{
	char line[TRACE_RECORD_MAX];
	size_t n = tr_ebpf_format_hello(p->pid, p->ppid, t_ns, p->exe, p->argv, p->argv_len, line,
					sizeof line);

	write_line(b, line, n);
	p->hello = true;
}

/* exec: /proc/PID/exe names the program run (the interpreter of a script)
 * as the preload's readlink of /proc/self/exe does; the kernel's path when
 * the process is already gone. */
static void on_exec(struct tr_ebpf *b, const struct tr_bpf_proc *e)
{
	struct tr_ebpf_proc *p = tr_ebpf_procs_get(&b->procs, (int32_t)e->pid);
	char path[64], exe[TR_BPF_PATH_MAX];
	ssize_t n;

	if (!p)
		return;
	p->ppid = (int32_t)e->ppid;
	snprintf(path, sizeof path, "/proc/%u/exe", e->pid);
	n = readlink(path, exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(p->exe, sizeof p->exe, "%s", exe);
	} else if (!realpath(e->exe, p->exe)) {
		snprintf(p->exe, sizeof p->exe, "%.*s", (int)sizeof e->exe, e->exe);
	}
	p->argv_len = e->argv_len < sizeof p->argv ? e->argv_len : sizeof p->argv;
	memcpy(p->argv, e->argv, p->argv_len);
	hello(b, p, (int64_t)e->t + b->off_ns);
}

static void on_fork(struct tr_ebpf *b, const struct tr_bpf_proc *e)
{
	struct tr_ebpf_proc *parent = tr_ebpf_procs_find(&b->procs, (int32_t)e->ppid);
	struct tr_ebpf_proc *p = tr_ebpf_procs_get(&b->procs, (int32_t)e->pid);

	if (!p)
		return;
	parent = tr_ebpf_procs_find(&b->procs, (int32_t)e->ppid); /* get may move it */
	p->ppid = (int32_t)e->ppid;
	p->hello = false;
	if (parent)
		memcpy(p->exe, parent->exe, sizeof p->exe);
	p->argv_len = e->argv_len < sizeof p->argv ? e->argv_len : sizeof p->argv;
	memcpy(p->argv, e->argv, p->argv_len);
}

static void on_call(struct tr_ebpf *b, const struct tr_bpf_call_ev *e)
{
	char line[TRACE_RECORD_MAX];
	struct tr_ebpf_proc *p = tr_ebpf_procs_find(&b->procs, (int32_t)e->pid);

	size_t n;

	if (p && !p->hello)
		hello(b, p, (int64_t)e->t_enter + b->off_ns);
	n = tr_ebpf_format_call(e, b->off_ns, NULL, line, sizeof line);
	if (n > 0)
		tr_ebpf_hide_line(&b->hide, e, line, n, write_out, b);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct tr_ebpf *b = ctx;
	uint32_t kind;

	if (size < sizeof kind)
		return 0;
	memcpy(&kind, data, sizeof kind);
	switch (kind) {
	case TR_EV_EXEC:
		if (size >= sizeof(struct tr_bpf_proc))
			on_exec(b, data);
		break;
	case TR_EV_FORK:
		if (size >= sizeof(struct tr_bpf_proc))
			on_fork(b, data);
		break;
	case TR_EV_EXIT:
		if (size >= sizeof(struct tr_bpf_proc)) {
			struct tr_ebpf_proc *p =
				tr_ebpf_procs_get(&b->procs, (int32_t)((struct tr_bpf_proc *)data)->pid);

			if (p)
				p->exited = true;
			tr_ebpf_hide_flush(&b->hide, ((struct tr_bpf_proc *)data)->pid, write_out, b);
		}
		break;
	case TR_EV_ENTER:
	case TR_EV_CALL:
		if (size >= TR_BPF_CALL_HEAD_SIZE) {
			/* a short (head only) event is copied into a whole one */
			static struct tr_bpf_call_ev ev;

			memset(&ev, 0, sizeof ev);
			memcpy(&ev, data, size < sizeof ev ? size : sizeof ev);
			on_call(b, &ev);
		}
		break;
	}
	return 0;
}

struct tr_ebpf *tr_ebpf_open(char *why, size_t whyn)
{
	struct tr_ebpf *b;
	int err;

	if (!tr_ebpf_possible(why, whyn))
		return NULL;
	b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(why, whyn, "out of memory");
		return NULL;
	}
	b->log_fd = -1;
	tr_bpflog_quiet();
	b->skel = calls__open();
	if (!b->skel) {
		snprintf(why, whyn, "cannot open the BPF programs: %s", strerror(errno));
		goto fail;
	}
	err = calls__load(b->skel);
	if (err) {
		snprintf(why, whyn, "the kernel refused the BPF programs: %s "
				    "(SOCKLAB_BPF_DEBUG=1 shows why)",
			 strerror(-err));
		goto fail;
	}
	err = calls__attach(b->skel);
	if (err) {
		snprintf(why, whyn, "cannot attach to the tracepoints: %s", strerror(-err));
		goto fail;
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_event, b, NULL);
	if (!b->rb) {
		snprintf(why, whyn, "cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	b->off_ns = clock_offset();
	return b;
fail:
	tr_ebpf_close(b);
	return NULL;
}

void tr_ebpf_set_log(struct tr_ebpf *b, int log_fd)
{
	if (b->log_fd >= 0)
		close(b->log_fd);
	b->log_fd = log_fd;
}

int tr_ebpf_follow(struct tr_ebpf *b, pid_t pid)
{
	uint32_t k = (uint32_t)pid, one = 1;

	return bpf_map__update_elem(b->skel->maps.tgids, &k, sizeof k, &one, sizeof one, BPF_ANY);
}

/* H lines from /proc for a process that started before the trace. */
static int attach_one(struct tr_ebpf *b, pid_t pid)
{
	struct tr_ebpf_proc *p;

	if (tr_ebpf_follow(b, pid) < 0)
		return -1;
	p = tr_ebpf_procs_get(&b->procs, pid);
	if (!p)
		return -1;
	if (tr_ebpf_procs_from_proc(p) < 0)
		return -1;
	hello(b, p, ts_ns(CLOCK_REALTIME));
	return 0;
}

int tr_ebpf_attach(struct tr_ebpf *b, pid_t pid)
{
	int32_t kids[256];
	size_t n;

	/* the entry time of the calls already waiting (calls.bpf.c) */
	b->skel->bss->t_attach = (uint64_t)ts_ns(CLOCK_MONOTONIC);
	if (attach_one(b, pid) < 0)
		return -1;
	n = tr_ebpf_procs_children(pid, kids, sizeof kids / sizeof kids[0]);
	for (size_t i = 0; i < n; i++)
		attach_one(b, kids[i]); /* one that ended meanwhile is no loss */
	flush_lines(b);
	return 0;
}

int tr_ebpf_fd(const struct tr_ebpf *b)
{
	return ring_buffer__epoll_fd(b->rb);
}

int tr_ebpf_drain(struct tr_ebpf *b)
{
	int n = ring_buffer__consume(b->rb);

	flush_lines(b);
	return n < 0 ? -1 : 0;
}

void tr_ebpf_finish(struct tr_ebpf *b)
{
	ring_buffer__consume(b->rb);
	tr_ebpf_hide_flush(&b->hide, -1, write_out, b);
	flush_lines(b);
}

bool tr_ebpf_exited(struct tr_ebpf *b, pid_t pid)
{
	struct tr_ebpf_proc *p = tr_ebpf_procs_find(&b->procs, pid);

	return (p && p->exited) || !tr_ebpf_procs_running(pid);
}

const char *tr_ebpf_cmdline(struct tr_ebpf *b, pid_t pid, char *buf, size_t n)
{
	struct tr_ebpf_proc *p = tr_ebpf_procs_find(&b->procs, pid);
	size_t o = 0;

	if (n == 0)
		return "";
	buf[0] = '\0';
	if (!p)
		return buf;
	for (size_t i = 0; i < p->argv_len && o + 1 < n; i++) {
		char c = p->argv[i];

		buf[o++] = c == '\0' ? ' ' : c < 0x20 || c > 0x7e ? '?' : c;
	}
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
	return buf;
}

uint64_t tr_ebpf_unfollowed(const struct tr_ebpf *b)
{
	uint32_t k = 1;
	uint64_t v = 0;

	if (bpf_map__lookup_elem(b->skel->maps.lost, &k, sizeof k, &v, sizeof v, 0) < 0)
		return 0;
	return v;
}

uint64_t tr_ebpf_lost(const struct tr_ebpf *b)
{
	uint32_t k = 0;
	uint64_t v = 0;

	if (bpf_map__lookup_elem(b->skel->maps.lost, &k, sizeof k, &v, sizeof v, 0) < 0)
		return 0;
	return v;
}

void tr_ebpf_close(struct tr_ebpf *b)
{
	if (!b)
		return;
	flush_lines(b);
	ring_buffer__free(b->rb);
	if (b->log_fd >= 0)
		close(b->log_fd);
	calls__destroy(b->skel);
	tr_ebpf_procs_free(&b->procs);
	free(b);
}
