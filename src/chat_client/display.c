/* Server messages to output lines: parse into struct chatcli_event, then
 * format. Every field is a view into the delivered line. */
#include "chat_client/display.h"

#include <stdio.h>
#include <string.h>

#define W(w) (int)(w).len, (w).p

static bool display_take_name(const char **p, const char *end, struct chat_word *w)
{
	return chatwire_next_word(p, end, w) && chatwire_valid_name(w->p, w->len);
}

static void display_take_rest(const char *p, const char *end, struct chat_word *w)
{
	w->p = p;
	w->len = p < end ? (size_t)(end - p) : 0;
}

static enum chatcli_ev_kind display_parse_ok(const char *p, const char *end, struct chatcli_event *ev)
{
	if (!chatwire_next_word(&p, end, &ev->what))
		return CHATCLI_EV_UNKNOWN;
	if (chatcli_event_what_is(ev, "poke")) {
		if (!display_take_name(&p, end, &ev->user))
			return CHATCLI_EV_UNKNOWN;
	} else if (chatcli_event_what_is(ev, "create") || chatcli_event_what_is(ev, "join") ||
		   chatcli_event_what_is(ev, "leave") || chatcli_event_what_is(ev, "kick")) {
		if (!display_take_name(&p, end, &ev->room))
			return CHATCLI_EV_UNKNOWN;
	}
	display_take_rest(p, end, &ev->text);
	return CHATCLI_EV_OK;
}

static enum chatcli_ev_kind display_parse_list(const char *p, const char *end, struct chatcli_event *ev)
{
	struct chat_word w;

	if (!display_take_name(&p, end, &ev->what) || !chatwire_next_word(&p, end, &w))
		return CHATCLI_EV_UNKNOWN;
	if (chatwire_word_is(&w, "end"))
		ev->last = true;
	else if (!chatwire_word_is(&w, "more"))
		return CHATCLI_EV_UNKNOWN;
	display_take_rest(p, end, &ev->text);
	return CHATCLI_EV_LIST;
}

static enum chatcli_ev_kind display_parse(const char *p, const char *end, struct chatcli_event *ev)
{
	struct chat_word verb;

	if (!chatwire_next_word(&p, end, &verb))
		return CHATCLI_EV_UNKNOWN;
	if (chatwire_word_is(&verb, "MSG")) {
		if (!display_take_name(&p, end, &ev->room) || !display_take_name(&p, end, &ev->user))
			return CHATCLI_EV_UNKNOWN;
		display_take_rest(p, end, &ev->text);
		return ev->text.len ? CHATCLI_EV_MSG : CHATCLI_EV_UNKNOWN;
	}
	if (chatwire_word_is(&verb, "PRIV")) {
		if (!display_take_name(&p, end, &ev->user))
			return CHATCLI_EV_UNKNOWN;
		display_take_rest(p, end, &ev->text);
		return ev->text.len ? CHATCLI_EV_PRIV : CHATCLI_EV_UNKNOWN;
	}
	if (chatwire_word_is(&verb, "JOINED") || chatwire_word_is(&verb, "LEFT") ||
	    chatwire_word_is(&verb, "KICKED")) {
		if (!display_take_name(&p, end, &ev->room) || !display_take_name(&p, end, &ev->user) ||
		    p < end)
			return CHATCLI_EV_UNKNOWN;
		return chatwire_word_is(&verb, "JOINED") ? CHATCLI_EV_JOINED
		       : chatwire_word_is(&verb, "LEFT") ? CHATCLI_EV_LEFT
						     : CHATCLI_EV_KICKED;
	}
	if (chatwire_word_is(&verb, "WELCOME"))
		return display_take_name(&p, end, &ev->user) && p >= end ? CHATCLI_EV_WELCOME
									 : CHATCLI_EV_UNKNOWN;
	if (chatwire_word_is(&verb, "LIST"))
		return display_parse_list(p, end, ev);
	if (chatwire_word_is(&verb, "OK"))
		return display_parse_ok(p, end, ev);
	if (chatwire_word_is(&verb, "ERR")) {
		if (!chatwire_next_word(&p, end, &ev->what))
			return CHATCLI_EV_UNKNOWN;
		display_take_rest(p, end, &ev->text);
		return CHATCLI_EV_ERR;
	}
	return CHATCLI_EV_UNKNOWN;
}

void chatcli_event_parse(const char *line, size_t len, struct chatcli_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->line = line;
	ev->len = len;
	ev->kind = display_parse(line, line + len, ev);
}

bool chatcli_event_action(const struct chatcli_event *ev, struct chat_word *rest)
{
	const struct chat_word *t = &ev->text, *u = &ev->user;

	if ((ev->kind != CHATCLI_EV_MSG && ev->kind != CHATCLI_EV_PRIV) || t->len < u->len + 4 ||
	    t->p[0] != '*' || t->p[1] != ' ' || memcmp(t->p + 2, u->p, u->len) != 0 ||
	    t->p[2 + u->len] != ' ')
		return false;
	rest->p = t->p + u->len + 3;
	rest->len = t->len - u->len - 3;
	return true;
}

bool chatcli_event_what_is(const struct chatcli_event *ev, const char *s)
{
	return chatwire_word_is(&ev->what, s);
}

static void display_list_reset(struct chatcli_display *d)
{
	d->kind[0] = '\0';
	d->items = d->dropped = d->len = 0;
	d->acc[0] = '\0';
}

void chatcli_display_init(struct chatcli_display *d)
{
	display_list_reset(d);
	d->out[0] = '\0';
}

/* Room for the ", " before an item and the "… and N more" at the end. */
#define DISPLAY_TAIL 48

static void display_list_add(struct chatcli_display *d, const struct chatcli_event *ev,
			     const struct chat_word *item)
{
	const char *colon = memchr(item->p, ':', item->len);
	size_t room = sizeof(d->acc) - d->len;
	int k;

	/* "lobby:3" in a room list reads "lobby (3)" */
	if (chatcli_event_what_is(ev, "rooms") && colon)
		k = snprintf(d->acc + d->len, room, "%s%.*s (%.*s)", d->items ? ", " : "",
			     (int)(colon - item->p), item->p,
			     (int)(item->len - (size_t)(colon - item->p) - 1), colon + 1);
	else
		k = snprintf(d->acc + d->len, room, "%s%.*s", d->items ? ", " : "", W(*item));
	if (k < 0 || (size_t)k + DISPLAY_TAIL >= room) {
		d->acc[d->len] = '\0';
		d->dropped++;
		return;
	}
	d->len += (size_t)k;
	d->items++;
}

static const char *display_list_label(const struct chatcli_event *ev)
{
	if (chatcli_event_what_is(ev, "who"))
		return "in room";
	return NULL;
}

static enum chatcli_out display_list(struct chatcli_display *d, const struct chatcli_event *ev,
				  const char **line)
{
	const char *p = ev->text.p, *end = ev->text.p + ev->text.len;
	struct chat_word item;

	if (!chatwire_word_is(&ev->what, d->kind)) {
		display_list_reset(d);
		snprintf(d->kind, sizeof(d->kind), "%.*s", W(ev->what));
	}
	while (p < end)
		if (chatwire_next_word(&p, end, &item))
			display_list_add(d, ev, &item);
	if (!ev->last)
		return CHATCLI_OUT_NONE;
	const char *label = display_list_label(ev);
	int k = label ? snprintf(d->out, sizeof(d->out), "%s: ", label)
		      : snprintf(d->out, sizeof(d->out), "%s: ", d->kind);
	size_t n = (size_t)k;
	n += (size_t)snprintf(d->out + n, sizeof(d->out) - n, "%s", d->items ? d->acc : "(none)");
	if (d->dropped)
		snprintf(d->out + n, sizeof(d->out) - n, " … and %zu more", d->dropped);
	display_list_reset(d);
	*line = d->out;
	return CHATCLI_OUT_STDOUT;
}

static void display_ok(struct chatcli_display *d, const struct chatcli_event *ev)
{
	char *o = d->out;
	size_t n = sizeof(d->out);

	if (chatcli_event_what_is(ev, "create"))
		snprintf(o, n, "created room %.*s", W(ev->room));
	else if (chatcli_event_what_is(ev, "join"))
		snprintf(o, n, "joined %.*s", W(ev->room));
	else if (chatcli_event_what_is(ev, "leave"))
		snprintf(o, n, "left %.*s", W(ev->room));
	else if (chatcli_event_what_is(ev, "poke"))
		snprintf(o, n, "poked %.*s: plain lines go to %.*s", W(ev->user), W(ev->user));
	else if (chatcli_event_what_is(ev, "kick"))
		snprintf(o, n, "kicked %.*s from %.*s", ev->text.len ? (int)ev->text.len : 1,
			 ev->text.len ? ev->text.p : "?", W(ev->room));
	else if (chatcli_event_what_is(ev, "bye"))
		snprintf(o, n, "bye");
	else
		snprintf(o, n, "ok: %.*s%s%.*s", W(ev->what), ev->text.len ? " " : "", W(ev->text));
}

static enum chatcli_out display_event(struct chatcli_display *d, const struct chatcli_event *ev,
				   const char **line)
{
	char *o = d->out;
	size_t n = sizeof(d->out);
	enum chatcli_out where = CHATCLI_OUT_STDOUT;
	struct chat_word act;

	if (chatcli_event_action(ev, &act)) { /* /me: "[lobby] * alice waves" */
		if (ev->kind == CHATCLI_EV_MSG)
			snprintf(o, n, "[%.*s] * %.*s %.*s", W(ev->room), W(ev->user), W(act));
		else
			snprintf(o, n, "[private] * %.*s %.*s", W(ev->user), W(act));
		*line = o;
		return where;
	}
	switch (ev->kind) {
	case CHATCLI_EV_WELCOME:
		return CHATCLI_OUT_NONE; /* the session says it, with the server's address */
	case CHATCLI_EV_LIST:
		return display_list(d, ev, line);
	case CHATCLI_EV_MSG:
		snprintf(o, n, "[%.*s] %.*s: %.*s", W(ev->room), W(ev->user), W(ev->text));
		break;
	case CHATCLI_EV_PRIV:
		snprintf(o, n, "[private] %.*s: %.*s", W(ev->user), W(ev->text));
		break;
	case CHATCLI_EV_JOINED:
	case CHATCLI_EV_LEFT:
		snprintf(o, n, "* %.*s %s %.*s", W(ev->user),
			 ev->kind == CHATCLI_EV_JOINED ? "joined" : "left", W(ev->room));
		break;
	case CHATCLI_EV_KICKED:
		snprintf(o, n, "* you were kicked from %.*s by %.*s", W(ev->room), W(ev->user));
		break;
	case CHATCLI_EV_OK:
		display_ok(d, ev);
		break;
	case CHATCLI_EV_ERR:
		if (ev->text.len)
			snprintf(o, n, "error: %.*s", W(ev->text));
		else
			snprintf(o, n, "error: %.*s", W(ev->what));
		break;
	case CHATCLI_EV_UNKNOWN:
		snprintf(o, n, "unexpected message from the server: %.*s", (int)ev->len, ev->line);
		where = CHATCLI_OUT_STDERR;
		break;
	}
	*line = o;
	return where;
}

enum chatcli_out chatcli_display_event(struct chatcli_display *d, const struct chatcli_event *ev,
				 const char **line)
{
	const char *raw;
	enum chatcli_out where = display_event(d, ev, &raw);

	if (where == CHATCLI_OUT_NONE)
		return where;
	textesc_term((const uint8_t *)raw, strlen(raw), d->shown);
	*line = d->shown;
	return where;
}
