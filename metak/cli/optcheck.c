/* optcheck.c: an option that would do nothing on the path a command line
 * takes is refused, as a usage error that names what it needs: one table
 * of the options that act only on some paths, each with the test of
 * whether it acts. The combinations that conflict are the runners'
 * (cmd_pool.c's check_combinations); what depends on the data is
 * data_options_act's, once the studies are read. */
#include <string.h>

#include "cli.h"

/* The report's format as the runner will use it (--each: CSV unless
 * told otherwise). */
static int
format_of(const struct cli *c)
{
	if (c->each != NULL && !cli_given(c, "format"))
		return FMT_CSV;
	return c->format;
}

/* A model fitted by cmd_metareg.c: --mods, --random or --robust. */
static int
regression(const struct cli *c)
{
	return c->mods != NULL || c->random != NULL || c->robust != NULL;
}

/* Refits instead of one report: --leave-one-out, --cumulative. */
static int
steps(const struct cli *c)
{
	return c->loo || c->cumulative;
}

/* The paths that print the study table and the character forest plot of
 * the one-mean report (report.c, text.c). */
static int
pool_report(const struct cli *c)
{
	return c->cmd == CMD_POOL && !regression(c) && !steps(c) &&
	    c->each == NULL;
}

static int
has_plot(const struct cli *c)
{
	return c->svg != NULL || c->funnel != NULL || c->bubble != NULL ||
	    c->baujat != NULL || c->posterior != NULL;
}

/* The forest plot of one report (not the refits' plot). */
static int
has_forest(const struct cli *c)
{
	return c->svg != NULL && !steps(c);
}

/* An effect axis: the forest, refits' or funnel plot, or the text
 * report's character plot. */
static int
has_axis(const struct cli *c)
{
	return c->svg != NULL || c->funnel != NULL || (pool_report(c) &&
	    format_of(c) == FMT_TEXT);
}

/* Study rows in an order --sort sets: the forest plot of one mean (or of
 * subgroups) and the text report's table. */
static int
has_rows(const struct cli *c)
{
	return pool_report(c) && (c->svg != NULL || format_of(c) == FMT_TEXT);
}

static int
has_funnel(const struct cli *c)
{
	return c->funnel != NULL;
}

/* Per-study rows in the report: the one-mean report in any format, and
 * the JSON of a meta-regression or multilevel model. */
static int
has_study_rows(const struct cli *c)
{
	if (c->cmd != CMD_POOL || steps(c) || c->each != NULL)
		return 0;
	return !regression(c) || format_of(c) == FMT_JSON;
}

/* Is the method a random-effects one (or left to its default, REML)? */
static int
random_method(const struct cli *c)
{
	return mk_method_get(c->o.method)->random;
}

/* A prediction interval is reported: random-effects methods only; not in
 * the one-mean CSV (no such column), the refits or bias; with moderators
 * only with --predict or --bubble. */
static int
has_pi(const struct cli *c)
{
	if (c->cmd != CMD_POOL || steps(c) || (!random_method(c) &&
	    c->random == NULL))
		return 0;
	if (c->mods != NULL)
		return c->predict.n > 0 || c->bubble != NULL;
	if (regression(c))
		return 1;	/* the pooled row of the regression CSV too */
	return format_of(c) != FMT_CSV || c->svg != NULL;
}

/* An iterative estimator: PM, ML, REML, EB, multilevel fits and every
 * GLMM (FE too: its likelihood is maximised); check tries them all
 * unless --method names one. */
static int
iterative(const struct cli *c)
{
	mk_method m = c->o.method;

	if (c->cmd == CMD_CHECK && !cli_given(c, "method"))
		return 1;
	return c->random != NULL || c->o.glmm != MK_GLMM_NONE || m == MK_PM || m == MK_ML ||
	    m == MK_REML || m == MK_EB;
}

static int
pm(const struct cli *c)
{
	return c->o.method == MK_PM || (c->cmd == CMD_CHECK &&
	    !cli_given(c, "method"));
}

static int
permuted(const struct cli *c)
{
	return c->permutations > 0;
}

/* --each, the refits and --influence's leave-one-out fits. */
static int
threaded(const struct cli *c)
{
	return c->each != NULL || steps(c) || c->influence ||
	    c->baujat != NULL;
}

/* --ci hksj: not under --robust, whose t tests are its own. */
static int
ci_acts(const struct cli *c)
{
	return c->robust == NULL || c->o.ci != MK_CI_HKSJ;
}

/* metak check without --method tries every interval, correction target
 * and DL variant: --ci, --cc-to and --dl-q choose one only with it. */
static int
check_variant(const struct cli *c)
{
	return c->cmd != CMD_CHECK || cli_given(c, "method");
}

struct rule {
	const char *opt;
	int (*acts)(const struct cli *c);
	const char *needs;
};

static const struct rule rules[] = {
	{ "title", has_plot, "names a plot: it goes with --svg, --funnel, "
	  "--bubble, --baujat or --posterior" },
	{ "favours-left", has_forest, "labels the forest plot: it goes with "
	  "--svg (not with --leave-one-out or --cumulative)" },
	{ "favours-right", has_forest, "labels the forest plot: it goes with "
	  "--svg (not with --leave-one-out or --cumulative)" },
	{ "label-t", has_forest, "heads the forest plot's columns: it goes "
	  "with --svg (not with --leave-one-out or --cumulative)" },
	{ "label-c", has_forest, "heads the forest plot's columns: it goes "
	  "with --svg (not with --leave-one-out or --cumulative)" },
	{ "xlim", has_axis, "sets a plot's effect axis: it goes with --svg, "
	  "--funnel or the text report's forest plot of metak pool (not with "
	  "--mods, --random, --robust, --each or the refits)" },
	{ "at", has_axis, "sets a plot's effect axis: it goes with --svg, "
	  "--funnel or the text report's forest plot of metak pool (not with "
	  "--mods, --random, --robust, --each or the refits)" },
	{ "sort", has_rows, "orders the study rows of the forest plot and of "
	  "the text report of one pooled mean (or subgroups): not with --mods, "
	  "--random, --robust, --each, the refits, or JSON and CSV alone" },
	{ "contours", has_funnel, "shades the funnel plot: it goes with "
	  "--funnel" },
	{ "no-imputed", has_funnel, "thins the funnel plot: it goes with "
	  "--funnel" },
	{ "no-studies", has_study_rows, "leaves out per-study rows, and this "
	  "report has none (the refits, --each, metak bias, and the text and "
	  "CSV reports of --mods, --random and --robust)" },
	{ "pi", has_pi, "sets the prediction interval, and none is reported "
	  "here (fixed-effect methods, metak bias, the refits, CSV without "
	  "--svg, and --mods without --predict or --bubble have none)" },
	{ "pm-tol", pm, "is how the PM estimate is found: it goes with "
	  "--method PM" },
	{ "maxiter", iterative, "caps an iterative estimator: it goes with "
	  "--method PM, ML, REML or EB, --glmm or --random" },
	{ "seed", permuted, "seeds random permutations: it goes with "
	  "--permutations" },
	{ "jobs", threaded, "sets the threads of --each, --leave-one-out, "
	  "--cumulative and --influence, and only those" },
	{ "ci", ci_acts, "hksj does not apply with --robust, whose t tests and "
	  "df are the robust ones" },
	{ "ci", check_variant, "picks metak check's variant together with "
	  "--method (without it every interval is tried)" },
	{ "cc-to", check_variant, "picks metak check's variant together with "
	  "--method (without it both corrections are tried)" },
	{ "dl-q", check_variant, "picks metak check's variant together with "
	  "--method DL (without it both Qs are tried)" },
};

/* Without trial data, metak check checks the claim's consistency: only
 * the claim's own options act. */
static const char *const claim_only[] = { "measure", "estimate", "ci-low",
    "ci-high", "p", "scale", "level", "format", "help", NULL };

int
options_act(const struct cli *c)
{
	if (c->cmd == CMD_CHECK && c->file == NULL) {
		for (size_t i = 0; i < opt_count; i++) {
			size_t j = 0;
			if (!c->given[i])
				continue;
			while (claim_only[j] != NULL &&
			    strcmp(claim_only[j], opt_table[i].name) != 0)
				j++;
			if (claim_only[j] == NULL) {
				usage_error("--%s: without FILE, metak check "
				    "checks the claim's own consistency; the "
				    "options of a refit need the trial data",
				    opt_table[i].name);
				return -1;
			}
		}
		return 0;
	}
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++)
		if (cli_given(c, rules[r].opt) && !rules[r].acts(c)) {
			usage_error("--%s %s", rules[r].opt, rules[r].needs);
			return -1;
		}
	return 0;
}

/* The forms whose counts a continuity correction is added to. */
static int
counted(mk_from f)
{
	return f == MK_FROM_COUNTS || f == MK_FROM_PROPORTION ||
	    f == MK_FROM_TWO_RATES || f == MK_FROM_ONE_RATE;
}

int
data_options_act(const struct cli *c, const mk_table *t,
    const mk_studies *s, mk_warn *w, mk_err *err)
{
	mk_measure m = s->measure;
	const char *name = mk_measure_get(m)->name;
	size_t ncount = 0;

	for (size_t i = 0; i < s->k; i++)
		ncount += counted(s->from[i]);
	if (cli_given(c, "drop00") && m != MK_OR && m != MK_RR)
		mk_err_set(err, t->file, 0, "", "--drop00 applies to the "
		    "measures OR and RR, not %s", name);
	else if (cli_given(c, "md-var") && m != MK_MD)
		mk_err_set(err, t->file, 0, "", "--md-var applies to the "
		    "measure MD, not %s", name);
	else if ((cli_given(c, "cc") || cli_given(c, "cc-to")) && ncount == 0)
		mk_err_set(err, t->file, 0, "", "--%s: no study here is given "
		    "as counts, so there is nothing to correct",
		    cli_given(c, "cc") ? "cc" : "cc-to");
	else if (cli_given(c, "include-retracted") && mk_table_col(t,
	    "retracted", c->o.maps, c->o.nmaps) < 0)
		mk_err_set(err, t->file, 0, "", "--include-retracted: there is "
		    "no retracted column");
	else {
		/* accepted for these measures (metafor accepts add= and to=
		 * for them too), and said to do nothing */
		if ((cli_given(c, "cc") || cli_given(c, "cc-to")) && (m ==
		    MK_PAS || m == MK_PFT || m == MK_IRS || m == MK_IRSD))
			mk_warn_add(w, "--%s: %s is defined at zero counts and "
			    "never corrected, as in metafor", cli_given(c, "cc") ?
			    "cc" : "cc-to", name);
		return 0;
	}
	err->usage = 1;
	return -1;
}
