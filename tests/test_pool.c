/* test_pool.c: the pooling methods and tau2 estimators on data small
 * enough to solve by hand (derivations in the comments), plus the edges:
 * k = 1, tau2 truncated at 0, non-convergence, Peto's published example. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fit/internal.h"

static mk_studies *
studies(const char *csv, mk_opts *o)
{
	mk_err e;
	mk_warn w = { 0 };
	mk_table *t = mk_table_parse("t.csv", csv, strlen(csv), &e);
	assert_non_null(t);
	mk_studies *s = mk_studies_from_table(t, o, &w, &e);
	assert_non_null(s);
	mk_table_free(t);
	mk_warn_clear(&w);
	return s;
}

static void
fit(const char *csv, mk_method m, mk_fit *f)
{
	mk_opts o;
	mk_err e;
	mk_warn w = { 0 };
	mk_opts_init(&o);
	o.method = m;
	mk_studies *s = studies(csv, &o);
	assert_int_equal(mk_fit_run(s, &o, f, &w, &e), 0);
	mk_studies_free(s);
	mk_warn_clear(&w);
}

/* y = (0, 1), v = (1, 1): est 0.5, se sqrt(1/2), Q = 0.5, I2 = 0, H2 = 0.5. */
static void
fixed_effect(void **state)
{
	mk_fit f;
	(void)state;
	fit("yi,vi\n0,1\n1,1\n", MK_FE, &f);
	assert_close(f.est, 0.5, 1e-15);
	assert_close(f.se, sqrt(0.5), 1e-15);
	assert_close(f.q, 0.5, 1e-15);
	assert_close(f.qdf, 1, 0);
	assert_close(f.i2, 0, 0);
	assert_close(f.h2, 0.5, 1e-15);
	assert_close(f.weight[0], 50, 1e-13);
	assert_close(f.lo, 0.5 - 1.959963984540054 * sqrt(0.5), 1e-12);
	mk_fit_free(&f);
}

/* y = (0, 1, 3), all v = 1: RSS = Q = 42/9. With equal v the estimators
 * have closed forms: DL = HE = REML = PM = EB = RSS/(k-1) - v = 4/3;
 * ML = RSS/k - v = 5/9; HS = (Q - k)/sum w = 5/9;
 * SJ: t0 = RSS/k = 14/9, tau2 = t0 Q(t0)/(k-1) = 588/414. */
static void
estimators_by_hand(void **state)
{
	static const struct { mk_method m; double tau2, tol; } want[] = {
		{ MK_DL, 4.0 / 3, 1e-14 }, { MK_HE, 4.0 / 3, 1e-14 },
		{ MK_REML, 4.0 / 3, 1e-10 }, { MK_EB, 4.0 / 3, 1e-10 },
		{ MK_PM, 4.0 / 3, 1e-4 },	/* metafor's uniroot tolerance */
		{ MK_ML, 5.0 / 9, 1e-10 }, { MK_HS, 5.0 / 9, 1e-14 },
		{ MK_SJ, 588.0 / 414, 1e-14 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		mk_fit f;
		fit("yi,vi\n0,1\n1,1\n3,1\n", want[i].m, &f);
		assert_close(f.tau2, want[i].tau2, want[i].tol);
		assert_close(f.est, 4.0 / 3, 1e-12);	/* equal weights */
		assert_close(f.q, 42.0 / 9, 1e-14);
		/* I2 = tau2/(tau2 + v), v = 1 */
		assert_close(f.i2, 100 * f.tau2 / (f.tau2 + 1), 1e-12);
		mk_fit_free(&f);
	}
}

/* Identical studies: every estimator truncates tau2 at 0; the Q-profile
 * interval is [0, 0] since Q = 0 lies below the lower chi2 quantile. */
static void
truncated_at_zero(void **state)
{
	for (mk_method m = MK_DL; m <= MK_HS; m++) {
		mk_fit f;
		(void)state;
		fit("yi,vi\n1,0.5\n1,0.2\n1,0.1\n", m, &f);
		assert_close(f.tau2, 0, 0);
		assert_close(f.est, 1, 1e-15);
		assert_close(f.tau2_lo, 0, 0);
		assert_close(f.tau2_hi, 0, 0);
		mk_fit_free(&f);
	}
}

/* Q-profile upper bound for y = (0,1,3), v = 1: Q(t) = (42/9)/(1+t) equals
 * the 2.5% chi2(2) quantile 0.0506356 at t = 91.1608; the lower bound is 0
 * because Q(0) = 4.67 < 7.3778. */
static void
q_profile(void **state)
{
	mk_fit f;
	(void)state;
	fit("yi,vi\n0,1\n1,1\n3,1\n", MK_REML, &f);
	assert_close(f.tau2_lo, 0, 0);
	assert_close(f.tau2_hi, (42.0 / 9) / 0.050635615968579795 - 1, 1e-9);
	mk_fit_free(&f);
}

/* k = 1: the pooled result is the study; tau2 fixed at 0; Q = 0 with
 * df = 0; p, I2, H2 and the tau2 interval undefined. */
static void
single_study(void **state)
{
	mk_fit f;
	(void)state;
	fit("yi,vi\n0.3,0.04\n", MK_REML, &f);
	assert_close(f.est, 0.3, 1e-15);
	assert_close(f.se, 0.2, 1e-15);
	assert_close(f.tau2, 0, 0);
	assert_close(f.q, 0, 0);
	assert_nan(f.qp);
	assert_nan(f.i2);
	assert_nan(f.tau2_hi);
	mk_fit_free(&f);
}

/* REML with an iteration cap of 1 cannot converge and says so. */
static void
nonconvergence(void **state)
{
	mk_opts o;
	mk_err e;
	mk_warn w = { 0 };
	mk_fit f;
	(void)state;
	mk_opts_init(&o);
	o.method = MK_REML;
	o.maxiter = 1;
	mk_studies *s = studies("yi,vi\n0,0.01\n5,0.01\n-3,0.02\n", &o);
	assert_int_equal(mk_fit_run(s, &o, &f, &w, &e), -1);
	assert_non_null(strstr(e.msg, "did not converge"));
	mk_fit_free(&f);
	mk_studies_free(s);
}

/* Peto's method on Yusuf et al. (1985) table 6 (published OR 0.9332
 * [0.7385, 1.1792]; Q = 10.83 with metafor 3.8-1, METHODS.md 1.5).
 * Tables without events in both arms drop out of Q's df. */
static const char yusuf[] =
    "study,events_t,n_t,events_c,n_c\n"
    "Balcon,14,56,15,58\nClausen,18,66,19,64\nMulticentre,15,100,12,95\n"
    "Barber,10,52,12,47\nNorris,21,226,24,228\nKahler,3,38,6,31\n"
    "Ledwich,2,20,3,20\nSnow 2,19,76,15,67\nFuccella,15,106,9,114\n"
    "Briant,5,62,4,57\nPitt,0,9,0,8\nLombardo,8,133,11,127\n"
    "Thompson,3,48,3,49\nHutton,0,16,0,13\nTonkin,1,42,1,46\n"
    "Gupta,0,25,3,25\nBarber 2,14,221,15,228\nYusuf,0,11,0,11\n"
    "Wilcox 1,8,259,7,129\nWilcox 2,6,157,4,158\nCPRG,3,177,2,136\n";

static void
peto_yusuf(void **state)
{
	mk_fit f;
	(void)state;
	fit(yusuf, MK_PETO, &f);
	assert_close(exp(f.est), 0.9332, 0.5e-4 / 0.9332);
	assert_close(exp(f.lo), 0.7385, 0.5e-4 / 0.7385);
	assert_close(exp(f.hi), 1.1792, 0.5e-4 / 1.1792);
	assert_close(f.q, 10.83, 0.005 / 10.83);
	assert_close(f.qdf, 17, 0);	/* 21 tables, 3 double-zero */
	mk_fit_free(&f);
}

/* MH OR: a double-zero table changes neither the estimate nor Q. */
static void
mh_double_zero(void **state)
{
	mk_fit a, b;
	(void)state;
	fit("events_t,n_t,events_c,n_c\n4,123,11,139\n6,306,29,303\n",
	    MK_MH, &a);
	fit("events_t,n_t,events_c,n_c\n4,123,11,139\n6,306,29,303\n"
	    "0,50,0,50\n", MK_MH, &b);
	assert_close(b.est, a.est, 1e-14);
	assert_close(b.q, a.q, 1e-14);
	assert_close(b.qdf, a.qdf, 0);
	mk_fit_free(&a);
	mk_fit_free(&b);
}

/* Brent's zero finder on x^2 - 2 over [0, 2]. */
static double
sq2(double x, void *p)
{
	(void)p;
	return x * x - 2;
}

static void
zeroin(void **state)
{
	double r;
	(void)state;
	assert_int_equal(mk_zeroin(sq2, NULL, 0, 2, -2, 2, 1e-14, 100, &r,
	    NULL), 0);
	assert_close(r, sqrt(2.0), 1e-14);
	assert_int_equal(mk_zeroin(sq2, NULL, 0, 2, -2, 2, 1e-14, 1, &r,
	    NULL), -1);
}

/* chi2 quantiles where GSL's own inverse fails: R's qchisq(c(.025,
 * .975), 999999) = 997229.088529, 1002772.700082; qchisq(.025, 2) = 0.0506356. */
static void
chisq_quantiles(void **state)
{
	(void)state;
	assert_close(mk_chisq_quantile(0.025, 999999, 0), 997229.088529, 1e-11);
	assert_close(mk_chisq_quantile(0.025, 999999, 1), 1002772.700082, 1e-11);
	assert_close(mk_chisq_quantile(0.025, 2, 0), 0.050635615968579795,
	    1e-12);
	assert_close(mk_chisq_quantile(0.025, 2, 1), 7.3777589082278725,
	    1e-12);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double
sorted_median(double *x, size_t n)
{
	qsort(x, n, sizeof(double), cmp);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* metafor's PM search end max(100, 10 mad(y)^2), with R's mad(): the
 * quickselect medians must equal sorted ones on every size and with ties. */
static void
search_max_mad(void **state)
{
	double y[60], d[60];
	unsigned long x = 7;
	(void)state;
	for (size_t n = 1; n <= 60; n++) {
		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			y[i] = (double)((x >> 33) % (n % 3 ? 1000 : 7)) * 0.1;
			d[i] = y[i];
		}
		double med = sorted_median(d, n);
		for (size_t i = 0; i < n; i++)
			d[i] = fabs(y[i] - med);
		double mad = 1.4826 * sorted_median(d, n);
		assert_close(mk_tau2_search_max(y, n), fmax(100, 10 * mad * mad),
		    1e-15);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixed_effect),
		cmocka_unit_test(estimators_by_hand),
		cmocka_unit_test(truncated_at_zero),
		cmocka_unit_test(q_profile),
		cmocka_unit_test(single_study),
		cmocka_unit_test(nonconvergence),
		cmocka_unit_test(peto_yusuf),
		cmocka_unit_test(mh_double_zero),
		cmocka_unit_test(zeroin),
		cmocka_unit_test(chisq_quantiles),
		cmocka_unit_test(search_max_mad),
	};
	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
