/* The user's lines: "$command args" or plain text, turned into what to do
 * — a protocol message to send, a local action, or a refusal with its
 * reason. Pure: the target (room or poked user) comes in, nothing is sent. */
#ifndef SOCKLAB_CHAT_CLIENT_COMMANDS_H
#define SOCKLAB_CHAT_CLIENT_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "chat_client/target.h"
#include "chatwire/chatproto.h"

#define CHATCLI_CMD_TEXT_MAX 256

enum chatcli_cmd_kind {
	CHATCLI_CMD_NONE,     /* an empty line: nothing */
	CHATCLI_CMD_SEND,     /* send line to the server */
	CHATCLI_CMD_HELP,     /* show chatcli_cmd_help_text */
	CHATCLI_CMD_QUIT,     /* BYE, then leave */
	CHATCLI_CMD_UNPOKE,   /* plain lines go to the room again (text says so) */
	CHATCLI_CMD_NOTE,     /* nothing to send; text tells the user why */
	CHATCLI_CMD_ERROR,    /* refused, not sent: text says why */
};

struct chatcli_cmd {
	enum chatcli_cmd_kind kind;
	bool paced;                     /* SAY or PRIV: counts against the flood limit */
	const char *await;              /* the OK verb that answers it ("join"), or NULL */
	bool create_if_missing;         /* IRC's /join: CREATE the room if there is none */
	char line[CHAT_LINE_MAX];       /* the protocol message: "SAY hello" */
	size_t len;
	char text[CHATCLI_CMD_TEXT_MAX];
};

/* The commands that go to the server, a line each: in --help and $help. */
#define CHATCLI_CMD_LINES \
	"  $userlist          the users on the server\n" \
	"  $roomlist          the rooms and how many are in each\n" \
	"  $who               the members of your room\n" \
	"  $poke USER         talk privately with USER: plain lines go to USER only\n" \
	"  $roomcreate ROOM   create ROOM and join it\n" \
	"  $roomjoin ROOM     join ROOM (leaving the room you were in)\n" \
	"  $roomleave         leave your room\n" \
	"  $kick              remove every other member from your room (its creator only)\n"

/* IRC's spellings, in --help and $help. */
#define CHATCLI_CMD_IRC_LINES \
	"IRC's spellings work too (a room may be written #room anywhere):\n" \
	"  /join ROOM (creates a missing ROOM)  /part [ROOM]  /list  /names  /who\n" \
	"  /users  /query USER\n" \
	"  /create ROOM  /kick  /help  /quit [MESSAGE]   (the $ commands above)\n" \
	"  /msg USER TEXT     one line to USER (/msg #room TEXT: to your room)\n" \
	"  /me TEXT           an action, sent as '* NAME TEXT'\n" \
	"  //TEXT             sends '/TEXT'; any other /word is refused, never sent\n"

extern const char chatcli_cmd_help_text[];

/* One input line (without its LF; a CR before it is dropped) to out. */
void chatcli_cmd_parse(const char *in, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out);

#endif
