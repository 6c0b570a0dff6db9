/* The scenarios, in the order of the lecture's priority (see scen.h): a
 * file of its own, so that the scenarios' calls into scen.c's helpers and
 * the table's references to the scenarios go one way. */
#include "tcplab/scen.h"

const struct tl_scenario tl_scenarios[] = {
	{ "handshake", "TCP options in the SYN: MSS, window scale, SACK-permitted, timestamps",
	  tl_sc_handshake, true },
	{ "nagle", "the Nagle algorithm and delayed ACKs (write-write-read)", tl_sc_nagle, true },
	{ "time-wait", "SO_REUSEADDR and TIME_WAIT (binding port 7777 again)", tl_sc_timewait, false },
	{ "slow-start", "congestion control: slow start, cwnd doubling per RTT", tl_sc_slowstart, false },
	{ "congestion-avoidance", "past ssthresh: Reno's +1 segment per RTT, CUBIC's curve",
	  tl_sc_cavoid, false },
	{ "fast-retransmit", "fast retransmit on the 3rd duplicate ACK, ssthresh = cwnd/2",
	  tl_sc_fastrtx, true },
	{ "timeout", "the retransmission timer: exponential backoff, cwnd back to 1, slow start "
		     "again",
	  tl_sc_timeout, true },
	{ "sack", "selective acknowledgements: three losses in one window, SACK on and off",
	  tl_sc_sack, true },
	{ "flow-control", "flow control: a slow reader, the zero window, probes, the window update",
	  tl_sc_flow, true },
	{ "window-scale", "the window scale option on a long fat pipe: 64 KiB per RTT without it",
	  tl_sc_wscale, false },
	{ "isn", "initial sequence numbers and the Mitnick attack: how predictable are they?",
	  tl_sc_isn, true },
	{ "syn-flood", "the SYN flood: listen(10) filled with half-open entries; syncookies",
	  tl_sc_synflood, false },
};
const size_t tl_nscenarios = sizeof tl_scenarios / sizeof tl_scenarios[0];
