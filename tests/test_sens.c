/* test_sens.c: leave-one-out and cumulative refits (sens.c, sums.c) equal
 * the refits done one by one on each subset's rows with mk_fit_run, for
 * every inverse-variance method, both CI types and data that reach the
 * series, the passes and the tau2 = 0 boundary (a refit of one study
 * under Knapp-Hartung is z's, as metafor's); and the steps do not depend
 * on the number of threads. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fit/internal.h"

static mk_studies *
studies(const char *csv, const mk_opts *o)
{
	mk_err e;
	mk_warn w = { 0 };
	mk_table *t = table_of(csv);
	mk_studies *s = mk_studies_from_table(t, o, &w, &e);
	assert_non_null(s);
	mk_table_free(t);
	mk_warn_clear(&w);
	return s;
}

/* BCG (Colditz et al. 1994, Table 1; R metadat dat.bcg) as counts. */
static const char bcg[] = "events_t,n_t,events_c,n_c\n"
    "4,123,11,139\n6,306,29,303\n3,231,11,220\n62,13598,248,12867\n"
    "33,5069,47,5808\n180,1541,372,1451\n8,2545,10,629\n"
    "505,88391,499,88391\n29,7499,45,7277\n17,1716,65,1665\n"
    "186,50634,141,27338\n5,2498,3,2341\n27,16913,29,17854\n";

/* Close estimates, equal variances: tau2 is 0 in every refit. */
static const char flat[] = "yi,vi\n0.10,0.04\n0.12,0.05\n0.09,0.04\n"
    "0.11,0.06\n0.10,0.05\n0.13,0.04\n";

/* Three studies: every refit has two. */
static const char three[] = "yi,vi\n-0.5,0.1\n0.3,0.2\n1.4,0.15\n";

/* One study with a tiny variance carries nearly all the weight. */
static const char lopsided[] = "yi,vi\n0.2,1e-6\n-0.4,0.3\n0.9,0.2\n"
    "0.5,0.25\n-0.1,0.4\n1.2,0.35\n";

/* k studies from a fixed recurrence: effects spread about 0.3, variances
 * from 0.02 to 0.3 (many refits, so the series does the work). */
static char *
made(size_t k)
{
	char *csv = malloc(32 * k + 16);
	size_t n = (size_t)sprintf(csv, "yi,vi\n");
	unsigned long x = 12345;

	for (size_t i = 0; i < k; i++) {
		x = (x * 1103515245UL + 12345UL) % 2147483648UL;
		double u1 = (double)x / 2147483648.0;
		x = (x * 1103515245UL + 12345UL) % 2147483648UL;
		double u2 = (double)x / 2147483648.0;
		n += (size_t)sprintf(csv + n, "%.6f,%.6f\n", 0.3 + 2.0 *
		    (u1 - 0.5), 0.02 + 0.28 * u2);
	}
	return csv;
}

/* |got - want| <= 1e-10 (1 + |want|), or both NaN. */
static void
same(double got, double want, const char *what, size_t j, const char *m)
{
	if (isnan(want) && isnan(got))
		return;
	if (!(fabs(got - want) <= 1e-10 * (1 + fabs(want)))) {
		print_error("%s step %zu %s = %.17g, refit gives %.17g\n", m, j,
		    what, got, want);
		fail();
	}
}

static void
compare(const mk_step *st, const mk_fit *f, size_t j, const char *m)
{
	same((double)st->k, (double)f->k, "k", j, m);
	same(st->est, f->est, "est", j, m);
	same(st->se, f->se, "se", j, m);
	same(st->lo, f->lo, "lo", j, m);
	same(st->hi, f->hi, "hi", j, m);
	same(st->stat, f->stat, "stat", j, m);
	same(st->p, f->p, "p", j, m);
	same(st->tdf, f->tdf, "tdf", j, m);
	same(st->pi_lo, f->pi_lo, "pi_lo", j, m);
	same(st->pi_hi, f->pi_hi, "pi_hi", j, m);
	same(st->q, f->q, "q", j, m);
	same(st->qp, f->qp, "qp", j, m);
	same(st->tau2, f->tau2, "tau2", j, m);
	same(st->i2, f->i2, "i2", j, m);
	same(st->h2, f->h2, "h2", j, m);
}

/* Every step of both analyses against mk_fit_run on its subset, and the
 * same steps, bit for bit, on 3 threads. */
static void
against_refits(const char *csv, const char *measure)
{
	static const mk_method methods[] = { MK_FE, MK_DL, MK_HE, MK_HS,
	    MK_SJ, MK_PM, MK_EB, MK_ML, MK_REML };
	mk_opts o;

	for (size_t mi = 0; mi < sizeof(methods) / sizeof(methods[0]); mi++)
		for (int ci = 0; ci < 2; ci++)
			for (int cum = 0; cum < 2; cum++) {
		mk_opts_init(&o);
		if (measure != NULL)
			o.measure = mk_measure_find(measure)->id;
		o.method = methods[mi];
		o.ci = ci ? MK_CI_HKSJ : MK_CI_Z;
		mk_studies *s = studies(csv, &o);
		size_t k = s->k, *order = malloc(k * sizeof(size_t));
		for (size_t i = 0; i < k; i++)	/* cumulative: reversed */
			order[i] = k - 1 - i;
		mk_sens_ctl one = { 1, NULL, NULL }, on3 = { 3, NULL, NULL };
		mk_step *st, *st3;
		mk_err e;
		assert_int_equal(cum ? mk_cumulative(s, order, &o, &one, &st, &e)
		    : mk_leave1out(s, &o, &one, &st, &e), 0);
		assert_int_equal(cum ? mk_cumulative(s, order, &o, &on3, &st3,
		    &e) : mk_leave1out(s, &o, &on3, &st3, &e), 0);
		assert_memory_equal(st, st3, k * sizeof(*st));
		unsigned char *sel = calloc(k, 1);
		char name[64];
		snprintf(name, sizeof(name), "%s %s %s",
		    mk_method_get(o.method)->name, ci ? "hksj" : "z",
		    cum ? "cumulative" : "leave-one-out");
		mk_opts cold = o;
		cold.no_tau2_ci = 1;
		for (size_t j = 0; j < k; j++) {
			memset(sel, cum ? 0 : 1, k);
			if (cum)
				for (size_t i = 0; i <= j; i++)
					sel[order[i]] = 1;
			else
				sel[j] = 0;
			mk_studies *sub = mk_studies_subset(s, sel);
			mk_fit f;
			mk_warn w = { 0 };
			assert_int_equal(st[j].study, cum ? order[j] : j);
			mk_opts ref = cold;	/* one study: z, as metafor's
						 * fit of k = 1 with "knha" */
			if (sub->k == 1)
				ref.ci = MK_CI_Z;
			if (mk_fit_run(sub, &ref, &f, &w, &e) == 0)
				compare(&st[j], &f, j, name);
			else
				assert_nan(st[j].est);
			mk_fit_free(&f);
			mk_warn_clear(&w);
			mk_studies_free(sub);
		}
		free(sel);
		free(st);
		free(st3);
		free(order);
		mk_studies_free(s);
	}
}

static void
bcg_rr(void **state)
{
	(void)state;
	against_refits(bcg, "RR");
}

static void
flat_data(void **state)
{
	(void)state;
	against_refits(flat, NULL);
}

static void
three_studies(void **state)
{
	(void)state;
	against_refits(three, NULL);
}

static void
lopsided_weights(void **state)
{
	(void)state;
	against_refits(lopsided, NULL);
}

static void
many_studies(void **state)
{
	char *csv = made(120);
	(void)state;
	against_refits(csv, NULL);
	free(csv);
}

/* The sums at any tau2, series or pass, equal one pass over the subset's
 * rows (wls.c), leaving out each of several studies. */
static void
sums_equal_passes(void **state)
{
	char *csv = made(120);
	mk_opts o;
	(void)state;
	mk_opts_init(&o);
	mk_studies *s = studies(csv, &o);
	size_t k = s->k;
	double *y = malloc(k * sizeof(double)), *v = malloc(k * sizeof(double));
	static const double grid[] = { 0, 1e-6, 1e-4, 1e-3, 0.005, 0.01, 0.03,
	    0.04, 0.041, 0.05, 0.0928, 0.2, 1, 10 };
	mk_wls a, b;
	assert_int_equal(mk_wls_init(&a, 1), 0);
	assert_int_equal(mk_wls_init(&b, 1), 0);
	for (size_t j = 0; j < k; j += 17) {
		mk_sums full, one;
		mk_sums_init(&full, s->yi, s->vi, 0.3, 0.041, 0.2);
		for (size_t i = 0; i < k; i++)
			mk_sums_add(&full, i, 1);
		full.n = k;
		one = full;
		mk_sums_add(&one, j, -1);
		one.skip = j;
		size_t n = 0;
		for (size_t i = 0; i < k; i++)
			if (i != j) {
				y[n] = s->yi[i];
				v[n++] = s->vi[i];
			}
		mk_design rows = { n, 1, y, v, NULL, NULL };
		mk_design sums = { n, 1, NULL, NULL, NULL, &one };
		for (size_t g = 0; g < sizeof(grid) / sizeof(grid[0]); g++) {
			double t = grid[g];
			assert_int_equal(mk_wls_at(&rows, t, &a, MK_WLS_TRACES), 0);
			assert_int_equal(mk_wls_at(&sums, t, &b, MK_WLS_TRACES), 0);
			assert_close(b.b[0], a.b[0], 1e-12);
			assert_close(b.rss, a.rss, 1e-12);
			assert_close(b.ypp, a.ypp, 1e-12);
			assert_close(b.sw, a.sw, 1e-13);
			assert_close(b.sw2, a.sw2, 1e-13);
			assert_close(b.trp, a.trp, 1e-12);
			assert_close(b.trpp, a.trpp, 1e-12);
			long double lg = 0;
			for (size_t i = 0; i < n; i++)
				lg += logl((long double)v[i] + t);
			assert_close((double)mk_sums_log(&one, t), (double)lg,
			    1e-13);
		}
	}
	mk_wls_free(&a);
	mk_wls_free(&b);
	free(y);
	free(v);
	mk_studies_free(s);
	free(csv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sums_equal_passes),
		cmocka_unit_test(bcg_rr),
		cmocka_unit_test(flat_data),
		cmocka_unit_test(three_studies),
		cmocka_unit_test(lopsided_weights),
		cmocka_unit_test(many_studies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
