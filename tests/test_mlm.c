/* test_mlm.c: multilevel and cluster-robust fits under rescaling.
 * Multiplying every y by c and every v by c^2 must multiply the variance
 * components (and their profile intervals) by c^2, the coefficients and
 * their SEs by c, and leave z, p, the df, QM, QE and the likelihood ratio
 * statistics as they were, at every scale metak accepts (1e-30 to 1e30
 * where the data allow it): no threshold may be absolute. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fit/internal.h"

/* Konstantopoulos (2011), as R metadat dat.konstantopoulos2011: district,
 * school, year, yi, vi (the first 30 rows: 6 districts). */
static const char *const kon[] = {
	"11,1,1976,-0.18,0.118", "11,2,1976,-0.22,0.118",
	"11,3,1976,0.23,0.144", "11,4,1976,-0.3,0.144",
	"12,1,1989,0.13,0.014", "12,2,1989,-0.26,0.014",
	"12,3,1989,0.19,0.015", "12,4,1989,0.32,0.024",
	"18,1,1994,0.45,0.023", "18,2,1994,0.38,0.043",
	"18,3,1994,0.29,0.012", "27,1,1976,0.16,0.02",
	"27,2,1976,0.65,0.004", "27,3,1976,0.36,0.004",
	"27,4,1976,0.6,0.007", "56,1,1997,0.08,0.019",
	"56,2,1997,0.04,0.007", "56,3,1997,0.19,0.005",
	"56,4,1997,-0.06,0.004", "58,1,1976,-0.18,0.02",
	"58,2,1976,0,0.018", "58,3,1976,0,0.019",
	"58,4,1976,-0.28,0.022", "58,5,1976,-0.04,0.02",
	"58,6,1976,-0.3,0.021", "58,7,1976,0.07,0.006",
	"58,8,1976,0,0.007", "58,9,1976,0.05,0.007",
	"58,10,1976,-0.08,0.007", "58,11,1976,-0.09,0.007",
};
#define NKON (sizeof(kon) / sizeof(kon[0]))

/* What is compared across scales, brought back to scale 1. */
struct ml_stats {
	double b[2], se[2], z[2], p[2], df[2];
	double qm, qm_p, qe, sig[2], lo[2], hi[2], dev, i2[2], lrt[2];
	size_t p_n;
};

/* The data scaled by c, fitted with --random district/school, method m,
 * --mods year or not, --robust district (robust 1 CR1, 2 CR2) or not. */
static int
fit(double c, mk_method m, int mods, int robust, int levels,
    struct ml_stats *st)
{
	size_t cap = 96 * (NKON + 1), len;
	char *csv = malloc(cap);
	mk_opts o;
	mk_err e;
	mk_warn w = { 0 };

	len = (size_t)snprintf(csv, cap, "district,school,year,yi,vi\n");
	for (size_t i = 0; i < NKON; i++) {
		int d, s, yr;
		double y, v;
		assert_int_equal(sscanf(kon[i], "%d,%d,%d,%lf,%lf", &d, &s, &yr,
		    &y, &v), 5);
		len += (size_t)snprintf(csv + len, cap - len, "%d,%d,%d,%.17g,"
		    "%.17g\n", d, s, yr, y * c, v * c * c);
	}
	mk_table *t = mk_table_parse("t.csv", csv, len, &e);
	assert_non_null(t);
	mk_opts_init(&o);
	o.method = m;
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	if (s == NULL) {	/* out of the accepted range */
		mk_table_free(t);
		free(csv);
		return -1;
	}
	const char *mv[] = { "year" }, *rnd[] = { "district", "school" };
	mk_regspec reg = { .mods = mv, .nmods = mods ? 1 : 0, .seed = 1,
	    .robust = robust ? "district" : NULL, .robust_cr1 = robust == 1 };
	mk_mlspec spec = { rnd, 2, NAN, &reg };
	/* levels < 0: one tau2 (rma.uni) with its robust inference */
	mk_metareg *r = levels < 0 ? mk_metareg_run(t, s, &o, &reg, &w, &e) :
	    mk_mlm_run(t, s, &o, &spec, &w, &e);
	if (r == NULL)
		print_error("c = %g: %s\n", c, e.msg);
	assert_non_null(r);
	memset(st, 0, sizeof(*st));
	st->p_n = r->p;
	for (size_t j = 0; j < r->p; j++) {
		st->b[j] = r->fit.b[j] / c;
		st->se[j] = r->fit.se[j] / c;
		st->z[j] = r->fit.stat[j];
		st->p[j] = r->fit.pval[j];
		st->df[j] = r->fit.cdf[j];
	}
	st->qm = r->fit.qm;
	st->qm_p = r->fit.qm_p;
	st->qe = r->fit.qe;
	for (size_t l = 0; l < 2 && levels > 0; l++) {
		st->sig[l] = r->fit.comp[l].sigma2 / c / c;
		st->lo[l] = r->fit.comp[l].lo / c / c;
		st->hi[l] = r->fit.comp[l].hi / c / c;
		st->i2[l] = r->fit.comp[l].i2;
		st->lrt[l] = r->fit.comp[l].lrt;
	}
	if (levels < 0) {	/* tau2 and its Q-profile interval */
		st->sig[0] = r->fit.tau2 / c / c;
		st->lo[0] = r->fit.tau2_lo / c / c;
		st->hi[0] = r->fit.tau2_hi / c / c;
		st->sig[1] = st->lo[1] = st->hi[1] = 0;
		st->i2[0] = r->fit.i2;
		st->i2[1] = st->lrt[0] = st->lrt[1] = 0;
	}
	/* ML: the deviance; REML: -2 ll less its (k - p) log c^2 */
	st->dev = m == MK_ML ? r->fit.dev : r->fit.dev - ((double)r->k -
	    (double)r->p) * 2 * log(c);
	mk_metareg_free(r);
	mk_studies_free(s);
	mk_table_free(t);
	mk_warn_clear(&w);
	free(csv);
	return 0;
}

static void
close_or_nan(double got, double want, double rel, const char *what,
    double c, const char *how)
{
	if (isnan(want) && isnan(got))
		return;
	double tol = want == 0 ? rel : rel * fabs(want);
	if (!(fabs(got - want) <= tol)) {
		print_error("%s (%s), c = %g: %.17g, want %.17g\n", what, how, c,
		    got, want);
		fail();
	}
}

static void
invariant(mk_method m, int mods, int robust, int levels)
{
	struct ml_stats ref, got;
	char how[64];
	size_t tested = 0;

	snprintf(how, sizeof(how), "%s%s%s%s", mk_method_get(m)->name,
	    mods ? ", mods year" : "", robust == 2 ? ", CR2" : robust == 1 ?
	    ", CR1" : "", levels < 0 ? ", one tau2" : "");
	assert_int_equal(fit(1, m, mods, robust, levels, &ref), 0);
	for (int e = -30; e <= 30; e++) {
		double c = pow(10, e);
		if (fit(c, m, mods, robust, levels, &got) != 0)
			continue;
		tested++;
		for (size_t j = 0; j < ref.p_n; j++) {
			close_or_nan(got.b[j], ref.b[j], 1e-8, "b / c", c, how);
			close_or_nan(got.se[j], ref.se[j], 1e-8, "se / c", c, how);
			close_or_nan(got.z[j], ref.z[j], 1e-8, "z", c, how);
			close_or_nan(got.p[j], ref.p[j], 1e-8, "p", c, how);
			close_or_nan(got.df[j], ref.df[j], 1e-8, "df", c, how);
		}
		close_or_nan(got.qm, ref.qm, 1e-8, "QM", c, how);
		close_or_nan(got.qm_p, ref.qm_p, 1e-8, "QM p", c, how);
		close_or_nan(got.qe, ref.qe, 1e-8, "QE", c, how);
		close_or_nan(got.dev, ref.dev, 1e-8, "deviance", c, how);
		for (size_t l = 0; l < 2; l++) {
			close_or_nan(got.sig[l], ref.sig[l], 1e-8, "sigma2 / c^2",
			    c, how);
			close_or_nan(got.lo[l], ref.lo[l], 1e-6, "sigma2 CI low / "
			    "c^2", c, how);
			close_or_nan(got.hi[l], ref.hi[l], 1e-6, "sigma2 CI high / "
			    "c^2", c, how);
			close_or_nan(got.i2[l], ref.i2[l], 1e-8, "I2", c, how);
			close_or_nan(got.lrt[l], ref.lrt[l], 1e-6, "LRT", c, how);
		}
	}
	/* v from 0.004 to 0.144: c from about 1e-29 to 1e30 */
	assert_true(tested >= 55);
}

static void
scale_reml(void **state)
{
	(void)state;
	invariant(MK_REML, 0, 0, 2);
	invariant(MK_REML, 1, 0, 2);
}

static void
scale_ml(void **state)
{
	(void)state;
	invariant(MK_ML, 0, 0, 2);
	invariant(MK_ML, 1, 0, 2);
}

static void
scale_robust(void **state)
{
	(void)state;
	invariant(MK_REML, 0, 2, 2);
	invariant(MK_REML, 1, 2, 2);
	invariant(MK_REML, 1, 1, 2);
	invariant(MK_REML, 1, 2, -1);
	invariant(MK_DL, 1, 2, -1);
	invariant(MK_FE, 1, 1, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scale_reml),
		cmocka_unit_test(scale_ml),
		cmocka_unit_test(scale_robust),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
