/* internal.h: helpers shared between library files, not part of the API. */
#ifndef METAK_INTERNAL_H
#define METAK_INTERNAL_H

#include "metak.h"

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

/* A number in a cell (numparse.c): MK_NUM_OK with *out, MK_NUM_EMPTY for
 * a missing value, MK_NUM_BAD with *why saying what is wrong. */
enum { MK_NUM_OK, MK_NUM_EMPTY, MK_NUM_BAD };
int mk_parse_num(const char *s, double *out, const char **why);

/* Appends s as XML character data: markup escaped, control characters
 * XML forbids turned into spaces. */
void mk_buf_xml(mk_buf *b, const char *s);
/* x as "%.15g" writes it (out: at least 32 bytes). */
void mk_fmt_g15(char *out, double x);
void mk_buf_g15(mk_buf *b, double x);
/* Display columns of UTF-8 text (code points). */
int mk_utf8_width(const char *s);
/* "p = 0.0123", "p < 0.0001" or "p = NA", as the text reports print it. */
void mk_buf_p(mk_buf *b, double p);
/* A CSV field, quoted when it holds a comma, quote or line break. */
void mk_csv_str(mk_buf *b, const char *s);
/* JSON: a string with escapes; "key": number (null when not finite),
 * preceded by ", " when comma is set. */
void mk_json_str(mk_buf *b, const char *s);
void mk_json_key(mk_buf *b, const char *key, double x, int comma);

/* ---- the effect axis of forest plots (axis.c) ---- */
#define MK_AXIS_MAXTICKS 16
typedef struct mk_axis {
	int log;		/* ticks are labelled exp(t) */
	double lo, hi;		/* shown range, analysis scale */
	double tick[MK_AXIS_MAXTICKS];
	int n;
} mk_axis;

void mk_axis_make(mk_axis *ax, double lo, double hi, int logscale);
/* A linear axis over [lo, hi] with nice ticks, not forced through 0. */
void mk_axis_linear(mk_axis *ax, double lo, double hi);
void mk_axis_for_fit(mk_axis *ax, const mk_fit *f, int logscale);
/* Position of x in the shown range, 0 at lo and 1 at hi (may be outside). */
double mk_axis_pos(const mk_axis *ax, double x);

#endif
