/* model.c: the fit of y = X b + u + e, the one core behind the pooled
 * estimate (X a column of ones), the subgroup model with a common tau2 and
 * meta-regression: tau2 (tau2.c), the coefficients with Wald z or
 * Knapp-Hartung t tests, the omnibus test of the moderators, residual
 * heterogeneity, I2/H2, the Q-profile interval of tau2 and the
 * likelihood-based fit statistics, each as metafor's rma.uni computes it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "fit/internal.h"

void
mk_model_free(mk_model *m)
{
	if (m == NULL)
		return;
	free(m->b);
	free(m->w);
	free(m->rob_gg);
	free(m->rob_hs);
	m->rob_gg = m->rob_hs = NULL;
	for (size_t l = 0; m->comp != NULL && l < m->ncomp; l++)
		free(m->comp[l].name);
	free(m->comp);
	m->b = m->vb = m->se = m->stat = m->pval = m->lo = m->hi = NULL;
	m->cdf = m->w = NULL;
	m->comp = NULL;
	m->ncomp = 0;
}

static int
model_alloc(mk_model *m, const mk_design *d)
{
	size_t p = d->p;

	m->b = calloc(p * p + 7 * p, sizeof(double));
	m->w = calloc(d->k && d->sums == NULL ? d->k : 1, sizeof(double));
	if (m->b == NULL || m->w == NULL)
		return -1;
	m->vb = m->b + p;
	m->se = m->vb + p * p;
	m->stat = m->se + p;
	m->pval = m->stat + p;
	m->lo = m->pval + p;
	m->hi = m->lo + p;
	m->cdf = m->hi + p;
	return 0;
}

double
mk_wald(const double *b, const double *vb, size_t p, size_t first)
{
	size_t n = p - first;
	double *a = malloc(n * n * sizeof(double) + n * sizeof(double)), q;

	if (a == NULL || n == 0) {
		free(a);
		return NAN;
	}
	double *z = a + n * n;
	for (size_t j = 0; j < n; j++) {
		z[j] = b[first + j];
		for (size_t l = 0; l < n; l++)
			a[j * n + l] = vb[(first + j) * p + first + l];
	}
	gsl_matrix_view A = gsl_matrix_view_array(a, n, n);
	gsl_vector_view Z = gsl_vector_view_array(z, n);
	q = NAN;
	if (gsl_linalg_cholesky_decomp1(&A.matrix) == GSL_SUCCESS &&
	    gsl_linalg_cholesky_svx(&A.matrix, &Z.vector) == GSL_SUCCESS) {
		long double t = 0;
		for (size_t j = 0; j < n; j++)	/* b' (V^-1 b) */
			t += (long double)b[first + j] * z[j];
		q = (double)t;
	}
	free(a);
	return q;
}

/* Coefficient tests and the omnibus test (metafor: QM on btt, chi2 with m
 * df, or F = QM/m on (m, k-p) under Knapp-Hartung). */
static void
tests(mk_model *m, int intercept)
{
	double crit = mk_crit(m->level, m->df);

	for (size_t j = 0; j < m->p; j++) {
		m->se[j] = sqrt(m->vb[j * m->p + j]);
		m->stat[j] = m->b[j] / m->se[j];
		m->pval[j] = mk_pvalue(m->stat[j], m->df);
		m->lo[j] = m->b[j] - crit * m->se[j];
		m->hi[j] = m->b[j] + crit * m->se[j];
		m->cdf[j] = m->df;
	}
	size_t first = intercept ? 1 : 0;
	m->m = m->p - first;
	m->qm = m->qm_df = m->qm_df2 = m->qm_p = NAN;
	if (m->m == 0)
		return;
	m->qm = mk_wald(m->b, m->vb, m->p, first);
	m->qm_df = (double)m->m;
	if (m->ci == MK_CI_HKSJ) {
		m->qm /= (double)m->m;
		m->qm_df2 = m->df;
		m->qm_p = m->df > 0 ? gsl_cdf_fdist_Q(m->qm, m->qm_df, m->df) :
		    NAN;
	} else {
		m->qm_p = gsl_cdf_chisq_Q(m->qm, m->qm_df);
	}
}

/* QE with FE weights and k - p df; I2 and H2: (QE - df)/QE and QE/df for
 * FE, else from tau2 and the typical variance vt = (k-p)/trP (Higgins &
 * Thompson 2002; metafor's default). Not assessable (NaN) when k = p. */
static int
heterogeneity(mk_model *m, const mk_design *d, int random)
{
	double dfr = (double)d->k - (double)d->p;

	m->qe_df = dfr;
	m->qe = m->qe_p = m->vt = m->i2 = m->h2 = NAN;
	if (!(dfr > 0))
		return 0;
	if (mk_q_typical(d, &m->qe, &m->vt) != 0)
		return -1;
	m->qe_p = gsl_cdf_chisq_Q(m->qe, dfr);
	if (random) {
		m->i2 = 100 * m->tau2 / (m->vt + m->tau2);
		m->h2 = m->tau2 / m->vt + 1;
	} else {
		m->i2 = m->qe > 0 ? fmax(0, 100 * (m->qe - dfr) / m->qe) : 0;
		m->h2 = m->qe / dfr;
	}
	return 0;
}

/* Log-likelihood, deviance and information criteria of an ML or REML fit
 * as metafor's fitstats(): REML's with 1/2 log|X'X|; parameters p + 1. */
static void
fit_stats(mk_model *m, const mk_design *d, mk_wls *s, double rss,
    double logdet, int random)
{
	double k = (double)d->k, p = (double)d->p, l2pi = MK_LOG_2PI;
	double parms = p + (random ? 1 : 0), n;
	long double slog = 0, slogv = 0;

	if (d->sums != NULL) {
		slog = mk_sums_log(d->sums, m->tau2);
		slogv = mk_sums_log(d->sums, 0);
	} else {
		for (size_t i = 0; i < d->k; i++) {	/* sum log(v + tau2),
							 * sum log v */
			slog += log(d->v[i] + m->tau2);
			slogv += log(d->v[i]);
		}
	}
	m->reml_fit = m->method == MK_REML;
	if (m->reml_fit) {
		double ldxx = mk_wls_ols(d, s) == 0 ? s->logdet : NAN;
		m->ll = (double)(-(k - p) / 2 * l2pi + ldxx / 2 - slog / 2 -
		    logdet / 2 - rss / 2);
		m->dev = -2 * m->ll;
		n = k - p;
	} else {
		m->ll = (double)(-k / 2 * l2pi - slog / 2 - rss / 2);
		m->dev = k > p ? (double)(-2 * (m->ll - (-k / 2 * l2pi -
		    slogv / 2))) : 0;
		n = k;
	}
	m->aic = -2 * m->ll + 2 * parms;
	m->bic = -2 * m->ll + parms * log(n);
	double nn = fmax(n, parms + 2);
	m->aicc = -2 * m->ll + 2 * parms * nn / (nn - parms - 1);
}

/* The design is dense: its k x p values are held (limit 2^27, 1 GiB), and
 * every evaluation of the likelihood or Q accumulates X'WX and its traces
 * in about k p^2 + p^3 steps: the limit, 1e9, keeps a fit with its
 * Q-profile interval (a hundred evaluations) within some seconds. */
int
mk_design_too_large(size_t k, size_t p)
{
	double kp = (double)k * (double)p, pp = (double)p * (double)p;

	return kp > 134217728.0 || (kp + pp) * (double)p > 1e9;
}

int
mk_model_fit(const mk_design *d, const mk_opts *o, int intercept,
    mk_model *m, mk_err *err)
{
	const mk_method_info *mi = mk_method_get(o->method);
	size_t p = d->p;
	mk_wls s;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	m->k = d->k;
	m->p = p;
	m->method = o->method;
	/* one study has no Knapp-Hartung df (k - 1 = 0): z, as metafor's
	 * rma.uni (test = "z" since k = 1) */
	m->ci = d->k == 1 && p == 1 ? MK_CI_Z : o->ci;
	m->level = o->level;
	m->tau2_lo = m->tau2_hi = NAN;
	if (model_alloc(m, d) != 0 || mk_wls_init(&s, p) != 0) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	/* metafor's rma.uni: p + 1 parameters need p + 1 studies (one study
	 * alone is pooled as itself) */
	if (mi->random && !isfinite(o->tau2_fixed) && d->k <= p &&
	    !(d->k == 1 && p == 1)) {
		mk_err_set(err, "", 0, "", "%zu coefficient%s and tau2 cannot "
		    "be estimated from %zu stud%s (a random-effects model needs "
		    "more studies than coefficients, as metafor requires): use "
		    "fewer moderators or subgroups, or --method FE", p,
		    p == 1 ? "" : "s",
		    d->k, d->k == 1 ? "y" : "ies");
		goto out;
	}
	m->nvc = mi->random && !isfinite(o->tau2_fixed);
	if (mi->random && isfinite(o->tau2_fixed))
		m->tau2 = o->tau2_fixed;
	else if (mi->random && mk_tau2(o->method, d, o, &m->tau2, &m->iters,
	    err) != 0)
		goto out;
	if (mk_wls_at(d, m->tau2, &s, 0) != 0) {
		m->singular = 1;
		mk_err_set(err, "", 0, "", "the model cannot be fitted: its "
		    "design is singular (collinear moderators?)");
		goto out;
	}
	for (size_t i = 0; d->sums == NULL && i < d->k; i++)
		m->w[i] = 1 / (d->v[i] + m->tau2);	/* (none for refits) */
	memcpy(m->b, s.b, p * sizeof(double));
	double rss = s.rss, logdet = s.logdet, dfr = (double)d->k - (double)p;
	m->s2w = 1;
	m->df = NAN;
	if (m->ci == MK_CI_HKSJ) {	/* Knapp & Hartung (2003) */
		m->df = dfr;
		m->s2w = dfr > 0 ? rss / dfr : NAN;
	}
	for (size_t j = 0; j < p * p; j++)
		m->vb[j] = m->s2w * s.ainv[j];
	tests(m, intercept);
	if (heterogeneity(m, d, mi->random) != 0) {
		mk_err_set(err, "", 0, "", "out of memory");
		goto out;
	}
	if (mi->random && !o->no_tau2_ci && mk_tau2_ci(d, o->level, m->tau2,
	    &m->tau2_lo, &m->tau2_hi, &m->tau2_capped) != 0)
		m->tau2_lo = m->tau2_hi = NAN;
	m->ll = m->dev = m->aic = m->bic = m->aicc = NAN;
	if (o->method == MK_ML || o->method == MK_REML)
		fit_stats(m, d, &s, rss, logdet, mi->random);
	rc = 0;
out:
	mk_wls_free(&s);
	return rc;
}
