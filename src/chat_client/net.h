/* The client end of the session: the socket, REG, messages out and in. */
#ifndef SOCKLAB_CHAT_CLIENT_NET_H
#define SOCKLAB_CHAT_CLIENT_NET_H

#include "chat_client/client.h"

int cc_net_open(struct chat_client *c);
void cc_net_close(struct chat_client *c);
void cc_register(struct chat_client *c);
/* Queues a message line; false if the session is stuck. */
bool cc_send(struct chat_client *c, const char *line, size_t len);
/* Sends what is due now (with ack_only: at least an acknowledgement). */
void cc_flush(struct chat_client *c, bool ack_only);
void cc_quit(struct chat_client *c, bool drain);
void cc_finish(struct chat_client *c, int code);
void cc_on_sock(evutil_socket_t fd, short what, void *arg);
void cc_on_rto(evutil_socket_t fd, short what, void *arg);
void cc_on_keepalive(evutil_socket_t fd, short what, void *arg);
void cc_on_timeout(evutil_socket_t fd, short what, void *arg);
void cc_timer_at(struct event *ev, uint64_t at_us);

#endif
