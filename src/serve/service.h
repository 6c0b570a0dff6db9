/* The lab server's services: names, RFCs and standard ports. */
#ifndef SOCKLAB_SERVE_SERVICE_H
#define SOCKLAB_SERVE_SERVICE_H

#include <stddef.h>
#include <stdint.h>

enum service_id {
	SVC_ECHO,
	SVC_DISCARD,
	SVC_DAYTIME,
	SVC_QOTD,
	SVC_CHARGEN,
	SVC_TIME,
	SVC_UPPER,
	SVC_COUNT
};

struct service_info {
	const char *name;
	uint16_t port;     /* standard port */
	const char *what;  /* one line for --help */
};

const struct service_info *serve_service_info(enum service_id id);
/* The id for name, or -1. */
int serve_service_by_name(const char *name, size_t len);
const char *serve_service_name(enum service_id id);

#endif
