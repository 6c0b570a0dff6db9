/* Bytes from a peer made safe to show: text that may be anything (another
 * user's chat line) turned into text that cannot drive a terminal, or into
 * valid UTF-8 for a JSON string. Pure functions over bytes; shared by the
 * TCP chat's display and chat-server's logs (docs/chat.md, "What a peer's
 * line may show"). The escaping is for reading, not reversible: a literal
 * "\x1b" typed by the peer looks the same as an escaped ESC. */
#ifndef SOCKLAB_CORE_TEXTESC_H
#define SOCKLAB_CORE_TEXTESC_H

#include <stddef.h>
#include <stdint.h>

/* Room for the escaped form of n bytes: at most 4 characters per byte
 * ("\x1b"), and the NUL. */
#define TEXTESC_MAX(n) (4 * (n) + 1)

/* For a terminal: printable ASCII and well-formed UTF-8 as they are; tab
 * as "\t"; every other control byte, DEL and each byte of malformed UTF-8
 * as "\xhh"; the C1 controls and the bidirectional overrides and isolates
 * (U+061C, U+200E/F, U+202A-E, U+2066-9) as "\uHHHH". out holds
 * TEXTESC_MAX(n); returns the length written (NUL-terminated). */
size_t textesc_term(const uint8_t *in, size_t n, char *out);

/* For a JSON string (whose encoder escapes what JSON must), the one form
 * every tool uses for bytes that may not be UTF-8 (docs/ARCHITECTURE.md,
 * "JSON output"): well-formed UTF-8 as it is, control characters and tab
 * included; a backslash doubled ("\\"); each byte of malformed UTF-8 as
 * "\xhh". The result is valid UTF-8, and reversible: "\\" is a backslash,
 * "\xhh" the byte hh. out holds TEXTESC_MAX(n); returns the length written
 * (NUL-terminated). */
size_t textesc_utf8(const uint8_t *in, size_t n, char *out);

/* One byte as "\xhh" into out (4 bytes, no NUL); returns 4. */
size_t textesc_hex_byte(uint8_t b, char *out);

/* How many decimal digits v has (1 for 0): the width of a number. */
size_t textesc_digits(uint64_t v);

#endif
