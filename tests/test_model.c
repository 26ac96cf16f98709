/* test_model.c: the linear-model core. The traces and quadratic forms
 * of wls.c against the k-by-k matrices they avoid, and the property that
 * rescaling y by c and v by c^2 leaves z, p, I2, H2 and R2 unchanged (to
 * 1e-9 relative) for every estimator, with and without moderators. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fit/internal.h"
#include "base/internal.h"

/* Raudenbush (1984) teacher expectancy, as R metadat dat.raudenbush1985:
 * yi, vi and weeks of prior contact. */
static const double rb_y[] = { 0.03, 0.12, -0.14, 1.18, 0.26, -0.06, -0.02,
    -0.32, 0.27, 0.80, 0.54, 0.18, -0.02, 0.23, -0.18, -0.06, 0.30, 0.07,
    -0.07 };
static const double rb_v[] = { 0.0156, 0.0216, 0.0279, 0.1391, 0.1362,
    0.0106, 0.0106, 0.0484, 0.0269, 0.0633, 0.0915, 0.0494, 0.0493, 0.0449,
    0.0105, 0.0118, 0.0402, 0.0212, 0.0269 };
static const double rb_w[] = { 2, 21, 19, 0, 0, 3, 3, 17, 24, 0, 0, 1, 0,
    0, 2, 2, 1, 17, 7 };

/* BCG trials (Colditz et al. 1994, metadat dat.bcg): tpos, tneg, cpos,
 * cneg and absolute latitude. */
static const double bcg[][5] = {
	{ 4, 119, 11, 128, 44 }, { 6, 300, 29, 274, 55 },
	{ 3, 228, 11, 209, 42 }, { 62, 13536, 248, 12619, 52 },
	{ 33, 5036, 47, 5761, 13 }, { 180, 1361, 372, 1079, 44 },
	{ 8, 2537, 10, 619, 19 }, { 505, 87886, 499, 87892, 13 },
	{ 29, 7470, 45, 7232, 27 }, { 17, 1699, 65, 1600, 42 },
	{ 186, 50448, 141, 27197, 18 }, { 5, 2493, 3, 2338, 33 },
	{ 27, 16886, 29, 17825, 33 }
};

/* P = W - W X (X'WX)^-1 X'W built densely, against mk_wls_at. */
static void
traces_match_dense(void **state)
{
	(void)state;
	enum { K = 6, P = 3 };
	double y[K] = { 0.3, -0.1, 0.8, 0.2, 0.5, -0.4 };
	double v[K] = { 0.1, 0.2, 0.05, 0.3, 0.15, 0.25 };
	double x[K * P] = { 1, 2, 0, 1, 5, 1, 1, 1, 0, 1, 7, 1, 1, 3, 0,
	    1, 4, 1 };
	double tau2 = 0.07, w[K], A[P][P] = { { 0 } }, Ai[P][P], Pm[K][K];
	mk_design d = { K, P, y, v, x, NULL };
	mk_wls s;

	for (int i = 0; i < K; i++)
		w[i] = 1 / (v[i] + tau2);
	for (int a = 0; a < P; a++)	/* X'WX */
		for (int b = 0; b < P; b++)
			for (int i = 0; i < K; i++)
				A[a][b] += x[i * P + a] * w[i] * x[i * P + b];
	/* inverse of the 3x3 by cofactors */
	double det = A[0][0] * (A[1][1] * A[2][2] - A[1][2] * A[2][1]) -
	    A[0][1] * (A[1][0] * A[2][2] - A[1][2] * A[2][0]) +
	    A[0][2] * (A[1][0] * A[2][1] - A[1][1] * A[2][0]);
	for (int a = 0; a < P; a++)
		for (int b = 0; b < P; b++) {
			int r0 = (b + 1) % 3, r1 = (b + 2) % 3;
			int c0 = (a + 1) % 3, c1 = (a + 2) % 3;
			Ai[a][b] = (A[r0][c0] * A[r1][c1] - A[r0][c1] *
			    A[r1][c0]) / det;
		}
	for (int i = 0; i < K; i++)
		for (int j = 0; j < K; j++) {
			double q = 0;
			for (int a = 0; a < P; a++)
				for (int b = 0; b < P; b++)
					q += x[i * P + a] * Ai[a][b] *
					    x[j * P + b];
			Pm[i][j] = (i == j ? w[i] : 0) - w[i] * q * w[j];
		}
	double trp = 0, trpp = 0, rss = 0, ypp = 0, Py[K] = { 0 };
	for (int i = 0; i < K; i++) {
		trp += Pm[i][i];
		for (int j = 0; j < K; j++) {
			trpp += Pm[i][j] * Pm[j][i];
			Py[i] += Pm[i][j] * y[j];
		}
	}
	for (int i = 0; i < K; i++) {
		rss += y[i] * Py[i];
		ypp += Py[i] * Py[i];
	}
	assert_int_equal(mk_wls_init(&s, P), 0);
	assert_int_equal(mk_wls_at(&d, tau2, &s, MK_WLS_TRACES), 0);
	assert_close(s.trp, trp, 1e-12);
	assert_close(s.trpp, trpp, 1e-12);
	assert_close(s.rss, rss, 1e-12);
	assert_close(s.ypp, ypp, 1e-12);
	assert_close(s.logdet, log(det), 1e-12);
	mk_wls_free(&s);
}

/* The statistics compared across scales: z and p of every coefficient,
 * I2, H2, R2 and QE, and tau2 with its interval, the coefficients and
 * their SEs brought back to scale 1 (tau2 / c^2, b / c). */
struct stats {
	double z[2], p[2], b[2], se[2], i2, h2, r2, qe;
	double tau2, tau2_lo, tau2_hi;
	int capped;		/* a tau2 bound is metafor's search end */
	size_t p_n;
};

/* Fits the data scaled by c (y c, v c^2) with method m, with the
 * moderator column or not, through the whole pipeline from CSV text. */
static void
fit_scaled(const double *y, const double *v, const double *mod, size_t k,
    double c, mk_method m, int with_mod, struct stats *st)
{
	size_t cap = 80 * (k + 1);
	char *csv = malloc(cap);
	size_t len = (size_t)snprintf(csv, cap, "study,yi,vi,m\n");
	mk_opts o;
	mk_err e;
	mk_warn w = { 0 };

	for (size_t i = 0; i < k; i++)
		len += (size_t)snprintf(csv + len, cap - len, "s%zu,%.17g,%.17g,"
		    "%.17g\n", i, y[i] * c, v[i] * c * c, mod[i]);
	mk_table *t = mk_table_parse("t.csv", csv, len, &e);
	assert_non_null(t);
	mk_opts_init(&o);
	o.method = m;
	mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
	if (s == NULL)
		print_error("c = %g: %s\n", c, e.msg);
	assert_non_null(s);
	memset(st, 0, sizeof(*st));
	if (with_mod) {
		const char *mods[] = { "m" };
		mk_regspec spec = { .mods = mods, .nmods = 1, .seed = 1 };
		mk_metareg *r = mk_metareg_run(t, s, &o, &spec, &w, &e);
		if (r == NULL)
			print_error("c = %g: %s\n", c, e.msg);
		assert_non_null(r);
		st->p_n = r->p;
		for (size_t j = 0; j < r->p; j++) {
			st->z[j] = r->fit.stat[j];
			st->p[j] = r->fit.pval[j];
			st->b[j] = r->fit.b[j] / c;
			st->se[j] = r->fit.se[j] / c;
		}
		st->i2 = r->fit.i2;
		st->h2 = r->fit.h2;
		st->r2 = r->r2;
		st->qe = r->fit.qe;
		st->tau2 = r->fit.tau2 / c / c;
		st->tau2_lo = r->fit.tau2_lo / c / c;
		st->tau2_hi = r->fit.tau2_hi / c / c;
		st->capped = r->fit.tau2_capped;
		mk_metareg_free(r);
	} else {
		mk_fit f;
		assert_int_equal(mk_fit_run(s, &o, &f, &w, &e), 0);
		st->p_n = 1;
		st->z[0] = f.stat;
		st->p[0] = f.p;
		st->b[0] = f.est / c;
		st->se[0] = f.se / c;
		st->i2 = f.i2;
		st->h2 = f.h2;
		st->r2 = NAN;
		st->qe = f.q;
		st->tau2 = f.tau2 / c / c;
		st->tau2_lo = f.tau2_lo / c / c;
		st->tau2_hi = f.tau2_hi / c / c;
		st->capped = f.tau2_capped;
		mk_fit_free(&f);
	}
	mk_studies_free(s);
	mk_table_free(t);
	mk_warn_clear(&w);
	free(csv);
}

static void
same_or_both_nan(double got, double want, const char *what, mk_method m,
    double c, int mods)
{
	if (isnan(want) && isnan(got))
		return;
	double tol = want == 0 ? 1e-12 : 1e-9 * fabs(want);
	if (!(fabs(got - want) <= tol)) {
		print_error("%s with %s, c = %g, %s moderator: %.17g, want "
		    "%.17g\n", what, mk_method_get(m)->name, c, mods ? "with" :
		    "without", got, want);
		fail();
	}
}

/* The scales c the data can be taken to: every y c and v c^2 within the
 * range metak accepts (0, or 1e-60 to 1e60 in magnitude): each power of
 * ten from 1e-30 to 1e30 in that range and its two ends. */
static size_t
accepted_scales(const double *y, const double *v, size_t k, double *c,
    size_t max)
{
	double lo = 0, hi = INFINITY;
	size_t n = 0;

	for (size_t i = 0; i < k; i++) {	/* y c and v c^2 in range */
		lo = fmax(lo, sqrt(1e-60 / v[i]));
		hi = fmin(hi, sqrt(1e60 / v[i]));
		if (y[i] != 0) {
			lo = fmax(lo, 1e-60 / fabs(y[i]));
			hi = fmin(hi, 1e60 / fabs(y[i]));
		}
	}
	lo *= 1 + 1e-9;
	hi *= 1 - 1e-9;
	c[n++] = lo;
	for (int e = -30; e <= 30 && n + 1 < max; e++) {
		double x = pow(10, e);
		if (x > lo && x < hi)
			c[n++] = x;
	}
	c[n++] = hi;
	return n;
}

/* Rescaling y by c and v by c^2 leaves z, p, I2, H2, R2 and QE as they
 * were and rescales tau2 (and its interval) by c^2 and the coefficients
 * and their SEs by c, for every estimator, at every scale metak accepts.
 * (A Q-profile bound at metafor's search end max(100, 10 tau2), flagged
 * and warned about, is metafor's convention and not compared.) */
static void
scale_invariance(const double *y, const double *v, const double *mod,
    size_t k)
{
	static const mk_method methods[] = { MK_FE, MK_DL, MK_HE, MK_HS,
	    MK_SJ, MK_PM, MK_EB, MK_ML, MK_REML };
	double scales[80];
	size_t ns = accepted_scales(y, v, k, scales, 80);

	for (size_t mi = 0; mi < sizeof(methods) / sizeof(methods[0]); mi++)
		for (int mods = 0; mods < 2; mods++) {
			struct stats ref, got;
			fit_scaled(y, v, mod, k, 1, methods[mi], mods, &ref);
			for (size_t si = 0; si < ns; si++) {
				double c = scales[si];
				mk_method me = methods[mi];
				fit_scaled(y, v, mod, k, c, me, mods, &got);
				for (size_t j = 0; j < ref.p_n; j++) {
					same_or_both_nan(got.z[j], ref.z[j], "z",
					    me, c, mods);
					same_or_both_nan(got.p[j], ref.p[j], "p",
					    me, c, mods);
					same_or_both_nan(got.b[j], ref.b[j],
					    "b / c", me, c, mods);
					same_or_both_nan(got.se[j], ref.se[j],
					    "se / c", me, c, mods);
				}
				same_or_both_nan(got.i2, ref.i2, "I2", me, c,
				    mods);
				same_or_both_nan(got.h2, ref.h2, "H2", me, c,
				    mods);
				same_or_both_nan(got.r2, ref.r2, "R2", me, c,
				    mods);
				same_or_both_nan(got.qe, ref.qe, "QE", me, c,
				    mods);
				same_or_both_nan(got.tau2, ref.tau2,
				    "tau2 / c^2", me, c, mods);
				if (got.capped || ref.capped)
					continue;	/* metafor's absolute end */
				same_or_both_nan(got.tau2_lo, ref.tau2_lo,
				    "tau2_lo / c^2", me, c, mods);
				same_or_both_nan(got.tau2_hi, ref.tau2_hi,
				    "tau2_hi / c^2", me, c, mods);
			}
		}
}

static void
scale_raudenbush(void **state)
{
	(void)state;
	scale_invariance(rb_y, rb_v, rb_w, sizeof(rb_y) / sizeof(rb_y[0]));
}

/* log risk ratios of the BCG trials (escalc's), latitude as moderator */
static void
scale_bcg(void **state)
{
	enum { K = sizeof(bcg) / sizeof(bcg[0]) };
	double y[K], v[K], lat[K];

	(void)state;
	for (size_t i = 0; i < K; i++) {
		assert_int_equal(mk_effect_2x2(MK_RR, bcg[i][0], bcg[i][1],
		    bcg[i][2], bcg[i][3], 0.5, MK_CC_ONLY0, &y[i], &v[i]), 0);
		lat[i] = bcg[i][4];
	}
	scale_invariance(y, v, lat, K);
}

/* Risk differences of 1e-3 (the issue that made convergence relative):
 * PM, REML and the others agree with the same data in per-mille units. */
static void
scale_small_rd(void **state)
{
	double y[] = { 0.0012, -0.0004, 0.0031, 0.0009, 0.0020, -0.0011,
	    0.0026, 0.0005 };
	double v[] = { 4e-7, 9e-7, 2.5e-7, 6e-7, 3e-7, 8e-7, 5e-7, 7e-7 };
	double m[] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)state;
	scale_invariance(y, v, m, sizeof(y) / sizeof(y[0]));
}

static double
cubic_down(double x, void *p)
{
	double u = x / *(const double *)p;
	return 1 - u * u * u;
}

/* The bracketed root of a decreasing function is found to its relative
 * tolerance at any scale (an absolute 1e-18 part once returned any point
 * of a bracket of values below 1e-18). */
static void
root_decreasing_relative(void **state)
{
	(void)state;
	for (int e = -50; e <= 50; e += 10) {
		double r = 3.7 * pow(10, e), got;
		int it;
		assert_int_equal(mk_root_decreasing(cubic_down, &r, r / 5, 200,
		    1e-12, &got, &it), 0);
		assert_close(got, r, 1e-11);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(traces_match_dense),
		cmocka_unit_test(scale_raudenbush),
		cmocka_unit_test(scale_bcg),
		cmocka_unit_test(scale_small_rd),
		cmocka_unit_test(root_decreasing_relative),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
