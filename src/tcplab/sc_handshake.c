/* Scenario handshake: three connections whose ends offer different
 * options (all on with the receiver's MSS lowered; the receiver without
 * window scale, SACK and timestamps; the sender without them). The captured
 * SYN and SYN-ACK (decoded with pkt) must show an option in the SYN-ACK
 * only when the SYN offered it, the sender's TCP_INFO must report exactly
 * the options both sent, and its MSS the smaller of the two. */
#include <linux/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tcplab/cap.h"
#include "tcplab/ns.h"
#include "tcplab/peer.h"
#include "tcplab/scen.h"
#include "tcplab/sock.h"
#include "tcplab/synopt.h"

struct hs_case {
	const char *what;
	bool snd_opts, rcv_opts;    /* window scale, SACK, timestamps switched on */
	int snd_maxseg, rcv_maxseg;
};

static const struct hs_case cases[] = {
	{ "both ends offer everything; the receiver's MSS lowered to 1000", true, true, 0, 1000 },
	{ "the receiver has window scale, SACK and timestamps off", true, false, 0, 0 },
	{ "the sender has them off, and its MSS lowered to 1200", false, true, 1200, 0 },
};

struct hs_shared {
	volatile int listening;
	int maxseg;
	uint16_t port;
	uint8_t options;            /* tcpi_options */
	uint32_t snd_mss;
};

static int hs_receiver(void *arg)
{
	struct hs_shared *sh = arg;
	int l = tl_listen(TL_PORT, sh->maxseg, 8);

	if (l < 0)
		return 1;
	sh->listening = 1;
	int s = tl_accept(l, 5000);

	if (s < 0)
		return 1;
	tl_read_n(s, 0, 5000);
	close(s);
	close(l);
	return 0;
}

static int hs_sender(void *arg)
{
	struct hs_shared *sh = arg;
	int s = tl_connect(0, sh->maxseg, 0, 5000);
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	if (s < 0)
		return 1;
	sh->port = tl_local_port(s);
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 1;
	sh->options = ti.tcpi_options;
	sh->snd_mss = ti.tcpi_snd_mss;
	close(s);
	return 0;
}

static void set_opts(const char *ns, bool on)
{
	const char *v = on ? "1" : "0";

	tl_ns_sysctl(ns, "net.ipv4.tcp_window_scaling", v);
	tl_ns_sysctl(ns, "net.ipv4.tcp_sack", v);
	tl_ns_sysctl(ns, "net.ipv4.tcp_timestamps", v);
}

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

/* One case: the two children, then the check. */
static int one_case(struct tl_ctx *c, struct tl_lab *lab, struct tl_cap *cap,
		    const struct hs_case *k, bool first, bool *ok)
{
	struct hs_shared *rs = tl_shared(sizeof *rs), *ss = tl_shared(sizeof *ss);
	int rc = -1;

	if (!rs || !ss)
		goto out;
	set_opts(lab->ns[TL_SND], k->snd_opts);
	set_opts(lab->ns[TL_RCV], k->rcv_opts);
	rs->maxseg = k->rcv_maxseg;
	ss->maxseg = k->snd_maxseg;
	pid_t r = tl_peer_start(lab->ns[TL_RCV], hs_receiver, rs);

	if (r < 0 || tl_wait_flag(&rs->listening, 5000) < 0) {
		if (r > 0)
			tl_peer_wait(r, 0);
		goto out;
	}
	pid_t s = tl_peer_start(lab->ns[TL_SND], hs_sender, ss);
	int st = s < 0 ? -1 : tl_peer_wait(s, 8000);

	tl_peer_wait(r, 8000);
	tl_cap_drain(cap, 30);
	if (st != 0)
		goto out;
	const struct tl_synframe *syn = tl_cap_syn(cap, ss->port, false);
	const struct tl_synframe *sa = tl_cap_syn(cap, ss->port, true);

	if (!syn || !sa) {
		tl_say(c, "  %s: the SYN or SYN-ACK was not captured", k->what);
		*ok = false;
		rc = 0;
		goto out;
	}
	struct tl_synopts o1, o2;
	struct tl_negotiated n;

	tl_synopts_of(&syn->tcp, &o1);
	tl_synopts_of(&sa->tcp, &o2);
	tl_negotiate(&o1, &o2, &n);
	bool conforms = tl_synack_conforms(&o1, &o2);
	bool ws = (ss->options & TCPI_OPT_WSCALE) != 0, sack = (ss->options & TCPI_OPT_SACK) != 0,
	     ts = (ss->options & TCPI_OPT_TIMESTAMPS) != 0;
	bool agree = ws == n.ws && sack == n.sackok && ts == n.ts;
	uint32_t want_mss = n.mss - (n.ts ? 12u : 0u);
	bool mss_ok = ss->snd_mss == want_mss;
	bool good = conforms && agree && mss_ok;

	*ok = *ok && good;
	tl_say(c, "\n  case: %s", k->what);
	tl_say(c, "    %-14s %-6s %-10s %-6s %s", "", "MSS", "wscale", "SACK", "timestamps");
	tl_say(c, "    %-14s %-6u %-10s %-6s %s", "SYN", o1.mss_val, o1.ws ? "yes" : "no",
	       yn(o1.sackok), yn(o1.ts));
	tl_say(c, "    %-14s %-6u %-10s %-6s %s", "SYN-ACK", o2.mss_val, o2.ws ? "yes" : "no",
	       yn(o2.sackok), yn(o2.ts));
	tl_say(c, "    %-14s %-6u %-10s %-6s %s", "negotiated", n.mss, yn(n.ws), yn(n.sackok),
	       yn(n.ts));
	tl_say(c, "    %s the SYN-ACK carries only options the SYN offered", tl_mark(conforms));
	tl_say(c, "    %s the sender's TCP_INFO reports wscale %s, SACK %s, timestamps %s",
	       tl_mark(agree), yn(ws), yn(sack), yn(ts));
	tl_say(c, "    %s MSS = min(%u, %u) = %u; the sender's segments carry %u bytes%s",
	       tl_mark(mss_ok), o1.mss_val, o2.mss_val, n.mss, ss->snd_mss,
	       n.ts ? " (12 fewer: the timestamp option rides in every segment)" : "");
	if (first) {
		char text[2048];

		tl_synopt_explain(syn->opts, syn->nopts, text, sizeof text);
		tl_say(c, "    the SYN's %zu option bytes, one by one (offset, bytes, meaning):",
		       syn->nopts);
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			tl_say(c, "    %s", line);
	}
	tl_emit(c, "handshake",
		json_pack("{s:s,s:{s:i,s:b,s:b,s:b},s:{s:i,s:b,s:b,s:b},s:{s:i,s:b,s:b,s:b},"
			  "s:{s:i,s:b,s:b,s:b},s:b,s:b,s:b}",
			  "case", k->what, "syn", "mss", o1.mss_val, "wscale", o1.ws, "sack", o1.sackok,
			  "ts", o1.ts, "synack", "mss", o2.mss_val, "wscale", o2.ws, "sack",
			  o2.sackok, "ts", o2.ts, "negotiated", "mss", n.mss, "wscale", n.ws, "sack",
			  n.sackok, "ts", n.ts, "tcp_info", "snd_mss", ss->snd_mss, "wscale", ws,
			  "sack", sack, "ts", ts, "synack_conforms", conforms, "tcp_info_agrees",
			  agree, "mss_is_min", mss_ok));
	rc = 0;
out:
	tl_shared_free(rs, sizeof *rs);
	tl_shared_free(ss, sizeof *ss);
	return rc;
}

int tl_sc_handshake(struct tl_ctx *c, struct tl_verdict *v)
{
	struct tl_lab lab;
	struct tl_link link;
	struct tl_cap cap;
	bool ok = true;
	int rc = 0;
	size_t ran = 0;

	tl_link_from(c, 10, &link);
	if (tl_lab_up(&lab, &link) < 0) {
		tl_lab_free(&lab);
		snprintf(v->line, sizeof v->line, "the lab could not be built");
		return -1;
	}
	if (tl_cap_open(&cap, lab.ns[TL_SND], TL_SND_IF, c->o->pcap) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0] && !tl_interrupted; i++) {
		if (one_case(c, &lab, &cap, &cases[i], i == 0, &ok) < 0) {
			rc = -1;
			break;
		}
		ran++;
	}
	tl_say(c, "%s", "");
	tl_report_fwd(c, &lab);
out:
	tl_cap_close(&cap);
	tl_lab_free(&lab);
	v->seen = rc == 0 && ok && ran == sizeof cases / sizeof cases[0];
	snprintf(v->line, sizeof v->line,
		 "%zu handshakes: options negotiated only when both ends sent them, MSS = the "
		 "smaller of the two%s",
		 ran, v->seen ? "" : " — not in every case");
	return rc;
}
