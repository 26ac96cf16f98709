/* robust.c: cluster-robust inference for a fitted model (--robust COL).
 * CR1 as metafor's robust(adjust = TRUE): the sandwich A^-1 (sum_j u_j
 * u_j') A^-1, u_j = X_j' W_j e_j, scaled by n/(n - p), t tests with n - p
 * df and F(m, n - p). CR2 as R's clubSandwich (Pustejovsky & Tipton 2018,
 * J Bus Econ Stat 36:672; metafor's robust(clubSandwich = TRUE)): each
 * cluster's residuals adjusted (cr2.c), Satterthwaite df for each
 * coefficient and the Hotelling T^2 approximation "HTZ" for the test of
 * moderators. Every quantity is a sum over clusters of p x p pieces: no
 * matrix over clusters is formed. W_j = M_j^-1, M_j the model's marginal
 * covariance of the cluster's rows (mk_cov_fn), A = X'M^-1X. CR1 needs
 * only u_j, summed over the blocks of M within the cluster (cr1_sums). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "fit/internal.h"

/* Satterthwaite df of the contrast c'b (clubSandwich's coef_test and
 * linear_contrast): with P[j, j'] = [j = j'] g_j - h_j.h_j' (g_j = c'(G_j
 * G_j')c, h_j = c'H_j), df = (tr P)^2 / sum P^2, the sums taken over
 * clusters; a coefficient is the contrast of a unit vector. S: p x p
 * scratch. */
static double
satterthwaite(const double *gg, const double *hs, size_t p, size_t ncl,
    const double *c, long double *S, double *h)
{
	long double e = 0, ss = 0, sc = 0;

	/* df is scale-free: g by sum_j c'G_j c and h by its root, so that no
	 * square underflows where long double is double (variances of 1e-200) */
	for (size_t j = 0; j < ncl; j++)
		for (size_t u = 0; u < p; u++)
			for (size_t v = 0; v < p; v++)
				sc += (long double)c[u] * gg[(j * p + u) * p + v] *
				    c[v];
	if (!(sc > 0))
		return NAN;
	double rs = (double)(1 / sqrtl(sc));
	memset(S, 0, p * p * sizeof(long double));
	for (size_t j = 0; j < ncl; j++) {
		const double *G = gg + j * p * p, *H = hs + j * p * p;
		long double g = 0, hh = 0;
		for (size_t u = 0; u < p; u++) {	/* c'G c, h = c'H */
			long double t = 0;
			for (size_t v = 0; v < p; v++) {
				g += (long double)c[u] * G[u * p + v] * c[v];
				t += (long double)c[v] * H[v * p + u];
			}
			h[u] = (double)t * rs;
		}
		g /= sc;
		for (size_t u = 0; u < p; u++) {
			hh += (long double)h[u] * h[u];
			for (size_t v = 0; v < p; v++)
				S[u * p + v] += (long double)h[u] * h[v];
		}
		e += g - hh;
		ss += g * g - 2 * g * hh;
	}
	for (size_t u = 0; u < p * p; u++)
		ss += S[u] * S[u];
	return (double)(e * e / ss);
}

double
mk_robust_df(const mk_model *mo, const double *c)
{
	size_t p = mo->p;
	long double *S = malloc(p * p * sizeof(long double));
	double *h = malloc(p * sizeof(double)), df = NAN;

	if (mo->robust != 2 || mo->rob_gg == NULL)
		df = mo->df;
	else if (S != NULL && h != NULL)
		df = satterthwaite(mo->rob_gg, mo->rob_hs, p, mo->nclusters, c,
		    S, h);
	free(S);
	free(h);
	return df;
}

/* clubSandwich's HTZ test of coefficients first..p-1: Hotelling's T^2
 * with nu = q(q+1) / sum var_mat, from the cluster pieces G G' and H
 * standardised by Omega^-1/2 (Omega = sum_j (G G')_j - H_j H_j' on the
 * tested rows). F = delta Q/q on (q, nu - q + 1) df. */
static void
htz(mk_model *mo, const double *gg, const double *hs, size_t ncl,
    size_t first, double Q)
{
	size_t p = mo->p, q = p - first;
	double *om = calloc(q * q + q + q * q * ncl + q * p * ncl, sizeof(double));
	long double *S = calloc(q * q * p * p, sizeof(long double));
	double tot = 0;

	mo->qm = mo->qm_df2 = mo->qm_p = NAN;
	if (om == NULL || S == NULL)
		goto out;
	double *tmp = om + q * q, *gt = tmp + q, *ht = gt + q * q * ncl;
	for (size_t s = 0; s < q; s++)	/* Omega on the tested rows */
		for (size_t t = 0; t < q; t++) {
			long double o = 0;
			for (size_t j = 0; j < ncl; j++) {
				const double *hj = hs + j * p * p;
				o += gg[(j * p + first + s) * p + first + t];
				for (size_t u = 0; u < p; u++)
					o -= (long double)hj[(first + s) * p + u] *
					    hj[(first + t) * p + u];
			}
			om[s * q + t] = (double)o;
		}
	if (mk_sym_power(om, q, -0.5) != 0)
		goto out;
	for (size_t j = 0; j < ncl; j++) {	/* O g O and O h, per cluster */
		double *g = gt + j * q * q, *h = ht + j * q * p;
		for (size_t s = 0; s < q; s++)
			for (size_t t = 0; t < q; t++) {
				long double z = 0;
				for (size_t a = 0; a < q; a++)
					for (size_t c = 0; c < q; c++)
						z += (long double)om[s * q + a] *
						    gg[(j * p + first + a) * p +
						    first + c] * om[c * q + t];
				g[s * q + t] = (double)z;
			}
		for (size_t s = 0; s < q; s++)
			for (size_t u = 0; u < p; u++) {
				long double z = 0;
				for (size_t a = 0; a < q; a++)
					z += (long double)om[s * q + a] *
					    hs[(j * p + first + a) * p + u];
				h[s * p + u] = (double)z;
			}
	}
	for (size_t j = 0; j < ncl; j++)	/* S_st = sum_j h_s h_t' */
		for (size_t s = 0; s < q; s++)
			for (size_t t = 0; t < q; t++)
				for (size_t u = 0; u < p; u++)
					for (size_t v = 0; v < p; v++)
						S[((s * q + t) * p + u) * p + v] +=
						    (long double)ht[(j * q + s) * p +
						    u] * ht[(j * q + t) * p + v];
	for (size_t s = 0; s < q; s++)
		for (size_t t = 0; t < q; t++) {
			long double v1 = 0, v2 = 0;
			const long double *St = S + (s * q + t) * p * p;
			for (size_t j = 0; j < ncl; j++) {
				const double *g = gt + j * q * q;
				const double *hs_ = ht + (j * q + s) * p;
				const double *ht_ = ht + (j * q + t) * p;
				long double hst = 0, hss = 0, htt = 0;
				for (size_t u = 0; u < p; u++) {
					hst += (long double)hs_[u] * ht_[u];
					hss += (long double)hs_[u] * hs_[u];
					htt += (long double)ht_[u] * ht_[u];
				}
				double gst = g[s * q + t];
				v1 += (long double)gst * gst - 2 * gst * hst;
				v2 += (long double)g[s * q + s] * g[t * q + t] -
				    g[s * q + s] * htt - g[t * q + t] * hss;
			}
			for (size_t u = 0; u < p; u++)
				for (size_t v = 0; v < p; v++) {
					v1 += St[u * p + v] * St[v * p + u];
					v2 += St[u * p + v] * St[u * p + v];
				}
			tot += (double)(v1 + v2);
		}
	double nu = (double)(q * (q + 1)) / tot, qq = (double)q;
	double delta = fmax((nu - qq + 1) / nu, 0), df2 = nu - qq + 1;
	mo->qm = fmax(0, delta * Q / qq);
	mo->qm_df = qq;
	mo->qm_df2 = df2;
	mo->qm_p = df2 > 0 ? gsl_cdf_fdist_Q(mo->qm, qq, df2) : NAN;
out:
	free(om);
	free(S);
}

/* The robust covariance, tests and intervals into the model. */
static void
finish(mk_model *mo, const double *ainv, const double *comp,
    const double *gg, const double *hs, size_t ncl, int cr1)
{
	size_t p = mo->p, first = p - mo->m;
	double n = (double)ncl, *meat = calloc(p * p, sizeof(double));
	long double *S = calloc(p * p, sizeof(long double));
	double *t = calloc(p * p, sizeof(double)), *e = calloc(2 * p,
	    sizeof(double));

	if (meat == NULL || S == NULL || t == NULL || e == NULL)
		goto out;
	for (size_t j = 0; j < ncl; j++)	/* sum_j u_j u_j' */
		for (size_t a = 0; a < p; a++)
			for (size_t c = 0; c < p; c++)
				meat[a * p + c] += comp[j * p + a] * comp[j * p + c];
	mk_matmul(ainv, meat, t, p, p, p);
	mk_matmul(t, ainv, mo->vb, p, p, p);
	for (size_t i = 0; i < p * p; i++)
		mo->vb[i] *= cr1 ? n / (n - (double)p) : 1;
	mo->s2w = 1;
	mo->robust = cr1 ? 1 : 2;
	mo->nclusters = ncl;
	mo->df = cr1 ? n - (double)p : NAN;
	for (size_t j = 0; j < p; j++) {
		mo->se[j] = sqrt(mo->vb[j * p + j]);
		mo->stat[j] = mo->b[j] / mo->se[j];
		memset(e, 0, p * sizeof(double));	/* the unit contrast */
		e[j] = 1;
		mo->cdf[j] = cr1 ? n - (double)p : satterthwaite(gg, hs, p, ncl,
		    e, S, e + p);
		mo->pval[j] = mk_pvalue(mo->stat[j], mo->cdf[j]);
		double crit = mk_crit(mo->level, mo->cdf[j]);
		mo->lo[j] = mo->b[j] - crit * mo->se[j];
		mo->hi[j] = mo->b[j] + crit * mo->se[j];
	}
	if (p == 1)	/* predictions of a mean use its t df, as metafor */
		mo->df = mo->cdf[0];
	if (mo->m == 0)
		goto out;
	double Q = mk_wald(mo->b, mo->vb, p, first);
	if (cr1) {
		mo->qm = Q / (double)mo->m;
		mo->qm_df = (double)mo->m;
		mo->qm_df2 = n - (double)p;
		mo->qm_p = gsl_cdf_fdist_Q(mo->qm, mo->qm_df, mo->qm_df2);
	} else {
		htz(mo, gg, hs, ncl, first, Q);
	}
out:
	free(meat);
	free(S);
	free(t);
	free(e);
}

/* CR1's u_j = X_j' M_j^-1 e_j from per-cluster sums: M is block-diagonal
 * by blk (the rows of one block, which lies in one cluster, are the only
 * ones correlated; blk NULL: every row its own block, M diagonal), so u_j
 * is the sum of X_b' M_b^-1 e_b over the blocks b of cluster j. Time
 * O(sum_b n_b^3 + k p), memory O(max_b n_b^2): no dense cluster block
 * (a cluster of n rows took n^2 memory and n^3 time, 53 s for 10^4 rows in
 * 5 clusters). -1 when a block's covariance is not positive definite,
 * -2 out of memory. */
static int
cr1_sums(const mk_model *mo, const mk_design *d, const size_t *cl,
    const size_t *blk, size_t bstride, mk_cov_fn cov, void *ud, double *comp)
{
	size_t k = d->k, p = d->p, nb = 0, maxn = 1;
	size_t *start = NULL, *ord = NULL;
	double *M = NULL, *z = NULL;
	int rc = -2;		/* out of memory */

	for (size_t i = 0; blk != NULL && i < k; i++)
		nb = blk[i * bstride] + 1 > nb ? blk[i * bstride] + 1 : nb;
	if (blk != NULL) {	/* rows by block (counting sort) */
		start = calloc(nb + 2, sizeof(size_t));
		ord = malloc((k ? k : 1) * sizeof(size_t));
		if (start == NULL || ord == NULL)
			goto out;
		for (size_t i = 0; i < k; i++)
			start[blk[i * bstride] + 2]++;
		for (size_t b = 0; b < nb; b++) {
			maxn = start[b + 2] > maxn ? start[b + 2] : maxn;
			start[b + 2] += start[b + 1];
		}
		for (size_t i = 0; i < k; i++)
			ord[start[blk[i * bstride] + 1]++] = i;
	}
	M = malloc((maxn * maxn + maxn) * sizeof(double));
	if (M == NULL)
		goto out;
	z = M + maxn * maxn;
	for (size_t b = 0; b < (blk != NULL ? nb : k); b++) {
		size_t n = blk != NULL ? start[b + 1] - start[b] : 1;
		const size_t *rows = blk != NULL ? ord + start[b] : &b;
		if (n == 0)
			continue;
		cov(ud, rows, n, M);
		for (size_t i = 0; i < n; i++) {	/* e_b */
			long double fit = 0;
			for (size_t q = 0; q < p; q++)
				fit += (long double)d->x[rows[i] * p + q] *
				    mo->b[q];
			z[i] = d->y[rows[i]] - (double)fit;
		}
		rc = -1;	/* not positive definite */
		if (n == 1) {
			if (!(M[0] > 0))
				goto out;
			z[0] /= M[0];
		} else {	/* z = M_b^-1 e_b */
			gsl_matrix_view A = gsl_matrix_view_array(M, n, n);
			gsl_vector_view zv = gsl_vector_view_array(z, n);
			if (gsl_linalg_cholesky_decomp1(&A.matrix) !=
			    GSL_SUCCESS || gsl_linalg_cholesky_svx(&A.matrix,
			    &zv.vector) != GSL_SUCCESS)
				goto out;
		}
		double *u = comp + cl[rows[0]] * p;
		for (size_t q = 0; q < p; q++) {
			long double t = 0;
			for (size_t i = 0; i < n; i++)
				t += (long double)d->x[rows[i] * p + q] * z[i];
			u[q] += (double)t;
		}
	}
	rc = 0;
out:
	free(start);
	free(ord);
	free(M);
	return rc;
}

int
mk_robust(mk_model *mo, const mk_design *d, const size_t *cl, size_t ncl,
    int type, const size_t *blk, size_t bstride, mk_cov_fn cov, void *ud,
    mk_err *err)
{
	size_t k = d->k, p = d->p;
	size_t *start = calloc(ncl + 1, sizeof(size_t));
	size_t *ord = malloc(k * sizeof(size_t)), *pos = NULL;
	double *ainv = malloc(p * p * sizeof(double));
	double *comp = calloc(ncl * p, sizeof(double));
	double *gg = NULL, *hs = NULL;	/* per cluster G G' and H (p x p) */
	mk_cr2 *c2 = NULL;
	int rc = -1, cr1 = type == MK_CR1;

	if (!start || !ord || !ainv || !comp)
		goto oom;
	if (ncl < 2 || ncl <= p) {
		mk_err_set(err, "", 0, "", "--robust needs more clusters (%zu) "
		    "than coefficients (%zu)", ncl, p);
		goto out;
	}
	for (size_t i = 0; i < k; i++)	/* rows by cluster */
		start[cl[i] + 1]++;
	for (size_t j = 0; j < ncl; j++)
		start[j + 1] += start[j];
	pos = malloc((ncl + 1) * sizeof(size_t));
	if (pos == NULL)
		goto oom;
	memcpy(pos, start, (ncl + 1) * sizeof(size_t));
	for (size_t i = 0; i < k; i++)
		ord[pos[cl[i]]++] = i;
	/* the model's A^-1 (vb / s2w) and its lower Cholesky factor */
	for (size_t i = 0; i < p * p; i++)
		ainv[i] = mo->vb[i] / mo->s2w;
	if (cr1) {
		int r1 = cr1_sums(mo, d, cl, blk, bstride, cov, ud, comp);
		if (r1 == -2)
			goto oom;
		if (r1 != 0)
			goto singular;
		finish(mo, ainv, comp, NULL, NULL, ncl, 1);
		rc = 0;
		goto out;
	}
	gg = calloc(p * p * ncl, sizeof(double));
	hs = calloc(p * p * ncl, sizeof(double));
	if (!gg || !hs)
		goto oom;
	int r = 0;
	if ((c2 = mk_cr2_new(ainv, p, &r)) == NULL)
		goto fail;
	for (size_t j = 0; j < ncl && r == 0; j++)
		r = mk_cr2_cluster(c2, type, mo, d, ord + start[j],
		    start[j + 1] - start[j], blk, bstride, cov, ud,
		    comp + j * p, gg + j * p * p, hs + j * p * p);
fail:
	if (r == -2)
		goto oom;
	if (r != 0)
		goto singular;
	finish(mo, ainv, comp, gg, hs, ncl, cr1);
	if (!cr1) {	/* kept for the df of predictions */
		free(mo->rob_gg);
		free(mo->rob_hs);
		mo->rob_gg = gg;
		mo->rob_hs = hs;
		gg = hs = NULL;
	}
	rc = 0;
	goto out;
singular:
	mk_err_set(err, "", 0, "", "--robust: a cluster's covariance matrix "
	    "is singular");
	goto out;
oom:
	mk_err_set(err, "", 0, "", "out of memory");
out:
	free(start);
	free(ord);
	free(pos);
	free(ainv);
	free(comp);
	free(gg);
	free(hs);
	mk_cr2_free(c2);
	return rc;
}
