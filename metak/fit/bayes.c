/* bayes.c: --method BAYES, the normal-normal hierarchical model with a
 * prior on tau and a flat or normal prior on mu, its posterior computed
 * exactly by adaptive quadrature over log tau; the priors' table. The
 * normal mixtures over the quadrature nodes and their quantiles are
 * bayesq.c's.
 *
 * Model: y_i | theta_i ~ N(theta_i, v_i), theta_i | mu, tau ~ N(mu, tau^2)
 * (Spiegelhalter, Abrams & Myles 2004; Friede et al. 2017, Biom J 59:658;
 * Roever 2020, J Stat Softw 93(6)). Given tau, with w_i = 1/(v_i + tau^2),
 * P = sum w_i (+ 1/S^2 under mu ~ N(M, S^2)), m = (sum w_i y_i (+ M/S^2))/P:
 *   mu | tau, y ~ N(m, 1/P)
 *   p(tau | y) ~ p(tau) prod (v_i + tau^2)^-1/2 P^-1/2
 *                exp(-(sum w_i (y_i - m)^2 (+ (M - m)^2/S^2))/2)
 * mu | y is the mixture of N(m, 1/P) over p(tau | y); a new study's effect
 * that of N(m, 1/P + tau^2); study i's effect that of N(B m + (1 - B) y_i,
 * v_i (1 - B) + B^2/P), B = v_i/(v_i + tau^2).
 *
 * Computation, in x = log tau (where every tail decays exponentially):
 * a scan of the log density on a grid spanning 1e-10 of the smallest
 * scale of the data and the prior to beyond the largest, the modes refined
 * by golden section, then Gauss-Kronrod panels bisected until the
 * normalising constant and the moments that exist are known to 1e-12
 * (QUADPACK's error estimate); below the grid the density is e^x times a
 * constant, and above it, for a prior with a power tail (half-Cauchy,
 * half-t, flat), tau^-a: both tails are added in closed form. Quantiles of
 * tau by Newton's method on the integral; those of the mixtures on their
 * CDFs over the nodes (bayesq.c), panels bisected again where a CDF's
 * Kronrod and Gauss sums disagree. Deterministic; no sampling.
 *
 * Edges: tail exponent a = (prior's: 2 half-Cauchy, NU + 1 half-t, 0 flat)
 * + k - 1 (flat mu) or k (normal mu). The posterior is proper when a > 1
 * (a flat prior on tau needs k >= 3, or k >= 2 with a normal prior on mu;
 * else an error saying so); E tau and, with a flat prior on mu, E mu
 * exist when a > 2 and sd(mu) when a > 3, else NaN. k = 1 with a flat mu:
 * the likelihood is constant in tau, so the posterior of tau is its prior
 * (which must then be proper). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fit/internal.h"

/* ---- the posterior of x = log tau --------------------------------------- */

struct post {
	size_t k;
	const double *v;
	double *d;		/* y - c */
	double *w;		/* scratch: 1/(v + tau^2) */
	double c;		/* centre: the fixed-effect mean */
	double p0, m0;		/* prior precision of mu (0: flat), mean - c */
	mk_prior pt;
	double fref;		/* log density subtracted before exp */
};

/* The posterior of data y, v (k) under b's priors, centred at the
 * fixed-effect mean; d and w have room for k. */
static void
post_init(struct post *P, const mk_bayes *b, double *d, double *w)
{
	long double sw = 0, swy = 0;

	memset(P, 0, sizeof(*P));
	for (size_t i = 0; i < b->k; i++) {	/* the fixed-effect mean */
		sw += 1 / (long double)b->v[i];
		swy += b->y[i] / (long double)b->v[i];
	}
	P->k = b->k;
	P->v = b->v;
	P->c = (double)(swy / sw);
	for (size_t i = 0; i < b->k; i++)
		d[i] = b->y[i] - P->c;
	P->d = d;
	P->w = w;
	P->pt = b->prior_tau;
	if (b->prior_mu.kind == MK_PRIOR_NORMAL) {
		P->p0 = 1 / (b->prior_mu.b * b->prior_mu.b);
		P->m0 = b->prior_mu.a - P->c;
	}
}

/* log p(tau | y) + const, and mu | tau, y ~ N(c + *m, *V). */
static double
logpost(struct post *P, double tau, double *m, double *V)
{
	double t2 = tau * tau, lp = mk_prior_logd(&P->pt, tau);
	long double sw = P->p0, swd = P->p0 * P->m0, sl = 0, q;

	if (lp == -INFINITY) {
		*m = 0;
		*V = 1 / (P->p0 > 0 ? P->p0 : 1);
		return -INFINITY;
	}
	double prod = 1;	/* of (v + tau^2), as mantissa and exponent */
	int ex = 0;
	for (size_t i = 0; i < P->k; i++) {	/* sum w, sum w d, log prod */
		double t = P->v[i] + t2;
		int e;
		P->w[i] = 1 / t;
		sw += P->w[i];
		swd += P->w[i] * (long double)P->d[i];
		prod *= frexp(t, &e);	/* in [0.5, 1) each */
		ex += e;
		if (i % 512 == 511) {	/* before it could underflow */
			prod = frexp(prod, &e);
			ex += e;
		}
	}
	sl = log(prod) + ex * 0.69314718055994530942L;
	double mm = (double)(swd / sw);
	q = P->p0 * ((long double)P->m0 - mm) * (P->m0 - mm);
	for (size_t i = 0; i < P->k; i++) {	/* sum w (d - m)^2 */
		double e = P->d[i] - mm;
		q += P->w[i] * e * e;
	}
	*m = mm;
	*V = (double)(1 / sw);
	return lp - 0.5 * (double)(sl + log((double)sw) + q);
}

/* ---- quadrature over x = log tau ---------------------------------------- */

#define NF 4		/* the integrals: of 1, m, V + m^2 and tau */
#define MAXPANEL 800
#define QTOL 1e-12	/* relative error of the integrals */

struct panel {
	double a, b;
	double g[MK_GK], m[MK_GK], V[MK_GK], t[MK_GK];	/* t: tau */
	double est[NF], err[NF];
};

struct quad {
	struct post *P;
	double xa, xb;		/* the panels' span in s = log(tau + c) */
	double c;		/* the offset: xa = log c, tau = 0 there */
	double a;		/* power tail tau^-a; INFINITY: none */
	int flatmu;
	struct panel *pn;
	size_t np, cap;
	double gb, mb, Vb;	/* at xb: the tail above gb e^-(a-1)(x - xb) */
	double vmode;		/* V at the highest mode */
	double vmin;		/* the smallest v */
	int need[NF];		/* which integrals must converge */
	double tot[NF];
};

/* tau at s = log(tau + c) */
static double
tau_of(const struct quad *Q, double s)
{
	return Q->c * expm1(s - Q->xa);
}

/* log p(s | y) + const: the density of tau times the Jacobian tau + c */
static double
eval_at(struct quad *Q, double s, double *m, double *V)
{
	return logpost(Q->P, tau_of(Q, s), m, V) + s;
}

/* The abscissa (on [-1, 1]) and Gauss weight of node i of a panel. */
static double
gk_abscissa(size_t i)
{
	return i < 7 ? -mk_xgk[i] : i == 7 ? 0 : mk_xgk[MK_GK - 1 - i];
}
static double
gk_gauss(size_t i)
{
	size_t j = i <= 7 ? i : MK_GK - 1 - i;

	return j % 2 == 1 ? mk_wg[(j - 1) / 2] : 0;
}

static void
panel_eval(struct quad *Q, struct panel *p)
{
	double c = (p->a + p->b) / 2, hw = (p->b - p->a) / 2;
	double F[NF][MK_GK];

	double wk[MK_GK], wg[MK_GK];

	for (size_t i = 0; i < MK_GK; i++) {	/* the integrands at the nodes */
		double x = c + hw * gk_abscissa(i);
		p->t[i] = tau_of(Q, x);
		double f = logpost(Q->P, p->t[i], &p->m[i], &p->V[i]) + x;
		p->g[i] = exp(f - Q->P->fref);
		F[0][i] = p->g[i];
		F[1][i] = p->g[i] * p->m[i];
		F[2][i] = p->g[i] * (p->V[i] + p->m[i] * p->m[i]);
		F[3][i] = p->g[i] * p->t[i];
		wk[i] = mk_gk_weight(i);
		wg[i] = gk_gauss(i);
	}
	for (int q = 0; q < NF; q++) {	/* Kronrod, Gauss, resasc, resabs */
		double K = 0, G = 0, asc = 0, abs_ = 0;
		for (size_t i = 0; i < MK_GK; i++) {
			K += wk[i] * F[q][i];
			G += wg[i] * F[q][i];
			abs_ += wk[i] * fabs(F[q][i]);
		}
		for (size_t i = 0; i < MK_GK; i++)
			asc += wk[i] * fabs(F[q][i] - K / 2);
		p->est[q] = K * hw;
		p->err[q] = mk_gk_error(K * hw, G * hw, asc * hw, abs_ * hw);
	}
}

/* The integrals' totals with the tails, and the scale each is judged on. */
static void
totals(struct quad *Q, double *scale)
{
	double heavy = isfinite(Q->a) ? Q->gb / (Q->a - 1) : 0;

	for (int q = 0; q < NF; q++)
		Q->tot[q] = 0;
	for (size_t p = 0; p < Q->np; p++)
		for (int q = 0; q < NF; q++)
			Q->tot[q] += Q->pn[p].est[q];
	Q->tot[0] += heavy;
	Q->tot[1] += heavy * Q->mb;
	Q->tot[2] += heavy * Q->mb * Q->mb +
	    (Q->need[2] && isfinite(Q->a) ? Q->Vb * Q->gb / (Q->a -
	    (Q->flatmu ? 3 : 1)) : 0);
	Q->tot[3] += (Q->need[3] && isfinite(Q->a) ?
	    tau_of(Q, Q->xb) * Q->gb / (Q->a - 2) : 0);
	scale[0] = Q->tot[0];
	scale[1] = Q->tot[0] * sqrt(Q->vmode);
	scale[2] = Q->tot[2];
	scale[3] = Q->tot[3];
}

static int
add_panel(struct quad *Q, double a, double b)
{
	if (Q->np == Q->cap) {
		size_t c2 = Q->cap ? 2 * Q->cap : 32;
		struct panel *pn = realloc(Q->pn, c2 * sizeof(*pn));
		if (pn == NULL)
			return -1;
		Q->pn = pn;
		Q->cap = c2;
	}
	Q->pn[Q->np].a = a;
	Q->pn[Q->np].b = b;
	panel_eval(Q, &Q->pn[Q->np]);
	Q->np++;
	return 0;
}

/* Splits panel p in two. */
static int
bisect(struct quad *Q, size_t p)
{
	double a = Q->pn[p].a, b = Q->pn[p].b, c = a + (b - a) / 2;

	if (!(c > a && c < b))
		return 0;	/* as fine as doubles go */
	Q->pn[p].b = c;
	panel_eval(Q, &Q->pn[p]);
	return add_panel(Q, c, b);
}

/* Bisects the panel with the largest error until every integral asked
 * for is within QTOL of its scale: 0, 1 when MAXPANEL was reached, -1
 * (memory). *relerr: the largest relative error estimate. */
static int
adapt(struct quad *Q, double *relerr)
{
	for (;;) {
		double scale[NF], worst = 0, e = 0;
		size_t wp = 0;
		totals(Q, scale);
		for (int q = 0; q < NF; q++) {
			double s = 0;
			if (!Q->need[q] || !(scale[q] > 0))
				continue;
			for (size_t p = 0; p < Q->np; p++) {
				s += Q->pn[p].err[q];
				if (Q->pn[p].err[q] / scale[q] > worst) {
					worst = Q->pn[p].err[q] / scale[q];
					wp = p;
				}
			}
			e = fmax(e, s / scale[q]);
		}
		*relerr = e;
		if (e <= QTOL)
			return 0;
		if (Q->np >= MAXPANEL)
			return 1;
		if (bisect(Q, wp) != 0)
			return -1;
	}
}

/* log p(x | y) + const at x, for mk_golden_max. */
static double
eval_fn(double x, void *q)
{
	double m, V;

	return eval_at(q, x, &m, &V);
}

/* The width of the peak at a mode: 1/sqrt(-f''), at most 1. */
static double
peak_width(struct quad *Q, double x, double fx)
{
	double h = 1e-2, m, V, s = 1;

	for (int it = 0; it < 2; it++) {
		double d2 = (eval_at(Q, x + h, &m, &V) + eval_at(Q, x - h, &m,
		    &V) - 2 * fx) / (h * h);
		if (!(d2 < 0) || !isfinite(d2))
			return s;
		s = fmin(1, 1 / sqrt(-d2));
		if (s >= 5 * h)
			break;
		h = s / 5;
	}
	return s;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The grid scan, the modes and the first panels. */
static int
first_panels(struct quad *Q)
{
	size_t ng, nbp = 0, cap;
	double *f = NULL, *bp = NULL, top = -INFINITY, m, V;
	int rc = -1, heavy = isfinite(Q->a);

	for (;;) {	/* a light tail must fall 60 below the top by xb */
		ng = (size_t)ceil(Q->xb - Q->xa) + 1;
		free(f);
		if ((f = malloc(ng * sizeof(double))) == NULL)
			return -1;
		for (size_t j = 0; j < ng; j++) {
			double x = j + 1 == ng ? Q->xb : Q->xa + (double)j;
			f[j] = eval_at(Q, x, &m, &V);
			if (f[j] > top) {
				top = f[j];
				Q->vmode = V;
			}
		}
		if (heavy || Q->P->pt.kind == MK_PRIOR_UNIFORM ||
		    !(f[ng - 1] > top - 60) || Q->xb >= 340)
			break;
		Q->xb = fmin(340, Q->xb + 8);
	}
	if (!heavy) {	/* a light tail ends where the density is < e^-60 */
		size_t last = 0;
		for (size_t j = 0; j < ng; j++)
			if (f[j] > top - 60)
				last = j;
		if (last + 2 < ng) {
			ng = last + 2;
			Q->xb = Q->xa + (double)(ng - 1);
		}
	}
	cap = ng / 4 + 64 * ng / 8 + 8;
	if ((bp = malloc(cap * sizeof(double))) == NULL)
		goto out;
	for (size_t j = 0; j < ng; j += 4)	/* every 4th grid point */
		bp[nbp++] = Q->xa + (double)j;
	bp[nbp++] = Q->xb;
	for (size_t j = 0; j < ng && nbp + 40 <= cap; j++) {	/* the modes */
		double fx, x, s;
		if (!(f[j] > top - 40) || (j > 0 && f[j - 1] > f[j]) ||
		    (j + 1 < ng && f[j + 1] > f[j]))
			continue;
		if (j + 1 == ng) {	/* at the end (a uniform prior's) */
			x = Q->xb;
			fx = f[j];
			s = 0.5;
		} else {
			x = mk_golden_max(eval_fn, Q, j ? Q->xa +
			    (double)j - 1 : Q->xa, fmin(Q->xa + (double)j + 1,
			    Q->xb), 1e-4, &fx);
			s = peak_width(Q, x, fx);
		}
		if (fx > top) {
			top = fx;
			(void)eval_at(Q, x, &m, &V);
			Q->vmode = V;
		}
		bp[nbp++] = x;
		for (double d = s; d <= 4 && nbp + 2 <= cap; d *= 2) {
			bp[nbp++] = x - d;
			bp[nbp++] = x + d;
		}
	}
	Q->P->fref = top;
	qsort(bp, nbp, sizeof(double), cmp_double);
	double last = Q->xa;
	for (size_t i = 0; i < nbp; i++) {	/* panels between the points */
		if (bp[i] > Q->xb)
			break;
		if (bp[i] - last <= 1e-9 * fmax(1, fabs(last)))
			continue;
		if (add_panel(Q, last, bp[i]) != 0)
			goto out;
		last = bp[i];
	}
	if (Q->xb - last > 0 && add_panel(Q, last, Q->xb) != 0)
		goto out;
	rc = 0;
out:
	free(f);
	free(bp);
	return rc;
}

/* ---- the nodes, the moments and tau's quantiles ------------------------- */

static int
cmp_panel(const void *a, const void *b)
{
	double x = ((const struct panel *)a)->a, y = ((const struct panel *)b)->a;

	return x < y ? -1 : x > y;
}

/* The panels (sorted) as nodes with normalised weights; cum[p]: the mass
 * below panel p (cum[np]: below xb). */
static int
build_nodes(struct quad *Q, mk_bnodes *nd, double *cum)
{
	size_t np = Q->np, n = np * MK_GK + 1;
	double scale[NF], c = Q->P->c, Z;

	mk_bnodes_free(nd);
	qsort(Q->pn, np, sizeof(*Q->pn), cmp_panel);
	totals(Q, scale);
	Z = Q->tot[0];
	nd->npanel = np;
	nd->n = n;
	nd->hw = malloc(np * sizeof(double));
	nd->tau2 = malloc(n * sizeof(double));
	nd->wk = malloc(n * sizeof(double));
	nd->wg = malloc(n * sizeof(double));
	nd->m = malloc(n * sizeof(double));
	nd->V = malloc(n * sizeof(double));
	nd->act = malloc(n * sizeof(size_t));
	nd->nodeact = malloc(n * sizeof(size_t));
	nd->wact = malloc(n * sizeof(double));
	nd->phi = calloc(n, sizeof(double));
	if (!nd->hw || !nd->tau2 || !nd->wk || !nd->wg || !nd->m || !nd->V ||
	    !nd->act || !nd->nodeact || !nd->wact || !nd->phi)
		return -1;
	cum[0] = 0;
	for (size_t p = 0; p < np; p++) {	/* each panel's nodes */
		const struct panel *pn = &Q->pn[p];
		double hw = (pn->b - pn->a) / 2;
		nd->hw[p] = hw;
		for (size_t i = 0; i < MK_GK; i++) {
			size_t j = p * MK_GK + i;
			nd->tau2[j] = pn->t[i] * pn->t[i];
			nd->wk[j] = hw * mk_gk_weight(i) * pn->g[i] / Z;
			nd->wg[j] = hw * gk_gauss(i) * pn->g[i] / Z;
			nd->m[j] = c + pn->m[i];
			nd->V[j] = pn->V[i];
		}
		cum[p + 1] = cum[p] + pn->est[0] / Z;
	}
	size_t j = np * MK_GK;	/* the tail above xb */
	double tb = tau_of(Q, Q->xb);
	nd->tau2[j] = tb * tb;
	nd->wk[j] = nd->wg[j] = isfinite(Q->a) ? Q->gb / (Q->a - 1) / Z : 0;
	nd->m[j] = c + Q->mb;
	nd->V[j] = Q->Vb;
	nd->nact = 0;	/* the nodes whose weight counts */
	for (j = 0; j < n; j++) {
		nd->nodeact[j] = SIZE_MAX;
		if (nd->wk[j] > 1e-17 && isfinite(nd->m[j]) && nd->V[j] > 0) {
			nd->nodeact[j] = nd->nact;
			nd->act[nd->nact] = j;
			nd->wact[nd->nact++] = nd->wk[j];
		}
	}
	return 0;
}

/* P(log(tau + c) < x | y), and the density there. */
static double
tau_cdf(struct quad *Q, const double *cum, double x, double *dens)
{
	size_t lo = 0, hi = Q->np;
	double Z = Q->tot[0], m, V, s = 0;

	while (hi - lo > 1) {	/* the panel holding x */
		size_t mid = lo + (hi - lo) / 2;
		if (Q->pn[mid].a <= x)
			lo = mid;
		else
			hi = mid;
	}
	const struct panel *p = &Q->pn[lo];
	double c = (p->a + x) / 2, hw = (x - p->a) / 2;
	for (size_t i = 0; i < MK_GK && hw > 0; i++)	/* [a, x] */
		s += mk_gk_weight(i) * exp(eval_at(Q, c + hw * gk_abscissa(i),
		    &m, &V) - Q->P->fref);
	*dens = exp(eval_at(Q, x, &m, &V) - Q->P->fref) / Z;
	return cum[lo] + s * hw / Z;
}

/* The prob-quantile of tau: in closed form in the tail, else Newton's
 * method on the integral within its panel, from where the sums of the
 * nodes' weights put it. */
static double
tau_quantile(struct quad *Q, const mk_bnodes *nd, const double *cum,
    double prob)
{
	size_t p = 0, np = Q->np;

	if (prob >= cum[np])
		return isfinite(Q->a) && cum[np] < 1 ? tau_of(Q, Q->xb - log((1 -
		    prob) / (1 - cum[np])) / (Q->a - 1)) : tau_of(Q, Q->xb);
	while (p + 1 < np && cum[p + 1] <= prob)
		p++;
	double lo = Q->pn[p].a, hi = Q->pn[p].b, mid = (lo + hi) / 2;
	double hw = (hi - lo) / 2, c0 = cum[p], x0 = lo, x = NAN;
	for (size_t i = 0; i < MK_GK && isnan(x); i++) {	/* the start */
		double c1 = c0 + nd->wk[p * MK_GK + i];
		double x1 = i + 1 < MK_GK ? mid + hw * (gk_abscissa(i) +
		    gk_abscissa(i + 1)) / 2 : hi;
		if (c1 >= prob || i + 1 == MK_GK)
			x = x0 + (c1 > c0 ? (prob - c0) / (c1 - c0) : 0.5) *
			    (x1 - x0);
		c0 = c1;
		x0 = x1;
	}
	for (int it = 0; it < 100; it++) {
		double d, F = tau_cdf(Q, cum, x, &d), nx;
		if (F < prob)
			lo = x;
		else
			hi = x;
		nx = d > 0 ? x - (F - prob) / d : NAN;
		/* converged, or so close that the next step (its error
		 * quadratic in this one) would be */
		if (fabs(nx - x) <= 1e-7 * hw || fabs(nx - x) <= 1e-13 *
		    fmax(1, fabs(x)))
			return tau_of(Q, nx);
		if (!(nx > lo && nx < hi))
			nx = lo + (hi - lo) / 2;
		if (hi - lo <= 1e-13 * fmax(1, fabs(x)))
			return tau_of(Q, nx);
		x = nx;
	}
	return tau_of(Q, x);
}

/* ---- the fit ------------------------------------------------------------ */

void
mk_bayes_free(mk_bayes *b)
{
	if (b == NULL)
		return;
	free(b->shr_median);
	free(b->shr_lo);
	free(b->shr_hi);
	free(b->y);
	free(b->v);
	free(b);
}

static int
resolve_priors(const mk_studies *s, const mk_opts *o, mk_bayes *b,
    mk_err *err)
{
	b->prior_tau = o->prior_tau;
	b->prior_mu = o->prior_mu;
	if (b->prior_mu.kind == MK_PRIOR_DEFAULT)
		b->prior_mu.kind = MK_PRIOR_FLAT;
	if (b->prior_tau.kind != MK_PRIOR_DEFAULT ||
	    mk_prior_default(s->measure, &b->prior_tau) == 0)
		return 0;
	mk_prior_no_default(s->measure, err);
	return -1;
}

/* The data, the centre and the span of the quadrature. */
static int
setup(const mk_studies *s, mk_bayes *b, struct post *P, struct quad *Q,
    mk_err *err)
{
	size_t k = s->k;
	double vmin = INFINITY, vmax = 0, ymin = INFINITY, ymax = -INFINITY;
	double plo, phi, *d = malloc(k * sizeof(double));
	double *w = malloc(k * sizeof(double));

	b->k = k;
	b->y = malloc(k * sizeof(double));
	b->v = malloc(k * sizeof(double));
	P->d = d;	/* freed by the caller, whatever happens here */
	P->w = w;
	if (!b->y || !b->v || !d || !w) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < k; i++) {
		if (!isfinite(s->yi[i]) || !(s->vi[i] > 0) ||
		    !isfinite(s->vi[i])) {
			mk_err_set(err, "", 0, "", "--method BAYES needs a "
			    "finite estimate and a positive variance for "
			    "every study; study %zu has yi = %g, vi = %g", i + 1,
			    s->yi[i], s->vi[i]);
			return -1;
		}
		b->y[i] = s->yi[i];
		b->v[i] = s->vi[i];
		vmin = fmin(vmin, s->vi[i]);
		vmax = fmax(vmax, s->vi[i]);
		ymin = fmin(ymin, s->yi[i]);
		ymax = fmax(ymax, s->yi[i]);
	}
	post_init(P, b, d, w);
	Q->vmin = vmin;
	Q->P = P;
	Q->flatmu = P->p0 == 0;
	Q->a = mk_prior_tail(&b->prior_tau) + (double)k - (Q->flatmu ? 1 : 0);
	if (!(Q->a > 1)) {	/* p(tau | y) ~ tau^-a does not integrate */
		mk_prior_improper(&b->prior_tau, !Q->flatmu, k, Q->a, err);
		return -1;
	}
	/* from 1e-10 of the smallest scale to 1e8 of the largest (further
	 * for a slow power tail), where the tails take over */
	double lo = sqrt(vmin), hi = fmax(sqrt(vmax), ymax - ymin);
	if (P->p0 > 0)
		hi = fmax(hi, fabs(P->m0));
	mk_prior_scales(&b->prior_tau, &plo, &phi);
	if (isfinite(plo)) {
		lo = fmin(lo, plo);
		hi = fmax(hi, phi);
	}
	Q->c = lo / 4;
	Q->xa = log(Q->c);
	if (b->prior_tau.kind == MK_PRIOR_UNIFORM)
		Q->xb = log(b->prior_tau.a + Q->c);
	else if (isfinite(Q->a))
		Q->xb = log(hi) + fmin(300, fmax(18.5, 28 / (Q->a - 1)));
	else
		Q->xb = log(hi) + 18.5;
	Q->xb = fmin(Q->xb, 340);
	if (!(Q->xb > Q->xa)) {
		mk_err_set(err, "", 0, "", "--method BAYES: the prior on tau "
		    "and the data are on scales too far apart to integrate");
		return -1;
	}
	Q->need[0] = 1;
	Q->need[1] = !isfinite(Q->a) || !Q->flatmu || Q->a > 2;
	Q->need[2] = !isfinite(Q->a) || !Q->flatmu || Q->a > 3;
	Q->need[3] = !isfinite(Q->a) || Q->a > 2;
	return 0;
}

/* The tails' densities at the span's ends. */
static void
tails(struct quad *Q)
{
	double f = eval_at(Q, Q->xb - 1e-12 * fmax(1, fabs(Q->xb)), &Q->mb,
	    &Q->Vb);
	Q->gb = isfinite(Q->a) ? exp(f - Q->P->fref) : 0;
}

int
mk_bayes_fit(const mk_studies *s, const mk_opts *o, mk_fit *f, mk_warn *w,
    mk_err *err)
{
	mk_bayes *b = calloc(1, sizeof(*b));
	struct post P;
	struct quad Q;
	mk_bnodes nd;
	double *cum = NULL, relerr = 0, cerr = 0;
	unsigned char *flag = NULL;
	int rc = -1, capped;

	memset(&P, 0, sizeof(P));
	memset(&Q, 0, sizeof(Q));
	memset(&nd, 0, sizeof(nd));
	if (b == NULL) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	f->bayes = b;
	if (resolve_priors(s, o, b, err) != 0 || setup(s, b, &P, &Q, err) != 0)
		goto out;
	b->threshold = isnan(o->threshold) ? 0 : mk_analysis(s->measure,
	    o->threshold, mk_studies_nhm(s, NULL, s->k));
	if (!isfinite(b->threshold)) {
		mk_err_set(err, "", 0, "", "--threshold %g is not a value of %s "
		    "(on its natural scale)", o->threshold,
		    mk_measure_get(s->measure)->name);
		err->usage = 1;
		goto out;
	}
	b->mu_median = b->mu_lo = b->mu_hi = NAN;	/* no start yet */
	b->pred_median = b->pred_lo = b->pred_hi = NAN;
	if (first_panels(&Q) != 0)
		goto oom;
	tails(&Q);
	if ((capped = adapt(&Q, &relerr)) < 0)
		goto oom;
	for (int round = 0;; round++) {	/* until every CDF is accurate */
		free(cum);
		free(flag);
		cum = malloc((Q.np + 1) * sizeof(double));
		flag = calloc(Q.np, 1);
		if (cum == NULL || flag == NULL || build_nodes(&Q, &nd, cum) != 0)
			goto oom;
		if (mk_bayes_mixtures(&nd, b, o->level, o->bayes_brief, flag,
		    &cerr) != 0) {
			mk_err_set(err, "", 0, "", "--method BAYES: the "
			    "posterior quantiles did not converge");
			goto out;
		}
		size_t np0 = Q.np, nflag = 0;
		for (size_t p = 0; p < np0 && Q.np < MAXPANEL; p++)
			if (flag[p]) {
				nflag++;
				if (bisect(&Q, p) != 0)
					goto oom;
			}
		if (nflag == 0 || round == 6 || Q.np >= MAXPANEL)
			break;
	}
	mk_bayes_moments(&nd, Q.a, tau_of(&Q, Q.xb), Q.Vb, Q.flatmu, b);
	double pl = (1 - o->level / 100) / 2;
	b->tau_median = tau_quantile(&Q, &nd, cum, 0.5);
	b->tau_lo = b->tau_hi = b->tau_hi_shown = NAN;
	if (o->bayes_brief < 2) {
		b->tau_lo = tau_quantile(&Q, &nd, cum, pl);
		b->tau_hi = tau_quantile(&Q, &nd, cum, 1 - pl);
		b->tau_hi_shown = tau_quantile(&Q, &nd, cum, 0.995);
	}
	b->logz = log(Q.tot[0]) + P.fref;
	b->panels = Q.np;
	if (capped || cerr > 10 * MK_BAYES_CTOL)
		mk_warn_add(w, "--method BAYES: the posterior integrals reached "
		    "a relative error of about %.1g (wanted %.0g) in %zu panels",
		    fmax(relerr, cerr), QTOL, Q.np);
	mk_bayes_fill(f, b);
	f->iters = (int)Q.np;
	rc = 0;
	goto out;
oom:
	mk_err_set(err, "", 0, "", "out of memory");
out:
	free(cum);
	free(flag);
	free(P.d);
	free(P.w);
	free(Q.pn);
	mk_bnodes_free(&nd);
	return rc;
}

double
mk_bayes_density(const mk_bayes *b, double tau)
{
	struct post P;
	double m, V, r, *d, *w;

	if (!(tau >= 0))
		return tau < 0 ? 0 : NAN;
	d = malloc(b->k * sizeof(double));
	w = malloc(b->k * sizeof(double));
	r = NAN;
	if (d != NULL && w != NULL) {	/* p(tau) = p(x) / tau */
		post_init(&P, b, d, w);
		r = exp(logpost(&P, tau, &m, &V) - b->logz);
	}
	free(d);
	free(w);
	return r;
}
