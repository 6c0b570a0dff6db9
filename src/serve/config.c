/* Configuration checks: pure, so every rule has a unit test. */
#include "serve/config.h"

#include <stdio.h>
#include <string.h>

#include "core/opt.h"
#include "guard/srcbudget.h"

void serve_config_defaults(struct serve_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_UNSPEC;
	for (int i = 0; i < SVC_COUNT; i++)
		cfg->port_set[i] = -1;
	cfg->tcp = cfg->udp = true;
	cfg->idle_ms = SERVE_IDLE_DEFAULT_MS;
	cfg->udp_rate = SERVE_UDP_RATE_DEFAULT;
	cfg->high_water = SERVE_HIGH_WATER_DEFAULT;
	cfg->amp_factor_milli = SRCBUDGET_FACTOR_DEFAULT;
	cfg->amp_credit = SRCBUDGET_CREDIT_DEFAULT;
	cfg->udp_peer_rate = SRCBUDGET_PEER_RATE_DEFAULT;
	cfg->sndbuf = SERVE_SNDBUF_DEFAULT;
	cfg->rcvbuf = SERVE_RCVBUF_DEFAULT;
}

static const char *serve_names_list(void)
{
	return "echo, discard, daytime, qotd, chargen, time, upper";
}

int serve_config_set_service(struct serve_config *cfg, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *why;
	uint16_t port;

	if (!eq) {
		snprintf(err, errlen, "--service %s: expected NAME=PORT", arg);
		return -1;
	}
	int svc = serve_service_by_name(arg, (size_t)(eq - arg));
	if (svc < 0) {
		snprintf(err, errlen, "--service %s: unknown service '%.*s' (known: %s)", arg,
			 (int)(eq - arg), arg, serve_names_list());
		return -1;
	}
	if (opt_parse_port(eq + 1, &port, &why) < 0) {
		snprintf(err, errlen, "--service %s: %s", arg, why);
		return -1;
	}
	cfg->port_set[svc] = port;
	return 0;
}

int serve_config_set_only(struct serve_config *cfg, const char *arg, char *err, size_t errlen)
{
	const char *p = arg;

	memset(cfg->only, 0, sizeof(cfg->only));
	cfg->only_given = true;
	for (;;) {
		size_t n = strcspn(p, ",");
		int svc = serve_service_by_name(p, n);
		if (svc < 0) {
			snprintf(err, errlen, "--only: unknown service '%.*s' (known: %s)", (int)n, p,
				 serve_names_list());
			return -1;
		}
		cfg->only[svc] = true;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

int serve_config_add_bind(struct serve_config *cfg, const char *arg, char *err, size_t errlen)
{
	return addr_list_add(cfg->binds, &cfg->nbinds, SERVE_MAX_BINDS, arg, err, errlen);
}

bool serve_config_enabled(const struct serve_config *cfg, enum service_id svc)
{
	return !cfg->only_given || cfg->only[svc];
}

int serve_config_port(const struct serve_config *cfg, enum service_id svc, uint16_t *port,
		      char *err, size_t errlen)
{
	if (cfg->port_set[svc] >= 0) {
		*port = (uint16_t)cfg->port_set[svc];
		return 0;
	}
	uint32_t p = serve_service_info(svc)->port + cfg->port_offset;
	if (p > 65535) {
		snprintf(err, errlen, "%s: port %u + --port-offset %u is above 65535",
			 serve_service_name(svc), serve_service_info(svc)->port, cfg->port_offset);
		return -1;
	}
	*port = (uint16_t)p;
	return 0;
}

int serve_config_check(const struct serve_config *cfg, char *err, size_t errlen)
{
	uint16_t ports[SVC_COUNT];
	bool any = false;

	if (!cfg->tcp && !cfg->udp) {
		snprintf(err, errlen, "cannot use --tcp-only with --udp-only");
		return -1;
	}
	if (cfg->quiet && cfg->verbose) {
		snprintf(err, errlen, "cannot use --quiet with --verbose");
		return -1;
	}
	if (addr_list_check_family(cfg->binds, cfg->nbinds, cfg->family, err, errlen) < 0)
		return -1;
	for (int s = 0; s < SVC_COUNT; s++) {
		if (!serve_config_enabled(cfg, s)) {
			if (cfg->port_set[s] >= 0) {
				snprintf(err, errlen, "--service %s=%d: %s is not in --only", serve_service_name(s),
					 cfg->port_set[s], serve_service_name(s));
				return -1;
			}
			continue;
		}
		any = true;
		if (serve_config_port(cfg, s, &ports[s], err, errlen) < 0)
			return -1;
		if (ports[s] == 0)
			continue;
		for (int t = 0; t < s; t++) {
			if (serve_config_enabled(cfg, t) && ports[t] == ports[s]) {
				snprintf(err, errlen, "%s and %s would share port %u", serve_service_name(t),
					 serve_service_name(s), ports[s]);
				return -1;
			}
		}
	}
	if (!any) {
		snprintf(err, errlen, "no service to run");
		return -1;
	}
	return 0;
}
