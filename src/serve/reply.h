/* What each service answers: pure functions over bytes and a little state,
 * shared by the TCP and UDP sides. */
#ifndef SOCKLAB_SERVE_REPLY_H
#define SOCKLAB_SERVE_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "core/dgram.h"
#include "core/rng.h"
#include "serve/qotd.h"
#include "serve/service.h"

/* RFC 864: a UDP chargen answer holds 0 to 512 characters. */
#define CHARGEN_DGRAM_MAX 512
/* Room for the longest answer built into a separate buffer. */
#define REPLY_OUT_MAX DGRAM_REPLY_ROOM

struct reply_ctx {
	struct rng rng;
	uint32_t chargen_line;        /* UDP chargen: line the next answer starts on */
	const struct quotes *quotes;
	const char *daytime_fmt;      /* NULL: ctime()'s form */
	time_t now;
};

/* The answer of daytime, qotd or time into out; its length (0 if none). */
size_t serve_reply_oneshot(enum service_id svc, uint8_t *out, size_t cap, struct reply_ctx *ctx);
/* The answer to one datagram. echo and upper answer in place (*reply = data);
 * the others write into out (REPLY_OUT_MAX bytes). Returns the length, or -1
 * when the service sends nothing (discard). */
ssize_t serve_reply_datagram(enum service_id svc, uint8_t *data, size_t len, uint8_t *out,
		       struct reply_ctx *ctx, const uint8_t **reply);

#endif
