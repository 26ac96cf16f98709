/* test_bayes.c: --method BAYES against brute force: the posterior of tau
 * integrated here by composite Simpson's rule on 40,000 intervals (in tau
 * for a half-normal prior, in theta = atan(tau/S) for a half-Cauchy one),
 * quantiles by bisection on those CDFs; the mixture solver on a hand-made
 * mixture; the priors' parser; the edges (k = 1, an improper posterior,
 * moments that do not exist, no default prior for a measure with units). */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "check.h"
#include "fit/internal.h"

#define PI 3.14159265358979323846

static mk_studies *
studies(const double *y, const double *v, size_t k, mk_measure m)
{
	mk_studies *s = mk_studies_alloc(MK_KIND_GENERIC, 0, 0, k);

	assert_non_null(s);
	s->k = k;
	s->measure = m;
	for (size_t i = 0; i < k; i++) {
		s->yi[i] = y[i];
		s->vi[i] = v[i];
		s->row[i] = i;
	}
	return s;
}

static int
fit(const double *y, const double *v, size_t k, mk_measure m,
    const char *prior_tau, const char *prior_mu, double level, mk_fit *f,
    mk_err *e)
{
	mk_opts o;
	mk_warn w = { 0 };
	char why[256];
	mk_studies *s = studies(y, v, k, m);
	int rc;

	mk_opts_init(&o);
	o.method = MK_BAYES;
	o.measure = m;
	o.level = level;
	if (prior_tau != NULL)
		assert_int_equal(mk_prior_parse(prior_tau, 0, &o.prior_tau,
		    why, sizeof(why)), 0);
	if (prior_mu != NULL)
		assert_int_equal(mk_prior_parse(prior_mu, 1, &o.prior_mu,
		    why, sizeof(why)), 0);
	memset(f, 0, sizeof(*f));
	rc = mk_fit_run(s, &o, f, &w, e);
	mk_studies_free(s);
	mk_warn_clear(&w);
	return rc;
}

/* ---- brute force ---------------------------------------------------------- */

struct brute {
	const double *y, *v;
	size_t k;
	int cauchy;		/* half-Cauchy prior (else half-normal) */
	double S;		/* its scale */
	double T;		/* half-normal: integrate tau over [0, T] */
};

/* mu | tau ~ N(m, V) and the posterior density of tau times dtau/dt at
 * grid point t (tau itself, or theta with tau = S tan(theta)). */
static double
brute_at(const struct brute *b, double t, double *tau, double *m, double *V)
{
	double sw = 0, swy = 0, q = 0, ld = 0, lp;

	*tau = b->cauchy ? b->S * tan(t) : t;
	if (b->cauchy && t >= PI / 2) {	/* the end: density 0 */
		*tau = INFINITY;
		*m = 0;
		*V = 1;
		return 0;
	}
	for (size_t i = 0; i < b->k; i++) {
		double w = 1 / (b->v[i] + *tau * *tau);
		sw += w;
		swy += w * b->y[i];
		ld += log(b->v[i] + *tau * *tau);
	}
	*m = swy / sw;
	*V = 1 / sw;
	for (size_t i = 0; i < b->k; i++)
		q += (b->y[i] - *m) * (b->y[i] - *m) / (b->v[i] + *tau * *tau);
	/* half-Cauchy: p(tau) dtau = const dtheta */
	lp = b->cauchy ? 0 : -*tau * *tau / (2 * b->S * b->S);
	return exp(lp - 0.5 * (ld + log(sw) + q));
}

#define NB 40000

/* Simpson's rule over the grid [0, end] of the density times g (0: 1,
 * 1: m, 2: tau, 3: Phi((x - m)/sqrt V)). */
static double
simpson(const struct brute *b, double end, int g, double x)
{
	double h = end / NB, s = 0;

	for (int i = 0; i <= NB; i++) {
		double tau, m, V, d = brute_at(b, i * h, &tau, &m, &V);
		double c = i == 0 || i == NB ? 1 : i % 2 ? 4 : 2;
		if (d == 0)
			continue;
		s += c * d * (g == 0 ? 1 : g == 1 ? m : g == 2 ? tau :
		    gsl_cdf_ugaussian_P((x - m) / sqrt(V)));
	}
	return s * h / 3;
}

/* E[g] (g as simpson's), or with g = 4 P(tau <= x). */
static double
brute_sum(const struct brute *b, int g, double x)
{
	double end = b->cauchy ? PI / 2 : b->T;

	if (g == 4)
		return simpson(b, b->cauchy ? atan(x / b->S) : x, 0, 0) /
		    simpson(b, end, 0, 0);
	return simpson(b, end, g, x) / simpson(b, end, 0, 0);
}

static double
brute_quantile(const struct brute *b, int g, double p, double lo, double hi)
{
	for (int it = 0; it < 60; it++) {
		double mid = (lo + hi) / 2;
		if (brute_sum(b, g, mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* Five studies, half-normal(0.5): the moments, P(mu < 0), the median and
 * interval of mu and the median of tau agree with brute force. */
static void
halfnormal_brute(void **state)
{
	static const double y[] = { -0.9, -0.2, -1.6, 0.3, -0.5 };
	static const double v[] = { 0.12, 0.3, 0.45, 0.2, 0.08 };
	struct brute b = { y, v, 5, 0, 0.5, 8 };
	mk_fit f;
	mk_err e;
	(void)state;

	assert_int_equal(fit(y, v, 5, MK_OR, NULL, NULL, 95, &f, &e), 0);
	const mk_bayes *r = f.bayes;
	assert_close(r->mu_mean, brute_sum(&b, 1, 0), 1e-9);
	assert_close(r->tau_mean, brute_sum(&b, 2, 0), 1e-9);
	assert_close(r->p_below, brute_sum(&b, 3, 0), 1e-9);
	assert_close(r->mu_median, brute_quantile(&b, 3, 0.5, -3, 3), 1e-8);
	assert_close(r->mu_lo, brute_quantile(&b, 3, 0.025, -3, 3), 1e-8);
	assert_close(r->mu_hi, brute_quantile(&b, 3, 0.975, -3, 3), 1e-8);
	assert_close(r->tau_median, brute_quantile(&b, 4, 0.5, 0, 8), 1e-8);
	assert_close(f.est, r->mu_median, 0);
	assert_close(f.tau2, r->tau_median * r->tau_median, 1e-15);
	mk_fit_free(&f);
}

/* Three studies, half-Cauchy(1) (a tail tau^-4): the same at 90%. */
static void
halfcauchy_brute(void **state)
{
	static const double y[] = { 0.4, 1.9, -0.3 };
	static const double v[] = { 0.5, 0.25, 0.8 };
	struct brute b = { y, v, 3, 1, 1, 0 };
	mk_fit f;
	mk_err e;
	(void)state;

	assert_int_equal(fit(y, v, 3, MK_OR, "halfcauchy:1", NULL, 90, &f, &e),
	    0);
	const mk_bayes *r = f.bayes;
	assert_close(r->mu_mean, brute_sum(&b, 1, 0), 1e-8);
	assert_close(r->tau_mean, brute_sum(&b, 2, 0), 1e-7);
	assert_close(r->p_below, brute_sum(&b, 3, 0), 1e-9);
	assert_close(r->mu_lo, brute_quantile(&b, 3, 0.05, -20, 20), 1e-8);
	assert_close(r->mu_hi, brute_quantile(&b, 3, 0.95, -20, 20), 1e-8);
	assert_close(r->tau_hi, brute_quantile(&b, 4, 0.95, 0, 1e4), 1e-8);
	mk_fit_free(&f);
}

/* The posterior density integrates to 1 (Simpson's rule), and
 * with k = 1 and a flat prior on mu it is the prior. */
static void
density(void **state)
{
	static const double y[] = { -0.9, -0.2, 0.3 }, v[] = { 0.1, 0.3, 0.2 };
	mk_fit f;
	mk_err e;
	long double s = 0;
	(void)state;

	assert_int_equal(fit(y, v, 3, MK_OR, NULL, NULL, 95, &f, &e), 0);
	for (int i = 0; i <= NB; i++) {	/* over [0, 6], past 12 prior sds */
		double c = i == 0 || i == NB ? 1 : i % 2 ? 4 : 2;
		s += c * mk_bayes_density(f.bayes, 6.0 * i / NB);
	}
	assert_close((double)(s * 6.0 / NB / 3), 1, 1e-10);
	mk_fit_free(&f);
	assert_int_equal(fit(y, v, 1, MK_OR, "halfcauchy:0.7", NULL, 95, &f,
	    &e), 0);
	for (double t = 0; t < 5; t += 0.37)
		assert_close(mk_bayes_density(f.bayes, t),
		    mk_prior_density(&f.bayes->prior_tau, t), 1e-10);
	mk_fit_free(&f);
}

/* A mixture of three normals (weights 0.5, 0.3, 0.2) as nodes of one
 * panel: its quantiles are those of bisection on the exact CDF. */
static void
mixture_quantiles(void **state)
{
	double w[] = { 0.5, 0.3, 0.2 };
	static const double mu[] = { -1, 0.5, 4 };
	static const double sd[] = { 0.3, 1, 2.5 };
	mk_bnodes nd;
	double mean[3], isd[3], q, d, phi[3];
	size_t act[3] = { 0, 1, 2 };
	(void)state;

	memset(&nd, 0, sizeof(nd));
	nd.nact = 3;
	nd.act = act;
	nd.wact = w;
	nd.phi = phi;
	for (int i = 0; i < 3; i++) {
		mean[i] = mu[i];
		isd[i] = 1 / sd[i];
	}
	static const double probs[] = { 0.001, 0.025, 0.3, 0.5, 0.9, 0.999 };
	for (size_t j = 0; j < sizeof(probs) / sizeof(probs[0]); j++) {
		double lo = -20, hi = 30;
		for (int it = 0; it < 200; it++) {	/* bisection */
			double x = (lo + hi) / 2, F = 0;
			for (int i = 0; i < 3; i++)
				F += w[i] * gsl_cdf_gaussian_P(x - mu[i], sd[i]);
			if (F < probs[j])
				lo = x;
			else
				hi = x;
		}
		/* a poor start, far out: the safeguards must bring it back */
		assert_int_equal(mk_mix_quantile(&nd, mean, isd, probs[j], 25, 1,
		    &q, &d), 0);
		assert_close(q, (lo + hi) / 2, 1e-11);
	}
}

static void
priors(void **state)
{
	mk_prior p;
	char why[256], name[64];
	(void)state;

	assert_int_equal(mk_prior_parse("halft:0.5,3", 0, &p, why, 256), 0);
	assert_int_equal(p.kind, MK_PRIOR_HALFT);
	mk_prior_name(&p, name, sizeof(name));
	assert_string_equal(name, "halft(0.5,3)");
	assert_int_equal(mk_prior_parse("lognormal-tau2:-2.56,1.74", 0, &p,
	    why, 256), 0);
	mk_prior_name(&p, name, sizeof(name));
	assert_string_equal(name, "lognormal-tau2(-2.56,1.74)");
	assert_int_equal(mk_prior_parse("uniform", 0, &p, why, 256), 0);
	assert_int_equal(p.kind, MK_PRIOR_FLAT);
	assert_int_equal(mk_prior_parse("normal:0,4", 1, &p, why, 256), 0);
	assert_int_equal(mk_prior_parse("normal:0,4", 0, &p, why, 256), -1);
	assert_int_equal(mk_prior_parse("halfnormal:0.5", 1, &p, why, 256), -1);
	assert_int_equal(mk_prior_parse("halfnormal:0", 0, &p, why, 256), -1);
	assert_string_equal(why, "expected halfnormal:S with S positive, got "
	    "\"halfnormal:0\"");
	assert_int_equal(mk_prior_parse("halft:1", 0, &p, why, 256), -1);
	assert_int_equal(mk_prior_parse("exponential:1,2", 0, &p, why, 256),
	    -1);
	assert_int_equal(mk_prior_parse("halfnormal:x", 0, &p, why, 256), -1);
	assert_int_equal(mk_prior_parse("lognormal-tau2:-1,0", 0, &p, why,
	    256), -1);
	assert_int_equal(mk_prior_parse("", 0, &p, why, 256), -1);
	/* the half-normal's density is normalised */
	assert_int_equal(mk_prior_parse("halfnormal:2", 0, &p, why, 256), 0);
	assert_close(mk_prior_density(&p, 0), 2 / (2 * sqrt(2 * PI)), 1e-15);
}

/* k = 1: the moments that exist and those that do not; an improper
 * posterior and a measure without a default prior are refused. */
static void
edges(void **state)
{
	static const double y[] = { 0.3, -0.4 }, v[] = { 0.2, 0.1 };
	mk_fit f;
	mk_err e;
	(void)state;

	/* half-normal, k = 1, flat mu: mu | y has median y and mean y */
	assert_int_equal(fit(y, v, 1, MK_OR, NULL, NULL, 95, &f, &e), 0);
	assert_close(f.bayes->mu_median, 0.3, 1e-12);
	assert_close(f.bayes->mu_mean, 0.3, 1e-12);
	assert_true(isfinite(f.bayes->mu_sd));
	assert_nan(f.p);
	assert_nan(f.qp);
	mk_fit_free(&f);
	/* half-Cauchy, k = 1: tail tau^-2, so no mean of mu or tau */
	assert_int_equal(fit(y, v, 1, MK_OR, "halfcauchy:0.5", NULL, 95, &f,
	    &e), 0);
	assert_nan(f.bayes->mu_mean);
	assert_nan(f.bayes->mu_sd);
	assert_nan(f.bayes->tau_mean);
	assert_close(f.bayes->tau_median, 0.5, 1e-10);	/* the prior's */
	mk_fit_free(&f);
	/* half-Cauchy, k = 2: tail tau^-3, a mean but no sd */
	assert_int_equal(fit(y, v, 2, MK_OR, "halfcauchy:0.5", NULL, 95, &f,
	    &e), 0);
	assert_true(isfinite(f.bayes->mu_mean));
	assert_nan(f.bayes->mu_sd);
	assert_nan(f.se);
	mk_fit_free(&f);
	/* flat prior on tau: improper with 2 studies, proper with a normal
	 * prior on mu */
	assert_int_equal(fit(y, v, 2, MK_OR, "flat", NULL, 95, &f, &e), -1);
	assert_non_null(strstr(e.msg, "improper"));
	mk_fit_free(&f);
	assert_int_equal(fit(y, v, 2, MK_OR, "flat", "normal:0,1", 95, &f, &e),
	    0);
	assert_nan(f.bayes->tau_mean);	/* tail tau^-2 */
	mk_fit_free(&f);
	assert_int_equal(fit(y, v, 1, MK_OR, "flat", "normal:0,1", 95, &f, &e),
	    -1);
	mk_fit_free(&f);
	/* MD has units: no default prior, a usage error */
	assert_int_equal(fit(y, v, 2, MK_MD, NULL, NULL, 95, &f, &e), -1);
	assert_int_equal(e.usage, 1);
	assert_non_null(strstr(e.msg, "halfnormal:S"));
	mk_fit_free(&f);
}

/* The same numbers on every run, and --each's brief fits agree with the
 * full one. */
static void
deterministic(void **state)
{
	static const double y[] = { -0.9, -0.2, -1.6, 0.3 };
	static const double v[] = { 0.12, 0.3, 0.45, 0.2 };
	mk_fit a, b;
	mk_err e;
	mk_opts o;
	mk_warn w = { 0 };
	(void)state;

	assert_int_equal(fit(y, v, 4, MK_SMD, NULL, NULL, 95, &a, &e), 0);
	assert_int_equal(fit(y, v, 4, MK_SMD, NULL, NULL, 95, &b, &e), 0);
	assert_memory_equal(a.bayes->shr_median, b.bayes->shr_median,
	    4 * sizeof(double));
	assert_true(a.est == b.est && a.lo == b.lo && a.pi_hi == b.pi_hi);
	mk_fit_free(&b);
	mk_studies *s = studies(y, v, 4, MK_SMD);
	mk_opts_init(&o);
	o.method = MK_BAYES;
	o.bayes_brief = 2;
	assert_int_equal(mk_fit_run(s, &o, &b, &w, &e), 0);
	assert_close(b.est, a.est, 1e-12);
	assert_close(b.hi, a.hi, 1e-12);
	assert_close(b.tau2, a.tau2, 1e-12);
	assert_null(b.bayes->shr_median);
	assert_nan(b.pi_lo);
	mk_fit_free(&a);
	mk_fit_free(&b);
	mk_studies_free(s);
	mk_warn_clear(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(halfnormal_brute),
		cmocka_unit_test(halfcauchy_brute),
		cmocka_unit_test(density),
		cmocka_unit_test(mixture_quantiles),
		cmocka_unit_test(priors),
		cmocka_unit_test(edges),
		cmocka_unit_test(deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
