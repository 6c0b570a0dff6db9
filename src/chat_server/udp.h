/* The chat server's sockets and its pump: intake in recvmmsg(2)
 * batches, handed to dispatch, alternating with slices of session work. */
#ifndef SOCKLAB_CHAT_SERVER_UDP_H
#define SOCKLAB_CHAT_SERVER_UDP_H

#include "chat_server/server.h"

int chatsrv_sockets_open(struct chatsrv_server *srv, const union addr_any *addrs, unsigned n);
void chatsrv_pump(struct chatsrv_server *srv);
/* Takes in what waits on every socket (bounded); true if more may wait. */
bool chatsrv_intake(struct chatsrv_server *srv);
int chatsrv_sockets_start(struct chatsrv_server *srv);
void chatsrv_sockets_close(struct chatsrv_server *srv);

#endif
