/* analyses.h: what is done with fits: subgroups, leave-one-out and
 * cumulative refits, many analyses from one file, small-study tests,
 * checking a published result, meta-regression and multilevel runs from a
 * table. Calls fit and the layers below it. */
#ifndef METAK_ANALYSES_H
#define METAK_ANALYSES_H

#include "fit/fit.h"

/* ---- meta-regression and multilevel runs (metareg.c, mlfit.c, permute.c) */

mk_metareg *mk_metareg_run(const mk_table *t, const mk_studies *s,
    const mk_opts *o, const mk_regspec *spec, mk_warn *w, mk_err *err);
/* The multilevel model of spec (mlfit.c), REML or ML, as metafor's
 * rma.mv(yi, V, mods, random = ~ 1 | A/B/...). */
mk_metareg *mk_mlm_run(const mk_table *t, const mk_studies *s,
    const mk_opts *o, const mk_mlspec *spec, mk_warn *w, mk_err *err);
void mk_metareg_free(mk_metareg *r);

/* permute.c: permutation p-values of the fitted r (metafor's permutest):
 * exact over every distinct ordering of the design's rows (sign flips
 * for a model without moderators) when there are at most
 * spec->permutations of them, else that many less one random ones (from
 * spec->seed) and the observed one; spec->progress is told how far. */
int mk_permute(mk_metareg *r, const mk_opts *o, const mk_regspec *spec,
    mk_err *err);

/* ---- subgroups (subgroup.c) -------------------------------------------- */

typedef struct mk_group {
	char *level;
	mk_fit fit;
	mk_studies *studies;
} mk_group;

typedef struct mk_subgroups {
	char *by;
	size_t n;
	mk_group *g;
	double q, df, p;	/* test for subgroup differences */
	double diff_i2;		/* its I2: max(0, (Q - df) / Q), percent
				 * (RevMan; NaN under a common tau2) */
	mk_studies *none;	/* studies with an empty level: in the
				 * overall fit only (NULL: none) */
	double df2;		/* F test's second df (common tau2 + hksj) */
	int common;		/* one tau2 for all subgroups */
	/* with common: the mixed-effects model's tau2 and residual Q */
	double tau2, tau2_lo, tau2_hi, qe, qe_df, qe_p, i2, h2;
} mk_subgroups;

mk_subgroups *mk_subgroups_run(const mk_table *t, const mk_studies *s,
    const char *by, const mk_opts *o, mk_warn *w, mk_err *err);
void mk_subgroups_free(mk_subgroups *sg);

/* ---- sensitivity analyses (sens.c) ------------------------------------ */

/* One refit: leaving study `study` out, or adding it (cumulative). */
typedef struct mk_step {
	size_t study;		/* index into the studies */
	size_t k;
	double est, se, lo, hi, stat, p, tdf, pi_lo, pi_hi;
	double q, qdf, qp, tau2, i2, h2;
} mk_step;

/* How the refits run: on jobs threads (0 or 1: the calling one), with
 * progress(ud, done, total) called now and then on the calling thread
 * (NULL: never). The steps do not depend on jobs. */
typedef struct mk_sens_ctl {
	size_t jobs;
	void (*progress)(void *ud, size_t done, size_t total);
	void *ud;
} mk_sens_ctl;

/* Leave-one-out: k refits, each without one study (metafor leave1out). */
int mk_leave1out(const mk_studies *s, const mk_opts *o,
    const mk_sens_ctl *ctl, mk_step **out, mk_err *err);
/* Cumulative: k refits of the first 1, 2, ..., k studies in order (a
 * permutation of 0..k-1; NULL: file order), as metafor's cumul(). */
int mk_cumulative(const mk_studies *s, const size_t *order, const mk_opts *o,
    const mk_sens_ctl *ctl, mk_step **out, mk_err *err);

/* The studies ordered by a column: numerically when every value is a
 * number, else as text; ties keep file order. *order is malloc'd. */
int mk_order_by(const mk_table *t, const mk_studies *s, const char *column,
    const mk_opts *o, size_t **order, mk_err *err);

/* ---- many analyses from one file (each.c) ----------------------------- */

/* What --each does with each analysis. render runs on a worker thread
 * (any of them, in no set order): it may only read ud and write out. emit
 * runs on the thread that called mk_each_run, once per analysis in file
 * order, with what render wrote; why is NULL when the analysis was fitted,
 * else says why not; w holds the analysis's warnings. */
typedef struct mk_each_cb {
	void (*render)(const void *ud, mk_buf *out, const char *analysis,
	    const mk_table *t, const mk_studies *s, const mk_fit *f,
	    const mk_err *why);
	void (*emit)(void *ud, const char *analysis, const mk_buf *out,
	    const mk_err *why, const mk_warn *w);
	void *ud;
} mk_each_cb;

/* Which analyses, and on how many threads. Rows failing a where condition
 * (COLUMN=VALUE, all must hold) are skipped first. Only analyses whose
 * number (0-based, in file order) is shard_i modulo shard_n are fitted. */
typedef struct mk_each_spec {
	const char *column;
	const mk_map *where;
	size_t nwhere;
	size_t shard_i, shard_n;
	size_t jobs;		/* threads fitting (0 or 1: this one) */
} mk_each_spec;

/* Streams path, one fit per run of equal values of the spec's column.
 * Memory grows with the largest analysis times a few batches per thread
 * (and 8 bytes per analysis name seen, to catch non-contiguous input),
 * not with the number of analyses; what emit sees does not depend on
 * jobs. Errors in the file itself (shape, an analysis that comes back
 * later) stop it: the analyses complete before the bad row are still
 * emitted, then -1 with err. */
int mk_each_run(const char *path, const mk_opts *o, const mk_each_spec *sp,
    const mk_each_cb *cb, mk_err *err);

/* The number of processors online (at least 1): --jobs' default. */
size_t mk_cores(void);

/* ---- checking a published pooled result (check.c) ---------------------- */

/* A claim as printed: natural scale, with the decimals each number had. */
typedef enum { MK_SCALE_NATURAL, MK_SCALE_LOG, MK_SCALE_PERCENT } mk_scale;

typedef struct mk_claim {
	mk_measure measure;
	mk_scale scale;		/* how the claim was printed */
	double est, lo, hi, level;
	int dec_est, dec_lo, dec_hi;
	double p;		/* NaN when no p was given */
	int p_dec, p_less;	/* "p < x" */
} mk_claim;

/* One refit tried against the claim. */
typedef struct mk_check_row {
	mk_method method;
	mk_citype ci;
	double cc;
	mk_ccto cc_to;		/* NONE where no study needed one */
	int mhq;		/* DL with tau2 from the MH Q (--dl-q mh) */
	size_t k;
	int fitted, match;
	double est, lo, hi;	/* natural scale */
	char why[160];		/* when not fitted */
} mk_check_row;

/* Refits t with every applicable method x interval x correction (or only
 * base's method, interval and correction when fixed) and marks the rows
 * that reproduce the claim at its printed precision. Corrections are
 * varied only where a study has a zero cell; DL is also tried with tau2
 * from the Mantel-Haenszel Q where the data are 2x2 counts. */
int mk_check_data(const mk_table *t, const mk_opts *base, const mk_claim *c,
    int fixed, mk_check_row **rows, size_t *n, mk_err *err);

/* Internal consistency of a claim without data (analysis scale). */
typedef struct mk_consistency {
	double est, centre, centre_min, centre_max, se, z, p, p_min, p_max;
	int centred;		/* estimate within rounding of the centre */
	int p_checked, p_ok;
} mk_consistency;

void mk_check_consistency(const mk_claim *c, mk_consistency *k);

/* ---- small-study effects (bias.c) ------------------------------------ */

typedef struct mk_bias {
	double egger_b0, egger_b1, egger_se, egger_stat, egger_df, egger_p;
	int egger_rma;		/* meta-regression version, not lm */
	double begg_tau, begg_p;
	int begg_exact;
	const char *begg_why;	/* NULL, or why tau cannot be computed */
	size_t k0;		/* trim-and-fill: studies filled */
	int side_right;
	double *fill_y, *fill_v;	/* the filled studies (k0) */
	mk_fit tf_fit;		/* the fit of the filled data */
	/* 2x2 data only (binary set; binbias.c): Harbord's test on the
	 * intercept, Peters' on the slope, each over the tables it can use */
	int binary;
	double harbord_b0, harbord_se, harbord_stat, harbord_df, harbord_p;
	double peters_b1, peters_se, peters_stat, peters_df, peters_p;
	size_t harbord_k, peters_k;
	const char *harbord_why, *peters_why;	/* NULL, or why the test
						 * cannot be computed */
} mk_bias;

int mk_bias_run(const mk_studies *s, const mk_opts *o, int egger_rma, int r0,
    mk_bias *b, mk_err *err);
void mk_bias_free(mk_bias *b);

#endif
