/* opttable.c: the one table of command-line options: name, argument,
 * the commands that take it, the field it sets and its help. getopt's
 * array, --help and the option messages are derived from it (options.c);
 * man/metak.1 documents every row (tests/lint_man.sh checks). */
#include <stddef.h>

#include "cli.h"

enum {
	S_INPUT, S_MODEL, S_SUBGROUP, S_REG, S_ML, S_SENS, S_EACH, S_BIAS,
	S_CLAIM, S_NET, S_OUTPUT, S_PLOT, S_OTHER
};

const char *const opt_sections[] = {
	"Input", "Model", "Subgroups", "Meta-regression",
	"Multilevel models and robust inference", "Sensitivity analyses",
	"Many analyses", "Small-study tests", "The claim",
	"Network meta-analysis", "Output", "Plots", "Other", NULL
};

#define ALL (CMD_POOL | CMD_BIAS | CMD_CHECK)
#define F(field) offsetof(struct cli, field)

static const struct choice ci_choices[] = {
	{ "z", MK_CI_Z, 0, 0 },
	{ "hksj", MK_CI_HKSJ, 0, 0 },
	{ "knha", MK_CI_HKSJ, 0, 1 },	/* metafor's name */
	{ NULL, 0, 0, 0 }
};

static const struct choice format_choices[] = {
	{ "text", FMT_TEXT, 0, 0 },
	{ "json", FMT_JSON, 0, 0 },
	{ "csv", FMT_CSV, CMD_POOL | CMD_NETWORK, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice ccto_choices[] = {
	{ "only0", MK_CC_ONLY0, 0, 0 },
	{ "all", MK_CC_ALL, 0, 0 },
	{ "none", MK_CC_NONE, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice mdvar_choices[] = {
	{ "separate", 0, 0, 0 },
	{ "pooled", 1, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice pi_choices[] = {
	{ "z", MK_PI_Z, 0, 0 },
	{ "t", MK_PI_T1, 0, 0 },
	{ "riley", MK_PI_T2, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice dlq_choices[] = {
	{ "iv", 0, 0, 0 },
	{ "mh", 1, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice scale_choices[] = {
	{ "natural", MK_SCALE_NATURAL, 0, 0 },
	{ "log", MK_SCALE_LOG, 0, 0 },
	{ "percent", MK_SCALE_PERCENT, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice egger_choices[] = {
	{ "lm", 0, 0, 0 },
	{ "rma", 1, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice robust_choices[] = {
	{ "cr2", 0, 0, 0 },
	{ "cr1", 1, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice model_choices[] = {
	{ "random", 0, 0, 0 },
	{ "common", 1, 0, 0 },
	{ "fixed", 1, 0, 1 },	/* netmeta's older name */
	{ NULL, 0, 0, 0 }
};

static const struct choice small_choices[] = {
	{ "good", 0, 0, 0 },
	{ "bad", 1, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice event_choices[] = {
	{ "harmful", 0, 0, 0 },
	{ "wanted", 1, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice good_choices[] = {
	{ "lower", MK_GOOD_LOWER, 0, 0 },
	{ "higher", MK_GOOD_HIGHER, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice trimfill_choices[] = {
	{ "L0", 0, 0, 0 },
	{ "R0", 1, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct choice sep_choices[] = {
	{ ",", ',', 0, 0 },
	{ ";", ';', 0, 0 },
	{ "tab", '\t', 0, 0 },
	{ "bar", '|', 0, 0 },
	{ "|", '|', 0, 1 },
	{ "\t", '\t', 0, 1 },	/* as typed in a shell's quotes */
	{ NULL, 0, 0, 0 }
};

static const struct choice decimal_choices[] = {
	{ ".", '.', 0, 0 },
	{ ",", ',', 0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct opt opt_table[] = {
	/* ---- input ---- */
	{ "map", "NAME=COL", ALL | CMD_NETWORK, S_INPUT, opt_pair, F(maps), NULL, 0, 0,
	  "read the canonical column NAME from column COL (repeatable)" },
	{ "where", "COL=VAL", ALL | CMD_NETWORK, S_INPUT, opt_pair_value, F(where), NULL, 0,
	  0, "use only rows whose COL is VAL (repeatable; all must hold)" },
	{ "sep", NULL, ALL, S_INPUT, opt_choice, F(o.sep), sep_choices, 0, 0,
	  "the character between the fields of the file (default a comma; "
	  "European Excel writes ;)" },
	{ "decimal", NULL, ALL, S_INPUT, opt_choice, F(o.decimal),
	  decimal_choices, 0, 0, "the decimal mark of its numbers (default a "
	  "point; with , a cell such as 1,5 is read as 1.5)" },
	{ "measure", "M", ALL | CMD_NETWORK, S_INPUT, opt_measure, F(o.measure), NULL, 0, 0,
	  "effect measure (default by the columns present: OR, MD, ZCOR, "
	  "PLO, IRR, IRLN or GEN; see metak(5); metak network: OR, RR, RD or "
	  "MD from arm rows, default OR or MD; any two-group measure for "
	  "contrast rows)" },
	{ "cc", "VALUE", ALL, S_INPUT, opt_number, F(o.cc), NULL, 0, 1e6,
	  "continuity correction added to zero cells (default 0.5)" },
	{ "cc-to", NULL, ALL, S_INPUT, opt_choice, F(o.cc_to), ccto_choices,
	  0, 0, "which tables get it: those with a zero cell (default), all, "
	  "or none" },
	{ "include-retracted", NULL, ALL, S_INPUT, opt_flag,
	  F(o.include_retracted), NULL, 0, 0, "keep rows whose retracted "
	  "column says yes (left out by default, with a warning)" },
	{ "include-flagged", NULL, ALL, S_INPUT, opt_flag,
	  F(o.include_flagged), NULL, 0, 0, "keep rows whose concern column "
	  "names an integrity concern (left out by default, with a warning "
	  "quoting it), for a sensitivity analysis" },
	{ "drop00", NULL, ALL, S_INPUT, opt_flag, F(o.drop00), NULL, 0, 0,
	  "OR and RR: leave out studies with no events (or only events) in "
	  "both arms, as RevMan and R meta do (metafor keeps them)" },
	{ "md-var", NULL, ALL, S_INPUT, opt_choice, F(o.md_pooled_var),
	  mdvar_choices, 0, 0, "MD variance from the two SDs (default) or "
	  "from the pooled SD" },
	/* ---- model ---- */
	{ "method", "X", ALL | CMD_NETWORK, S_MODEL, opt_method, F(o.method), NULL, 0, 0,
	  "fixed effect, Mantel-Haenszel, Peto, a tau2 estimator or, "
	  "for pool, Bayesian random effects (default REML; metak "
	  "network: REML or DL)" },
	{ "glmm", "MODEL", CMD_POOL, S_MODEL, opt_glmm, F(o.glmm), NULL, 0,
	  0, "fit a GLMM to the counts (metafor's rma.glmm): UM.FS, UM.RS, "
	  "CM.EL or CM.AL for OR and IRR, BN for PLO and IRLN; --method ML "
	  "(default) or FE" },
	{ "dl-q", NULL, ALL, S_MODEL, opt_choice, F(o.dl_mhq), dlq_choices,
	  0, 0, "with --method DL and 2x2 counts: tau2 from the inverse-"
	  "variance Q (default, metafor) or from the Q around the Mantel-"
	  "Haenszel estimate (RevMan 5, R meta's Q.Cochrane)" },
	{ "ci", NULL, ALL, S_MODEL, opt_choice, F(o.ci), ci_choices, 0, 0,
	  "Wald z (default) or Knapp-Hartung t intervals" },
	{ "level", "P", ALL | CMD_NETWORK, S_MODEL, opt_open, F(o.level), NULL, 0, 100,
	  "confidence level in percent (default 95)" },
	{ "pi", NULL, CMD_POOL | CMD_BIAS, S_MODEL, opt_choice, F(o.pi),
	  pi_choices, 0, 0, "prediction interval: as the CI (default), z, t "
	  "with k-1 df, or Riley's t with k-2 df" },
	{ "prior-tau", "P", CMD_POOL, S_MODEL, opt_prior, F(o.prior_tau), NULL,
	  0, 0, "with --method BAYES: the prior on tau: halfnormal:S, "
	  "halfcauchy:S, halft:S,NU, uniform:A, exponential:R (rate), "
	  "lognormal-tau2:M,S (Turner's priors) or flat (default halfnormal:0.5 "
	  "for OR, RR, ROM, IRR, SMD, ZCOR and PLO; none for measures with "
	  "units)" },
	{ "prior-mu", "P", CMD_POOL, S_MODEL, opt_prior, F(o.prior_mu), NULL,
	  0, 0, "with --method BAYES: the prior on mu, flat (default) or "
	  "normal:M,S (analysis scale)" },
	{ "threshold", "T", CMD_POOL, S_MODEL, opt_number, F(o.threshold),
	  NULL, -1e300, 1e300, "with --method BAYES: report P(mu < T), T on "
	  "the natural scale (default: no effect, 1 for ratios, else 0)" },
	{ "maxiter", "N", ALL | CMD_NETWORK, S_MODEL, opt_integer, F(o.maxiter), NULL, 1,
	  1e6, "iteration cap of the iterative estimators (default 1000)" },
	{ "pm-tol", "T", ALL, S_MODEL, opt_number, F(o.pm_tol), NULL, 0, 1,
	  "find the PM root as metafor does, by Brent's method to the "
	  "absolute tolerance T (metafor's is 2^-13); default 0: the root "
	  "itself" },
	/* ---- subgroups ---- */
	{ "by", "COLUMN", CMD_POOL, S_SUBGROUP, opt_name, F(by), NULL, 0, 0,
	  "one fit per value of COLUMN plus a test for subgroup differences" },
	{ "common-tau2", NULL, CMD_POOL, S_SUBGROUP, opt_flag,
	  F(o.common_tau2), NULL, 0, 0, "with --by: one tau2 for all "
	  "subgroups (mixed-effects model) and its moderator test" },
	/* ---- meta-regression ---- */
	{ "mods", "COL[,COL]", CMD_POOL, S_REG, opt_string, F(mods), NULL, 0,
	  0, "meta-regression on these columns: numeric ones as covariates, "
	  "others as factors (first level in byte order the reference); rows "
	  "with an empty moderator are left out" },
	{ "predict", "A=V[,B=W]", CMD_POOL, S_REG, opt_list, F(predict), NULL,
	  0, 0, "with --mods: the predicted effect with its CI and PI at these "
	  "moderator values (repeatable)" },
	{ "permutations", "N", CMD_POOL, S_REG, opt_integer, F(permutations),
	  NULL, 1, 1e9, "with --mods: permutation p-values, exact over every "
	  "distinct ordering when there are at most N, else from N random "
	  "ones" },
	{ "seed", "S", CMD_POOL, S_REG, opt_whole, F(seed), NULL, 0,
	  9007199254740992.0, "seed of the random permutations (default 1)" },
	{ "bubble", "FILE", CMD_POOL, S_REG, opt_file, F(bubble), NULL, 0,
	  0, "with --mods: write the bubble plot of the first numeric moderator "
	  "to FILE (SVG, PNG or PDF by its extension)" },
	/* ---- multilevel models, robust inference ---- */
	{ "random", "A[/B...]", CMD_POOL, S_ML, opt_string, F(random), NULL,
	  0, 0, "nested random intercepts, one variance component per level, "
	  "outermost first (metafor's rma.mv random = ~ 1 | A/B); REML or ML" },
	{ "rho", "R", CMD_POOL, S_ML, opt_open, F(rho), NULL, -1, 1, "with --random: sampling errors correlated R within the "
	  "outermost level" },
	{ "robust", "COLUMN", CMD_POOL, S_ML, opt_name, F(robust), NULL, 0,
	  0, "cluster-robust standard errors, tests and intervals by COLUMN" },
	{ "robust-type", NULL, CMD_POOL, S_ML, opt_choice, F(robust_cr1),
	  robust_choices, 0, 0, "CR2 with Satterthwaite df (clubSandwich, "
	  "default) or CR1 (metafor's robust(adjust = TRUE))" },
	/* ---- sensitivity ---- */
	{ "leave-one-out", NULL, CMD_POOL, S_SENS, opt_flag, F(loo), NULL, 0,
	  0, "refit leaving out each study in turn" },
	{ "cumulative", NULL, CMD_POOL, S_SENS, opt_flag, F(cumulative), NULL,
	  0, 0, "refit adding studies one at a time, in file order or by "
	  "--order" },
	{ "order", "COLUMN", CMD_POOL, S_SENS, opt_name, F(order), NULL, 0,
	  0, "with --cumulative: add studies by COLUMN (numeric or text; "
	  "ties in file order)" },
	{ "influence", NULL, CMD_POOL, S_SENS, opt_flag, F(influence), NULL,
	  0, 0, "influence diagnostics of each study (metafor's influence(): "
	  "studentized residual, DFFITS, Cook's distance, covariance ratio, "
	  "tau2 and Q without it, hat, weight), influential ones marked" },
	{ "baujat", "FILE", CMD_POOL, S_SENS, opt_file, F(baujat), NULL, 0,
	  0, "write the Baujat plot (each study's contribution to Q against "
	  "its influence on the pooled estimate) to FILE (SVG, PNG or PDF by "
	  "its extension)" },
	{ "sof", NULL, CMD_POOL, S_SENS, opt_flag, F(sof), NULL, 0, 0,
	  "summary of findings (GRADE) for a binary outcome: participants, "
	  "studies, the relative effect and the risks and risk difference "
	  "per 1,000 with the number needed to treat" },
	{ "control-risk", "P[,P]", CMD_POOL, S_SENS, opt_list,
	  F(control_risk), NULL, 0, 0, "with --sof: assumed risks without the "
	  "intervention, 0 < P < 1 (repeatable; default: the control arms' "
	  "pooled risk)" },
	{ "event", NULL, CMD_POOL, S_SENS, opt_choice, F(event_wanted),
	  event_choices, 0, 0, "with --sof: the event counted is harmful "
	  "(default; fewer events = NNTB) or wanted" },
	/* ---- many analyses ---- */
	{ "each", "COLUMN", CMD_POOL, S_EACH, opt_name, F(each), NULL, 0, 0,
	  "one independent analysis per run of equal values of COLUMN, "
	  "streamed; CSV (default) or JSON Lines" },
	{ "shard", "I/N", CMD_POOL, S_EACH, opt_shard, 0, NULL, 0, 0,
	  "with --each: fit only the analyses numbered I modulo N" },
	{ "jobs", "N", CMD_POOL, S_EACH, opt_integer, F(jobs), NULL, 1, 1024,
	  "threads fitting the analyses of --each and the refits of "
	  "--leave-one-out and --cumulative (default: every core); the "
	  "output does not depend on N" },
	/* ---- small-study tests ---- */
	{ "egger-model", NULL, CMD_BIAS, S_BIAS, opt_choice, F(egger_rma),
	  egger_choices, 0, 0, "Egger's test by weighted regression "
	  "(default) or meta-regression with the method's tau2" },
	{ "trimfill", NULL, CMD_BIAS, S_BIAS, opt_choice, F(r0),
	  trimfill_choices, 0, 0, "trim-and-fill estimator of the number "
	  "missing (default L0)" },
	{ "funnel", "FILE", CMD_BIAS, S_BIAS, opt_file, F(funnel), NULL, 0,
	  0, "write a funnel plot to FILE (SVG, PNG or PDF by its extension)" },
	{ "contours", NULL, CMD_BIAS, S_BIAS, opt_flag, F(contours), NULL, 0,
	  0, "shade the funnel's zones p > 0.10, 0.05-0.10, 0.01-0.05 and "
	  "< 0.01, with a key" },
	{ "no-imputed", NULL, CMD_BIAS, S_BIAS, opt_flag,
	  F(plot.no_imputed), NULL, 0, 0, "leave the studies trim and fill "
	  "imputes out of the funnel plot" },
	/* ---- the claim of metak check ---- */
	{ "estimate", "X", CMD_CHECK, S_CLAIM, opt_string, F(claim[0]), NULL,
	  0, 0, "the pooled estimate as printed" },
	{ "ci-low", "L", CMD_CHECK, S_CLAIM, opt_string, F(claim[1]), NULL, 0,
	  0, "the lower end of its interval as printed" },
	{ "ci-high", "H", CMD_CHECK, S_CLAIM, opt_string, F(claim[2]), NULL,
	  0, 0, "the upper end as printed" },
	{ "p", "P", CMD_CHECK, S_CLAIM, opt_string, F(claim[3]), NULL, 0, 0,
	  "a printed p-value (\"0.03\" or \"<0.001\") to check too" },
	{ "scale", NULL, CMD_CHECK, S_CLAIM, opt_choice, F(scale),
	  scale_choices, 0, 0, "how the claim is printed: natural (default), "
	  "log (log OR or RR, as Stata's metan) or percent (RD x 100)" },
	/* ---- output ---- */
	{ "format", NULL, ALL | CMD_NETWORK, S_OUTPUT, opt_choice, F(format),
	  format_choices, 0, 0, "the report's format (default text)" },
	{ "output", "FILE", CMD_POOL | CMD_BIAS | CMD_NETWORK, S_OUTPUT, opt_file,
	  F(output), NULL, 0, 0, "write the report to FILE instead of "
	  "standard output" },
	{ "digits", "N", CMD_POOL | CMD_BIAS, S_OUTPUT, opt_integer,
	  F(plot.digits), NULL, 1, 10, "decimals of the effects shown in the "
	  "text report and plots, and of the effect columns of CSV (default: "
	  "from the width of the intervals, at least 2; CSV: full precision)" },
	{ "no-studies", NULL, CMD_POOL | CMD_BIAS, S_OUTPUT, opt_flag,
	  F(no_studies), NULL, 0, 0, "leave the per-study rows out of the "
	  "report" },
	/* ---- plots ---- */
	{ "svg", "FILE", CMD_POOL | CMD_NETWORK, S_PLOT, opt_file, F(svg), NULL, 0, 0,
	  "write a forest plot to FILE (SVG, PNG or PDF by its extension; "
	  "metak network: each treatment against the reference)" },
	{ "posterior", "FILE", CMD_POOL, S_PLOT, opt_file, F(posterior),
	  NULL, 0, 0, "with --method BAYES: write the posterior density of "
	  "tau with its prior to FILE (SVG, PNG or PDF by its extension)" },
	{ "title", "TEXT", CMD_POOL | CMD_BIAS | CMD_NETWORK, S_PLOT, opt_string,
	  F(plot.title), NULL, 0, 0, "the plot's title (forest, leave-one-"
	  "out, cumulative, funnel, posterior or network graph; default: "
	  "the file's name)" },
	{ "xlim", "LO,HI", CMD_POOL | CMD_BIAS | CMD_NETWORK, S_PLOT, opt_xlim, 0, NULL, 0,
	  0, "the plots' effect axis from LO to HI, on the natural scale "
	  "(ratios: positive); intervals beyond end in arrows" },
	{ "at", "X[,Y...]", CMD_POOL | CMD_BIAS | CMD_NETWORK, S_PLOT, opt_at, 0, NULL, 0,
	  0, "the effect axis' ticks, increasing, on the natural scale; "
	  "without --xlim the axis spans them" },
	{ "sort", "KEY", CMD_POOL, S_PLOT, opt_sort, 0, NULL, 0, 0,
	  "the forest plot's study rows by effect (smallest first), weight "
	  "(largest first), year (a year column, else the year in the study's "
	  "name) or a column; ties and rows without a value keep file order" },
	{ "width", "MM", CMD_POOL | CMD_BIAS | CMD_NETWORK, S_PLOT, opt_number,
	  F(plot_width), NULL, 5, 5000, "the plots' width in millimetres, the "
	  "height in proportion (default: as drawn, 96 px to the inch); a "
	  "plot FILE ending .png or .pdf is written as PNG or PDF, else SVG" },
	{ "dpi", "N", CMD_POOL | CMD_BIAS | CMD_NETWORK, S_PLOT, opt_number, F(plot_dpi),
	  NULL, 10, 2400, "a PNG plot's resolution in dots per inch (default "
	  "300)" },
	{ "columns", "COL[,COL]", CMD_POOL, S_PLOT, opt_string, F(columns),
	  NULL, 0, 0, "the forest plot shows these columns of the file beside "
	  "each study's label (risk-of-bias columns rob_d1 ... rob_overall, "
	  "or RevMan's, are shown as coloured dots without it)" },
	{ "good", NULL, CMD_POOL, S_PLOT, opt_choice, F(plot.good),
	  good_choices, 0, 0, "which outcome values are good: lower (fewer "
	  "events, less pain) or higher (bone density); the forest plot's "
	  "\"favours\" labels follow it (without it, and without "
	  "--favours-left/right, there are none)" },
	{ "favours-left", "TEXT", CMD_POOL, S_PLOT, opt_string,
	  F(plot.favours_left), NULL, 0, 0, "label under the left of the "
	  "axis (default with --good: \"Favours treatment\" for lower, "
	  "\"Favours control\" for higher)" },
	{ "favours-right", "TEXT", CMD_POOL, S_PLOT, opt_string,
	  F(plot.favours_right), NULL, 0, 0, "label under the right of the "
	  "axis (default with --good: the other arm)" },
	{ "label-t", "TEXT", CMD_POOL, S_PLOT, opt_string, F(plot.label_t),
	  NULL, 0, 0, "heading of the treatment arm's columns (default "
	  "\"Treatment\")" },
	{ "label-c", "TEXT", CMD_POOL, S_PLOT, opt_string, F(plot.label_c),
	  NULL, 0, 0, "heading of the control arm's columns (default "
	  "\"Control\")" },
	/* ---- network meta-analysis ---- */
	{ "model", NULL, CMD_NETWORK, S_NET, opt_choice, F(net_common),
	  model_choices, 0, 0, "random effects (default; tau2 by --method) "
	  "or the common-effect model" },
	{ "reference", "TRT", CMD_NETWORK, S_NET, opt_string, F(reference),
	  NULL, 0, 0, "the treatment the others are compared with (default: "
	  "the one in most studies, ties in byte order)" },
	{ "small-values", NULL, CMD_NETWORK, S_NET, opt_choice, F(small_bad),
	  small_choices, 0, 0, "P-scores: small effects are good (default) "
	  "or bad" },
	{ "graph", "FILE", CMD_NETWORK, S_NET, opt_file, F(graph), NULL, 0,
	  0, "write the network graph to FILE (SVG, PNG or PDF by its "
	  "extension): node area by "
	  "participants, edge width by studies" },
	/* ---- other ---- */
	{ "help", NULL, ALL | CMD_NETWORK, S_OTHER, NULL, 0, NULL, 0, 0,
	  "show this help" },
};

const size_t opt_count = sizeof(opt_table) / sizeof(opt_table[0]);
_Static_assert(sizeof(opt_table) / sizeof(opt_table[0]) <= MAX_OPTS,
    "raise MAX_OPTS");
