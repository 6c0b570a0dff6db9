/* Service answers. */
#include "serve/reply.h"

#include <string.h>

#include "echolib/echo.h"

#include "serve/chargen.h"
#include "serve/clockfmt.h"

size_t serve_reply_oneshot(enum service_id svc, uint8_t *out, size_t cap, struct reply_ctx *ctx)
{
	switch (svc) {
	case SVC_DAYTIME:
		return serve_daytime_format((char *)out, cap, ctx->now, ctx->daytime_fmt);
	case SVC_TIME:
		if (cap < 4)
			return 0;
		serve_time_rfc868(out, ctx->now);
		return 4;
	case SVC_QOTD: {
		const struct quotes *q = ctx->quotes;
		if (!q || q->n == 0)
			return 0;
		size_t i = (size_t)rng_below(&ctx->rng, q->n);
		size_t n = q->len[i] < cap ? q->len[i] : cap;
		memcpy(out, q->blob + q->off[i], n);
		return n;
	}
	default:
		return 0;
	}
}

ssize_t serve_reply_datagram(enum service_id svc, uint8_t *data, size_t len, uint8_t *out,
		       struct reply_ctx *ctx, const uint8_t **reply)
{
	*reply = out;
	switch (svc) {
	case SVC_ECHO:
		*reply = data;
		return (ssize_t)len;
	case SVC_UPPER:
		echo_upper_ascii(data, len);
		*reply = data;
		return (ssize_t)len;
	case SVC_DISCARD:
		return -1;
	case SVC_CHARGEN: {
		size_t n = (size_t)rng_below(&ctx->rng, CHARGEN_DGRAM_MAX + 1);
		uint32_t pos = ctx->chargen_line * (CHARGEN_LINE + 2);
		memcpy(out, serve_chargen_window(pos), n);
		ctx->chargen_line = (ctx->chargen_line + 1) % CHARGEN_RING;
		return (ssize_t)n;
	}
	default:
		return (ssize_t)serve_reply_oneshot(svc, out, REPLY_OUT_MAX, ctx);
	}
}
