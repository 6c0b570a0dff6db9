/* libFuzzer harness for the UDP chat's datagram parser (chatwire/chatproto):
 * any bytes must parse or fail cleanly, and whatever parses must build back
 * into a datagram that parses to the same messages. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chatwire/chatproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chat_dgram d, again;
	struct chat_builder b;

	if (chatwire_dgram_parse(data, size, &d) != CHAT_OK)
		return 0;
	chatwire_builder_start(&b, d.has_token, d.token, d.ack);
	for (unsigned i = 0; i < d.n; i++)
		if (!chatwire_builder_add(&b, d.msgs[i].seq, d.msgs[i].line, d.msgs[i].len))
			return 0; /* a canonical rewrite may be longer (never here: same text) */
	if (chatwire_dgram_parse(b.buf, b.len, &again) != CHAT_OK || again.n != d.n ||
	    again.ack != d.ack || again.token != d.token)
		abort();
	for (unsigned i = 0; i < d.n; i++)
		if (again.msgs[i].seq != d.msgs[i].seq || again.msgs[i].len != d.msgs[i].len ||
		    memcmp(again.msgs[i].line, d.msgs[i].line, d.msgs[i].len) != 0)
			abort();
	return 0;
}
