/* Holding back a new AF_UNIX socket's lines until its next call shows
 * whether it is glibc's nscd probe, which the story leaves out (see
 * ebpf_hide.h). Everything else passes in order. */
#include "trace/ebpf_hide.h"

#include <string.h>
#include <sys/socket.h>

static const char *const nscd_paths[] = { "/var/run/nscd/socket", "/run/nscd/socket" };

static bool is_nscd(const struct tr_bpf_call_ev *e)
{
	size_t room;

	if (e->addr_len <= 2 || e->addr[0] != AF_UNIX || e->addr[1] != 0)
		return false;
	room = e->addr_len - 2;
	for (size_t i = 0; i < sizeof nscd_paths / sizeof nscd_paths[0]; i++) {
		size_t n = strlen(nscd_paths[i]);

		/* the path and its NUL, within what was read */
		if (n < room && memcmp(e->addr + 2, nscd_paths[i], n + 1) == 0)
			return true;
	}
	return false;
}

static struct tr_ebpf_hold *find(struct tr_ebpf_hide *h, int32_t pid, int32_t fd)
{
	for (size_t i = 0; i < EBPF_HIDE_SLOTS; i++)
		if (h->v[i].used && h->v[i].pid == pid && h->v[i].fd == fd)
			return &h->v[i];
	return NULL;
}

static void release(struct tr_ebpf_hold *s, tr_ebpf_out_fn *out, void *ctx)
{
	if (!s->hidden && s->len > 0)
		out(ctx, s->buf, s->len);
	s->used = false;
	s->len = 0;
}

static void hold(struct tr_ebpf_hide *h, const struct tr_bpf_call_ev *e, const char *line,
		 size_t n, tr_ebpf_out_fn *out, void *ctx)
{
	struct tr_ebpf_hold *s = NULL;

	for (size_t i = 0; i < EBPF_HIDE_SLOTS && !s; i++)
		if (!h->v[i].used)
			s = &h->v[i];
	if (!s) {
		s = &h->v[h->next++ % EBPF_HIDE_SLOTS];
		release(s, out, ctx);
	}
	if (n > sizeof s->buf) {
		out(ctx, line, n);
		return;
	}
	s->used = true;
	s->hidden = false;
	s->pid = (int32_t)e->pid;
	s->fd = (int32_t)e->ret;
	memcpy(s->buf, line, n);
	s->len = n;
}

void tr_ebpf_hide_line(struct tr_ebpf_hide *h, const struct tr_bpf_call_ev *e, const char *line,
		       size_t n, tr_ebpf_out_fn *out, void *ctx)
{
	bool unix_socket = e->kind == TR_EV_CALL && e->call == TR_BC_SOCKET && e->ret >= 0 &&
			   e->sock.known && e->sock.family == AF_UNIX;
	int32_t fd = e->call == TR_BC_SOCKET ? (int32_t)e->ret : e->fd;
	struct tr_ebpf_hold *s = fd >= 0 ? find(h, (int32_t)e->pid, fd) : NULL;

	if (unix_socket) {
		if (s)
			release(s, out, ctx);
		hold(h, e, line, n, out, ctx);
		return;
	}
	if (!s) {
		out(ctx, line, n);
		return;
	}
	if (s->hidden) {
		if (e->kind == TR_EV_CALL && e->call == TR_BC_CLOSE)
			s->used = false;
		return;
	}
	if (e->call == TR_BC_CONNECT && e->kind == TR_EV_ENTER && s->len + n <= sizeof s->buf) {
		memcpy(s->buf + s->len, line, n);
		s->len += n;
		return;
	}
	if (e->call == TR_BC_CONNECT && e->kind == TR_EV_CALL && is_nscd(e)) {
		s->hidden = true;
		s->len = 0;
		return;
	}
	release(s, out, ctx);
	out(ctx, line, n);
}

void tr_ebpf_hide_flush(struct tr_ebpf_hide *h, int32_t pid, tr_ebpf_out_fn *out, void *ctx)
{
	for (size_t i = 0; i < EBPF_HIDE_SLOTS; i++)
		if (h->v[i].used && (pid < 0 || h->v[i].pid == pid))
			release(&h->v[i], out, ctx);
}
