/* internal.h: helpers shared between library files, not part of the API. */
#ifndef METAK_INTERNAL_H
#define METAK_INTERNAL_H

#include <stdint.h>

#include "metak.h"

#define MK_LOG_2PI 1.8378770664093454836	/* log(2 pi) */

/* Root of f, which decreases through zero on [0, inf) with f(0) > 0. */
int mk_root_decreasing(double (*f)(double, void *), void *p, double start,
    int maxiter, double tol, double *root, int *iters);
/* Brent's zero finder on a sign-changing bracket [a, b] (R's uniroot). */
int mk_zeroin(double (*f)(double, void *), void *p, double a, double b,
    double fa, double fb, double tol, int maxiter, double *root, int *iters);
/* Q at tau2 = 0 and the typical within-study variance (k-p)/trP. */
int mk_q_typical(const mk_design *d, double *q, double *tv);
/* The tau2 where the generalised Q equals target, within [lo, hi];
 * scale: the data's (mk_vscale), for the stopping rule. */
int mk_q_root(const mk_design *d, double target, double lo, double hi,
    double scale, double *root);

/* The sums of one-mean fits on subsets of the studies (sums.c): power
 * sums sum u^q y^r, u = 1/(v + base), about three bases of tau2 (0, t0
 * the full fit's, t1 another start), y taken about shift; the subset is
 * rows [0, n) of y and v except skip. mk_design.sums makes wls.c and
 * tau2.c read them instead of passing over y and v. */
#define MK_SUMS_Q 28
#define MK_SUMS_BASES 3
struct mk_sums {
	const double *y, *v;
	size_t n, skip;
	double shift;
	double base[MK_SUMS_BASES], umax[MK_SUMS_BASES];	/* umax: a bound
						 * on u over the rows */
	long double p[MK_SUMS_BASES][MK_SUMS_Q][3];
	long double logs[MK_SUMS_BASES];	/* sum log(v + base) */
	long double sv;			/* sum v */
};
typedef struct mk_wls mk_wls;
void mk_sums_init(mk_sums *s, const double *y, const double *v,
    double shift, double t0, double t1);
void mk_sums_add(mk_sums *s, size_t i, int sign);
size_t mk_sums_k(const mk_sums *s);
/* sum log(v + tau2) over the subset */
long double mk_sums_log(const mk_sums *s, double tau2);
double mk_sums_vscale(const mk_sums *s);
int mk_sums_wls(const mk_sums *s, double tau2, mk_wls *out);
int mk_sums_ols(const mk_sums *s, mk_wls *out);

/* The one-mean model's results as a fit of k studies, without the
 * per-study weights (pool.c). */
void mk_fit_from_model(mk_fit *f, const mk_model *m, const mk_opts *o,
    size_t k);

/* Weighted least squares at one tau2 (wls.c): coefficients b, (X'WX)^-1,
 * RSS = sum w r^2, yPPy = sum w^2 r^2, sum w, sum w^2, and with
 * MK_WLS_TRACES tr P and tr PP; log det X'WX. mk_wls_ols is the unit-
 * weight fit, with trp = tr(P V) and sw2 = sum v. */
typedef struct mk_wls {
	size_t p;
	double *ainv, *b2, *b3, *b, *tmp;
	long double *acc;
	double rss, ypp, sw, sw2, trp, trpp, logdet;
} mk_wls;
#define MK_WLS_TRACES 1u
int mk_wls_init(mk_wls *s, size_t p);
void mk_wls_free(mk_wls *s);
int mk_wls_at(const mk_design *d, double tau2, mk_wls *s, unsigned what);
int mk_wls_ols(const mk_design *d, mk_wls *s);
/* metafor's default upper end of a tau2 search: max(100, 10 mad(y)^2). */
double mk_tau2_search_max(const double *y, size_t k);
/* Two-sided p-value of z (normal) or t with df degrees of freedom (df > 0). */
double mk_pvalue(double stat, double df);
/* chi2 quantile with upper (upper = 1) or lower tail probability tail. */
double mk_chisq_quantile(double tail, double df, int upper);
/* Critical value for a two-sided level (percent): z, or t when df > 0. */
double mk_crit(double level, double df);

/* Multilevel models (mlm.c): the data arranged in blocks by the
 * outermost level, and the state of one evaluation of the likelihood. */
#define MK_MAXLEVELS 8
typedef struct mk_ml {
	mk_design d;
	size_t L;		/* levels, outermost first */
	const size_t *gid;	/* k x L: group of each row at each level */
	const size_t *ng;	/* L: groups per level */
	double rho;		/* sampling correlation in a block; NaN */
	int reml;
	double logdet_xx;	/* log|X'X|, for REML (metafor's REMLf) */
	size_t nb, maxn;	/* blocks, largest block */
	size_t *ord;		/* rows in block order */
	size_t *bstart;		/* nb + 1 block starts into ord */
	size_t *loc;		/* k x L: group within its block (ord order) */
	size_t *nloc;		/* nb x L: groups in each block */
	double *work;
} mk_ml;

#define MK_MAXP_STACK 64	/* coefficients for the observed information */
typedef struct mk_mlstate {
	double *bref;		/* the sums are taken about these b */
	long double *xhx, *xhr;	/* X'M^-1X, X'M^-1(y - X b_ref) */
	double *ainv, *b, *ab;	/* (X'M^-1X)^-1, b, scratch 2 p^2 + p */
	double logdet_m, logdet_a, rhr, rss, ll;
	long double *c0, *c1, *bl, *trhg, *trhghg, *tlm, *d0, *e, *f;
	double *score, *info;	/* L, L x L (expected information) */
	double *obs;		/* L x L: observed information */
} mk_mlstate;

int mk_ml_setup(mk_ml *m, const mk_design *d, const size_t *gid,
    const size_t *ng, size_t L, double rho, int reml);
void mk_ml_free(mk_ml *m);
int mk_mlstate_init(mk_mlstate *st, size_t p, size_t L);
void mk_mlstate_free(mk_mlstate *st);
/* The marginal covariance of block c at theta (n x n, row-major). */
void mk_ml_block_cov(const mk_ml *m, size_t c, const double *theta,
    double *M);
/* b, (X'M^-1X)^-1, the log-likelihood and, with derivs, the score and
 * information at theta; -1 when M or X'M^-1X is singular. */
int mk_ml_eval(const mk_ml *m, const double *theta, int derivs,
    mk_mlstate *st);
/* The diagonal of M^-1 at theta, for each row (metafor's weights of an
 * rma.mv fit, before they are made percentages). */
int mk_ml_weights(const mk_ml *m, const double *theta, double *w);
/* Newton (or Fisher) scoring of the components not fixed, from theta. */
int mk_ml_fit(const mk_ml *m, double *theta, const int *fixed, double scale,
    double tol, int maxiter, mk_mlstate *st, int *iters);
/* The multilevel fit of the design in r (mlfit.c): gid (k x L) the group
 * of each row at each level, ng the groups per level, names for messages. */
int mk_mlm_fit(mk_metareg *r, const size_t *gid, const size_t *ng, size_t L,
    const char *const *names, const mk_opts *o, double rho, mk_warn *w,
    mk_err *err);

/* The Wald statistic b'V^-1b of coefficients first..p-1 (model.c). */
double mk_wald(const double *b, const double *vb, size_t p, size_t first);

/* Cluster-robust inference (robust.c): cl[i] the cluster (0..ncl-1) of
 * design row i, cov fills the model's marginal covariance of a set of
 * rows. Replaces the model's covariance, tests and intervals. */
typedef void (*mk_cov_fn)(void *ud, const size_t *rows, size_t n,
    double *M);
int mk_robust(mk_model *mo, const mk_design *d, const size_t *cl, size_t ncl,
    int cr1, mk_cov_fn cov, void *ud, mk_err *err);
/* The clusters of the design's rows by the column (robustcl.c), with
 * nesting of outer (gid, NULL: none) checked for CR2. */
int mk_robust_run(const mk_table *t, const mk_studies *s, mk_metareg *r,
    const mk_opts *o, const char *column, int cr1, const size_t *outer,
    size_t stride, size_t nouter, mk_cov_fn cov, void *ud, mk_err *err);

/* Strings to dense ids in order of first appearance (strmap.c). */
typedef struct mk_strmap {
	char **key;
	size_t *len, *slot;
	size_t n, cap, kcap;
} mk_strmap;
#define MK_STRMAP_OOM (SIZE_MAX - 1)
/* The id of s (n bytes); a new one when add is set (MK_STRMAP_OOM when
 * memory runs out), else SIZE_MAX when s is not there. */
size_t mk_strmap_id(mk_strmap *m, const char *s, size_t n, int add);
void mk_strmap_free(mk_strmap *m);

/* A number in a cell (numparse.c): MK_NUM_OK with *out, MK_NUM_EMPTY for
 * a missing value, MK_NUM_BAD with *why saying what is wrong. */
enum { MK_NUM_OK, MK_NUM_EMPTY, MK_NUM_BAD };
int mk_parse_num(const char *s, double *out, const char **why);
/* Is x 0 or of a magnitude from 1e-60 to 1e60, the data values metak
 * computes with (squares, products and sums of them stay finite)? */
int mk_in_range(double x);
#define MK_RANGE_MSG "out of the range metak computes with (0, or a " \
	"magnitude from 1e-60 to 1e60)"

/* Appends s as XML character data: markup escaped, control characters
 * XML forbids turned into spaces, bytes that are not UTF-8 into U+FFFD. */
void mk_buf_xml(mk_buf *b, const char *s);
/* The length of the valid UTF-8 sequence at s, or 0. */
size_t mk_utf8_seq(const char *s);
/* s for a terminal: control characters as \n, \r, \t or \xNN, bytes that
 * are not UTF-8 as \xNN (into out, n bytes); the number escaped. */
size_t mk_escape(const char *s, char *out, size_t n);
/* s itself when it needs no escaping, else its escaped form in tmp. */
const char *mk_label(const char *s, char *tmp, size_t n);
/* x as "%.15g" writes it (out: at least 32 bytes). */
void mk_fmt_g15(char *out, double x);
void mk_buf_g15(mk_buf *b, double x);
/* Display columns of UTF-8 text (code points). */
int mk_utf8_width(const char *s);
/* The order of the study rows of s in r's forest plot (r->plot->sort):
 * ord[0..k) indices into s; 0, or -1 (memory; ord then file order). */
int mk_study_order(const mk_result *r, const mk_studies *s, size_t *ord);
/* The drawn width in px of s at font size px (bold or not), for layout:
 * Helvetica's widths with room for a wider fallback font (textw.c). */
double mk_text_px(const char *s, double size, int bold);
/* The length of the longest start of s, up to a break, that fits in maxw
 * px: after "; " if one fits, else before a space, else as many code
 * points as fit (at least one). */
size_t mk_text_fit(const char *s, double maxw, double size, int bold);
/* A plot's title as bold 14 px lines from (x, 24), 18 px apart, wrapped
 * to maxw; the number of lines. */
size_t mk_svg_title(mk_buf *b, const char *title, double x, double maxw);
/* "p = 0.0123", "p < 0.0001" or "p = NA", as the text reports print it. */
void mk_buf_p(mk_buf *b, double p);
/* A CSV field, quoted when it holds a comma, quote or line break. */
void mk_csv_str(mk_buf *b, const char *s);
/* JSON: a string with escapes; "key": number (null when not finite),
 * preceded by ", " when comma is set. */
void mk_json_str(mk_buf *b, const char *s);
void mk_json_key(mk_buf *b, const char *key, double x, int comma);
/* ', "natural": {...}' for a measure that is a transformation (report.c):
 * the pooled estimate, CI and PI back on the natural scale. */
void mk_json_natural(mk_buf *b, mk_measure m, double n, double est,
    double lo, double hi, double pilo, double pihi);

/* ---- the effect axis of forest plots (axis.c) ---- */
#define MK_AXIS_MAXTICKS 16
typedef struct mk_axis {
	int log;		/* ticks are labelled exp(t) */
	double lo, hi;		/* shown range, analysis scale */
	double tick[MK_AXIS_MAXTICKS];
	int n;
} mk_axis;

void mk_axis_make(mk_axis *ax, double lo, double hi, int logscale);
/* The user's range xlim[2] (NULL: none) and ticks at (natural scale; log
 * taken for a log axis) in place of the chosen ones; 1 if any given. */
int mk_axis_user(mk_axis *ax, const double *xlim, const double *at, int nat);
/* Tick i's label ("%g", natural scale) into out, and 1 when it may be
 * drawn centred at x (size px) without touching the label before it, whose
 * right end *right holds (updated); 0: leave this tick unlabelled. Start
 * *right at -INFINITY. */
int mk_axis_label(const mk_axis *ax, int i, double x, double size,
    double *right, char *out, size_t n);
/* A linear axis over [lo, hi] with nice ticks, not forced through 0. */
void mk_axis_linear(mk_axis *ax, double lo, double hi);
/* How reports show a measure's values (view.c): printed on the natural
 * scale; plotted at analysis-scale positions on a log axis (ratios) or at
 * natural positions on a linear axis (transformed measures). */
typedef struct mk_view {
	mk_measure m;
	int log;		/* a ratio: log axis */
	int natural;		/* positions are natural values */
	int fixed;		/* axis over lim_lo..lim_hi */
	double lim_lo, lim_hi;
	int null;		/* a line of no effect at 0 (1 for ratios) */
	int compare;		/* two groups: "favours" labels */
} mk_view;
void mk_view_init(mk_view *v, mk_measure m);
/* x (analysis scale) as printed, and its position on the plot's axis; n
 * is the sample size PFT needs (a study's, or the harmonic mean). */
double mk_view_value(const mk_view *v, double x, double n);
double mk_view_pos(const mk_view *v, double x, double n);
/* What the shown values are: the measure's name, or "Proportion",
 * "Correlation", "Rate" for a transformed measure shown on its natural
 * scale. */
const char *mk_view_unit(const mk_view *v);
/* ", pooled on the logit scale, shown as proportions" and the like ("" for
 * a measure shown on its own scale). */
void mk_view_note(char *out, size_t n, mk_measure m);
/* The axis a forest plot of fit f over studies s shows (n: the pooled
 * values' sample size for PFT). */
void mk_view_axis(const mk_view *v, mk_axis *ax, const mk_plot_opts *po,
    const mk_fit *f,
    const mk_studies *s, double n);
/* Position of x in the shown range, 0 at lo and 1 at hi (may be outside). */
double mk_axis_pos(const mk_axis *ax, double x);

/* An arm's SD from the SE or the 95% CI of its mean; its mean and SD
 * from q = min, q1, median, q3, max (NaN where not printed: the range
 * and/or the quartiles) as R meta does (convert.c), returning MK_ARMS_*;
 * Wan et al.'s expected range xi(n) and interquartile range eta(n). */
double mk_sd_from_se(double se, double n);
double mk_sd_from_ci(double lo, double hi, double n);
int mk_from_quantiles(double n, const double *q, double *mean, double *sd);
double mk_wan_xi(double n);
double mk_wan_eta(double n);

/* The forms of a study's data (forms.c): the measure's own data (fam
 * not MK_FAM_ANY), reported estimates, given yi, in reading order. The
 * means form reads each arm from whichever of SD, SE, CI or median it
 * carries. */
struct mk_form {
	mk_from from;
	mk_kind kind;
	mk_family fam;
	int cols[4];
	int ncols;
	mk_measure deflt;
};
extern const struct mk_form mk_forms[];
extern const size_t mk_nforms;
int mk_form_in_header(const struct mk_form *f, const int *col);
/* One row being read: the table, its columns, the measure. */
struct mk_rowctx {
	const mk_table *t;
	size_t r;
	const int *col;
	mk_measure m;
	mk_err *err;
};
/* What a row gave in one form: the kind's inputs x (the data forms),
 * yi and vi (reported and given forms), the form and the arms' reading. */
struct mk_read {
	double x[6];
	double yi, vi;
	mk_from from;
	unsigned char arms;
};
/* Reads row R->r in form f: 0 complete (out set, values checked), 1
 * incomplete (miss lists the empty columns), -1 an error at a cell. */
int mk_form_read(const struct mk_rowctx *R, const struct mk_form *f,
    struct mk_read *out, char *miss, size_t nmiss);

/* Where studies' numbers came from (provenance.c): whether every study
 * is in one form with nothing converted; ', "from": ..., "conversion":
 * ...' of study i; the '"left_out": [...],' list; the text report's
 * data and left-out sections. */
int mk_studies_plain(const mk_studies *s);
/* A form that is the data themselves (counts, means and SDs, ...). */
int mk_from_direct(mk_from f);
void mk_json_from(mk_buf *b, const mk_studies *s, size_t i);
void mk_json_left_out(mk_buf *b, const mk_result *r);
void mk_render_provenance_text(mk_buf *b, const mk_result *r);

/* Harbord's and Peters' tests when every study is a 2x2 table
 * (binbias.c). */
int mk_bias_binary(const mk_studies *s, mk_bias *b, mk_err *err);

/* stepsout.c: for step j of leave-one-out or cumulative refits, the
 * sample size PFT needs (the harmonic mean of the n of the studies it
 * pools; NaN but for proportions), a value on the natural scale as shown
 * (tiny values as 0, never "-0.000"). */
double mk_step_n(const mk_result *r, const mk_step *st, size_t j,
    int cumulative);
double mk_step_shown(const mk_view *v, double x, double n);

#endif
