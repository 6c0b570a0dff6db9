/* Quotes for the qotd service (RFC 865): a built-in list, or a file with one
 * quote per line or in fortune(6) form (quotes between lines holding "%"). */
#ifndef SOCKLAB_SERVE_QOTD_H
#define SOCKLAB_SERVE_QOTD_H

#include <stddef.h>

/* RFC 865: a quote "should be limited to 512 characters". */
#define QOTD_MAX 511
#define QOTD_FILE_MAX (4 * 1024 * 1024)
#define QOTD_ERR_MAX 256

struct quotes {
	char *blob;      /* every quote, CRLF line ends, back to back */
	size_t *off;
	size_t *len;
	size_t n;
};

/* Parses data into q (quotes stored with CRLF line ends). On error returns -1
 * and writes "NAME:LINE: reason" into err; q is left empty. */
int serve_quotes_parse(const char *data, size_t len, const char *name, struct quotes *q,
		 char *err, size_t errlen);
/* Reads and parses a file; the same error form, or "NAME: strerror". */
int serve_quotes_load_file(const char *path, struct quotes *q, char *err, size_t errlen);
int serve_quotes_builtin(struct quotes *q);
void serve_quotes_free(struct quotes *q);

#endif
