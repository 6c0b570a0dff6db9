/* pkt_live_open: pcap_create, the settings, pcap_activate, and the error line.
 * Not immediate mode: libpcap then uses TPACKET_V2, whose ring slots are all
 * snaplen-sized (64 of them in 16 MiB at a 256 KiB snaplen), and a burst of
 * small packets overflows it. TPACKET_V3 packs frames by their length and
 * hands a block over within timeout_ms; callers that stop collect the last
 * half-filled block after that long. */
#include "pkt/live.h"

#include "core/log.h"

pcap_t *pkt_live_open(const struct live_opts *o)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(o->iface, errbuf);
	int rc;

	if (!p) {
		log_error("cannot capture on %s: %s", o->iface, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, 0);
	pcap_set_timeout(p, o->timeout_ms);
	pcap_set_buffer_size(p, o->buffer_bytes);
	if (o->nanoseconds)
		pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(p);
	if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED)
		log_error("cannot capture on %s: permission denied — run as root, or give the binary "
			  "CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip socklab)",
			  o->iface);
	else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
		log_error("cannot capture on %s: no such interface (socklab capture -D lists them)",
			  o->iface);
	else if (rc < 0)
		log_error("cannot capture on %s: %s", o->iface, pcap_geterr(p));
	if (rc < 0) {
		pcap_close(p);
		return NULL;
	}
	return p;
}
