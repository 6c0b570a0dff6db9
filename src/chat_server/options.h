/* Command line of socklab chat-server: PORT, the addresses, the limits and
 * the output; parsing and the cross-option checks are pure. */
#ifndef SOCKLAB_CHAT_SERVER_OPTIONS_H
#define SOCKLAB_CHAT_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "chatwire/chatproto.h"
#include "core/tool.h"

#define CHATSRV_MAX_BINDS 8
#define CHATSRV_EXPIRE_DEFAULT_MS 30000
#define CHATSRV_EXPIRE_MAX_SECS (24 * 3600)
#define CHATSRV_MAX_USERS_DEFAULT 1000
#define CHATSRV_MAX_ROOMS_DEFAULT 100
#define CHATSRV_MAX_MEMBERS_DEFAULT 200
#define CHATSRV_FLOOD_RATE_DEFAULT CHAT_FLOOD_RATE
#define CHATSRV_FLOOD_RATE_MAX 1000000
#define CHATSRV_ACK_TIMEOUT_DEFAULT_MS 10000
#define CHATSRV_QUEUE_MEMORY_DEFAULT_MIB 64
#define CHATSRV_QUEUE_MEMORY_MAX_MIB (64 * 1024)
#define CHATSRV_REG_RATE_DEFAULT 10
#define CHATSRV_REG_RATE_MAX 100000
#define CHATSRV_MAX_PER_PREFIX_DEFAULT 250

struct chatsrv_config {
	uint16_t port;
	int family;                               /* AF_UNSPEC, or -4/-6 */
	union addr_any binds[CHATSRV_MAX_BINDS];  /* --bind, in order */
	unsigned nbinds;
	uint64_t expire_ms;
	uint64_t max_users, max_rooms, max_members;
	uint64_t flood_rate;                      /* 0: off */
	uint64_t ack_timeout_ms;                  /* unacknowledged this long: stuck */
	uint64_t queue_memory;                    /* bytes of queued messages, all sessions */
	uint64_t reg_rate;                        /* registrations/s per address; 0: off */
	uint64_t max_per_prefix;                  /* sessions per /24 or /64; 0: no limit */
	bool json, quiet, verbose;
};

extern const char chatsrv_usage_text[];

void chatsrv_config_defaults(struct chatsrv_config *cfg);
enum tool_args chatsrv_parse_args(int argc, char **argv, struct chatsrv_config *cfg, char *err,
				  size_t errlen);

#endif
