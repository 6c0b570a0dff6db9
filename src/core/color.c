/* --color's words and the decision to colour. */
#include "core/color.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int color_parse(const char *when, enum color_mode *out)
{
	static const struct {
		const char *word;
		enum color_mode mode;
	} words[] = {
		{ "auto", COLOR_AUTO },     { "tty", COLOR_AUTO },    { "if-tty", COLOR_AUTO },
		{ "always", COLOR_ALWAYS }, { "yes", COLOR_ALWAYS },  { "force", COLOR_ALWAYS },
		{ "never", COLOR_NEVER },   { "no", COLOR_NEVER },    { "none", COLOR_NEVER },
	};

	if (!when) {
		*out = COLOR_ALWAYS;
		return 0;
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(when, words[i].word) == 0) {
			*out = words[i].mode;
			return 0;
		}
	return -1;
}

bool color_use(enum color_mode m, int fd)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (m != COLOR_AUTO)
		return m == COLOR_ALWAYS;
	if (no && *no)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd) == 1;
}
