/* An input line's way: blank, refused for a control character, a $
 * command (commands.c), a / command (slash.c), or text. */
#include "chat_client/commands.h"

#include <stdio.h>
#include <string.h>

#include "chat_client/slash.h"

static bool parse_is_space(char c)
{
	return c == ' ' || c == '\t';
}

void chatcli_cmd_parse(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out)
{
	memset(out, 0, sizeof(*out));
	if (n > 0 && s[n - 1] == '\r')
		n--;
	size_t blank = 0;
	while (blank < n && parse_is_space(s[blank]))
		blank++;
	if (blank == n) {
		out->kind = CHATCLI_CMD_NONE;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			out->kind = CHATCLI_CMD_ERROR;
			snprintf(out->text, sizeof(out->text),
				 "line has a control character (0x%02x) at byte %zu: not sent", c, i + 1);
			return;
		}
	}
	bool doubled = n > 1 && s[1] == s[0];
	if (s[0] == '$' && !doubled) {
		chatcli_cmd_dollar_line(s, n, t, out);
		return;
	}
	if (s[0] == '/' && !doubled) {
		chatcli_cmd_slash(s, n, t, out);
		return;
	}
	if (s[0] == '$' || s[0] == '/') { /* "$$..." and "//..." are text starting with one */
		s++;
		n--;
	}
	chatcli_cmd_text(s, n, t, out);
}
