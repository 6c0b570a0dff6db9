/* Names in the server's tables (users, rooms): how they hash, compare and
 * sort. Names are hashed with a secret key so that clients cannot force
 * collisions. The bottom of users.c and rooms.c. */
#ifndef SOCKLAB_CHAT_SERVER_NAMES_H
#define SOCKLAB_CHAT_SERVER_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buckets for a table of at most max entries: a power of two, at least 16
 * and twice max; the mask is one less. */
size_t chatsrv_names_buckets(size_t max);
/* The bucket of name under key. */
size_t chatsrv_names_slot(const uint8_t key[16], size_t mask, const char *name, size_t len);
bool chatsrv_names_equal(const char *a, size_t alen, const char *b, size_t blen);
/* Orders names as memcmp does, shorter first on a tie. */
int chatsrv_name_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
