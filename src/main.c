/* socklab: one binary, one tool per subcommand ("socklab serve"), or per
 * link name ("socklab-serve", "serve" as argv[0]). */
#include <stdio.h>
#include <string.h>

#include "chat/chat.h"
#include "chat_client/chat_client.h"
#include "chat_server/chat_server.h"
#include "decode/decode.h"
#include "echo_client/echo_client.h"
#include "echo_server/echo_server.h"
#include "nc/nc.h"
#include "scan/scan.h"
#include "serve/serve.h"
#include "sockets/sockets.h"
#include "trace/trace.h"

struct tool {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *what;
};

static const struct tool tools[] = {
	{ "serve", serve_main, "the lab server: echo, discard, daytime, qotd, chargen, time, upper" },
	{ "nc", nc_main, "netcat for the lab: connect or listen, TCP or UDP, stdin to socket to stdout" },
	{ "echo-server", echo_server_main, "seed 004's echo server: TCP or UDP, many clients at once" },
	{ "echo-client", echo_client_main, "seed 004's echo client: line mode or continuous (-c) mode" },
	{ "decode", decode_main, "packet decoder for pcap/pcapng files: tcpdump-style lines, --json, --explain, --flows" },
	{ "capture", capture_main, "live packet capture through libpcap, printed as decode does or written with -w" },
	{ "sockets", sockets_main, "open TCP and UDP sockets with their processes, like ss -tuanp" },
	{ "chat", chat_main, "seed 003's TCP chat: two people, point to point, connect or listen" },
	{ "chat-client", chat_client_main, "seed 003's UDP chat client: users, rooms, private messages" },
	{ "chat-server", chat_server_main, "seed 003's UDP chat server: an address book of users and rooms" },
	{ "scan", scan_main, "TCP connect and UDP port scanner: open, closed, filtered, banners" },
	{ "trace", trace_main, "runs programs and ties each packet to the socket call behind it" },
};

#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: socklab <tool> [options]\n"
		   "\n"
		   "A socket-networking lab toolkit. Tools:\n");
	for (size_t i = 0; i < NTOOLS; i++)
		fprintf(f, "  %-12s %s\n", tools[i].name, tools[i].what);
	fprintf(f, "\n'socklab <tool> --help' documents each tool.\n");
}

static const struct tool *tool_find(const char *name)
{
	if (strncmp(name, "socklab-", 8) == 0)
		name += 8;
	for (size_t i = 0; i < NTOOLS; i++)
		if (strcmp(tools[i].name, name) == 0)
			return &tools[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *self = argc > 0 ? argv[0] : "socklab";
	const char *base = strrchr(self, '/');
	const struct tool *t = tool_find(base ? base + 1 : self);

	if (t)
		return t->main(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("socklab %s\n", SOCKLAB_VERSION);
		return 0;
	}
	t = tool_find(argv[1]);
	if (!t) {
		fprintf(stderr, "socklab: unknown tool '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return t->main(argc - 1, argv + 1);
}
