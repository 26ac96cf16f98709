/* optset.c: the setters the option table (opttable.c) names: each reads
 * one option's argument into struct cli, checking its range or choices and
 * saying what is wrong as a usage error; and the check of the plot options
 * against the data. */
#include <ctype.h>
#include <errno.h>
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
_Static_assert(sizeof(mk_glmm) == sizeof(int), "enum size");

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

/* A file to write, or a column to read: an empty name is a usage error
 * (an empty --svg '' once wrote nothing and said nothing). */
int
opt_file(struct cli *c, const struct opt *o, char *arg)
{
	if (arg[0] == '\0') {
		usage_error("--%s: an empty %s", o->name, o->set == opt_file ?
		    "file name" : "column name");
		return -1;
	}
	return opt_string(c, o, arg);
}

int
opt_name(struct cli *c, const struct opt *o, char *arg)
{
	return opt_file(c, o, arg);
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
void
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

/* The names of the library's measures or methods (those command cmd
 * takes: BAYES is pool's), space-separated. */
void
library_names(char *out, size_t n, int measures, unsigned cmd)
{
	size_t len = 0, count = measures ? mk_nmeasures : mk_nmethods;

	out[0] = '\0';
	for (size_t i = 0; i < count && len < n; i++) {
		if (!measures && mk_methods[i].id == MK_BAYES &&
		    !(cmd & CMD_POOL))
			continue;
		len += (size_t)snprintf(out + len, n - len, "%s%s",
		    len ? " " : "", measures ? mk_measures[i].name :
		    mk_methods[i].name);
	}
}

int
opt_measure(struct cli *c, const struct opt *o, char *arg)
{
	const mk_measure_info *m = mk_measure_find(arg);
	char names[256];

	if (m == NULL) {
		library_names(names, sizeof(names), 1, c->cmd);
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
		library_names(names, sizeof(names), 0, c->cmd);
		usage_error("--%s: unknown method \"%s\" (expected one of %s)",
		    o->name, arg, names);
		return -1;
	}
	if (m->id == MK_BAYES && !(c->cmd & CMD_POOL)) {
		library_names(names, sizeof(names), 0, c->cmd);
		usage_error("--%s: BAYES is for 'metak pool' only (%s compares "
		    "frequentist fits); expected one of %s", o->name,
		    c->cmdname, names);
		return -1;
	}
	*FIELD(c, o, int) = (int)m->id;
	return 0;
}

int
opt_glmm(struct cli *c, const struct opt *o, char *arg)
{
	const mk_glmm_info *g = mk_glmm_find(arg);

	if (g == NULL) {
		usage_error("--%s: unknown model \"%s\" (expected one of UM.FS "
		    "UM.RS CM.EL CM.AL BN)", o->name, arg);
		return -1;
	}
	*FIELD(c, o, int) = (int)g->id;
	return 0;
}

/* --prior-tau, --prior-mu: a prior as fit/bayes.c reads it. */
int
opt_prior(struct cli *c, const struct opt *o, char *arg)
{
	char why[256];

	if (mk_prior_parse(arg, strcmp(o->name, "prior-mu") == 0,
	    FIELD(c, o, mk_prior), why, sizeof(why)) != 0) {
		usage_error("--%s: %s", o->name, why);
		return -1;
	}
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
	if (!mk_canonical(name) && !(c->cmd == CMD_NETWORK &&
	    mk_net_column(name))) {
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
