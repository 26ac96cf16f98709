/* internal.h: what the files of fit/ share with each other and with the
 * layers above, beyond fit.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_FIT_INTERNAL_H
#define METAK_FIT_INTERNAL_H

#include "effects/internal.h"
#include "fit/fit.h"

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
/* Moves the last base to base, its sums taken again over rows [0, n)
 * (O(n)); mk_sums_near: is tau2 well within a base's series? */
void mk_sums_rebase(mk_sums *s, double base);
int mk_sums_near(const mk_sums *s, double tau2);
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
/* Newton (or Fisher) scoring of the components not fixed, from theta;
 * 0 or one of these. */
#define MK_ML_NOCONV (-1)	/* no convergence in maxiter steps */
#define MK_ML_SINGULAR (-2)	/* M is not positive definite */
#define MK_ML_NONIDENT (-3)	/* singular information */
int mk_ml_fit(const mk_ml *m, double *theta, const int *fixed, double scale,
    double tol, int maxiter, mk_mlstate *st, int *iters);

/* qgen.c: a warning when a fitted tau2 lies outside its own Q-profile
 * interval (the interval inverts Q, not the estimator: with sampling
 * variances spanning many orders of magnitude REML or ML can lie outside
 * it; metafor shows that without a word). */
void mk_tau2_ci_note(const mk_design *d, const mk_model *m, mk_warn *w);
/* --method BAYES (bayes.c): fills f (allocated for s->k studies) with
 * the posterior summaries and f->bayes; 0, or -1 with err (err->usage set
 * when the fault is in the command line: no default prior for the
 * measure). */
int mk_bayes_fit(const mk_studies *s, const mk_opts *o, mk_fit *f,
    mk_warn *w, mk_err *err);

/* The posterior of tau as quadrature nodes in x = log tau (bayes.c builds
 * them, bayesq.c sums over them): panel p holds nodes [MK_GK p,
 * MK_GK (p + 1)) of a Gauss-Kronrod rule; the last two nodes stand for the
 * tails below the first panel and above the last. wk (wg) is the node's
 * Kronrod (Gauss, 0 at Kronrod-only nodes) weight times the normalised
 * posterior density, so sum wk = 1. The mixtures are summed over act,
 * the nodes whose weight counts (above 1e-17), with the nodes of tau so
 * small that mu | tau no longer depends on it merged into one: act entry a
 * is node act[a] with weight wact[a]; nodeact[j] is node j's entry
 * (SIZE_MAX: none) and phi[a] holds the last CDF evaluation's Phi there. */
#define MK_GK 15
#define MK_BAYES_CTOL 1e-11	/* absolute error of a mixture's CDF */
typedef struct mk_bnodes {
	size_t npanel, n, nact;
	double *hw;			/* npanel: half-widths */
	double *tau2, *wk, *wg, *m, *V;	/* n: mu | tau ~ N(m, V) */
	size_t *act, *nodeact;
	double *wact, *phi;
} mk_bnodes;

/* bayesq.c: the normal mixture sum_a wact_a N(mean_a, 1/isd_a^2) over the
 * act entries. Its CDF at q and density there (Phi kept in phi); its
 * p-quantile by safeguarded Newton from start (scale: a typical sd, for
 * the steps and the tolerance), 0 or -1 when it does not converge; and
 * the estimated error of the CDF last evaluated (Kronrod against Gauss,
 * panel by panel), flagging (flag[p] = 1) the panels where it exceeds
 * tol / npanel. */
double mk_mix_cdf(mk_bnodes *nd, const double *mean, const double *isd,
    double q, double *dens);
int mk_mix_quantile(mk_bnodes *nd, const double *mean, const double *isd,
    double p, double start, double scale, double *q, double *dens);
double mk_mix_error(const mk_bnodes *nd, double tol, unsigned char *flag);
/* QUADPACK's error estimate of a Kronrod sum K from its Gauss sum G, the
 * integral of |f - K / width| (resasc) and of |f| (resabs). */
double mk_gk_error(double K, double G, double resasc, double resabs);
/* The 15-point Kronrod rule on [-1, 1]: abscissae xgk[0..7] (xgk[7] = 0;
 * xgk[1], [3], [5] and [7] are the 7-point Gauss rule's), weights wgk and
 * the Gauss weights wg[0..3] of xgk[1], [3], [5], [7]. */
extern const double mk_xgk[8], mk_wgk[8], mk_wg[4];
/* The Kronrod weight of node i (0..14, from -xgk[0] to xgk[0]) of a panel. */
double mk_gk_weight(size_t i);

/* bayesq.c: the nodes' memory; E mu, sd mu and E tau from the nodes,
 * the power tail tau^-a above tau tb (where mu | tau has variance Vb) in
 * closed form, NaN where they do not exist; the quantiles of mu, of a new
 * study's effect (brief < 2) and of each study's (brief 0), and P(mu <
 * threshold),
 * flagging the panels to bisect (err: the largest CDF error estimated);
 * and f from the summaries in b. */
void mk_bnodes_free(mk_bnodes *nd);
void mk_bayes_moments(const mk_bnodes *nd, double a, double tb, double Vb,
    int flatmu, mk_bayes *b);
int mk_bayes_mixtures(mk_bnodes *nd, mk_bayes *b, double level, int brief,
    unsigned char *flag, double *err);
void mk_bayes_fill(mk_fit *f, const mk_bayes *b);

/* The Wald statistic b'V^-1b of coefficients first..p-1 (model.c). */
double mk_wald(const double *b, const double *vb, size_t p, size_t first);

/* Cluster-robust inference (robust.c): cl[i] the cluster (0..ncl-1) of
 * design row i, cov fills the model's marginal covariance of a set of
 * rows, which is block-diagonal by blk[i * bstride] (blocks within
 * clusters; blk NULL: diagonal). Replaces the model's covariance, tests
 * and intervals. */
typedef void (*mk_cov_fn)(void *ud, const size_t *rows, size_t n,
    double *M);
/* type: MK_CR2 (each cluster by the cheaper of a dense eigen decomposition
 * and the low-rank quadrature), MK_CR1, or CR2 by one path for tests. */
enum { MK_CR2, MK_CR1, MK_CR2_DENSE, MK_CR2_LOWRANK };
int mk_robust(mk_model *mo, const mk_design *d, const size_t *cl, size_t ncl,
    int type, const size_t *blk, size_t bstride, mk_cov_fn cov, void *ud,
    mk_err *err);
/* CR2's pieces of one cluster (cr2.c): mk_cr2_new keeps the model's A^-1
 * (p x p; NULL with *rc -1 when it is not positive definite, -2 out of
 * memory); mk_cr2_cluster gives the n rows' adjusted score u (p) and the
 * p x p pieces gg and hs of the Satterthwaite df: 0, -1 when a covariance
 * is singular, -2 out of memory. */
typedef struct mk_cr2 mk_cr2;
mk_cr2 *mk_cr2_new(const double *ainv, size_t p, int *rc);
int mk_cr2_cluster(mk_cr2 *c, int type, const mk_model *mo,
    const mk_design *d, const size_t *rows, size_t n, const size_t *blk,
    size_t bstride, mk_cov_fn cov, void *ud, double *u, double *gg,
    double *hs);
void mk_cr2_free(mk_cr2 *c);
/* The t df of the contrast c'b (p values) of a fitted model: the
 * Satterthwaite df of CR2 (clubSandwich's linear_contrast), else the
 * model's df (n - p for CR1, k - p under hksj, NaN for z). */
double mk_robust_df(const mk_model *mo, const double *c);

/* GLMMs (glmmlik.c, glmm.c): a study's arms, each a count with a pmf
 * (binomial, Poisson, or the non-central hypergeometric of a 2x2 table)
 * at linear predictor eta = off + X psi + sum_r Z_r psi[sidx r] z_r in
 * the study's parameters psi (at most MK_GLMM_NP) and q independent
 * N(0, 1) effects z (the SDs are parameters, so the log-likelihood is
 * even in each). */
enum { MK_GF_BINOM, MK_GF_POIS, MK_GF_NCHG };
#define MK_GLMM_NP 5
typedef struct mk_garm {
	int fam;
	double x, n;		/* events, trials (binomial) */
	double off;		/* offset: log time, log(n1/n2), ... */
	double lc;		/* the pmf's constant: log C(n, x), -log x! */
	const mk_nchg *h;	/* MK_GF_NCHG: the table */
	double X[MK_GLMM_NP];	/* d eta / d psi (the fixed effects) */
	double Z[2];		/* each random effect's loading */
} mk_garm;
typedef struct mk_gstudy {
	int na, q;		/* arms (1, 2), random effects (0-2) */
	int sidx[2];		/* psi index of random effect r's SD */
	mk_garm arm[2];
	double zhat[2];		/* the last mode, where the next search
				 * starts */
} mk_gstudy;
/* The quadrature rule (nq points per effect) and scratch for a study. */
typedef struct mk_gwork {
	size_t nq;
	const double *x, *lw;
	double *buf;
} mk_gwork;
int mk_gwork_init(mk_gwork *w, int q, size_t nq);
void mk_gwork_free(mk_gwork *w);
/* The study's marginal log-likelihood at psi (np values) and, when g is
 * not NULL, its gradient g and Hessian H (np x np): 0, or -1. */
int mk_gstudy_eval(mk_gstudy *s, const double *psi, int np, mk_gwork *w,
    double *ll, double *g, double *H);

/* A GLMM's studies for the fit (glmmopt.c): shared parameters theta (ps;
 * scale[p]: an SD, the log-likelihood even in it, set to 0 exactly where
 * the maximum is there; fixed[p]: held at its value) and, for the studies
 * with has_a set, a parameter of their own (alpha, psi[0] before
 * theta). */
typedef struct mk_gprob {
	size_t k;
	mk_gstudy *st;
	unsigned char *has_a;	/* NULL: none */
	double *alpha;
	int ps;
	unsigned char scale[MK_GLMM_NP], fixed[MK_GLMM_NP];
	mk_gwork w;
} mk_gprob;
/* Maximises from theta (and alpha): theta and alpha at the maximum, the
 * log-likelihood ll and vb (ps x ps) the inverse observed information of
 * the free parameters (NaN for the fixed). 0; -1 an evaluation failed;
 * -2 no convergence in maxiter steps; -3 the estimates diverge; -4 the
 * information at the maximum is singular. */
int mk_gprob_fit(mk_gprob *P, double *theta, int maxiter, double *ll,
    double *vb, int *iters);

/* A GLMM's data (glmm.c): per study the events and the trials (or time)
 * of each arm (one-group data: arm 1 only), binomial or Poisson. */
typedef struct mk_gdata {
	mk_glmm model;
	int pois, arms;
	size_t k;
	double *x1, *n1, *x2, *n2;
	mk_nchg *h;		/* CM.EL for 2x2 tables: each table */
} mk_gdata;
/* The fit of --glmm into f (pool.c's mk_fit_run calls it). */
int mk_glmm_fit(const mk_studies *s, const mk_opts *o, mk_fit *f,
    mk_warn *w, mk_err *err);
/* The saturated model of d's model (glmmsat.c): its log-likelihood and
 * the Wald test that its study effects are equal (NaN where one is
 * infinite); nq quadrature points for UM.RS's. 0, or -1 (err). */
int mk_glmm_saturated(const mk_gdata *d, size_t nq, int maxiter,
    double *ll, double *q_wald, mk_err *err);

#endif
