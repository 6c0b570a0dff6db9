/* The profiles (see profile.h). */
#include "tcplab/profile.h"

#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "tcplab/fwd.h"
#include "tcplab/scen.h"

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

void tl_profile_link(const struct tl_ctx *c, struct tl_link *l)
{
	if (c->o->profile != TL_PROFILE_TEXTBOOK || !tl_profile_bulk(c->name))
		return;
	l->initcwnd = TL_TEXTBOOK_INITCWND;
	l->no_rack_tlp = true;
}

const char *tl_profile_cc(const struct tl_ctx *c, const char *dflt)
{
	return c->o->profile == TL_PROFILE_TEXTBOOK ? "reno" : dflt;
}

void tl_profile_report(const struct tl_ctx *c)
{
	bool tb = c->o->profile == TL_PROFILE_TEXTBOOK;
	int b = bulk_index(c->name);
	const char *cc = c->o->cc ? c->o->cc
		       : b < 0 ? (tb ? "reno" : NULL)
		       : bulk[b].cc && strchr(bulk[b].cc, ',') ? bulk[b].cc
		       : tb ? "reno" : bulk[b].cc;
	bool set = tb && b >= 0;

	if (!tb && b < 0)
		tl_say(c, "  profile linux: the kernel's defaults");
	else if (!tb)
		tl_say(c, "  profile linux: the kernel's defaults. %s", bulk[b].linux_differs);
	else if (b < 0)
		tl_say(c, "  profile textbook: nothing here depends on it beyond the congestion "
			  "control (%s); the lab's links have TSO, GSO and GRO off in every profile",
		       cc);
	else
		tl_say(c, "  profile textbook: %s on the sender's socket (TCP_CONGESTION%s), an "
			  "initial window of %d segment (initcwnd on the sender's route), RACK off "
			  "(net.ipv4.tcp_recovery=0) and early retransmit and the tail loss probe off "
			  "(net.ipv4.tcp_early_retrans=0) in the sender's namespace; TSO, GSO and GRO "
			  "are off on the lab's links in every profile (one MSS per segment). Still "
			  "Linux's: PRR in fast recovery (no switch for it), cwnd counted in segments "
			  "acknowledged; HyStart is CUBIC's module parameter for the whole host, left "
			  "alone (Reno has none).",
		       cc, c->o->cc ? ": --cc" : "", TL_TEXTBOOK_INITCWND);
	json_t *j = json_pack("{s:s,s:s?,s:b,s:i,s:b,s:b,s:b,s:b,s:s}", "name",
			      tl_profile_name(c->o->profile), "cc", cc, "bulk", b >= 0,
			      "initcwnd", set ? TL_TEXTBOOK_INITCWND : 10, "rack", !set, "tlp",
			      !set, "prr", b >= 0, "offloads", false, "hystart",
			      "host's (cubic's module parameter, not changed)");

	tl_emit(c, "profile", j);
}
