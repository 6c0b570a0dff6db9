/* Input lines (the terminal's or a pipe's) to messages, at the pace they may go. */
#ifndef SOCKLAB_CHAT_CLIENT_INPUT_H
#define SOCKLAB_CHAT_CLIENT_INPUT_H

#include "chat_client/client.h"

/* Also fills in c->input, the hooks net.c calls. */
int cc_input_init(struct chat_client *c);
void cc_input_free(struct chat_client *c);
void cc_on_stdin(evutil_socket_t fd, short what, void *arg);
void cc_on_later(evutil_socket_t fd, short what, void *arg);

#endif
