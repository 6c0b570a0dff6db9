/* The room table: a keyed hash of names over a dense list, members in
 * growable arrays kept in join order. */
#include "chat_server/rooms.h"

#include <stdlib.h>
#include <string.h>

#include "chat_server/names.h"

#define ROOM_MEMBERS_MIN 8

struct chatsrv_rooms {
	struct chatsrv_room **buckets;
	size_t mask;
	struct chatsrv_room **all;
	struct chatsrv_room **sorted;
	size_t count, max, max_members;
	uint8_t key[16];
};

struct chatsrv_rooms *chatsrv_rooms_new(size_t max_rooms, size_t max_members,
					const uint8_t key[16])
{
	struct chatsrv_rooms *r = calloc(1, sizeof(*r));
	size_t nb = chatsrv_names_buckets(max_rooms);

	if (!r)
		return NULL;
	r->mask = nb - 1;
	r->max = max_rooms;
	r->max_members = max_members;
	memcpy(r->key, key, sizeof(r->key));
	r->buckets = calloc(nb, sizeof(*r->buckets));
	r->all = calloc(max_rooms ? max_rooms : 1, sizeof(*r->all));
	r->sorted = calloc(max_rooms ? max_rooms : 1, sizeof(*r->sorted));
	if (!r->buckets || !r->all || !r->sorted) {
		chatsrv_rooms_free(r);
		return NULL;
	}
	return r;
}

static void room_free(struct chatsrv_room *room)
{
	free(room->members);
	free(room);
}

void chatsrv_rooms_free(struct chatsrv_rooms *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->all && i < r->count; i++)
		room_free(r->all[i]);
	free(r->buckets);
	free(r->all);
	free(r->sorted);
	free(r);
}

size_t chatsrv_rooms_count(const struct chatsrv_rooms *r)
{
	return r->count;
}

size_t chatsrv_rooms_max(const struct chatsrv_rooms *r)
{
	return r->max;
}

size_t chatsrv_rooms_max_members(const struct chatsrv_rooms *r)
{
	return r->max_members;
}

static size_t rooms_slot(const struct chatsrv_rooms *r, const char *name, size_t len)
{
	return chatsrv_names_slot(r->key, r->mask, name, len);
}

struct chatsrv_room *chatsrv_rooms_find(const struct chatsrv_rooms *r, const char *name, size_t len)
{
	struct chatsrv_room *room = r->buckets[rooms_slot(r, name, len)];

	while (room && !chatsrv_names_equal(room->name, room->name_len, name, len))
		room = room->next_by_name;
	return room;
}

enum chatsrv_err chatsrv_room_can_create(const struct chatsrv_rooms *r, const char *name,
					 size_t len, const struct chatsrv_user *creator)
{
	if (!chatwire_valid_name(name, len))
		return CHATSRV_E_BAD_ROOM;
	if (chatsrv_rooms_find(r, name, len))
		return CHATSRV_E_ROOM_EXISTS;
	bool frees_one = creator && creator->room && creator->room->n == 1;
	if (r->count >= r->max && !frees_one)
		return CHATSRV_E_TOO_MANY_ROOMS;
	return CHATSRV_OK;
}

static bool room_reserve(struct chatsrv_room *room, size_t need)
{
	if (need <= room->cap)
		return true;
	size_t nc = room->cap ? room->cap * 2 : ROOM_MEMBERS_MIN;
	while (nc < need)
		nc *= 2;
	struct chatsrv_user **m = realloc(room->members, nc * sizeof(*m));
	if (!m)
		return false;
	room->members = m;
	room->cap = nc;
	return true;
}

struct chatsrv_room *chatsrv_room_create(struct chatsrv_rooms *r, const char *name, size_t len,
					 struct chatsrv_user *creator, enum chatsrv_err *err)
{
	*err = chatsrv_room_can_create(r, name, len, NULL);
	if (*err != CHATSRV_OK)
		return NULL;
	if (r->max_members == 0) {
		*err = CHATSRV_E_ROOM_FULL;
		return NULL;
	}
	struct chatsrv_room *room = calloc(1, sizeof(*room));
	if (!room || !room_reserve(room, 1)) {
		free(room);
		*err = CHATSRV_E_NOMEM;
		return NULL;
	}
	memcpy(room->name, name, len);
	room->name_len = len;
	size_t slot = rooms_slot(r, name, len);
	room->next_by_name = r->buckets[slot];
	r->buckets[slot] = room;
	room->pos = r->count;
	r->all[r->count++] = room;
	room->members[room->n++] = creator;
	creator->room = room;
	return room;
}

enum chatsrv_err chatsrv_room_join(struct chatsrv_rooms *r, struct chatsrv_room *room,
				   struct chatsrv_user *u)
{
	if (room->n >= r->max_members)
		return CHATSRV_E_ROOM_FULL;
	if (!room_reserve(room, room->n + 1))
		return CHATSRV_E_NOMEM;
	room->members[room->n++] = u;
	u->room = room;
	return CHATSRV_OK;
}

static void rooms_unlink(struct chatsrv_rooms *r, struct chatsrv_room *room)
{
	struct chatsrv_room **pp = &r->buckets[rooms_slot(r, room->name, room->name_len)];

	while (*pp && *pp != room)
		pp = &(*pp)->next_by_name;
	if (*pp)
		*pp = room->next_by_name;
	struct chatsrv_room *last = r->all[--r->count];
	r->all[room->pos] = last;
	last->pos = room->pos;
}

bool chatsrv_room_leave(struct chatsrv_rooms *r, struct chatsrv_user *u)
{
	struct chatsrv_room *room = u->room;

	if (!room)
		return false;
	u->room = NULL;
	for (size_t i = 0; i < room->n; i++) {
		if (room->members[i] != u)
			continue;
		/* Keep the order: the longest member becomes the creator. */
		memmove(&room->members[i], &room->members[i + 1],
			(room->n - i - 1) * sizeof(*room->members));
		room->n--;
		break;
	}
	if (room->n > 0)
		return false;
	rooms_unlink(r, room);
	room_free(room);
	return true;
}

size_t chatsrv_room_kick(struct chatsrv_room *room)
{
	size_t kicked = room->n > 1 ? room->n - 1 : 0;

	for (size_t i = 1; i < room->n; i++)
		room->members[i]->room = NULL;
	if (room->n > 1)
		room->n = 1;
	return kicked;
}

struct chatsrv_user *chatsrv_room_creator(const struct chatsrv_room *room)
{
	return room->n ? room->members[0] : NULL;
}

static int rooms_cmp(const void *pa, const void *pb)
{
	const struct chatsrv_room *a = *(struct chatsrv_room *const *)pa;
	const struct chatsrv_room *b = *(struct chatsrv_room *const *)pb;

	return chatsrv_name_cmp(a->name, a->name_len, b->name, b->name_len);
}

size_t chatsrv_rooms_sorted(struct chatsrv_rooms *r, struct chatsrv_room ***out)
{
	memcpy(r->sorted, r->all, r->count * sizeof(*r->all));
	qsort(r->sorted, r->count, sizeof(*r->sorted), rooms_cmp);
	*out = r->sorted;
	return r->count;
}
