/* Option forms of the course's seed programs that getopt_long does not know:
 * long options written with one dash ("-ip 10.0.0.1", seed 004), and a
 * transport protocol named on the command line ("-t TCP", "-t udp"). */
#ifndef SOCKLAB_CORE_OPTCOMPAT_H
#define SOCKLAB_CORE_OPTCOMPAT_H

/* Copies argv[0..argc) to out, which has room for 2 * argc + 1 pointers,
 * spelling the one-dash forms of the long options in names (each given as
 * "--ip"; NULL-terminated) the getopt_long way: "-ip" becomes "--ip", and
 * "-ip=X" becomes "--ip" and "X". Stops rewriting after "--". The strings
 * are argv's own or names'; out[new argc] is NULL. Returns the new argc. */
int echo_one_dash_long(int argc, char *const argv[], const char *const names[], char **out);

/* "TCP" or "UDP" in any case; *proto becomes IPPROTO_TCP or IPPROTO_UDP.
 * 0, or -1 with *errstr set. */
int echo_parse_transport(const char *s, int *proto, const char **errstr);

#endif
