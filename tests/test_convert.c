/* test_convert.c: an arm's mean and SD from an SE, a CI or quantiles
 * (convert.c), and rows read in every form (forms.c, effect.c). Sources
 * beside each expected number. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "check.h"
#include "effects/internal.h"

/* E[Z(r:n)], the r-th of n ordered standard normal values, by
 * integration: the exact value Wan et al. (2014) tabulate. */
struct os { int r, n; };

static double
os_density(double x, void *p)
{
	const struct os *o = p;
	double F = gsl_cdf_ugaussian_P(x), Q = gsl_cdf_ugaussian_Q(x), lc;

	if (F <= 0 || Q <= 0)
		return 0;
	lc = gsl_sf_lnchoose((unsigned)o->n, (unsigned)o->r);
	return x * o->r * exp(lc + (o->r - 1) * log(F) + (o->n - o->r) *
	    log(Q)) * gsl_ran_ugaussian_pdf(x);
}

static double
expected_os(int r, int n)
{
	gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
	struct os o = { r, n };
	gsl_function f = { os_density, &o };
	double v, e;

	gsl_integration_qag(&f, -12, 12, 1e-13, 1e-11, 1000,
	    GSL_INTEG_GAUSS61, w, &v, &e);
	gsl_integration_workspace_free(w);
	return v;
}

/* Wan et al. 2014, Tables 1 and 2 (as transcribed in convert.c) are the
 * expected range 2 E[Z(n:n)] and interquartile range 2 E[Z(3Q+1:4Q+1)]
 * of normal samples, printed to three decimals: each entry is checked
 * against the integral, so a mistyped digit fails. */
static void
wan_tables(void **state)
{
	(void)state;
	for (int n = 2; n <= 50; n++)
		assert_close(mk_wan_xi(n), 2 * expected_os(n, n), 0.0006 /
		    (2 * expected_os(n, n)));
	for (int q = 1; q <= 50; q++) {
		int n = 4 * q + 1;
		double want = 2 * expected_os(3 * q + 1, n);
		assert_close(mk_wan_eta(n), want, 0.0006 / want);
	}
	/* beyond the tables, Blom's approximations take over smoothly */
	assert_close(mk_wan_xi(51), mk_wan_xi(50), 0.01);
	assert_close(mk_wan_eta(205), mk_wan_eta(201), 0.005);
	/* Wan et al. 2014, Table 1: xi(11) = 3.173, xi(50) = 4.498 */
	assert_close(mk_wan_xi(11), 3.173, 1e-12);
	assert_close(mk_wan_xi(50), 4.498, 1e-12);
}

/* Cochrane Handbook 6.5.2.2: "the t value for a 95% confidence interval
 * from a sample size of 25 ... (the result is 2.0639)", so the divisor
 * 3.92 becomes 2 x 2.0639 = 4.128; SD = sqrt(N) x (upper - lower) /
 * 4.128. And SD = SE x sqrt(N). */
static void
handbook_sd(void **state)
{
	(void)state;
	assert_close(gsl_cdf_tdist_Pinv(0.975, 24), 2.0639, 5e-5);
	assert_close(mk_sd_from_ci(1.2, 5.8, 25), 5 * 4.6 / 4.1278, 5e-5);
	assert_close(mk_sd_from_se(0.7, 121), 7.7, 1e-12);
}

/* Luo et al. (2018) weights sum to one, so symmetric quantiles give their
 * centre back; for quantiles at their expected values in a normal sample
 * of n = 4Q + 1 the SD estimators give sigma back: Wan et al. (2014) to
 * the rounding of their tables, Shi et al. (2020) within its
 * approximation. Luo's S2 weight at n = 39 is 0.7 + 0.39/39 = 0.71. */
static void
quantiles(void **state)
{
	double mean, sd, mu = 10, sigma = 2;
	(void)state;
	for (int Q = 2; Q <= 50; Q += 8) {
		int n = 4 * Q + 1;
		double top = expected_os(n, n), up = expected_os(3 * Q + 1, n);
		double q[5] = { mu - top * sigma, mu - up * sigma, mu, mu + up *
		    sigma, mu + top * sigma };
		double r[5] = { q[0], NAN, mu, NAN, q[4] };
		double i[5] = { NAN, q[1], mu, q[3], NAN };
		assert_int_equal(mk_from_quantiles(n, q, &mean, &sd),
		    MK_ARMS_FIVE);
		assert_close(mean, mu, 1e-12);
		assert_close(sd, sigma, 0.03);
		assert_int_equal(mk_from_quantiles(n, r, &mean, &sd),
		    MK_ARMS_RANGE);
		assert_close(mean, mu, 1e-12);
		if (n <= 50)
			assert_close(sd, sigma, 0.0006);
		else	/* Blom's approximation of the expected range */
			assert_close(sd, sigma, 0.01);
		assert_int_equal(mk_from_quantiles(n, i, &mean, &sd),
		    MK_ARMS_IQR);
		assert_close(mean, mu, 1e-12);
		assert_close(sd, sigma, 0.0006);
	}
	/* skewed: S2 puts 0.71 on the mid-quartile, 0.29 on the median */
	double sk[5] = { NAN, 2, 3, 8, NAN };
	mk_from_quantiles(39, sk, &mean, &sd);
	assert_close(mean, 0.71 * 5 + 0.29 * 3, 1e-12);
	assert_close(sd, 6 / 1.303, 1e-12);	/* Table 2, Q = 10 */
}

/* A worked example with printed output: metaBLUE's manual (Luo.mean and
 * Wan.std, scenario S1, X = (min 1, median 4, max 10), n = 30) prints
 * muhat 4.356748 and sigmahat 2.205578. The mean is Luo et al. (2018)'s
 * range estimator, which metak must give exactly. metaBLUE divides the
 * range by Blom's approximation 2 z((n - 0.375) / (n + 0.25)) of the
 * expected range; metak, like R meta, uses Wan et al. (2014)'s Table 1
 * up to n = 50 (xi(30) = 4.0860), so its SD is 9 / 4.0860 = 2.2026,
 * 0.13% from the printed value. */
static void
metablue_example(void **state)
{
	double mean, sd;
	double q[5] = { 1, NAN, 4, NAN, 10 };
	(void)state;
	assert_int_equal(mk_from_quantiles(30, q, &mean, &sd), MK_ARMS_RANGE);
	assert_close(mean, 4.356748, 0.5e-6 / 4.356748);
	assert_close(sd, 9 / mk_wan_xi(30), 1e-12);
	assert_close(sd, 2.205578, 0.0015);
	assert_close(9 / (2 * gsl_cdf_ugaussian_Pinv(29.625 / 30.25)),
	    2.205578, 1e-6);
}

/* Each form of one file read as its conversion says: two arms with SD,
 * SE, CI and median/quartiles give the same MD machinery; a reported
 * estimate with CI, SE or p. */
static void
forms_in_one_file(void **state)
{
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	(void)state;
	mk_opts_init(&o);
	o.measure = MK_MD;
	mk_table *t = table_of("study,mean_t,sd_t,se_t,ci_low_t,ci_high_t,"
	    "median_t,q1_t,q3_t,n_t,mean_c,sd_c,n_c,estimate,se,p\n"
	    "sd,5,2,,,,,,,20,4,2,20,,,\n"
	    "se,5,,0.5,,,,,,16,4,2,20,,,\n"
	    "ci,5,,,4,6,,,,25,4,2,20,,,\n"
	    "med,,,,,,5,4,7,39,4,2,20,,,\n"
	    "est_se,,,,,,,,,,,,,1.5,0.4,\n"
	    "est_p,,,,,,,,,,,,,1.5,,0.008\n");
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	assert_non_null(s);
	assert_int_equal(s->k, 6);
	const int from[6] = { MK_FROM_MEANS_SD, MK_FROM_MEANS_SE,
	    MK_FROM_MEANS_CI, MK_FROM_MEDIANS, MK_FROM_ESTIMATE_SE,
	    MK_FROM_ESTIMATE_P };
	for (int i = 0; i < 6; i++)
		assert_int_equal(s->from[i], from[i]);
	assert_close(s->vi[0], 4.0 / 20 + 4.0 / 20, 1e-12);
	assert_close(s->vi[1], 0.25 + 4.0 / 20, 1e-12);	/* SE^2 */
	double sd = 5 * 2 / (2 * gsl_cdf_tdist_Pinv(0.975, 24));
	assert_close(s->vi[2], sd * sd / 25 + 4.0 / 20, 1e-12);
	double m = 0.7 + 0.39 / 39, sdm = 3 / 1.303;
	assert_close(s->yi[3], m * 5.5 + (1 - m) * 5 - 4, 1e-12);
	assert_close(s->vi[3], sdm * sdm / 39 + 4.0 / 20, 1e-12);
	assert_close(s->vi[4], 0.16, 1e-12);
	/* a p of 0.008 is z = 2.652 (Cochrane Handbook 6.3.2) */
	assert_close(1.5 / sqrt(s->vi[5]), 2.652, 5e-4);
	mk_studies_free(s);
	mk_table_free(t);
	mk_warn_clear(&w);
}

/* Retracted rows are left out unless asked for, with the reason; a bad
 * value in the column is an error at its cell. */
static void
retractions(void **state)
{
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	(void)state;
	mk_opts_init(&o);
	mk_table *t = table_of("study,yi,vi,retracted\na,0.1,0.01,no\n"
	    "b,0.2,0.02,YES\nc,0.3,0.03,\nd,0.4,0.04,1\n");
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	assert_int_equal(s->k, 2);
	assert_int_equal(s->nout, 2);
	assert_string_equal(s->out[0].why, "retracted");
	mk_studies_free(s);
	mk_warn_clear(&w);
	o.include_retracted = 1;
	s = mk_studies_from_table(t, &o, &w, &e);
	assert_int_equal(s->k, 4);
	mk_studies_free(s);
	mk_table_free(t);
	mk_warn_clear(&w);
	t = table_of("study,yi,vi,retracted\na,0.1,0.01,maybe\n");
	assert_null(mk_studies_from_table(t, &o, &w, &e));
	assert_string_equal(e.column, "retracted");
	assert_int_equal(e.line, 2);
	mk_table_free(t);
	mk_warn_clear(&w);
}

/* A reported estimate needs its measure named; a row with counts and a
 * printed RR is pooled from the counts, and a printed RR its counts do
 * not give is warned about. Counts 1/60 vs 8/60 give RR 0.125 with
 * Wald CI 0.016 to 0.97 (the Sato 2002 check in shared/k2/round2). */
static void
printed_checked(void **state)
{
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	(void)state;
	mk_opts_init(&o);
	mk_table *t = table_of("study,events_t,n_t,events_c,n_c,estimate,"
	    "ci_low,ci_high\nx,1,60,8,60,0.13,0.02,0.97\ny,,,,,0.5,0.2,0.9\n");
	assert_null(mk_studies_from_table(t, &o, &w, &e));
	assert_int_equal(e.usage, 1);
	mk_warn_clear(&w);
	o.measure = MK_RR;
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	assert_non_null(s);
	assert_int_equal(s->k, 2);
	assert_close(exp(s->yi[0]), 0.125, 1e-12);
	assert_int_equal(w.n, 0);	/* 0.13 (0.02, 0.97) matches */
	mk_studies_free(s);
	mk_table_free(t);
	t = table_of("study,events_t,n_t,events_c,n_c,estimate,ci_low,"
	    "ci_high\nx,1,60,8,60,0.31,0.12,0.81\n");
	s = mk_studies_from_table(t, &o, &w, &e);
	assert_non_null(s);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.msg[0], "printed RR 0.31"));
	mk_studies_free(s);
	mk_table_free(t);
	mk_warn_clear(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wan_tables),
		cmocka_unit_test(handbook_sd),
		cmocka_unit_test(quantiles),
		cmocka_unit_test(metablue_example),
		cmocka_unit_test(forms_in_one_file),
		cmocka_unit_test(retractions),
		cmocka_unit_test(printed_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
