/* The user table: two chained hash indexes (name, token) over a dense list.
 * Names are hashed with a secret key so that clients cannot force
 * collisions; tokens are random already. Sized once, from --max-users. */
#include "chat_server/users.h"

#include <stdlib.h>
#include <string.h>

#include "chat_server/names.h"

struct chatsrv_users {
	struct chatsrv_user **by_name, **by_token; /* buckets */
	size_t mask;
	struct chatsrv_user **all;                 /* dense, count entries */
	struct chatsrv_user **sorted;              /* scratch for listings */
	size_t count, max;
	uint8_t key[16];
};

struct chatsrv_users *chatsrv_users_new(size_t max, const uint8_t key[16])
{
	struct chatsrv_users *t = calloc(1, sizeof(*t));
	size_t nb = chatsrv_names_buckets(max);

	if (!t)
		return NULL;
	t->mask = nb - 1;
	t->max = max;
	memcpy(t->key, key, sizeof(t->key));
	t->by_name = calloc(nb, sizeof(*t->by_name));
	t->by_token = calloc(nb, sizeof(*t->by_token));
	t->all = calloc(max ? max : 1, sizeof(*t->all));
	t->sorted = calloc(max ? max : 1, sizeof(*t->sorted));
	if (!t->by_name || !t->by_token || !t->all || !t->sorted) {
		chatsrv_users_free(t);
		return NULL;
	}
	return t;
}

void chatsrv_users_free(struct chatsrv_users *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->all && i < t->count; i++) {
		chatwire_link_free(&t->all[i]->link);
		free(t->all[i]);
	}
	free(t->by_name);
	free(t->by_token);
	free(t->all);
	free(t->sorted);
	free(t);
}

size_t chatsrv_users_count(const struct chatsrv_users *t)
{
	return t->count;
}

size_t chatsrv_users_max(const struct chatsrv_users *t)
{
	return t->max;
}

static size_t users_name_slot(const struct chatsrv_users *t, const char *name, size_t len)
{
	return chatsrv_names_slot(t->key, t->mask, name, len);
}

static size_t users_token_slot(const struct chatsrv_users *t, uint64_t token)
{
	return (size_t)(token ^ (token >> 32)) & t->mask;
}

struct chatsrv_user *chatsrv_users_by_name(const struct chatsrv_users *t, const char *name,
					   size_t len)
{
	struct chatsrv_user *u = t->by_name[users_name_slot(t, name, len)];

	while (u && !chatsrv_names_equal(u->name, u->name_len, name, len))
		u = u->next_by_name;
	return u;
}

struct chatsrv_user *chatsrv_users_by_token(const struct chatsrv_users *t, uint64_t token)
{
	struct chatsrv_user *u = t->by_token[users_token_slot(t, token)];

	while (u && u->token != token)
		u = u->next_by_token;
	return u;
}

struct chatsrv_user *chatsrv_users_add(struct chatsrv_users *t, const char *name, size_t len,
				       uint64_t token, enum chatsrv_err *err)
{
	if (!chatwire_valid_name(name, len)) {
		*err = CHATSRV_E_BAD_NAME;
		return NULL;
	}
	if (chatsrv_users_by_name(t, name, len)) {
		*err = CHATSRV_E_NAME_TAKEN;
		return NULL;
	}
	if (t->count >= t->max) {
		*err = CHATSRV_E_SERVER_FULL;
		return NULL;
	}
	if (chatsrv_users_by_token(t, token)) {
		*err = CHATSRV_E_TOKEN_IN_USE;
		return NULL;
	}
	struct chatsrv_user *u = calloc(1, sizeof(*u));
	if (!u) {
		*err = CHATSRV_E_NOMEM;
		return NULL;
	}
	memcpy(u->name, name, len);
	u->name_len = len;
	u->token = token;
	chatwire_link_init(&u->link);
	chatsrv_timer_init(&u->timer);
	chatsrv_pending_list_init(&u->pend);
	size_t ns = users_name_slot(t, name, len), ts = users_token_slot(t, token);
	u->next_by_name = t->by_name[ns];
	t->by_name[ns] = u;
	u->next_by_token = t->by_token[ts];
	t->by_token[ts] = u;
	u->pos = t->count;
	t->all[t->count++] = u;
	*err = CHATSRV_OK;
	return u;
}

void chatsrv_users_remove(struct chatsrv_users *t, struct chatsrv_user *u)
{
	struct chatsrv_user **pp = &t->by_name[users_name_slot(t, u->name, u->name_len)];

	while (*pp && *pp != u)
		pp = &(*pp)->next_by_name;
	if (*pp)
		*pp = u->next_by_name;
	pp = &t->by_token[users_token_slot(t, u->token)];
	while (*pp && *pp != u)
		pp = &(*pp)->next_by_token;
	if (*pp)
		*pp = u->next_by_token;
	struct chatsrv_user *last = t->all[--t->count];
	t->all[u->pos] = last;
	last->pos = u->pos;
	chatwire_link_free(&u->link);
	free(u);
}

struct chatsrv_user *chatsrv_users_at(const struct chatsrv_users *t, size_t i)
{
	return i < t->count ? t->all[i] : NULL;
}

static int users_cmp(const void *pa, const void *pb)
{
	const struct chatsrv_user *a = *(struct chatsrv_user *const *)pa;
	const struct chatsrv_user *b = *(struct chatsrv_user *const *)pb;

	return chatsrv_name_cmp(a->name, a->name_len, b->name, b->name_len);
}

size_t chatsrv_users_sorted(struct chatsrv_users *t, struct chatsrv_user ***out)
{
	memcpy(t->sorted, t->all, t->count * sizeof(*t->all));
	qsort(t->sorted, t->count, sizeof(*t->sorted), users_cmp);
	*out = t->sorted;
	return t->count;
}

void chatsrv_user_flood_init(struct chatsrv_user *u, uint64_t rate, uint64_t now_us)
{
	tbucket_init(&u->flood, rate, CHAT_FLOOD_BURST / CHAT_FLOOD_RATE * rate, now_us);
}

bool chatsrv_user_flood_ok(struct chatsrv_user *u, uint64_t now_us)
{
	return tbucket_take(&u->flood, 1, now_us);
}
