/* options.c: the command line read through the table of options in
 * opttable.c: getopt_long's array, the "unknown option" and "not an option
 * of" messages, and each command's --help, all derived from that one
 * table; the setters it calls are optset.c's. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cli_given(const struct cli *c, const char *name)
{
	for (size_t i = 0; i < opt_count; i++)
		if (strcmp(opt_table[i].name, name) == 0)
			return c->given[i];
	return 0;
}

/* "unknown option": with the options of cmd that it abbreviates when it
 * abbreviates more than one, else the one nearest to it when one is near
 * ("did you mean --method?"). */
static void
unknown_option(const char *arg, unsigned cmd)
{
	const char *names[MAX_OPTS];
	char word[64], list[512] = "";
	size_t n = 0, len, npre = 0, l = 0;

	len = strcspn(arg + strspn(arg, "-"), "=");
	snprintf(word, sizeof(word), "%.*s", (int)(len < 63 ? len : 63),
	    arg + strspn(arg, "-"));
	for (size_t i = 0; i < opt_count && i < MAX_OPTS; i++) {
		if (!(opt_table[i].cmds & cmd))
			continue;
		names[n++] = opt_table[i].name;
		if (word[0] != '\0' && strncmp(opt_table[i].name, word,
		    strlen(word)) == 0 && l < sizeof(list)) {
			l += (size_t)snprintf(list + l, sizeof(list) - l, "%s--%s",
			    npre ? ", " : "", opt_table[i].name);
			npre++;
		}
	}
	if (npre > 1) {
		usage_error("option \"%s\" is ambiguous: %s", arg, list);
		return;
	}
	const char *near = word[0] ? mk_closest(word, names, n) : NULL;
	if (near != NULL)
		usage_error("unknown option \"%s\"; did you mean --%s?", arg,
		    near);
	else
		usage_error("unknown option \"%s\"", arg);
}

/* ---- --help --------------------------------------------------------- */

#define HELP_COL 22	/* where help text starts */
#define HELP_WIDTH 79

/* Writes text word-wrapped from column `at` (already reached) to
 * HELP_WIDTH, continuation lines indented to HELP_COL; '\n' breaks. */
static void
wrap(FILE *fp, const char *text, int at)
{
	const char *p = text;
	int first = 1;	/* no space before the first word of a line */

	while (*p) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '\n') {
			fprintf(fp, "\n%*s", HELP_COL, "");
			at = HELP_COL;
			first = 1;
			p++;
			continue;
		}
		int w = (int)strcspn(p, " \n");
		if (!first && at + 1 + w > HELP_WIDTH) {
			fprintf(fp, "\n%*s", HELP_COL, "");
			at = HELP_COL;
			first = 1;
		}
		if (!first) {
			fputc(' ', fp);
			at++;
		}
		fwrite(p, 1, (size_t)w, fp);
		at += w;
		p += w;
		first = 0;
	}
	fputc('\n', fp);
}

static void
help_row(FILE *fp, const struct opt *o, unsigned cmd)
{
	char meta[256], text[1024];
	int at;

	meta[0] = '\0';
	if (o->arg != NULL)
		snprintf(meta, sizeof(meta), " %s", o->arg);
	else if (o->choices != NULL) {
		meta[0] = ' ';
		choice_list(meta + 1, sizeof(meta) - 1, o, cmd, "|");
	}
	at = fprintf(fp, "  --%s%s", o->name, meta);
	if (at >= HELP_COL - 1) {
		fprintf(fp, "\n");
		at = 0;
	}
	fprintf(fp, "%*s", HELP_COL - at, "");
	snprintf(text, sizeof(text), "%s", o->help);
	if (o->arg != NULL && o->choices != NULL) {
		char names[256];
		choice_list(names, sizeof(names), o, cmd, ", ");
		size_t l = strlen(text);
		snprintf(text + l, sizeof(text) - l, " (one of %s)", names);
	} else if (o->set == opt_measure || o->set == opt_method) {
		char names[256];
		library_names(names, sizeof(names), o->set == opt_measure, cmd);
		size_t l = strlen(text);
		snprintf(text + l, sizeof(text) - l, "; one of %s", names);
	}
	wrap(fp, text, HELP_COL);
}

void
cli_help(FILE *fp, const struct command *cmd)
{
	fprintf(fp, "usage: metak %s\n\n%s", cmd->usage, cmd->about);
	for (int s = 0; opt_sections[s] != NULL; s++) {
		int any = 0;
		for (size_t i = 0; i < opt_count; i++) {
			const struct opt *o = &opt_table[i];
			if (o->section != s || !(o->cmds & cmd->bit))
				continue;
			if (!any++)
				fprintf(fp, "\n%s:\n", opt_sections[s]);
			help_row(fp, o, cmd->bit);
		}
	}
	fprintf(fp, "\n%s", cmd->status);
}

/* ---- parsing -------------------------------------------------------- */

int
cli_parse(int argc, char **argv, const struct command *cmd, struct cli *c,
    int *rc)
{
	static struct option lo[MAX_OPTS + 1];
	int ch, li = -1;

	memset(c, 0, sizeof(*c));
	mk_opts_init(&c->o);
	c->cmd = cmd->bit;
	c->cmdname = cmd->name;
	for (size_t i = 0; i < opt_count; i++) {	/* getopt's array */
		lo[i].name = opt_table[i].name;
		lo[i].has_arg = opt_table[i].arg != NULL ||
		    opt_table[i].choices != NULL ? required_argument :
		    no_argument;
		lo[i].flag = NULL;
		lo[i].val = 256 + (int)i;
	}
	memset(&lo[opt_count], 0, sizeof(lo[0]));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, &li)) != -1) {
		if (ch == ':') {
			usage_error("%s: missing value", argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (ch < 256 || ch >= 256 + (int)opt_count) {
			unknown_option(argv[optind - 1], cmd->bit);
			return EXIT_USAGE;
		}
		const struct opt *o = &opt_table[ch - 256];
		if (!(o->cmds & cmd->bit)) {
			usage_error("--%s is not an option of metak %s",
			    o->name, cmd->name);
			return EXIT_USAGE;
		}
		if (o->set == NULL) {	/* --help */
			cli_help(stdout, cmd);
			*rc = fflush(stdout) == 0 ? 0 : EXIT_DATA;
			return -1;
		}
		c->given[ch - 256] = 1;
		if (o->set(c, o, optarg) != 0)
			return EXIT_USAGE;
	}
	if (cmd->file_optional && optind == argc) {
		c->file = NULL;
	} else if (optind != argc - 1) {
		if (optind >= argc)
			usage_error("%s: no input FILE given", cmd->name);
		else
			usage_error("%s: one input FILE expected, got \"%s\" "
			    "too", cmd->name, argv[optind + 1]);
		return EXIT_USAGE;
	} else {
		c->file = argv[optind];
	}
	if (c->shard_n == 0)
		c->shard_n = 1;
	if (c->jobs == 0)
		c->jobs = (int)(mk_cores() > 1024 ? 1024 : mk_cores());
	const char *paths[] = { c->output ? c->output : "-", c->svg, c->funnel,
	    c->bubble, c->graph, c->baujat, c->posterior };
	const char *names[] = { c->output ? "--output" : "standard output",
	    "--svg", "--funnel", "--bubble", "--graph", "--baujat",
	    "--posterior" };
	if (outputs_distinct(paths, names, 7) != 0 ||
	    outputs_not_input(c->file, paths, names, 7) != 0 ||
	    plot_files_check(c) != 0)
		return EXIT_USAGE;
	c->o.maps = c->maps.v;
	c->o.nmaps = c->maps.n;
	c->o.cc_set = cli_given(c, "cc");
	if (c->o.ci == MK_CI_HKSJ && (c->o.method == MK_MH ||
	    c->o.method == MK_PETO)) {
		usage_error("--ci hksj applies to inverse-variance methods, "
		    "not %s", mk_method_get(c->o.method)->name);
		return EXIT_USAGE;
	}
	if (c->o.dl_mhq && c->o.method != MK_DL && (c->cmd != CMD_CHECK ||
	    cli_given(c, "method"))) {
		usage_error("--dl-q mh goes with --method DL");
		return EXIT_USAGE;
	}
	return 0;
}
