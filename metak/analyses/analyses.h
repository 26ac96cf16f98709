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

/* ---- influence diagnostics (influence.c) ------------------------------ */

/* Study `study`'s case-deletion diagnostics, as metafor's influence() and
 * baujat() on a one-mean rma.uni fit (influence.c gives the formulas). */
typedef struct mk_influence_row {
	size_t study;
	double rstudent, dffits, dfbetas, cook_d, cov_r, tau2_del, qe_del;
	double hat, weight;	/* weight in percent */
	int influential;	/* metafor's rule */
	double baujat_x, baujat_y;
	double est_del, se_del;	/* the refit without the study */
} mk_influence_row;

typedef struct mk_influence {
	size_t k;
	mk_influence_row *row;	/* in study order */
} mk_influence;

/* NULL when the diagnostics apply to a fit of s with o (inverse variance,
 * k >= 2, every estimate finite), else why not, in words. */
const char *mk_influence_unfit(const mk_studies *s, const mk_opts *o);
/* The diagnostics of f, the fit of s with o, from the leave-one-out
 * refits (on ctl's threads); *out is freed with mk_influence_free. */
int mk_influence_run(const mk_studies *s, const mk_fit *f, const mk_opts *o,
    const mk_sens_ctl *ctl, mk_influence **out, mk_err *err);
void mk_influence_free(mk_influence *in);

/* ---- summary-of-findings numbers (sof.c) ------------------------------ */

/* One end of a number needed to treat: NNTB (benefit), NNTH (harm), or
 * none (the difference is 0: the NNT is infinite). */
typedef enum { MK_NNT_NONE, MK_NNT_B, MK_NNT_H } mk_nnt_kind;
typedef struct mk_nnt_end {
	mk_nnt_kind kind;
	double value;		/* 1/|difference|; infinite at 0 */
} mk_nnt_end;

/* The absolute effects at one assumed control risk (risks as
 * proportions; differences intervention minus control). */
typedef struct mk_sof_row {
	double control;
	int given;		/* from --control-risk (else pooled) */
	double risk, risk_lo, risk_hi;
	double diff, diff_lo, diff_hi;
	mk_nnt_end nnt;		/* at the estimate */
	mk_nnt_end nnt_lo, nnt_hi;	/* at diff_lo and diff_hi */
	int through_infinity;	/* diff's interval holds 0 */
} mk_sof_row;

typedef struct mk_sof {
	mk_measure measure;	/* RR, OR or RD */
	int harmful;		/* events are harmful (death), not wanted */
	size_t k;
	double participants;	/* both arms, all studies; NaN: not known */
	double pooled_control;	/* control events / participants, summed */
	double control_events, control_n;
	double level;
	double est, lo, hi;	/* the pooled effect, natural scale */
	size_t n;
	mk_sof_row *row;
} mk_sof;

/* NULL when s's measure has absolute effects (RR, OR, RD), else why not. */
const char *mk_sof_unfit(const mk_studies *s);
/* The table's numbers for fit f of studies st at the assumed control
 * risks (nrisks 0: the pooled control-arm risk); *out is freed with
 * mk_sof_free. */
int mk_sof_run(const mk_studies *st, const mk_fit *f, const double *risks,
    size_t nrisks, int harmful, mk_sof **out, mk_err *err);
void mk_sof_free(mk_sof *s);

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

/* The figures of a claim, as bits of mk_check_row.fail. */
enum { MK_FIG_EST = 1, MK_FIG_LO = 2, MK_FIG_HI = 4, MK_FIG_P = 8 };

/* One refit tried against the claim: of all the studies, or (ndrop > 0)
 * of all but the ones named in drop. */
typedef struct mk_check_row {
	mk_method method;
	mk_citype ci;
	double cc;
	mk_ccto cc_to;		/* NONE where no study needed one */
	int mhq;		/* DL with tau2 from the MH Q (--dl-q mh) */
	size_t k;
	int fitted, match;
	double est, lo, hi;	/* natural scale */
	double p;		/* of the test of the pooled estimate */
	unsigned fail;		/* MK_FIG_*: the figures that differ */
	size_t ndrop;		/* studies left out (a subset), 0 to 2 */
	char drop[2][96];	/* their labels */
	char why[160];		/* when not fitted */
} mk_check_row;

/* Refits t with every applicable method x interval x correction (or only
 * base's method, interval and correction when fixed) and marks the rows
 * that reproduce the claim: every figure given (estimate, bounds and p)
 * equal at its printed precision; fail names the figures that differ.
 * Corrections are varied only where a study has a zero cell; DL is also
 * tried with tau2 from the Mantel-Haenszel Q where the data are 2x2
 * counts. */
int mk_check_data(const mk_table *t, const mk_opts *base, const mk_claim *c,
    int fixed, mk_check_row **rows, size_t *n, mk_err *err);
/* A claim the studies of t do not give: which subsets do? Each variant of
 * mk_check_data refitted without each study in turn (metafor's leave1out,
 * sens.c), and without each pair when k <= 30; the subsets that reproduce
 * every figure are appended to rows (ndrop set; at most MK_SUBSETS_MAX,
 * *found counts all), *tried counts the refits. */
#define MK_SUBSETS_MAX 40
int mk_check_subsets(const mk_table *t, const mk_opts *base,
    const mk_claim *c, int fixed, mk_check_row **rows, size_t *n,
    size_t *found, size_t *tried, mk_err *err);

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

/* ---- network meta-analysis (network.c, netsplit.c) ------------------- */

/* What --model, --reference and --small-values ask for; --method (REML
 * or DL) and --level are the mk_opts'. */
typedef struct mk_netspec {
	int common;		/* the common-effect model only */
	const char *reference;	/* NULL: the treatment in most studies */
	int small_bad;		/* small values are bad (P-scores) */
} mk_netspec;

/* Direct and indirect evidence on one pair (SIDE by back-calculation,
 * netmeta's netsplit): t1 before t2 in byte order, each t1 minus t2. */
typedef struct mk_netsplit {
	size_t t1, t2;
	size_t k;		/* studies with both */
	double direct, direct_se, indirect, indirect_se, diff, diff_se, p;
	double prop;		/* direct proportion V_network / V_direct */
} mk_netsplit;

typedef struct mk_network {
	mk_netdata *d;
	int random;		/* random effects (else common effect) */
	mk_method method;	/* REML or DL */
	double level;		/* percent */
	int small_bad;
	size_t ref;		/* the reference treatment */
	size_t T;		/* treatments (d->trt) */
	double tau2;		/* NaN under the common-effect model */
	int iters;
	double *est;		/* T: each treatment minus the reference */
	double *cov;		/* T x T: their covariance (0 for the ref) */
	double q, df, qp, i2;	/* the common-effect Q; I2 in percent */
	double q_within, df_within, p_within;	/* netmeta decomp.design */
	double q_between, df_between, p_between;
	double *pscore;		/* T */
	size_t *nstudies;	/* T: studies with each treatment */
	double *npart;		/* T: participants (NaN: not known) */
	size_t *direct;		/* T x T: studies with both treatments */
	size_t ncomparisons;	/* sum of a (a - 1) / 2 */
	size_t ndesigns, nmulti;
	size_t nsplit;
	mk_netsplit *split;
} mk_network;

/* The most treatments a network may have: its memory grows with their
 * square, each fit's work with their cube. */
#define MK_NET_MAXTRT 2000

/* The network of the rows of t under o (measure, method, level) and
 * spec; NULL with err. A network whose treatments fall into parts that
 * no study links is an error naming the parts. */
mk_network *mk_network_run(const mk_table *t, const mk_opts *o,
    const mk_netspec *spec, mk_warn *w, mk_err *err);
void mk_network_free(mk_network *n);
/* t1 minus t2 under the network's model: estimate and standard error. */
void mk_network_pair(const mk_network *n, size_t t1, size_t t2, double *est,
    double *se);

#endif
