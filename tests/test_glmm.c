/* test_glmm.c: the pieces of --glmm against independent computations:
 * Gauss-Hermite rules on moments, the non-central hypergeometric log-pmf,
 * mean and variance against direct sums (and a table of 10^5 without
 * overflow), each study's adaptive quadrature against GSL's adaptive
 * integration, gradients and Hessians against finite differences, and
 * the profiled SE against the inverse of the full information. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>

#include "check.h"
#include "fit/internal.h"

/* int x^(2m) exp(-x^2) = Gamma(m + 1/2) for m below the rule's n. */
static void
gh_moments(void **state)
{
	const double *x, *lw;
	size_t sizes[] = { 1, 7, 24, 48, 72, 96, 192 };

	(void)state;
	for (size_t t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
		size_t n = sizes[t];
		assert_int_equal(mk_gh_rule(n, &x, &lw), 0);
		for (int m = 0; m < 6 && (size_t)m < n; m++) {
			long double s = 0;
			for (size_t j = 0; j < n; j++)	/* weights are lw - x^2 */
				s += expl(lw[j] - x[j] * x[j]) * powl(x[j],
				    2 * m);
			assert_close((double)s, tgamma(m + 0.5), 1e-12);
		}
	}
	assert_int_equal(mk_gh_rule(0, &x, &lw), -1);
	assert_int_equal(mk_gh_rule(MK_GH_MAX + 1, &x, &lw), -1);
}

/* The pmf by its definition, every term from lgamma, in long double. */
static void
nchg_direct(double n1, double n2, double m, double a, double th,
    double *lp, double *mean, double *var)
{
	double lo = fmax(0, m - n2), hi = fmin(n1, m);
	long double mx = -INFINITY, s0 = 0, s1 = 0, s2 = 0, la = 0;

	for (double j = lo; j <= hi; j++) {
		long double t = lgammal(n1 + 1) - lgammal(j + 1) - lgammal(n1 -
		    j + 1) + lgammal(n2 + 1) - lgammal(m - j + 1) - lgammal(n2 -
		    m + j + 1) + th * j;
		if (t > mx)
			mx = t;
		if (j == a)
			la = t;
	}
	for (double j = lo; j <= hi; j++) {
		long double t = lgammal(n1 + 1) - lgammal(j + 1) - lgammal(n1 -
		    j + 1) + lgammal(n2 + 1) - lgammal(m - j + 1) - lgammal(n2 -
		    m + j + 1) + th * j, e = expl(t - mx);
		s0 += e;
		s1 += e * j;
		s2 += e * j * j;
	}
	*lp = (double)(la - mx - logl(s0));
	*mean = (double)(s1 / s0);
	*var = (double)(s2 / s0 - (s1 / s0) * (s1 / s0));
}

static void
nchg_sums(void **state)
{
	static const double tab[][4] = {	/* n1, n2, m, a */
		{ 123, 139, 15, 4 }, { 20, 5, 12, 9 }, { 10, 10, 20, 10 },
		{ 7, 30, 3, 0 }, { 7, 30, 3, 3 }, { 1, 1, 1, 1 },
		{ 300, 250, 400, 210 },
	};
	static const double th[] = { -6, -1.3, 0, 0.4, 2.5, 9 };

	(void)state;
	for (size_t t = 0; t < sizeof(tab) / sizeof(tab[0]); t++) {
		mk_nchg h;
		assert_int_equal(mk_nchg_init(&h, tab[t][0], tab[t][1],
		    tab[t][2], tab[t][3]), 0);
		for (size_t j = 0; j < sizeof(th) / sizeof(th[0]); j++) {
			double lp, m, v, lp0, m0, v0;
			lp = mk_nchg_eval(&h, th[j], &m, &v);
			nchg_direct(tab[t][0], tab[t][1], tab[t][2], tab[t][3],
			    th[j], &lp0, &m0, &v0);
			assert_true(fabs(lp - lp0) <= 1e-11 * fmax(1, fabs(lp0)));
			assert_true(fabs(m - m0) <= 1e-11 * fmax(1, fabs(m0)));
			assert_true(fabs(v - v0) <= 1e-9 * fmax(1e-3, v0));
		}
		mk_nchg_free(&h);
	}
	mk_nchg h;	/* outside the support, negative margins */
	assert_int_equal(mk_nchg_init(&h, 5, 5, 3, 4), -1);
	assert_int_equal(mk_nchg_init(&h, 5, -1, 3, 1), -1);
	mk_nchg_free(NULL);
}

/* A trial of 10^5 participants with 6,000 events: finite, and the sums
 * equal the direct ones; log-pmf near the conditional MLE is that of a
 * near-normal distribution with the variance returned. */
static void
nchg_large(void **state)
{
	mk_nchg h;
	double lp, m, v, lp0, m0, v0;

	(void)state;
	assert_int_equal(mk_nchg_init(&h, 50000, 50000, 6000, 2700), 0);
	for (double th = -1; th <= 1; th += 0.25) {
		lp = mk_nchg_eval(&h, th, &m, &v);
		nchg_direct(50000, 50000, 6000, 2700, th, &lp0, &m0, &v0);
		assert_true(isfinite(lp) && isfinite(m) && isfinite(v));
		assert_true(fabs(lp - lp0) <= 1e-8 * fmax(1, fabs(lp0)));
		assert_close(m, m0, 1e-12);
		assert_close(v, v0, 1e-9);
	}
	lp = mk_nchg_eval(&h, 50, &m, &v);	/* far out: no overflow */
	assert_true(isfinite(lp) && lp < -1e4);
	mk_nchg_free(&h);
}

/* ---- a study's integral against adaptive integration -------------------- */

struct integrand {
	mk_gstudy *s;
	const double *psi;
	double z2;	/* UM.RS: the second effect, for the inner integral */
	double shift;	/* taken off the log-integrand (no underflow) */
};

static double
arm_logpmf(const mk_garm *a, double eta)
{
	if (a->fam == MK_GF_BINOM)
		return a->lc + a->x * eta - a->n * (eta > 0 ? eta + log1p(exp(
		    -eta)) : log1p(exp(eta)));
	if (a->fam == MK_GF_POIS)
		return a->lc + a->x * eta - exp(eta);
	return mk_nchg_eval(a->h, eta, NULL, NULL);
}

/* The integrand at z (one effect) or (z, z2): prod pmf phi(z) [phi(z2)]. */
static double
integrand(double z, void *ud)
{
	struct integrand *I = ud;
	mk_gstudy *s = I->s;
	double l = -0.5 * z * z - 0.5 * MK_LOG_2PI;
	double zz[2] = { z, I->z2 };

	if (s->q == 2)
		l += -0.5 * I->z2 * I->z2 - 0.5 * MK_LOG_2PI;
	for (int a = 0; a < s->na; a++) {
		double eta = s->arm[a].off;
		for (int p = 0; p < MK_GLMM_NP; p++)
			eta += s->arm[a].X[p] * I->psi[p];
		for (int r = 0; r < s->q; r++)
			eta += s->arm[a].Z[r] * I->psi[s->sidx[r]] * zz[r];
		l += arm_logpmf(&s->arm[a], eta);
	}
	return exp(l - I->shift);
}

/* int fn over [-L, L] as a sum of adaptive 61-point Gauss-Kronrod
 * integrals over pieces of width w (a narrow peak anywhere is found),
 * each to relative rel; the integrands here are negligible beyond. */
static double
pieces(double (*fn)(double, void *), void *ud, double L, double w,
    double rel)
{
	gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
	gsl_function F = { fn, ud };
	long double s = 0;

	for (double x = -L; x < L - w / 2; x += w) {
		double r, e;
		assert_int_equal(gsl_integration_qag(&F, x, x + w, 0, rel, 200,
		    GSL_INTEG_GAUSS61, ws, &r, &e), 0);
		s += r;
	}
	gsl_integration_workspace_free(ws);
	return (double)s;
}

static double
qagi(double (*fn)(double, void *), void *ud, double rel)
{
	return pieces(fn, ud, 60, 0.25, rel);
}

/* UM.RS: the outer integral over z2 of the inner one over z. */
static double
outer(double z2, void *ud)
{
	struct integrand I = *(struct integrand *)ud;

	I.z2 = z2;
	return pieces(integrand, &I, 12, 1, 1e-13);
}

static double
lchoose(double n, double x)
{
	return lgamma(n + 1) - lgamma(x + 1) - lgamma(n - x + 1);
}

static void
binom_arm(mk_garm *a, double x, double n, double off)
{
	memset(a, 0, sizeof(*a));
	a->fam = MK_GF_BINOM;
	a->x = x;
	a->n = n;
	a->off = off;
	a->lc = lchoose(n, x);
}

/* UM.FS study (alpha, beta, tau), treatment +u/2, control -u/2. */
static void
umfs_study(mk_gstudy *s, double a, double n1, double c, double n2)
{
	memset(s, 0, sizeof(*s));
	s->na = 2;
	s->q = 1;
	s->sidx[0] = 2;
	binom_arm(&s->arm[0], a, n1, 0);
	binom_arm(&s->arm[1], c, n2, 0);
	s->arm[0].X[0] = s->arm[0].X[1] = s->arm[1].X[0] = 1;
	s->arm[0].Z[0] = 0.5;
	s->arm[1].Z[0] = -0.5;
}

static void
quadrature_vs_adaptive(void **state)
{
	static const double tabs[][4] = {	/* a, n1, c, n2 */
		{ 4, 123, 11, 139 }, { 0, 116, 3, 117 }, { 62, 13598, 248,
		12867 }, { 1, 5, 0, 300 }, { 20, 20, 1, 40 },
	};
	static const double psis[][3] = {	/* alpha, beta, tau */
		{ -2.5, -0.7, 0.54 }, { -4, -1.5, 2.5 }, { -3.9, -0.4, 0.05 },
		{ -1, 0.3, 6 },
	};
	mk_gwork w;
	mk_gstudy s;

	(void)state;
	assert_int_equal(mk_gwork_init(&w, 1, 48), 0);
	for (size_t t = 0; t < sizeof(tabs) / sizeof(tabs[0]); t++)
		for (size_t p = 0; p < sizeof(psis) / sizeof(psis[0]); p++) {
			double psi[MK_GLMM_NP] = { psis[p][0], psis[p][1],
			    psis[p][2] }, ll;
			umfs_study(&s, tabs[t][0], tabs[t][1], tabs[t][2],
			    tabs[t][3]);
			assert_int_equal(mk_gstudy_eval(&s, psi, 3, &w, &ll, NULL,
			    NULL), 0);
			struct integrand I = { &s, psi, 0, round(ll) };
			double ref = I.shift + log(qagi(integrand, &I, 1e-13));
			assert_true(fabs(ll - ref) <= 1e-10 * fmax(1, fabs(ref)));
		}
	mk_gwork_free(&w);

	/* far from the maximum too: the rule stays exact (Newton's steps
	 * capped) */
	umfs_study(&s, 62, 13598, 248, 12867);
	assert_int_equal(mk_gwork_init(&w, 1, 48), 0);
	double far[MK_GLMM_NP] = { -57, -40, 30 }, lf;
	assert_int_equal(mk_gstudy_eval(&s, far, 3, &w, &lf, NULL, NULL), 0);
	struct integrand If = { &s, far, 0, round(lf) };
	double rf = If.shift + log(pieces(integrand, &If, 60, 0.05, 1e-13));
	assert_true(fabs(lf - rf) <= 1e-10 * fabs(rf));
	mk_gwork_free(&w);

	/* CM.EL: the exact table pmf against N(beta, tau2) */
	mk_nchg h;
	assert_int_equal(mk_nchg_init(&h, 208, 195, 11, 2), 0);
	memset(&s, 0, sizeof(s));
	s.na = 1;
	s.q = 1;
	s.sidx[0] = 1;
	s.arm[0].fam = MK_GF_NCHG;
	s.arm[0].x = 2;
	s.arm[0].h = &h;
	s.arm[0].X[0] = 1;
	s.arm[0].Z[0] = 1;
	assert_int_equal(mk_gwork_init(&w, 1, 48), 0);
	for (double tau = 0.1; tau < 5; tau *= 2.5) {
		double psi[MK_GLMM_NP] = { -1.2, tau }, ll;
		assert_int_equal(mk_gstudy_eval(&s, psi, 2, &w, &ll, NULL, NULL),
		    0);
		struct integrand I = { &s, psi, 0, round(ll) };
		assert_close(ll, I.shift + log(qagi(integrand, &I, 1e-13)),
		    1e-10);
	}
	mk_gwork_free(&w);
	mk_nchg_free(&h);

	/* UM.RS: two effects, 24 x 24 points, against nested qagi */
	memset(&s, 0, sizeof(s));
	s.na = 2;
	s.q = 2;
	s.sidx[0] = 2;
	s.sidx[1] = 3;
	binom_arm(&s.arm[0], 3, 60, 0);
	binom_arm(&s.arm[1], 9, 70, 0);
	s.arm[0].X[0] = s.arm[0].X[1] = s.arm[1].X[1] = 1;
	s.arm[0].Z[0] = s.arm[1].Z[0] = 1;
	s.arm[0].Z[1] = 0.5;
	s.arm[1].Z[1] = -0.5;
	assert_int_equal(mk_gwork_init(&w, 2, 24), 0);
	double psi[MK_GLMM_NP] = { -0.8, -2.1, 1.3, 0.7 }, ll;
	assert_int_equal(mk_gstudy_eval(&s, psi, 4, &w, &ll, NULL, NULL), 0);
	struct integrand I = { &s, psi, 0, round(ll) };
	assert_close(ll, I.shift + log(pieces(outer, &I, 12, 1, 1e-12)),
	    1e-10);
	mk_gwork_free(&w);
}

/* Gradient and Hessian against central differences of the log-likelihood
 * and of the gradient. */
static void
derivatives(void **state)
{
	mk_gwork w;
	mk_gstudy s;
	double psi[MK_GLMM_NP] = { -2.5, -0.7, 0.54 };
	double ll, g[MK_GLMM_NP], H[MK_GLMM_NP * MK_GLMM_NP];

	(void)state;
	assert_int_equal(mk_gwork_init(&w, 1, 48), 0);
	umfs_study(&s, 4, 123, 11, 139);
	assert_int_equal(mk_gstudy_eval(&s, psi, 3, &w, &ll, g, H), 0);
	for (int p = 0; p < 3; p++) {
		double h = 1e-5, pp[MK_GLMM_NP], pm[MK_GLMM_NP], lp, lm;
		double gp[MK_GLMM_NP], gm[MK_GLMM_NP], Hx[9];
		memcpy(pp, psi, sizeof(pp));
		memcpy(pm, psi, sizeof(pm));
		pp[p] += h;
		pm[p] -= h;
		assert_int_equal(mk_gstudy_eval(&s, pp, 3, &w, &lp, gp, Hx), 0);
		assert_int_equal(mk_gstudy_eval(&s, pm, 3, &w, &lm, gm, Hx), 0);
		assert_true(fabs((lp - lm) / (2 * h) - g[p]) <= 1e-7 *
		    fmax(1, fabs(g[p])));
		for (int q = 0; q < 3; q++)
			assert_true(fabs((gp[q] - gm[q]) / (2 * h) - H[q * 3 + p])
			    <= 1e-6 * fmax(1, fabs(H[q * 3 + p])));
	}
	mk_gwork_free(&w);
}

/* The SE of the profiled fit equals sqrt of the beta element of the
 * inverse of the full (k + 2) x (k + 2) information assembled from the
 * studies' blocks at the maximum. */
static void
profile_se(void **state)
{
	static const double tab[][4] = { { 4, 123, 11, 139 }, { 6, 306, 29,
	    303 }, { 3, 231, 11, 220 }, { 62, 13598, 248, 12867 }, { 33, 5069,
	    47, 5808 } };
	size_t k = 5, n = k + 2;
	mk_gprob P;
	double th[MK_GLMM_NP] = { -0.5, 0.5 }, ll, vb[MK_GLMM_NP *
	    MK_GLMM_NP];
	int iters;

	(void)state;
	memset(&P, 0, sizeof(P));
	P.k = k;
	P.ps = 2;
	P.scale[1] = 1;
	P.st = calloc(k, sizeof(mk_gstudy));
	P.has_a = malloc(k);
	P.alpha = calloc(k, sizeof(double));
	assert_int_equal(mk_gwork_init(&P.w, 1, 48), 0);
	for (size_t i = 0; i < k; i++) {
		umfs_study(&P.st[i], tab[i][0], tab[i][1], tab[i][2], tab[i][3]);
		P.has_a[i] = 1;
		P.alpha[i] = -3;
	}
	assert_int_equal(mk_gprob_fit(&P, th, 100, &ll, vb, &iters), 0);
	assert_true(th[1] > 0);
	gsl_matrix *I = gsl_matrix_calloc(n, n);
	for (size_t i = 0; i < k; i++) {	/* -H: alpha_i, beta, tau */
		double psi[3] = { P.alpha[i], th[0], th[1] }, l, g[3], H[9];
		size_t ix[3] = { 2 + i, 0, 1 };
		assert_int_equal(mk_gstudy_eval(&P.st[i], psi, 3, &P.w, &l, g,
		    H), 0);
		assert_true(fabs(g[0]) < 1e-8);
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++)
				*gsl_matrix_ptr(I, ix[a], ix[b]) -= H[a * 3 + b];
	}
	gsl_permutation *perm = gsl_permutation_alloc(n);
	gsl_matrix *inv = gsl_matrix_alloc(n, n);
	int sign;
	gsl_linalg_LU_decomp(I, perm, &sign);
	gsl_linalg_LU_invert(I, perm, inv);
	assert_close(vb[0], gsl_matrix_get(inv, 0, 0), 1e-10);
	assert_close(vb[3], gsl_matrix_get(inv, 1, 1), 1e-10);
	gsl_matrix_free(I);
	gsl_matrix_free(inv);
	gsl_permutation_free(perm);
	free(P.st);
	free(P.has_a);
	free(P.alpha);
	mk_gwork_free(&P.w);
}

static mk_studies *
studies(const char *csv, mk_glmm g, mk_measure m, mk_warn *w, mk_err *e)
{
	mk_opts o;
	mk_table *t = table_of(csv);

	mk_opts_init(&o);
	o.glmm = g;
	o.measure = m;
	mk_studies *s = mk_studies_from_table(t, &o, w, e);
	mk_table_free(t);
	return s;
}

/* Reading: double-zero studies left out with a warning; counts that are
 * not whole numbers, or a measure the model does not fit, are errors. */
static void
reading(void **state)
{
	mk_warn w = { 0 };
	mk_err e;
	mk_studies *s;

	(void)state;
	s = studies("study,events_t,n_t,events_c,n_c\nA,0,10,0,12\n"
	    "B,1,10,3,12\nC,10,10,12,12\nD,2,20,1,20\n", MK_GLMM_UMFS, MK_OR,
	    &w, &e);
	assert_non_null(s);
	assert_int_equal(s->k, 2);
	assert_int_equal(w.n, 2);
	assert_non_null(strstr(w.msg[0], "\"A\""));
	assert_non_null(strstr(w.msg[1], "\"C\""));
	mk_studies_free(s);
	mk_warn_clear(&w);
	s = studies("events_t,n_t,events_c,n_c\n1.5,10,3,12\n", MK_GLMM_CMEL,
	    MK_OR, &w, &e);
	assert_null(s);
	assert_string_equal(e.column, "events_t");
	s = studies("events,n\n1,10\n", MK_GLMM_UMFS, MK_PLO, &w, &e);
	assert_null(s);
	assert_int_equal(e.usage, 1);
	s = studies("events_t,time_t,events_c,time_c\n0,10.5,0,12\n"
	    "2,10.5,1,12\n", MK_GLMM_UMRS, MK_IRR, &w, &e);
	assert_non_null(s);
	assert_int_equal(s->k, 1);
	mk_studies_free(s);
	mk_warn_clear(&w);
}

/* Whole fits: k = 2, a flat likelihood and an infinite estimate are
 * errors or warnings, never numbers without a word. */
static void
fits(void **state)
{
	mk_warn w = { 0 };
	mk_err e;
	mk_opts o;
	mk_fit f;
	mk_studies *s;

	(void)state;
	mk_opts_init(&o);
	o.method = MK_ML;
	o.glmm = MK_GLMM_CMEL;
	s = studies("events_t,n_t,events_c,n_c\n0,50,4,50\n0,40,2,45\n",
	    MK_GLMM_CMEL, MK_OR, &w, &e);
	assert_non_null(s);
	assert_int_equal(mk_fit_run(s, &o, &f, &w, &e), -1);
	assert_non_null(strstr(e.msg, "-infinity"));
	mk_fit_free(&f);
	mk_studies_free(s);
	s = studies("events,n\n0,10\n0,20\n", MK_GLMM_BN, MK_PLO, &w, &e);
	assert_non_null(s);
	o.glmm = MK_GLMM_BN;
	assert_int_equal(mk_fit_run(s, &o, &f, &w, &e), -1);
	assert_non_null(strstr(e.msg, "no study has any event"));
	mk_fit_free(&f);
	mk_studies_free(s);
	/* k = 2, UM.FS: the estimate, with tau2 >= 0 and a finite SE */
	o.glmm = MK_GLMM_UMFS;
	s = studies("events_t,n_t,events_c,n_c\n2,100,8,100\n9,120,10,115\n",
	    MK_GLMM_UMFS, MK_OR, &w, &e);
	assert_non_null(s);
	assert_int_equal(mk_fit_run(s, &o, &f, &w, &e), 0);
	assert_non_null(f.glmm);
	assert_true(f.tau2 >= 0 && f.se > 0 && isfinite(f.est));
	assert_int_equal(f.glmm->npar, 4);
	assert_int_equal(f.glmm->nobs, 4);
	mk_fit_free(&f);
	mk_studies_free(s);
	mk_warn_clear(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gh_moments),
		cmocka_unit_test(nchg_sums),
		cmocka_unit_test(nchg_large),
		cmocka_unit_test(quadrature_vs_adaptive),
		cmocka_unit_test(derivatives),
		cmocka_unit_test(profile_se),
		cmocka_unit_test(reading),
		cmocka_unit_test(fits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
