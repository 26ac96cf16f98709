/* main.c: the table of commands and the dispatch: 'metak COMMAND ...'
 * parses the command's options (options.c, from the table in opttable.c)
 * and hands them to its runner (cmd_*.c), whose status it returns. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

static const struct command commands[] = {
	{ "pool", CMD_POOL, cmd_pool, "pool the studies of a CSV file",
	  "pool FILE [options]",
	  "Pools the studies in FILE (CSV; '-' reads standard input); see "
	  "metak(5).\n",
	  "Exit status: 0 success, 1 bad data or an analysis that cannot be "
	  "done,\n2 bad usage.\n", 0 },
	{ "bias", CMD_BIAS, cmd_bias,
	  "small-study effects: Egger, Begg, trim and fill",
	  "bias FILE [options]",
	  "Small-study effects for the fit 'metak pool' makes with the same "
	  "options:\nEgger's regression test, Begg and Mazumdar's rank "
	  "correlation, and\nDuval and Tweedie's trim and fill.\n",
	  "Exit status: 0 success, 1 bad data or an analysis that cannot be "
	  "done,\n2 bad usage.\n", 0 },
	{ "check", CMD_CHECK, cmd_check,
	  "does a published pooled result reproduce?",
	  "check [FILE] --measure M --estimate X --ci-low L --ci-high H\n"
	  "                   [options]",
	  "Checks a published pooled result. X, L and H are as printed "
	  "(natural\nscale, e.g. an odds ratio); the decimals printed are the "
	  "precision\nmatched. With FILE (trial data), every applicable "
	  "method, interval and\ncontinuity correction is tried and each that "
	  "reproduces the claim is\nlisted; --method (with --ci, --cc, "
	  "--cc-to) tries only that one.\nWithout FILE, checks the claim's "
	  "internal consistency.\n",
	  "Exit status: 0 reproduced (or consistent), 3 not, 1 bad data, 2 "
	  "usage.\n", 1 },
	{ "network", CMD_NETWORK, cmd_network,
	  "network meta-analysis: every treatment against every other",
	  "network FILE [options]",
	  "Network meta-analysis of the trials in FILE (CSV; '-' reads "
	  "standard input),\none row per arm (study, treatment, events, n or "
	  "mean, sd, n) or one row\nper contrast (study, treat1, treat2, yi, "
	  "vi or sei); see metak(5). Every\ntreatment against the reference, "
	  "the league table of all pairs, P-scores,\nheterogeneity and "
	  "inconsistency (between designs; direct against indirect).\n",
	  "Exit status: 0 success, 1 bad data (a disconnected network, a study "
	  "with one\narm, ...), 2 bad usage.\n", 0 },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
main_help(FILE *fp)
{
	fprintf(fp, "usage: metak COMMAND FILE [options]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\n'metak COMMAND --help' lists a command's options; "
	    "see also metak(1), metak(5).\n");
}

int
main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_help(stdout);
		return fflush(stdout) == 0 ? 0 : EXIT_DATA;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("metak %s\n", MK_VERSION);
		return fflush(stdout) == 0 ? 0 : EXIT_DATA;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		struct cli c;
		int rc = 0, st;
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		st = cli_parse(argc - 1, argv + 1, &commands[i], &c, &rc);
		if (st < 0)
			return rc;	/* --help was printed */
		if (st > 0)
			return st;
		return commands[i].run(&c);
	}
	usage_error("unknown command \"%s\"", argv[1]);
	return EXIT_USAGE;
}
