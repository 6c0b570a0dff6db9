/* Batched UDP I/O for servers: datagrams come in through recvmmsg(2) and the
 * answers leave through sendmmsg(2), so a busy socket costs two system calls
 * per batch rather than two per datagram. */
#ifndef SOCKLAB_CORE_DGRAM_H
#define SOCKLAB_CORE_DGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/addr.h"

#define DGRAM_BATCH 32
/* Larger than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6). */
#define DGRAM_MAX 65536
/* Room per datagram for an answer built apart from the request. */
#define DGRAM_REPLY_ROOM 512

struct dgram_batch {
	struct mmsghdr in[DGRAM_BATCH];
	struct iovec in_iov[DGRAM_BATCH];
	union addr_any from[DGRAM_BATCH];
	struct mmsghdr out[DGRAM_BATCH];
	struct iovec out_iov[DGRAM_BATCH];
	unsigned nout;
	uint8_t reply[DGRAM_BATCH][DGRAM_REPLY_ROOM];
	uint8_t data[DGRAM_BATCH][DGRAM_MAX];
};

struct dgram_batch *dgram_batch_new(void);
void dgram_batch_free(struct dgram_batch *b);
/* Receives up to DGRAM_BATCH datagrams without blocking: how many, 0 when
 * none is waiting, -1 on an error. Clears the queued answers. */
int dgram_recv(int fd, struct dgram_batch *b);
size_t dgram_len(const struct dgram_batch *b, unsigned i);
const struct sockaddr *dgram_from(const struct dgram_batch *b, unsigned i);
/* True if datagram i was longer than the buffer (cut short). */
int dgram_truncated(const struct dgram_batch *b, unsigned i);
/* Queues n bytes at p as the answer to datagram i (p stays valid until sent). */
void dgram_reply(struct dgram_batch *b, unsigned i, const void *p, size_t n);
/* Sends the queued answers; returns how many left. An answer the kernel
 * refuses (full buffer, unreachable peer) is skipped and counted in *failed. */
unsigned dgram_send(int fd, struct dgram_batch *b, uint64_t *failed);

#endif
