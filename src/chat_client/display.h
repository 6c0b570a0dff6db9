/* What the server says, as the user sees it: a delivered message line
 * ("MSG lobby alice hi") parsed into an event, then formatted as one output
 * line ("[lobby] alice: hi"). Lists that the server splits over several
 * messages are gathered and shown once, as one line. Pure: no I/O. */
#ifndef SOCKLAB_CHAT_CLIENT_DISPLAY_H
#define SOCKLAB_CHAT_CLIENT_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "chatwire/chatproto.h"
#include "core/textesc.h"

/* A gathered list and the formatted line it becomes: 1000 names of 32
 * bytes with ", " between them fit; longer lists end in "… and N more". */
#define CHATCLI_DISPLAY_MAX 40960

enum chatcli_ev_kind {
	CHATCLI_EV_UNKNOWN,   /* not a message the client knows, or malformed */
	CHATCLI_EV_WELCOME,   /* WELCOME <name>: user */
	CHATCLI_EV_MSG,       /* MSG <room> <from> <text>: room, user, text */
	CHATCLI_EV_PRIV,      /* PRIV <from> <text>: user, text */
	CHATCLI_EV_JOINED,    /* JOINED <room> <user> */
	CHATCLI_EV_LEFT,      /* LEFT <room> <user> */
	CHATCLI_EV_KICKED,    /* KICKED <room> <by>: room, user */
	CHATCLI_EV_LIST,      /* LIST <kind> more|end <items>: what, last, text */
	CHATCLI_EV_OK,        /* OK <what> [room|user] [n]: what, room or user, text */
	CHATCLI_EV_ERR,       /* ERR <code> [text]: what, text */
};

struct chatcli_event {
	enum chatcli_ev_kind kind;
	struct chat_word what;   /* LIST's kind, OK's verb, ERR's code */
	struct chat_word room;
	struct chat_word user;
	struct chat_word text;   /* the rest of the line, may be empty */
	bool last;               /* LIST ... end */
	const char *line;        /* the whole message line */
	size_t len;
};

/* Fills ev; a message that does not parse is CHATCLI_EV_UNKNOWN. */
void chatcli_event_parse(const char *line, size_t len, struct chatcli_event *ev);
/* A MSG or PRIV that is an action (/me): its text is "* FROM rest", FROM
 * the sender; rest in *rest. Otherwise false and *rest untouched. */
bool chatcli_event_action(const struct chatcli_event *ev, struct chat_word *rest);
/* The event's word equals s. */
bool chatcli_event_what_is(const struct chatcli_event *ev, const char *s);

enum chatcli_out {
	CHATCLI_OUT_NONE,     /* nothing to show (yet) */
	CHATCLI_OUT_STDOUT,
	CHATCLI_OUT_STDERR,
};

struct chatcli_display {
	char kind[CHAT_NAME_MAX + 1];   /* the list being gathered, "" if none */
	size_t items, dropped;
	size_t len;                     /* of acc */
	char acc[CHATCLI_DISPLAY_MAX];     /* "a, b, c" so far */
	char out[CHATCLI_DISPLAY_MAX + 128];
	/* out made safe for a terminal (core/textesc): another user's C1
	 * controls, bidirectional overrides and malformed UTF-8 escaped. */
	char shown[TEXTESC_MAX(CHATCLI_DISPLAY_MAX + 128)];
};

void chatcli_display_init(struct chatcli_display *d);
/* The line to show for ev and where: NUL-terminated, in d->shown, escaped
 * as the TCP chat escapes a peer's line (textesc_term), so that nothing a
 * server or another user sends can drive the terminal. */
enum chatcli_out chatcli_display_event(struct chatcli_display *d, const struct chatcli_event *ev,
				 const char **line);

#endif
