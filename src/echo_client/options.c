/* The usage text of socklab echo-client (echolib/echoopts parses the options). */
#include "echo_client/options.h"

/* The first lines are seed 004's (ECHO_OPTS_SEED_TABLE). */
const char echocli_usage_text[] =
	"Usage: socklab echo-client [options] [HOST [PORT]]\n"
	ECHO_OPTS_SEED_TABLE
	"-p PORT Specify the server port (default 4002)\n"
	"--timeout SECS Seconds to wait for an echo (default 5)\n"
	"--json JSON Lines on stdout: each message sent and echoed (rtt_ms), a summary\n"
	"\n"
	"HOST [PORT] are --ip HOST -p PORT, as in 'socklab echo-client localhost 4002'.\n"
	"HOST and --ip take an address or a host name (each of its addresses is tried).\n"
	"Line mode: type a line at the '>' prompt and press Return; the echo prints as\n"
	"'>Echo: line'. 'quit' or end of input (Ctrl-D) leaves. Lines are at most\n"
	"65506 bytes (with the newline, one UDP datagram).\n"
	"Continuous mode (-c): every key goes to the server at once (one datagram per\n"
	"key over UDP) and every echoed byte shows as it arrives; Ctrl-D or Ctrl-C\n"
	"leaves. Defaults: -t TCP, --ip 127.0.0.1, -p 4002; the server must use the\n"
	"same -t. Also spelled: -ip, --protocol, --port, --continuous, --help, --version.\n";
