/* socklab chat --json: JSON Lines on standard output instead of the human
 * display (docs/chat.md, "--json"). One object per line sent or received,
 * one per event; every object has "type" and "time". */
#ifndef SOCKLAB_CHAT_REPORT_H
#define SOCKLAB_CHAT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* A new object {"type":type,"time":now}; NULL when memory runs out. */
json_t *chat_json_new(const char *type);
struct sockaddr;
/* o[prefix_addr] and o[prefix_port] of sa; nulls for NULL. */
void chat_json_addr(json_t *o, const char *prefix, const struct sockaddr *sa);
/* The same of fd's end (the peer's or ours); nulls when the socket cannot tell. */
void chat_json_ends(json_t *o, int fd, const char *prefix, int peer);
/* {"type":"listening","addr":..,"port":..} of the listener fd. */
void chat_json_listening(int lfd);
/* {"type":"sent"|"received", "text": the bytes (core/jsontext), "bytes": n},
 * with "from": the peer's name for a received one. */
void chat_json_line(const char *type, const char *from, const uint8_t *line, size_t n);
/* Writes o (NULL: nothing) as one line on stdout; the reference is dropped. */
void chat_json_emit(json_t *o);

#endif
