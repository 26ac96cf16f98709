/* fit.h: the models: the pooled estimate (inverse variance,
 * Mantel-Haenszel, Peto), tau2 estimators and their intervals, the
 * mixed-effects model behind meta-regression, multilevel models and
 * cluster-robust inference. Calls effects, read and base. */
#ifndef METAK_FIT_H
#define METAK_FIT_H

#include "effects/effects.h"

/* ---- fitting (pool.c, qgen.c) ------------------------------------------- */

/* What a GLMM (--glmm, glmm.c) adds to a fit: the tests for
 * heterogeneity against the saturated model, the full log-likelihood
 * with its information criteria, and UM.RS's random study intercept. */
typedef struct mk_glmm_res {
	mk_glmm model;		/* as fitted (CM.AL for IRR is CM.EL) */
	double sigma2;		/* UM.RS: the intercept's variance; NaN */
	double q_wald, q_wald_p;	/* NaN where a saturated estimate is
					 * infinite */
	double q_lrt, q_lrt_p, df;
	double loglik, aic, bic;
	int npar;		/* parameters counted in AIC, BIC */
	size_t nobs;		/* observations counted in BIC */
	size_t nq;		/* quadrature points per random effect */
} mk_glmm_res;

typedef struct mk_bayes mk_bayes;
typedef struct mk_fit {
	mk_method method;
	mk_citype ci;
	double level;
	size_t k;
	double est, se, lo, hi, stat, p, pi_lo, pi_hi;
	double tdf;		/* t df under hksj, NaN for z */
	double q, qdf, qp;
	double tau2, tau, i2, h2;
	double tau2_lo, tau2_hi, i2_lo, i2_hi;
	double *weight;		/* k, percent of total */
	double *yi, *vi;	/* per-study values shown (k) */
	int iters;
	int tau2_boundary;	/* truncated at 0 */
	int tau2_capped;	/* a Q-profile bound hit the search limit */
	mk_glmm_res *glmm;	/* --glmm: the model's own results; NULL */
	mk_bayes *bayes;	/* --method BAYES: the posterior; else NULL */
} mk_fit;

void mk_fit_free(mk_fit *f);
/* Fits the model that o asks for; 0 or -1 with err filled. */
int mk_fit_run(const mk_studies *s, const mk_opts *o, mk_fit *f, mk_warn *w,
    mk_err *err);

/* ---- Bayesian random effects (bayes.c, bayesq.c) ---------------------- */

/* The posterior of the normal-normal model y_i ~ N(theta_i, v_i),
 * theta_i ~ N(mu, tau^2) under the priors of --prior-tau and --prior-mu,
 * summarised on the analysis scale (bayes.c says how it is computed). A
 * moment that does not exist is NaN. */
struct mk_bayes {
	mk_prior prior_tau, prior_mu;	/* as used: the default resolved */
	double threshold;		/* analysis scale */
	double mu_median, mu_mean, mu_sd, mu_lo, mu_hi;
	double tau_median, tau_mean, tau_lo, tau_hi;
	double pred_median, pred_lo, pred_hi;	/* a new study's effect */
	double p_below;			/* P(mu < threshold | y) */
	size_t k;
	double *shr_median, *shr_lo, *shr_hi;	/* each study's effect
					 * theta_i | y; NULL: not asked */
	double *y, *v;			/* the data (k), for mk_bayes_density */
	double logz;			/* log of the normalising constant of
					 * p(log tau | y), as bayes.c scales it */
	double zref;			/* the scale of that constant */
	size_t panels;			/* quadrature panels in log tau */
	double tau_hi_shown;		/* where a plot of tau's posterior ends */
};

/* The normalised posterior density of tau at tau. */
double mk_bayes_density(const mk_bayes *b, double tau);
void mk_bayes_free(mk_bayes *b);

/* ---- the linear mixed model (wls.c, tau2.c, qgen.c, model.c) --------- */

/* The design of y = X b + u + e, u ~ N(0, tau2), e_i ~ N(0, v_i): k rows,
 * X k x p row-major; x NULL (with p = 1) is one mean, a column of ones.
 * sums (refits of one mean, sens.c): the rows' sums come from there, and
 * y and v are NULL. */
typedef struct mk_sums mk_sums;
typedef struct mk_design {
	size_t k, p;
	const double *y, *v;
	const double *x;
	const mk_sums *sums;
} mk_design;

/* A variance component of a multilevel model. */
typedef struct mk_vcomp {
	char *name;		/* "A", "A/B", ... */
	size_t nlevels;		/* distinct groups */
	double sigma2, lo, hi;	/* estimate, profile-likelihood CI */
	int fixed;		/* one level only: fixed at 0 */
	int hi_capped;		/* the CI's upper end is the search limit */
	double i2;		/* percent of the total variance (Cheung) */
	double lrt, lrt_p;	/* against the model without it (chi2(1)) */
} mk_vcomp;

/* A fitted model, as metafor's rma.uni(yi, vi, mods = X), or rma.mv with
 * nested random intercepts (comp set), possibly with cluster-robust
 * inference (robust set). */
typedef struct mk_model {
	size_t k, p;
	size_t m;		/* coefficients the omnibus test covers */
	mk_method method;
	mk_citype ci;
	double level;
	double tau2;
	int iters;
	double *b, *vb;		/* p coefficients, p x p covariance */
	double *se, *stat, *pval, *lo, *hi;	/* per coefficient */
	double df;		/* t df (k - p) under hksj; NaN for z */
	double s2w;		/* Knapp-Hartung variance factor (1 for z) */
	double qm, qm_df, qm_df2, qm_p;	/* Wald chi2, or F(m, k - p) */
	double qe, qe_df, qe_p;	/* residual heterogeneity, FE weights */
	double vt, i2, h2;	/* typical variance, I2 (percent), H2 */
	double tau2_lo, tau2_hi;
	int tau2_capped;
	int reml_fit;		/* ll and the rest are REML's (else ML's) */
	double ll, dev, aic, bic, aicc;
	double *w;		/* k model weights 1/(v + tau2) */
	int singular;		/* not fitted: X'WX is singular */
	double *cdf;		/* p: each coefficient's t df; NaN for z */
	mk_vcomp *comp;		/* multilevel: the variance components */
	size_t ncomp;
	int robust;		/* 0, 1 (CR1) or 2 (CR2) */
	size_t nclusters;	/* robust: clusters */
	double *rob_gg, *rob_hs;	/* CR2: per cluster G G' and H (p x p
					 * each), for the df of a contrast */
	size_t nvc;		/* variance components estimated (tau2: 1) */
} mk_model;

/* Fits the model with o's method (FE or a tau2 estimator), interval and
 * level; intercept says column 0 is an intercept (left out of the omnibus
 * test). 0, or -1 with err. */
int mk_model_fit(const mk_design *d, const mk_opts *o, int intercept,
    mk_model *m, mk_err *err);
void mk_model_free(mk_model *m);
/* Whether a dense design of k rows and p columns is beyond what metak
 * fits (memory k p doubles, work k p^2 per evaluation): see model.c. */
int mk_design_too_large(size_t k, size_t p);
/* x0'b with its SE, CI and prediction interval (estimate +- crit
 * sqrt(SE^2 + tau2), tau2 the sum of the variance components, crit as pi
 * says) for one row x0 of p values (predict.c), as metafor's predict():
 * under --robust the robust SE with t on n - p df (CR1) or the contrast's
 * Satterthwaite df (CR2). */
void mk_model_predict(const mk_model *m, mk_pitype pi, const double *x0,
    double *est, double *se, double *lo, double *hi, double *pilo,
    double *pihi);

/* Random-effects pieces, exposed for the tests. */
int mk_tau2(mk_method m, const mk_design *d, const mk_opts *o, double *tau2,
    int *iters, mk_err *err);
/* Generalised Q(tau2) = sum (y - X b(tau2))^2 / (v + tau2). */
double mk_qgen(const mk_design *d, double tau2);
/* The scale of the data: the harmonic mean of v (convergence is judged
 * relative to it). */
double mk_vscale(const mk_design *d);
/* Q-profile confidence interval for tau2 at level (percent), searched on
 * metafor's interval [0, max(100, 10 tau2hat)]; *capped is set when a bound
 * lies beyond it and is reported as the interval's end (metafor's ">"). */
int mk_tau2_ci(const mk_design *d, double level, double tau2hat, double *lo,
    double *hi, int *capped);

/* ---- meta-regression designs (mods.c) ------------------------------- */

/* One moderator: a numeric column, or a factor whose levels (in byte
 * order, the first the reference) each after the first get a column. */
typedef struct mk_modcol {
	char *name;		/* as in the header */
	int col;		/* table column */
	int factor;
	size_t nlev;
	char **lev;
	double mean;		/* numeric: mean over the studies used */
} mk_modcol;

/* What --mods, --predict and --permutations ask for. */
typedef struct mk_regspec {
	const char *const *mods;	/* column names */
	size_t nmods;
	const char *const *predict;	/* "a=V,b=W" each */
	size_t npredict;
	size_t permutations;		/* 0: none */
	unsigned long seed;		/* of random permutations */
	const char *robust;		/* cluster column; NULL: none */
	int robust_cr1;			/* metafor's CR1, not CR2 */
	/* called now and then during the permutations with the refits
	 * done and their number (NULL: never) */
	void (*progress)(void *ud, size_t done, size_t total);
	void *progress_ud;
} mk_regspec;

/* A multilevel model: --random A/B/... (outermost first), --rho. */
typedef struct mk_mlspec {
	const char *const *random;
	size_t nrandom;
	double rho;			/* NaN: sampling errors independent */
	const mk_regspec *reg;		/* moderators and robust inference */
} mk_mlspec;

/* A meta-regression: the studies that have every moderator, the design
 * (intercept first; columns the data cannot separate dropped) and the
 * fit, as metafor's rma(yi, vi, mods = ~ ...). */
typedef struct mk_metareg {
	size_t nmods;
	mk_modcol *mods;
	size_t k, p;		/* studies used, coefficients */
	char **names;		/* p: intrcpt, COLUMN or COLUMN=LEVEL */
	double *x, *y, *v;	/* k x p design, k effects and variances */
	size_t *study;		/* k: index into the mk_studies */
	size_t *colmap;		/* p: column of the full design kept */
	size_t pfull;		/* columns before redundant ones were dropped */
	mk_model fit;
	double r2;		/* pseudo-R2 in percent; NaN: not defined */
	size_t nclusters;	/* multilevel: outermost groups */
	size_t *cluster;	/* k: outermost group of each row */
	char **cluster_name;	/* its value; the column is comp[0] */
	size_t npred;
	const char **pred_label;	/* as given to --predict */
	double *pred;		/* npred x 6: est, se, ci, pi */
	size_t nperm;		/* permutations done (0: none) */
	int perm_exact;
	double *p_perm;		/* p permutation p-values */
	double qm_p_perm;
} mk_metareg;

/* mods.c: the design of spec->mods for the studies of s (into r), and
 * one --predict row x0 (r->p values). */
int mk_mods_design(const mk_table *t, const mk_studies *s, const mk_opts *o,
    const mk_regspec *spec, mk_metareg *r, mk_warn *w, mk_err *err);
int mk_mods_row(const mk_metareg *r, const char *spec, double *x0,
    mk_err *err);

/* ---- network meta-analysis (netfit.c) ------------------------------- */

/* The generalised least-squares fit of a network's treatment effects at
 * one tau2 (Lu & Ades 2004; metafor rma.mv with random = ~ comp | study,
 * rho = 1/2): treatment t is coefficient col[t] of p (SIZE_MAX: fixed at
 * 0, the reference); the studies use[0..nuse) (use NULL: all). */
typedef struct mk_netgls {
	size_t p;
	double *b;		/* p coefficients */
	double *cov;		/* p x p: (X'M^-1X)^-1 */
	double q;		/* r'M^-1r, plus the misfit of contrast rows
				 * that do not add up */
	double ll;		/* REML log-likelihood, without constants */
	double trpc;		/* with derivs: tr(P C) */
	double score, info, obs;	/* REML score in tau2, expected and
					 * observed information */
} mk_netgls;
int mk_netgls_at(const mk_netdata *d, const size_t *use, size_t nuse,
    const size_t *col, size_t p, double tau2, int derivs, mk_netgls *g,
    mk_err *err);
void mk_netgls_free(mk_netgls *g);
/* tau2 of the whole network by REML (o->tol, o->maxiter) or DL. */
int mk_net_tau2(const mk_netdata *d, const size_t *col, size_t p,
    mk_method m, const mk_opts *o, double *tau2, int *iters, mk_err *err);

#endif
