/* SipHash-2-4 (Aumasson and Bernstein): a keyed hash for tables whose keys an
 * attacker chooses (peer addresses), so collisions cannot be forced. */
#ifndef SOCKLAB_CORE_SIPHASH_H
#define SOCKLAB_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash_24(const uint8_t key[16], const void *data, size_t len);

#endif
