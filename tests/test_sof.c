/* test_sof.c: summary-of-findings numbers (sof.c) against the formulas
 * worked by hand: the corresponding risk for RR, OR and RD, the pooled
 * control risk, NNT intervals of one kind and through infinity (Altman
 * 1998), the direction for wanted events, and measures without absolute
 * effects refused. */
#include <stdlib.h>

#include "check.h"

/* A fit of studies st with the pooled effect est [lo, hi] (analysis
 * scale): only what sof.c reads. */
static mk_fit
fit_of(double est, double lo, double hi, size_t k)
{
	mk_fit f;

	memset(&f, 0, sizeof(f));
	f.est = est;
	f.lo = lo;
	f.hi = hi;
	f.k = k;
	f.level = 95;
	return f;
}

static mk_studies *
studies(const char *csv, mk_measure m)
{
	mk_opts o;
	mk_err e;
	mk_warn w = { 0 };
	mk_table *t = table_of(csv);

	mk_opts_init(&o);
	o.measure = m;
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	assert_non_null(s);
	mk_table_free(t);
	mk_warn_clear(&w);
	return s;
}

static const char two[] = "events_t,n_t,events_c,n_c\n10,100,20,100\n"
    "5,50,15,150\n";

/* RR: risk p RR at each end; the control risk pooled as 35/250. */
static void
rr_risks(void **state)
{
	(void)state;
	mk_studies *s = studies(two, MK_RR);
	mk_fit f = fit_of(log(0.5), log(0.25), log(1.0), 2);
	mk_sof *sof;
	mk_err e;

	assert_int_equal(mk_sof_run(s, &f, NULL, 0, 1, &sof, &e), 0);
	assert_close(sof->pooled_control, 35.0 / 250, 1e-14);
	assert_close(sof->participants, 400, 0);
	assert_int_equal(sof->n, 1);
	const mk_sof_row *r = &sof->row[0];
	assert_int_equal(r->given, 0);
	assert_close(r->risk, 0.07, 1e-12);
	assert_close(r->risk_lo, 0.035, 1e-12);
	assert_close(r->risk_hi, 0.14, 1e-12);
	assert_close(r->diff, -0.07, 1e-12);
	/* the interval's harm end is 0: NNTB 14.29 to infinity */
	assert_int_equal(r->nnt.kind, MK_NNT_B);
	assert_close(r->nnt.value, 1 / 0.07, 1e-12);
	assert_int_equal(r->nnt_hi.kind, MK_NNT_NONE);
	assert_true(isinf(r->nnt_hi.value));
	mk_sof_free(sof);
	mk_studies_free(s);
}

/* OR: OR p / (1 - p + OR p) at the given risks, with an interval that
 * holds no effect: NNTB through infinity to NNTH (Altman 1998). */
static void
or_through_infinity(void **state)
{
	(void)state;
	mk_studies *s = studies(two, MK_OR);
	mk_fit f = fit_of(log(0.8), log(0.5), log(1.3), 2);
	double p[2] = { 0.2, 0.05 };
	mk_sof *sof;
	mk_err e;

	assert_int_equal(mk_sof_run(s, &f, p, 2, 1, &sof, &e), 0);
	assert_int_equal(sof->n, 2);
	const mk_sof_row *r = &sof->row[0];
	assert_int_equal(r->given, 1);
	assert_close(r->risk, 0.16 / 0.96, 1e-12);
	assert_close(r->risk_lo, 0.1 / 0.9, 1e-12);
	assert_close(r->risk_hi, 0.26 / 1.06, 1e-12);
	assert_true(r->through_infinity);
	assert_int_equal(r->nnt.kind, MK_NNT_B);
	assert_int_equal(r->nnt_lo.kind, MK_NNT_B);
	assert_close(r->nnt_lo.value, 1 / (0.2 - 0.1 / 0.9), 1e-12);
	assert_int_equal(r->nnt_hi.kind, MK_NNT_H);
	assert_close(r->nnt_hi.value, 1 / (0.26 / 1.06 - 0.2), 1e-12);
	assert_close(sof->row[1].risk, 0.04 / 0.99, 1e-12);
	mk_sof_free(sof);
	mk_studies_free(s);
}

/* RD: p + RD; with wanted events, more of them is the benefit. */
static void
rd_wanted(void **state)
{
	(void)state;
	mk_studies *s = studies(two, MK_RD);
	mk_fit f = fit_of(0.1, 0.04, 0.16, 2);
	double p = 0.3;
	mk_sof *sof;
	mk_err e;

	assert_int_equal(mk_sof_run(s, &f, &p, 1, 0, &sof, &e), 0);
	const mk_sof_row *r = &sof->row[0];
	assert_close(r->risk, 0.4, 1e-12);
	assert_close(r->diff_lo, 0.04, 1e-12);
	assert_false(r->through_infinity);
	assert_int_equal(r->nnt.kind, MK_NNT_B);	/* more wanted events */
	assert_close(r->nnt.value, 10, 1e-12);
	assert_close(r->nnt_lo.value, 25, 1e-12);
	assert_close(r->nnt_hi.value, 1 / 0.16, 1e-12);
	mk_sof_free(sof);
	/* the same with harmful events: a harm */
	assert_int_equal(mk_sof_run(s, &f, &p, 1, 1, &sof, &e), 0);
	assert_int_equal(sof->row[0].nnt.kind, MK_NNT_H);
	mk_sof_free(sof);
	mk_studies_free(s);
}

/* A measure without absolute effects, and no control counts without
 * --control-risk, are refused. */
static void
refused(void **state)
{
	(void)state;
	mk_studies *s = studies("yi,vi\n0.1,0.04\n0.2,0.05\n", MK_GEN);
	mk_fit f = fit_of(0.1, 0, 0.2, 2);
	mk_sof *sof = NULL;
	mk_err e;

	assert_non_null(mk_sof_unfit(s));
	assert_int_equal(mk_sof_run(s, &f, NULL, 0, 1, &sof, &e), -1);
	assert_null(sof);
	mk_studies_free(s);
	s = studies("estimate,ci_low,ci_high\n0.8,0.5,1.2\n0.7,0.4,1.1\n",
	    MK_RR);
	assert_int_equal(mk_sof_run(s, &f, NULL, 0, 1, &sof, &e), -1);
	assert_int_equal(e.usage, 1);
	mk_studies_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rr_risks),
		cmocka_unit_test(or_through_infinity),
		cmocka_unit_test(rd_wanted),
		cmocka_unit_test(refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
