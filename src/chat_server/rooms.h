/* The chat server's rooms: each with its members in the order they came in.
 * The first member is the creator: when the creator leaves, the role passes
 * to the member who has been in the room longest, and a room is removed
 * when its last member leaves. A pure, bounded table (--max-rooms,
 * --max-members); notifying the members is the commands' business. */
#ifndef SOCKLAB_CHAT_SERVER_ROOMS_H
#define SOCKLAB_CHAT_SERVER_ROOMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chat_server/users.h"

#define CHATSRV_ROOMS_HARD_MAX 100000
#define CHATSRV_MEMBERS_HARD_MAX 100000

struct chatsrv_room {
	char name[CHAT_NAME_MAX + 1];
	size_t name_len;
	struct chatsrv_user **members;  /* join order; members[0] is the creator */
	size_t n, cap;                  /* cap grows by doubling up to the limit */
	struct chatsrv_room *next_by_name;
	size_t pos;                     /* index in the dense list */
};

struct chatsrv_rooms;

struct chatsrv_rooms *chatsrv_rooms_new(size_t max_rooms, size_t max_members,
					const uint8_t key[16]);
/* Frees every room; the users' room pointers are left alone. */
void chatsrv_rooms_free(struct chatsrv_rooms *r);
size_t chatsrv_rooms_count(const struct chatsrv_rooms *r);
size_t chatsrv_rooms_max(const struct chatsrv_rooms *r);
size_t chatsrv_rooms_max_members(const struct chatsrv_rooms *r);
struct chatsrv_room *chatsrv_rooms_find(const struct chatsrv_rooms *r, const char *name, size_t len);
/* Why creator could not create a room named name now, or CHATSRV_OK
 * (BAD_ROOM, ROOM_EXISTS, TOO_MANY_ROOMS). A room the creator would leave
 * empty counts as free. */
enum chatsrv_err chatsrv_room_can_create(const struct chatsrv_rooms *r, const char *name,
					 size_t len, const struct chatsrv_user *creator);
/* Creates the room with creator, who must be in no room, as its only
 * member; NULL with *err (as above, or NOMEM). */
struct chatsrv_room *chatsrv_room_create(struct chatsrv_rooms *r, const char *name, size_t len,
					 struct chatsrv_user *creator, enum chatsrv_err *err);
/* Adds u, who must be in no room; ROOM_FULL or NOMEM on failure. */
enum chatsrv_err chatsrv_room_join(struct chatsrv_rooms *r, struct chatsrv_room *room,
				   struct chatsrv_user *u);
/* Takes u out of its room (if any). True when that emptied the room and it
 * was removed (freed). */
bool chatsrv_room_leave(struct chatsrv_rooms *r, struct chatsrv_user *u);
/* Takes every member but the creator out; returns how many. */
size_t chatsrv_room_kick(struct chatsrv_room *room);
struct chatsrv_user *chatsrv_room_creator(const struct chatsrv_room *room);
/* Every room, sorted by name, in a buffer the table owns. */
size_t chatsrv_rooms_sorted(struct chatsrv_rooms *r, struct chatsrv_room ***out);

#endif
