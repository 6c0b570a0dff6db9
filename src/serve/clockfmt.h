/* The answers of the daytime (RFC 867) and time (RFC 868) services. */
#ifndef SOCKLAB_SERVE_CLOCKFMT_H
#define SOCKLAB_SERVE_CLOCKFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DAYTIME_MAX 256
/* Seconds from 1900-01-01 to 1970-01-01. */
#define RFC868_EPOCH_OFFSET 2208988800ULL

/* The daytime line for t in local time, CRLF-terminated: ctime()'s 24
 * characters by default ("Sun Jul 12 16:44:57 2026"), or strftime(fmt).
 * Returns the length, or 0 when it does not fit in n. */
size_t serve_daytime_format(char *buf, size_t n, time_t t, const char *fmt);
/* t as seconds since 1900, big-endian, modulo 2^32 as RFC 868 wraps. */
void serve_time_rfc868(uint8_t out[4], time_t t);

#endif
