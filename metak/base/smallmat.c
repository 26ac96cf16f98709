/* smallmat.c: the Cholesky factor, log determinant and inverse of a small
 * symmetric positive definite matrix (a study's block of a few contrasts),
 * as plain loops. Large systems are left to GSL where they are built. */
#include <math.h>

#include "base/internal.h"

/* M = L L' column by column (L in the lower part of M), then, with inv,
 * L^-1 by forward substitution and M^-1 = L^-T L^-1. A pivot that is not
 * positive, or not finite, means M is not positive definite: -1. */
int
mk_spd_inv(double *M, size_t n, int inv, double *logdet)
{
	double ld = 0, prod = 1;

	for (size_t j = 0; j < n; j++) {	/* column j of L */
		double d = M[j * n + j];
		for (size_t q = 0; q < j; q++)
			d -= M[j * n + q] * M[j * n + q];
		if (!(d > 0) || !isfinite(d))
			return -1;
		d = sqrt(d);
		M[j * n + j] = d;
		prod *= d;	/* one log per 1e100 of product, not n */
		if (prod > 1e100 || prod < 1e-100) {
			ld += 2 * log(prod);
			prod = 1;
		}
		for (size_t i = j + 1; i < n; i++) {
			double t = M[i * n + j];
			for (size_t q = 0; q < j; q++)
				t -= M[i * n + q] * M[j * n + q];
			M[i * n + j] = t / d;
		}
	}
	if (logdet != NULL)
		*logdet = ld + 2 * log(prod);
	if (!inv)
		return 0;
	for (size_t j = 0; j < n; j++) {	/* L^-1 in the lower part */
		M[j * n + j] = 1 / M[j * n + j];
		for (size_t i = j + 1; i < n; i++) {
			double t = 0;
			for (size_t q = j; q < i; q++)
				t -= M[i * n + q] * M[q * n + j];
			M[i * n + j] = t / M[i * n + i];
		}
	}
	for (size_t i = 0; i < n; i++)	/* (L^-T L^-1)_ji into the upper part */
		for (size_t j = 0; j <= i; j++) {
			long double t = 0;
			for (size_t q = i; q < n; q++)
				t += (long double)M[q * n + i] * M[q * n + j];
			M[j * n + i] = (double)t;
		}
	for (size_t i = 0; i < n; i++)	/* mirrored into the lower part */
		for (size_t j = 0; j < i; j++)
			M[i * n + j] = M[j * n + i];
	return 0;
}
