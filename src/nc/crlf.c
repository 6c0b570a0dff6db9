/* -C's line-end translation (see crlf.h). */
#include "nc/crlf.h"

size_t nc_crlf_expand(uint8_t *buf, size_t n, bool *last_cr)
{
	size_t add = 0;
	bool cr = *last_cr;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n' && !cr)
			add++;
		cr = buf[i] == '\r';
	}
	if (add > 0) {
		/* from the end, so that nothing is overwritten before it moves */
		size_t o = n + add;

		for (size_t i = n; i-- > 0;) {
			bool before_cr = i > 0 ? buf[i - 1] == '\r' : *last_cr;

			buf[--o] = buf[i];
			if (buf[i] == '\n' && !before_cr)
				buf[--o] = '\r';
		}
	}
	*last_cr = cr;
	return n + add;
}
