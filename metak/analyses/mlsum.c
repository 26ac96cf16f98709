/* mlsum.c: what reviewers report of a fitted multilevel model beyond its
 * components: I2 at each level and in total (Cheung 2014, Psychol Methods
 * 19:211, as metafor's FAQ computes it for rma.mv), and the
 * likelihood-ratio test of each component against the model without it
 * (metafor's anova(full, reduced), same method). mlfit.c fits the model
 * and calls these; mlm.c evaluates the likelihood. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "analyses/internal.h"

/* The typical sampling variance (k - p)/tr P, P = W - WX(X'WX)^-1X'W with
 * W = V^-1 the inverse sampling covariance (block by block: V is block-
 * diagonal by the outermost level): tr P = tr W - tr((X'WX)^-1 X'W^2X).
 * NaN when V or X'WX cannot be inverted. */
static double
typical_v(const mk_ml *m)
{
	size_t p = m->d.p, n0 = m->maxn ? m->maxn : 1;
	double zero[MK_MAXLEVELS] = { 0 }, tv = NAN;
	double *H = malloc((n0 * n0 + n0 * p + 2 * p * p) * sizeof(double));
	long double trw = 0;

	if (H == NULL)
		return NAN;
	double *hx = H + n0 * n0, *A = hx + n0 * p, *B = A + p * p;
	memset(A, 0, 2 * p * p * sizeof(double));
	for (size_t c = 0; c < m->nb; c++) {
		size_t s = m->bstart[c], n = m->bstart[c + 1] - s;
		mk_ml_block_cov(m, c, zero, H);
		gsl_matrix_view Hv = gsl_matrix_view_array(H, n, n);
		if (gsl_linalg_cholesky_decomp1(&Hv.matrix) != GSL_SUCCESS ||
		    gsl_linalg_cholesky_invert(&Hv.matrix) != GSL_SUCCESS)
			goto out;
		for (size_t i = 0; i < n; i++) {	/* W X, tr W */
			trw += H[i * n + i];
			for (size_t q = 0; q < p; q++) {
				long double t = 0;
				for (size_t j = 0; j < n; j++)
					t += (long double)H[i * n + j] *
					    m->d.x[m->ord[s + j] * p + q];
				hx[i * p + q] = (double)t;
			}
		}
		for (size_t a = 0; a < p; a++)	/* X'WX, X'W^2X */
			for (size_t b = 0; b < p; b++) {
				long double u = 0, v = 0;
				for (size_t i = 0; i < n; i++) {
					u += (long double)m->d.x[m->ord[s + i] *
					    p + a] * hx[i * p + b];
					v += (long double)hx[i * p + a] *
					    hx[i * p + b];
				}
				A[a * p + b] += (double)u;
				B[a * p + b] += (double)v;
			}
	}
	gsl_matrix_view Av = gsl_matrix_view_array(A, p, p);
	if (gsl_linalg_cholesky_decomp1(&Av.matrix) != GSL_SUCCESS ||
	    gsl_linalg_cholesky_invert(&Av.matrix) != GSL_SUCCESS)
		goto out;
	long double tr = 0;
	for (size_t a = 0; a < p * p; a++)	/* tr(A^-1 B), both symmetric */
		tr += (long double)A[a] * B[a];
	double trp = (double)(trw - tr);
	tv = trp > 0 ? ((double)m->d.k - (double)p) / trp : NAN;
out:
	free(H);
	return tv;
}

/* I2 of each level, 100 sigma2_l / (sum sigma2 + typical v), and in
 * total (into mo->i2), as metafor's FAQ for rma.mv (Cheung 2014). */
static void
i2_levels(const mk_ml *m, mk_model *mo)
{
	double tv = typical_v(m), tot = 0;

	for (size_t l = 0; l < mo->ncomp; l++)
		tot += mo->comp[l].sigma2;
	mo->vt = tv;
	mo->i2 = isfinite(tv) ? 100 * tot / (tot + tv) : NAN;
	for (size_t l = 0; l < mo->ncomp; l++)
		mo->comp[l].i2 = isfinite(tv) ? 100 * mo->comp[l].sigma2 /
		    (tot + tv) : NAN;
}

/* The likelihood-ratio test of component l: the model refitted with
 * sigma2_l fixed at 0 (the others estimated, from their fitted values),
 * LRT = 2 (ll - ll_0) on 1 df, p from chi2(1) (conservative: at the
 * boundary the statistic follows a 50:50 mixture of chi2(0) and chi2(1));
 * a component at 0 gives LRT 0 and p 1. */
static int
lrt_component(const mk_ml *m, const double *theta, const int *fixed,
    size_t l, double ll, double scale, int maxiter, mk_mlstate *st,
    mk_vcomp *vc)
{
	double t0[MK_MAXLEVELS];
	int fx[MK_MAXLEVELS], it;

	vc->lrt = vc->lrt_p = NAN;
	if (fixed[l])
		return 0;	/* not estimated: nothing to test */
	if (theta[l] <= 0) {
		vc->lrt = 0;
		vc->lrt_p = 1;
		return 0;
	}
	for (size_t j = 0; j < m->L; j++) {
		t0[j] = j == l ? 0 : theta[j];
		fx[j] = fixed[j] || j == l;
	}
	if (mk_ml_fit(m, t0, fx, scale, 1e-12, maxiter, st, &it) != 0)
		return -1;
	vc->lrt = fmax(0, 2 * (ll - st->ll));
	vc->lrt_p = gsl_cdf_chisq_Q(vc->lrt, 1);
	return 0;
}

int
mk_ml_summaries(const mk_ml *m, const double *theta, const int *fixed,
    const char *const *names, double ll, double scale, int maxiter,
    mk_model *mo, mk_err *err)
{
	mk_mlstate st;

	i2_levels(m, mo);
	if (mk_mlstate_init(&st, m->d.p, m->L) != 0) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t l = 0; l < m->L; l++)
		if (lrt_component(m, theta, fixed, l, ll, scale, maxiter, &st,
		    &mo->comp[l]) != 0) {
			mk_err_set(err, "", 0, "", "the likelihood-ratio test "
			    "of %s: the model without it did not converge in %d "
			    "iterations", names[l], maxiter);
			mk_mlstate_free(&st);
			return -1;
		}
	mk_mlstate_free(&st);
	return 0;
}
