/* glmm.c: the GLMMs of --glmm, metafor's rma.glmm models fitted to the
 * counts: each study's arms set up for glmmlik.c, the fixed-effect and
 * the random-effects fit (glmmopt.c), the pooled result and what it adds
 * to a fit; the saturated models behind the tests are glmmsat.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fit/internal.h"

/* Quadrature points per random effect: one effect, two (UM.RS). The fit
 * is checked against 3/2 as many at its maximum (check_nodes). */
#define NQ1 48
#define NQ2 24
#define MAX_SUPPORT 2e7	/* CM.EL: the largest support of a table */

/* The models (Stijnen, Hamza and Ozdemir 2010, Stat Med 29:3046; metafor
 * 3.8's parameterisation), beta the pooled log OR (log IRR, logit, log
 * rate), theta = (beta, ...) the shared parameters:
 *   UM.FS  arms alpha_i + beta + u_i/2, alpha_i - u_i/2, u_i ~ N(0, tau2),
 *          alpha_i each study's own; theta = (beta, tau)
 *   UM.RS  gamma + beta + v_i + u_i/2, gamma + v_i - u_i/2, v_i ~ N(0,
 *          sigma2) and u_i independent; theta = (beta, gamma, sigma, tau)
 *   CM.EL  a_i given the margins non-central hypergeometric (2x2) or x1_i
 *          given x1_i + x2_i binomial with logit log(t1/t2) + theta_i
 *          (rates), theta_i ~ N(beta, tau2); theta = (beta, tau)
 *   CM.AL  a_i given a_i + c_i binomial, logit log(n1/n2) + theta_i
 *   BN     x_i binomial (logit) or Poisson (log, offset log t) at beta
 *          + u_i
 * With --method FE tau = 0 (UM.RS keeps sigma). */
struct layout {
	int ps;		/* shared parameters with tau */
	int own;	/* each study has its own intercept */
	int tau;	/* index of tau in theta */
	int q;		/* random effects with tau */
};

static struct layout
layout_of(mk_glmm m)
{
	struct layout L = { 2, 0, 1, 1 };

	if (m == MK_GLMM_UMFS)
		L.own = 1;
	if (m == MK_GLMM_UMRS) {
		L.ps = 4;
		L.tau = 3;
		L.q = 2;
	}
	return L;
}

static double
lchoose(double n, double x)
{
	return (double)(lgammal((long double)n + 1) - lgammal((long double)x
	    + 1) - lgammal((long double)(n - x) + 1));
}

static void
arm_set(mk_garm *A, int pois, double x, double n, double off)
{
	memset(A, 0, sizeof(*A));
	A->fam = pois ? MK_GF_POIS : MK_GF_BINOM;
	A->x = x;
	A->n = n;
	A->off = off + (pois ? log(n) : 0);	/* n: time for Poisson */
	A->lc = pois ? -(double)lgammal((long double)x + 1) : lchoose(n, x);
}

/* Study i of d as the model's arms (local parameters: its own intercept,
 * then theta). */
static void
study_set(const mk_gdata *d, size_t i, mk_gstudy *S)
{
	struct layout L = layout_of(d->model);
	double x1 = d->x1[i], n1 = d->n1[i];

	memset(S, 0, sizeof(*S));
	S->na = 1;
	S->sidx[0] = L.own + L.tau;
	switch (d->model) {
	case MK_GLMM_UMFS:	/* (alpha, beta, tau) */
		S->na = 2;
		arm_set(&S->arm[0], d->pois, x1, n1, 0);
		arm_set(&S->arm[1], d->pois, d->x2[i], d->n2[i], 0);
		S->arm[0].X[0] = S->arm[0].X[1] = S->arm[1].X[0] = 1;
		S->arm[0].Z[0] = 0.5;
		S->arm[1].Z[0] = -0.5;
		break;
	case MK_GLMM_UMRS:	/* (beta, gamma, sigma, tau) */
		S->na = 2;
		arm_set(&S->arm[0], d->pois, x1, n1, 0);
		arm_set(&S->arm[1], d->pois, d->x2[i], d->n2[i], 0);
		S->arm[0].X[0] = S->arm[0].X[1] = S->arm[1].X[1] = 1;
		S->arm[0].Z[0] = S->arm[1].Z[0] = 1;
		S->arm[0].Z[1] = 0.5;
		S->arm[1].Z[1] = -0.5;
		S->sidx[0] = 2;
		S->sidx[1] = 3;
		break;
	case MK_GLMM_CMEL:
	case MK_GLMM_CMAL:
		if (d->h != NULL) {	/* CM.EL, 2x2: the table's exact pmf */
			S->arm[0].fam = MK_GF_NCHG;
			S->arm[0].x = x1;
			S->arm[0].h = &d->h[i];
		} else {	/* the conditional binomial */
			arm_set(&S->arm[0], 0, x1, x1 + d->x2[i], log(n1 /
			    d->n2[i]));
		}
		S->arm[0].X[0] = 1;
		S->arm[0].Z[0] = 1;
		break;
	default:		/* BN */
		arm_set(&S->arm[0], d->pois, x1, n1, 0);
		S->arm[0].X[0] = 1;
		S->arm[0].Z[0] = 1;
		break;
	}
}

/* Why beta's maximum-likelihood estimate is infinite (every study's data
 * at the same end: a zero cell on one side), or NULL. */
static const char *
infinite_beta(const mk_gdata *d)
{
	size_t lo = 0, hi = 0;

	for (size_t i = 0; i < d->k; i++) {
		double a = d->x1[i], c = d->x2[i];
		int l, h;
		if (d->arms == 1) {
			l = a == 0;
			h = !d->pois && a == d->n1[i];
		} else if (d->pois) {
			l = a == 0;
			h = c == 0;
		} else {
			l = a == 0 || c == d->n2[i];
			h = c == 0 || a == d->n1[i];
		}
		lo += l && !h;
		hi += h && !l;
	}
	if (d->arms == 1 && lo == d->k)
		return "no study has any event: the likelihood has no maximum "
		    "(the estimate is -infinity)";
	if (d->arms == 1 && hi == d->k)
		return "every participant of every study had the event: the "
		    "likelihood has no maximum (the estimate is +infinity)";
	if (lo == d->k)
		return d->pois ? "no study has an event in the treatment arm: "
		    "the estimate is -infinity" : "every study has no events in "
		    "the treatment arm or only events in the control arm: the "
		    "estimate is -infinity";
	if (hi == d->k)
		return d->pois ? "no study has an event in the control arm: the "
		    "estimate is +infinity" : "every study has no events in the "
		    "control arm or only events in the treatment arm: the "
		    "estimate is +infinity";
	return NULL;
}

static void
gdata_free(mk_gdata *d)
{
	for (size_t i = 0; d->h != NULL && i < d->k; i++)
		mk_nchg_free(&d->h[i]);
	free(d->h);
	free(d->x1);
	free(d->n1);
	free(d->x2);
	free(d->n2);
}

/* The counts of the studies of s for model m. */
static int
gdata_init(mk_gdata *d, const mk_studies *s, mk_glmm m, mk_err *err)
{
	size_t k = s->k;

	memset(d, 0, sizeof(*d));
	d->model = m;
	d->k = k;
	d->arms = s->kind == MK_KIND_BINARY || s->kind == MK_KIND_RATE2 ? 2 :
	    1;
	d->pois = s->kind == MK_KIND_RATE2 || s->kind == MK_KIND_RATE1;
	d->x1 = malloc((k ? k : 1) * sizeof(double));
	d->n1 = malloc((k ? k : 1) * sizeof(double));
	d->x2 = calloc(k ? k : 1, sizeof(double));
	d->n2 = calloc(k ? k : 1, sizeof(double));
	if (!d->x1 || !d->n1 || !d->x2 || !d->n2)
		goto oom;
	for (size_t i = 0; i < k; i++) {
		if (s->kind == MK_KIND_BINARY) {
			d->x1[i] = s->ai[i];
			d->n1[i] = s->ai[i] + s->bi[i];
			d->x2[i] = s->ci[i];
			d->n2[i] = s->ci[i] + s->di[i];
		} else {
			d->x1[i] = s->raw[0][i];
			d->n1[i] = s->raw[1][i];
			if (d->arms == 2) {
				d->x2[i] = s->raw[2][i];
				d->n2[i] = s->raw[3][i];
			}
		}
	}
	if (m != MK_GLMM_CMEL || s->kind != MK_KIND_BINARY)
		return 0;
	if ((d->h = calloc(k ? k : 1, sizeof(mk_nchg))) == NULL)
		goto oom;
	for (size_t i = 0; i < k; i++) {
		double m1 = d->x1[i] + d->x2[i];
		double sup = fmin(d->n1[i], m1) - fmax(0, m1 - d->n2[i]) + 1;
		if (sup > MAX_SUPPORT) {
			mk_err_set(err, "", 0, "", "--glmm CM.EL: a table with %.0f "
			    "possible values of its first cell is beyond the "
			    "exact conditional likelihood's reach (at most %.0f); "
			    "use CM.AL or UM.FS", sup, MAX_SUPPORT);
			return -1;
		}
		if (mk_nchg_init(&d->h[i], d->n1[i], d->n2[i], m1, d->x1[i]) != 0)
			goto oom;
	}
	return 0;
oom:
	mk_err_set(err, "", 0, "", "out of memory");
	return -1;
}

/* The model's studies, for a fit with random effects (re) or without. */
static int
prob_init(mk_gprob *P, const mk_gdata *d, int re, size_t nq)
{
	struct layout L = layout_of(d->model);

	memset(P, 0, sizeof(*P));
	P->k = d->k;
	P->ps = re ? L.ps : L.ps - 1;
	P->st = calloc(d->k ? d->k : 1, sizeof(mk_gstudy));
	if (L.own) {
		P->has_a = malloc(d->k ? d->k : 1);
		P->alpha = calloc(d->k ? d->k : 1, sizeof(double));
	}
	if (P->st == NULL || (L.own && (P->has_a == NULL || P->alpha ==
	    NULL)))
		return -1;
	for (size_t i = 0; i < d->k; i++) {
		study_set(d, i, &P->st[i]);
		P->st[i].q = re ? L.q : L.q - 1;
		if (L.own)
			P->has_a[i] = 1;
	}
	if (d->model == MK_GLMM_UMRS)
		P->scale[2] = 1;
	if (re)
		P->scale[L.tau] = 1;
	return mk_gwork_init(&P->w, P->st[0].q, nq);
}

static void
prob_free(mk_gprob *P)
{
	free(P->st);
	free(P->has_a);
	free(P->alpha);
	mk_gwork_free(&P->w);
}

/* Fits P from theta; the error in words. */
static int
prob_fit(mk_gprob *P, double *th, const mk_opts *o, double *ll, double *vb,
    int *iters, const char *what, mk_err *err)
{
	int rc = mk_gprob_fit(P, th, o->maxiter, ll, vb, iters);

	if (rc == 0)
		return 0;
	if (rc == -2)
		mk_err_set(err, "", 0, "", "the %s did not converge in %d "
		    "iterations (--maxiter)", what, o->maxiter);
	else if (rc == -3)
		mk_err_set(err, "", 0, "", "the %s does not converge: its "
		    "estimates diverge (the likelihood has no maximum)", what);
	else if (rc == -4)
		mk_err_set(err, "", 0, "", "the %s's information matrix is "
		    "singular at the maximum: no standard error", what);
	else
		mk_err_set(err, "", 0, "", "the %s could not be evaluated (a "
		    "likelihood is not finite)", what);
	return -1;
}

/* The log-likelihood at the fit's maximum with 3/2 as many quadrature
 * points: how far the rule is from the integral. */
static int
check_nodes(const mk_gdata *d, int re, size_t nq, const double *th,
    const double *alpha, double *ll)
{
	mk_gprob P;
	long double s = 0;
	int rc = -1;

	if (prob_init(&P, d, re, nq) != 0)
		goto done;
	for (size_t i = 0; i < d->k; i++) {
		double psi[MK_GLMM_NP], l;
		int np = 0;
		if (P.has_a != NULL && alpha != NULL)
			psi[np++] = alpha[i];
		for (int p = 0; p < P.ps; p++)
			psi[np++] = th[p];
		if (mk_gstudy_eval(&P.st[i], psi, np, &P.w, &l, NULL, NULL) != 0)
			goto done;
		s += l;
	}
	*ll = (double)s;
	rc = 0;
done:
	prob_free(&P);
	return rc;
}

/* The inverse-variance mean of the escalc estimates: beta's start. */
static double
start_beta(const mk_studies *s)
{
	long double sw = 0, swy = 0;

	for (size_t i = 0; i < s->k; i++)
		if (isfinite(s->yi[i]) && s->vi[i] > 0 && isfinite(s->vi[i])) {
			sw += 1 / (long double)s->vi[i];
			swy += s->yi[i] / (long double)s->vi[i];
		}
	return sw > 0 ? (double)(swy / sw) : 0;
}

/* metafor's I2 and H2 of a GLMM: tau2 against the typical within-study
 * variance (k-1)/(sum w - sum w^2/sum w) of the escalc variances. */
static void
i2_h2(mk_fit *f, const mk_studies *s)
{
	long double sw = 0, sw2 = 0;
	size_t n = 0;

	for (size_t i = 0; i < s->k; i++)
		if (s->vi[i] > 0 && isfinite(s->vi[i])) {
			sw += 1 / (long double)s->vi[i];
			sw2 += 1 / ((long double)s->vi[i] * s->vi[i]);
			n++;
		}
	double vt = n > 1 ? (double)((long double)(n - 1) / (sw - sw2 / sw)) :
	    NAN;
	f->i2 = 100 * f->tau2 / (vt + f->tau2);
	f->h2 = f->tau2 / vt + 1;
}

/* The fixed-effect fit (with UM.RS's sigma) and, with ML, the random-
 * effects fit from it; theta at the chosen fit, vb its covariance. */
struct gfit {
	double th[MK_GLMM_NP], vb[MK_GLMM_NP * MK_GLMM_NP], ll, ll_fe;
	double *alpha;		/* UM.FS: the study intercepts */
	int iters;
	size_t nq;		/* points per effect of the fit (0: none) */
	int inexact;		/* the rule did not settle at MAX_NQ */
	int tau0, sigma0;	/* on the boundary 0 */
};

/* Points per random effect at most (q = 1, q = 2). */
#define MAX_NQ1 192
#define MAX_NQ2 96

/* One fit (re: with tau) from theta and alpha, with nq points per effect
 * where it has random effects, checked at its maximum against 3/2 as
 * many: while the log-likelihood moves by more than 1e-9 (plus rounding
 * at 1e-13 of it), refitted with twice as many, up to MAX_NQ. */
static int
fit_one(const mk_gdata *d, int re, const mk_opts *o, double *th,
    double *alpha, size_t *nq, double *ll, double *vb, int *iters,
    unsigned char *fixed, int *inexact, mk_err *err)
{
	struct layout L = layout_of(d->model);
	int q = re ? L.q : L.q - 1;
	size_t cap = q == 2 ? MAX_NQ2 : MAX_NQ1;
	mk_gprob P;
	double ll2;
	const char *what = re ? "random-effects GLMM" : "fixed-effect GLMM";

	*nq = q == 0 ? 1 : q == 2 ? NQ2 : NQ1;
	*inexact = 0;
	for (;;) {
		if (prob_init(&P, d, re, *nq) != 0) {
			prob_free(&P);
			mk_err_set(err, "", 0, "", "out of memory");
			return -1;
		}
		if (alpha != NULL)
			memcpy(P.alpha, alpha, d->k * sizeof(double));
		if (prob_fit(&P, th, o, ll, vb, iters, what, err) != 0) {
			prob_free(&P);
			return -1;
		}
		if (alpha != NULL)
			memcpy(alpha, P.alpha, d->k * sizeof(double));
		memcpy(fixed, P.fixed, sizeof(P.fixed));
		prob_free(&P);
		if (q == 0)
			break;
		if (check_nodes(d, re, *nq * 3 / 2, th, alpha, &ll2) != 0) {
			mk_err_set(err, "", 0, "", "the %s could not be evaluated "
			    "with more quadrature points", what);
			return -1;
		}
		if (fabs(ll2 - *ll) <= 1e-9 + 1e-13 * fabs(*ll))
			break;
		if (*nq * 2 > cap) {
			*inexact = 1;
			break;
		}
		*nq *= 2;
		for (int p = 0; p < MK_GLMM_NP; p++)	/* start again */
			if (fixed[p])
				th[p] = p == L.tau ? 0.5 : 0.3;
	}
	if (q == 0)
		*nq = 0;
	return 0;
}

static int
fit_models(const mk_gdata *d, const mk_studies *s, const mk_opts *o,
    int ml, struct gfit *G, mk_err *err)
{
	struct layout L = layout_of(d->model);
	double th[MK_GLMM_NP] = { 0 };
	unsigned char fixed[MK_GLMM_NP];
	int it = 0;

	G->iters = 0;
	th[0] = start_beta(s);
	if (L.own) {	/* start: the control arm's logit (log rate) */
		if ((G->alpha = malloc((d->k ? d->k : 1) *
		    sizeof(double))) == NULL) {
			mk_err_set(err, "", 0, "", "out of memory");
			return -1;
		}
		for (size_t i = 0; i < d->k; i++)
			G->alpha[i] = d->pois ? log((d->x2[i] + 0.5) / d->n2[i]) :
			    log((d->x2[i] + 0.5) / (d->n2[i] - d->x2[i] + 0.5));
	}
	if (d->model == MK_GLMM_UMRS) {	/* gamma, sigma from the controls */
		long double m = 0, v = 0;
		for (size_t i = 0; i < d->k; i++)
			m += d->pois ? log((d->x2[i] + 0.5) / d->n2[i]) :
			    log((d->x2[i] + 0.5) / (d->n2[i] - d->x2[i] + 0.5));
		m /= (long double)d->k;
		for (size_t i = 0; i < d->k; i++) {
			long double e = (d->pois ? log((d->x2[i] + 0.5) /
			    d->n2[i]) : log((d->x2[i] + 0.5) / (d->n2[i] -
			    d->x2[i] + 0.5))) - m;
			v += e * e;
		}
		th[1] = (double)m;
		th[2] = fmax(0.3, (double)sqrtl(v / (long double)d->k));
	}
	if (fit_one(d, 0, o, th, G->alpha, &G->nq, &G->ll_fe, G->vb, &it,
	    fixed, &G->inexact, err) != 0)
		return -1;
	G->iters += it;
	G->sigma0 = d->model == MK_GLMM_UMRS && fixed[2];
	G->ll = G->ll_fe;
	memcpy(G->th, th, sizeof(th));
	if (!ml)
		return 0;
	/* from the fixed-effect fit, tau = 0.5 */
	th[L.tau] = 0.5;
	if (d->model == MK_GLMM_UMRS && !(th[2] > 0.05))
		th[2] = 0.3;
	if (fit_one(d, 1, o, th, G->alpha, &G->nq, &G->ll, G->vb, &it, fixed,
	    &G->inexact, err) != 0)
		return -1;
	G->iters += it;
	G->tau0 = fixed[L.tau];
	G->sigma0 = d->model == MK_GLMM_UMRS && fixed[2];
	memcpy(G->th, th, sizeof(th));
	return 0;
}

int
mk_glmm_fit(const mk_studies *s, const mk_opts *o, mk_fit *f, mk_warn *w,
    mk_err *err)
{
	mk_glmm m = o->glmm;
	mk_gdata d;
	struct gfit G;
	int ml = o->method == MK_ML, rc = -1;
	const char *why;

	if (o->method != MK_ML && o->method != MK_FE) {
		mk_err_set(err, "", 0, "", "--glmm fits by maximum likelihood: "
		    "--method ML (random effects, the default) or FE");
		err->usage = 1;
		return -1;
	}
	if (m == MK_GLMM_CMAL && s->measure == MK_IRR) {
		mk_warn_add(w, "--glmm CM.AL with IRR: the conditional binomial "
		    "of two rates is exact, so the model is CM.EL (as metafor "
		    "does)");
		m = MK_GLMM_CMEL;
	}
	if (ml && s->k < 2) {	/* tau2 is not identified by one study */
		mk_warn_add(w, "--glmm %s: one study: tau2 cannot be estimated; "
		    "the fixed-effect model is fitted", mk_glmm_get(m)->name);
		ml = 0;
		f->method = MK_FE;	/* and every report says so */
	}
	for (size_t i = 0; i < s->k; i++)
		f->weight[i] = NAN;	/* a GLMM has no study weights */
	memset(&G, 0, sizeof(G));
	if (gdata_init(&d, s, m, err) != 0)
		goto done;
	if ((why = infinite_beta(&d)) != NULL) {
		mk_err_set(err, "", 0, "", "--glmm %s: %s", mk_glmm_get(m)->name,
		    why);
		goto done;
	}
	if ((f->glmm = calloc(1, sizeof(mk_glmm_res))) == NULL) {
		mk_err_set(err, "", 0, "", "out of memory");
		goto done;
	}
	memset(&G, 0, sizeof(G));
	if (fit_models(&d, s, o, ml, &G, err) != 0)
		goto done;
	mk_glmm_res *g = f->glmm;
	struct layout L = layout_of(m);
	int ps = ml ? L.ps : L.ps - 1;
	g->model = m;
	g->nq = G.nq;
	f->iters = G.iters;
	f->est = G.th[0];
	f->se = sqrt(G.vb[0]);
	f->tdf = NAN;
	double crit = mk_crit(f->level, NAN);
	f->lo = f->est - crit * f->se;
	f->hi = f->est + crit * f->se;
	f->stat = f->est / f->se;
	f->p = mk_pvalue(f->stat, NAN);
	f->tau = ml ? G.th[L.tau] : 0;
	f->tau2 = f->tau * f->tau;
	f->tau2_boundary = ml && G.tau0;
	if (ml) {	/* as metafor's predict(): z, tau2 + se^2 */
		double sp = sqrt(f->se * f->se + f->tau2);
		f->pi_lo = f->est - crit * sp;
		f->pi_hi = f->est + crit * sp;
	}
	i2_h2(f, s);
	f->q = f->qp = NAN;
	f->qdf = (double)s->k - 1;
	g->sigma2 = m == MK_GLMM_UMRS ? G.th[2] * G.th[2] : NAN;
	g->loglik = G.ll;
	g->npar = (L.own ? (int)s->k : 0) + ps;
	g->nobs = d.arms == 2 && (m == MK_GLMM_UMFS || m == MK_GLMM_UMRS) ?
	    2 * s->k : s->k;
	g->aic = -2 * g->loglik + 2 * g->npar;
	g->bic = -2 * g->loglik + g->npar * log((double)g->nobs);
	g->df = (double)s->k - 1;
	double ll_sat;
	if (mk_glmm_saturated(&d, NQ1, o->maxiter, &ll_sat, &g->q_wald, err) !=
	    0)
		goto done;
	g->q_lrt = 2 * (ll_sat - G.ll_fe);
	if (g->q_lrt < 0 && g->q_lrt > -1e-8 * fmax(1, fabs(ll_sat)))
		g->q_lrt = 0;	/* rounding at a perfect fit */
	g->q_lrt_p = s->k > 1 ? gsl_cdf_chisq_Q(g->q_lrt, g->df) : NAN;
	g->q_wald_p = s->k > 1 && isfinite(g->q_wald) ?
	    gsl_cdf_chisq_Q(g->q_wald, g->df) : NAN;
	if (s->k < 2)
		g->q_wald = g->q_lrt = NAN;
	if (G.tau0)
		mk_warn_add(w, "--glmm %s: the ML estimate of tau2 is 0, on its "
		    "boundary: the pooled estimate and its SE are the fixed-"
		    "effect model's", mk_glmm_get(m)->name);
	if (G.sigma0)
		mk_warn_add(w, "--glmm UM.RS: the ML estimate of sigma2 (the "
		    "random study intercept's variance) is 0, on its boundary");
	if (G.inexact)
		mk_warn_add(w, "--glmm %s: the log-likelihood still changes by "
		    "more than 1e-9 between %zu and %zu quadrature points per "
		    "random effect: the integrals may be inexact",
		    mk_glmm_get(m)->name, G.nq, G.nq * 3 / 2);
	rc = 0;
done:
	free(G.alpha);
	gdata_free(&d);
	return rc;
}
