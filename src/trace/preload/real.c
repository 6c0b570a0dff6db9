/* Resolving the real functions. ISO C has no conversion from dlsym's void *
 * to a function pointer, so the pointer's bytes are copied instead (POSIX
 * promises they are the same size), which keeps -Wpedantic quiet. */
#include "trace/preload/real.h"

#include <dlfcn.h>
#include <string.h>

struct tr_real_fns tr_real_fns;
int tr_real_ready;

_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
	       "dlsym's result must fit a function pointer");

static void resolve_one(void *slot, const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	memcpy(slot, &p, sizeof p);
}

#define RESOLVE(f) resolve_one(&tr_real_fns.f, #f)

/* Every caller stores the same values, so two threads racing here before
 * the constructor ran do no harm. */
void tr_real_resolve(void)
{
	RESOLVE(socket);
	RESOLVE(bind);
	RESOLVE(listen);
	RESOLVE(accept);
	RESOLVE(accept4);
	RESOLVE(connect);
	RESOLVE(shutdown);
	RESOLVE(close);
	RESOLVE(setsockopt);
	RESOLVE(getsockname);
	RESOLVE(getpeername);
	RESOLVE(send);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(sendmmsg);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(recvmsg);
	RESOLVE(recvmmsg);
	RESOLVE(read);
	RESOLVE(write);
	RESOLVE(readv);
	RESOLVE(writev);
	RESOLVE(sendfile);
	RESOLVE(sendfile64);
	RESOLVE(splice);
	RESOLVE(select);
	RESOLVE(poll);
	RESOLVE(ppoll);
	RESOLVE(epoll_wait);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(socketpair);
	RESOLVE(close_range);
	RESOLVE(closefrom);
	resolve_one(&tr_real_fns.read_chk, "__read_chk");
	resolve_one(&tr_real_fns.recv_chk, "__recv_chk");
	resolve_one(&tr_real_fns.recvfrom_chk, "__recvfrom_chk");
	resolve_one(&tr_real_fns.poll_chk, "__poll_chk");
	resolve_one(&tr_real_fns.ppoll_chk, "__ppoll_chk");
	__atomic_store_n(&tr_real_ready, 1, __ATOMIC_RELEASE);
}
