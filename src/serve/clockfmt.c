/* daytime and time answers; pure functions of the time passed in. */
#include "serve/clockfmt.h"

#include <stdio.h>
#include <string.h>

size_t serve_daytime_format(char *buf, size_t n, time_t t, const char *fmt)
{
	struct tm tm;
	size_t len;

	if (!localtime_r(&t, &tm))
		return 0;
	/* ctime()'s form, spelled out so that the C locale is not assumed. */
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	if (!fmt) {
		int k = snprintf(buf, n, "%.3s %.3s%3d %.2d:%.2d:%.2d %d\r\n",
				 days[tm.tm_wday % 7], months[tm.tm_mon % 12], tm.tm_mday,
				 tm.tm_hour, tm.tm_min, tm.tm_sec, 1900 + tm.tm_year);
		return (k < 0 || (size_t)k >= n) ? 0 : (size_t)k;
	}
	if (n < 3)
		return 0;
	/* The format is the user's --daytime-format, by design. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	len = strftime(buf, n - 2, fmt, &tm);
#pragma GCC diagnostic pop
	if (len == 0 && fmt[0] != '\0')
		return 0;
	memcpy(buf + len, "\r\n", 3);
	return len + 2;
}

void serve_time_rfc868(uint8_t out[4], time_t t)
{
	uint32_t v = (uint32_t)((uint64_t)t + RFC868_EPOCH_OFFSET);

	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}
