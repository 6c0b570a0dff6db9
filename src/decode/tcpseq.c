/* The conversation table behind tcpdump's relative sequence numbers. */
#include "decode/tcpseq.h"

#include <stdlib.h>
#include <string.h>

#define SEQ_BUCKETS 4096
#define SEQ_MAX (1u << 20) /* conversations remembered; beyond: absolute */

struct seq_key {
	uint8_t src[16], dst[16];
	uint32_t ports;
	uint8_t version;
};

struct seq_entry {
	struct seq_entry *next;
	struct seq_key key;
	uint32_t seq, ack;
};

struct dec_tcpseq {
	struct seq_entry *b[SEQ_BUCKETS];
	size_t n;
};

struct dec_tcpseq *dec_tcpseq_new(void)
{
	return calloc(1, sizeof(struct dec_tcpseq));
}

void dec_tcpseq_free(struct dec_tcpseq *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < SEQ_BUCKETS; i++) {
		struct seq_entry *e = t->b[i], *n;
		for (; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	free(t);
}

/* One key for both directions: the lower port first (addresses break a
 * tie); rev says the segment runs the other way. */
static bool seq_key(const struct ip_hdr *ip, const struct tcp_hdr *tcp, struct seq_key *k)
{
	size_t alen = ip->version == 6 ? 16 : 4;
	bool rev = tcp->sport > tcp->dport ||
		   (tcp->sport == tcp->dport && memcmp(ip->src, ip->dst, alen) > 0);

	memset(k, 0, sizeof(*k));
	k->version = ip->version;
	memcpy(k->src, rev ? ip->dst : ip->src, alen);
	memcpy(k->dst, rev ? ip->src : ip->dst, alen);
	k->ports = rev ? (uint32_t)tcp->dport << 16 | tcp->sport : (uint32_t)tcp->sport << 16 | tcp->dport;
	return rev;
}

static uint32_t seq_hash(const struct seq_key *k)
{
	uint32_t h = k->ports * 2654435761u;
	for (size_t i = 0; i < 16; i++)
		h = (h ^ k->src[i] ^ (uint32_t)k->dst[i] << 8) * 16777619u;
	return h % SEQ_BUCKETS;
}

void dec_tcpseq_map(struct dec_tcpseq *t, const struct ip_hdr *ip, const struct tcp_hdr *tcp,
		    struct dec_seqrel *out)
{
	struct seq_key k;

	out->seq = tcp->seq;
	out->ack = tcp->ack;
	out->rel = false;
	out->sack_base = 0;
	if (!t || !(tcp->flags & TCP_ACK))
		return;
	bool rev = seq_key(ip, tcp, &k);
	struct seq_entry **head = &t->b[seq_hash(&k)], *e = *head;
	while (e && memcmp(&e->key, &k, sizeof(k)))
		e = e->next;
	if (!e || (tcp->flags & TCP_SYN)) {
		/* A new conversation (or a new handshake on the same one):
		 * this segment's numbers are the bases, printed as they are. */
		if (!e) {
			if (t->n >= SEQ_MAX || !(e = calloc(1, sizeof(*e))))
				return;
			e->key = k;
			e->next = *head;
			*head = e;
			t->n++;
		}
		if (rev) {
			e->ack = tcp->seq;
			e->seq = tcp->ack - 1;
		} else {
			e->seq = tcp->seq;
			e->ack = tcp->ack - 1;
		}
	} else {
		out->seq = tcp->seq - (rev ? e->ack : e->seq);
		out->ack = tcp->ack - (rev ? e->seq : e->ack);
	}
	out->rel = true;
	out->sack_base = rev ? e->seq : e->ack;
}
