/* robust.c: cluster-robust inference for a fitted model (--robust COL).
 * CR1 as metafor's robust(adjust = TRUE): the sandwich A^-1 (sum_j u_j
 * u_j') A^-1, u_j = X_j' W_j e_j, scaled by n/(n - p), t tests with n - p
 * df and F(m, n - p). CR2 as R's clubSandwich (Pustejovsky & Tipton 2018,
 * J Bus Econ Stat 36:672; metafor's robust(clubSandwich = TRUE)): the
 * residuals of cluster j adjusted by A_j = L G_j^-1/2 L' (M_j = L L', G_j
 * = L'(I - X_j A^-1 X_j' W_j) M_j L), Satterthwaite df for each
 * coefficient and the Hotelling T^2 approximation "HTZ" for the test of
 * moderators. Every quantity is a sum over clusters: no n x n matrix of
 * clusters is formed. W_j = M_j^-1, M_j the model's marginal covariance of
 * the cluster's rows (mk_cov_fn), A = X'M^-1X. CR1 needs only u_j, summed
 * over the blocks of M within the cluster (cr1_sums: O(k) for one tau2);
 * CR2's adjustment is a matrix function of the whole cluster's n_j x n_j
 * G_j, which no structure of M makes cheaper in general: O(n_j^3) time
 * and O(n_j^2) memory for the largest cluster. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "fit/internal.h"

/* Lower Cholesky factor of M in place (upper part zeroed); -1 if not PD. */
static int
chol_lower(double *M, size_t n)
{
	gsl_matrix_view A = gsl_matrix_view_array(M, n, n);

	if (gsl_linalg_cholesky_decomp1(&A.matrix) != GSL_SUCCESS)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			M[i * n + j] = 0;
	return 0;
}

/* c = a b for row-major a (r x q) and b (q x s). */
static void
mul(const double *a, const double *b, double *c, size_t r, size_t q,
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

/* S^p of a symmetric S (n x n) by its eigen decomposition, eigenvalues
 * at or below 1e-12 of the largest one in magnitude set to 0; in place.
 * clubSandwich's matrix_power (0.5.8) cuts at an absolute 1e-12, but S
 * carries the data's scale: with effects of 1e-3 every eigenvalue fell
 * below it and the SEs came out 0. Where clubSandwich's answer is not
 * degenerate the two agree. */
static int
sym_power(double *S, size_t n, double pw, double *tmp)
{
	gsl_matrix_view A = gsl_matrix_view_array(S, n, n);
	gsl_vector *val = gsl_vector_alloc(n);
	gsl_matrix *vec = gsl_matrix_alloc(n, n);
	gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
	int rc = -1;

	if (val && vec && ws && gsl_eigen_symmv(&A.matrix, val, vec, ws) ==
	    GSL_SUCCESS) {
		double emax = 0;
		for (size_t i = 0; i < n; i++)
			emax = fmax(emax, fabs(gsl_vector_get(val, i)));
		for (size_t i = 0; i < n; i++) {
			double e = gsl_vector_get(val, i);
			tmp[i] = e > 1e-12 * emax ? pow(e, pw) : 0;
		}
		for (size_t i = 0; i < n; i++)	/* V diag(e^p) V' */
			for (size_t j = 0; j < n; j++) {
				long double t = 0;
				for (size_t l = 0; l < n; l++)
					t += (long double)gsl_matrix_get(vec, i, l) *
					    tmp[l] * gsl_matrix_get(vec, j, l);
				S[i * n + j] = (double)t;
			}
		rc = 0;
	}
	gsl_vector_free(val);
	gsl_matrix_free(vec);
	gsl_eigen_symmv_free(ws);
	return rc;
}

struct cluster_work {
	double *M, *Lc, *W, *IH, *G, *A, *E, *XA, *tmp, *xj, *ej;
};

/* Scratch for one cluster of n rows with p coefficients: the square
 * buffers also hold p x n and p x p products (a cluster may have fewer
 * rows than the model has coefficients), so each takes the largest. */
static int
work_alloc(struct cluster_work *w, size_t n, size_t p)
{
	size_t m = n * n;

	m = n * p > m ? n * p : m;
	m = p * p > m ? p * p : m;
	w->M = malloc((7 * m + 3 * n * p + 2 * n) * sizeof(double));
	if (w->M == NULL)
		return -1;
	w->Lc = w->M + m;
	w->W = w->Lc + m;
	w->IH = w->W + m;	/* n x n, then p x n */
	w->G = w->IH + m;
	w->A = w->G + m;	/* n x n, then p x n */
	w->tmp = w->A + m;	/* n x n, p x n or p x p */
	w->E = w->tmp + m;	/* p x n */
	w->XA = w->E + p * n;	/* n x p */
	w->xj = w->XA + n * p;	/* n x p */
	w->ej = w->xj + n * p;	/* n (and n scratch) */
	return 0;
}

/* Satterthwaite df of the contrast c'b (clubSandwich's coef_test and
 * linear_contrast): with P[j, j'] = [j = j'] g_j - h_j.h_j' (g_j = c'(G_j
 * G_j')c, h_j = c'H_j), df = (tr P)^2 / sum P^2, the sums taken over
 * clusters; a coefficient is the contrast of a unit vector. S: p x p
 * scratch. */
static double
satterthwaite(const double *gg, const double *hs, size_t p, size_t ncl,
    const double *c, long double *S, double *h)
{
	long double e = 0, ss = 0;

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
			h[u] = (double)t;
		}
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
	if (sym_power(om, q, -0.5, tmp) != 0)
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
	mul(ainv, meat, t, p, p, p);
	mul(t, ainv, mo->vb, p, p, p);
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
    int cr1, const size_t *blk, size_t bstride, mk_cov_fn cov, void *ud,
    mk_err *err)
{
	size_t k = d->k, p = d->p, maxn = 0;
	size_t *start = calloc(ncl + 1, sizeof(size_t));
	size_t *ord = malloc(k * sizeof(size_t)), *pos = NULL;
	double *ainv = malloc(p * p * sizeof(double)), *la = NULL;
	double *comp = calloc(ncl * p, sizeof(double));
	double *gg = NULL, *hs = NULL;	/* per cluster G G' and H (p x p) */
	struct cluster_work w = { 0 };
	int rc = -1;

	if (!start || !ord || !ainv || !comp)
		goto oom;
	if (ncl < 2 || ncl <= p) {
		mk_err_set(err, "", 0, "", "--robust needs more clusters (%zu) "
		    "than coefficients (%zu)", ncl, p);
		goto out;
	}
	for (size_t i = 0; i < k; i++)	/* rows by cluster */
		start[cl[i] + 1]++;
	for (size_t j = 0; j < ncl; j++) {
		maxn = start[j + 1] > maxn ? start[j + 1] : maxn;
		start[j + 1] += start[j];
	}
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
	la = malloc(p * p * sizeof(double));
	gg = malloc(p * p * ncl * sizeof(double));
	hs = malloc(p * p * ncl * sizeof(double));
	if (!la || !gg || !hs || work_alloc(&w, maxn, p) != 0)
		goto oom;
	memcpy(la, ainv, p * p * sizeof(double));
	if (chol_lower(la, p) != 0)
		goto singular;
	for (size_t j = 0; j < ncl; j++) {
		size_t n = start[j + 1] - start[j];
		const size_t *rows = ord + start[j];
		cov(ud, rows, n, w.M);
		memcpy(w.Lc, w.M, n * n * sizeof(double));
		if (chol_lower(w.Lc, n) != 0)
			goto singular;
		memcpy(w.W, w.Lc, n * n * sizeof(double));
		gsl_matrix_view Wv = gsl_matrix_view_array(w.W, n, n);
		for (size_t i = 0; i < n; i++)	/* the full factor for invert */
			for (size_t l = i + 1; l < n; l++)
				w.W[i * n + l] = w.W[l * n + i];
		if (gsl_linalg_cholesky_invert(&Wv.matrix) != GSL_SUCCESS)
			goto singular;
		for (size_t i = 0; i < n; i++) {	/* X_j and e_j */
			double fit = 0;
			for (size_t q = 0; q < p; q++) {
				w.xj[i * p + q] = d->x[rows[i] * p + q];
				fit += w.xj[i * p + q] * mo->b[q];
			}
			w.ej[i] = d->y[rows[i]] - fit;
		}
		/* E = X_j' W_j (p x n) */
		for (size_t q = 0; q < p; q++)
			for (size_t i = 0; i < n; i++) {
				long double t = 0;
				for (size_t l = 0; l < n; l++)
					t += (long double)w.xj[l * p + q] *
					    w.W[l * n + i];
				w.E[q * n + i] = (double)t;
			}
		if (!cr1) {
			/* IH = I - X_j A^-1 E (n x n) */
			mul(w.xj, ainv, w.XA, n, p, p);
			mul(w.XA, w.E, w.IH, n, p, n);
			for (size_t i = 0; i < n * n; i++)
				w.IH[i] = (i % (n + 1) == 0) - w.IH[i];
			/* G = L' IH M L */
			mul(w.IH, w.M, w.tmp, n, n, n);
			mul(w.tmp, w.Lc, w.G, n, n, n);	/* IH M L */
			for (size_t i = 0; i < n; i++)	/* L' (.) */
				for (size_t l = 0; l < n; l++) {
					long double t = 0;
					for (size_t q = i; q < n; q++)
						t += (long double)w.Lc[q * n + i] *
						    w.G[q * n + l];
					w.A[i * n + l] = (double)t;
				}
			for (size_t i = 0; i < n; i++)	/* symmetrise */
				for (size_t l = 0; l < i; l++)
					w.A[i * n + l] = w.A[l * n + i] =
					    (w.A[i * n + l] + w.A[l * n + i]) / 2;
			if (sym_power(w.A, n, -0.5, w.ej + n) != 0)
				goto singular;
			/* adjustment L G^-1/2 L', then E <- E adj */
			mul(w.Lc, w.A, w.tmp, n, n, n);
			for (size_t i = 0; i < n; i++)
				for (size_t l = 0; l < n; l++) {
					long double t = 0;
					for (size_t q = 0; q <= l; q++)
						t += (long double)w.tmp[i * n + q] *
						    w.Lc[l * n + q];
					w.G[i * n + l] = (double)t;
				}
			mul(w.E, w.G, w.tmp, p, n, n);
			memcpy(w.E, w.tmp, p * n * sizeof(double));
			/* Satterthwaite pieces: ME = A^-1 E, G = ME L (kept as
			 * G G'), H = ME X L_A */
			double *me = w.IH, *g = w.A;	/* p x n each, reused */
			mul(ainv, w.E, me, p, p, n);
			mul(me, w.Lc, g, p, n, n);
			for (size_t a = 0; a < p; a++)
				for (size_t c = 0; c < p; c++) {
					long double t = 0;
					for (size_t i = 0; i < n; i++)
						t += (long double)g[a * n + i] *
						    g[c * n + i];
					gg[(j * p + a) * p + c] = (double)t;
				}
			mul(me, w.xj, w.tmp, p, n, p);
			mul(w.tmp, la, hs + j * p * p, p, p, p);
		}
		for (size_t q = 0; q < p; q++) {	/* u_j = E e_j */
			long double t = 0;
			for (size_t i = 0; i < n; i++)
				t += (long double)w.E[q * n + i] * w.ej[i];
			comp[j * p + q] = (double)t;
		}
	}
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
	free(la);
	free(comp);
	free(gg);
	free(hs);
	free(w.M);
	return rc;
}
