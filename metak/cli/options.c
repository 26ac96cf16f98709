/* options.c: the command line read through the table of options in
 * opttable.c: getopt_long's array, the setters that fill struct cli, the
 * "unknown option" and "not an option of" messages, and each command's
 * --help, all derived from that one table. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* Enumerations are stored through an int (choices, measures, methods). */
_Static_assert(sizeof(mk_citype) == sizeof(int), "enum size");
_Static_assert(sizeof(mk_measure) == sizeof(int), "enum size");
_Static_assert(sizeof(mk_method) == sizeof(int), "enum size");

#define FIELD(c, o, type) ((type *)(void *)((char *)(c) + (o)->off))

int
opt_flag(struct cli *c, const struct opt *o, char *arg)
{
	(void)arg;
	*FIELD(c, o, int) = 1;
	return 0;
}

int
opt_string(struct cli *c, const struct opt *o, char *arg)
{
	*FIELD(c, o, const char *) = arg;
	return 0;
}

/* A number within the option's range [lo, hi] (open: (lo, hi)), a whole
 * one when whole is set, or a usage error saying which. */
static int
in_range(const struct opt *o, const char *arg, int open, int whole,
    double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno != 0 || !isfinite(*out) ||
	    (open ? *out <= o->lo || *out >= o->hi : *out < o->lo ||
	    *out > o->hi) || (whole && *out != floor(*out))) {
		usage_error("--%s: expected a %s %s %.15g %s %.15g, got \"%s\"",
		    o->name, whole ? "whole number" : "number", open ?
		    "greater than" : "from", o->lo, open ? "and less than" :
		    "to", o->hi, arg);
		return -1;
	}
	return 0;
}

int
opt_number(struct cli *c, const struct opt *o, char *arg)
{
	return in_range(o, arg, 0, 0, FIELD(c, o, double));
}

int
opt_open(struct cli *c, const struct opt *o, char *arg)
{
	return in_range(o, arg, 1, 0, FIELD(c, o, double));
}

int
opt_whole(struct cli *c, const struct opt *o, char *arg)
{
	return in_range(o, arg, 0, 1, FIELD(c, o, double));
}

int
opt_integer(struct cli *c, const struct opt *o, char *arg)
{
	double x;

	if (in_range(o, arg, 0, 1, &x) != 0)
		return -1;
	*FIELD(c, o, int) = (int)x;
	return 0;
}

/* Is choice ch offered by command cmd? */
static int
choice_for(const struct choice *ch, unsigned cmd)
{
	return ch->cmds == 0 || (ch->cmds & cmd) != 0;
}

/* "a b c": the visible choices of o for cmd, joined by sep. */
static void
choice_list(char *out, size_t n, const struct opt *o, unsigned cmd,
    const char *sep)
{
	size_t len = 0;

	out[0] = '\0';
	for (const struct choice *ch = o->choices; ch->name; ch++)
		if (!ch->hidden && choice_for(ch, cmd) && len < n)
			len += (size_t)snprintf(out + len, n - len, "%s%s",
			    len ? sep : "", ch->name);
}

int
opt_choice(struct cli *c, const struct opt *o, char *arg)
{
	char names[256];

	for (const struct choice *ch = o->choices; ch->name; ch++)
		if (strcasecmp(ch->name, arg) == 0 && choice_for(ch, c->cmd)) {
			*FIELD(c, o, int) = ch->value;
			return 0;
		}
	choice_list(names, sizeof(names), o, c->cmd, " ");
	usage_error("--%s: unknown value \"%s\" (expected one of %s)", o->name,
	    arg, names);
	return -1;
}

/* The names of the library's measures or methods, space-separated. */
static void
library_names(char *out, size_t n, int measures)
{
	size_t len = 0, count = measures ? mk_nmeasures : mk_nmethods;

	out[0] = '\0';
	for (size_t i = 0; i < count && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s",
		    i ? " " : "", measures ? mk_measures[i].name :
		    mk_methods[i].name);
}

int
opt_measure(struct cli *c, const struct opt *o, char *arg)
{
	const mk_measure_info *m = mk_measure_find(arg);
	char names[256];

	if (m == NULL) {
		library_names(names, sizeof(names), 1);
		usage_error("--%s: unknown measure \"%s\" (expected one of %s)",
		    o->name, arg, names);
		return -1;
	}
	*FIELD(c, o, int) = (int)m->id;
	return 0;
}

int
opt_method(struct cli *c, const struct opt *o, char *arg)
{
	const mk_method_info *m = mk_method_find(arg);
	char names[256];

	if (m == NULL) {
		library_names(names, sizeof(names), 0);
		usage_error("--%s: unknown method \"%s\" (expected one of %s)",
		    o->name, arg, names);
		return -1;
	}
	*FIELD(c, o, int) = (int)m->id;
	return 0;
}

/* NAME=VALUE into the next slot of a struct pairs. */
static int
pair(struct cli *c, const struct opt *o, char *arg, int need_value)
{
	struct pairs *p = FIELD(c, o, struct pairs);
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || (need_value && eq[1] == '\0')) {
		usage_error("--%s: expected NAME=%s, got \"%s\"", o->name,
		    need_value ? "COLUMN" : "VALUE", arg);
		return -1;
	}
	if (p->n == MAX_PAIRS) {
		usage_error("--%s: at most %d of them", o->name, MAX_PAIRS);
		return -1;
	}
	*eq = '\0';
	p->v[p->n].name = arg;
	p->v[p->n++].column = eq + 1;
	return 0;
}

/* --map NAME=COLUMN: NAME a canonical column, each mapped once. */
int
opt_pair(struct cli *c, const struct opt *o, char *arg)
{
	struct pairs *p = FIELD(c, o, struct pairs);

	if (pair(c, o, arg, 1) != 0)
		return -1;
	const char *name = p->v[p->n - 1].name;
	if (!mk_canonical(name)) {
		usage_error("--%s: \"%s\" is not a column metak reads (such as "
		    "events_t, mean_c, yi, sei, estimate, study)", o->name, name);
		return -1;
	}
	for (size_t i = 0; i + 1 < p->n; i++)
		if (strcasecmp(p->v[i].name, name) == 0) {
			usage_error("--%s: %s is mapped twice", o->name, name);
			return -1;
		}
	for (size_t i = 0; i + 1 < p->n; i++)
		if (strcmp(p->v[i].column, p->v[p->n - 1].column) == 0) {
			usage_error("--%s: column \"%s\" is mapped to both %s "
			    "and %s", o->name, p->v[i].column, p->v[i].name, name);
			return -1;
		}
	return 0;
}

int
opt_pair_value(struct cli *c, const struct opt *o, char *arg)
{
	return pair(c, o, arg, 0);
}

/* --shard I/N: two whole numbers, 0 <= I < N, read without overflow. */
int
opt_shard(struct cli *c, const struct opt *o, char *arg)
{
	char *slash = strchr(arg, '/'), *end1, *end2;
	unsigned long long i, n;

	errno = 0;
	if (slash == NULL || !isdigit((unsigned char)arg[0]) ||
	    !isdigit((unsigned char)slash[1]))
		goto bad;
	i = strtoull(arg, &end1, 10);
	n = strtoull(slash + 1, &end2, 10);
	if (errno != 0 || end1 != slash || *end2 != '\0' || n == 0 || i >= n ||
	    n > SIZE_MAX)
		goto bad;
	c->shard_i = (size_t)i;
	c->shard_n = (size_t)n;
	return 0;
bad:
	usage_error("--%s: expected I/N with 0 <= I < N, got \"%s\"", o->name,
	    arg);
	return -1;
}

/* Finite numbers separated by commas into out[0..max); -1 with a usage
 * error when one is not a number or there are too many. */
static int
numbers(const struct opt *o, const char *arg, double *out, int max, int *n)
{
	const char *p = arg;

	*n = 0;
	for (;;) {
		char *end;
		errno = 0;
		double x = strtod(p, &end);
		if (end == p || errno != 0 || !isfinite(x) || (*end != ',' &&
		    *end != '\0')) {
			usage_error("--%s: expected numbers separated by commas, "
			    "got \"%s\"", o->name, arg);
			return -1;
		}
		if (*n == max) {
			usage_error("--%s: at most %d numbers", o->name, max);
			return -1;
		}
		out[(*n)++] = x;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

/* --xlim LO,HI: the plots' axis range, LO < HI (natural scale). */
int
opt_xlim(struct cli *c, const struct opt *o, char *arg)
{
	int n;

	if (numbers(o, arg, c->plot.xlim, 2, &n) != 0)
		return -1;
	if (n != 2 || !(c->plot.xlim[0] < c->plot.xlim[1])) {
		usage_error("--%s: expected LO,HI with LO < HI, got \"%s\"",
		    o->name, arg);
		return -1;
	}
	c->plot.xlim_set = 1;
	return 0;
}

/* --at X,Y,...: the plots' axis ticks, increasing. */
int
opt_at(struct cli *c, const struct opt *o, char *arg)
{
	if (numbers(o, arg, c->plot.at, MK_PLOT_MAXAT, &c->plot.nat) != 0)
		return -1;
	for (int i = 1; i < c->plot.nat; i++)
		if (!(c->plot.at[i] > c->plot.at[i - 1])) {
			usage_error("--%s: the ticks must increase, got \"%s\"",
			    o->name, arg);
			return -1;
		}
	return 0;
}

/* --sort effect|weight|year|COLUMN */
int
opt_sort(struct cli *c, const struct opt *o, char *arg)
{
	(void)o;
	c->plot.sort = strcmp(arg, "effect") == 0 ? MK_SORT_EFFECT :
	    strcmp(arg, "weight") == 0 ? MK_SORT_WEIGHT :
	    strcmp(arg, "year") == 0 ? MK_SORT_YEAR : MK_SORT_COLUMN;
	c->plot.sort_col = arg;
	return 0;
}

int
plot_check(const struct cli *c, const mk_table *t, mk_measure m)
{
	const mk_plot_opts *po = &c->plot;
	int logscale = mk_measure_get(m)->log_scale;

	if (logscale && ((po->xlim_set && !(po->xlim[0] > 0)) ||
	    (po->nat > 0 && !(po->at[0] > 0)))) {
		usage_error("--%s: %s is drawn on a log axis: its values must be "
		    "positive", po->xlim_set && !(po->xlim[0] > 0) ? "xlim" :
		    "at", mk_measure_get(m)->name);
		return -1;
	}
	if (po->sort == MK_SORT_COLUMN && mk_table_col(t, po->sort_col,
	    c->o.maps, c->o.nmaps) < 0) {
		usage_error("--sort: \"%s\" is neither effect, weight, year nor "
		    "a column of %s", po->sort_col, t->file);
		return -1;
	}
	return 0;
}

int
opt_list(struct cli *c, const struct opt *o, char *arg)
{
	struct strlist *l = FIELD(c, o, struct strlist);

	if (l->n == MAX_LIST) {
		usage_error("--%s: at most %d of them", o->name, MAX_LIST);
		return -1;
	}
	l->v[l->n++] = arg;
	return 0;
}

int
cli_given(const struct cli *c, const char *name)
{
	for (size_t i = 0; i < opt_count; i++)
		if (strcmp(opt_table[i].name, name) == 0)
			return c->given[i];
	return 0;
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
		library_names(names, sizeof(names), o->set == opt_measure);
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
			usage_error("unknown option \"%s\"", argv[optind - 1]);
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
	    c->bubble };
	const char *names[] = { c->output ? "--output" : "standard output",
	    "--svg", "--funnel", "--bubble" };
	if (outputs_distinct(paths, names, 4) != 0)
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
