/* The eBPF backend's process table, and the /proc readers it needs for a
 * process it did not see start (-p PID and its children). */
#include "trace/ebpf_procs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tr_ebpf_proc *tr_ebpf_procs_find(struct tr_ebpf_procs *ps, int32_t pid)
{
	for (size_t i = ps->n; i-- > 0;)
		if (ps->v[i].pid == pid)
			return &ps->v[i];
	return NULL;
}

struct tr_ebpf_proc *tr_ebpf_procs_get(struct tr_ebpf_procs *ps, int32_t pid)
{
	struct tr_ebpf_proc *p = tr_ebpf_procs_find(ps, pid);

	if (p)
		return p;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		struct tr_ebpf_proc *v = realloc(ps->v, cap * sizeof *v);

		if (!v)
			return NULL;
		ps->v = v;
		ps->cap = cap;
	}
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	return p;
}

void tr_ebpf_procs_free(struct tr_ebpf_procs *ps)
{
	free(ps->v);
	memset(ps, 0, sizeof *ps);
}

/* The state letter and ppid of /proc/PID/stat (after the ")" that ends
 * comm). -1 when the process is gone. */
static int stat_read(int32_t pid, char *state, int32_t *ppid)
{
	char path[64], buf[512];
	int fd, pp;
	ssize_t n;
	char *rp;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	rp = strrchr(buf, ')');
	if (!rp || sscanf(rp + 1, " %c %d", state, &pp) != 2)
		return -1;
	*ppid = pp;
	return 0;
}

static int32_t stat_ppid(int32_t pid)
{
	char state;
	int32_t ppid;

	return stat_read(pid, &state, &ppid) < 0 ? -1 : ppid;
}

bool tr_ebpf_procs_running(int32_t pid)
{
	char state;
	int32_t ppid;

	/* a zombie has ended: only its parent's wait is left */
	return stat_read(pid, &state, &ppid) == 0 && state != 'Z' && state != 'X';
}

int tr_ebpf_procs_from_proc(struct tr_ebpf_proc *p)
{
	char path[64];
	ssize_t n;
	int fd;

	if (!tr_ebpf_procs_running(p->pid))
		return -1;
	p->ppid = stat_ppid(p->pid);
	if (p->ppid < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/exe", p->pid);
	n = readlink(path, p->exe, sizeof p->exe - 1);
	p->exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof path, "/proc/%d/cmdline", p->pid);
	p->argv_len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		while (p->argv_len < sizeof p->argv) {
			n = read(fd, p->argv + p->argv_len, sizeof p->argv - p->argv_len);
			if (n <= 0)
				break;
			p->argv_len += (size_t)n;
		}
		close(fd);
	}
	return 0;
}

size_t tr_ebpf_procs_children(int32_t pid, int32_t *pids, size_t max)
{
	struct {
		int32_t pid, ppid;
	} *all = NULL;
	size_t nall = 0, cap = 0, n = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (*end || v <= 0)
			continue;
		if (nall == cap) {
			void *nv = realloc(all, (cap = cap ? cap * 2 : 256) * sizeof *all);

			if (!nv)
				break;
			all = nv;
		}
		all[nall].pid = (int32_t)v;
		all[nall].ppid = stat_ppid((int32_t)v);
		nall++;
	}
	closedir(d);
	/* breadth first: the children of pid, then theirs; pids[] is the queue */
	for (size_t head = 0, hop = 0; hop <= nall; hop++) {
		int32_t parent = hop == 0 ? pid : head < n ? pids[head++] : -1;

		if (parent < 0)
			break;
		for (size_t i = 0; i < nall && n < max; i++)
			if (all[i].ppid == parent)
				pids[n++] = all[i].pid;
	}
	free(all);
	return n;
}

/* The socket inodes among pid's fds ("socket:[INODE]"). */
static size_t socket_inodes(int32_t pid, unsigned long *v, size_t max)
{
	char dir[64], path[320], link[64];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof dir, "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		ssize_t len;

		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		len = readlink(path, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "socket:[%lu]", &v[n]) == 1)
			n++;
	}
	closedir(d);
	return n;
}

size_t tr_ebpf_procs_ports(int32_t pid, uint16_t *ports, size_t max)
{
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp",
					      "/proc/net/udp6" };
	unsigned long inodes[256];
	size_t ni = socket_inodes(pid, inodes, sizeof inodes / sizeof inodes[0]), n = 0;

	for (size_t t = 0; t < sizeof tables / sizeof tables[0] && ni > 0; t++) {
		FILE *f = fopen(tables[t], "re");
		char line[512];

		if (!f)
			continue;
		/* sl local_address rem_address st tx_queue:rx_queue tr:tm->when
		 * retrnsmt uid timeout inode ... */
		while (fgets(line, sizeof line, f) && n < max) {
			char local[64];
			unsigned port;
			unsigned long inode;
			char *colon;

			if (sscanf(line, " %*s %63s %*s %*s %*s %*s %*s %*s %*s %lu", local, &inode) != 2)
				continue;
			colon = strrchr(local, ':');
			if (!colon || sscanf(colon + 1, "%x", &port) != 1 || port == 0)
				continue;
			for (size_t i = 0; i < ni; i++)
				if (inodes[i] == inode)
					ports[n++] = (uint16_t)port;
		}
		fclose(f);
	}
	return n;
}
