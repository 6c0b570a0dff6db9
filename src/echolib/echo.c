/* Echo semantics on top of struct conn. */
#include "echolib/echo.h"

#include <errno.h>

bool echo_on_data(struct conn *c, uint8_t *data, size_t n)
{
	if (c->ops->transform)
		c->ops->transform(data, n);
	if (conn_send(c, data, n) < 0) {
		conn_end(c, conn_errno_reason(errno));
		return false;
	}
	return true;
}

bool echo_on_eof(struct conn *c)
{
	/* Half-close: what is still owed goes out first (echo_on_drained). */
	if (conn_owed(c) == 0) {
		conn_end(c, "client-closed");
		return false;
	}
	return true;
}

bool echo_on_drained(struct conn *c)
{
	if (c->flags & CONN_F_RD_EOF) {
		conn_end(c, "client-closed");
		return false;
	}
	return true;
}

void echo_upper_ascii(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)(p[i] - 'a') < 26)
			p[i] = (uint8_t)(p[i] - ('a' - 'A'));
}
