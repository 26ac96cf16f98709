/* orth.c: a dense design X (k x p, full column rank) as X = Q R, Q with
 * orthonormal columns and R upper triangular, by Gram-Schmidt applied
 * twice (Giraud et al. 2005: twice is enough for orthogonality to working
 * precision); and coefficients fitted on Q taken back to X's. Fits whose
 * likelihood does not depend on the parametrisation of X b (REML's
 * log|X'M^-1X| - log|X'X| does not) are run on Q: a moderator such as a
 * year (values near 2000 beside an intercept) then costs no digits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

int
mk_orthonormal(const double *x, size_t k, size_t p, double *q, double *r)
{
	memset(r, 0, p * p * sizeof(double));
	for (size_t j = 0; j < p; j++) {
		long double n0 = 0, n1 = 0;
		for (size_t i = 0; i < k; i++) {	/* column j, its norm */
			q[i * p + j] = x[i * p + j];
			n0 += (long double)x[i * p + j] * x[i * p + j];
		}
		for (int pass = 0; pass < 2; pass++)
			for (size_t l = 0; l < j; l++) {	/* less q_l q_l'x */
				long double dot = 0;
				for (size_t i = 0; i < k; i++)
					dot += (long double)q[i * p + l] *
					    q[i * p + j];
				for (size_t i = 0; i < k; i++)
					q[i * p + j] -= (double)dot * q[i * p + l];
				r[l * p + j] += (double)dot;
			}
		for (size_t i = 0; i < k; i++)
			n1 += (long double)q[i * p + j] * q[i * p + j];
		/* what is left of the column, relative to the column */
		if (!(n1 > 0) || sqrtl(n1) <= 1e-13L * sqrtl(n0) ||
		    !isfinite((double)n0))
			return -1;
		double nn = (double)sqrtl(n1);
		r[j * p + j] = nn;
		for (size_t i = 0; i < k; i++)
			q[i * p + j] /= nn;
	}
	return 0;
}

int
mk_orth_back(const double *r, size_t p, double *b, double *vb)
{
	double *ri = malloc(2 * p * p * sizeof(double));

	/* b = R^-1 b~ by back substitution */
	for (size_t jj = p; jj-- > 0;) {
		long double t = b[jj];
		for (size_t l = jj + 1; l < p; l++)
			t -= (long double)r[jj * p + l] * b[l];
		b[jj] = (double)(t / r[jj * p + jj]);
	}
	if (ri == NULL)
		return -1;
	double *t = ri + p * p;
	/* R^-1, upper triangular, column by column */
	memset(ri, 0, p * p * sizeof(double));
	for (size_t c = 0; c < p; c++)
		for (size_t jj = c + 1; jj-- > 0;) {
			long double s = jj == c ? 1 : 0;
			for (size_t l = jj + 1; l <= c; l++)
				s -= (long double)r[jj * p + l] * ri[l * p + c];
			ri[jj * p + c] = (double)(s / r[jj * p + jj]);
		}
	for (size_t i = 0; i < p; i++)	/* T = R^-1 V~ */
		for (size_t jj = 0; jj < p; jj++) {
			long double s = 0;
			for (size_t l = i; l < p; l++)
				s += (long double)ri[i * p + l] * vb[l * p + jj];
			t[i * p + jj] = (double)s;
		}
	for (size_t i = 0; i < p; i++)	/* V = T R^-T, symmetric */
		for (size_t jj = 0; jj <= i; jj++) {
			long double s = 0;
			for (size_t l = jj; l < p; l++)
				s += (long double)t[i * p + l] * ri[jj * p + l];
			vb[i * p + jj] = vb[jj * p + i] = (double)s;
		}
	free(ri);
	return 0;
}
