/* What ss -o, -e, -m and -i add to a socket's line, spelled as ss spells it,
 * and the same facts as JSON members. Pure formatters over an entry. */
#ifndef SOCKLAB_SOCKETS_DETAILS_H
#define SOCKLAB_SOCKETS_DETAILS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sockets/entry.h"

/* Room for the -i text of one socket (about 40 fields). */
#define SOCKETS_DETAILS_MAX 1536

struct sockets_details_want {
	bool timers;   /* -o */
	bool extended; /* -e */
	bool memory;   /* -m */
	bool info;     /* -i */
};

/* ss's timer time: "1min58sec", "9.501sec", "476ms", "" for 0. */
const char *sockets_format_ms_timer(uint32_t ms, char *buf, size_t n);
/* ss's timer name for idiag_timer: off, on, keepalive, timewait, persist,
 * unknown. */
const char *sockets_timer_name(uint8_t timer);

/* The words on the socket's own line (-o, -e), each after a space:
 * " timer:(keepalive,1min58sec,0) uid:1000 ino:4242 sk:1f <->"; "" if none. */
const char *sockets_format_inline(const struct sockets_entry *e,
				  const struct sockets_details_want *w, char *buf, size_t n);
/* The words of the continuation line (-m, -i), each after a space, as ss
 * prints them after a tab: " skmem:(r0,rb131072,...) ts sack cubic ...";
 * "" if none. Rates are numeric bits per second, as ss -n prints them. */
const char *sockets_format_more(const struct sockets_entry *e,
				const struct sockets_details_want *w, char *buf, size_t n);

/* Adds the members the want flags ask for to o: "timer" (-o), "cookie",
 * "shutdown", "v6only" (-e), "skmem" (-m), "tcp_info" and "cong" (-i).
 * 0, or -1 when memory runs out. */
int sockets_details_json(json_t *o, const struct sockets_entry *e,
			 const struct sockets_details_want *w);

#endif
