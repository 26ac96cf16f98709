/* bayesq.c: normal mixtures over the quadrature nodes of tau's posterior
 * (bayes.c builds the nodes): their CDF, quantiles and the error of the
 * CDF, panel by panel; and the Gauss-Kronrod rule both files use. What
 * the mixtures are (mu, a new study, a study's effect) is bayes.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fit/internal.h"

/* The 15-point Gauss-Kronrod rule (Kronrod 1965; the abscissae and
 * weights of QUADPACK's qk15, Piessens et al. 1983), to 30 digits. */
const double mk_xgk[8] = {
	0.991455371120812639206854697526329,
	0.949107912342758524526189684047851,
	0.864864423359769072789712788640926,
	0.741531185599394439863864773280788,
	0.586087235467691130294144845693013,
	0.405845151377397166906606412076961,
	0.207784955007898467600689403773245,
	0.000000000000000000000000000000000
};
const double mk_wgk[8] = {
	0.022935322010529224963732008058970,
	0.063092092629978553290700663189204,
	0.104790010322250183839876322541518,
	0.140653259715525918745189590510238,
	0.169004726639267902826583426598550,
	0.190350578064785409913256402421014,
	0.204432940075298892414161999234649,
	0.209482141084727828012999174891714
};
const double mk_wg[4] = {
	0.129484966168869693270611432679082,
	0.279705391489276667901467771423780,
	0.381830050505118944950369775488975,
	0.417959183673469387755102040816327
};


#define SQRT1_2 0.70710678118654752440084436210484904	/* 1/sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267793994605993438187

/* QUADPACK's rule (Piessens et al. 1983, qk15): |K - G| overstates the
 * error of the Kronrod sum, which converges much faster; scaled by how
 * smooth the integrand is (resasc) and not below the rounding of resabs. */
double
mk_gk_error(double K, double G, double resasc, double resabs)
{
	double e = fabs(K - G);

	if (resasc != 0 && e != 0)
		e = resasc * fmin(1, pow(200 * e / resasc, 1.5));
	if (resabs > 2.2250738585072014e-308 / (50 * 2.220446049250313e-16))
		e = fmax(50 * 2.220446049250313e-16 * resabs, e);
	return e;
}

/* F(q), its density and the density's slope, the Phi kept in nd->phi. */
static double
cdf3(mk_bnodes *nd, const double *mean, const double *isd, double q,
    double *dens, double *slope)
{
	long double F = 0, d = 0, d1 = 0;

	for (size_t a = 0; a < nd->nact; a++) {	/* sum w Phi((q - m)/s) */
		double z = (q - mean[a]) * isd[a];
		double e = nd->wact[a] * isd[a] * exp(-0.5 * z * z);
		nd->phi[a] = 0.5 * erfc(-z * SQRT1_2);
		F += nd->wact[a] * nd->phi[a];
		d += e;
		d1 -= e * z * isd[a];
	}
	*dens = (double)d * INV_SQRT_2PI;
	*slope = (double)d1 * INV_SQRT_2PI;
	return (double)F;
}

double
mk_mix_cdf(mk_bnodes *nd, const double *mean, const double *isd, double q,
    double *dens)
{
	double slope;

	return cdf3(nd, mean, isd, q, dens, &slope);
}

/* Halley's method (Newton's where the correction is large) from start,
 * kept inside the bracket [lo, hi] once the CDF has been seen on both
 * sides of p (bisection when a step would leave it); steps toward an
 * unbracketed side at most 4 scales, doubling. */
int
mk_mix_quantile(mk_bnodes *nd, const double *mean, const double *isd,
    double p, double start, double scale, double *q, double *dens)
{
	double lo = -INFINITY, hi = INFINITY, x = start, cap = 4 * scale;

	if (!(scale > 0) || !isfinite(start))
		return -1;
	for (int it = 0; it < 400; it++) {
		double slope, F = cdf3(nd, mean, isd, x, dens, &slope), nx;
		double tol = 1e-12 * scale + 4e-16 * fabs(x);
		if (isnan(F))
			return -1;
		if (F < p)
			lo = x;
		else
			hi = x;
		double h = (F - p) / *dens, c = h * slope / (2 * *dens);
		int halley = fabs(c) < 0.5;
		nx = *dens > 0 ? x - (halley ? h / (1 - c) : h) : NAN;
		/* converged (F = p too), or a step so small that the one
		 * after it would be (Halley's error is cubic in it) */
		if (fabs(nx - x) <= tol || (halley && fabs(nx - x) <= 1e-5 *
		    scale)) {
			*q = nx;
			return 0;
		}
		if (isfinite(lo) && isfinite(hi)) {
			if (!(nx > lo && nx < hi))
				nx = lo + (hi - lo) / 2;
		} else if (!(fabs(nx - x) <= cap)) {	/* toward the open side */
			nx = x + (F < p ? cap : -cap);
			cap *= 2;
		}
		if (hi - lo <= tol) {
			*q = nx;
			return 0;
		}
		x = nx;
	}
	return -1;
}

/* The rule's weight (on [-1, 1]) of node i of a panel: nodes run from
 * -xgk[0] (i = 0) through 0 (i = 7) to xgk[0] (i = 14). */
double
mk_gk_weight(size_t i)
{
	return mk_wgk[i <= 7 ? i : MK_GK - 1 - i];
}

/* The error estimate of the CDF last evaluated over panel p. */
static double
panel_error(const mk_bnodes *nd, size_t p)
{
	const size_t j0 = p * MK_GK;
	double h[MK_GK], K = 0, G = 0, asc = 0;

	for (size_t i = 0; i < MK_GK; i++) {	/* Kronrod and Gauss sums */
		size_t a = nd->nodeact[j0 + i];
		double phi = a < nd->nact ? nd->phi[a] : 0;
		h[i] = nd->wk[j0 + i] * phi;
		K += h[i];
		G += nd->wg[j0 + i] * phi;
	}
	/* the integral of |f - mean f| over the panel: the rule's weights
	 * sum to 2 on [-1, 1] */
	for (size_t i = 0; i < MK_GK; i++)
		asc += fabs(h[i] - mk_gk_weight(i) * K / 2);
	return mk_gk_error(K, G, asc, K);
}

double
mk_mix_error(const mk_bnodes *nd, double tol, unsigned char *flag)
{
	double total = 0;

	for (size_t p = 0; p < nd->npanel; p++)
		total += panel_error(nd, p);
	for (size_t p = 0; total > tol && flag != NULL && p < nd->npanel; p++)
		if (panel_error(nd, p) > tol / (double)nd->npanel)
			flag[p] = 1;
	return total;
}

/* ---- what is reported ---------------------------------------------------- */

void
mk_bnodes_free(mk_bnodes *nd)
{
	free(nd->hw);
	free(nd->tau2);
	free(nd->wk);
	free(nd->wg);
	free(nd->m);
	free(nd->V);
	free(nd->act);
	free(nd->wact);
	free(nd->nodeact);
	free(nd->phi);
	memset(nd, 0, sizeof(*nd));
}

/* E mu, sd mu and E tau, NaN where they do not exist: the nodes' sums,
 * with the power tail's moments above xb in closed form. */
void
mk_bayes_moments(const mk_bnodes *nd, double a, double tb, double Vb,
    int flatmu, mk_bayes *b)
{
	long double s1 = 0, s2 = 0, st = 0;
	double tail = nd->wk[nd->n - 1];
	int heavy = isfinite(a);

	for (size_t j = 0; j < nd->n; j++) {	/* E m, E tau */
		s1 += nd->wk[j] * nd->m[j];
		st += nd->wk[j] * sqrt(nd->tau2[j]);
	}
	b->mu_mean = (double)s1;
	for (size_t j = 0; j < nd->n; j++) {	/* E (V + (m - E mu)^2) */
		double d = nd->m[j] - b->mu_mean;
		s2 += nd->wk[j] * (nd->V[j] + d * d);
	}
	if (heavy) {	/* tau and V grow as tau^1, tau^2 (flat mu) above xb */
		st += tail * tb * ((a - 1) / (a - 2) - 1);
		if (flatmu)
			s2 += tail * Vb * ((a - 1) / (a - 3) - 1);
	}
	b->tau_mean = !heavy || a > 2 ? (double)st : NAN;
	b->mu_sd = !heavy || !flatmu || a > 3 ? sqrt((double)s2) : NAN;
	if (heavy && flatmu && !(a > 2))
		b->mu_mean = NAN;
}

/* Q, I2 and H2 at the posterior median of tau2, and the study weights
 * there (percent), as metafor computes them for a given tau2. */
static void
heterogeneity(mk_fit *f, const mk_bayes *b)
{
	long double sw = 0, sw2 = 0, swy = 0, q = 0, st = 0;
	size_t k = b->k;

	for (size_t i = 0; i < k; i++) {	/* fixed-effect sums */
		long double w = 1 / (long double)b->v[i];
		sw += w;
		sw2 += w * w;
		swy += w * b->y[i];
	}
	for (size_t i = 0; i < k; i++) {	/* Q from deviations */
		long double d = b->y[i] - swy / sw;
		q += d * d / b->v[i];
	}
	double s2 = k > 1 ? (double)((k - 1) * sw / (sw * sw - sw2)) : NAN;
	f->q = k > 1 ? (double)q : 0;
	f->qdf = (double)k - 1;
	f->qp = k > 1 ? gsl_cdf_chisq_Q(f->q, f->qdf) : NAN;
	f->i2 = 100 * f->tau2 / (s2 + f->tau2);
	f->h2 = f->tau2 / s2 + 1;
	f->i2_lo = 100 * f->tau2_lo / (s2 + f->tau2_lo);
	f->i2_hi = 100 * f->tau2_hi / (s2 + f->tau2_hi);
	for (size_t i = 0; i < k; i++) {	/* weights at tau2 */
		f->weight[i] = 1 / (b->v[i] + f->tau2);
		st += f->weight[i];
	}
	for (size_t i = 0; i < k; i++)
		f->weight[i] = (double)(100 * f->weight[i] / st);
}

void
mk_bayes_fill(mk_fit *f, const mk_bayes *b)
{
	f->est = b->mu_median;
	f->se = b->mu_sd;
	f->lo = b->mu_lo;
	f->hi = b->mu_hi;
	f->stat = f->p = f->tdf = NAN;
	f->pi_lo = b->pred_lo;
	f->pi_hi = b->pred_hi;
	f->tau = b->tau_median;
	f->tau2 = b->tau_median * b->tau_median;
	f->tau2_lo = b->tau_lo * b->tau_lo;
	f->tau2_hi = b->tau_hi * b->tau_hi;
	heterogeneity(f, b);
}

/* The median and the interval's ends of the mixture with components
 * mean, 1/sd (out[0..2]): the median by Newton's method from the mean,
 * the ends from the median by the normal with its density there; the
 * panels where a CDF is not accurate are flagged. */
static int
three(mk_bnodes *nd, const double *mean, const double *isd,
    const double *prob, double *out, unsigned char *flag, double *err)
{
	double hint[3] = { out[0], out[1], out[2] };	/* a previous round's */

	long double c = 0, s = 0;
	size_t top = 0;
	double d;

	for (size_t a = 0; a < nd->nact; a++) {	/* centre, top node */
		c += nd->wact[a] * mean[a];
		if (nd->wact[a] > nd->wact[top])
			top = a;
	}
	for (size_t a = 0; a < nd->nact; a++)	/* spread of the means */
		s += nd->wact[a] * (mean[a] - c) * (mean[a] - c);
	double scale = sqrt(1 / (isd[top] * isd[top]) + (double)s);
	if (mk_mix_quantile(nd, mean, isd, prob[0], isfinite(hint[0]) ?
	    hint[0] : (double)c, scale, &out[0], &d) != 0)
		return -1;
	*err = fmax(*err, mk_mix_error(nd, MK_BAYES_CTOL, flag));
	/* a normal with this density at its median has this sd */
	double sd = d > 0 ? 0.3989422804014327 / d : scale;
	for (int i = 1; i < 3; i++) {
		double z = gsl_cdf_ugaussian_Pinv(prob[i]);
		if (mk_mix_quantile(nd, mean, isd, prob[i], isfinite(hint[i]) ?
		    hint[i] : out[0] + z * sd, fmin(scale, sd), &out[i], &d) != 0)
			return -1;
		*err = fmax(*err, mk_mix_error(nd, MK_BAYES_CTOL, flag));
	}
	return 0;
}

int
mk_bayes_mixtures(mk_bnodes *nd, mk_bayes *b, double level, int brief,
    unsigned char *flag, double *err)
{
	size_t n = nd->nact;
	double *mean = calloc(n, sizeof(double)), *isd = calloc(n,
	    sizeof(double)), pl = (1 - level / 100) / 2, out[3], d;
	const double prob[3] = { 0.5, pl, 1 - pl };
	int rc = -1;

	*err = 0;
	if (mean == NULL || isd == NULL || n == 0)
		goto out;
	for (size_t a = 0; a < n; a++) {	/* mu: N(m, V) */
		mean[a] = nd->m[nd->act[a]];
		isd[a] = 1 / sqrt(nd->V[nd->act[a]]);
	}
	out[0] = b->mu_median;	/* the last round's, NaN at first */
	out[1] = b->mu_lo;
	out[2] = b->mu_hi;
	if (three(nd, mean, isd, prob, out, flag, err) != 0)
		goto out;
	b->mu_median = out[0];
	b->mu_lo = out[1];
	b->mu_hi = out[2];
	b->p_below = mk_mix_cdf(nd, mean, isd, b->threshold, &d);
	*err = fmax(*err, mk_mix_error(nd, MK_BAYES_CTOL, flag));
	out[0] = b->pred_median;
	out[1] = b->pred_lo;
	out[2] = b->pred_hi;
	for (size_t a = 0; brief < 2 && a < n; a++) {	/* N(m, V + tau^2) */
		size_t j = nd->act[a];
		isd[a] = 1 / sqrt(nd->V[j] + nd->tau2[j]);
	}
	if (brief < 2 && three(nd, mean, isd, prob, out, flag, err) != 0)
		goto out;
	if (brief < 2) {
		b->pred_median = out[0];
		b->pred_lo = out[1];
		b->pred_hi = out[2];
	}
	if (brief == 0 && b->shr_median == NULL) {
		b->shr_median = malloc(b->k * sizeof(double));
		b->shr_lo = malloc(b->k * sizeof(double));
		b->shr_hi = malloc(b->k * sizeof(double));
		if (!b->shr_median || !b->shr_lo || !b->shr_hi)
			goto out;
		for (size_t i = 0; i < b->k; i++)
			b->shr_median[i] = b->shr_lo[i] = b->shr_hi[i] = NAN;
	}
	for (size_t i = 0; brief == 0 && i < b->k; i++) {	/* study i */
		double y = b->y[i], v = b->v[i];
		for (size_t a = 0; a < n; a++) {
			size_t j = nd->act[a];
			double B = v / (v + nd->tau2[j]);
			mean[a] = B * nd->m[j] + (1 - B) * y;
			isd[a] = 1 / sqrt(v * (1 - B) + B * B * nd->V[j]);
		}
		out[0] = b->shr_median[i];
		out[1] = b->shr_lo[i];
		out[2] = b->shr_hi[i];
		if (three(nd, mean, isd, prob, out, flag, err) != 0)
			goto out;
		b->shr_median[i] = out[0];
		b->shr_lo[i] = out[1];
		b->shr_hi[i] = out[2];
	}
	rc = 0;
out:
	free(mean);
	free(isd);
	return rc;
}
