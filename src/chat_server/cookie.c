/* SipHash-2-4 over (family, address, port, slot): 64 bits that a blind
 * sender cannot guess and the server need not remember. */
#include "chat_server/cookie.h"

#include <netinet/in.h>
#include <string.h>

#include "core/siphash.h"

static uint64_t cookie_for_slot(const uint8_t secret[16], const struct sockaddr *from,
				uint64_t slot)
{
	uint8_t m[1 + 16 + 2 + 8] = { 0 };

	m[0] = (uint8_t)from->sa_family;
	if (from->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)from;
		memcpy(m + 1, &a->sin6_addr, 16);
		memcpy(m + 17, &a->sin6_port, 2);
	} else {
		const struct sockaddr_in *a = (const void *)from;
		memcpy(m + 1, &a->sin_addr, 4);
		memcpy(m + 17, &a->sin_port, 2);
	}
	for (int i = 0; i < 8; i++)
		m[19 + i] = (uint8_t)(slot >> (8 * i));
	return siphash_24(secret, m, sizeof(m));
}

uint64_t chatsrv_cookie_make(const uint8_t secret[16], const struct sockaddr *from,
			     uint64_t now_us)
{
	return cookie_for_slot(secret, from, now_us / CHATSRV_COOKIE_SLOT_US);
}

bool chatsrv_cookie_check(const uint8_t secret[16], const struct sockaddr *from, uint64_t now_us,
			  uint64_t cookie)
{
	uint64_t slot = now_us / CHATSRV_COOKIE_SLOT_US;

	return cookie_for_slot(secret, from, slot) == cookie ||
	       (slot > 0 && cookie_for_slot(secret, from, slot - 1) == cookie);
}
