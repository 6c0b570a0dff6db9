/* echo-client's JSON Lines (docs/ARCHITECTURE.md, "JSON output"). */
#include "echo_client/report.h"

#include <time.h>

#include "core/clock.h"
#include "core/jsontext.h"
#include "core/log.h"

/* The text of one message shown in an object: the first bytes of a long one. */
#define REPORT_TEXT_MAX 1024

static json_t *report_new(const struct echo_session *s, const char *type)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return json_pack("{s:s,s:f,s:s}", "type", type, "time",
			 (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6, "proto",
			 s->tcp ? "tcp" : "udp");
}

static void report_bytes(json_t *o, const void *p, size_t n)
{
	json_object_set_new(o, "bytes", json_integer((json_int_t)n));
	jsontext_set(o, "text", p, n > REPORT_TEXT_MAX ? REPORT_TEXT_MAX : n);
	if (n > REPORT_TEXT_MAX)
		json_object_set_new(o, "text_cut", json_true());
}

void echocli_report_send(struct echo_session *s, const void *p, size_t n)
{
	s->msgs_sent++;
	s->bytes_sent += n;
	if (!s->cfg->json)
		return;
	json_t *o = report_new(s, "send");
	json_object_set_new(o, "seq", json_integer((json_int_t)s->msgs_sent));
	report_bytes(o, p, n);
	log_out_json(o);
}

void echocli_report_echo(struct echo_session *s, const void *p, size_t n, uint64_t rtt_us)
{
	s->msgs_echoed++;
	s->bytes_echoed += n;
	if (rtt_us) {
		if (!s->rtt_n || rtt_us < s->rtt_min_us)
			s->rtt_min_us = rtt_us;
		if (rtt_us > s->rtt_max_us)
			s->rtt_max_us = rtt_us;
		s->rtt_sum_us += rtt_us;
		s->rtt_n++;
	}
	if (!s->cfg->json)
		return;
	json_t *o = report_new(s, "echo");
	json_object_set_new(o, "seq", json_integer((json_int_t)s->msgs_echoed));
	report_bytes(o, p, n);
	if (rtt_us)
		json_object_set_new(o, "rtt_ms", json_real((double)rtt_us / 1000.0));
	log_out_json(o);
}

void echocli_report_unasked(struct echo_session *s, const void *p, size_t n)
{
	if (!s->cfg->json) {
		echocli_session_write_all(1, p, n); /* shown as they are */
		return;
	}
	json_t *o = report_new(s, "unasked");
	report_bytes(o, p, n);
	log_out_json(o);
}

void echocli_report_summary(const struct echo_session *s, int exit_status)
{
	if (!s->cfg->json)
		return;
	json_t *o = report_new(s, "summary");
	json_object_set_new(o, "server", json_string(s->where));
	json_object_set_new(o, "messages_sent", json_integer((json_int_t)s->msgs_sent));
	json_object_set_new(o, "messages_echoed", json_integer((json_int_t)s->msgs_echoed));
	json_object_set_new(o, "bytes_sent", json_integer((json_int_t)s->bytes_sent));
	json_object_set_new(o, "bytes_echoed", json_integer((json_int_t)s->bytes_echoed));
	if (s->rtt_n) {
		json_object_set_new(o, "rtt_ms_min", json_real((double)s->rtt_min_us / 1000.0));
		json_object_set_new(o, "rtt_ms_avg",
				    json_real((double)s->rtt_sum_us / (double)s->rtt_n / 1000.0));
		json_object_set_new(o, "rtt_ms_max", json_real((double)s->rtt_max_us / 1000.0));
	}
	if (s->start_us)
		json_object_set_new(o, "duration_s", json_real((double)(clock_mono_us() - s->start_us) / 1e6));
	json_object_set_new(o, "exit_status", json_integer(exit_status));
	log_out_json(o);
}
