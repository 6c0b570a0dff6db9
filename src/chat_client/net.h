/* The client end of the session: the socket, REG, messages out and in. */
#ifndef SOCKLAB_CHAT_CLIENT_NET_H
#define SOCKLAB_CHAT_CLIENT_NET_H

#include "chat_client/client.h"

int chatcli_net_open(struct chatcli *c);
void chatcli_net_close(struct chatcli *c);
void chatcli_register(struct chatcli *c);
/* Queues a message line; false if the session is stuck. */
bool chatcli_send(struct chatcli *c, const char *line, size_t len);
/* Sends what is due now (with ack_only: at least an acknowledgement). */
void chatcli_flush(struct chatcli *c, bool ack_only);
void chatcli_quit(struct chatcli *c, bool drain);
void chatcli_finish(struct chatcli *c, int code);
void chatcli_on_sock(evutil_socket_t fd, short what, void *arg);
void chatcli_on_rto(evutil_socket_t fd, short what, void *arg);
void chatcli_on_keepalive(evutil_socket_t fd, short what, void *arg);
void chatcli_on_timeout(evutil_socket_t fd, short what, void *arg);
void chatcli_timer_at(struct event *ev, uint64_t at_us);

#endif
