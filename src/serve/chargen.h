/* The chargen pattern of BSD inetd: 72-character lines of the 95 printable
 * ASCII characters (space to '~'), each starting one character further on,
 * each ended by CRLF. The stream repeats every 95 lines. */
#ifndef SOCKLAB_SERVE_CHARGEN_H
#define SOCKLAB_SERVE_CHARGEN_H

#include <stddef.h>
#include <stdint.h>

#define CHARGEN_LINE 72
#define CHARGEN_RING 95
#define CHARGEN_PERIOD (CHARGEN_RING * (CHARGEN_LINE + 2)) /* 7030 bytes */
/* Longest contiguous run serve_chargen_window() can hand out. */
#define CHARGEN_WINDOW (64 * 1024)

/* Copies the next len bytes of the stream at *pos into buf; advances *pos. */
void serve_chargen_fill(uint8_t *buf, size_t len, uint32_t *pos);
/* A pointer to CHARGEN_WINDOW contiguous bytes of the stream from pos
 * (pos < CHARGEN_PERIOD), so writers need no copy. */
const uint8_t *serve_chargen_window(uint32_t pos);
/* Advances pos by n bytes, modulo the period. */
uint32_t serve_chargen_advance(uint32_t pos, size_t n);

#endif
