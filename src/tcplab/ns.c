/* Namespaces by name, sysctls and offloads in them, iproute2 runs (see ns.h). */
#include "tcplab/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

static int home_fd = -1;

int tl_ns_init(void)
{
	if (home_fd >= 0)
		return 0;
	home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_fd < 0) {
		log_error_errno(errno, "cannot open /proc/self/ns/net");
		return -1;
	}
	return 0;
}

int tl_ns_enter(const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		log_error_errno(errno, "cannot open %s", path);
		return -1;
	}
	int rc = setns(fd, CLONE_NEWNET);

	if (rc < 0)
		log_error_errno(errno, "cannot enter the namespace %s", name);
	close(fd);
	return rc;
}

int tl_ns_home(void)
{
	if (setns(home_fd, CLONE_NEWNET) < 0) {
		log_error_errno(errno, "cannot go back to the first network namespace");
		return -1;
	}
	return 0;
}

int tl_ns_sysctl(const char *ns, const char *key, const char *value)
{
	char path[256];
	int rc = -1;

	snprintf(path, sizeof path, "/proc/sys/%s", key);
	for (char *p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	if (tl_ns_enter(ns) < 0)
		return -1;
	/* /proc/sys/net follows the namespace of the process that opens it */
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		log_error_errno(errno, "cannot set %s in %s", key, ns);
	} else {
		size_t len = strlen(value);

		if (write(fd, value, len) == (ssize_t)len)
			rc = 0;
		else
			log_error_errno(errno, "cannot set %s=%s in %s", key, value, ns);
		close(fd);
	}
	if (tl_ns_home() < 0)
		return -1;
	return rc;
}

/* One legacy ethtool feature switch: ETHTOOL_S* with value 0. */
static int feature_off(int s, const char *ifname, uint32_t cmd)
{
	struct ethtool_value ev = { .cmd = cmd, .data = 0 };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	return ioctl(s, SIOCETHTOOL, &ifr);
}

int tl_ns_no_offload(const char *ns, const char *ifname)
{
	static const uint32_t cmds[] = { ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO,
					 ETHTOOL_STXCSUM, ETHTOOL_SSG };
	int rc = 0;

	if (tl_ns_enter(ns) < 0)
		return -1;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0) {
		rc = -1;
	} else {
		for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			if (feature_off(s, ifname, cmds[i]) < 0 && errno != EOPNOTSUPP) {
				log_error_errno(errno, "cannot switch offloads off on %s", ifname);
				rc = -1;
			}
		close(s);
	}
	if (tl_ns_home() < 0)
		return -1;
	return rc;
}

int tl_run(char *const argv[], bool quiet)
{
	pid_t pid = fork();

	if (pid < 0) {
		log_error_errno(errno, "cannot fork");
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			if (quiet)
				dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < 1000; i++) { /* 10 s */
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (w < 0 && errno != EINTR)
			return -1;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	log_error("%s took longer than 10 s and was stopped", argv[0]);
	return -1;
}
