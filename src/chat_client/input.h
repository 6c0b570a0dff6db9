/* Input lines (the terminal's or a pipe's) to messages, at the pace they may go. */
#ifndef SOCKLAB_CHAT_CLIENT_INPUT_H
#define SOCKLAB_CHAT_CLIENT_INPUT_H

#include "chat_client/client.h"

/* Also fills in c->input, the hooks net.c calls. */
int chatcli_input_init(struct chatcli *c);
void chatcli_input_free(struct chatcli *c);
void chatcli_on_stdin(evutil_socket_t fd, short what, void *arg);
void chatcli_on_later(evutil_socket_t fd, short what, void *arg);

#endif
