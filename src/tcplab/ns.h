/* Network namespaces by name (/run/netns/NAME, as `ip netns` makes them):
 * entering one, setting a namespaced sysctl in it, switching a link's
 * offloads off, and running iproute2 with fork/exec and an argv (no shell),
 * bounded in time. */
#ifndef SOCKLAB_TCPLAB_NS_H
#define SOCKLAB_TCPLAB_NS_H

#include <stdbool.h>

/* Remembers the namespace the process started in (call once, first). */
int tl_ns_init(void);
/* Enters the named namespace; tl_ns_home goes back. -1 after the error line. */
int tl_ns_enter(const char *name);
int tl_ns_home(void);

/* Writes value to /proc/sys/KEY (dots for slashes) inside namespace ns. */
int tl_ns_sysctl(const char *ns, const char *key, const char *value);

/* Switches checksum offload, TSO, GSO and GRO off on ifname in ns, so
 * every frame on the lab's links is one segment with its checksum. */
int tl_ns_no_offload(const char *ns, const char *ifname);

/* Runs argv (argv[0] looked up in PATH) and waits at most 10 s. Returns
 * its exit status, or -1; quiet: its stderr goes to /dev/null. */
int tl_run(char *const argv[], bool quiet);

#endif
