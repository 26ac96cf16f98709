/* test_effect.c: per-study effect sizes against hand calculations and
 * published values (sources beside each number). */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* OR of a 2x2 without zero cells: ln(ad/bc), 1/a+1/b+1/c+1/d.
 * Aronson 1948 (BCG, Colditz 1994): 4/123 vs 11/139. */
static void
or_plain(void **state)
{
	double yi, vi;
	(void)state;
	assert_int_equal(mk_effect_2x2(MK_OR, 4, 119, 11, 128, 0.5,
	    MK_CC_ONLY0, &yi, &vi), 0);
	assert_close(yi, log(4.0 * 128 / (119.0 * 11)), 1e-14);
	assert_close(vi, 1 / 4.0 + 1 / 119.0 + 1 / 11.0 + 1 / 128.0, 1e-14);
}

/* A zero cell adds 0.5 to all four cells (metafor's escalc, to="only0"). */
static void
or_zero_cell(void **state)
{
	double yi, vi;
	(void)state;
	assert_int_equal(mk_effect_2x2(MK_OR, 0, 75, 1, 74, 0.5,
	    MK_CC_ONLY0, &yi, &vi), 0);
	assert_close(yi, log(0.5 * 74.5 / (75.5 * 1.5)), 1e-14);
	assert_close(vi, 1 / 0.5 + 1 / 75.5 + 1 / 1.5 + 1 / 74.5, 1e-14);
	/* --cc-to none: undefined */
	assert_int_equal(mk_effect_2x2(MK_OR, 0, 75, 1, 74, 0.5,
	    MK_CC_NONE, &yi, &vi), -1);
}

/* A double-zero study stays in with the correction (escalc drop00=FALSE). */
static void
double_zero(void **state)
{
	double yi, vi;
	(void)state;
	assert_int_equal(mk_effect_2x2(MK_OR, 0, 9, 0, 8, 0.5, MK_CC_ONLY0,
	    &yi, &vi), 0);
	assert_close(yi, log(0.5 * 8.5 / (9.5 * 0.5)), 1e-14);
	assert_int_equal(mk_effect_2x2(MK_RD, 0, 9, 0, 8, 0.5, MK_CC_ONLY0,
	    &yi, &vi), 0);
	assert_close(yi, 0.5 / 10 - 0.5 / 9, 1e-14);
}

/* RR and RD (Rothman, Modern Epidemiology, the usual large-sample forms). */
static void
rr_rd(void **state)
{
	double yi, vi;
	(void)state;
	assert_int_equal(mk_effect_2x2(MK_RR, 10, 90, 20, 80, 0.5,
	    MK_CC_ONLY0, &yi, &vi), 0);
	assert_close(yi, log(0.5), 1e-14);
	assert_close(vi, 1 / 10.0 - 1 / 100.0 + 1 / 20.0 - 1 / 100.0, 1e-14);
	assert_int_equal(mk_effect_2x2(MK_RD, 10, 90, 20, 80, 0.5,
	    MK_CC_ONLY0, &yi, &vi), 0);
	assert_close(yi, -0.1, 1e-13);
	assert_close(vi, 0.1 * 0.9 / 100 + 0.2 * 0.8 / 100, 1e-14);
}

/* Hedges' exact J(m) = Gamma(m/2)/(sqrt(m/2) Gamma((m-1)/2)); for m = 10
 * this is 0.9227 (Hedges 1981, Table 2, J(10) = .9227). */
static void
hedges_j(void **state)
{
	(void)state;
	assert_close(mk_hedges_j(10), 0.9227, 1e-4);
	assert_close(mk_hedges_j(2), 0.5641895835477563, 1e-14); /* 1/sqrt(pi)... */
	assert_true(mk_hedges_j(1e6) < 1 && mk_hedges_j(1e6) > 0.999999);
}

/* normand1999 study 3: g = -2.3176, v = 0.04581 (METHODS.md 1.7, run with
 * metafor 3.8-1: vtype "LS"). */
static void
smd_normand(void **state)
{
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	(void)state;
	mk_opts_init(&o);
	o.measure = MK_SMD;
	mk_table *t = table_of("study,mean_t,sd_t,n_t,mean_c,sd_c,n_c\n"
	    "3,64,17,75,119,29,71\n");
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	assert_non_null(s);
	assert_int_equal(s->k, 1);
	assert_close(s->yi[0], -2.3176, 1e-4);
	assert_close(s->vi[0], 0.04581, 1e-3);
	mk_studies_free(s);
	mk_table_free(t);
}

/* MD, ROM, generic sei and a reported CI, by hand. */
static void
other_kinds(void **state)
{
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	(void)state;
	mk_opts_init(&o);
	mk_table *t = table_of("mean_t,sd_t,n_t,mean_c,sd_c,n_c\n"
	    "10,2,20,8,4,40\n");
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	assert_close(s->yi[0], 2, 1e-15);
	assert_close(s->vi[0], 4.0 / 20 + 16.0 / 40, 1e-15);
	mk_studies_free(s);
	o.measure = MK_ROM;
	s = mk_studies_from_table(t, &o, &w, &e);
	assert_close(s->yi[0], log(10.0 / 8), 1e-15);
	assert_close(s->vi[0], 4.0 / (20 * 100) + 16.0 / (40 * 64), 1e-15);
	mk_studies_free(s);
	mk_table_free(t);

	mk_opts_init(&o);
	t = table_of("yi,sei\n0.5,0.2\n");
	s = mk_studies_from_table(t, &o, &w, &e);
	assert_close(s->vi[0], 0.04, 1e-15);
	mk_studies_free(s);
	mk_table_free(t);

	o.measure = MK_OR;	/* OR 0.40 (0.25-0.65): logged */
	t = table_of("estimate,ci_low,ci_high\n0.40,0.25,0.65\n");
	s = mk_studies_from_table(t, &o, &w, &e);
	assert_close(s->yi[0], log(0.40), 1e-15);
	double se = (log(0.65) - log(0.25)) / (2 * 1.959963984540054);
	assert_close(s->vi[0], se * se, 1e-12);
	mk_studies_free(s);
	mk_table_free(t);
	mk_warn_clear(&w);
}

/* Bad values stop with the column and line; missing ones skip the row. */
static void
validation(void **state)
{
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	(void)state;
	mk_opts_init(&o);
	mk_table *t = table_of("study,events_t,n_t,events_c,n_c\n"
	    "a,1,10,2,10\nb,,10,2,10\nc,12,10,2,10\n");
	assert_null(mk_studies_from_table(t, &o, &w, &e));
	assert_int_equal(e.line, 4);
	assert_string_equal(e.column, "events_t");
	assert_int_equal(w.n, 1);	/* row b skipped */
	mk_table_free(t);
	mk_warn_clear(&w);

	/* not numbers, or numbers whose squares and products would overflow
	 * or underflow later: an error at the cell, never a silent NA */
	const char *bad[] = { "NaN", "inf", "1e999", "1,5", "0x10", "abc",
	    "1e-400", "1e200", "-1e61", "1e-61", "4.9e-324" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char csv[128];
		snprintf(csv, sizeof(csv), "yi,vi\n0.1,\"%s\"\n", bad[i]);
		t = table_of(csv);
		assert_null(mk_studies_from_table(t, &o, &w, &e));
		assert_string_equal(e.column, "vi");
		assert_int_equal(e.line, 2);
		mk_table_free(t);
	}
	t = table_of("yi,vi\n0.1,-1\n");
	assert_null(mk_studies_from_table(t, &o, &w, &e));
	assert_non_null(strstr(e.msg, "positive"));
	mk_table_free(t);
	t = table_of("yi,vi\n0.1,1e-400\n");
	assert_null(mk_studies_from_table(t, &o, &w, &e));
	assert_null(strstr(e.msg, "positive"));
	assert_non_null(strstr(e.msg, "underflows"));
	mk_table_free(t);
	mk_warn_clear(&w);

	/* the words spreadsheets write for a missing value, in any case */
	const char *missing[] = { "NA", "na", "N/A", "n/a", "null", "NULL",
	    "#N/A", " NA " };
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		char csv[128];
		snprintf(csv, sizeof(csv), "yi,vi\n0.1,\"%s\"\n0.2,1\n",
		    missing[i]);
		t = table_of(csv);
		mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
		assert_non_null(s);
		assert_int_equal(s->k, 1);
		assert_int_equal(w.n, 1);
		mk_studies_free(s);
		mk_table_free(t);
		mk_warn_clear(&w);
	}
}

/* Every decimal reads exactly as strtod reads it (the fast path for
 * short decimals must agree bit for bit): 20,000 pseudo-random decimals
 * of 0 to 17 places and magnitudes 1e-9 to 1e6, plus hand-picked ones. */
static void
decimals_as_strtod(void **state)
{
	static const char *hand[] = { "0", "-0", "0.1", "1e-3", "123456789012345",
	    "1234567890123456", "0.000000000000000000000001", "9007199254740993",
	    "-17.25", "+3.5", "00012.5000", "2.2250738585072014e-59" };
	char *csv = malloc(2000000), *p = csv;
	unsigned long x = 12345;
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	(void)state;
	p += sprintf(p, "yi,vi\n");
	for (size_t i = 0; i < sizeof(hand) / sizeof(hand[0]); i++)
		p += sprintf(p, "%s,1\n", hand[i]);
	for (int i = 0; i < 20000; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		double v = (double)(x >> 11) / 9007199254740992.0 * 2 - 1;
		int places = (int)((x >> 3) % 18), mag = (int)((x >> 8) % 16) - 9;
		p += sprintf(p, "%.*f,1\n", places, v * pow(10, mag));
	}
	mk_table *t = mk_table_parse("d.csv", csv, (size_t)(p - csv), &e);
	assert_non_null(t);
	mk_opts_init(&o);
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	assert_non_null(s);
	for (size_t i = 0; i < s->k; i++) {
		double want = strtod(mk_table_cell(t, s->row[i], 0), NULL);
		if (memcmp(&want, &s->yi[i], sizeof(double)) != 0) {
			print_error("\"%s\" read as %.17g, strtod %.17g\n",
			    mk_table_cell(t, s->row[i], 0), s->yi[i], want);
			fail();
		}
	}
	mk_studies_free(s);
	mk_table_free(t);
	free(csv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(or_plain),
		cmocka_unit_test(or_zero_cell),
		cmocka_unit_test(double_zero),
		cmocka_unit_test(rr_rd),
		cmocka_unit_test(hedges_j),
		cmocka_unit_test(smd_normand),
		cmocka_unit_test(other_kinds),
		cmocka_unit_test(validation),
		cmocka_unit_test(decimals_as_strtod),
	};
	return cmocka_run_group_tests_name("effect", tests, NULL, NULL);
}
