/* The usage text of socklab echo-server (core/echoopts parses the options). */
#include "echo_server/options.h"

/* The first lines are seed 004's, word for word. */
const char echo_server_usage_text[] =
	"Usage: socklab echo-server [options]\n"
	"OPTIONS:\n"
	"-c Continuous echo mode.\n"
	"-h Display the available options\n"
	"--ip IPADD Specify the server IP address\n"
	"-t TCP/UDP Specify the transport layer protocol.\n"
	"-v Print the software version\n"
	"-p PORT Specify the port (default 4002; 0: any free port)\n"
	"--timeout SECS Close a TCP connection idle this long (default: never)\n"
	"\n"
	"Defaults: -t TCP, --ip 127.0.0.1 (the address to bind, IPv4 or IPv6), -p 4002.\n"
	"The server echoes every byte as it arrives, to many clients at once; -c is\n"
	"accepted for the seed's table and changes nothing here. The client must use\n"
	"the same -t. Also spelled: -ip, --protocol, --port, --continuous, --help,\n"
	"--version, --idle-timeout. SIGINT, SIGTERM or SIGHUP stops the server (exit 0).\n";
