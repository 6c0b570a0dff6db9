/* socklab capture -i IFACE [FILTER...]: live capture through libpcap,
 * printed like decode, or written to a pcap file with -w. */
#include "decode/decode.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "pkt/live.h"
#include "decode/session.h"

/* The longest the kernel holds a half-filled block of packets. */
#define CAPTURE_TIMEOUT_MS 10

static volatile sig_atomic_t capture_stop;
static pcap_t *capture_handle;

static void capture_on_signal(int sig)
{
	(void)sig;
	capture_stop = 1;
	/* libpcap retries poll() on EINTR; breakloop wakes it for good. */
	if (capture_handle)
		pcap_breakloop(capture_handle);
}

static int capture_list(void)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all;

	if (pcap_findalldevs(&all, errbuf) < 0) {
		log_error("cannot list interfaces: %s", errbuf);
		return 1;
	}
	int i = 1;
	for (pcap_if_t *d = all; d; d = d->next, i++)
		printf("%d.%s%s%s%s\n", i, d->name, d->description ? " (" : "",
		       d->description ? d->description : "", d->description ? ")" : "");
	pcap_freealldevs(all);
	return 0;
}

/* The kernel-side ring: room for a burst while we write or print. */
#define CAPTURE_BUFFER_BYTES (16 * 1024 * 1024)

static pcap_t *capture_open(const struct dec_opts *o)
{
	struct live_opts lo = {
		.iface = o->iface, .snaplen = (int)o->snaplen, .timeout_ms = CAPTURE_TIMEOUT_MS,
		.buffer_bytes = CAPTURE_BUFFER_BYTES, .nanoseconds = false,
	};

	return pkt_live_open(&lo);
}

static void capture_one(struct dec_session *s, pcap_dumper_t *dump, const struct pcap_pkthdr *h,
			const u_char *data)
{
	if (dump) {
		s->packets++;
		pcap_dump((u_char *)dump, h, data);
	} else {
		dec_session_packet(s, h, data);
	}
}

/* After a stop: the packets still in the kernel's blocks. A half-filled
 * block is handed over only when the kernel's block timer retires it, and
 * on a busy host that timer can run late: so read until the ring has been
 * quiet for CAPTURE_DRAIN_QUIET_MS, and at most CAPTURE_DRAIN_MAX_MS (on a
 * link that never goes quiet, what came after the stop may be cut). */
#define CAPTURE_DRAIN_QUIET_MS 100
#define CAPTURE_DRAIN_MAX_MS 1000

static void capture_drain_tail(pcap_t *p, struct dec_session *s, pcap_dumper_t *dump,
			       uint64_t count)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	int fd = pcap_get_selectable_fd(p);
	int quiet = 0, waited = 0;

	if (pcap_setnonblock(p, 1, errbuf) < 0 || fd < 0)
		return;
	while (quiet < CAPTURE_DRAIN_QUIET_MS && waited < CAPTURE_DRAIN_MAX_MS) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int got = 0;

		poll(&pfd, 1, 2 * CAPTURE_TIMEOUT_MS);
		waited += 2 * CAPTURE_TIMEOUT_MS;
		while ((!count || s->packets < count) && !s->ob.failed &&
		       pcap_next_ex(p, &h, &data) == 1) {
			capture_one(s, dump, h, data);
			got++;
		}
		if (s->ob.failed || (count && s->packets >= count))
			return;
		quiet = got ? 0 : quiet + 2 * CAPTURE_TIMEOUT_MS;
	}
}

static int capture_run(void *cfg)
{
	const struct dec_opts *o = cfg;
	struct dec_session s;
	pcap_dumper_t *dump = NULL;

	if (o->list)
		return capture_list();
	pcap_t *p = capture_open(o);
	if (!p)
		return 1;
	if (dec_set_filter(p, o->filter, PCAP_NETMASK_UNKNOWN) < 0) {
		pcap_close(p);
		return 2;
	}
	if (o->write) {
		dump = pcap_dump_open(p, o->write);
		if (!dump) {
			log_error("cannot write '%s': %s", o->write, pcap_geterr(p));
			pcap_close(p);
			return 1;
		}
	}
	if (dec_session_init(&s, o, p) < 0)
		return 1;
	s.flush_each = true;
	capture_handle = p;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = capture_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o->json)
		fflush(stdout);
	log_error("capturing on %s%s%s", o->iface, o->filter[0] ? ", filter: " : "", o->filter);

	int status = 0, r = 0;
	struct pcap_pkthdr *h;
	const u_char *data;
	while (!capture_stop && (!o->count || s.packets < o->count)) {
		r = pcap_next_ex(p, &h, &data);
		if (r == 0)
			continue;
		if (r < 0)
			break;
		capture_one(&s, dump, h, data);
		if (s.ob.failed)
			break;
	}
	capture_handle = NULL;
	if (r != PCAP_ERROR && !s.ob.failed)
		capture_drain_tail(p, &s, dump, o->count);
	if (r == PCAP_ERROR) {
		log_error("capture on %s stopped: %s", o->iface, pcap_geterr(p));
		status = 1;
	}
	if (dump) {
		if (pcap_dump_flush(dump) < 0) {
			log_error("cannot write '%s': %s", o->write, strerror(errno));
			status = 1;
		}
		pcap_dump_close(dump);
	}
	if (dec_session_finish(&s) < 0 && errno != EPIPE)
		status = 1;
	struct pcap_stat st;
	const char *noun = s.packets == 1 ? "packet" : "packets";
	if (pcap_stats(p, &st) == 0 && st.ps_drop > 0)
		log_error("%llu %s captured, %u dropped by the kernel (too slow: try -w FILE or a "
			  "smaller -s)", (unsigned long long)s.packets, noun, st.ps_drop);
	else
		log_error("%llu %s captured", (unsigned long long)s.packets, noun);
	pcap_close(p);
	return status;
}

const struct tool dec_capture_tool = {
	TOOL_FIELDS("capture",
		    "live packet capture through libpcap, printed as decode does or written with -w",
		    dec_capture_usage_text, struct dec_opts, dec_parse_capture, capture_run),
};
