/* internal.h: what the files of base/ share with each other and with the
 * layers above, beyond base.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_BASE_INTERNAL_H
#define METAK_BASE_INTERNAL_H

#include <stdint.h>

#include "base/base.h"

#define MK_LOG_2PI 1.8378770664093454836	/* log(2 pi) */

/* Root of f, which decreases through zero on [0, inf) with f(0) > 0. */
int mk_root_decreasing(double (*f)(double, void *), void *p, double start,
    int maxiter, double tol, double *root, int *iters);
/* The maximum of f on [lo, hi] by golden section, to within tol (at
 * most 200 steps): its abscissa, and the maximum in *fx. */
double mk_golden_max(double (*f)(double, void *), void *p, double lo,
    double hi, double tol, double *fx);
/* Brent's zero finder on a sign-changing bracket [a, b] (R's uniroot). */
int mk_zeroin(double (*f)(double, void *), void *p, double a, double b,
    double fa, double fb, double tol, int maxiter, double *root, int *iters);

/* A small symmetric positive definite n x n matrix M (row-major, both
 * halves) in place: its Cholesky factor L in the lower part, or with inv
 * M^-1 (both halves); *logdet (NULL: not wanted) = log|M|. -1 when M is
 * not positive definite (smallmat.c). */
int mk_spd_inv(double *M, size_t n, int inv, double *logdet);
/* Powers of symmetric matrices (matfun.c). mk_sym_power: S^pw of an n x n
 * S in place, eigenvalues at or below 1e-12 of the largest in magnitude
 * taken as 0 (so pw < 0 gives the pseudo-inverse's power); -1 on failure.
 * mk_isqrt_lowrank: out (n x m) = H^-1/2 F for H = diag(d) + U Cm U'
 * (d > 0, U n x q), given C0 = Cm^-1 + U' diag(d)^-1 U (q x q, which the
 * caller forms without cancellation) and bounds lo <= H's spectrum <= hi;
 * O(n q (q + m)) a node, about 400 + 2.5 log(hi / lo) nodes, no n x n
 * matrix. -1 when a capacitance is singular or the bounds are not
 * positive, -2 out of memory. */
int mk_sym_power(double *S, size_t n, double pw);
/* c = a b for row-major a (r x q) and b (q x s), sums in long double. */
void mk_matmul(const double *a, const double *b, double *c, size_t r,
    size_t q, size_t s);
int mk_isqrt_lowrank(size_t n, size_t q, const double *d, const double *U,
    const double *C0, double lo, double hi, const double *F, size_t m,
    double *out);
/* A prior on tau (prior.c): its log density up to a constant (-INFINITY
 * outside its support); the exponent a of its power tail tau^-a
 * (INFINITY: lighter than any power); where its mass lies, lo to hi (NaN:
 * anywhere, a flat prior). */
double mk_prior_logd(const mk_prior *p, double tau);
double mk_prior_tail(const mk_prior *p);
void mk_prior_scales(const mk_prior *p, double *lo, double *hi);

/* Two-sided p-value of z (normal) or t with df degrees of freedom (df > 0). */
double mk_pvalue(double stat, double df);
/* chi2 quantile with upper (upper = 1) or lower tail probability tail. */
double mk_chisq_quantile(double tail, double df, int upper);
/* Critical value for a two-sided level (percent): z, or t when df > 0. */
double mk_crit(double level, double df);

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
/* Is the cell a missing value: empty (or blank), NA, N/A, null or #N/A in
 * any case? The one test of missing cells, for numbers and for the text
 * columns that group or order studies (--by, --random, --robust, --each,
 * --where, --sort, --order, retracted). */
int mk_missing(const char *s);
/* s without its leading white space; *n: its length without the trailing
 * white space (numparse.c). */
const char *mk_trim(const char *s, size_t *n);
/* Does a cell hold --where's value: exactly, or both missing (an empty
 * value or a missing word selects the missing cells)? */
int mk_where_match(const char *cell, const char *value);
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

/* "p = 0.0123", "p < 0.0001" or "p = NA", as the text reports print it. */
void mk_buf_p(mk_buf *b, double p);

/* JSON: a string with escapes; "key": number (null when not finite),
 * preceded by ", " when comma is set. */
void mk_json_str(mk_buf *b, const char *s);
void mk_json_key(mk_buf *b, const char *key, double x, int comma);

/* Gauss-Hermite rules (ghq.c): n nodes x_j and lw_j = log w_j + x_j^2 of
 * the rule for weight exp(-x^2), so that int g(x) dx ~ sum exp(lw_j)
 * g(x_j); made once per n (1 to MK_GH_MAX) and shared; 0 or -1. */
#define MK_GH_MAX 256
int mk_gh_rule(size_t n, const double **x, const double **lw);

/* Fisher's non-central hypergeometric distribution (nchg.c) of a 2x2
 * table's first cell A given n1, n2 and m = A + C, at its observed a:
 * support lo..hi, log-coefficients r (relative to a's) and their steps
 * d. mk_nchg_eval gives log P(A = a; theta) and, when mean is not NULL,
 * E(A) and (var not NULL) Var(A) at log odds ratio theta. */
typedef struct mk_nchg {
	double lo, hi, a;
	size_t n;
	double *r, *d, *ed;	/* ed: e^d */
} mk_nchg;
int mk_nchg_init(mk_nchg *h, double n1, double n2, double m, double a);
void mk_nchg_free(mk_nchg *h);
double mk_nchg_eval(const mk_nchg *h, double theta, double *mean,
    double *var);

/* orth.c: X (k x p, row-major) = Q R, Q (k x p) with orthonormal columns,
 * R (p x p) upper triangular; -1 when a column is (nearly) a combination
 * of those before it. mk_orth_back takes the coefficients b~ and their
 * covariance V~ of a fit on Q to X's, b = R^-1 b~, V = R^-1 V~ R^-T, in
 * place (-1: out of memory). */
int mk_orthonormal(const double *x, size_t k, size_t p, double *q,
    double *r);
int mk_orth_back(const double *r, size_t p, double *b, double *vb);

#endif
