/* The chargen stream, built once into a table long enough that any window of
 * CHARGEN_WINDOW bytes starting inside the first period is contiguous. */
#include "serve/chargen.h"

#include <pthread.h>
#include <string.h>

#define CHARGEN_TABLE (CHARGEN_PERIOD + CHARGEN_WINDOW)

static uint8_t chargen_table[CHARGEN_TABLE];
static pthread_once_t chargen_once = PTHREAD_ONCE_INIT;

static void chargen_build(void)
{
	for (size_t i = 0; i < CHARGEN_TABLE; i++) {
		size_t line = (i / (CHARGEN_LINE + 2)) % CHARGEN_RING;
		size_t col = i % (CHARGEN_LINE + 2);
		if (col == CHARGEN_LINE)
			chargen_table[i] = '\r';
		else if (col == CHARGEN_LINE + 1)
			chargen_table[i] = '\n';
		else
			chargen_table[i] = (uint8_t)(' ' + (line + col) % CHARGEN_RING);
	}
}

const uint8_t *serve_chargen_window(uint32_t pos)
{
	pthread_once(&chargen_once, chargen_build);
	return chargen_table + pos % CHARGEN_PERIOD;
}

uint32_t serve_chargen_advance(uint32_t pos, size_t n)
{
	return (uint32_t)((pos + n % CHARGEN_PERIOD) % CHARGEN_PERIOD);
}

void serve_chargen_fill(uint8_t *buf, size_t len, uint32_t *pos)
{
	while (len > 0) {
		size_t n = len < CHARGEN_WINDOW ? len : CHARGEN_WINDOW;
		memcpy(buf, serve_chargen_window(*pos), n);
		*pos = serve_chargen_advance(*pos, n);
		buf += n;
		len -= n;
	}
}
