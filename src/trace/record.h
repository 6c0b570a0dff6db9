/* The log the preload library (libsocklab-trace.so) writes and trace reads:
 * one text line per event, each written with a single write(2) to a file
 * opened O_APPEND, so the lines of many processes and threads never mix.
 *
 *   H <pid> <ppid> <t_ns> exe=<path> argv=<a0>,<a1>,...      process start
 *   E <pid> <tid> <name> <fd> <t_enter_ns>                  blocking call entered
 *   X <pid> <tid> <name> <fd> <t_enter_ns> <t_exit_ns> <ret> <errno> [key=value ...]
 *
 * Times are CLOCK_REALTIME nanoseconds, the clock the kernel stamps captured
 * packets with, in [0, TR_TIME_MAX] (model.h); numbers are plain decimal,
 * and one outside its field's range makes the line bad (calllog.c). <fd> is -1 for calls without one (select, poll). <errno> is 0
 * when the call succeeded. Values never hold spaces, commas inside argv
 * elements or bytes outside 0x21..0x7e: those are written as %XX.
 *
 * A list value (rd=, wr=, fds=, ready=) that does not fit in a record ends
 * in ",..." after the items that fit ("..." when none did): a reader knows
 * it was cut (tr_args.ready_cut).
 *
 * E lines are written only for the calls that can wait for the network
 * (TRACE_BLOCKING_CALLS); an E without its X is a call that never returned.
 *
 * Argument keys (X lines):
 *   every call on a socket: sock=stream|dgram|seqpacket|raw fam=inet|inet6|unix
 *     local=ADDR peer=ADDR tcp=STATE (after the call; close: before it).
 *     ADDR is 127.0.0.1:6666 or [::1]:6666; STATE is the kernel's tcpi_state
 *     spelled as in TR_TCP_STATE_NAMES (SYN_SENT, ESTABLISHED, ...).
 *   socket      dom=AF_INET type=SOCK_STREAM[|SOCK_NONBLOCK|SOCK_CLOEXEC] proto=0
 *   bind, connect  addr=ADDR
 *   listen      backlog=N
 *   accept, accept4  addr=ADDR (the peer) flags=SOCK_CLOEXEC|...; fd is the
 *               listening socket, ret the new one, local= the new one's
 *   send, sendto, sendmsg, write, writev  len=N (bytes offered) flags=MSG_...
 *               addr=ADDR (sendto/sendmsg with a destination)
 *   recv, recvfrom, recvmsg, read, readv  len=N (buffer size) flags=MSG_...
 *               addr=ADDR (recvfrom/recvmsg: the source)
 *   sendmmsg, recvmmsg  vlen=N (offered); ret is messages, bytes=N their sum
 *   sendfile    len=N in=FD (fd is the socket)
 *   splice      len=N dir=out|in (fd is the socket end)
 *   shutdown    how=SHUT_RD|SHUT_WR|SHUT_RDWR
 *   close       unread=N (bytes the application never read; >0 means RST)
 *               linger=N (SO_LINGER on with N seconds)
 *   setsockopt  level=SOL_SOCKET|IPPROTO_TCP|... opt=SO_REUSEADDR|... val=N
 *               (val only for an int-sized option)
 *   getsockname, getpeername  addr=ADDR
 *   every call of a Python program (preload/python.c), where the user's
 *               code made it: src=FILE:LINE:FUNC (FILE absolute; FILE may
 *               hold ':', so LINE and FUNC are the last two fields) and
 *               pyat=FRAME:LASTI (the frame object's address and the
 *               bytecode offset: equal on the kernel calls of one
 *               script-level call, such as sendall's sends)
 *   select      nfds=N timeout=S.mmm|none rd=3,4 wr=5 ready=3
 *   poll, ppoll fds=3:IN,4:OUT timeout=MS|none ready=3:IN
 *   epoll_wait  maxevents=N timeout=MS|none (fd is the epoll fd)
 *
 * The place in the program that made the call (every X line; last, so it
 * gets what room the line has left, and cut like the lists above):
 *   pc=MODULE:0xVADDR,...  the native call stack's return addresses,
 *               innermost first, at most 8, the library's own frames left
 *               out. MODULE is the absolute path of the ELF file (program
 *               or shared library) the address lies in, %XX-escaped like
 *               any value; VADDR is the address as that file numbers it
 *               (addr2line -e MODULE takes it): the run-time address minus
 *               the load bias (l_addr), which is 0 for a non-PIE program.
 *               A return address points past its call instruction: the
 *               call's own line is the one of VADDR-1. The frame a signal
 *               interrupted is written as one past its instruction, so
 *               the same holds for it.
 */
#ifndef SOCKLAB_TRACE_RECORD_H
#define SOCKLAB_TRACE_RECORD_H

/* The environment the tracer hands to traced programs. */
#define TRACE_ENV_LOG "SOCKLAB_TRACE_LOG"   /* path of the log file */
#define TRACE_LIB_NAME "libsocklab-trace.so"

/* One record line at most; longer values are cut. */
#define TRACE_RECORD_MAX 2048

/* Calls that write an E line before they may block. */
#define TRACE_BLOCKING_CALLS                                                          \
	"accept", "accept4", "connect", "recv", "recvfrom", "recvmsg", "recvmmsg", "read", \
		"readv", "select", "poll", "ppoll", "epoll_wait"

#endif
