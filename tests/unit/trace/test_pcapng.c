/* Unit tests for trace/pcapng: the blocks of a pcapng file (section header,
 * one interface with nanosecond stamps, an enhanced packet block per packet
 * with its comment), each padded to 32 bits and closed by its length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trace/pcapng.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_blocks(void **state)
{
	uint8_t frame[61];
	struct tr_packet pk;
	struct trace t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	memset(frame, 0xab, sizeof frame);
	memset(&pk, 0, sizeof pk);
	memset(&t, 0, sizeof t);
	pk.no = 1;
	pk.ts = 1700000000123456789LL;
	pk.proto = 6;
	pk.frame = frame;
	pk.caplen = pk.wirelen = sizeof frame;
	pk.cause = TR_CAUSE_KERNEL;
	pk.why = "ACK";
	t.packets = &pk;
	t.npackets = 1;
	t.dlt = 1;
	assert_non_null(f);
	assert_int_equal(tr_pcapng_write(&t, f), 0);
	fclose(f);

	const uint8_t *p = (const uint8_t *)buf;
	size_t at = 0;
	uint32_t types[3];
	for (int b = 0; b < 3; b++) {
		assert_true(at + 12 <= len);
		uint32_t blen = le32(p + at + 4);
		assert_int_equal(blen % 4, 0);
		assert_true(at + blen <= len);
		assert_int_equal(le32(p + at + blen - 4), blen); /* closed by its length */
		types[b] = le32(p + at);
		if (b == 0)
			assert_int_equal(le32(p + at + 8), 0x1A2B3C4D);
		if (b == 1) {
			assert_int_equal(p[at + 8], 1);           /* DLT_EN10MB */
			assert_int_equal(p[at + 16], 9);          /* if_tsresol */
			assert_int_equal(p[at + 20], 9);          /* 10^-9 s */
		}
		if (b == 2) {
			uint64_t ts = (uint64_t)le32(p + at + 12) << 32 | le32(p + at + 16);
			assert_true(ts == 1700000000123456789ULL);
			assert_int_equal(le32(p + at + 20), sizeof frame);
			assert_memory_equal(p + at + 28, frame, sizeof frame);
			const uint8_t *o = p + at + 28 + 64; /* 61 bytes padded to 64 */
			assert_int_equal(o[0] | o[1] << 8, 1); /* opt_comment */
			size_t clen = (size_t)(o[2] | o[3] << 8);
			char want[256];
			tr_pcapng_comment(&t, &pk, want, sizeof want);
			assert_int_equal(clen, strlen(want));
			assert_memory_equal(o + 4, want, clen);
			assert_true(strncmp(want, "[1] ", 4) == 0);
		}
		at += blen;
	}
	assert_int_equal(at, len);
	assert_int_equal(types[0], 0x0A0D0D0A);
	assert_int_equal(types[1], 1);
	assert_int_equal(types[2], 6);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
