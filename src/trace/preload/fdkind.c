/* The fd cache: one 32-bit word per fd, read and written with relaxed
 * atomics because any thread may ask while another closes. A word holds the
 * kind and, once asked, the socket's family, type and protocol, so a
 * recorded call does not pay three getsockopt calls each time. */
#include "trace/preload/fdkind.h"

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>

enum {
	KIND_UNKNOWN = 0,
	KIND_OTHER = 1,
	KIND_SOCKET = 2,
	KIND_MASK = 3,
	HAVE_ID = 4, /* family in bits 8-15, type 16-23, protocol 24-31 */
};

static uint32_t fd_words[FDKIND_MAX];

static uint32_t word_load(int fd)
{
	return __atomic_load_n(&fd_words[fd], __ATOMIC_RELAXED);
}

static void word_store(int fd, uint32_t w)
{
	__atomic_store_n(&fd_words[fd], w, __ATOMIC_RELAXED);
}

/* Fills a word only if it still holds what we looked at: a close and a new
 * socket() in another thread meanwhile must win over our older answer. */
static void word_update(int fd, uint32_t seen, uint32_t w)
{
	__atomic_compare_exchange_n(&fd_words[fd], &seen, w, false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED);
}

static bool cached(int fd)
{
	return fd >= 0 && fd < FDKIND_MAX;
}

bool tr_fdkind_is_socket(int fd)
{
	struct stat st;
	uint32_t w;
	int saved = errno;
	bool sock;

	if (fd < 0)
		return false;
	w = cached(fd) ? word_load(fd) : KIND_UNKNOWN;
	if ((w & KIND_MASK) != KIND_UNKNOWN)
		return (w & KIND_MASK) == KIND_SOCKET;
	if (fstat(fd, &st) < 0) {
		errno = saved; /* not open: nothing to remember */
		return false;
	}
	sock = S_ISSOCK(st.st_mode);
	if (cached(fd))
		word_update(fd, w, sock ? KIND_SOCKET : KIND_OTHER);
	return sock;
}

void tr_fdkind_set_socket(int fd)
{
	if (cached(fd))
		word_store(fd, KIND_SOCKET);
}

void tr_fdkind_forget(int fd)
{
	if (cached(fd))
		word_store(fd, KIND_UNKNOWN);
}

void tr_fdkind_forget_range(unsigned first, unsigned last)
{
	if (last >= FDKIND_MAX)
		last = FDKIND_MAX - 1;
	for (unsigned fd = first; fd <= last; fd++)
		word_store((int)fd, KIND_UNKNOWN);
}

static bool sockopt_int(int fd, int opt, int *v)
{
	socklen_t len = sizeof *v;

	return getsockopt(fd, SOL_SOCKET, opt, v, &len) == 0;
}

bool tr_fdkind_sockid(int fd, struct sockid *id)
{
	uint32_t w = cached(fd) ? word_load(fd) : KIND_UNKNOWN;
	int saved = errno;

	if ((w & KIND_MASK) == KIND_OTHER || fd < 0)
		return false;
	if (w & HAVE_ID) {
		id->family = (int)(w >> 8 & 0xff);
		id->type = (int)(w >> 16 & 0xff);
		id->proto = (int)(w >> 24 & 0xff);
		return true;
	}
	if (!sockopt_int(fd, SO_DOMAIN, &id->family)) {
		/* a socket closed behind our back (fclose of an fdopen'ed socket)
		 * whose number a file took over */
		if (errno == ENOTSOCK && cached(fd))
			word_update(fd, w, KIND_OTHER);
		errno = saved;
		return false;
	}
	if (!sockopt_int(fd, SO_TYPE, &id->type))
		id->type = -1;
	if (!sockopt_int(fd, SO_PROTOCOL, &id->proto))
		id->proto = -1;
	errno = saved;
	if (cached(fd) && id->family >= 0 && id->family < 256 && id->type >= 0 &&
	    id->type < 256 && id->proto >= 0 && id->proto < 256)
		word_update(fd, w,
			    KIND_SOCKET | HAVE_ID | (uint32_t)id->family << 8 |
				    (uint32_t)id->type << 16 | (uint32_t)id->proto << 24);
	return true;
}
