/* UDP probe payloads per port. */
#include "scan/payload.h"

#include <stddef.h>

/* seed 000 §5.3 tested the echo services with "Hello World!". */
static const uint8_t hello[] = "Hello World!\r\n";

/* A DNS query for the root's NS records, recursion not desired: every name
 * server answers it (an answer, a referral or REFUSED), none recurses. */
static const uint8_t dns_query[] = {
	0x53, 0x4c,             /* id "SL" */
	0x00, 0x00,             /* a standard query, RD off */
	0x00, 0x01, 0x00, 0x00, /* 1 question, 0 answers */
	0x00, 0x00, 0x00, 0x00, /* 0 authority, 0 additional */
	0x00,                   /* the root name */
	0x00, 0x02, 0x00, 0x01, /* type NS, class IN */
};

/* An NTP version 4 client request (RFC 5905): LI 3 (unsynchronised),
 * VN 4, mode 3; the rest zero. */
static const uint8_t ntp_request[48] = { 0xe3 };

static const uint8_t empty[1] = { 0 };

static const struct scan_payload payloads[] = {
	{ 7, "echo", hello, sizeof(hello) - 1 },
	{ 9, "discard", empty, 0 },
	{ 13, "daytime", empty, 0 },
	{ 17, "qotd", empty, 0 },
	{ 19, "chargen", empty, 0 },
	{ 37, "time", empty, 0 },
	{ 53, "dns", dns_query, sizeof(dns_query) },
	{ 123, "ntp", ntp_request, sizeof(ntp_request) },
	{ 5353, "mdns", dns_query, sizeof(dns_query) },
};

static const struct scan_payload empty_probe = { 0, "empty", empty, 0 };

const struct scan_payload *scan_payload_for(uint16_t port)
{
	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
		if (payloads[i].port == port)
			return &payloads[i];
	return &empty_probe;
}

const struct scan_payload *scan_payload_table(size_t *n)
{
	*n = sizeof(payloads) / sizeof(payloads[0]);
	return payloads;
}

const uint8_t scan_nudge[] = "Hello World!\r\n";
const size_t scan_nudge_len = sizeof(scan_nudge) - 1;
