/* glmmopt.c: maximum likelihood for a GLMM's studies (glmmlik.c gives
 * each study's log-likelihood and derivatives; glmm.c builds the models):
 * Newton's method on the shared parameters, with each study's own
 * intercept profiled out by a Newton search of its own. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/internal.h"

#define NP MK_GLMM_NP
/* The longest step of a parameter (logit or log scale, or an SD on it) in
 * one iteration: Newton's step is capped where the curvature is small. */
#define MAX_STEP 2.0

/* Study i's local parameters: its own (psi[0]) when it has one, then
 * theta. */
static int
local(const mk_gprob *P, size_t i, const double *th, double *psi)
{
	int np = 0;

	if (P->has_a != NULL && P->has_a[i])
		psi[np++] = P->alpha[i];
	for (int p = 0; p < P->ps; p++)
		psi[np++] = th[p];
	return np;
}

/* Study i's own parameter at its maximum given theta (the log-likelihood
 * is concave in it: Prekopa's theorem for the integrated ones), by
 * Newton's method with step halving; ll, g and H at the maximum. */
static int
solve_alpha(mk_gprob *P, size_t i, const double *th, double *ll,
    double *g, double *H)
{
	double psi[NP], g2[NP], H2[NP * NP], ll2;
	int np = local(P, i, th, psi);

	if (mk_gstudy_eval(&P->st[i], psi, np, &P->w, ll, g, H) != 0)
		return -1;
	for (int it = 0; it < 200; it++) {
		if (!(H[0] < 0))
			return -1;
		double step = -g[0] / H[0];
		if (fabs(step) <= 1e-12 * fmax(1, fabs(psi[0]))) {
			P->alpha[i] = psi[0];
			return 0;
		}
		double a0 = psi[0];
		int ok = 0;
		if (fabs(step) > MAX_STEP)	/* far from the maximum, where
						 * the curvature vanishes */
			step = copysign(MAX_STEP, step);
		for (int half = 0; half < 60 && !ok; half++, step /= 2) {
			psi[0] = a0 + step;
			/* the log-likelihood did not fall, or (where rounding
			 * in large counts hides its change) the slope shrank */
			ok = mk_gstudy_eval(&P->st[i], psi, np, &P->w, &ll2, g2,
			    H2) == 0 && (ll2 >= *ll - 1e-13 * fabs(*ll) ||
			    fabs(g2[0]) < fabs(g[0]));
		}
		if (!ok || fabs(psi[0]) > 1e4)
			return -1;
		*ll = ll2;
		memcpy(g, g2, (size_t)np * sizeof(double));
		memcpy(H, H2, (size_t)(np * np) * sizeof(double));
	}
	return -1;
}

/* The profile log-likelihood at theta, the studies' own parameters at
 * their maxima, with its gradient and Hessian in theta: the Hessian is
 * the Schur complement H_tt - H_ta H_at / H_aa of each study's block, so
 * that its inverse is the theta block of the full inverse. */
static int
profile(mk_gprob *P, const double *th, long double *ll, double *g,
    double *H)
{
	int ps = P->ps;

	*ll = 0;
	memset(g, 0, (size_t)ps * sizeof(double));
	memset(H, 0, (size_t)(ps * ps) * sizeof(double));
	for (size_t i = 0; i < P->k; i++) {
		double l, gi[NP], Hi[NP * NP], psi[NP];
		int own = P->has_a != NULL && P->has_a[i], np = ps + own;
		if (own) {
			if (solve_alpha(P, i, th, &l, gi, Hi) != 0)
				return -1;
		} else {
			local(P, i, th, psi);
			if (mk_gstudy_eval(&P->st[i], psi, np, &P->w, &l, gi,
			    Hi) != 0)
				return -1;
		}
		*ll += l;
		for (size_t p = 0; p < (size_t)ps; p++) {
			size_t o = (size_t)own, n = (size_t)np;
			g[p] += gi[p + o];
			for (size_t q = 0; q < (size_t)ps; q++)
				H[p * (size_t)ps + q] += Hi[(p + o) * n + q + o] -
				    (own ? Hi[(p + 1) * n] * Hi[q + 1] / Hi[0] :
				    0);
		}
	}
	return isfinite((double)*ll) ? 0 : -1;
}

/* Cholesky of the n x n matrix A (row-major, in place, lower): 0, or -1
 * when it is not positive definite. */
static int
chol(double *A, int n)
{
	for (int j = 0; j < n; j++) {
		long double s = A[j * n + j];
		for (int k = 0; k < j; k++)
			s -= (long double)A[j * n + k] * A[j * n + k];
		if (!(s > 0))
			return -1;
		A[j * n + j] = (double)sqrtl(s);
		for (int i = j + 1; i < n; i++) {
			long double t = A[i * n + j];
			for (int k = 0; k < j; k++)
				t -= (long double)A[i * n + k] * A[j * n + k];
			A[i * n + j] = (double)(t / A[j * n + j]);
		}
	}
	return 0;
}

/* Solves L L' x = b in place. */
static void
chol_solve(const double *L, int n, double *b)
{
	for (int i = 0; i < n; i++) {
		long double t = b[i];
		for (int k = 0; k < i; k++)
			t -= (long double)L[i * n + k] * b[k];
		b[i] = (double)(t / L[i * n + i]);
	}
	for (int i = n - 1; i >= 0; i--) {
		long double t = b[i];
		for (int k = i + 1; k < n; k++)
			t -= (long double)L[k * n + i] * b[k];
		b[i] = (double)(t / L[i * n + i]);
	}
}

/* The free parameters' negative Hessian, -H restricted to idx (nf). */
static void
restrict_neg(const double *H, int ps, const int *idx, int nf, double *A)
{
	for (int a = 0; a < nf; a++)
		for (int b = 0; b < nf; b++)
			A[a * nf + b] = -H[idx[a] * ps + idx[b]];
}

static double
norm(const double *g, int n)
{
	long double s = 0;

	for (int i = 0; i < n; i++)
		s += (long double)g[i] * g[i];
	return (double)sqrtl(s);
}

/* Newton's method on the free parameters of theta, each step solving
 * (-H + lambda I) d = g with lambda 0 where -H is positive definite (else
 * raised until it is: Levenberg 1944), halved until the profile does not
 * fall. Stops when the step is below 1e-10 of each parameter (1 for those
 * near 0) and the Newton decrement g'd below 1e-12 log-likelihood units. */
static int
newton(mk_gprob *P, double *th, int maxiter, long double *ll, double *g,
    double *H, int *iters, double *save)
{
	int ps = P->ps, idx[NP], nf = 0;
	double A[NP * NP], d[NP], th2[NP], g2[NP], H2[NP * NP];
	long double ll2;

	for (int p = 0; p < ps; p++)
		if (!P->fixed[p])
			idx[nf++] = p;
	if (profile(P, th, ll, g, H) != 0)
		return -1;
	for (int it = 0; it < maxiter; it++) {
		double lam = 0, dg;
		(*iters)++;
		if (nf == 0)
			return 0;
		for (int tries = 0;; tries++) {
			restrict_neg(H, ps, idx, nf, A);
			double mx = 0;
			for (int a = 0; a < nf; a++)
				mx = fmax(mx, fabs(A[a * nf + a]));
			for (int a = 0; a < nf; a++)
				A[a * nf + a] += lam;
			if (chol(A, nf) == 0)
				break;
			if (tries > 60)
				return -1;
			lam = lam == 0 ? 1e-8 * (1 + mx) : lam * 10;
		}
		for (int a = 0; a < nf; a++)
			d[a] = g[idx[a]];
		chol_solve(A, nf, d);
		dg = 0;
		double big = 0;
		for (int a = 0; a < nf; a++) {
			dg += d[a] * g[idx[a]];
			big = fmax(big, fabs(d[a]) / fmax(1, fabs(th[idx[a]])));
		}
		if (big < 1e-10 && dg < 1e-12)
			return 0;
		int ok = 0;
		double t = 1, dmax = 0;
		for (int a = 0; a < nf; a++)
			dmax = fmax(dmax, fabs(d[a]));
		if (dmax > MAX_STEP)
			t = MAX_STEP / dmax;
		if (save != NULL)	/* the intercepts the search starts from */
			memcpy(save, P->alpha, P->k * sizeof(double));
		for (int half = 0; half < 60 && !ok; half++, t /= 2) {
			memcpy(th2, th, (size_t)ps * sizeof(double));
			for (int a = 0; a < nf; a++)
				th2[idx[a]] += t * d[a];
			ok = profile(P, th2, &ll2, g2, H2) == 0 && (ll2 >= *ll -
			    1e-12L * fmaxl(1, fabsl(*ll)) || (t * dmax < 1e-6 &&
			    norm(g2, ps) < norm(g, ps)));
			if (!ok && save != NULL)
				memcpy(P->alpha, save, P->k * sizeof(double));
		}
		if (!ok)
			return -1;
		memcpy(th, th2, (size_t)ps * sizeof(double));
		memcpy(g, g2, (size_t)ps * sizeof(double));
		memcpy(H, H2, (size_t)(ps * ps) * sizeof(double));
		*ll = ll2;
		for (int p = 0; p < ps; p++)
			if (!(fabs(th[p]) < 1e4))
				return -3;	/* the estimates diverge */
	}
	return -2;
}

int
mk_gprob_fit(mk_gprob *P, double *th, int maxiter, double *ll, double *vb,
    int *iters)
{
	int ps = P->ps, rc;
	double g[NP], H[NP * NP], A[NP * NP];
	long double l;

	double *save = NULL;

	*iters = 0;
	if (P->has_a != NULL && (save = malloc(P->k * sizeof(double))) == NULL)
		return -1;
	for (;;) {
		rc = newton(P, th, maxiter, &l, g, H, iters, save);
		if (rc != 0) {
			free(save);
			return rc;
		}
		int snapped = 0;
		for (int p = 0; p < ps; p++)	/* an SD at its boundary 0 */
			if (P->scale[p] && !P->fixed[p] && fabs(th[p]) < 1e-5) {
				th[p] = 0;
				P->fixed[p] = 1;
				snapped = 1;
			}
		if (!snapped)
			break;
	}
	free(save);
	for (int p = 0; p < ps; p++)
		th[p] = P->scale[p] ? fabs(th[p]) : th[p];
	*ll = (double)l;
	/* the covariance of the free parameters: (-H)^-1 */
	int idx[NP], nf = 0;
	for (int p = 0; p < ps; p++)
		if (!P->fixed[p])
			idx[nf++] = p;
	for (int p = 0; p < ps * ps; p++)
		vb[p] = NAN;
	if (profile(P, th, &l, g, H) != 0)
		return -1;
	restrict_neg(H, ps, idx, nf, A);
	if (chol(A, nf) != 0)
		return -4;	/* the information is singular */
	for (int a = 0; a < nf; a++) {
		double e[NP] = { 0 };
		e[a] = 1;
		chol_solve(A, nf, e);
		for (int b = 0; b < nf; b++)
			vb[idx[a] * ps + idx[b]] = e[b];
	}
	return 0;
}
