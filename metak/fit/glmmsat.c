/* glmmsat.c: the saturated model of each GLMM, every study with an effect
 * of its own, as metafor's rma.glmm fits it for the likelihood-ratio and
 * Wald tests for heterogeneity (glmm.c takes the difference to its
 * fixed-effect fit; glmmopt.c fits UM.RS's). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/internal.h"

/* x log(x/n), 0 at x = 0. */
static double
xlogx(double x, double n)
{
	return x > 0 ? x * log(x / n) : 0;
}

static double
lchoose(double n, double x)
{
	return (double)(lgammal((long double)n + 1) - lgammal((long double)x
	    + 1) - lgammal((long double)(n - x) + 1));
}

/* An arm's log-pmf at its own estimate x/n (binomial) or rate x/t
 * (Poisson): log dbinom(x, n, x/n), log dpois(x, x). */
static double
arm_sat(int pois, double x, double n)
{
	if (pois)
		return -(double)lgammal((long double)x + 1) + xlogx(x, 1) - x;
	return lchoose(n, x) + xlogx(x, n) + xlogx(n - x, n);
}

/* The Wald statistic that independent estimates y (weights w, the
 * inverse variances) are equal: sum w (y - ybar_w)^2; NaN when one is
 * not finite. */
static double
wald_equal(const double *y, const double *w, size_t k)
{
	long double sw = 0, swy = 0, q = 0;

	for (size_t i = 0; i < k; i++) {
		if (!isfinite(y[i]) || !(w[i] > 0))
			return NAN;
		sw += w[i];
		swy += w[i] * (long double)y[i];
	}
	long double m = swy / sw;
	for (size_t i = 0; i < k; i++)
		q += w[i] * ((long double)y[i] - m) * ((long double)y[i] - m);
	return (double)q;
}

/* CM.EL for a 2x2 table: the conditional MLE of its log odds ratio,
 * solving E(A; theta) = a by Newton's method on the concave log P(a;
 * theta) (Breslow and Day 1980); an a at an end of its support has
 * theta at -/+ infinity and log P = 0. */
static int
nchg_mle(const mk_nchg *h, double start, double *theta, double *ll,
    double *info)
{
	double t = start, mean, var;

	if (h->a == h->lo || h->a == h->hi) {
		*theta = h->a == h->lo ? -INFINITY : INFINITY;
		*ll = 0;
		*info = 0;
		return 0;
	}
	double l = mk_nchg_eval(h, t, &mean, &var);
	for (int it = 0; it < 500; it++) {
		double step = (h->a - mean) / var, l2 = l, m2 = mean, v2 = var;
		if (fabs(step) > 2)	/* where the curvature is small */
			step = copysign(2, step);
		if (fabs(step) <= 1e-13 * fmax(1, fabs(t))) {
			*theta = t;
			*ll = l;
			*info = var;
			return 0;
		}
		int ok = 0;
		for (int half = 0; half < 60 && !ok; half++, step /= 2) {
			l2 = mk_nchg_eval(h, t + step, &m2, &v2);
			ok = l2 >= l - 1e-13 * fabs(l) && v2 > 0;
		}
		if (!ok)
			return -1;
		t += 2 * step;	/* undo the last halving */
		l = l2;
		mean = m2;
		var = v2;
	}
	return -1;
}

/* UM.RS's saturated model: arms gamma + beta_i + v_i and gamma + v_i,
 * v_i ~ N(0, sigma2), beta_i each study's own (a study whose treatment
 * arm has no events, or only events, has beta_i at -/+ infinity and
 * contributes its control arm alone). The Wald test that the beta_i are
 * equal uses their covariance V, the inverse of the full information
 * [[D, B], [B', M]] (D diagonal: the beta_i; M: gamma and sigma), whose
 * beta block has inverse W = D - B M^-1 B': Q = b'Wb - (1'Wb)^2 / 1'W1,
 * in O(k). */
static int
umrs_saturated(const mk_gdata *d, size_t nq, int maxiter, double *ll,
    double *q_wald, mk_err *err)
{
	mk_gprob P;
	double th[2], vb[4];
	long double m = 0, v = 0;
	size_t k = d->k, own = 0;
	int iters, rc = -1;

	memset(&P, 0, sizeof(P));
	P.k = k;
	P.ps = 2;
	P.scale[1] = 1;
	P.st = calloc(k, sizeof(mk_gstudy));
	P.has_a = malloc(k ? k : 1);
	P.alpha = calloc(k ? k : 1, sizeof(double));
	if (P.st == NULL || P.has_a == NULL || P.alpha == NULL ||
	    mk_gwork_init(&P.w, 1, nq) != 0) {
		mk_err_set(err, "", 0, "", "out of memory");
		goto done;
	}
	for (size_t i = 0; i < k; i++) {	/* gamma, sigma: the controls */
		double x1 = d->x1[i], x2 = d->x2[i], n1 = d->n1[i];
		double n2 = d->n2[i], c = d->pois ? log((x2 + 0.5) / n2) :
		    log((x2 + 0.5) / (n2 - x2 + 0.5));
		mk_gstudy *S = &P.st[i];
		m += c;
		v += c * c;
		S->q = 1;
		P.has_a[i] = x1 > 0 && (d->pois || x1 < n1);
		int o = P.has_a[i];
		S->sidx[0] = o + 1;
		mk_garm *A = &S->arm[0];
		if (o) {	/* the treatment arm */
			A->fam = d->pois ? MK_GF_POIS : MK_GF_BINOM;
			A->x = x1;
			A->n = n1;
			A->off = d->pois ? log(n1) : 0;
			A->lc = d->pois ? -(double)lgammal((long double)x1 + 1) :
			    lchoose(n1, x1);
			A->X[0] = A->X[1] = 1;
			A->Z[0] = 1;
			A++;
			P.alpha[i] = (d->pois ? log(x1 / n1) : log(x1 / (n1 -
			    x1))) - c;
			own++;
		}
		A->fam = d->pois ? MK_GF_POIS : MK_GF_BINOM;
		A->x = x2;
		A->n = n2;
		A->off = d->pois ? log(n2) : 0;
		A->lc = d->pois ? -(double)lgammal((long double)x2 + 1) :
		    lchoose(n2, x2);
		A->X[o] = 1;
		A->Z[0] = 1;
		S->na = o + 1;
	}
	th[0] = (double)(m / (long double)k);
	th[1] = fmax(0.3, (double)sqrtl(fmaxl(0, v / (long double)k - (m /
	    (long double)k) * (m / (long double)k))));
	rc = mk_gprob_fit(&P, th, maxiter, ll, vb, &iters);
	if (rc != 0) {
		mk_err_set(err, "", 0, "", "the saturated model of --glmm UM.RS "
		    "(for the tests for heterogeneity) %s", rc == -2 ? "did not "
		    "converge (--maxiter)" : "could not be fitted");
		rc = -1;
		goto done;
	}
	*q_wald = NAN;
	if (own < k || k < 2)
		goto done;
	/* D, B and M at the maximum; then W's three sums */
	long double M[4] = { 0, 0, 0, 0 };
	double *buf = malloc(k * 4 * sizeof(double));
	if (buf == NULL) {
		mk_err_set(err, "", 0, "", "out of memory");
		rc = -1;
		goto done;
	}
	for (size_t i = 0; i < k; i++) {
		double psi[3] = { P.alpha[i], th[0], th[1] }, l, g[3], H[9];
		if (mk_gstudy_eval(&P.st[i], psi, 3, &P.w, &l, g, H) != 0) {
			free(buf);
			mk_err_set(err, "", 0, "", "the saturated model of --glmm "
			    "UM.RS could not be evaluated");
			rc = -1;
			goto done;
		}
		buf[4 * i] = -H[0];		/* D_i */
		buf[4 * i + 1] = -H[1];		/* B_i (gamma, sigma) */
		buf[4 * i + 2] = -H[2];
		buf[4 * i + 3] = P.alpha[i];
		M[0] -= H[4];
		M[1] -= H[5];
		M[3] -= H[8];
	}
	int nf = P.fixed[1] ? 1 : 2;	/* sigma at 0: gamma alone */
	long double det = nf == 2 ? M[0] * M[3] - M[1] * M[1] : M[0];
	long double Mi[4] = { nf == 2 ? M[3] / det : 1 / M[0], nf == 2 ?
	    -M[1] / det : 0, 0, nf == 2 ? M[0] / det : 0 };
	long double sDb = 0, sD1 = 0, sDbb = 0, Bb[2] = { 0, 0 }, B1[2] = { 0,
	    0 };
	for (size_t i = 0; i < k; i++) {	/* 1'Db, 1'D1, b'Db, B'b, B'1 */
		long double D = buf[4 * i], b = buf[4 * i + 3];
		sDb += D * b;
		sD1 += D;
		sDbb += D * b * b;
		for (int r = 0; r < 2; r++) {
			Bb[r] += buf[4 * i + 1 + r] * b;
			B1[r] += buf[4 * i + 1 + r];
		}
	}
	free(buf);
	/* x'Wy = x'Dy - (B'x)' M^-1 (B'y) */
	long double bWb = sDbb - (Bb[0] * (Mi[0] * Bb[0] + Mi[1] * Bb[1]) +
	    Bb[1] * (Mi[1] * Bb[0] + Mi[3] * Bb[1]));
	long double oWb = sDb - (B1[0] * (Mi[0] * Bb[0] + Mi[1] * Bb[1]) +
	    B1[1] * (Mi[1] * Bb[0] + Mi[3] * Bb[1]));
	long double oWo = sD1 - (B1[0] * (Mi[0] * B1[0] + Mi[1] * B1[1]) +
	    B1[1] * (Mi[1] * B1[0] + Mi[3] * B1[1]));
	*q_wald = (double)(bWb - oWb * oWb / oWo);
	rc = 0;
done:
	free(P.st);
	free(P.has_a);
	free(P.alpha);
	mk_gwork_free(&P.w);
	return rc;
}

int
mk_glmm_saturated(const mk_gdata *d, size_t nq, int maxiter, double *ll,
    double *q_wald, mk_err *err)
{
	size_t k = d->k;
	long double s = 0;
	double *y, *w;

	if (d->model == MK_GLMM_UMRS)
		return umrs_saturated(d, nq, maxiter, ll, q_wald, err);
	y = malloc((k ? k : 1) * sizeof(double));
	w = malloc((k ? k : 1) * sizeof(double));
	if (y == NULL || w == NULL) {
		free(y);
		free(w);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < k; i++) {
		double a = d->x1[i], n1 = d->n1[i], c = d->x2[i], n2 = d->n2[i];
		double b = n1 - a, dd = n2 - c;
		switch (d->model) {
		case MK_GLMM_UMFS:	/* each arm its own probability */
			s += arm_sat(d->pois, a, n1) + arm_sat(d->pois, c, n2);
			y[i] = d->pois ? log((a / n1) / (c / n2)) : log(a * dd /
			    (b * c));
			w[i] = 1 / (d->pois ? 1 / a + 1 / c : 1 / a + 1 / b + 1 /
			    c + 1 / dd);
			break;
		case MK_GLMM_BN:	/* each study its own */
			s += arm_sat(d->pois, a, n1);
			y[i] = d->pois ? log(a / n1) : log(a / b);
			w[i] = d->pois ? a : a * b / n1;
			break;
		default:
			if (d->h != NULL) {	/* CM.EL, 2x2 tables */
				double l, start = log((a + 0.5) * (dd + 0.5) /
				    ((b + 0.5) * (c + 0.5)));
				if (nchg_mle(&d->h[i], start, &y[i], &l, &w[i])
				    != 0) {
					free(y);
					free(w);
					mk_err_set(err, "", 0, "", "--glmm CM.EL: "
					    "the saturated model (a study's own "
					    "conditional MLE) did not converge");
					return -1;
				}
				s += l;
				break;
			}
			/* each study's own conditional binomial */
			s += arm_sat(0, a, a + c);
			y[i] = log(a / c) - log(n1 / n2);
			w[i] = a * c / (a + c);
			break;
		}
	}
	*ll = (double)s;
	*q_wald = k > 1 ? wald_equal(y, w, k) : NAN;
	free(y);
	free(w);
	return 0;
}
