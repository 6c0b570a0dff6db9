/* Server messages to JSON objects: the same events as display.c's lines. */
#include "chat_client/json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsontext.h"

json_t *chatcli_json_new(const char *type)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return json_pack("{s:s,s:f}", "type", type,
			 "time", (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6);
}

static void json_word(json_t *o, const char *key, const struct chat_word *w)
{
	jsontext_set(o, key, w->p, w->len);
}

void chatcli_jlist_free(struct chatcli_jlist *l)
{
	json_decref(l->items);
	l->items = NULL;
	l->kind[0] = '\0';
	l->dropped = 0;
}

/* "lobby:3" in a room list is {"room": "lobby", "members": 3}. */
static json_t *json_list_item(const struct chatcli_event *ev, const struct chat_word *item)
{
	const char *colon = memchr(item->p, ':', item->len);

	if (!chatcli_event_what_is(ev, "rooms") || !colon)
		return jsontext_bytes(item->p, item->len);
	json_t *o = json_object();
	jsontext_set(o, "room", item->p, (size_t)(colon - item->p));
	char num[24];
	size_t n = item->len - (size_t)(colon - item->p) - 1;
	if (n >= sizeof(num))
		n = sizeof(num) - 1;
	memcpy(num, colon + 1, n);
	num[n] = '\0';
	char *end;
	long long members = strtoll(num, &end, 10);
	if (n && *end == '\0')
		json_object_set_new(o, "members", json_integer(members));
	else
		jsontext_set(o, "members", colon + 1, item->len - (size_t)(colon - item->p) - 1);
	return o;
}

static json_t *json_list(struct chatcli_jlist *l, const struct chatcli_event *ev)
{
	const char *p = ev->text.p, *end = ev->text.p + ev->text.len;
	struct chat_word item;

	if (!l->items || !chatwire_word_is(&ev->what, l->kind)) {
		chatcli_jlist_free(l);
		size_t n = ev->what.len < CHAT_NAME_MAX ? ev->what.len : CHAT_NAME_MAX;
		memcpy(l->kind, ev->what.p, n);
		l->kind[n] = '\0';
		l->items = json_array();
	}
	while (p < end) {
		if (!chatwire_next_word(&p, end, &item))
			continue;
		if (json_array_size(l->items) >= CHATCLI_JSON_LIST_MAX)
			l->dropped++;
		else
			json_array_append_new(l->items, json_list_item(ev, &item));
	}
	if (!ev->last)
		return NULL;
	json_t *o = chatcli_json_new("list");
	json_object_set_new(o, "kind", json_string(l->kind));
	json_object_set(o, "items", l->items);
	if (l->dropped)
		json_object_set_new(o, "dropped", json_integer((json_int_t)l->dropped));
	chatcli_jlist_free(l);
	return o;
}

/* A MSG or PRIV: "action": true and the text after "* NAME " for /me. */
static json_t *json_message(const struct chatcli_event *ev)
{
	json_t *o = chatcli_json_new("message");
	struct chat_word text = ev->text;
	bool action = chatcli_event_action(ev, &text);

	if (ev->kind == CHATCLI_EV_MSG)
		json_word(o, "room", &ev->room);
	else
		json_object_set_new(o, "private", json_true());
	json_word(o, "from", &ev->user);
	json_word(o, "text", &text);
	if (action)
		json_object_set_new(o, "action", json_true());
	return o;
}

static json_t *json_ok(const struct chatcli_event *ev)
{
	json_t *o = chatcli_json_new("ok");

	json_word(o, "what", &ev->what);
	if (ev->room.len)
		json_word(o, "room", &ev->room);
	if (ev->user.len)
		json_word(o, "user", &ev->user);
	if (chatcli_event_what_is(ev, "kick")) {
		char num[24];
		size_t n = ev->text.len < sizeof(num) - 1 ? ev->text.len : sizeof(num) - 1;
		char *end;
		memcpy(num, ev->text.p, n);
		num[n] = '\0';
		long long k = strtoll(num, &end, 10);
		if (n && *end == '\0')
			json_object_set_new(o, "kicked", json_integer(k));
	} else if (ev->text.len) {
		json_word(o, "text", &ev->text);
	}
	return o;
}

json_t *chatcli_json_event(struct chatcli_jlist *l, const struct chatcli_event *ev)
{
	json_t *o = NULL;

	switch (ev->kind) {
	case CHATCLI_EV_WELCOME:
		return NULL;
	case CHATCLI_EV_LIST:
		return json_list(l, ev);
	case CHATCLI_EV_MSG:
	case CHATCLI_EV_PRIV:
		return json_message(ev);
	case CHATCLI_EV_JOINED:
	case CHATCLI_EV_LEFT:
		o = chatcli_json_new(ev->kind == CHATCLI_EV_JOINED ? "join" : "part");
		json_word(o, "room", &ev->room);
		json_word(o, "user", &ev->user);
		return o;
	case CHATCLI_EV_KICKED:
		o = chatcli_json_new("kicked");
		json_word(o, "room", &ev->room);
		json_word(o, "by", &ev->user);
		return o;
	case CHATCLI_EV_OK:
		return json_ok(ev);
	case CHATCLI_EV_ERR:
		o = chatcli_json_new("error");
		json_object_set_new(o, "source", json_string("server"));
		json_word(o, "code", &ev->what);
		json_word(o, "text", ev->text.len ? &ev->text : &ev->what);
		return o;
	case CHATCLI_EV_UNKNOWN:
		o = chatcli_json_new("unknown");
		jsontext_set(o, "line", ev->line, ev->len);
		return o;
	}
	return NULL;
}
