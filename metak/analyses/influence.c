/* influence.c: case-deletion diagnostics of a one-mean inverse-variance fit
 * (metafor's influence() and baujat() on rma.uni), from the leave-one-out
 * refits of sens.c; rendering is render/inflout.c's, the plot
 * plot/baujat.c's.
 *
 * With w_i = 1/(v_i + tau2) of the full fit (estimate b, variance V, which
 * under Knapp-Hartung holds its factor s2w) and, with study i left out,
 * b(i), V(i), tau2(i), Q(i) and the factor s2w(i) (1 for z tests):
 *   hat_i     = w_i / sum w (1 when within 10 eps of it); weight = 100 hat
 *   rstudent  = (y_i - b(i)) / sqrt(s2w(i) (v_i + tau2(i)) + V(i))
 *   dffits    = (b - b(i)) / sqrt(s2w(i) hat_i (tau2(i) + v_i))
 *   dfbetas   = (b - b(i)) / sqrt(s2w(i) / sum_all 1/(v_j + tau2(i)))
 *   cook_d    = (b - b(i))^2 / V,  cov_r = V(i) / V
 *   baujat_x  = (y_i - b)^2 / (v_i + tau2)   (contribution to Q, FE: tau2 0)
 *   baujat_y  = (b(i) - b)^2 / V(i)         (influence on the result)
 * influential: |dffits| > 3 sqrt(p/(k-p)), P(chi2_p <= cook_d) > 0.5,
 * hat > 3p/k or |dfbetas| > 1, with p = 1 (Viechtbauer & Cheung 2010,
 * Res Synth Methods 1:112; Belsley, Kuh & Welsch 1980; Baujat et al.
 * 2002, Stat Med 21:2641). The refits of one study (k = 2) use z tests,
 * as metafor's rma() does for k = 1. A refit that cannot be done gives NaN
 * for that study, as metafor's NA; a criterion that is NaN flags nothing. The sums over all
 * studies at each tau2(i) come from sums.c, so the k diagnostics cost
 * O(k) beyond the refits. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analyses/internal.h"

void
mk_influence_free(mk_influence *in)
{
	if (in == NULL)
		return;
	free(in->row);
	free(in);
}

/* Which fits the diagnostics apply to; NULL, or why not. */
const char *
mk_influence_unfit(const mk_studies *s, const mk_opts *o)
{
	if (o->method == MK_MH || o->method == MK_PETO ||
	    (o->method == MK_DL && o->dl_mhq))
		return "influence diagnostics need an inverse-variance fit "
		    "(FE or a tau2 estimator), as metafor's influence() on "
		    "rma.uni; not MH, Peto or --dl-q mh";
	if (s->k < 2)
		return "influence diagnostics need at least two studies";
	for (size_t i = 0; i < s->k; i++)
		if (!isfinite(s->yi[i]) || !(s->vi[i] > 0) ||
		    !isfinite(s->vi[i]))
			return "influence diagnostics need every study's "
			    "estimate finite and its variance positive";
	return NULL;
}

/* sum over every study of 1/(v + tau2), from the sums. */
static double
sum_w(const mk_sums *all, double tau2, mk_wls *w)
{
	return mk_sums_wls(all, tau2, w) == 0 ? w->sw : NAN;
}

static void
one(mk_influence_row *r, const mk_studies *s, const mk_fit *f,
    const mk_step *st, double sumw_full, const mk_sums *all, mk_wls *wls,
    int hksj)
{
	size_t i = st->study, k = s->k;
	double y = s->yi[i], v = s->vi[i], b = f->est, V = f->se * f->se;
	double t = mk_method_get(f->method)->random ? f->tau2 : 0;
	double hat = (1 / (v + t)) / sumw_full;
	double bi = st->est, Vi = st->se * st->se;
	double ti = mk_method_get(f->method)->random ? st->tau2 : 0;
	double swall = sum_w(all, ti, wls);	/* sum_all 1/(v_j + tau2(i)) */
	double sw = swall - 1 / (v + ti);	/* the refit's sum of weights */
	double s2w = hksj ? Vi * sw : 1;	/* Vi = s2w(i) / sw */
	double d = b - bi, res = y - bi;

	if (hat > 1 - 10 * DBL_EPSILON)
		hat = 1;
	r->study = i;
	r->hat = hat;
	r->weight = 100 * hat;
	if (fabs(res) < 100 * DBL_EPSILON * fmax(fabs(y), fabs(bi)))
		res = 0;	/* metafor's: a residual that is rounding */
	r->rstudent = res / sqrt(s2w * (v + ti) + Vi);
	r->dffits = d / sqrt(s2w * hat * (ti + v));
	r->dfbetas = d / sqrt(s2w / swall);
	r->cook_d = d * d / V;
	r->cov_r = Vi / V;
	r->tau2_del = st->tau2;
	r->qe_del = st->q;
	r->baujat_x = (y - b) * (y - b) / (v + t);
	r->baujat_y = d * d / Vi;
	r->est_del = bi;
	r->se_del = st->se;
	double kk = (double)k;
	r->influential = fabs(r->dffits) > 3 * sqrt(1 / (kk - 1)) ||
	    (isfinite(r->cook_d) && gsl_cdf_chisq_P(r->cook_d, 1) > 0.5) ||
	    r->hat > 3 / kk || fabs(r->dfbetas) > 1;
}

int
mk_influence_run(const mk_studies *s, const mk_fit *f, const mk_opts *o,
    const mk_sens_ctl *ctl, mk_influence **out, mk_err *err)
{
	const char *why = mk_influence_unfit(s, o);
	mk_step *st = NULL;
	mk_influence *in;
	mk_sums all;
	mk_wls wls;
	long double sw = 0;
	double t = mk_method_get(f->method)->random ? f->tau2 : 0;

	*out = NULL;
	if (why != NULL) {
		mk_err_set(err, "", 0, "", "%s", why);
		return -1;
	}
	mk_opts oo = *o;
	if (s->k == 2)		/* refits of one study: z tests, as metafor
				 * sets test = "z" for k = 1 */
		oo.ci = MK_CI_Z;
	if (mk_leave1out(s, &oo, ctl, &st, err) != 0)
		return -1;
	in = calloc(1, sizeof(*in));
	if (in == NULL || (in->row = calloc(s->k, sizeof(*in->row))) == NULL ||
	    mk_wls_init(&wls, 1) != 0) {
		free(st);
		mk_influence_free(in);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	in->k = s->k;
	for (size_t i = 0; i < s->k; i++)
		sw += 1 / ((long double)s->vi[i] + t);
	mk_sums_init(&all, s->yi, s->vi, f->est, t, t);
	for (size_t i = 0; i < s->k; i++)
		mk_sums_add(&all, i, 1);
	all.n = s->k;
	for (size_t j = 0; j < s->k; j++)
		one(&in->row[st[j].study], s, f, &st[j], (double)sw, &all,
		    &wls, oo.ci == MK_CI_HKSJ);
	mk_wls_free(&wls);
	free(st);
	*out = in;
	return 0;
}
