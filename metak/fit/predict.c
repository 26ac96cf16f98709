/* predict.c: the predicted effect at one row of moderator values, x0'b,
 * with its SE, confidence interval and prediction interval, for any
 * fitted model (one tau2, nested components, cluster-robust), as
 * metafor's predict(); the df of a robust contrast are robust.c's. */
#include <math.h>

#include "fit/internal.h"

/* The prediction interval's critical value, given df the contrast's t df
 * (NaN for z): as the CI's (z, or t with those df; metafor), z, t with df
 * (k - p under z; R meta 8, metafor's pi.type "t") or t with df less the
 * number of variance components estimated (Riley et al. 2011 for one
 * tau2: k - p - 1; metafor's pi.type "riley"); NaN where the df are not
 * positive. */
static double
pi_crit(const mk_model *m, mk_pitype pi, double df)
{
	double dt = isfinite(df) ? df : (double)m->k - (double)m->p;
	double dr = dt - (double)(m->nvc ? m->nvc : 1);

	switch (pi) {
	case MK_PI_Z:
		return mk_crit(m->level, NAN);
	case MK_PI_T1:
		return dt > 0 ? mk_crit(m->level, dt) : NAN;
	case MK_PI_T2:
		return dr > 0 ? mk_crit(m->level, dr) : NAN;
	default:
		return mk_crit(m->level, df);
	}
}

void
mk_model_predict(const mk_model *m, mk_pitype pi, const double *x0,
    double *est, double *se, double *lo, double *hi, double *pilo,
    double *pihi)
{
	long double e = 0, v = 0;
	double df = m->robust ? mk_robust_df(m, x0) : m->df;
	double crit = mk_crit(m->level, df), pc = pi_crit(m, pi, df);

	for (size_t j = 0; j < m->p; j++) {	/* x0'b and x0' V x0 */
		e += (long double)x0[j] * m->b[j];
		for (size_t l = 0; l < m->p; l++)
			v += (long double)x0[j] * m->vb[j * m->p + l] * x0[l];
	}
	*est = (double)e;
	*se = sqrt((double)v);
	*lo = *est - crit * *se;
	*hi = *est + crit * *se;
	double sp = sqrt(*se * *se + m->tau2);
	*pilo = *est - pc * sp;
	*pihi = *est + pc * sp;
}
