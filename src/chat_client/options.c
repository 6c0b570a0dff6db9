/* getopt_long for socklab chat-client, then one block of checks. */
#include "chat_client/options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "chat_client/commands.h"
#include "core/opt.h"

const char chatcli_usage_text[] =
	"Usage: socklab chat-client [options] HOST PORT\n"
	"\n"
	"Joins the UDP chat of 'socklab chat-server PORT' on HOST under a name. Plain\n"
	"lines go to your room, or to the user you poked; lines that start with $ are\n"
	"commands:\n"
	"\n"
	CHATCLI_CMD_LINES
	"  $help              list the commands\n"
	"  $quit              leave the chat (so do Ctrl-D and the end of input)\n"
	"\n"
	CHATCLI_CMD_IRC_LINES
	"\n"
	"Where plain lines go: the last of $poke and $roomjoin/$roomcreate wins.\n"
	"$poke USER sends them to USER (you stay in your room and still see it);\n"
	"joining or creating a room sends them to the room and ends the poke;\n"
	"$roomjoin of the room you are in ends a poke. Start a line with $$ to send\n"
	"it as text beginning with $. Lines are at most 512 bytes without control\n"
	"characters (tab is fine); others are refused, never cut.\n"
	"\n"
	"Options:\n"
	"      --name NAME  the name to chat under (default: your login name)\n"
	"  -4               IPv4 only\n"
	"  -6               IPv6 only\n"
	"  -w SECS          how long to wait for the server to accept the name (default 5)\n"
	"      --json       JSON Lines on stdout (messages and events, for programs);\n"
	"                   no prompt, no line editing\n"
	"  -h, --help       show this help\n"
	"      --version    show the version\n"
	"\n"
	"Output on stdout, a line each: '[room] alice: text', '[private] alice: text',\n"
	"'* bob joined room', '* bob left room', '* you were kicked from room by carol',\n"
	"'users: a, b', 'rooms: lobby (3), dev (1)', 'in room: a, b', confirmations\n"
	"('joined lobby'), and the server's refusals as 'error: TEXT'. Lines refused\n"
	"before sending go to stderr. On a terminal a prompt shows where plain lines\n"
	"go ('lobby> ', '@bob> ', '> '). Without a terminal, lines are read as they\n"
	"come and the client leaves at the end of input once the server has\n"
	"acknowledged every line. If the server has lost the session (restarted, or\n"
	"the client was silent too long) the client registers again by itself and\n"
	"joins no room: $roomjoin again.\n"
	"\n"
	"Exit status: 0 left; 1 no server, name taken, lines not acknowledged; 2 usage.\n";

enum { OPT_NAME = 256, OPT_JSON };

static const struct option chatcli_long_options[] = {
	OPT_VALUE("name", OPT_NAME),
	OPT_FLAG("json", OPT_JSON),
	TOOL_LONG_OPTIONS_END,
};

static enum tool_args chatcli_check(struct chatcli_config *cfg, bool v4, bool v6,
				    const char *name, const char *login, char *err, size_t errlen)
{
	uint16_t port;
	const char *why;

	if (v4 && v6)
		snprintf(err, errlen, "cannot use -4 with -6");
	else if (!cfg->host)
		snprintf(err, errlen, "missing HOST and PORT");
	else if (!cfg->port)
		snprintf(err, errlen, "missing PORT");
	else if (opt_parse_port(cfg->port, &port, &why) < 0 || port == 0)
		snprintf(err, errlen, "PORT %s: not a port to send to (1-65535)", cfg->port);
	else if (!name && !login)
		snprintf(err, errlen, "no login name to chat under: use --name NAME");
	else if (!name && !chatwire_valid_name(login, strlen(login)))
		snprintf(err, errlen, "your login name '%s' is not a chat name: use --name NAME", login);
	else if (name && !chatwire_valid_name(name, strlen(name)))
		snprintf(err, errlen,
			 "--name %s: 1 to 32 of A-Z a-z 0-9 _ - . starting with a letter or digit",
			 name);
	else {
		snprintf(cfg->name, sizeof(cfg->name), "%s", name ? name : login);
		cfg->family = v4 ? AF_INET : v6 ? AF_INET6 : AF_UNSPEC;
		return TOOL_ARGS_OK;
	}
	return TOOL_ARGS_USAGE;
}

enum tool_args chatcli_parse_args(int argc, char **argv, const char *login,
				  struct chatcli_config *cfg, char *err, size_t errlen)
{
	const char *name = NULL, *why;
	bool v4 = false, v6 = false;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->wait_ms = CHATCLI_WAIT_MS;
	OPT_EACH(c, argc, argv, ":46w:h", chatcli_long_options) {
		switch (c) {
		case '4': v4 = true; break;
		case '6': v6 = true; break;
		case 'w':
			if (opt_parse_seconds(optarg, CHATCLI_WAIT_MAX_SECS, &cfg->wait_ms, &why) < 0)
				return tool_bad_value(err, errlen, "-w", optarg, why);
			if (cfg->wait_ms == 0)
				return tool_bad_value(err, errlen, "-w", optarg, "must be more than 0");
			break;
		case OPT_NAME: name = optarg; break;
		case OPT_JSON: cfg->json = true; break;
		default: return opt_getopt_default(c, argv, chatcli_long_options, err, errlen);
		}
	}
	if (optind < argc)
		cfg->host = argv[optind];
	if (optind + 1 < argc)
		cfg->port = argv[optind + 1];
	if (optind + 2 < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind + 2]);
		return TOOL_ARGS_USAGE;
	}
	return chatcli_check(cfg, v4, v6, name, login, err, errlen);
}
