/* A regular file on socklab nc's standard input, sent straight from the page
 * cache: mapped a window at a time and handed to send(2), so it is copied
 * once, by the sender, and the receiver gets bytes that are already in the
 * cache (faster on loopback than sendfile(2), whose pages the receiver must
 * fetch: bench/nc_bulk.sh). A file that grows is sent as it grows, as
 * read(2) would; one that shrinks under us ends with EFAULT, never SIGBUS
 * (only the kernel touches the mapping). */
#ifndef SOCKLAB_NC_INFILE_H
#define SOCKLAB_NC_INFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct nc_infile {
	int fd;
	off_t off;        /* the next byte to send */
	off_t size;       /* the file's size when last looked at */
	uint8_t *map;     /* the mapped window, or NULL */
	off_t map_off;
	size_t map_len;
	bool map_failed;  /* mmap(2) refused the file: read it instead */
};

/* 0, or -1 when the file is better read (size 0: /proc files and the like). */
int nc_infile_open(struct nc_infile *f, int fd);
/* Sends from the current offset: bytes sent, 0 at the end of the file, or -1
 * with errno (EAGAIN: the socket is full; EFAULT: the file shrank; with
 * f->map_failed set: it cannot be mapped, read it from f->off instead). */
ssize_t nc_infile_send(struct nc_infile *f, int sock);
/* Unmaps and leaves the descriptor's offset at the first byte not sent, for
 * whoever reads the file next (nc -k's next peer, the shell, or nc's own
 * read(2) when the file cannot be mapped). Once only; later calls do nothing. */
void nc_infile_close(struct nc_infile *f);

#endif
