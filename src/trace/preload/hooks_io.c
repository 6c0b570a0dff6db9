/* Hooks of the calls that move bytes: the send and recv families, and
 * read, write, readv, writev, sendfile and splice — those only when the fd
 * is a socket, so a program's file I/O costs one fstat per fd and no more. */
#include <fcntl.h>
#include <limits.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace/preload/fdkind.h"
#include "trace/preload/hooks.h"
#include "trace/preload/logfile.h"
#include "trace/preload/names.h"
#include "trace/preload/real.h"

static uint64_t iov_sum(const struct iovec *iov, size_t n)
{
	uint64_t sum = 0;

	if (!iov || n > IOV_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		sum += iov[i].iov_len;
	return sum;
}

static void emit_iov_len(struct emit *e, const struct call *c, const struct iovec *iov,
			 size_t n)
{
	if (call_args_readable(c) && (n == 0 || (iov && n <= IOV_MAX)))
		tr_emit_kv_u64(e, "len", iov_sum(iov, n));
}

/* The address the kernel wrote into a buffer of cap bytes, saying it is
 * len long (longer than cap when it was cut). */
static void emit_out_addr(struct emit *e, const struct sockaddr *sa, socklen_t len,
			  socklen_t cap)
{
	tr_emit_kv_addr(e, "addr", sa, len < cap ? len : cap);
}

HOOK ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	TRACED(ssize_t, CALL_SEND, fd, REAL(send)(fd, buf, len, flags),
		tr_emit_kv_u64(&e, "len", len);
		tr_emit_kv_flags(&e, "flags", &tr_names_msg, (unsigned)flags));
}

HOOK ssize_t sendto(int fd, const void *buf, size_t len, int flags, __CONST_SOCKADDR_ARG addr,
		    socklen_t alen)
{
	TRACED(ssize_t, CALL_SENDTO, fd, REAL(sendto)(fd, buf, len, flags, SA(addr), alen),
		tr_emit_kv_u64(&e, "len", len);
		tr_emit_kv_flags(&e, "flags", &tr_names_msg, (unsigned)flags);
		if (SA(addr) && call_args_readable(&c))
			tr_emit_kv_addr(&e, "addr", SA(addr), alen));
}

HOOK ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	TRACED(ssize_t, CALL_SENDMSG, fd, REAL(sendmsg)(fd, msg, flags),
		if (msg && call_args_readable(&c)) {
			emit_iov_len(&e, &c, msg->msg_iov, msg->msg_iovlen);
			tr_emit_kv_flags(&e, "flags", &tr_names_msg, (unsigned)flags);
			if (msg->msg_name)
				tr_emit_kv_addr(&e, "addr", msg->msg_name, msg->msg_namelen);
		} else {
			tr_emit_kv_flags(&e, "flags", &tr_names_msg, (unsigned)flags);
		});
}

static void emit_mmsg(struct emit *e, const struct call *c, const struct mmsghdr *v,
		      unsigned vlen)
{
	uint64_t bytes = 0;

	tr_emit_kv_u64(e, "vlen", vlen);
	if (c->ret > 0 && v) {
		for (int64_t i = 0; i < c->ret && i < (int64_t)vlen; i++)
			bytes += v[i].msg_len;
		tr_emit_kv_u64(e, "bytes", bytes);
	}
}

HOOK int sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags)
{
	TRACED(int, CALL_SENDMMSG, fd, REAL(sendmmsg)(fd, v, vlen, flags),
		emit_mmsg(&e, &c, v, vlen));
}

static ssize_t recv_traced(int fd, void *buf, size_t len, int flags)
{
	TRACED(ssize_t, CALL_RECV, fd, REAL(recv)(fd, buf, len, flags),
		tr_emit_kv_u64(&e, "len", len);
		tr_emit_kv_flags(&e, "flags", &tr_names_msg, (unsigned)flags));
}

HOOK ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recv_traced(fd, buf, len, flags);
}

/* The fortified entry points check the length as glibc's do (the real one
 * aborts the program), then take the traced path. */
HOOK ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	if (len > buflen && REAL(recv_chk))
		return REAL(recv_chk)(fd, buf, len, buflen, flags);
	return recv_traced(fd, buf, len, flags);
}

static ssize_t recvfrom_traced(int fd, void *buf, size_t len, int flags,
			       struct sockaddr *addr, socklen_t *alen)
{
	struct call c;
	socklen_t cap = 0;
	ssize_t r;

	if (!tr_call_begin(&c, CALL_RECVFROM, fd, true))
		return REAL(recvfrom)(fd, buf, len, flags, addr, alen);
	if (addr && alen)
		cap = *alen;
	tr_call_enter(&c);
	r = REAL(recvfrom)(fd, buf, len, flags, addr, alen);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	tr_emit_kv_u64(&e, "len", len);
	tr_emit_kv_flags(&e, "flags", &tr_names_msg, (unsigned)flags);
	if (r >= 0 && addr && alen)
		emit_out_addr(&e, addr, *alen, cap);
	tr_call_finish(&c, &e);
	return r;
}

HOOK ssize_t recvfrom(int fd, void *buf, size_t len, int flags, __SOCKADDR_ARG addr,
		      socklen_t *alen)
{
	return recvfrom_traced(fd, buf, len, flags, SA(addr), alen);
}

HOOK ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
			    __SOCKADDR_ARG addr, socklen_t *alen)
{
	if (len > buflen && REAL(recvfrom_chk))
		return REAL(recvfrom_chk)(fd, buf, len, buflen, flags, SA(addr), alen);
	return recvfrom_traced(fd, buf, len, flags, SA(addr), alen);
}

HOOK ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct call c;
	socklen_t cap = 0;
	ssize_t r;

	if (!tr_call_begin(&c, CALL_RECVMSG, fd, true))
		return REAL(recvmsg)(fd, msg, flags);
	if (msg && msg->msg_name)
		cap = msg->msg_namelen;
	tr_call_enter(&c);
	r = REAL(recvmsg)(fd, msg, flags);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	if (msg && call_args_readable(&c))
		emit_iov_len(&e, &c, msg->msg_iov, msg->msg_iovlen);
	tr_emit_kv_flags(&e, "flags", &tr_names_msg, (unsigned)flags);
	if (r >= 0 && msg && msg->msg_name)
		emit_out_addr(&e, msg->msg_name, msg->msg_namelen, cap);
	tr_call_finish(&c, &e);
	return r;
}

HOOK int recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags,
		  struct timespec *timeout)
{
	TRACED(int, CALL_RECVMMSG, fd, REAL(recvmmsg)(fd, v, vlen, flags, timeout),
		emit_mmsg(&e, &c, v, vlen));
}

static ssize_t read_traced(int fd, void *buf, size_t len)
{
	TRACED(ssize_t, CALL_READ, fd, REAL(read)(fd, buf, len),
		tr_emit_kv_u64(&e, "len", len));
}

HOOK ssize_t read(int fd, void *buf, size_t len)
{
	return read_traced(fd, buf, len);
}

HOOK ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen && REAL(read_chk))
		return REAL(read_chk)(fd, buf, len, buflen);
	return read_traced(fd, buf, len);
}

HOOK ssize_t write(int fd, const void *buf, size_t len)
{
	TRACED(ssize_t, CALL_WRITE, fd, REAL(write)(fd, buf, len),
		tr_emit_kv_u64(&e, "len", len));
}

/* readv and writev: the same arguments, the bytes they offer as len=. */
static ssize_t iov_call(enum call_id id, ssize_t (*fn)(int, const struct iovec *, int), int fd,
			const struct iovec *iov, int n)
{
	TRACED(ssize_t, id, fd, fn(fd, iov, n),
		if (n >= 0)
			emit_iov_len(&e, &c, iov, (size_t)n));
}

HOOK ssize_t readv(int fd, const struct iovec *iov, int n)
{
	return iov_call(CALL_READV, REAL(readv), fd, iov, n);
}

HOOK ssize_t writev(int fd, const struct iovec *iov, int n)
{
	return iov_call(CALL_WRITEV, REAL(writev), fd, iov, n);
}

/* sendfile and sendfile64 are one function on 64-bit Linux; programs built
 * with _FILE_OFFSET_BITS=64 (Python) call the second name. */
_Static_assert(sizeof(off_t) == sizeof(off64_t), "one sendfile for both offset sizes");

static ssize_t sendfile_traced(bool is64, int out, int in, off_t *off, size_t count)
{
	struct call c;
	ssize_t r;

	if (!tr_call_begin(&c, CALL_SENDFILE, out, true))
		return is64 ? REAL(sendfile64)(out, in, off, count)
			    : REAL(sendfile)(out, in, off, count);
	tr_call_enter(&c);
	r = is64 ? REAL(sendfile64)(out, in, off, count) : REAL(sendfile)(out, in, off, count);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	tr_emit_kv_u64(&e, "len", count);
	tr_emit_kv_i64(&e, "in", in);
	tr_call_finish(&c, &e);
	return r;
}

HOOK ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
	return sendfile_traced(false, out, in, off, count);
}

HOOK ssize_t sendfile64(int out, int in, off64_t *off, size_t count)
{
	return sendfile_traced(true, out, in, off, count);
}

/* One end of a splice is always a pipe, so at most one is a socket; fd is
 * that end, and dir says whether the bytes go out to it or come in. */
HOOK ssize_t splice(int in, loff_t *off_in, int out, loff_t *off_out, size_t len,
		    unsigned int flags)
{
	struct call c;
	bool to_sock = false, from_sock = false;
	ssize_t r;

	if (logfile_active()) {
		to_sock = tr_fdkind_is_socket(out);
		from_sock = !to_sock && tr_fdkind_is_socket(in);
	}
	if (!(to_sock || from_sock) || !tr_call_begin(&c, CALL_SPLICE, to_sock ? out : in, true))
		return REAL(splice)(in, off_in, out, off_out, len, flags);
	tr_call_enter(&c);
	r = REAL(splice)(in, off_in, out, off_out, len, flags);
	EMIT_LINE(e);
	tr_call_exit(&c, r, &e);
	tr_emit_kv_u64(&e, "len", len);
	tr_emit_kv_str(&e, "dir", to_sock ? "out" : "in");
	tr_call_finish(&c, &e);
	return r;
}
