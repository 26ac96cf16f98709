/* glmmlik.c: one study's marginal log-likelihood in a GLMM (glmm.c sets
 * the models up and maximises), with its gradient and Hessian in the
 * parameters, the normal random effects integrated out by adaptive
 * Gauss-Hermite quadrature centred and scaled at the integrand's mode. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/internal.h"

#define LOG_2PI MK_LOG_2PI
#define SQRT2 1.41421356237309504880

/* log(1 + e^x) without overflow. */
static double
log1pexp(double x)
{
	return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* An arm's log-pmf at linear predictor eta, with its first and second
 * derivatives in eta:
 *   binomial  x eta - n log(1 + e^eta) + log C(n, x): x - n p, -n p (1-p)
 *   Poisson   x eta - e^eta - log x!:                 x - e^eta, -e^eta
 *   nchg      log P(A = a; eta) (nchg.c):             a - E A, -Var A */
static double
arm_f(const mk_garm *a, double eta, double *d1, double *d2)
{
	double f, e, mean, var;

	switch (a->fam) {
	case MK_GF_BINOM:
		e = exp(-fabs(eta));	/* p (1-p) = e / (1 + e)^2 */
		*d1 = a->x - a->n * (eta > 0 ? 1 / (1 + e) : e / (1 + e));
		*d2 = -a->n * e / ((1 + e) * (1 + e));
		return a->lc + a->x * eta - a->n * log1pexp(eta);
	case MK_GF_POIS:
		e = exp(eta);
		*d1 = a->x - e;
		*d2 = -e;
		return a->lc + a->x * eta - e;
	default:
		f = mk_nchg_eval(a->h, eta, &mean, &var);
		*d1 = a->x - mean;
		*d2 = -var;
		return f;
	}
}

/* The fixed part of each arm's linear predictor, off + X psi. */
static void
base_eta(const mk_gstudy *s, const double *psi, int np, double *b)
{
	for (int a = 0; a < s->na; a++) {
		long double e = s->arm[a].off;
		for (int p = 0; p < np; p++)
			e += (long double)s->arm[a].X[p] * psi[p];
		b[a] = (double)e;
	}
}

/* h(z) = sum_a f_a(eta_a(z)) - |z|^2/2 with eta_a = b_a + sum_r Z_ar s_r
 * z_r; its gradient and Hessian in z when g is set. Per-arm derivatives
 * in eta go to d1, d2. */
static double
hz(const mk_gstudy *s, const double *b, const double *sc, const double *z,
    double *d1, double *d2, double *g, double *H)
{
	double h = 0;

	d1[1] = d2[1] = 0;

	for (int r = 0; r < s->q; r++) {
		h -= z[r] * z[r] / 2;
		if (g != NULL) {
			g[r] = -z[r];
			for (int t = 0; t < s->q; t++)
				H[r * 2 + t] = r == t ? -1 : 0;
		}
	}
	for (int a = 0; a < s->na; a++) {
		const mk_garm *A = &s->arm[a];
		double eta = b[a], l[2] = { 0, 0 };
		for (int r = 0; r < s->q; r++) {
			l[r] = A->Z[r] * sc[r];
			eta += l[r] * z[r];
		}
		h += arm_f(A, eta, &d1[a], &d2[a]);
		for (int r = 0; g != NULL && r < s->q; r++) {
			g[r] += d1[a] * l[r];
			for (int t = 0; t < s->q; t++)
				H[r * 2 + t] += d2[a] * l[r] * l[t];
		}
	}
	return h;
}

/* The mode of h, by Newton's method from s->zhat (h is concave: each arm's
 * log-pmf is concave in eta), halving steps that do not raise h; the
 * negative Hessian there in C. 0, or -1 when h is not finite or the
 * search does not settle. */
static int
mode(mk_gstudy *s, const double *b, const double *sc, double *C)
{
	double z[2] = { s->zhat[0], s->zhat[1] }, d1[2], d2[2], g[2];
	double H[4] = { 0, 0, 0, 0 };
	double h = hz(s, b, sc, z, d1, d2, g, H);

	for (int it = 0; it < 200; it++) {
		double st[2], det = H[0] * H[3] - H[1] * H[2];
		if (!isfinite(h))
			return -1;
		if (s->q == 1) {
			st[0] = -g[0] / H[0];
		} else {	/* -H^-1 g, H 2 x 2 negative definite */
			st[0] = -(H[3] * g[0] - H[1] * g[1]) / det;
			st[1] = -(-H[2] * g[0] + H[0] * g[1]) / det;
		}
		double size = 0, t = 1;
		for (int r = 0; r < s->q; r++)
			size = fmax(size, fabs(st[r]));
		if (size > 4)	/* 4 SDs of the effect at most */
			t = 4 / size;
		for (int half = 0; half < 60; half++, t /= 2) {
			double zn[2] = { 0, 0 }, gn[2];
			for (int r = 0; r < s->q; r++)
				zn[r] = z[r] + t * st[r];
			double Hn[4] = { 0, 0, 0, 0 };
			double hn = hz(s, b, sc, zn, d1, d2, gn, Hn);
			if (hn >= h - 1e-14 * fabs(h) || size * t < 1e-15) {
				memcpy(z, zn, sizeof(z));
				memcpy(g, gn, sizeof(g));
				memcpy(H, Hn, sizeof(H));
				h = hn;
				break;
			}
		}
		if (size * t < 1e-11) {	/* z is on the N(0, 1) scale */
			for (int r = 0; r < s->q; r++)
				s->zhat[r] = z[r];
			for (int r = 0; r < 4; r++)
				C[r] = -H[r];
			return isfinite(h) && C[0] > 0 ? 0 : -1;
		}
	}
	return -1;
}

int
mk_gwork_init(mk_gwork *w, int q, size_t nq)
{
	size_t n = q == 2 ? nq * nq : nq;

	memset(w, 0, sizeof(*w));
	w->nq = nq;
	if (mk_gh_rule(nq, &w->x, &w->lw) != 0)
		return -1;
	w->buf = malloc((n ? n : 1) * 7 * sizeof(double));
	return w->buf == NULL ? -1 : 0;
}

void
mk_gwork_free(mk_gwork *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	w->buf = NULL;
}

/* The derivatives in psi of eta_a at z: X_ap, plus Z_ar z_r where psi_p
 * is random effect r's SD. */
static void
deta(const mk_gstudy *s, int a, const double *z, int np, double *D)
{
	for (int p = 0; p < np; p++)
		D[p] = s->arm[a].X[p];
	for (int r = 0; r < s->q; r++)
		D[s->sidx[r]] += s->arm[a].Z[r] * z[r];
}

/* ll = log int prod_a pmf_a phi(z) dz and, with g and H, its gradient
 * and Hessian in psi: with h the log-integrand and E the expectation
 * under the posterior of z (the integrand normalised),
 *   d ll = E[dh],  d2 ll = E[d2 h] + Cov[dh]
 * (differentiation under the integral), every expectation taken with the
 * same nodes. Adaptive Gauss-Hermite quadrature (Liu and Pierce 1994,
 * Biometrika 81:624; Pinheiro and Bates 1995): nodes z = zhat + sqrt(2)
 * L^-T x, C = L L' the negative Hessian of h at its mode zhat, the rule's
 * weights times the Jacobian 2^(q/2) / det L; q = 2 takes the tensor
 * product of the rule. Without random effects (q = 0) the pmfs at z = 0,
 * exactly. 0, or -1 (not finite, no mode). */
int
mk_gstudy_eval(mk_gstudy *s, const double *psi, int np, mk_gwork *w,
    double *ll, double *g, double *H)
{
	double b[2], sc[2], C[4], d1[2] = { 0, 0 }, d2[2] = { 0, 0 };
	double D[MK_GLMM_NP];
	size_t nn = s->q == 0 ? 1 : s->q == 1 ? w->nq : w->nq * w->nq;
	double *lwt = w->buf, *zz = lwt + nn, *dd = zz + 2 * nn;

	base_eta(s, psi, np, b);
	for (int r = 0; r < s->q; r++)
		sc[r] = psi[s->sidx[r]];
	double lj = 0, l11 = 1, l21 = 0, l22 = 1;
	if (s->q > 0) {
		if (mode(s, b, sc, C) != 0)
			return -1;
		l11 = sqrt(C[0]);
		if (s->q == 2) {
			l21 = C[2] / l11;
			double t = C[3] - l21 * l21;
			if (!(t > 0))
				return -1;
			l22 = sqrt(t);
		}
		/* Jacobian sqrt(2)^q / det L, normal constant (2 pi)^(-q/2) */
		lj = s->q * (0.5 * log(2.0) - 0.5 * LOG_2PI) - log(l11) -
		    (s->q == 2 ? log(l22) : 0);
	}
	double mx = -INFINITY;
	for (size_t j = 0; j < nn; j++) {	/* log weight x integrand */
		double z[2] = { 0, 0 }, wl = 0;
		if (s->q == 1) {
			z[0] = s->zhat[0] + SQRT2 * w->x[j] / l11;
			wl = w->lw[j];
		} else if (s->q == 2) {
			size_t i1 = j / w->nq, i2 = j % w->nq;
			double y2 = SQRT2 * w->x[i2] / l22;
			z[1] = s->zhat[1] + y2;
			z[0] = s->zhat[0] + (SQRT2 * w->x[i1] - l21 * y2) / l11;
			wl = w->lw[i1] + w->lw[i2];
		}
		double h = hz(s, b, sc, z, d1, d2, NULL, NULL);
		lwt[j] = wl + h;
		if (!isfinite(lwt[j]) && !(lwt[j] < 0))
			return -1;
		zz[2 * j] = z[0];
		zz[2 * j + 1] = z[1];
		dd[4 * j] = d1[0];
		dd[4 * j + 1] = d1[1];
		dd[4 * j + 2] = d2[0];
		dd[4 * j + 3] = d2[1];
		if (lwt[j] > mx)
			mx = lwt[j];
	}
	if (!isfinite(mx))
		return -1;
	long double sw = 0;
	for (size_t j = 0; j < nn; j++) {	/* posterior weights */
		lwt[j] = exp(lwt[j] - mx);
		sw += lwt[j];
	}
	if (!(sw > 0))	/* the largest term alone gives 1 */
		return -1;
	*ll = mx + (double)logl(sw) + lj;
	if (g == NULL)
		return isfinite(*ll) ? 0 : -1;
	/* nodes whose posterior weight is below 1e-18 of the largest add
	 * nothing a double can hold to the moments: skipped */
	long double m1[MK_GLMM_NP] = { 0 }, m2[MK_GLMM_NP * MK_GLMM_NP] = { 0 };
	for (size_t j = 0; j < nn; j++) {	/* E[dh] */
		double dh[MK_GLMM_NP] = { 0 };
		if (lwt[j] < 1e-18)
			continue;
		for (int a = 0; a < s->na; a++) {
			deta(s, a, zz + 2 * j, np, D);
			for (int p = 0; p < np; p++)
				dh[p] += dd[4 * j + a] * D[p];
		}
		for (int p = 0; p < np; p++)
			m1[p] += lwt[j] * dh[p];
	}
	for (int p = 0; p < np; p++)
		g[p] = (double)(m1[p] / sw);
	for (size_t j = 0; j < nn; j++) {	/* E[d2h] + Cov[dh] */
		double dh[MK_GLMM_NP], hn[MK_GLMM_NP * MK_GLMM_NP];
		if (lwt[j] < 1e-18)
			continue;
		for (int p = 0; p < np; p++) {
			dh[p] = -g[p];
			for (int t = 0; t <= p; t++)
				hn[p * np + t] = 0;
		}
		for (int a = 0; a < s->na; a++) {
			deta(s, a, zz + 2 * j, np, D);
			double c2 = dd[4 * j + 2 + a];
			for (int p = 0; p < np; p++) {
				dh[p] += dd[4 * j + a] * D[p];
				for (int t = 0; t <= p; t++)
					hn[p * np + t] += c2 * D[p] * D[t];
			}
		}
		for (int p = 0; p < np; p++)
			for (int t = 0; t <= p; t++)
				m2[p * np + t] += lwt[j] * (hn[p * np + t] + dh[p] *
				    dh[t]);
	}
	for (int p = 0; p < np; p++)
		for (int t = 0; t <= p; t++)
			H[p * np + t] = H[t * np + p] = (double)(m2[p * np + t] /
			    sw);
	return isfinite(*ll) ? 0 : -1;
}
