/* socklab: one binary, one tool per subcommand ("socklab serve"), or per
 * link name ("socklab-serve", "serve" as argv[0]). */
#include <stdio.h>
#include <string.h>

#include "core/tool.h"
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
#include "tcplab/tcplab.h"
#include "trace/trace.h"

static const struct tool *const tools[] = {
	&serve_tool, &nc_tool, &echosrv_tool, &echocli_tool, &dec_decode_tool, &dec_capture_tool,
	&sockets_tool, &chat_tool, &chatcli_tool, &chatsrv_tool, &scan_tool, &trace_tool,
	&tcplab_tool,
};

#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: socklab <tool> [options]\n"
		   "       socklab help <tool>\n"
		   "\n"
		   "A socket-networking lab toolkit. Tools:\n");
	for (size_t i = 0; i < NTOOLS; i++)
		fprintf(f, "  %-12s %s\n", tools[i]->name, tools[i]->summary);
	fprintf(f, "\n'socklab <tool> --help' documents each tool.\n");
}

static const struct tool *tool_find(const char *name)
{
	if (strncmp(name, "socklab-", 8) == 0)
		name += 8;
	for (size_t i = 0; i < NTOOLS; i++)
		if (strcmp(tools[i]->name, name) == 0)
			return tools[i];
	return NULL;
}

/* "socklab: unknown tool 'scna' (did you mean 'scan'?)", then the way on. */
static int unknown_tool(const char *name)
{
	const char *names[NTOOLS];

	for (size_t i = 0; i < NTOOLS; i++)
		names[i] = tools[i]->name;
	const char *close = tool_closest(name, names, NTOOLS);
	if (close)
		fprintf(stderr, "socklab: unknown tool '%s' (did you mean '%s'?)\n", name, close);
	else
		fprintf(stderr, "socklab: unknown tool '%s'\n", name);
	fprintf(stderr, "Try 'socklab --help'.\n");
	return 2;
}

/* socklab help [TOOL]: git's habit. */
static int help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	const struct tool *t = tool_find(argv[1]);
	if (!t)
		return unknown_tool(argv[1]);
	char *targv[] = { argv[1], "--help", NULL };
	return tool_main(t, 2, targv);
}

int main(int argc, char **argv)
{
	const char *self = argc > 0 ? argv[0] : "socklab";
	const char *base = strrchr(self, '/');
	const struct tool *t = tool_find(base ? base + 1 : self);

	if (t)
		return tool_main(t, argc, argv);
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
	if (strcmp(argv[1], "help") == 0)
		return help(argc - 1, argv + 1);
	t = tool_find(argv[1]);
	if (!t)
		return unknown_tool(argv[1]);
	return tool_main(t, argc - 1, argv + 1);
}
