/* The old-style responder and its client (see oldisn.h). */
#include "tcplab/oldisn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab/lab.h"
#include "tcplab/peer.h"
#include "tcplab/sock.h"
#include "tcplab/synpkt.h"

static const uint8_t old_mac[6] = { 0x02, 0x00, 0x0a, 0xe9, 0x00, 0x03 };

static void send_to(int s, int ifindex, uint16_t proto, const uint8_t *mac, const void *b,
		    size_t n)
{
	struct sockaddr_ll to;

	memset(&to, 0, sizeof to);
	to.sll_family = AF_PACKET;
	to.sll_ifindex = ifindex;
	to.sll_protocol = htons(proto);
	to.sll_halen = 6;
	memcpy(to.sll_addr, mac, 6);
	sendto(s, b, n, 0, (struct sockaddr *)&to, sizeof to);
}

/* An ARP request for the old address: the reply with the made-up MAC. */
static void on_arp(int s, int ifindex, const uint8_t *p, size_t n, uint32_t old)
{
	uint8_t r[28];

	if (n < 28 || p[6] != 0 || p[7] != 1 || memcmp(p + 24, &old, 4) != 0)
		return;
	memcpy(r, p, 6);                /* htype, ptype */
	r[6] = 0;
	r[7] = 2;                       /* reply */
	memcpy(r + 8, old_mac, 6);
	memcpy(r + 14, &old, 4);
	memcpy(r + 18, p + 8, 10);      /* to the asker's MAC and address */
	send_to(s, ifindex, ETH_P_ARP, p + 8, r, sizeof r);
}

/* A SYN to the old address: the SYN-ACK with the next predictable ISN. */
static void on_ip(int s, int ifindex, const uint8_t *mac, const uint8_t *p, size_t n,
		  uint32_t old, struct tl_oldisn *o)
{
	size_t ihl = (size_t)(p[0] & 15) * 4;
	uint8_t b[TL_SYNPKT_LEN];

	if (n < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP || memcmp(p + 16, &old, 4) != 0 ||
	    n < ihl + 20)
		return;
	const uint8_t *t = p + ihl;

	if ((t[13] & 0x17) != 0x02) /* a SYN alone */
		return;
	uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
	uint32_t src;
	uint16_t sport = (uint16_t)(t[0] << 8 | t[1]), dport = (uint16_t)(t[2] << 8 | t[3]);

	memcpy(&src, p + 12, 4);
	tl_synackpkt(b, old, src, dport, sport, TL_OLD_ISN0 + o->answered * 128000u, seq + 1,
		     (uint16_t)o->answered);
	o->answered++;
	send_to(s, ifindex, ETH_P_IP, mac, b, sizeof b);
}

int tl_oldisn_responder(void *arg)
{
	struct tl_oldisn *o = arg;
	int s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	int ifindex = (int)if_nametoindex(TL_RCV_IF);
	struct sockaddr_ll a;
	uint32_t old;
	int64_t end = tl_now_us() + 60 * 1000000LL;

	if (s < 0 || !ifindex)
		return 1;
	inet_pton(AF_INET, TL_OLD_ADDR, &old);
	memset(&a, 0, sizeof a);
	a.sll_family = AF_PACKET;
	a.sll_protocol = htons(ETH_P_ALL);
	a.sll_ifindex = ifindex;
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0)
		return 1;
	o->ready = 1;
	while (!o->stop && tl_now_us() < end) {
		struct pollfd p = { s, POLLIN, 0 };
		uint8_t buf[2048];
		struct sockaddr_ll from;
		socklen_t fl = sizeof from;

		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);

		if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING || from.sll_halen != 6)
			continue;
		if (ntohs(from.sll_protocol) == ETH_P_ARP)
			on_arp(s, ifindex, buf, (size_t)n, old);
		else if (ntohs(from.sll_protocol) == ETH_P_IP)
			on_ip(s, ifindex, from.sll_addr, buf, (size_t)n, old, o);
	}
	close(s);
	return 0;
}

/* One connection to the old address; its source port, or 0. */
static uint16_t connect_old(void)
{
	struct sockaddr_in a;
	struct linger lg = { 1, 0 };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	uint16_t port = 0;

	if (s < 0)
		return 0;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(TL_PORT);
	inet_pton(AF_INET, TL_OLD_ADDR, &a.sin_addr);
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0 || errno == EINPROGRESS) {
		struct pollfd p = { s, POLLOUT, 0 };
		int err = 0;
		socklen_t el = sizeof err;

		if (poll(&p, 1, 3000) == 1 && getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) == 0 &&
		    err == 0)
			port = tl_local_port(s);
	}
	/* no FIN the responder would have to answer: a reset ends it */
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(s);
	return port;
}

int tl_oldisn_client(void *arg)
{
	struct tl_oldisn *o = arg;

	for (int i = 0; i < o->n && i < TL_OLD_MAX; i++) {
		uint16_t port = connect_old();

		if (!port)
			return 1;
		o->ports[o->made++] = port;
	}
	return 0;
}
