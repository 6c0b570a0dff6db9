/* The answers to other netcats' flags (see habits.h). */
#include "nc/habits.h"

const struct opt_habit nc_habits[] = {
	{ 'd', "to send nothing, give no input: socklab nc HOST PORT </dev/null" },
	{ 'U', "no Unix-domain sockets: socklab nc speaks TCP and UDP (socat UNIX-CONNECT:PATH "
	       "does this)" },
	{ 'x', "no proxy support: connect to the host directly" },
	{ 'X', "no proxy support: connect to the host directly" },
	{ 't', "no telnet negotiation: bytes are copied as they are" },
	{ 'T', "no TOS/DSCP option; -M sets the TTL, --mss the segment size" },
	{ 'b', "no broadcast: socklab nc talks to one peer (127.0.0.1 or ::1 in the lab)" },
	{ 'i', "no delay between lines: pace the input instead, e.g. "
	       "(echo a; sleep 1; echo b) | socklab nc HOST PORT" },
	{ 'W', "no receive limit: socklab nc reads until the peer closes (-w SECS ends an idle "
	       "session)" },
	{ 'r', "ports are probed in order; socklab scan scans ranges" },
	{ 'e', "nc runs no program on the connection (ncat -e, traditional nc -e); use "
	       "socklab serve's built-in services, or a shell pipe" },
	{ 'c', "nc runs no program or TLS on the connection (ncat -c, OpenBSD -c)" },
	{ 'D', "no SO_DEBUG: socklab trace shows what the socket does" },
	{ 'S', "no TCP MD5 signatures" },
	{ 'P', "no proxy support: connect to the host directly" },
	{ 'F', "no descriptor passing" },
	{ 'V', "no routing tables (rtable): use a network namespace (ip netns exec NS socklab nc ...)" },
	{ 'K', "no TLS" },
	{ 'R', "no TLS" },
	{ 'Z', "no TLS" },
	{ 'o', "no TLS" },
	{ 'm', "no minimum TTL; -M sets the outgoing TTL" },
};

const size_t nc_nhabits = sizeof nc_habits / sizeof nc_habits[0];
