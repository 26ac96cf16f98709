/* matfun.c: products and powers of dense matrices. S^p of a dense S by its eigen
 * decomposition (O(n^3)); H^-1/2 F for H = diag(d) + U C U' (diagonal plus
 * rank q) without an n x n matrix, by quadrature of
 * H^-1/2 = (2/pi) int_0^inf (H + t^2 I)^-1 dt with Woodbury solves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "base/internal.h"

void
mk_matmul(const double *a, const double *b, double *c, size_t r, size_t q,
    size_t s)
{
	for (size_t i = 0; i < r; i++)
		for (size_t j = 0; j < s; j++) {
			long double t = 0;
			for (size_t l = 0; l < q; l++)
				t += (long double)a[i * q + l] * b[l * s + j];
			c[i * s + j] = (double)t;
		}
}

int
mk_sym_power(double *S, size_t n, double pw)
{
	gsl_matrix_view A = gsl_matrix_view_array(S, n, n);
	gsl_vector *val = gsl_vector_alloc(n);
	gsl_matrix *vec = gsl_matrix_alloc(n, n);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
	double *e = malloc(n * sizeof(double));
	int rc = -1;

	if (val && vec && ws && e && gsl_eigen_symmv(&A.matrix, val, vec, ws)
	    == GSL_SUCCESS) {
		double emax = 0;
		for (size_t i = 0; i < n; i++)
			emax = fmax(emax, fabs(gsl_vector_get(val, i)));
		for (size_t i = 0; i < n; i++) {
			double v = gsl_vector_get(val, i);
			e[i] = v > 1e-12 * emax ? pow(v, pw) : 0;
		}
		for (size_t i = 0; i < n; i++)	/* V diag(e^p) V' */
			for (size_t j = 0; j < n; j++) {
				long double t = 0;
				for (size_t l = 0; l < n; l++)
					t += (long double)gsl_matrix_get(vec, i, l) *
					    e[l] * gsl_matrix_get(vec, j, l);
				S[i * n + j] = (double)t;
			}
		rc = 0;
	}
	gsl_vector_free(val);
	gsl_matrix_free(vec);
	gsl_eigen_symmv_free(ws);
	free(e);
	return rc;
}

/* The quadrature: with t = e^s the integrand of each eigenvalue l of H is
 * l^-1/2 sech(s - log(l)/2) / 2, analytic in a strip of half-width pi/2,
 * so the trapezoidal rule of step h errs by about exp(-pi^2 / h) (1e-21
 * at h = 0.2) relative to l^-1/2, and its tails beyond TAIL of the
 * spectrum's ends hold exp(-TAIL) of it. H is scaled by 1/hi first, so
 * no node overflows whatever the data's scale. */
#define STEP 0.2
#define TAIL 38.0

/* One node's (H + t2 I)^-1 F added into out with weight w: Woodbury,
 * (D + U Cm U')^-1 = D^-1 - D^-1 U (Cm^-1 + U'D^-1 U)^-1 U'D^-1 with
 * D = diag(d + t2); the capacitance is C0 - t2 U'diag(1 / (d (d + t2)))U,
 * no difference of near-equal matrices. cap q x q, rhs q x m, perm q. */
static int
node(size_t n, size_t q, size_t m, const double *d, const double *U,
    const double *C0, const double *F, double t2, double w, double *cap,
    double *rhs, gsl_permutation *perm, double *out)
{
	int sign;

	memcpy(cap, C0, q * q * sizeof(double));
	memset(rhs, 0, q * m * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		const double *u = U + i * q, *f = F + i * m;
		double di = 1 / (d[i] + t2), c = t2 * di / d[i];
		for (size_t a = 0; a < q; a++) {
			for (size_t b = 0; b < q; b++)
				cap[a * q + b] -= c * u[a] * u[b];
			for (size_t b = 0; b < m; b++)
				rhs[a * m + b] += di * u[a] * f[b];
		}
	}
	if (q == 0)
		goto update;
	gsl_matrix_view cv = gsl_matrix_view_array(cap, q, q);
	if (gsl_linalg_LU_decomp(&cv.matrix, perm, &sign) != GSL_SUCCESS)
		return -1;
	for (size_t b = 0; b < m; b++) {	/* rhs <- cap^-1 rhs */
		gsl_vector_view col = gsl_vector_view_array_with_stride(rhs + b,
		    m, q);
		if (gsl_linalg_LU_svx(&cv.matrix, perm, &col.vector) !=
		    GSL_SUCCESS)
			return -1;
	}
update:
	for (size_t i = 0; i < n; i++) {
		const double *u = U + i * q, *f = F + i * m;
		double di = w / (d[i] + t2);
		for (size_t b = 0; b < m; b++) {
			double v = f[b];
			for (size_t a = 0; a < q; a++)
				v -= u[a] * rhs[a * m + b];
			out[i * m + b] += di * v;
		}
	}
	return 0;
}

int
mk_isqrt_lowrank(size_t n, size_t q, const double *d, const double *U,
    const double *C0, double lo, double hi, const double *F, size_t m,
    double *out)
{
	double *ds = malloc((n + n * q + q * q + q * m + 1) * sizeof(double));
	gsl_permutation *perm = gsl_permutation_alloc(q ? q : 1);
	int rc = -2;

	if (ds == NULL || perm == NULL)
		goto out;
	rc = -1;
	if (!(lo > 0) || !(hi >= lo) || !isfinite(hi))
		goto out;
	double *us = ds + n, *cap = us + n * q, *rhs = cap + q * q;
	double rs = 1 / sqrt(hi);
	for (size_t i = 0; i < n; i++) {	/* H / hi */
		ds[i] = d[i] / hi;
		for (size_t a = 0; a < q; a++)
			us[i * q + a] = U[i * q + a] * rs;
	}
	memset(out, 0, n * m * sizeof(double));
	double s0 = 0.5 * log(lo / hi) - TAIL;
	size_t nodes = (size_t)ceil((TAIL - s0) / STEP) + 1;
	for (size_t j = 0; j < nodes; j++) {
		double s = s0 + (double)j * STEP, t = exp(s);
		if (node(n, q, m, ds, us, C0, F, t * t, M_2_PI * STEP * t, cap,
		    rhs, perm, out) != 0)
			goto out;
	}
	for (size_t i = 0; i < n * m; i++)	/* (H / hi)^-1/2 = hi^1/2 H^-1/2 */
		out[i] *= rs;
	rc = 0;
out:
	free(ds);
	gsl_permutation_free(perm);
	return rc;
}
