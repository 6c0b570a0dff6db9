/* One socklab chat session on a libevent loop: the listener until the peer
 * comes, the hellos, then lines between the socket and the person until
 * either side leaves or the connection breaks. Every queue is bounded. */
#ifndef SOCKLAB_CHAT_SESSION_H
#define SOCKLAB_CHAT_SESSION_H

#include "chat/options.h"

/* Bytes owed to a peer that does not read; one more line ends the session. */
#define CHAT_TCP_OUTQ_MAX (256 * 1024)
/* From the connection to the peer's hello. */
#define CHAT_TCP_HELLO_TIMEOUT_MS 10000
/* After leaving, or after the peer left: to send what is still owed and
 * have it acknowledged ... */
#define CHAT_TCP_DRAIN_TIMEOUT_MS 5000
/* ... and after our FIN, to see the peer's: closing while the peer still
 * sends would answer with a reset, and its last lines would be lost. At
 * most this long without a byte from the peer, and the max in all. */
#define CHAT_TCP_LINGER_MS 2000
#define CHAT_TCP_LINGER_MAX_MS 10000
/* How often the last acknowledgement is looked for once both FINs are through. */
#define CHAT_TCP_ACK_POLL_MS 10
#define CHAT_TCP_MSG_MAX 512

/* Chats over fd (a connected socket, taken over), or with fd < 0 listens
 * on cfg->port for one peer first. Returns the exit status: 0 when either
 * side left and every line arrived, 1 when the session could not start or
 * broke, or lines were not delivered. */
int chat_tcp_run(const struct chat_tcp_config *cfg, int fd);

#endif
