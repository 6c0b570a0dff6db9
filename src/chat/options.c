/* getopt_long for socklab chat, then one block of argument checks. */
#include "chat/options.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/opt.h"

const char chat_usage_text[] =
	"Usage: socklab chat [options] PORT        listen on PORT for one peer\n"
	"       socklab chat [options] HOST PORT   connect to HOST on PORT; if that fails,\n"
	"                                          listen on PORT instead\n"
	"\n"
	"A TCP chat between two people. Type a line and Return to send it; the\n"
	"peer's lines appear as they arrive, above the line being typed. ':q' or\n"
	"Ctrl-D leaves. From a pipe, every line of standard input is sent, and its\n"
	"end leaves once everything is sent.\n"
	"\n"
	"  -4                  IPv4 only\n"
	"  -6                  IPv6 only\n"
	"      --name NAME     the name the peer sees (default: the login name, or\n"
	"                      anonymous); 1-32 of A-Z a-z 0-9 . _ -\n"
	"  -l                  listen (netcat's habit): the same as giving only PORT\n"
	"  -w SECS             connect timeout (default 10)\n"
	"      --no-fallback   if the connection fails, exit 1 instead of listening\n"
	"      --json          JSON Lines on standard output instead of the display: one\n"
	"                      object per line sent or received and per event; standard\n"
	"                      input stays the input (read as lines, no line editing)\n"
	"  -h, --help          show this help\n"
	"      --version       show the version\n"
	"\n"
	"Lines are at most 4096 bytes; a longer one is not sent. The peer's control\n"
	"characters are shown escaped (\\x1b), never passed to the terminal.\n"
	"\n"
	"Exit status: 0 when either side leaves; 1 when the connection cannot be\n"
	"made or breaks; 2 usage.\n";

enum { OPT_NAME = 256, OPT_NO_FALLBACK, OPT_JSON };

static const struct option chat_long_options[] = {
	OPT_VALUE("name", OPT_NAME),
	OPT_FLAG("no-fallback", OPT_NO_FALLBACK),
	OPT_FLAG("json", OPT_JSON),
	TOOL_LONG_OPTIONS_END,
};

void chat_default_name(char *out, size_t outlen)
{
	const char *login = getlogin();

	if (!login || !chat_name_valid(login, strlen(login))) {
		struct passwd *pw = getpwuid(geteuid());
		login = pw ? pw->pw_name : NULL;
	}
	if (!login || !chat_name_valid(login, strlen(login)))
		login = "anonymous";
	snprintf(out, outlen, "%s", login);
}

enum tool_args chat_parse_args(int argc, char **argv, struct chat_config *cfg,
			       char *err, size_t errlen)
{
	const char *name = NULL, *why;
	bool timeout_given = false;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_UNSPEC;
	cfg->connect_timeout_ms = CHAT_TCP_CONNECT_TIMEOUT_MS;
	bool listen_flag = false;

	OPT_EACH(c, argc, argv, ":46lw:h", chat_long_options) {
		switch (c) {
		case '4': cfg->family = AF_INET; break;
		case '6': cfg->family = AF_INET6; break;
		case 'l': listen_flag = true; break;
		case 'w':
			if (opt_parse_seconds(optarg, CHAT_TCP_CONNECT_TIMEOUT_MAX_SECS,
					      &cfg->connect_timeout_ms, &why) < 0)
				return tool_bad_value(err, errlen, "-w", optarg, why);
			if (cfg->connect_timeout_ms == 0)
				return tool_bad_value(err, errlen, "-w", optarg, "must be more than 0");
			timeout_given = true;
			break;
		case OPT_NAME: name = optarg; break;
		case OPT_NO_FALLBACK: cfg->no_fallback = true; break;
		case OPT_JSON: cfg->json = true; break;
		default: return opt_getopt_default(c, argv, chat_long_options, err, errlen);
		}
	}
	int rest = argc - optind;
	if (rest == 1) {
		cfg->port = argv[optind];
	} else if (rest == 2) {
		cfg->host = argv[optind];
		cfg->port = argv[optind + 1];
	}

	if (listen_flag && rest == 2) {
		snprintf(err, errlen,
			 "-l listens: give only PORT (socklab chat -l PORT); HOST PORT connects");
	} else if (rest == 0) {
		snprintf(err, errlen, "missing PORT (listen) or HOST PORT (connect)");
	} else if (rest > 2) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind + 2]);
	} else if (opt_parse_port(cfg->port, &cfg->port_num, &why) < 0) {
		return tool_bad_value(err, errlen, "PORT", cfg->port, why);
	} else if (cfg->host && cfg->port_num == 0) {
		return tool_bad_value(err, errlen, "PORT", cfg->port, "not a port to connect to (1-65535)");
	} else if (cfg->host && !*cfg->host) {
		snprintf(err, errlen, "HOST is empty");
	} else if (!cfg->host && cfg->no_fallback) {
		snprintf(err, errlen, "cannot use --no-fallback without HOST");
	} else if (!cfg->host && timeout_given) {
		snprintf(err, errlen, "cannot use -w without HOST");
	} else if (name && !chat_name_valid(name, strlen(name))) {
		return tool_bad_value(err, errlen, "--name", name,
				    "not 1-32 of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
	} else {
		if (name)
			snprintf(cfg->name, sizeof(cfg->name), "%s", name);
		else
			chat_default_name(cfg->name, sizeof(cfg->name));
		return TOOL_ARGS_OK;
	}
	return TOOL_ARGS_USAGE;
}
