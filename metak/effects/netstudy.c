/* netstudy.c: one study of a network as contrasts with its first arm and
 * their covariance, from its arms' data or from its pairwise contrasts
 * (Ruecker's reduction). Reading the rows is netread.c's job. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "effects/internal.h"

/* An arm's estimate and variance on the measure's scale:
 *   OR  log(x / (n - x)),  1/x + 1/(n - x)
 *   RR  log(x / n),        1/x - 1/n
 *   RD  x / n,             x (n - x) / n^3
 *   MD  mean,              sd^2 / n
 * (Lu & Ades 2004 Stat Med 23:3105 for arm-based contrasts; escalc's
 * variances, which these add up to for two arms). */
static void
arm_estimate(mk_measure m, double x, double sd, double n, double *th,
    double *s)
{
	switch (m) {
	case MK_OR:
		*th = log(x / (n - x));
		*s = 1 / x + 1 / (n - x);
		break;
	case MK_RR:
		*th = log(x / n);
		*s = 1 / x - 1 / n;
		break;
	case MK_RD:
		*th = x / n;
		*s = x * (n - x) / (n * n * n);
		break;
	default:	/* MD */
		*th = x;
		*s = sd * sd / n;
		break;
	}
}

/* Zero cells (binary measures): if one arm has no events or only events,
 * cc is added to events and non-events of every arm (x + cc, n + 2 cc),
 * as netmeta's pairwise() does for the whole study; a study with no
 * events in any arm (OR and RR) or only events in every arm (OR) is
 * left out, as meta's metabin does without allstudies. */
int
mk_net_study_arms(mk_measure m, double cc, size_t a, const double *x,
    const double *sd, const double *n, double *y, double *V, int *drop,
    int *corrected)
{
	int binary = m == MK_OR || m == MK_RR || m == MK_RD;
	int any = 0, allzero = 1, allfull = 1;
	double th0 = 0, s0 = 0, add = 0;
	size_t q = a - 1;

	*drop = *corrected = 0;
	if (binary)
		for (size_t i = 0; i < a; i++) {
			int zero = x[i] == 0, full = x[i] == n[i];
			any |= zero || full;
			allzero &= zero;
			allfull &= full;
		}
	if (binary && ((m != MK_RD && allzero) || (m == MK_OR && allfull))) {
		*drop = 1;
		return 0;
	}
	if (binary && any) {
		add = cc;
		*corrected = 1;
	}
	for (size_t i = 0; i < a; i++) {	/* contrasts with arm 0 */
		double th, s;
		arm_estimate(m, x[i] + add, sd ? sd[i] : NAN, n[i] + 2 * add,
		    &th, &s);
		if (i == 0) {
			th0 = th;
			s0 = s;
			continue;
		}
		y[i - 1] = th - th0;
		for (size_t j = 0; j < q; j++)
			V[(i - 1) * q + j] = s0;
		V[(i - 1) * q + (i - 1)] += s;
	}
	return 0;
}

/* Ruecker (2012) Res Synth Methods 3:312, netmeta's multiarm(): the
 * pairwise variances v_jk of a multi-arm study are those of contrasts of
 * arms with covariance L+ = -1/2 P D P (P the centring matrix); the
 * contrasts with arm 0 then have V_jj = v_0j and V_jk = (v_0j + v_0k -
 * v_jk) / 2, whichever arm is first. Contrasts that do not add up
 * (rounded published values) are fitted as netmeta fits them: every pair
 * with its reduced weight w_jk (the off-diagonal of -V^-1 and, with arm
 * 0, V^-1's row sums), the study's consistent contrasts theta solving
 * V^-1 theta = r with r_j = sum_k w_jk Y_jk; the residual sum of squares
 * is the study's own Q, which netmeta's Q includes. */
int
mk_net_study_pairs(size_t a, const double *Y, const double *D, double *y,
    double *V, double *q, double *dev)
{
	size_t m = a - 1;
	double *W = NULL, *r = NULL;
	int bad = 0;

	*q = *dev = 0;
	for (size_t j = 1; j < a; j++) {
		y[j - 1] = Y[j * a];
		for (size_t k = 1; k < a; k++)
			V[(j - 1) * m + (k - 1)] = j == k ? D[j * a] :
			    (D[j * a] + D[k * a] - D[j * a + k]) / 2;
	}
	for (size_t j = 1; j < a; j++)	/* do they add up? */
		for (size_t k = j + 1; k < a; k++) {
			double e = fabs(Y[j * a + k] - (y[j - 1] - y[k - 1]));
			double scale = fmax(sqrt(D[j * a + k]), fabs(y[j - 1]) +
			    fabs(y[k - 1]) + fabs(Y[j * a + k]));
			if (e > 1e-9 * scale)
				bad = 1;
			if (e > *dev)
				*dev = e;
		}
	if ((W = malloc(m * m * sizeof(double))) == NULL)
		return -2;
	memcpy(W, V, m * m * sizeof(double));
	if (mk_spd_inv(W, m, 1, NULL) != 0) {
		free(W);
		return -1;
	}
	if (!bad) {
		*dev = 0;
		free(W);
		return 0;
	}
	if ((r = calloc(m, sizeof(double))) == NULL) {
		free(W);
		return -2;
	}
	for (size_t j = 1; j < a; j++) {	/* r_j = sum_k w_jk Y_jk */
		long double rj = 0, w0 = 0;
		for (size_t k = 1; k < a; k++) {
			w0 += W[(j - 1) * m + (k - 1)];
			if (k != j)
				rj -= (long double)W[(j - 1) * m + (k - 1)] *
				    Y[j * a + k];
		}
		r[j - 1] = (double)(rj + w0 * Y[j * a]);
	}
	for (size_t j = 0; j < m; j++) {	/* theta = V r */
		long double t = 0;
		for (size_t k = 0; k < m; k++)
			t += (long double)V[j * m + k] * r[k];
		y[j] = (double)t;
	}
	long double qq = 0;
	for (size_t j = 0; j < a; j++)	/* sum over pairs w (Y - fit)^2 */
		for (size_t k = j + 1; k < a; k++) {
			double w = 0, fit = (j ? y[j - 1] : 0) - y[k - 1];
			if (j == 0)
				for (size_t l = 0; l < m; l++)
					w += W[(k - 1) * m + l];
			else
				w = -W[(j - 1) * m + (k - 1)];
			double e = Y[j * a + k] - fit;
			qq += (long double)w * e * e;
		}
	*q = (double)qq;
	free(W);
	free(r);
	return 0;
}
