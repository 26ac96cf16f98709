/* test_robust.c: CR2 by its two exact computations, a cluster at a time
 * as dense n x n matrices and by the low-rank quadrature, on the same
 * models: diagonal and block-diagonal covariances, a coefficient that one
 * cluster alone identifies (a singular adjustment), clusters of one row,
 * and variances from 1e-200 to 1e200. Every SE, df and the HTZ test must
 * agree to 1e-9; a path that was wrong in any piece would not. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "check.h"
#include "fit/internal.h"

/* A model of k rows: x (k x p, intercept first), y, v, clusters and
 * blocks within them; M = diag(v + tau2) plus rho sqrt(v_a v_b) + tau2
 * between the rows of one block. */
struct prob {
	size_t k, p, ncl;
	double *x, *y, *v, rho, tau2, scale;
	size_t *cl, *blk;
};

static void
cov(void *ud, const size_t *rows, size_t n, double *M)
{
	const struct prob *P = ud;

	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++) {
			size_t i = rows[a], j = rows[b];
			double m = 0;
			if (i == j)
				m = P->v[i] + P->tau2;
			else if (P->blk != NULL && P->blk[i] == P->blk[j])
				m = P->rho * sqrt(P->v[i]) * sqrt(P->v[j]) + P->tau2;
			M[a * n + b] = m;
		}
}

/* Uniform on (0, 1) from a fixed LCG: the same draws everywhere. */
static double
unif(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
}

/* Clusters of the sizes given, blocks of 1-3 rows (blocks 0: every row
 * its own), v in (0.01, 0.5) times scale, moderators uniform; lone != 0:
 * moderator 2 is nonzero in cluster 0 only. */
static void
make(struct prob *P, const size_t *size, size_t ncl, size_t p, int blocks,
    int lone, double scale, unsigned long seed)
{
	size_t k = 0, nb = 0;

	for (size_t j = 0; j < ncl; j++)
		k += size[j];
	P->k = k;
	P->p = p;
	P->ncl = ncl;
	P->x = malloc(k * p * sizeof(double));
	P->y = malloc(k * sizeof(double));
	P->v = malloc(k * sizeof(double));
	P->cl = malloc(k * sizeof(size_t));
	P->blk = blocks ? malloc(k * sizeof(size_t)) : NULL;
	P->rho = blocks ? 0.6 : 0;
	P->tau2 = 0.02 * scale;
	P->scale = scale;
	for (size_t j = 0, i = 0; j < ncl; j++)
		for (size_t r = 0; r < size[j]; r++, i++) {
			P->cl[i] = j;
			if (blocks && (r == 0 || unif(&seed) < 0.4))
				nb++;
			if (blocks)
				P->blk[i] = nb - 1;
			P->v[i] = (0.01 + 0.49 * unif(&seed)) * scale;
			P->x[i * p] = 1;
			for (size_t q = 1; q < p; q++)
				P->x[i * p + q] = 3 * unif(&seed);
			if (lone && p > 2 && j != 0)
				P->x[i * p + 2] = 0;
			P->y[i] = sqrt(scale) * (0.3 + 0.1 * P->x[i * p + 1] +
			    (unif(&seed) - 0.5));
		}
}

static void
prob_free(struct prob *P)
{
	free(P->x);
	free(P->y);
	free(P->v);
	free(P->cl);
	free(P->blk);
}

/* The GLS fit b = A^-1 X'M^-1 y, vb = A^-1, with the dense k x k M
 * (scaled to 1, so no product overflows). */
static void
gls(struct prob *P, mk_model *mo)
{
	size_t k = P->k, p = P->p, *all = malloc(k * sizeof(size_t));
	gsl_matrix *M = gsl_matrix_alloc(k, k);
	double *a = calloc(p * p + p + 1, sizeof(double)), *c = a + p * p;

	assert_non_null(all);
	for (size_t i = 0; i < k; i++)
		all[i] = i;
	cov(P, all, k, M->data);
	for (size_t i = 0; i < k * k; i++)
		M->data[i] /= P->scale;
	gsl_linalg_cholesky_decomp1(M);
	gsl_linalg_cholesky_invert(M);
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++) {
			double w = gsl_matrix_get(M, i, j);
			for (size_t q = 0; q < p; q++) {
				c[q] += P->x[i * p + q] * w * P->y[j];
				for (size_t r = 0; r < p; r++)
					a[q * p + r] += P->x[i * p + q] * w *
					    P->x[j * p + r];
			}
		}
	gsl_matrix_view av = gsl_matrix_view_array(a, p, p);
	gsl_linalg_cholesky_decomp1(&av.matrix);
	gsl_linalg_cholesky_invert(&av.matrix);
	memset(mo, 0, sizeof(*mo));
	mo->b = calloc(p * p + 7 * p, sizeof(double));
	mo->vb = mo->b + p;
	mo->se = mo->vb + p * p;
	mo->stat = mo->se + p;
	mo->pval = mo->stat + p;
	mo->lo = mo->pval + p;
	mo->hi = mo->lo + p;
	mo->cdf = mo->hi + p;
	mo->k = k;
	mo->p = p;
	mo->m = p - 1;
	mo->level = 95;
	mo->s2w = 1;
	for (size_t q = 0; q < p * p; q++)
		mo->vb[q] = a[q] * P->scale;
	for (size_t q = 0; q < p; q++)
		for (size_t r = 0; r < p; r++)
			mo->b[q] += a[q * p + r] * c[r];
	gsl_matrix_free(M);
	free(a);
	free(all);
}

/* CR2 of P by both paths; every piece agrees to rel. */
static void
both(struct prob *P, double rel)
{
	mk_model dn, lr;
	mk_err err = { 0 };
	mk_design d = { P->k, P->p, P->y, P->v, P->x, NULL };
	size_t p = P->p;

	gls(P, &dn);
	gls(P, &lr);
	assert_int_equal(mk_robust(&dn, &d, P->cl, P->ncl, MK_CR2_DENSE,
	    P->blk, 1, cov, P, &err), 0);
	assert_int_equal(mk_robust(&lr, &d, P->cl, P->ncl, MK_CR2_LOWRANK,
	    P->blk, 1, cov, P, &err), 0);
	for (size_t q = 0; q < p; q++) {
		assert_true(dn.se[q] > 0);
		assert_close(lr.se[q], dn.se[q], rel);
		assert_close(lr.cdf[q], dn.cdf[q], rel);
		for (size_t r = 0; r < p; r++)	/* relative to the SEs */
			assert_true(fabs(lr.vb[q * p + r] - dn.vb[q * p + r]) <=
			    rel * dn.se[q] * dn.se[r]);
	}
	assert_close(lr.qm, dn.qm, rel);
	assert_close(lr.qm_df2, dn.qm_df2, rel);
	mk_model_free(&dn);
	mk_model_free(&lr);
}

static const size_t sizes[] = { 40, 35, 3, 50, 1, 30, 2, 45 };
#define NS (sizeof(sizes) / sizeof(sizes[0]))

static void
diagonal(void **state)
{
	struct prob P;

	(void)state;
	make(&P, sizes, NS, 3, 0, 0, 1, 1);
	both(&P, 1e-9);
	prob_free(&P);
}

static void
blocks(void **state)
{
	struct prob P;

	(void)state;
	make(&P, sizes, NS, 3, 1, 0, 1, 2);
	both(&P, 1e-9);
	prob_free(&P);
}

/* Moderator 2 only in cluster 0: cluster 0 alone identifies it, its G is
 * singular and both paths take the pseudo-inverse's power. */
static void
singular(void **state)
{
	struct prob P;

	(void)state;
	make(&P, sizes, NS, 3, 0, 1, 1, 3);
	both(&P, 1e-9);
	prob_free(&P);
	make(&P, sizes, NS, 3, 1, 1, 1, 4);
	both(&P, 1e-9);
	prob_free(&P);
}

static void
scales(void **state)
{
	const double sc[] = { 1e-200, 1e-30, 1e30, 1e200 };
	struct prob P;

	(void)state;
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		make(&P, sizes, NS, 2, i % 2, 0, sc[i], 5 + i);
		print_message("scale %g\n", sc[i]);
		both(&P, 1e-9);
		prob_free(&P);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diagonal),
		cmocka_unit_test(blocks),
		cmocka_unit_test(singular),
		cmocka_unit_test(scales),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
