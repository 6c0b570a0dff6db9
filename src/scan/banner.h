/* Banners for people: bytes escaped the way Python prints them in seed 000's
 * list (\r, \n, \t, \\, \xHH; printable ASCII as it is), and shortened. */
#ifndef SOCKLAB_SCAN_BANNER_H
#define SOCKLAB_SCAN_BANNER_H

#include <stddef.h>
#include <stdint.h>

/* Writes the escaped form of in[0..n) to out (NUL-terminated), at most
 * max_chars characters: when it does not fit, it ends in "..." and no
 * escape is cut in half. cap must exceed max_chars (else max_chars is
 * lowered to cap - 1). Returns the length written. */
size_t scan_banner_escape(const uint8_t *in, size_t n, char *out, size_t cap, size_t max_chars);

/* The escaped length of in[0..n), not shortened. */
size_t scan_banner_escaped_len(const uint8_t *in, size_t n);

#endif
