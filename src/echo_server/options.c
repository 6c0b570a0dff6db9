/* The usage text of socklab echo-server (echolib/echoopts parses the options). */
#include "echo_server/options.h"

/* The first lines are seed 004's (ECHO_OPTS_SEED_TABLE). */
const char echosrv_usage_text[] =
	"Usage: socklab echo-server [options]\n"
	ECHO_OPTS_SEED_TABLE
	"-p PORT Specify the port (default 4002; 0: any free port)\n"
	"--timeout SECS Close a TCP connection idle this long (default: never)\n"
	"--amp-factor F UDP: send a source at most F times the bytes it sent (default 1; 0: no limit)\n"
	"--amp-credit BYTES ... beyond a starting credit of BYTES per address (default 4k)\n"
	"--udp-rate RATE UDP bytes a second to one address (default 256k; k, M, G; 0: no cap)\n"
	"--json JSON Lines on stdout: each connection (accept, close with counts) and message\n"
	"\n"
	"Defaults: -t TCP, --ip 127.0.0.1 (the address to bind: IPv4, IPv6 or a host name,\n"
	"its first address), -p 4002.\n"
	"The server echoes every byte as it arrives, to many clients at once; -c is\n"
	"accepted for the seed's table and changes nothing here. The client must use\n"
	"the same -t. Also spelled: -ip, --protocol, --port, --continuous, --help,\n"
	"--version, --idle-timeout. SIGINT, SIGTERM or SIGHUP stops the server (exit 0).\n"
	"UDP: bytes counted with their IP and UDP headers; loopback sources are exempt\n"
	"from --amp-factor; every echo counts as at least 64 bytes (as socklab serve).\n";
