/* Socket addresses: numeric parsing, "host:port" formatting, and a fixed-size
 * key that identifies a host (IPv4 stored as v4-mapped IPv6) for tables. */
#ifndef SOCKLAB_CORE_ADDR_H
#define SOCKLAB_CORE_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

/* "[ffff:...:ffff]:65535" and its NUL fit. */
#define ADDR_STRLEN (INET6_ADDRSTRLEN + 8)

/* A peer address small enough to keep per connection. */
union addr_any {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

struct addr_key {
	uint8_t ip[16];
};

/* Numeric IPv4 or IPv6 address ("127.0.0.1", "::1", "[::1]"), port 0. */
int addr_parse_ip(const char *s, union addr_any *out);
socklen_t addr_len(const struct sockaddr *sa);
uint16_t addr_port(const struct sockaddr *sa);
void addr_set_port(struct sockaddr *sa, uint16_t port);
/* The address alone: "127.0.0.1", "::1". */
const char *addr_ip_str(const struct sockaddr *sa, char *buf, size_t n);
/* Address and port: "127.0.0.1:7", "[::1]:7". */
const char *addr_format(const struct sockaddr *sa, char *buf, size_t n);
void addr_copy(union addr_any *dst, const struct sockaddr *src);
void addr_key_from(struct addr_key *key, const struct sockaddr *sa);
bool addr_is_loopback(const struct sockaddr *sa);
/* Same family, address and port (and IPv6 scope): the same peer. AF_INET
 * and AF_INET6 only. */
bool addr_equal(const struct sockaddr *a, const struct sockaddr *b);
/* Appends the address arg to list[0..*n) (at most max): a server's
 * repeatable --bind. A name adds each of its addresses (localhost: 127.0.0.1
 * and ::1) that is not there yet. -1 with "--bind ARG: reason" in err. */
int addr_list_add(union addr_any *list, unsigned *n, unsigned max, const char *arg, char *err,
		  size_t errlen);
/* -4/-6 (family; AF_UNSPEC: neither) against the --bind list: -1 with
 * "cannot use -4 with --bind ::1" in err. */
int addr_list_check_family(const union addr_any *list, unsigned n, int family, char *err,
			   size_t errlen);
/* What a server binds: list[0..n) when --bind gave any, else 127.0.0.1
 * (unless family is AF_INET6) and ::1 (unless family is AF_INET or the host
 * has no IPv6). out has room for n and for 2. Returns how many. */
unsigned addr_list_or_loopback(const union addr_any *list, unsigned n, int family, bool have_ipv6,
			       union addr_any *out);

#endif
