/* --json: what the server says as JSON Lines objects (docs/chat-client.md,
 * "JSON output"), for bots and tests. Every object has "type" and "time"
 * (seconds since the epoch); names and text from the server go through
 * core/jsontext. Lists split over several messages are gathered into one
 * object. Builds objects only: printing is terminal.c's. */
#ifndef SOCKLAB_CHAT_CLIENT_JSON_H
#define SOCKLAB_CHAT_CLIENT_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "chat_client/display.h"

/* The most items one gathered list holds; beyond, "dropped" counts them. */
#define CHATCLI_JSON_LIST_MAX 4096

struct chatcli_jlist {
	char kind[CHAT_NAME_MAX + 1];   /* the list being gathered, "" if none */
	json_t *items;
	size_t dropped;
};

void chatcli_jlist_free(struct chatcli_jlist *l);

/* {"type": type, "time": now}; NULL when memory runs out. */
json_t *chatcli_json_new(const char *type);

/* The object for ev, or NULL: nothing to say yet (a list goes on, WELCOME
 * is the session's to tell). */
json_t *chatcli_json_event(struct chatcli_jlist *l, const struct chatcli_event *ev);

#endif
