/* Is this fd a socket? A per-fd cache, so that the reads and writes of
 * files and pipes (a Python import reads dozens of .pyc files) cost one
 * fstat the first time and nothing after. */
#ifndef SOCKLAB_PRELOAD_FDKIND_H
#define SOCKLAB_PRELOAD_FDKIND_H

#include <stdbool.h>

/* fds from 0 to FDKIND_MAX - 1 are cached; above, every question asks the
 * kernel again. */
#define FDKIND_MAX 65536

/* What getsockopt says: SO_DOMAIN, SO_TYPE, SO_PROTOCOL. */
struct sockid {
	int family, type, proto;
};

/* Classifies an unknown fd with fstat. Leaves errno alone. */
bool tr_fdkind_is_socket(int fd);
/* socket(), accept(), socketpair() made fd a socket. */
void tr_fdkind_set_socket(int fd);
/* fd was closed or replaced (close, dup2, dup3, close_range). */
void tr_fdkind_forget(int fd);
void tr_fdkind_forget_range(unsigned first, unsigned last);
/* false when fd is not a socket (and then remembers that). Leaves errno alone. */
bool tr_fdkind_sockid(int fd, struct sockid *id);

#endif
