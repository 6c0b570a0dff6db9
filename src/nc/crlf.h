/* OpenBSD nc's -C: standard input's line ends sent as CRLF, the line end of
 * the RFC protocols (SMTP, HTTP, the small services). Pure. */
#ifndef SOCKLAB_NC_CRLF_H
#define SOCKLAB_NC_CRLF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Expands, in place, each "\n" of buf[0..n) that does not already follow a
 * "\r" into "\r\n". buf holds 2 * n bytes. *last_cr carries whether the
 * byte before buf (the end of the previous read) was a "\r", and is left
 * saying so for the next. Returns the new length (n to 2 * n). */
size_t nc_crlf_expand(uint8_t *buf, size_t n, bool *last_cr);

#endif
