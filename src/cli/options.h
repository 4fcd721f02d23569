/*
 * options — the command line (CONTRACT.md "Invocation") into settings.
 *
 * Options are a table; each takes "--name VALUE" or "--name=VALUE". Every
 * option value is validated here. A usage problem (unknown option, missing
 * or bad value) is printed with a hint at --help and gives exit status 2.
 */
#ifndef AGENTENV_OPTIONS_H
#define AGENTENV_OPTIONS_H

#include "sandbox.h"

/* What main() does after options_parse(). */
enum options_result {
	OPTIONS_RUN,		/* go on and post-render */
	OPTIONS_DONE,		/* --help or --version was printed: exit 0 */
	OPTIONS_USAGE,		/* a usage error was printed: exit 2 */
};

/*
 * Parse argv into st (which the caller initialised to zero). The --values
 * file's name is returned in *values_path (NULL when not given); the caller
 * loads it with values_load().
 */
enum options_result options_parse(int argc, char **argv, struct settings *st,
				  const char **values_path);

#endif
