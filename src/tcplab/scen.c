/* The output helpers every scenario uses (see scen.h). */
#include "tcplab/scen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "tcplab/profile.h"
#include "tcplab/stats.h"

void tl_say(const struct tl_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->o->json || c->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void tl_emit(const struct tl_ctx *c, const char *type, json_t *obj)
{
	if (!c->o->json || !obj) {
		json_decref(obj);
		return;
	}
	json_object_set_new(obj, "type", json_string(type));
	json_object_set_new(obj, "scenario", json_string(c->name));
	log_out_json(obj);
}

void tl_link_from(const struct tl_ctx *c, int64_t delay_ms, struct tl_link *l)
{
	const struct tcplab_opts *o = c->o;

	memset(l, 0, sizeof *l);
	l->delay_us = (uint64_t)(o->delay_ms >= 0 ? o->delay_ms : delay_ms) * 1000u;
	l->rate = o->rate;
	l->queue = o->queue > 0 ? (size_t)o->queue : 0;
	l->drop = o->drop;
	tl_profile_link(o, c->name, l);
}

void tl_report_fwd(const struct tl_ctx *c, const struct tl_lab *lab)
{
	const struct tl_fwdstats *f = lab->fwd;
	size_t n = f->nerr;
	int64_t *v = malloc((n ? n : 1) * sizeof *v);

	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = f->err_us[i];
	int64_t med = tl_quantile(v, n, 0.5), p99 = tl_quantile(v, n, 0.99);

	free(v);
	tl_say(c, "  the link: %llu frames forwarded, delay %.1f ms round trip (%.1f ms each way); "
		  "the delay line held each frame %+.3f ms off that (median), %+.3f ms (p99)",
	       (unsigned long long)(f->frames[0] + f->frames[1]), (double)lab->link.delay_us / 1000.0,
	       (double)lab->link.delay_us / 2000.0, (double)med / 1000.0, (double)p99 / 1000.0);
	if (f->dropped_rule || f->dropped_queue)
		tl_say(c, "  the link dropped %llu data segments by rule and %llu frames on a full "
			  "queue",
		       (unsigned long long)f->dropped_rule, (unsigned long long)f->dropped_queue);
	tl_emit(c, "link",
		json_pack("{s:I,s:I,s:f,s:f,s:f,s:I,s:I,s:I}", "frames_to_receiver",
			  (json_int_t)f->frames[0], "frames_to_sender", (json_int_t)f->frames[1],
			  "delay_ms", (double)lab->link.delay_us / 1000.0, "hold_error_median_ms",
			  (double)med / 1000.0, "hold_error_p99_ms", (double)p99 / 1000.0,
			  "data_segments", (json_int_t)f->segs, "dropped_rule",
			  (json_int_t)f->dropped_rule, "dropped_queue", (json_int_t)f->dropped_queue));
}

const char *tl_cc(const struct tl_ctx *c, const char *dflt)
{
	return c->o->cc ? c->o->cc : tl_profile_cc(c->o, dflt);
}

const char *tl_mark(bool ok)
{
	return ok ? "✓" : "✗";
}
