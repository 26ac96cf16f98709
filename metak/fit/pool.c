/* pool.c: the pooled estimate. Inverse-variance fixed and random effects
 * as the one-mean case of the model (model.c), Mantel-Haenszel and Peto,
 * the prediction interval, and the heterogeneity summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fit/internal.h"

void
mk_fit_free(mk_fit *f)
{
	if (f == NULL)
		return;
	free(f->weight);
	free(f->yi);
	free(f->vi);
	free(f->glmm);
	mk_bayes_free(f->bayes);
	f->weight = f->yi = f->vi = NULL;
	f->glmm = NULL;
	f->bayes = NULL;
}

static int
fit_alloc(mk_fit *f, const mk_studies *s, const mk_opts *o)
{
	size_t n = s->k ? s->k : 1;

	memset(f, 0, sizeof(*f));
	f->method = o->method;
	f->ci = o->ci;
	f->level = o->level;
	f->k = s->k;
	f->weight = calloc(n, sizeof(double));
	f->yi = malloc(n * sizeof(double));
	f->vi = malloc(n * sizeof(double));
	if (!f->weight || !f->yi || !f->vi)
		return -1;
	memcpy(f->yi, s->yi, s->k * sizeof(double));
	memcpy(f->vi, s->vi, s->k * sizeof(double));
	f->tdf = NAN;
	f->pi_lo = f->pi_hi = NAN;
	f->tau2_lo = f->tau2_hi = f->i2_lo = f->i2_hi = NAN;
	return 0;
}

/* Fills lo/hi, stat and p from est and se with a z or t critical value. */
static void
wald(mk_fit *f)
{
	double crit = mk_crit(f->level, f->tdf);

	f->lo = f->est - crit * f->se;
	f->hi = f->est + crit * f->se;
	f->stat = f->est / f->se;
	f->p = mk_pvalue(f->stat, f->tdf);
}

/* Q with FE weights around est over studies with finite yi; the fixed-
 * effect I2 = max(0, (Q - df)/Q) and H2 = Q/df (metafor, rma.mh/rma.uni). */
static void
het_fixed(mk_fit *f, double q, size_t kq)
{
	f->q = kq > 0 ? q : NAN;
	f->qdf = kq > 0 ? (double)kq - 1 : NAN;
	f->tau2 = f->tau = 0;
	if (kq < 2) {
		f->qp = f->i2 = f->h2 = NAN;
		return;
	}
	f->qp = gsl_cdf_chisq_Q(q, f->qdf);
	f->i2 = q > 0 ? fmax(0, 100 * (q - f->qdf) / q) : 0;
	f->h2 = q / f->qdf;
}

static double
q_around(const double *y, const double *v, size_t k, double est, size_t *kq)
{
	long double q = 0;

	*kq = 0;
	for (size_t i = 0; i < k; i++) {	/* sum (y - est)^2 / v */
		if (!isfinite(y[i]) || !isfinite(v[i]))
			continue;
		long double d = y[i] - est;
		q += d * d / v[i];
		(*kq)++;
	}
	return (double)q;
}

static void
percent(double *w, size_t k)
{
	long double t = 0;

	for (size_t i = 0; i < k; i++)
		t += w[i];
	for (size_t i = 0; i < k; i++)
		w[i] = t > 0 ? (double)(100 * w[i] / t) : NAN;
}

void
mk_fit_from_model(mk_fit *f, const mk_model *m, const mk_opts *o, size_t k)
{
	double one = 1, se;
	int random = mk_method_get(o->method)->random;

	f->ci = m->ci;
	f->est = m->b[0];
	f->se = m->se[0];
	f->lo = m->lo[0];
	f->hi = m->hi[0];
	f->stat = m->stat[0];
	f->p = m->pval[0];
	f->tdf = m->df;
	f->tau2 = m->tau2;
	f->tau = sqrt(m->tau2);
	f->iters = m->iters;
	f->tau2_boundary = random && m->tau2 == 0;
	f->q = k > 1 ? m->qe : 0;
	f->qdf = m->qe_df;
	f->qp = m->qe_p;
	f->i2 = m->i2;
	f->h2 = m->h2;
	f->tau2_lo = m->tau2_lo;
	f->tau2_hi = m->tau2_hi;
	f->tau2_capped = m->tau2_capped;
	f->i2_lo = 100 * m->tau2_lo / (m->vt + m->tau2_lo);
	f->i2_hi = 100 * m->tau2_hi / (m->vt + m->tau2_hi);
	f->pi_lo = f->pi_hi = NAN;
	if (random)
		mk_model_predict(m, o->pi, &one, &f->est, &se, &f->lo, &f->hi,
		    &f->pi_lo, &f->pi_hi);
}

/* Inverse variance, fixed or random effects: the model with one mean
 * (model.c), its intercept the pooled estimate; Wald z, or Knapp &
 * Hartung (2003, Stat Med 22:2693) t with k-1 df. The prediction interval
 * only for random-effects methods. */
static int
fit_iv(mk_fit *f, const mk_studies *s, const mk_opts *o, mk_warn *w,
    mk_err *err)
{
	mk_design d = { s->k, 1, s->yi, s->vi, NULL, NULL };
	mk_model m;

	if (mk_model_fit(&d, o, 1, &m, err) != 0) {
		mk_model_free(&m);
		return -1;
	}
	mk_tau2_ci_note(&d, &m, w);
	mk_fit_from_model(f, &m, o, s->k);
	memcpy(f->weight, m.w, s->k * sizeof(double));
	percent(f->weight, s->k);
	mk_model_free(&m);
	return 0;
}

/* Why a Mantel-Haenszel ratio is not defined for these tables. */
static const char *
why_undefined(const mk_studies *s)
{
	long double a = 0, b = 0, c = 0, d = 0;

	for (size_t i = 0; i < s->k; i++) {	/* cell totals */
		a += s->ai[i];
		b += s->bi[i];
		c += s->ci[i];
		d += s->di[i];
	}
	if (a + c == 0)
		return "no study has any event";
	if (b + d == 0)
		return "every participant of every study had the event";
	if (a == 0 || c == 0)
		return "one arm has no events in any study";
	return "in every study, events of one arm or non-events of the "
	    "other are 0";
}

/* Mantel-Haenszel (1959) for OR, RR and RD, no continuity correction,
 * variances of Robins-Breslow-Greenland (1986, OR), Greenland-Robins
 * (1985, RR) and Sato-Greenland-Robins (1989, RD), as metafor's rma.mh.
 * Q uses the escalc-style yi/vi, double-zero studies left out. */
static int
fit_mh(mk_fit *f, const mk_studies *s, mk_err *err)
{
	long double R = 0, S = 0, PR = 0, PSQR = 0, QS = 0, num = 0, den = 0;
	long double v1 = 0, v2 = 0;
	size_t k = s->k, kq = 0;

	for (size_t i = 0; i < k; i++) {
		long double a = s->ai[i], b = s->bi[i], c = s->ci[i];
		long double d = s->di[i], n1 = a + b, n2 = c + d, N = n1 + n2;
		switch (s->measure) {
		case MK_OR: {
			long double Ri = a * d / N, Si = b * c / N;
			long double Pi = (a + d) / N, Qi = (b + c) / N;
			R += Ri;
			S += Si;
			PR += Pi * Ri;
			PSQR += Pi * Si + Qi * Ri;
			QS += Qi * Si;
			f->weight[i] = (double)Si;
			break;
		}
		case MK_RR:
			R += a * n2 / N;
			S += c * n1 / N;
			v1 += n1 * n2 * (a + c) / (N * N) - a * c / N;
			f->weight[i] = (double)(c * n1 / N);
			break;
		default:	/* RD */
			num += (a * n2 - c * n1) / N;
			den += n1 * n2 / N;
			v1 += c * (n1 / N) * (n1 / N) - a * (n2 / N) * (n2 / N)
			    + (n1 / N) * (n2 / N) * (n2 - n1) / 2;
			v2 += (a * (n2 - c) + c * (n1 - a)) / N / 2;
			f->weight[i] = (double)(n1 * n2 / N);
			break;
		}
		if ((a == 0 && c == 0) || (b == 0 && d == 0))
			f->yi[i] = f->vi[i] = NAN;	/* drop00 for Q */
	}
	switch (s->measure) {
	case MK_OR:
		if (R == 0 || S == 0)
			goto undefined;
		f->est = (double)logl(R / S);
		f->se = (double)sqrtl(0.5L * (PR / (R * R) + PSQR / (R * S) +
		    QS / (S * S)));
		break;
	case MK_RR:
		if (R == 0 || S == 0)
			goto undefined;
		f->est = (double)logl(R / S);
		f->se = (double)sqrtl(v1 / (R * S));
		break;
	default:
		f->est = (double)(num / den);
		f->se = (double)sqrtl((f->est * v1 + v2) / (den * den));
		break;
	}
	if (!(f->se > 0) || !isfinite(f->se)) {
		mk_err_set(err, "", 0, "", "the Mantel-Haenszel %s carries no "
		    "information: no study has participants both with and "
		    "without the event",
		    mk_measure_get(s->measure)->name);
		return -1;
	}
	percent(f->weight, k);
	wald(f);
	double q = q_around(f->yi, f->vi, k, f->est, &kq);
	het_fixed(f, q, kq);
	return 0;
undefined:
	mk_err_set(err, "", 0, "", "the Mantel-Haenszel %s is not defined: "
	    "%s", mk_measure_get(s->measure)->name, why_undefined(s));
	return -1;
}

/* Peto (Yusuf et al. 1985): ln OR = sum(O-E)/sum V, se = 1/sqrt(sum V),
 * Q = sum (O-E)^2/V - (sum(O-E))^2 / sum V over tables with V > 0. */
static int
fit_peto(mk_fit *f, const mk_studies *s, mk_err *err)
{
	long double so = 0, sv = 0, sq = 0;
	size_t kpos = 0;

	for (size_t i = 0; i < s->k; i++) {
		long double a = s->ai[i], b = s->bi[i], c = s->ci[i];
		long double d = s->di[i], n1 = a + b, n2 = c + d, N = n1 + n2;
		long double xt = a + c, yt = b + d;
		long double E = xt * n1 / N;
		long double V = N > 1 ? xt * yt * (n1 / N) * (n2 / N) /
		    (N - 1) : 0;
		f->weight[i] = (double)V;
		if (V > 0) {
			so += a - E;
			sv += V;
			sq += (a - E) * (a - E) / V;
			f->yi[i] = (double)((a - E) / V);
			f->vi[i] = (double)(1 / V);
			kpos++;
		} else {
			f->yi[i] = f->vi[i] = NAN;
		}
	}
	if (sv == 0) {
		mk_err_set(err, "", 0, "", "Peto's method cannot be used: "
		    "one of the two outcomes never occurs in any study");
		return -1;
	}
	f->est = (double)(so / sv);
	f->se = (double)sqrtl(1 / sv);
	percent(f->weight, s->k);
	wald(f);
	het_fixed(f, fmax(0, (double)(sq - so * so / sv)), kpos);
	return 0;
}

/* DerSimonian-Laird with Q around the Mantel-Haenszel estimate (RevMan 5;
 * R meta's Q.Cochrane = TRUE, Deeks, Higgins & Altman, Cochrane Handbook
 * 10.10.4.1): tau2 = max(0, (Q_MH - (k-1)) / (sum w - sum w^2 / sum w)),
 * w = 1/v of each study's estimate, then the inverse-variance random-
 * effects fit at that tau2. Q, its p, I2 and H2 are Q_MH's (I2 = tau2 /
 * (typical v + tau2) is then (Q_MH - df) / Q_MH, as RevMan prints). No
 * interval for tau2: the Q-profile inverts the inverse-variance Q. */
static int
fit_dl_mhq(mk_fit *f, const mk_studies *s, const mk_opts *o, mk_err *err)
{
	mk_fit mh;
	mk_opts oi = *o;
	long double sw = 0, sw2 = 0;
	size_t kq;
	int bad = s->ai == NULL || (s->measure != MK_OR && s->measure != MK_RR
	    && s->measure != MK_RD);

	for (size_t i = 0; !bad && i < s->k; i++)
		bad = s->from[i] != MK_FROM_COUNTS;
	if (bad) {
		mk_err_set(err, "", 0, "", "--dl-q mh needs every study as 2x2 "
		    "counts and the measure OR, RR or RD");
		return -1;
	}
	if (fit_alloc(&mh, s, o) != 0) {
		mk_fit_free(&mh);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	if (fit_mh(&mh, s, err) != 0) {
		mk_fit_free(&mh);
		return -1;
	}
	double q = q_around(s->yi, s->vi, s->k, mh.est, &kq);
	mk_fit_free(&mh);
	for (size_t i = 0; i < s->k; i++) {	/* sum w, sum w^2 */
		if (!isfinite(s->yi[i]) || !isfinite(s->vi[i]))
			continue;
		sw += 1 / (long double)s->vi[i];
		sw2 += 1 / ((long double)s->vi[i] * s->vi[i]);
	}
	oi.tau2_fixed = kq > 1 ? fmax(0, (q - (double)(kq - 1)) /
	    (double)(sw - sw2 / sw)) : 0;
	oi.no_tau2_ci = 1;	/* the Q-profile is the IV Q's, not Q_MH's */
	if (fit_iv(f, s, &oi, NULL, err) != 0)
		return -1;
	f->q = q;
	f->qdf = (double)kq - 1;
	f->qp = kq > 1 ? gsl_cdf_chisq_Q(q, f->qdf) : NAN;
	return 0;
}

int
mk_fit_run(const mk_studies *s, const mk_opts *o, mk_fit *f, mk_warn *w,
    mk_err *err)
{
	if (fit_alloc(f, s, o) != 0) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	if (s->k == 0) {
		mk_err_set(err, "", 0, "", "no usable study to pool");
		return -1;
	}
	if (o->glmm != MK_GLMM_NONE)
		return mk_glmm_fit(s, o, f, w, err);
	if (o->method == MK_MH)
		return fit_mh(f, s, err);
	if (o->method == MK_PETO)
		return fit_peto(f, s, err);
	if (o->method == MK_BAYES)
		return mk_bayes_fit(s, o, f, w, err);
	if (o->method == MK_DL && o->dl_mhq)
		return fit_dl_mhq(f, s, o, err);
	return fit_iv(f, s, o, w, err);
}
