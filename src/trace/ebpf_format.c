/* Formatting the eBPF backend's events as the preload's record lines: the
 * same keys in the same order, from what the kernel side read (the
 * syscall's arguments, its user memory, the struct sock behind the fd).
 * The bounded writer and the name tables are the preload's own
 * (preload/emit.c, preload/names.c), built into trace as well. */
#include "trace/ebpf_format.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "trace/preload/emit.h"
#include "trace/preload/names.h"
#include "trace/record.h"

static const char *const call_names[TR_BC_COUNT] = {
	[TR_BC_SOCKET] = "socket",           [TR_BC_BIND] = "bind",
	[TR_BC_LISTEN] = "listen",           [TR_BC_ACCEPT] = "accept",
	[TR_BC_ACCEPT4] = "accept4",         [TR_BC_CONNECT] = "connect",
	[TR_BC_SHUTDOWN] = "shutdown",       [TR_BC_CLOSE] = "close",
	[TR_BC_SETSOCKOPT] = "setsockopt",   [TR_BC_GETSOCKNAME] = "getsockname",
	[TR_BC_GETPEERNAME] = "getpeername", [TR_BC_SEND] = "send",
	[TR_BC_SENDTO] = "sendto",           [TR_BC_SENDMSG] = "sendmsg",
	[TR_BC_SENDMMSG] = "sendmmsg",       [TR_BC_RECV] = "recv",
	[TR_BC_RECVFROM] = "recvfrom",       [TR_BC_RECVMSG] = "recvmsg",
	[TR_BC_RECVMMSG] = "recvmmsg",       [TR_BC_READ] = "read",
	[TR_BC_WRITE] = "write",             [TR_BC_READV] = "readv",
	[TR_BC_WRITEV] = "writev",           [TR_BC_SENDFILE] = "sendfile",
	[TR_BC_SPLICE] = "splice",           [TR_BC_SELECT] = "select",
	[TR_BC_POLL] = "poll",               [TR_BC_PPOLL] = "ppoll",
	[TR_BC_EPOLL_WAIT] = "epoll_wait",
};

const char *tr_ebpf_call_name(uint32_t call)
{
	return call < TR_BC_COUNT && call_names[call] ? call_names[call] : "?";
}

static void emit_head(struct emit *e, char type, const struct tr_bpf_call_ev *ev, int64_t off)
{
	tr_emit_char(e, type);
	tr_emit_char(e, ' ');
	tr_emit_u64(e, ev->pid);
	tr_emit_char(e, ' ');
	tr_emit_u64(e, ev->tid);
	tr_emit_char(e, ' ');
	tr_emit_str(e, tr_ebpf_call_name(ev->call));
	tr_emit_char(e, ' ');
	tr_emit_i64(e, ev->fd);
	tr_emit_char(e, ' ');
	tr_emit_i64(e, (int64_t)ev->t_enter + off);
}

/* The socket's address as getsockname/getpeername would give it. */
static socklen_t sock_addr(const struct tr_bpf_sock *s, bool peer, struct sockaddr_storage *ss)
{
	const uint8_t *a = peer ? s->raddr : s->laddr;
	uint16_t port = peer ? s->rport : s->lport;

	memset(ss, 0, sizeof *ss);
	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a, 4);
		if (!peer && port == 0 && sin->sin_addr.s_addr == htonl(INADDR_ANY))
			return 0;
		return sizeof *sin;
	}
	if (s->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a, 16);
		if (!peer && port == 0 && IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
			return 0;
		return sizeof *sin6;
	}
	return 0;
}

/* getpeername's rule (inet_getname): no peer port, or still connecting or
 * closed, is no peer. */
static bool has_peer(const struct tr_bpf_sock *s)
{
	return s->rport != 0 && s->state != TCP_CLOSE && s->state != TCP_SYN_SENT;
}

static bool sock_is_tcp(const struct tr_bpf_sock *s)
{
	return s->known && (s->family == AF_INET || s->family == AF_INET6) &&
	       s->type == SOCK_STREAM && s->proto == IPPROTO_TCP;
}

static void emit_sock(struct emit *e, const struct tr_bpf_sock *s)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (!s->known)
		return;
	tr_emit_kv_name(e, "sock", &tr_names_sock, s->type);
	tr_emit_kv_name(e, "fam", &tr_names_fam, s->family);
	len = sock_addr(s, false, &ss);
	if (len > 0)
		tr_emit_kv_addr(e, "local", (const struct sockaddr *)&ss, len);
	if (has_peer(s) && (len = sock_addr(s, true, &ss)) > 0)
		tr_emit_kv_addr(e, "peer", (const struct sockaddr *)&ss, len);
	if (sock_is_tcp(s))
		tr_emit_kv_name(e, "tcp", &tr_names_tcp_state, s->state);
}

static bool emit_addr(struct emit *e, const char *key, const struct tr_bpf_call_ev *ev)
{
	struct sockaddr_storage ss;
	size_t n = ev->addr_len < sizeof ss ? ev->addr_len : sizeof ss;

	if (n == 0)
		return false;
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, ev->addr, n);
	return tr_emit_kv_addr(e, key, (const struct sockaddr *)&ss, n);
}

static void emit_fdset(struct emit *e, const char *key, const __u64 *set, int nfds,
		       size_t reserve)
{
	struct emit_list l;

	tr_emit_list_open(e, &l, key, reserve);
	for (int fd = 0; fd < nfds; fd++) {
		if (set[fd / 64] >> (fd % 64) & 1) {
			char ib[16];
			struct emit it = emit_on(ib, sizeof ib);

			tr_emit_i64(&it, fd);
			tr_emit_list_item(e, &l, ib, it.len);
		}
	}
	tr_emit_list_close(e, &l);
}

static void emit_select(struct emit *e, const struct tr_bpf_call_ev *ev)
{
	int nfds = (int)ev->arg[0];
	int n = nfds < 0 ? 0 : nfds > TR_BPF_FDSET_WORDS * 64 ? TR_BPF_FDSET_WORDS * 64 : nfds;

	tr_emit_kv_i64(e, "nfds", nfds);
	if (ev->arg[4] && ev->tmo != ~0ULL) {
		size_t m = tr_emit_mark(e);
		uint64_t ms = ev->tmo & 0xffffffff;

		tr_emit_str(e, " timeout=");
		tr_emit_u64(e, ev->tmo >> 32);
		tr_emit_char(e, '.');
		tr_emit_char(e, (char)('0' + ms / 100 % 10));
		tr_emit_char(e, (char)('0' + ms / 10 % 10));
		tr_emit_char(e, (char)('0' + ms % 10));
		tr_emit_commit(e, m);
	} else {
		tr_emit_kv_str(e, "timeout", "none");
	}
	if (ev->arg[1])
		emit_fdset(e, "rd", ev->rd_in, n, 600);
	if (ev->arg[2])
		emit_fdset(e, "wr", ev->wr_in, n, 300);
	if (ev->ret > 0) {
		__u64 ready[TR_BPF_FDSET_WORDS];

		for (int i = 0; i < TR_BPF_FDSET_WORDS; i++)
			ready[i] = (ev->arg[1] ? ev->rd_out[i] : 0) | (ev->arg[2] ? ev->wr_out[i] : 0) |
				   (ev->arg[3] ? ev->ex_out[i] : 0);
		emit_fdset(e, "ready", ready, n, 0);
	}
}

static void emit_poll(struct emit *e, const struct tr_bpf_call_ev *ev, int err)
{
	struct emit_list l;
	uint64_t nfds = ev->arg[1];
	int64_t ms;

	if (ev->arg[0] && err != EFAULT && err != EINVAL) {
		tr_emit_list_open(e, &l, "fds", 600);
		for (uint32_t i = 0; i < ev->npoll && i < TR_BPF_POLL_MAX; i++)
			tr_emit_pollfd(e, &l, ev->poll[i].fd, ev->poll[i].events);
		if (nfds > ev->npoll)
			l.cut = true; /* more than the kernel side reads */
		tr_emit_list_close(e, &l);
	}
	if (ev->call == TR_BC_POLL)
		ms = (int32_t)ev->arg[2];
	else
		ms = ev->tmo == ~0ULL ? -1 : (int64_t)ev->tmo;
	if (ms < 0)
		tr_emit_kv_str(e, "timeout", "none");
	else
		tr_emit_kv_i64(e, "timeout", ms);
	if (ev->arg[0] && ev->ret > 0) {
		tr_emit_list_open(e, &l, "ready", 0);
		for (uint32_t i = 0; i < ev->npoll && i < TR_BPF_POLL_MAX; i++)
			if (ev->poll[i].revents != 0)
				tr_emit_pollfd(e, &l, ev->poll[i].fd, ev->poll[i].revents);
		if (nfds > ev->npoll)
			l.cut = true; /* the entries not read may be ready too */
		tr_emit_list_close(e, &l);
	}
}

/* The call's own arguments (record.h), as the preload's hooks write them. */
static void emit_args(struct emit *e, const struct tr_bpf_call_ev *ev, int64_t ret, int err)
{
	bool readable = err != EFAULT;

	switch (ev->call) {
	case TR_BC_SOCKET:
		tr_emit_kv_name(e, "dom", &tr_names_af, (int)ev->arg[0]);
		tr_emit_kv_socktype(e, "type", (int)ev->arg[1]);
		tr_emit_kv_i64(e, "proto", (int)ev->arg[2]);
		break;
	case TR_BC_BIND:
	case TR_BC_CONNECT:
		if (readable)
			emit_addr(e, "addr", ev);
		break;
	case TR_BC_LISTEN:
		tr_emit_kv_i64(e, "backlog", (int)ev->arg[1]);
		break;
	case TR_BC_ACCEPT:
	case TR_BC_ACCEPT4:
		if (ret >= 0 && !emit_addr(e, "addr", ev) && ev->sock.known && has_peer(&ev->sock)) {
			struct sockaddr_storage ss;
			socklen_t len = sock_addr(&ev->sock, true, &ss);

			if (len > 0)
				tr_emit_kv_addr(e, "addr", (const struct sockaddr *)&ss, len);
		}
		if (ev->call == TR_BC_ACCEPT4)
			tr_emit_kv_flags(e, "flags", &tr_names_sockflags, (unsigned)ev->arg[3]);
		break;
	case TR_BC_SHUTDOWN:
		tr_emit_kv_name(e, "how", &tr_names_shut, (int)ev->arg[1]);
		break;
	case TR_BC_CLOSE:
		if (ev->sock.known && ev->sock.unread >= 0 && sock_is_tcp(&ev->sock))
			tr_emit_kv_i64(e, "unread", ev->sock.unread);
		if (ev->sock.known && ev->sock.linger >= 0)
			tr_emit_kv_i64(e, "linger", ev->sock.linger);
		break;
	case TR_BC_SETSOCKOPT:
		tr_emit_kv_name(e, "level", &tr_names_level, (int)ev->arg[1]);
		tr_emit_kv_name(e, "opt", tr_names_sockopt((int)ev->arg[1]), (int)ev->arg[2]);
		if (ev->val_ok && readable)
			tr_emit_kv_i64(e, "val", (int32_t)ev->val);
		break;
	case TR_BC_GETSOCKNAME:
	case TR_BC_GETPEERNAME:
		if (ret == 0)
			emit_addr(e, "addr", ev);
		break;
	case TR_BC_SEND:
	case TR_BC_SENDTO:
		tr_emit_kv_u64(e, "len", ev->arg[2]);
		tr_emit_kv_flags(e, "flags", &tr_names_msg, (unsigned)ev->arg[3]);
		if (ev->call == TR_BC_SENDTO && readable)
			emit_addr(e, "addr", ev);
		break;
	case TR_BC_RECV:
	case TR_BC_RECVFROM:
		tr_emit_kv_u64(e, "len", ev->arg[2]);
		tr_emit_kv_flags(e, "flags", &tr_names_msg, (unsigned)ev->arg[3]);
		if (ev->call == TR_BC_RECVFROM && ret >= 0)
			emit_addr(e, "addr", ev);
		break;
	case TR_BC_SENDMSG:
	case TR_BC_RECVMSG:
		if (ev->arg[1] && readable && ev->val_ok)
			tr_emit_kv_u64(e, "len", ev->val);
		tr_emit_kv_flags(e, "flags", &tr_names_msg, (unsigned)ev->arg[2]);
		if (ev->call == TR_BC_SENDMSG ? readable : ret >= 0)
			emit_addr(e, "addr", ev);
		break;
	case TR_BC_SENDMMSG:
	case TR_BC_RECVMMSG:
		tr_emit_kv_u64(e, "vlen", (unsigned)ev->arg[2]);
		if (ret > 0 && ev->val_ok)
			tr_emit_kv_u64(e, "bytes", ev->val);
		break;
	case TR_BC_READ:
	case TR_BC_WRITE:
		tr_emit_kv_u64(e, "len", ev->arg[2]);
		break;
	case TR_BC_READV:
	case TR_BC_WRITEV:
		if ((int)ev->arg[2] >= 0 && readable && ev->val_ok)
			tr_emit_kv_u64(e, "len", ev->val);
		break;
	case TR_BC_SENDFILE:
		tr_emit_kv_u64(e, "len", ev->arg[3]);
		tr_emit_kv_i64(e, "in", (int)ev->arg[1]);
		break;
	case TR_BC_SPLICE:
		tr_emit_kv_u64(e, "len", ev->arg[4]);
		tr_emit_kv_str(e, "dir", ev->fd == (int)ev->arg[2] ? "out" : "in");
		break;
	case TR_BC_SELECT:
		emit_select(e, ev);
		break;
	case TR_BC_POLL:
	case TR_BC_PPOLL:
		emit_poll(e, ev, err);
		break;
	case TR_BC_EPOLL_WAIT:
		tr_emit_kv_i64(e, "maxevents", (int)ev->arg[2]);
		if ((int)ev->arg[3] < 0)
			tr_emit_kv_str(e, "timeout", "none");
		else
			tr_emit_kv_i64(e, "timeout", (int)ev->arg[3]);
		break;
	}
}

/* A call that queues bytes on its socket (splice: towards it). */
static bool sends_bytes(const struct tr_bpf_call_ev *ev)
{
	switch (ev->call) {
	case TR_BC_SEND:
	case TR_BC_SENDTO:
	case TR_BC_SENDMSG:
	case TR_BC_SENDMMSG:
	case TR_BC_WRITE:
	case TR_BC_WRITEV:
	case TR_BC_SENDFILE:
		return true;
	case TR_BC_SPLICE:
		return ev->fd == (int)ev->arg[2];
	default:
		return false;
	}
}

static size_t line_end(struct emit *e)
{
	if (e->len >= e->cap + 1)
		return 0;
	e->buf[e->len++] = '\n';
	return e->len;
}

size_t tr_ebpf_format_call(const struct tr_bpf_call_ev *ev, int64_t off_ns, const char *pcs,
			   char *buf, size_t size)
{
	struct emit e;
	int64_t ret = ev->ret;
	int err = 0;

	if (size < 2 || ev->call == TR_BC_NONE || ev->call >= TR_BC_COUNT)
		return 0;
	e = emit_on(buf, (size < TRACE_RECORD_MAX ? size : TRACE_RECORD_MAX) - 1);
	if (ev->kind == TR_EV_ENTER) {
		emit_head(&e, 'E', ev, off_ns);
		return e.over ? 0 : line_end(&e);
	}
	if (ev->kind != TR_EV_CALL)
		return 0;
	/* the kernel's -errno, as libc hands it to the program */
	if (ret < 0 && ret >= -4095) {
		err = (int)-ret;
		ret = -1;
	}
	emit_head(&e, 'X', ev, off_ns);
	tr_emit_char(&e, ' ');
	tr_emit_i64(&e, (int64_t)ev->t_exit + off_ns);
	tr_emit_char(&e, ' ');
	tr_emit_i64(&e, ret);
	tr_emit_char(&e, ' ');
	tr_emit_i64(&e, err);
	if (e.over)
		return 0;
	emit_args(&e, ev, ret, err);
	if (ret > 0 && sends_bytes(ev) && ev->sock.known && sock_is_tcp(&ev->sock) &&
	    ev->sock.wseq_ok)
		tr_emit_kv_u64(&e, "wseq", ev->sock.write_seq);
	emit_sock(&e, &ev->sock);
	if (pcs && *pcs)
		tr_emit_kv_str(&e, "pc", pcs);
	return line_end(&e);
}

size_t tr_ebpf_format_hello(int64_t pid, int64_t ppid, int64_t t_ns, const char *exe,
			    const char *argv, size_t argv_len, char *buf, size_t size)
{
	struct emit e;

	if (size < 2)
		return 0;
	e = emit_on(buf, (size < TRACE_RECORD_MAX ? size : TRACE_RECORD_MAX) - 1);
	tr_emit_str(&e, "H ");
	tr_emit_i64(&e, pid);
	tr_emit_char(&e, ' ');
	tr_emit_i64(&e, ppid);
	tr_emit_char(&e, ' ');
	tr_emit_i64(&e, t_ns);
	if (exe && *exe) {
		tr_emit_str(&e, " exe=");
		tr_emit_escaped(&e, exe, strlen(exe));
	}
	if (argv_len > 0 && argv[argv_len - 1] == '\0')
		argv_len--;
	tr_emit_str(&e, " argv=");
	for (size_t start = 0, i = 0; i <= argv_len; i++) {
		if (i == argv_len || argv[i] == '\0') {
			if (start > 0)
				tr_emit_char(&e, ',');
			tr_emit_escaped(&e, argv + start, i - start);
			start = i + 1;
		}
	}
	e.over = false; /* a long argv is cut, as the preload cuts it */
	return line_end(&e);
}
