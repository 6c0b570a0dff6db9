/* Echo (RFC 862) as conn callbacks, shared by every tool that echoes: all
 * bytes read go back (through ops->transform if set); reading pauses while
 * high_water bytes are owed; after the peer's FIN what is owed is sent, then
 * the connection ends ("client-closed"). Use with CONN_F_READ. */
#ifndef SOCKLAB_CORE_ECHO_H
#define SOCKLAB_CORE_ECHO_H

#include "core/conn.h"

bool echo_on_data(struct conn *c, uint8_t *data, size_t n);
bool echo_on_eof(struct conn *c);
bool echo_on_drained(struct conn *c);

/* The three echo callbacks, for a struct conn_ops initializer. */
#define ECHO_CONN_OPS .on_data = echo_on_data, .on_eof = echo_on_eof, .on_drained = echo_on_drained

/* Upper-cases ASCII letters in place; other bytes pass unchanged. */
void echo_upper_ascii(uint8_t *p, size_t n);

#endif
