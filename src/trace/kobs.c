/* trace's kernel observer, user-space side: loads bpf/kobs.bpf.c from the
 * skeleton built into the binary, attaches its tracepoints and the
 * capture's socket filter, and reads its events from the ring buffer. */
#include "trace/kobs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kobs.skel.h"
#include "trace/bpf/kobs.h"

#define KOBS_EVENTS_MAX 100000u
#define PROC_PID_INIT_INO 0xEFFFFFFCu /* the initial PID namespace's inode */

struct tr_kobs {
	struct kobs *skel;
	struct ring_buffer *rb;
	int64_t mono_to_real;
	struct tr_kevent *v;
	size_t n, cap;
};

/* libbpf's own messages only when asked for: trace says in one line why
 * the observer is off. */
__attribute__((format(printf, 2, 0)))
static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("SOCKLAB_BPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct tr_kobs *k = ctx;
	struct tr_kevent ev;

	if (size < sizeof(struct kobs_event) || k->n >= KOBS_EVENTS_MAX)
		return 0;
	if (!tr_kobs_event_convert(data, k->mono_to_real, &ev))
		return 0;
	if (tr_grow(&k->v, &k->cap, k->n, sizeof *k->v, 64) < 0)
		return 0;
	k->v[k->n++] = ev;
	return 0;
}

/* The BPF side sees global pids: the tracer's own must be one. */
static bool in_initial_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 && st.st_ino == PROC_PID_INIT_INO;
}

struct tr_kobs *tr_kobs_open(int fd, int dlt, char *why, size_t n)
{
	struct tr_kobs *k;
	uint32_t link = tr_kobs_link_kind(dlt);
	uint32_t self = (uint32_t)getpid();
	uint8_t one = 1;
	int err, prog;

	if (getenv("SOCKLAB_TRACE_KOBS") && strcmp(getenv("SOCKLAB_TRACE_KOBS"), "0") == 0) {
		snprintf(why, n, "SOCKLAB_TRACE_KOBS=0");
		return NULL;
	}
	if (geteuid() != 0) {
		snprintf(why, n, "not root");
		return NULL;
	}
	if (!link) {
		snprintf(why, n, "the link type %d is not one it reads", dlt);
		return NULL;
	}
	if (!in_initial_pidns()) {
		snprintf(why, n, "trace runs in a PID namespace");
		return NULL;
	}
	k = calloc(1, sizeof *k);
	if (!k) {
		snprintf(why, n, "out of memory");
		return NULL;
	}
	libbpf_set_print(libbpf_quiet);
	k->skel = kobs__open();
	if (!k->skel) {
		snprintf(why, n, "cannot open its BPF object: %s", strerror(errno));
		goto fail;
	}
	k->skel->rodata->link_kind = link;
	k->skel->rodata->nr_bind = SYS_bind;
	k->skel->rodata->nr_listen = SYS_listen;
	err = kobs__load(k->skel);
	if (err) {
		snprintf(why, n, "the kernel refused its BPF programs: %s", strerror(-err));
		goto fail;
	}
	err = kobs__attach(k->skel);
	if (err) {
		snprintf(why, n, "cannot attach its tracepoints: %s", strerror(-err));
		goto fail;
	}
	if (bpf_map_update_elem(bpf_map__fd(k->skel->maps.tgids), &self, &one, BPF_ANY) < 0) {
		snprintf(why, n, "cannot fill its map: %s", strerror(errno));
		goto fail;
	}
	k->rb = ring_buffer__new(bpf_map__fd(k->skel->maps.events), on_event, k, NULL);
	if (!k->rb) {
		snprintf(why, n, "cannot read its ring buffer: %s", strerror(errno));
		goto fail;
	}
	prog = bpf_program__fd(k->skel->progs.kobs_filter);
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof prog) < 0) {
		snprintf(why, n, "cannot filter the capture: %s", strerror(errno));
		goto fail;
	}
	k->mono_to_real = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	return k;
fail:
	tr_kobs_close(k);
	return NULL;
}

void tr_kobs_drain(struct tr_kobs *k)
{
	if (k && k->rb)
		ring_buffer__consume(k->rb);
}

static int kevent_cmp(const void *a, const void *b)
{
	const struct tr_kevent *x = a, *y = b;

	return (x->ts > y->ts) - (x->ts < y->ts);
}

int tr_kobs_take(struct tr_kobs *k, struct trace *t)
{
	if (!k)
		return 0;
	tr_kobs_drain(k);
	if (k->n)
		qsort(k->v, k->n, sizeof *k->v, kevent_cmp);
	free(t->kevents);
	t->kevents = k->v;
	t->nkevents = k->n;
	k->v = NULL;
	k->n = k->cap = 0;
	return 0;
}

bool tr_kobs_overflowed(const struct tr_kobs *k)
{
	return k && k->skel->bss->map_full;
}

void tr_kobs_close(struct tr_kobs *k)
{
	if (!k)
		return;
	ring_buffer__free(k->rb);
	kobs__destroy(k->skel);
	free(k->v);
	free(k);
}
