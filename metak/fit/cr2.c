/* cr2.c: CR2's pieces of one cluster for robust.c (clubSandwich's
 * adjustment A_j = L G_j^-1/2 L', M_j = L L', G_j = L'(M_j - X_j A^-1
 * X_j')L): the adjusted score u_j and the p x p pieces of the Satterthwaite
 * df, by the cheaper of two exact computations: dense n_j x n_j matrices
 * (O(n_j^3)) or, without one, a low-rank quadrature (O(n_j p^2)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

struct cluster_work {
	size_t cap;		/* rows the buffers hold */
	double *M, *Lc, *W, *IH, *G, *A, *E, *XA, *tmp, *xj, *ej, *as;
};

/* Scratch for one cluster of n rows with p coefficients: the square
 * buffers also hold p x n and p x p products (a cluster may have fewer
 * rows than the model has coefficients), so each takes the largest. */
static int
work_alloc(struct cluster_work *w, size_t n, size_t p)
{
	size_t m = n * n;

	if (w->cap >= n)
		return 0;
	free(w->M);
	w->cap = 0;
	m = n * p > m ? n * p : m;
	m = p * p > m ? p * p : m;
	w->M = malloc((7 * m + 3 * n * p + p * p + 2 * n) * sizeof(double));
	if (w->M == NULL)
		return -1;
	w->cap = n;
	w->Lc = w->M + m;
	w->W = w->Lc + m;
	w->IH = w->W + m;	/* n x n, then p x n */
	w->G = w->IH + m;
	w->A = w->G + m;	/* n x n, then p x n */
	w->tmp = w->A + m;	/* n x n, p x n or p x p */
	w->E = w->tmp + m;	/* p x n */
	w->XA = w->E + p * n;	/* n x p */
	w->xj = w->XA + n * p;	/* n x p */
	w->ej = w->xj + n * p;	/* n */
	w->as = w->ej + 2 * n;	/* p x p */
	return 0;
}

/* CR2's pieces of one cluster of n rows, dense: M_j, its factor L, W_j =
 * M_j^-1 and G_j as n x n matrices, G_j^-1/2 by its eigen decomposition.
 * u = E e (the adjusted score), g = G G' and h = H (p x p each) for the
 * Satterthwaite df. M_j is scaled by its largest variance c first (and
 * A^-1 with it; the adjustment does not change, E scales by c): G_j is
 * of M's squared scale and underflowed to 0 at variances of 1e-160, SEs
 * 0. 0, -1 when M_j or G_j fails, -2 out of memory. */
static int
cr2_dense(const mk_model *mo, const mk_design *d, const size_t *rows,
    size_t n, mk_cov_fn cov, void *ud, const double *ainv, const double *la,
    struct cluster_work *w, double *u, double *gg, double *hs)
{
	size_t p = d->p;

	if (work_alloc(w, n, p) != 0)
		return -2;
	cov(ud, rows, n, w->M);
	double c = 0, *as = w->as;	/* A^-1 / c */
	for (size_t i = 0; i < n; i++)
		c = fmax(c, w->M[i * n + i]);
	if (!(c > 0) || !isfinite(c))
		return -1;
	for (size_t i = 0; i < n * n; i++)
		w->M[i] /= c;
	for (size_t i = 0; i < p * p; i++)
		as[i] = ainv[i] / c;
	memcpy(w->Lc, w->M, n * n * sizeof(double));
	if (chol_lower(w->Lc, n) != 0)
		return -1;
	memcpy(w->W, w->Lc, n * n * sizeof(double));
	gsl_matrix_view Wv = gsl_matrix_view_array(w->W, n, n);
	for (size_t i = 0; i < n; i++)	/* the full factor for invert */
		for (size_t l = i + 1; l < n; l++)
			w->W[i * n + l] = w->W[l * n + i];
	if (gsl_linalg_cholesky_invert(&Wv.matrix) != GSL_SUCCESS)
		return -1;
	for (size_t i = 0; i < n; i++) {	/* X_j and e_j */
		double fit = 0;
		for (size_t q = 0; q < p; q++) {
			w->xj[i * p + q] = d->x[rows[i] * p + q];
			fit += w->xj[i * p + q] * mo->b[q];
		}
		w->ej[i] = d->y[rows[i]] - fit;
	}
	for (size_t q = 0; q < p; q++)	/* E = X_j' W_j (p x n) */
		for (size_t i = 0; i < n; i++) {
			long double t = 0;
			for (size_t l = 0; l < n; l++)
				t += (long double)w->xj[l * p + q] *
				    w->W[l * n + i];
			w->E[q * n + i] = (double)t;
		}
	mk_matmul(w->xj, as, w->XA, n, p, p);	/* IH = I - X_j A^-1 E */
	mk_matmul(w->XA, w->E, w->IH, n, p, n);
	for (size_t i = 0; i < n * n; i++)
		w->IH[i] = (i % (n + 1) == 0) - w->IH[i];
	mk_matmul(w->IH, w->M, w->tmp, n, n, n);	/* G = L' IH M L */
	mk_matmul(w->tmp, w->Lc, w->G, n, n, n);
	for (size_t i = 0; i < n; i++)
		for (size_t l = 0; l < n; l++) {
			long double t = 0;
			for (size_t q = i; q < n; q++)
				t += (long double)w->Lc[q * n + i] *
				    w->G[q * n + l];
			w->A[i * n + l] = (double)t;
		}
	for (size_t i = 0; i < n; i++)	/* symmetrise */
		for (size_t l = 0; l < i; l++)
			w->A[i * n + l] = w->A[l * n + i] =
			    (w->A[i * n + l] + w->A[l * n + i]) / 2;
	if (mk_sym_power(w->A, n, -0.5) != 0)
		return -1;
	mk_matmul(w->Lc, w->A, w->tmp, n, n, n);	/* L G^-1/2 L', E <- E (.) */
	for (size_t i = 0; i < n; i++)
		for (size_t l = 0; l < n; l++) {
			long double t = 0;
			for (size_t q = 0; q <= l; q++)
				t += (long double)w->tmp[i * n + q] *
				    w->Lc[l * n + q];
			w->G[i * n + l] = (double)t;
		}
	mk_matmul(w->E, w->G, w->tmp, p, n, n);
	memcpy(w->E, w->tmp, p * n * sizeof(double));
	/* ME = A^-1 E, g = ME L (kept as g g'), H = ME X L_A */
	double *me = w->IH, *g = w->A;	/* p x n each, reused */
	mk_matmul(as, w->E, me, p, p, n);
	mk_matmul(me, w->Lc, g, p, n, n);
	for (size_t a = 0; a < p; a++)
		for (size_t b = 0; b < p; b++) {
			long double t = 0;
			for (size_t i = 0; i < n; i++)
				t += (long double)g[a * n + i] * g[b * n + i];
			gg[a * p + b] = (double)t * c;
		}
	mk_matmul(me, w->xj, w->tmp, p, n, p);
	mk_matmul(w->tmp, la, hs, p, p, p);
	for (size_t q = 0; q < p; q++) {	/* u = E e_j */
		long double t = 0;
		for (size_t i = 0; i < n; i++)
			t += (long double)w->E[q * n + i] * w->ej[i];
		u[q] = (double)t / c;
	}
	return 0;
}

/* What every cluster's low-rank CR2 shares: the model's A^-1, its factor
 * L_A (L_A L_A' = A^-1) and A; scratch grown to the largest cluster. */
struct lowrank {
	const double *ainv, *la, *a;
	double *buf;
	size_t cap, *key;
};

static int
by_block(const void *x, const void *y)
{
	const size_t *a = x, *b = y;

	return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 :
	    a[1] > b[1];
}

/* Dense work is O(n^3); the low-rank path about 450 quadrature nodes of
 * O(n p^2) each (measured crossover, bench/RESULTS.md). */
static int
lowrank_cheaper(size_t n, size_t p)
{
	return n * n > 50 * (p + 1) * (p + 1);
}

/* The rotation of a cluster to independent rows: its rows sorted by
 * block, each block's M_b = P diag(om) P' (eigen decomposition), x~ =
 * P'X_b and e~ = P'e_b into xt (n x p) and et, om into om. 0, -1 when a
 * block is not positive definite, -2 out of memory. */
static int
rotate(const mk_model *mo, const mk_design *d, const size_t *rows,
    size_t n, const size_t *blk, size_t bstride, mk_cov_fn cov, void *ud,
    size_t *key, double *xt, double *et, double *om)
{
	size_t p = d->p, maxb = 1;
	int rc = -2;

	for (size_t i = 0; i < n; i++) {	/* (block, row) pairs */
		key[2 * i] = blk != NULL ? blk[rows[i] * bstride] : i;
		key[2 * i + 1] = rows[i];
	}
	qsort(key, n, 2 * sizeof(size_t), by_block);
	for (size_t i = 0, b; i < n; i = b) {
		for (b = i; b < n && key[2 * b] == key[2 * i]; b++)
			;
		maxb = b - i > maxb ? b - i : maxb;
	}
	size_t *br = malloc(maxb * sizeof(size_t));
	double *M = malloc((maxb * maxb + 2 * maxb) * sizeof(double));
	gsl_matrix *vec = maxb > 1 ? gsl_matrix_alloc(maxb, maxb) : NULL;
	if (br == NULL || M == NULL || (maxb > 1 && vec == NULL))
		goto out;
	rc = -1;
	for (size_t i = 0, b; i < n; i = b) {
		for (b = i; b < n && key[2 * b] == key[2 * i]; b++)
			br[b - i] = key[2 * b + 1];
		size_t nb = b - i;
		double *e = M + maxb * maxb, *ev = e + maxb;
		cov(ud, br, nb, M);
		for (size_t r = 0; r < nb; r++) {	/* e_b */
			long double fit = 0;
			for (size_t q = 0; q < p; q++)
				fit += (long double)d->x[br[r] * p + q] * mo->b[q];
			e[r] = d->y[br[r]] - (double)fit;
		}
		if (nb == 1) {
			om[i] = M[0];
			et[i] = e[0];
			memcpy(xt + i * p, d->x + br[0] * p, p * sizeof(double));
		} else {
			gsl_matrix_view A = gsl_matrix_view_array(M, nb, nb);
			gsl_matrix_view V = gsl_matrix_submatrix(vec, 0, 0, nb,
			    nb);
			gsl_vector_view val = gsl_vector_view_array(ev, nb);
			gsl_eigen_symmv_workspace *w1 = gsl_eigen_symmv_alloc(nb);
			int ok = w1 != NULL && gsl_eigen_symmv(&A.matrix,
			    &val.vector, &V.matrix, w1) == GSL_SUCCESS;
			gsl_eigen_symmv_free(w1);
			if (!ok)
				goto out;
			for (size_t c = 0; c < nb; c++) {	/* P' X_b, P' e_b */
				long double te = 0;
				om[i + c] = ev[c];
				for (size_t r = 0; r < nb; r++)
					te += (long double)gsl_matrix_get(&V.matrix,
					    r, c) * e[r];
				et[i + c] = (double)te;
				for (size_t q = 0; q < p; q++) {
					long double tx = 0;
					for (size_t r = 0; r < nb; r++)
						tx += (long double)gsl_matrix_get(
						    &V.matrix, r, c) *
						    d->x[br[r] * p + q];
					xt[(i + c) * p + q] = (double)tx;
				}
			}
		}
		for (size_t c = i; c < b; c++)
			if (!(om[c] > 0) || !isfinite(om[c]))
				goto out;
	}
	rc = 0;
out:
	free(br);
	free(M);
	gsl_matrix_free(vec);
	return rc;
}

/* p x p products: c = a' b (at) or a b, in long double. */
static void
mul_p(const double *a, const double *b, double *c, size_t p, int at)
{
	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j < p; j++) {
			long double t = 0;
			for (size_t l = 0; l < p; l++)
				t += (long double)(at ? a[l * p + i] :
				    a[i * p + l]) * b[l * p + j];
			c[i * p + j] = (double)t;
		}
}

/* CR2's pieces of one cluster (as cr2_dense) without an n x n matrix.
 * Rotated to independent rows (rotate: M_j = Y Y', Y = P Om^1/2, Y'Y =
 * Om diagonal; the adjustment M # (M - X A^-1 X')^-1 is the same for every
 * factor of M), G = Om^2 - Z A^-1 Z' with Z = Om^1/2 x~ is diagonal minus
 * rank p, and with F = Om^-1/2 x~, Phi = G^+1/2 F (mk_isqrt_lowrank):
 * u = Phi' Om^1/2 e~, E M E' = Phi' Om^2 Phi, E X = Phi' Z. G is singular
 * where the other clusters leave a direction c of b unidentified (K c = 0,
 * K = A - A_j, relative to A: eigenvalues nu of L_A' K L_A at or below
 * 1e-12): its null space Om^-2 Z c is lifted to the top of G's spectrum
 * and its part taken out again, the pseudo-inverse's power as the dense
 * path. Om is scaled by its largest value c (the pieces scale by 1/c).
 * 1 when the variances span more than a double can square. */
static int
cr2_lowrank(const mk_model *mo, const mk_design *d, const size_t *rows,
    size_t n, const size_t *blk, size_t bstride, mk_cov_fn cov, void *ud,
    struct lowrank *lr, double *u, double *gg, double *hs)
{
	size_t p = d->p, q = 2 * p, nd = 0;
	size_t need = n * (4 * p + q + 3) + 3 * q * q + 6 * p * p + 2 * p;

	if (lr->cap < need) {
		free(lr->buf);
		free(lr->key);
		lr->buf = malloc(need * sizeof(double));
		lr->key = malloc(2 * n * sizeof(size_t));
		lr->cap = lr->buf && lr->key ? need : 0;
		if (lr->cap == 0)
			return -2;
	}
	double *xt = lr->buf, *et = xt + n * p, *om = et + n, *dd = om + n;
	double *U = dd + n, *F = U + n * q, *phi = F + n * p, *tmp = phi + n * p;
	double *C0 = tmp + n * p, *K = C0 + q * q, *T = K + p * p;
	double *nu = T + p * p, *W = nu + p, *cd = W + p * p, *S = cd + p * p;
	double *S2 = S + p * p, *gram = S2 + p * p;
	int rc = rotate(mo, d, rows, n, blk, bstride, cov, ud, lr->key, xt,
	    et, om);
	if (rc != 0)
		return rc;
	double c = 0, dmin = 1;
	for (size_t i = 0; i < n; i++)
		c = fmax(c, om[i]);
	for (size_t i = 0; i < n; i++) {
		om[i] /= c;
		dd[i] = om[i] * om[i];
		dmin = fmin(dmin, dd[i]);
	}
	if (!(dmin > 1e-290))
		return 1;
	/* K = A - A_j (A_j = x~' Om^-1 x~), nu and W of L_A' K L_A */
	for (size_t a = 0; a < p; a++)
		for (size_t b = 0; b < p; b++) {
			long double t = 0;
			for (size_t i = 0; i < n; i++)
				t += (long double)xt[i * p + a] * xt[i * p + b] /
				    om[i];
			K[a * p + b] = lr->a[a * p + b] - (double)(t / c);
		}
	mul_p(K, lr->la, S, p, 0);
	mul_p(lr->la, S, T, p, 1);
	{
		gsl_matrix_view Tv = gsl_matrix_view_array(T, p, p);
		gsl_matrix_view Wv = gsl_matrix_view_array(W, p, p);
		gsl_vector_view nv = gsl_vector_view_array(nu, p);
		gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(p);
		int ok = ws != NULL && gsl_eigen_symmv(&Tv.matrix, &nv.vector,
		    &Wv.matrix, ws) == GSL_SUCCESS;
		gsl_eigen_symmv_free(ws);
		if (!ok)
			return ws == NULL ? -2 : -1;
	}
	double numin = 1;
	for (size_t l = 0; l < p; l++) {	/* null directions c = L_A w */
		if (nu[l] > 1e-12) {
			numin = fmin(numin, nu[l]);
			continue;
		}
		for (size_t a = 0; a < p; a++) {
			long double t = 0;
			for (size_t b = 0; b < p; b++)
				t += (long double)lr->la[a * p + b] * W[b * p + l];
			cd[nd * p + a] = (double)t;
		}
		nd++;
	}
	q = p + nd;
	for (size_t i = 0; i < n; i++) {	/* U = [Z, Z0], F */
		double so = sqrt(om[i]);
		for (size_t a = 0; a < p; a++) {
			U[i * q + a] = so * xt[i * p + a];
			F[i * p + a] = xt[i * p + a] / so;
		}
		for (size_t l = 0; l < nd; l++) {
			long double t = 0;
			for (size_t a = 0; a < p; a++)
				t += (long double)xt[i * p + a] * cd[l * p + a];
			U[i * q + p + l] = (double)t / (om[i] * so);
		}
	}
	for (size_t l = 0; l < nd; l++) {	/* unit columns of Z0 */
		long double t = 0;
		for (size_t i = 0; i < n; i++)
			t += (long double)U[i * q + p + l] * U[i * q + p + l];
		double s = 1 / sqrt((double)t);
		for (size_t i = 0; i < n; i++)
			U[i * q + p + l] *= s;
	}
	/* C0 = [-cK, Z'D^-1 Z0; Z0'D^-1 Z, Z0'Z0 + Z0'D^-1 Z0] */
	for (size_t a = 0; a < q; a++)
		for (size_t b = 0; b < q; b++) {
			long double t = 0, g = 0;
			if (a < p && b < p) {
				C0[a * q + b] = -c * K[a * p + b];
				continue;
			}
			for (size_t i = 0; i < n; i++) {
				t += (long double)U[i * q + a] * U[i * q + b] /
				    dd[i];
				g += (long double)U[i * q + a] * U[i * q + b];
			}
			C0[a * q + b] = (double)(a >= p && b >= p ? t + g : t);
			if (a >= p && b >= p)
				gram[(a - p) * nd + b - p] = (double)g;
		}
	rc = mk_isqrt_lowrank(n, q, dd, U, C0, 0.5 * dmin * numin, 1, F, p,
	    phi);
	if (rc != 0)
		return rc;
	if (nd > 0) {	/* phi -= Z0 (Z0'Z0)^-1 Z0' F */
		if (mk_spd_inv(gram, nd, 1, NULL) != 0)
			return -1;
		for (size_t l = 0; l < nd; l++)
			for (size_t b = 0; b < p; b++) {
				long double t = 0;
				for (size_t i = 0; i < n; i++)
					t += (long double)U[i * q + p + l] *
					    F[i * p + b];
				S[l * p + b] = (double)t;
			}
		mk_matmul(gram, S, S2, nd, nd, p);
		for (size_t i = 0; i < n; i++)
			for (size_t b = 0; b < p; b++)
				for (size_t l = 0; l < nd; l++)
					phi[i * p + b] -= U[i * q + p + l] *
					    S2[l * p + b];
	}
	for (size_t a = 0; a < p; a++) {	/* u, E M E', E X (1/c each) */
		long double tu = 0;
		for (size_t i = 0; i < n; i++)
			tu += (long double)phi[i * p + a] * sqrt(om[i]) * et[i];
		u[a] = (double)tu / c;
		for (size_t b = 0; b < p; b++) {
			long double tm = 0, tx = 0;
			for (size_t i = 0; i < n; i++) {
				tm += (long double)phi[i * p + a] * dd[i] *
				    phi[i * p + b];
				tx += (long double)phi[i * p + a] * U[i * q + b];
			}
			S[a * p + b] = (double)tm / c;
			S2[a * p + b] = (double)tx / c;
		}
	}
	mul_p(lr->ainv, S, T, p, 0);	/* g = A^-1 EME A^-1 */
	mul_p(T, lr->ainv, gg, p, 0);
	mul_p(lr->ainv, S2, T, p, 0);	/* h = A^-1 EX L_A */
	mul_p(T, lr->la, hs, p, 0);
	return 0;
}

struct mk_cr2 {
	size_t p;
	double *ainv, *la, *a;	/* A^-1, L_A (L_A L_A' = A^-1), A */
	struct cluster_work w;
	struct lowrank lr;
};

mk_cr2 *
mk_cr2_new(const double *ainv, size_t p, int *rc)
{
	mk_cr2 *c = calloc(1, sizeof(*c));
	double sa = 0;	/* L_A and A from A^-1 / sa: no square overflows */

	*rc = -2;
	if (c == NULL || (c->ainv = malloc(3 * p * p * sizeof(double))) ==
	    NULL) {
		free(c);
		return NULL;
	}
	c->p = p;
	c->la = c->ainv + p * p;
	c->a = c->la + p * p;
	memcpy(c->ainv, ainv, p * p * sizeof(double));
	for (size_t i = 0; i < p; i++)
		sa = fmax(sa, ainv[i * p + i]);
	for (size_t i = 0; i < p * p; i++)
		c->la[i] = c->a[i] = ainv[i] / sa;
	*rc = -1;
	if (!(sa > 0) || !isfinite(sa) || chol_lower(c->la, p) != 0 ||
	    mk_spd_inv(c->a, p, 1, NULL) != 0) {
		mk_cr2_free(c);
		return NULL;
	}
	for (size_t i = 0; i < p * p; i++) {
		c->la[i] *= sqrt(sa);
		c->a[i] /= sa;
	}
	c->lr.ainv = c->ainv;
	c->lr.la = c->la;
	c->lr.a = c->a;
	*rc = 0;
	return c;
}

int
mk_cr2_cluster(mk_cr2 *c, int type, const mk_model *mo, const mk_design *d,
    const size_t *rows, size_t n, const size_t *blk, size_t bstride,
    mk_cov_fn cov, void *ud, double *u, double *gg, double *hs)
{
	int r = 1;

	if (type == MK_CR2_LOWRANK || (type == MK_CR2 &&
	    lowrank_cheaper(n, c->p)))
		r = cr2_lowrank(mo, d, rows, n, blk, bstride, cov, ud, &c->lr,
		    u, gg, hs);
	if (r == 1)	/* dense by choice, or the scale needs it */
		r = cr2_dense(mo, d, rows, n, cov, ud, c->ainv, c->la, &c->w,
		    u, gg, hs);
	return r;
}

void
mk_cr2_free(mk_cr2 *c)
{
	if (c == NULL)
		return;
	free(c->ainv);
	free(c->w.M);
	free(c->lr.buf);
	free(c->lr.key);
	free(c);
}
