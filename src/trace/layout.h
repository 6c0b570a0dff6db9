/* What the trace printers share besides describe.c's one-liners: lane letters,
 * the rule that decides how a TCP state change is labelled, errno names, and
 * the cleaning of recorded text before it reaches a terminal, XML or JSON. */
#ifndef SOCKLAB_TRACE_LAYOUT_H
#define SOCKLAB_TRACE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/model.h"

/* "ECONNREFUSED"; NULL for 0 or an errno not in the table. */
const char *tr_errno_name(int err);

/* "A".."Z", then "AA", "AB", ...: the lane's name in the text ladder. */
/* Processes that made socket calls (a lane each); the shells and helpers
 * that only started them do not count. */
size_t tr_layout_socket_procs(const struct trace *t);
char *tr_layout_lane_letter(uint32_t lane, char *buf, size_t n);

/* Copies s into buf so that it is valid UTF-8: bytes that are not are written
 * as \xNN, and so are control characters unless keep_controls (JSON escapes
 * those itself; a terminal or XML must never see them). Always terminates. */
char *tr_layout_clean(const char *s, bool keep_controls, char *buf, size_t n);

/* Display columns of a valid UTF-8 string (one per code point). */
size_t tr_layout_width(const char *s);

/* Where to cut s[0..n) so that the first piece fits cols columns: the byte
 * length of that piece, ending before a space when there is one to break
 * at, else after as many whole code points as fit (at least one). n when
 * all of it fits. */
size_t tr_layout_wrap(const char *s, size_t n, size_t cols);

/* How the state changes of each lane are named. A lane whose states concern
 * one connection (and at most one listener) shows just "SYN_SENT"; a lane
 * with several sockets names each: "127.0.0.1:6666>127.0.0.1:7777 CLOSE_WAIT",
 * "127.0.0.1:6666 LISTEN". */
struct tr_layout_states {
	uint8_t *lane;          /* per lane: LAYOUT_* bits */
	size_t nlanes;
};
#define LAYOUT_SEVERAL 0x01     /* more than one connection or listener */
#define LAYOUT_HAS_CONN 0x02
#define LAYOUT_HAS_LISTENER 0x04

int tr_layout_states_init(struct tr_layout_states *ls, const struct trace *t);
void tr_layout_states_free(struct tr_layout_states *ls);
/* "A SYN_SENT" (with_letter) or "SYN_SENT" for a label on the lane itself. */
char *tr_layout_state_label(const struct tr_layout_states *ls, const struct tr_state *s,
			 bool with_letter, char *buf, size_t n);

#endif
