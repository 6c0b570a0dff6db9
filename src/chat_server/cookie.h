/* The stateless address check before a session exists (docs/chat-protocol.md,
 * "Registration"): a REG without a valid cookie gets COOKIE <16 hex>, a keyed
 * hash of the source address, port and a time slot under a secret drawn at
 * start — the idea of DTLS's HelloVerifyRequest and QUIC's Retry. Only a
 * client that receives at its address can echo it, so a spoofed REG creates
 * nothing and is answered with fewer bytes than it carried. Pure: the secret
 * and the time are passed in. */
#ifndef SOCKLAB_CHAT_SERVER_COOKIE_H
#define SOCKLAB_CHAT_SERVER_COOKIE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* A cookie is good in the slot it was made in and the next: 60 to 120 s. */
#define CHATSRV_COOKIE_SLOT_US (60ULL * 1000000)

uint64_t chatsrv_cookie_make(const uint8_t secret[16], const struct sockaddr *from,
			     uint64_t now_us);
/* True if cookie was made for from in this slot or the one before. */
bool chatsrv_cookie_check(const uint8_t secret[16], const struct sockaddr *from, uint64_t now_us,
			  uint64_t cookie);

#endif
