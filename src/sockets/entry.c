/* The socket list: bounded growth, ordering, identity, and the names ss uses
 * for protocols and states. */
#include "sockets/entry.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int sockets_list_push(struct sockets_list *l, const struct sockets_entry *e)
{
	if (l->n == l->cap) {
		if (l->cap >= SOCKETS_MAX) {
			errno = E2BIG;
			return -1;
		}
		size_t cap = l->cap ? l->cap * 2 : 64;
		if (cap > SOCKETS_MAX)
			cap = SOCKETS_MAX;
		struct sockets_entry *v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			errno = ENOMEM;
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

void sockets_list_clear(struct sockets_list *l)
{
	l->n = 0;
}

void sockets_list_free(struct sockets_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int sockets_list_copy(struct sockets_list *dst, const struct sockets_list *src)
{
	sockets_list_clear(dst);
	for (size_t i = 0; i < src->n; i++)
		if (sockets_list_push(dst, &src->v[i]) < 0)
			return -1;
	return 0;
}

static int sockets_owner_cmp(int32_t pid_a, int32_t fd_a, int32_t pid_b, int32_t fd_b)
{
	if (pid_a != pid_b)
		return pid_a < pid_b ? -1 : 1;
	if (fd_a != fd_b)
		return fd_a < fd_b ? -1 : 1;
	return 0;
}

void sockets_entry_add_owner(struct sockets_entry *e, int32_t pid, int32_t fd, const char *comm)
{
	size_t at = e->nowners;

	while (at > 0 && sockets_owner_cmp(pid, fd, e->owners[at - 1].pid, e->owners[at - 1].fd) < 0)
		at--;
	if (at == SOCKETS_OWNERS_MAX) {
		e->owners_more++;
		return;
	}
	if (e->nowners == SOCKETS_OWNERS_MAX)
		e->owners_more++; /* the last one drops out */
	else
		e->nowners++;
	memmove(&e->owners[at + 1], &e->owners[at],
		(size_t)(e->nowners - 1 - at) * sizeof(e->owners[0]));
	e->owners[at].pid = pid;
	e->owners[at].fd = fd;
	snprintf(e->owners[at].comm, sizeof(e->owners[at].comm), "%s", comm ? comm : "");
}

static const char *const sockets_state_names[] = {
	[SOCKETS_ST_ESTABLISHED] = "ESTAB",
	[SOCKETS_ST_SYN_SENT] = "SYN-SENT",
	[SOCKETS_ST_SYN_RECV] = "SYN-RECV",
	[SOCKETS_ST_FIN_WAIT1] = "FIN-WAIT-1",
	[SOCKETS_ST_FIN_WAIT2] = "FIN-WAIT-2",
	[SOCKETS_ST_TIME_WAIT] = "TIME-WAIT",
	[SOCKETS_ST_CLOSE] = "UNCONN",
	[SOCKETS_ST_CLOSE_WAIT] = "CLOSE-WAIT",
	[SOCKETS_ST_LAST_ACK] = "LAST-ACK",
	[SOCKETS_ST_LISTEN] = "LISTEN",
	[SOCKETS_ST_CLOSING] = "CLOSING",
};

const char *sockets_state_name(uint8_t state)
{
	if (state < sizeof(sockets_state_names) / sizeof(sockets_state_names[0]) &&
	    sockets_state_names[state])
		return sockets_state_names[state];
	return "UNKNOWN";
}

const char *sockets_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case SOCKETS_PROTO_UNIX: return "unix";
	default: return "?";
	}
}

const char *sockets_entry_netid(const struct sockets_entry *e)
{
	if (e->proto != SOCKETS_PROTO_UNIX)
		return sockets_proto_name(e->proto);
	switch (e->sock_type) {
	case SOCK_STREAM: return "u_str";
	case SOCK_DGRAM: return "u_dgr";
	case SOCK_SEQPACKET: return "u_seq";
	default: return "u_???";
	}
}

#define SOCKETS_CMP(x, y)                       \
	do {                                    \
		if ((x) != (y))                 \
			return (x) < (y) ? -1 : 1; \
	} while (0)

static int sockets_endpoints_cmp(const struct sockets_entry *a, const struct sockets_entry *b)
{
	int c = memcmp(a->local_addr, b->local_addr, sizeof(a->local_addr));

	if (c)
		return c < 0 ? -1 : 1;
	SOCKETS_CMP(a->local_port, b->local_port);
	c = memcmp(a->peer_addr, b->peer_addr, sizeof(a->peer_addr));
	if (c)
		return c < 0 ? -1 : 1;
	SOCKETS_CMP(a->peer_port, b->peer_port);
	return 0;
}

/* tcp before udp, whatever their protocol numbers. */
static int sockets_proto_rank(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 0 : proto == IPPROTO_UDP ? 1 : proto == SOCKETS_PROTO_UNIX ? 2 : 3;
}

int sockets_entry_cmp(const struct sockets_entry *a, const struct sockets_entry *b)
{
	SOCKETS_CMP(sockets_proto_rank(a->proto), sockets_proto_rank(b->proto));
	SOCKETS_CMP(a->local_port, b->local_port);
	SOCKETS_CMP(a->family, b->family);
	int c = sockets_endpoints_cmp(a, b);
	if (c)
		return c;
	c = strcmp(a->path, b->path);
	if (c)
		return c < 0 ? -1 : 1;
	SOCKETS_CMP(a->state, b->state);
	SOCKETS_CMP(a->cookie, b->cookie);
	SOCKETS_CMP(a->inode, b->inode);
	SOCKETS_CMP(a->change, b->change);
	return 0;
}

static int sockets_entry_qcmp(const void *a, const void *b)
{
	return sockets_entry_cmp(a, b);
}

void sockets_list_sort(struct sockets_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(l->v[0]), sockets_entry_qcmp);
}

int sockets_identity_cmp(const struct sockets_entry *a, const struct sockets_entry *b)
{
	SOCKETS_CMP(a->proto, b->proto);
	SOCKETS_CMP(a->family, b->family);
	int c = sockets_endpoints_cmp(a, b);
	if (c)
		return c;
	SOCKETS_CMP(a->cookie, b->cookie);
	return 0;
}
