/* Chained hash table with power-of-two buckets, grown as entries arrive. */
#include "core/iptab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/siphash.h"

#define IPTAB_MIN_BUCKETS 64

struct iptab_node {
	struct iptab_node *next;
	struct addr_key key;
	max_align_t value[];
};

struct iptab {
	struct iptab_node **buckets;
	size_t nbuckets;
	size_t count;
	size_t max_entries;
	size_t value_size;
	uint8_t secret[16];
};

struct iptab *iptab_new(size_t value_size, size_t max_entries)
{
	struct iptab *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nbuckets = IPTAB_MIN_BUCKETS;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->max_entries = max_entries;
	t->value_size = value_size;
	rng_fill_secure(t->secret, sizeof(t->secret));
	return t;
}

void iptab_free(struct iptab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct iptab_node *n = t->buckets[i];
		while (n) {
			struct iptab_node *next = n->next;
			free(n);
			n = next;
		}
	}
	free(t->buckets);
	free(t);
}

static size_t iptab_slot(const struct iptab *t, const struct addr_key *key)
{
	return (size_t)siphash_24(t->secret, key->ip, sizeof(key->ip)) & (t->nbuckets - 1);
}

static struct iptab_node **iptab_link(struct iptab *t, const struct addr_key *key)
{
	struct iptab_node **pp = &t->buckets[iptab_slot(t, key)];

	while (*pp && memcmp((*pp)->key.ip, key->ip, sizeof(key->ip)) != 0)
		pp = &(*pp)->next;
	return pp;
}

void *iptab_find(struct iptab *t, const struct addr_key *key)
{
	struct iptab_node *n = *iptab_link(t, key);

	return n ? n->value : NULL;
}

static void iptab_grow(struct iptab *t)
{
	size_t nb = t->nbuckets * 2;
	struct iptab_node **b = calloc(nb, sizeof(*b));

	if (!b)
		return; /* longer chains, still correct */
	struct iptab_node **old = t->buckets;
	size_t oldn = t->nbuckets;
	t->buckets = b;
	t->nbuckets = nb;
	for (size_t i = 0; i < oldn; i++) {
		struct iptab_node *n = old[i];
		while (n) {
			struct iptab_node *next = n->next;
			size_t s = iptab_slot(t, &n->key);
			n->next = b[s];
			b[s] = n;
			n = next;
		}
	}
	free(old);
}

void *iptab_get(struct iptab *t, const struct addr_key *key)
{
	struct iptab_node **pp = iptab_link(t, key);

	if (*pp)
		return (*pp)->value;
	if (t->count >= t->max_entries)
		return NULL;
	struct iptab_node *n = calloc(1, sizeof(*n) + t->value_size);
	if (!n)
		return NULL;
	n->key = *key;
	*pp = n;
	t->count++;
	if (t->count > t->nbuckets)
		iptab_grow(t);
	return n->value;
}

void iptab_remove(struct iptab *t, const struct addr_key *key)
{
	struct iptab_node **pp = iptab_link(t, key);
	struct iptab_node *n = *pp;

	if (!n)
		return;
	*pp = n->next;
	free(n);
	t->count--;
}

size_t iptab_count(const struct iptab *t)
{
	return t->count;
}

void iptab_sweep(struct iptab *t, bool (*drop)(void *value, void *ctx), void *ctx)
{
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct iptab_node **pp = &t->buckets[i];
		while (*pp) {
			struct iptab_node *n = *pp;
			if (drop(n->value, ctx)) {
				*pp = n->next;
				free(n);
				t->count--;
			} else {
				pp = &n->next;
			}
		}
	}
}
