/* test_network.c: network meta-analysis. The study-by-study GLS of
 * netfit.c against the dense computation it avoids (the whole V, X and
 * P), its REML score and information against finite differences of the
 * log-likelihood, REML's root, DL's formula; Ruecker's covariance of
 * contrast rows against arm rows of the same data; contrast rows that do
 * not add up fitted the same whichever arm is first. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "check.h"
#include "analyses/internal.h"

/* Six trials of four treatments, one three-arm and one four-arm: counts
 * invented, with enough heterogeneity for tau2 > 0. */
static const char arms_csv[] =
    "study,treatment,events,n\n"
    "S1,A,12,100\nS1,B,20,100\n"
    "S2,A,15,120\nS2,C,30,118\nS2,B,22,121\n"
    "S3,B,20,200\nS3,C,60,190\n"
    "S4,A,5,60\nS4,D,14,62\nS4,C,9,61\nS4,B,7,59\n"
    "S5,D,60,150\nS5,A,3,148\n"
    "S6,C,18,90\nS6,D,30,95\n"
    "S7,A,2,80\nS7,B,40,82\n";

static mk_netdata *
netdata_of(const char *csv)
{
	mk_opts o;
	mk_warn w = { 0 };
	mk_err e;
	mk_table *t = table_of(csv);
	mk_netdata *d;

	mk_opts_init(&o);
	d = mk_netdata_from_table(t, &o, &w, &e);
	if (d == NULL)
		print_error("%s\n", e.msg);
	assert_non_null(d);
	d->file = "t.csv";	/* the table goes; the name stays */
	mk_table_free(t);
	mk_warn_clear(&w);
	return d;
}

/* The dense fit at tau2: b, cov, Q, the REML log-likelihood, score and
 * expected information, from the whole N x N M and N x p X. */
struct dense {
	double b[8], cov[64], q, ll, score, info;
};

static void
dense_fit(const mk_netdata *d, const size_t *col, size_t p, double tau2,
    struct dense *out)
{
	size_t N = d->narms - d->k, r = 0;
	gsl_matrix *M = gsl_matrix_calloc(N, N), *C = gsl_matrix_calloc(N, N);
	gsl_matrix *X = gsl_matrix_calloc(N, p), *Mi, *A = gsl_matrix_calloc(p,
	    p), *P = gsl_matrix_calloc(N, N), *T1 = gsl_matrix_alloc(N, N);
	gsl_vector *y = gsl_vector_alloc(N);
	double ldm = 0, lda = 0;

	for (size_t s = 0; s < d->k; s++) {	/* the blocks */
		size_t a0 = d->arm0[s], m = d->arm0[s + 1] - a0 - 1;
		for (size_t j = 0; j < m; j++) {
			gsl_vector_set(y, r + j, d->y[a0 + 1 + j]);
			for (size_t l = 0; l < m; l++) {
				double c = j == l ? 1 : 0.5;
				gsl_matrix_set(C, r + j, r + l, c);
				gsl_matrix_set(M, r + j, r + l, d->v[d->voff[s] +
				    j * m + l] + tau2 * c);
			}
			size_t cj = col[d->trt_of[a0 + 1 + j]];
			size_t c0 = col[d->trt_of[a0]];
			if (cj != SIZE_MAX)
				gsl_matrix_set(X, r + j, cj, 1);
			if (c0 != SIZE_MAX)
				gsl_matrix_set(X, r + j, c0, -1);
		}
		r += m;
	}
	Mi = gsl_matrix_alloc(N, N);
	gsl_matrix_memcpy(Mi, M);
	gsl_linalg_cholesky_decomp1(Mi);
	for (size_t i = 0; i < N; i++)
		ldm += 2 * log(gsl_matrix_get(Mi, i, i));
	gsl_linalg_cholesky_invert(Mi);
	gsl_matrix *MX = gsl_matrix_alloc(N, p);
	for (size_t i = 0; i < N; i++)	/* M^-1 X, X'M^-1X */
		for (size_t a = 0; a < p; a++) {
			double t = 0;
			for (size_t l = 0; l < N; l++)
				t += gsl_matrix_get(Mi, i, l) * gsl_matrix_get(X, l,
				    a);
			gsl_matrix_set(MX, i, a, t);
		}
	for (size_t a = 0; a < p; a++)
		for (size_t c = 0; c < p; c++) {
			double t = 0;
			for (size_t i = 0; i < N; i++)
				t += gsl_matrix_get(X, i, a) * gsl_matrix_get(MX, i,
				    c);
			gsl_matrix_set(A, a, c, t);
		}
	gsl_linalg_cholesky_decomp1(A);
	for (size_t a = 0; a < p; a++)
		lda += 2 * log(gsl_matrix_get(A, a, a));
	gsl_linalg_cholesky_invert(A);
	for (size_t a = 0; a < p; a++) {	/* b = A^-1 X'M^-1 y */
		double t = 0;
		for (size_t c = 0; c < p; c++) {
			double u = 0;
			for (size_t i = 0; i < N; i++)
				u += gsl_matrix_get(MX, i, c) * gsl_vector_get(y, i);
			t += gsl_matrix_get(A, a, c) * u;
			out->cov[a * p + c] = gsl_matrix_get(A, a, c);
		}
		out->b[a] = t;
	}
	for (size_t i = 0; i < N; i++)	/* P = M^-1 - M^-1X A^-1 X'M^-1 */
		for (size_t l = 0; l < N; l++) {
			double t = gsl_matrix_get(Mi, i, l);
			for (size_t a = 0; a < p; a++)
				for (size_t c = 0; c < p; c++)
					t -= gsl_matrix_get(MX, i, a) *
					    gsl_matrix_get(A, a, c) *
					    gsl_matrix_get(MX, l, c);
			gsl_matrix_set(P, i, l, t);
		}
	double ypy = 0, trpc = 0, trpcpc = 0, ypcpy = 0;
	gsl_vector *py = gsl_vector_calloc(N);
	for (size_t i = 0; i < N; i++)
		for (size_t l = 0; l < N; l++)
			py->data[i] += gsl_matrix_get(P, i, l) * y->data[l];
	for (size_t i = 0; i < N; i++) {
		ypy += y->data[i] * py->data[i];
		for (size_t l = 0; l < N; l++)
			ypcpy += py->data[i] * gsl_matrix_get(C, i, l) *
			    py->data[l];
	}
	for (size_t i = 0; i < N; i++)	/* T1 = P C */
		for (size_t l = 0; l < N; l++) {
			double t = 0;
			for (size_t q = 0; q < N; q++)
				t += gsl_matrix_get(P, i, q) * gsl_matrix_get(C, q, l);
			gsl_matrix_set(T1, i, l, t);
		}
	for (size_t i = 0; i < N; i++) {
		trpc += gsl_matrix_get(T1, i, i);
		for (size_t l = 0; l < N; l++)
			trpcpc += gsl_matrix_get(T1, i, l) *
			    gsl_matrix_get(T1, l, i);
	}
	out->q = ypy;
	out->ll = -0.5 * (ldm + lda + ypy);
	out->score = -0.5 * trpc + 0.5 * ypcpy;
	out->info = 0.5 * trpcpc;
	gsl_vector_free(py);
	gsl_matrix_free(MX);
	gsl_matrix_free(Mi);
	gsl_matrix_free(M);
	gsl_matrix_free(C);
	gsl_matrix_free(X);
	gsl_matrix_free(A);
	gsl_matrix_free(P);
	gsl_matrix_free(T1);
	gsl_vector_free(y);
}

/* Reference A: columns B, C, D. */
static const size_t col_a[4] = { SIZE_MAX, 0, 1, 2 };

static void
gls_matches_dense(void **state)
{
	(void)state;
	mk_netdata *d = netdata_of(arms_csv);
	mk_err e;

	assert_int_equal(d->ntrt, 4);
	assert_int_equal(d->k, 7);
	for (int i = 0; i < 3; i++) {
		double tau2 = (double[]){ 0, 0.05, 0.8 }[i];
		struct dense want;
		mk_netgls g = { 0 };
		dense_fit(d, col_a, 3, tau2, &want);
		assert_int_equal(mk_netgls_at(d, NULL, 0, col_a, 3, tau2, 1, &g,
		    &e), 0);
		for (int a = 0; a < 3; a++) {
			assert_close(g.b[a], want.b[a], 1e-12);
			for (int c = 0; c < 3; c++)
				assert_close(g.cov[a * 3 + c], want.cov[a * 3 + c],
				    1e-12);
		}
		assert_close(g.q, want.q, 1e-12);
		assert_close(g.ll, want.ll, 1e-12);
		assert_close(g.score, want.score, 1e-10);
		assert_close(g.info, want.info, 1e-10);
		mk_netgls_free(&g);
	}
	mk_netdata_free(d);
}

/* The score and the observed information are the log-likelihood's first
 * derivative and minus its second, by central differences. */
static void
reml_derivatives(void **state)
{
	(void)state;
	mk_netdata *d = netdata_of(arms_csv);
	mk_netgls g = { 0 }, lo = { 0 }, hi = { 0 };
	mk_err e;
	double t = 0.12, h = 1e-5;

	assert_int_equal(mk_netgls_at(d, NULL, 0, col_a, 3, t, 1, &g, &e), 0);
	assert_int_equal(mk_netgls_at(d, NULL, 0, col_a, 3, t - h, 1, &lo,
	    &e), 0);
	assert_int_equal(mk_netgls_at(d, NULL, 0, col_a, 3, t + h, 1, &hi,
	    &e), 0);
	assert_close(g.score, (hi.ll - lo.ll) / (2 * h), 1e-7);
	assert_close(g.obs, -(hi.score - lo.score) / (2 * h), 1e-6);
	mk_netgls_free(&g);
	mk_netgls_free(&lo);
	mk_netgls_free(&hi);
	mk_netdata_free(d);
}

/* REML's tau2 is a root of the score; DL's is (Q - df) / tr(P0 C). */
static void
tau2_estimators(void **state)
{
	(void)state;
	mk_netdata *d = netdata_of(arms_csv);
	mk_netgls g = { 0 };
	mk_opts o;
	mk_err e;
	double tau2;
	int it;

	mk_opts_init(&o);
	assert_int_equal(mk_net_tau2(d, col_a, 3, MK_REML, &o, &tau2, &it, &e),
	    0);
	assert_true(tau2 > 0);
	assert_int_equal(mk_netgls_at(d, NULL, 0, col_a, 3, tau2, 1, &g, &e),
	    0);
	assert_true(fabs(g.score) <= 1e-9 * g.info * tau2);
	mk_netgls_free(&g);
	assert_int_equal(mk_netgls_at(d, NULL, 0, col_a, 3, 0, 1, &g, &e), 0);
	double df = (double)(d->narms - d->k - 3);
	assert_int_equal(mk_net_tau2(d, col_a, 3, MK_DL, &o, &tau2, &it, &e),
	    0);
	assert_close(tau2, fmax(0, (g.q - df) / g.trpc), 1e-14);
	mk_netgls_free(&g);
	mk_netdata_free(d);
}

/* The same trials as contrast rows (every pair, yi = treat1 minus
 * treat2, vi = the sum of the arm variances): the same fit. */
static void
contrasts_as_arms(void **state)
{
	(void)state;
	mk_netdata *d = netdata_of(arms_csv), *dc;
	char csv[8192];
	size_t len = (size_t)snprintf(csv, sizeof(csv),
	    "study,treat1,treat2,yi,vi\n");
	mk_err e;

	for (size_t s = 0; s < d->k; s++) {	/* each pair of arms */
		size_t a0 = d->arm0[s], m = d->arm0[s + 1] - a0 - 1;
		const double *V = d->v + d->voff[s];
		for (size_t j = 0; j <= m; j++)
			for (size_t l = j + 1; l <= m; l++) {
				double v = j == 0 ? V[(l - 1) * m + l - 1] :
				    V[(j - 1) * m + j - 1] + V[(l - 1) * m + l - 1] -
				    2 * V[(j - 1) * m + l - 1];
				len += (size_t)snprintf(csv + len, sizeof(csv) - len,
				    "%s,%s,%s,%.17g,%.17g\n", d->study[s],
				    d->trt[d->trt_of[a0 + j]],
				    d->trt[d->trt_of[a0 + l]], d->y[a0 + j] -
				    d->y[a0 + l], v);
			}
	}
	dc = netdata_of(csv);
	assert_int_equal(dc->contrasts, 1);
	assert_int_equal(dc->narms, d->narms);
	for (int i = 0; i < 2; i++) {
		mk_netgls g = { 0 }, gc = { 0 };
		double tau2 = i ? 0.3 : 0;
		assert_int_equal(mk_netgls_at(d, NULL, 0, col_a, 3, tau2, 1, &g,
		    &e), 0);
		assert_int_equal(mk_netgls_at(dc, NULL, 0, col_a, 3, tau2, 1,
		    &gc, &e), 0);
		for (int a = 0; a < 3; a++)
			assert_close(gc.b[a], g.b[a], 1e-12);
		assert_close(gc.q, g.q, 1e-12);
		assert_close(gc.score, g.score, 1e-10);
		for (size_t s = 0; s < dc->k; s++)
			assert_true(dc->qin[s] == 0);
		mk_netgls_free(&g);
		mk_netgls_free(&gc);
	}
	mk_netdata_free(dc);
	mk_netdata_free(d);
}

/* Three contrasts that do not add up: the same fitted contrasts and
 * misfit Q whichever arm comes first; consistent ones are kept as they
 * are, with no misfit. */
static void
pairs_not_adding_up(void **state)
{
	(void)state;
	/* arms X, Y, Z: Y[j a + k] = theta_j - theta_k */
	double Y[9] = { 0, -0.52, -0.81, 0.52, 0, -0.27, 0.81, 0.27, 0 };
	double D[9] = { 0, 0.09, 0.11, 0.09, 0, 0.10, 0.11, 0.10, 0 };
	double y[2], V[4], q, dev, y2[2], V2[4], q2, dev2;
	/* the same with Z first: arms Z, X, Y */
	static const int perm[3] = { 2, 0, 1 };
	double Yp[9], Dp[9];

	for (int j = 0; j < 3; j++)
		for (int k = 0; k < 3; k++) {
			Yp[j * 3 + k] = Y[perm[j] * 3 + perm[k]];
			Dp[j * 3 + k] = D[perm[j] * 3 + perm[k]];
		}
	assert_int_equal(mk_net_study_pairs(3, Y, D, y, V, &q, &dev), 0);
	assert_int_equal(mk_net_study_pairs(3, Yp, Dp, y2, V2, &q2, &dev2), 0);
	assert_close(dev, 0.02, 1e-12);
	assert_true(q > 0);
	assert_close(q2, q, 1e-12);
	/* y = (Y - X, Z - X); y2 = (X - Z, Y - Z) */
	assert_close(y2[0], -y[1], 1e-12);
	assert_close(y2[1] - y2[0], y[0], 1e-12);
	/* the fit lies between the direct and the indirect Y - Z */
	assert_true(y[0] - y[1] < -0.27 && y[0] - y[1] > -0.29);
	Y[5] = -0.29;	/* now they add up: 0.52 - 0.81 */
	Y[7] = 0.29;
	assert_int_equal(mk_net_study_pairs(3, Y, D, y, V, &q, &dev), 0);
	assert_true(q == 0 && dev == 0);
	assert_close(y[0], 0.52, 1e-15);
	assert_close(y[1], 0.81, 1e-15);
	assert_close(V[1], (0.09 + 0.11 - 0.10) / 2, 1e-15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gls_matches_dense),
		cmocka_unit_test(reml_derivatives),
		cmocka_unit_test(tau2_estimators),
		cmocka_unit_test(contrasts_as_arms),
		cmocka_unit_test(pairs_not_adding_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
