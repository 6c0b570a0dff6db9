/* getopt_long for socklab chat-server, then one block of conflict checks. */
#include "chat_server/options.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "chat_server/rooms.h"
#include "chat_server/users.h"
#include "core/opt.h"

const char chatsrv_usage_text[] =
	"Usage: socklab chat-server [options] PORT\n"
	"\n"
	"The UDP chat server of seed 003 (tasks 2/3): an address book of users and\n"
	"their rooms, speaking docs/chat-protocol.md with socklab chat-client.\n"
	"PORT 0 takes a free port, the same on every address.\n"
	"\n"
	"Where:\n"
	"  -4, --ipv4               bind only IPv4 addresses\n"
	"  -6, --ipv6               bind only IPv6 addresses\n"
	"  -b, --bind ADDR          bind ADDR, IPv4 or IPv6 (repeatable; default 127.0.0.1 and ::1)\n"
	"\n"
	"Limits:\n"
	"      --expire SECS        remove a session silent this long (default 30; keepalives count)\n"
	"      --ack-timeout SECS   drop a session that acknowledges nothing this long while\n"
	"                           messages wait for it (default 10)\n"
	"      --max-users N        sessions at once (default 1000)\n"
	"      --max-per-prefix N   sessions from one /24 (IPv4) or /64 (IPv6) (default 250;\n"
	"                           0: no limit; loopback is exempt)\n"
	"      --reg-rate N         registrations a second from one address, 4N from one\n"
	"                           prefix, bursts of twice that (default 10; 0: no limit)\n"
	"      --queue-memory MIB   memory for messages waiting for acknowledgement, all\n"
	"                           sessions together (default 64; docs/chat-server.md)\n"
	"      --max-rooms N        rooms at once (default 100)\n"
	"      --max-members N      members of one room (default 200)\n"
	"      --flood-rate N       SAY/PRIV lines a second per user, bursts of 2N (default 20;\n"
	"                           0: no limit)\n"
	"\n"
	"Output:\n"
	"  -q, --quiet              log only errors, the listening/ready lines and 'stopped'\n"
	"  -v, --verbose            also log every message handled (rate-limited)\n"
	"      --json               JSON Lines on stdout\n"
	"  -h, --help               show this help\n"
	"      --version            show the version\n"
	"\n"
	"Logs registrations, session ends, rooms created and removed, room joins and\n"
	"leaves, and kicks, one line each. A room's creator may KICK; when the creator\n"
	"leaves, the member who has been in the room longest becomes its creator, and a\n"
	"room is removed when its last member leaves. SIGINT, SIGTERM and SIGHUP print a\n"
	"'stopped' line with the counters and exit 0.\n";

enum {
	OPT_EXPIRE = 256,
	OPT_MAX_USERS,
	OPT_MAX_ROOMS,
	OPT_MAX_MEMBERS,
	OPT_FLOOD_RATE,
	OPT_ACK_TIMEOUT,
	OPT_QUEUE_MEMORY,
	OPT_REG_RATE,
	OPT_MAX_PER_PREFIX,
	OPT_JSON,
};

static const struct option chatsrv_long_options[] = {
	OPT_FLAG("ipv4", '4'),
	OPT_FLAG("ipv6", '6'),
	OPT_VALUE("bind", 'b'),
	OPT_VALUE("expire", OPT_EXPIRE),
	OPT_VALUE("max-users", OPT_MAX_USERS),
	OPT_VALUE("max-rooms", OPT_MAX_ROOMS),
	OPT_VALUE("max-members", OPT_MAX_MEMBERS),
	OPT_VALUE("flood-rate", OPT_FLOOD_RATE),
	OPT_VALUE("ack-timeout", OPT_ACK_TIMEOUT),
	OPT_VALUE("queue-memory", OPT_QUEUE_MEMORY),
	OPT_VALUE("reg-rate", OPT_REG_RATE),
	OPT_VALUE("max-per-prefix", OPT_MAX_PER_PREFIX),
	OPT_FLAG("quiet", 'q'),
	OPT_FLAG("verbose", 'v'),
	OPT_FLAG("json", OPT_JSON),
	TOOL_LONG_OPTIONS_END,
};

void chatsrv_config_defaults(struct chatsrv_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_UNSPEC;
	cfg->expire_ms = CHATSRV_EXPIRE_DEFAULT_MS;
	cfg->max_users = CHATSRV_MAX_USERS_DEFAULT;
	cfg->max_rooms = CHATSRV_MAX_ROOMS_DEFAULT;
	cfg->max_members = CHATSRV_MAX_MEMBERS_DEFAULT;
	cfg->flood_rate = CHATSRV_FLOOD_RATE_DEFAULT;
	cfg->ack_timeout_ms = CHATSRV_ACK_TIMEOUT_DEFAULT_MS;
	cfg->queue_memory = CHATSRV_QUEUE_MEMORY_DEFAULT_MIB << 20;
	cfg->reg_rate = CHATSRV_REG_RATE_DEFAULT;
	cfg->max_per_prefix = CHATSRV_MAX_PER_PREFIX_DEFAULT;
}

static int chatsrv_add_bind(struct chatsrv_config *cfg, const char *arg, char *err, size_t errlen)
{
	return addr_list_add(cfg->binds, &cfg->nbinds, CHATSRV_MAX_BINDS, arg, err, errlen);
}

/* The count options: N in min..max, into a field of the configuration. */
#define CHATSRV_FIELD(f) offsetof(struct chatsrv_config, f)
static const struct opt_num chatsrv_counts[] = {
	{ OPT_MAX_USERS, "--max-users", OPT_NUM_COUNT, 1, CHATSRV_USERS_HARD_MAX,
	  CHATSRV_FIELD(max_users) },
	{ OPT_MAX_ROOMS, "--max-rooms", OPT_NUM_COUNT, 0, CHATSRV_ROOMS_HARD_MAX,
	  CHATSRV_FIELD(max_rooms) },
	{ OPT_MAX_MEMBERS, "--max-members", OPT_NUM_COUNT, 1, CHATSRV_MEMBERS_HARD_MAX,
	  CHATSRV_FIELD(max_members) },
	{ OPT_FLOOD_RATE, "--flood-rate", OPT_NUM_COUNT, 0, CHATSRV_FLOOD_RATE_MAX,
	  CHATSRV_FIELD(flood_rate) },
	{ OPT_QUEUE_MEMORY, "--queue-memory", OPT_NUM_COUNT, 1, CHATSRV_QUEUE_MEMORY_MAX_MIB,
	  CHATSRV_FIELD(queue_memory) },
	{ OPT_REG_RATE, "--reg-rate", OPT_NUM_COUNT, 0, CHATSRV_REG_RATE_MAX,
	  CHATSRV_FIELD(reg_rate) },
	{ OPT_MAX_PER_PREFIX, "--max-per-prefix", OPT_NUM_COUNT, 0, CHATSRV_USERS_HARD_MAX,
	  CHATSRV_FIELD(max_per_prefix) },
};

static enum tool_args chatsrv_check(struct chatsrv_config *cfg, int argc, char **argv,
				       char *err, size_t errlen)
{
	const char *why;

	if (optind >= argc) {
		snprintf(err, errlen, "missing PORT (0: any free port)");
		return TOOL_ARGS_USAGE;
	}
	if (optind + 1 < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind + 1]);
		return TOOL_ARGS_USAGE;
	}
	if (opt_parse_port(argv[optind], &cfg->port, &why) < 0)
		return tool_bad_value(err, errlen, "PORT", argv[optind], why);
	if (cfg->quiet && cfg->verbose) {
		snprintf(err, errlen, "cannot use --quiet with --verbose");
		return TOOL_ARGS_USAGE;
	}
	if (addr_list_check_family(cfg->binds, cfg->nbinds, cfg->family, err, errlen) < 0)
		return TOOL_ARGS_USAGE;
	if (cfg->expire_ms == 0) {
		snprintf(err, errlen, "--expire 0: must be above 0");
		return TOOL_ARGS_USAGE;
	}
	if (cfg->ack_timeout_ms == 0) {
		snprintf(err, errlen, "--ack-timeout 0: must be above 0");
		return TOOL_ARGS_USAGE;
	}
	return TOOL_ARGS_OK;
}

enum tool_args chatsrv_parse_args(int argc, char **argv, struct chatsrv_config *cfg, char *err,
				  size_t errlen)
{
	const char *why;
	int c;

	chatsrv_config_defaults(cfg);
	OPT_EACH(c, argc, argv, ":46b:qvh", chatsrv_long_options) {
		int counted = opt_num_parse(chatsrv_counts, OPT_NELEM(chatsrv_counts), c, optarg, cfg,
					    err, errlen);
		if (counted < 0)
			return TOOL_ARGS_USAGE;
		if (counted > 0) {
			if (c == OPT_QUEUE_MEMORY)
				cfg->queue_memory <<= 20; /* given in MiB */
			continue;
		}
		switch (c) {
		case '4':
			if (cfg->family == AF_INET6) {
				snprintf(err, errlen, "cannot use -4 with -6");
				return TOOL_ARGS_USAGE;
			}
			cfg->family = AF_INET;
			break;
		case '6':
			if (cfg->family == AF_INET) {
				snprintf(err, errlen, "cannot use -4 with -6");
				return TOOL_ARGS_USAGE;
			}
			cfg->family = AF_INET6;
			break;
		case 'b':
			if (chatsrv_add_bind(cfg, optarg, err, errlen) < 0)
				return TOOL_ARGS_USAGE;
			break;
		case OPT_EXPIRE:
			if (opt_parse_seconds(optarg, CHATSRV_EXPIRE_MAX_SECS, &cfg->expire_ms, &why) < 0)
				return tool_bad_value(err, errlen, "--expire", optarg, why);
			break;
		case OPT_ACK_TIMEOUT:
			if (opt_parse_seconds(optarg, CHATSRV_EXPIRE_MAX_SECS, &cfg->ack_timeout_ms,
					      &why) < 0)
				return tool_bad_value(err, errlen, "--ack-timeout", optarg, why);
			break;
		case 'q': cfg->quiet = true; break;
		case 'v': cfg->verbose = true; break;
		case OPT_JSON: cfg->json = true; break;
		default: return opt_getopt_default(c, argv, chatsrv_long_options, err, errlen);
		}
	}
	return chatsrv_check(cfg, argc, argv, err, errlen);
}
