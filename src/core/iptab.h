/* A bounded hash table keyed by host address (struct addr_key), holding a
 * fixed-size value per host: connection counts, token buckets. The hash is
 * keyed with a random secret so that peers cannot force collisions. */
#ifndef SOCKLAB_CORE_IPTAB_H
#define SOCKLAB_CORE_IPTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"

struct iptab;

/* max_entries bounds memory; inserts beyond it fail. */
struct iptab *iptab_new(size_t value_size, size_t max_entries);
void iptab_free(struct iptab *t);
/* The value for key, or NULL. */
void *iptab_find(struct iptab *t, const struct addr_key *key);
/* The value for key, inserted zeroed if absent; NULL when the table is full. */
void *iptab_get(struct iptab *t, const struct addr_key *key);
void iptab_remove(struct iptab *t, const struct addr_key *key);
size_t iptab_count(const struct iptab *t);
/* Removes every entry for which drop(value, ctx) is true. */
void iptab_sweep(struct iptab *t, bool (*drop)(void *value, void *ctx), void *ctx);

#endif
