/* The profiles (see profile.h). */
#include "tcplab/profile.h"

#include <stdio.h>
#include <string.h>

#include "tcplab/fwd.h"

/* The scenarios whose bulk data goes through congestion control: the
 * profile sets their initial window and loss detection; what Linux does
 * there that the lecture's formulas do not know. */
static const struct {
	const char *name;
	const char *cc;             /* the scenario's own (NULL: the namespace's default) */
	const char *linux_differs;
} bulk[] = {
	{ "slow-start", "reno",
	  "Linux, not the lecture: the initial window is 10 segments (RFC 6928), not 1; cwnd "
	  "grows by the segments each ACK acknowledges, so delayed ACKs do not slow the "
	  "doubling; CUBIC would leave slow start early by HyStart (a module parameter of the "
	  "whole host, left alone; Reno has none)." },
	{ "congestion-avoidance", "reno, cubic",
	  "Linux, not the lecture: the initial window is 10 segments; in fast recovery PRR "
	  "(RFC 6937) brings cwnd down to ssthresh step by step instead of Reno's window "
	  "inflation (ssthresh + 3 segments, one more per duplicate ACK); RACK finds losses by "
	  "time as well as by three duplicate ACKs; CUBIC's slow start ends by HyStart (a "
	  "module parameter of the whole host, left alone)." },
	{ "fast-retransmit", "reno",
	  "Linux, not the lecture: RACK (RFC 8985) detects the loss by time too (a quarter "
	  "round trip after a later segment was SACKed), so the retransmission may come before "
	  "the 3rd duplicate ACK; PRR (RFC 6937) instead of the window inflation to "
	  "ssthresh + 3 segments; a tail loss probe when the ACKs stop; initial window 10." },
	{ "timeout", "reno",
	  "Linux, not the lecture: the first retransmission is a tail loss probe (TLP, RFC "
	  "8985), sent before the retransmission timer would (here it waits as long); RACK "
	  "detects losses by time; the initial window is 10 segments." },
	{ "sack", "reno",
	  "Linux, not the lecture: RACK (RFC 8985) marks the holes lost by time, a quarter "
	  "round trip after a later segment was SACKed, not by RFC 6675's three SACKed "
	  "segments above them; PRR (RFC 6937) in fast recovery; initial window 10." },
	{ "window-scale", NULL,
	  "Linux, not the lecture: the sender runs the namespace's default congestion control "
	  "(the host's) and starts from an initial window of 10 segments." },
};

static int bulk_index(const char *scenario)
{
	for (size_t i = 0; scenario && i < sizeof bulk / sizeof bulk[0]; i++)
		if (strcmp(bulk[i].name, scenario) == 0)
			return (int)i;
	return -1;
}

const char *tl_profile_name(enum tl_profile p)
{
	return p == TL_PROFILE_TEXTBOOK ? "textbook" : "linux";
}

bool tl_profile_bulk(const char *scenario)
{
	return bulk_index(scenario) >= 0;
}

void tl_profile_link(const struct tcplab_opts *o, const char *scenario, struct tl_link *l)
{
	if (o->profile != TL_PROFILE_TEXTBOOK || !tl_profile_bulk(scenario))
		return;
	l->initcwnd = TL_TEXTBOOK_INITCWND;
	l->no_rack_tlp = true;
}

const char *tl_profile_cc(const struct tcplab_opts *o, const char *dflt)
{
	return o->profile == TL_PROFILE_TEXTBOOK ? "reno" : dflt;
}

/* The sender's congestion control as the profile and --cc make it (NULL:
 * the namespace's default). */
static const char *effective_cc(const struct tcplab_opts *o, int b)
{
	bool tb = o->profile == TL_PROFILE_TEXTBOOK;

	if (b < 0) /* no bulk data: the namespace's default, --cc ignored */
		return NULL;
	if (o->cc)
		return o->cc;
	if (bulk[b].cc && strchr(bulk[b].cc, ',')) /* congestion-avoidance: both */
		return bulk[b].cc;
	return tb ? "reno" : bulk[b].cc;
}

const char *tl_profile_text(const struct tcplab_opts *o, const char *scenario, char *buf,
			    size_t n)
{
	bool tb = o->profile == TL_PROFILE_TEXTBOOK;
	int b = bulk_index(scenario);
	const char *cc = effective_cc(o, b);

	if (!tb && b < 0)
		snprintf(buf, n, "profile linux: the kernel's defaults");
	else if (!tb)
		snprintf(buf, n, "profile linux: the kernel's defaults. %s", bulk[b].linux_differs);
	else if (b < 0)
		snprintf(buf, n, "profile textbook: nothing here depends on it (no bulk data: the "
				 "congestion control, the initial window and loss detection do not come "
				 "into it); the lab's links have TSO, GSO and GRO off in every profile");
	else
		snprintf(buf, n, "profile textbook: %s on the sender's socket (TCP_CONGESTION%s), an "
				 "initial window of %d segment (initcwnd on the sender's route), RACK "
				 "off (net.ipv4.tcp_recovery=0) and the tail loss probe off "
				 "(net.ipv4.tcp_early_retrans=0) in the sender's namespace; "
				 "TSO, GSO and GRO are off on the lab's links in every profile (one MSS "
				 "per segment). Still Linux's: PRR in fast recovery (no switch for it), "
				 "cwnd counted in segments acknowledged; HyStart is CUBIC's module "
				 "parameter for the whole host, left alone (Reno has none).",
			 cc, o->cc ? ": --cc" : "", TL_TEXTBOOK_INITCWND);
	return buf;
}

json_t *tl_profile_json(const struct tcplab_opts *o, const char *scenario)
{
	int b = bulk_index(scenario);
	bool set = o->profile == TL_PROFILE_TEXTBOOK && b >= 0;

	return json_pack("{s:s,s:s?,s:b,s:i,s:b,s:b,s:b,s:b,s:s}", "name",
			 tl_profile_name(o->profile), "cc", effective_cc(o, b), "bulk", b >= 0,
			 "initcwnd", set ? TL_TEXTBOOK_INITCWND : 10, "rack", !set, "tlp", !set, "prr",
			 b >= 0, "offloads", false, "hystart",
			 "host's (cubic's module parameter, not changed)");
}
