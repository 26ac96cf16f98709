/* mlm.c: multilevel models with nested random intercepts, as metafor's
 * rma.mv(yi, V, random = ~ 1 | A/B/...): y = X b + u_A + u_AB + ... + e,
 * one variance component per level, fitted by REML or ML. The marginal
 * covariance M = V + sum_l sigma2_l Z_l Z_l' is block-diagonal by the
 * outermost level, so every quantity is a sum over blocks of dense n_c x n_c
 * algebra (GSL Cholesky): no k-by-k matrix, memory linear in k. Fisher
 * scoring uses the exact score and information of the (restricted)
 * likelihood (Searle, Casella & McCulloch 1992, ch. 6). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "internal.h"

void
mk_ml_free(mk_ml *m)
{
	if (m == NULL)
		return;
	free(m->ord);
	free(m->bstart);
	free(m->loc);
	free(m->nloc);
	free(m->work);
	memset(m, 0, sizeof(*m));
}

/* Rows in block order (stable by outermost group), block starts, and each
 * row's group index within its block at every level. */
int
mk_ml_setup(mk_ml *m, const mk_design *d, const size_t *gid,
    const size_t *ng, size_t L, double rho, int reml)
{
	size_t k = d->k, nb = ng[0], *count = calloc(nb + 1, sizeof(size_t));
	size_t *seen = NULL;

	memset(m, 0, sizeof(*m));
	m->d = *d;
	m->L = L;
	m->gid = gid;
	m->ng = ng;
	m->rho = rho;
	m->reml = reml;
	m->nb = nb;
	m->ord = malloc((k ? k : 1) * sizeof(size_t));
	m->bstart = malloc((nb + 1) * sizeof(size_t));
	m->loc = malloc((k ? k : 1) * L * sizeof(size_t));
	m->nloc = calloc((nb ? nb : 1) * L, sizeof(size_t));
	size_t maxng = 0;
	for (size_t l = 0; l < L; l++)
		maxng = ng[l] > maxng ? ng[l] : maxng;
	seen = malloc((maxng ? maxng : 1) * sizeof(size_t));
	if (!count || !m->ord || !m->bstart || !m->loc || !m->nloc || !seen)
		goto oom;
	for (size_t i = 0; i < k; i++)	/* counting sort by block */
		count[gid[i * L] + 1]++;
	for (size_t c = 0; c < nb; c++)
		count[c + 1] += count[c];
	memcpy(m->bstart, count, (nb + 1) * sizeof(size_t));
	for (size_t i = 0; i < k; i++)
		m->ord[count[gid[i * L]]++] = i;
	m->maxn = 0;
	for (size_t c = 0; c < nb; c++) {
		size_t n = m->bstart[c + 1] - m->bstart[c];
		m->maxn = n > m->maxn ? n : m->maxn;
		for (size_t l = 0; l < L; l++) {	/* local group ids */
			size_t *nl = &m->nloc[c * L + l];
			for (size_t r = m->bstart[c]; r < m->bstart[c + 1]; r++)
				seen[gid[m->ord[r] * L + l]] = SIZE_MAX;
			for (size_t r = m->bstart[c]; r < m->bstart[c + 1]; r++) {
				size_t g = gid[m->ord[r] * L + l];
				if (seen[g] == SIZE_MAX)
					seen[g] = (*nl)++;
				m->loc[r * L + l] = seen[g];
			}
		}
	}
	size_t n = m->maxn ? m->maxn : 1, p = d->p;
	/* M, H, Xt, R (n x n each, R n x n for the group sums), vectors */
	m->work = malloc((3 * n * n + n * p + 4 * n + n * p * L + n * L +
	    n * n * L) * sizeof(double));
	if (m->work == NULL)
		goto oom;
	free(count);
	free(seen);
	return 0;
oom:
	free(count);
	free(seen);
	mk_ml_free(m);
	return -1;
}

/* The marginal covariance of block c at sigma2 theta (row-major n x n):
 * V (vi on the diagonal, rho sqrt(vi vj) off it) plus theta_l where two
 * rows share their level-l group. */
void
mk_ml_block_cov(const mk_ml *m, size_t c, const double *theta, double *M)
{
	size_t s = m->bstart[c], n = m->bstart[c + 1] - s, L = m->L;
	const double *v = m->d.v;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j <= i; j++) {
			size_t a = m->ord[s + i], b = m->ord[s + j];
			double x = i == j ? v[a] : isfinite(m->rho) ?
			    m->rho * sqrt(v[a] * v[b]) : 0;
			for (size_t l = 0; l < L; l++)
				if (m->loc[(s + i) * L + l] ==
				    m->loc[(s + j) * L + l])
					x += theta[l];
			M[i * n + j] = M[j * n + i] = x;
		}
}

/* Cholesky of M in place and its log determinant; -1 when not positive
 * definite. With inv, M becomes M^-1. */
static int
chol(double *M, size_t n, int inv, double *logdet)
{
	gsl_matrix_view A = gsl_matrix_view_array(M, n, n);
	double ld = 0;

	if (gsl_linalg_cholesky_decomp1(&A.matrix) != GSL_SUCCESS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		double dd = M[i * n + i];
		if (!(dd > 0))
			return -1;
		ld += 2 * log(dd);
	}
	*logdet = ld;
	if (inv && gsl_linalg_cholesky_invert(&A.matrix) != GSL_SUCCESS)
		return -1;
	return 0;
}

/* Solves (L L') z = rhs in place with the factor left in M by chol(). */
static void
chol_solve(const double *M, size_t n, double *z)
{
	for (size_t i = 0; i < n; i++) {	/* L u = rhs */
		long double s = z[i];
		for (size_t j = 0; j < i; j++)
			s -= (long double)M[i * n + j] * z[j];
		z[i] = (double)(s / M[i * n + i]);
	}
	for (size_t i = n; i-- > 0;) {	/* L' z = u */
		long double s = z[i];
		for (size_t j = i + 1; j < n; j++)
			s -= (long double)M[j * n + i] * z[j];
		z[i] = (double)(s / M[i * n + i]);
	}
}

/* First pass: X'M^-1X, X'M^-1y, log|M| (and y'M^-1y) over the blocks. */
static int
pass_gls(const mk_ml *m, const double *theta, mk_mlstate *st)
{
	size_t p = m->d.p, n0 = m->maxn;
	double *M = m->work, *z = M + n0 * n0;
	long double ldm = 0;

	memset(st->xhx, 0, p * p * sizeof(long double));
	memset(st->xhy, 0, p * sizeof(long double));
	for (size_t c = 0; c < m->nb; c++) {
		size_t s = m->bstart[c], n = m->bstart[c + 1] - s;
		double ld;
		mk_ml_block_cov(m, c, theta, M);
		if (chol(M, n, 0, &ld) != 0)
			return -1;
		ldm += ld;
		for (size_t j = 0; j <= p; j++) {	/* M^-1 x_j and M^-1 y */
			for (size_t i = 0; i < n; i++) {
				size_t r = m->ord[s + i];
				z[i] = j < p ? m->d.x[r * p + j] : m->d.y[r];
			}
			chol_solve(M, n, z);
			for (size_t l = 0; l < p; l++) {	/* x_l' M^-1 (.) */
				long double t = 0;
				for (size_t i = 0; i < n; i++)
					t += (long double)m->d.x[m->ord[s + i] *
					    p + l] * z[i];
				if (j < p)
					st->xhx[l * p + j] += t;
				else
					st->xhy[l] += t;
			}
		}
	}
	st->logdet_m = (double)ldm;
	return 0;
}

/* b = (X'M^-1X)^-1 X'M^-1y with the inverse and its log determinant. */
static int
solve_beta(const mk_ml *m, mk_mlstate *st)
{
	size_t p = m->d.p;
	double ld;

	for (size_t i = 0; i < p * p; i++)
		st->ainv[i] = (double)st->xhx[i];
	if (chol(st->ainv, p, 1, &ld) != 0)
		return -1;
	st->logdet_a = ld;
	for (size_t j = 0; j < p; j++) {
		long double t = 0;
		for (size_t l = 0; l < p; l++)
			t += st->ainv[j * p + l] * st->xhy[l];
		st->b[j] = (double)t;
	}
	return 0;
}

/* Second pass: the residual quadratic form and, with derivs, the score
 * and information terms (see the file's notes in mk_ml_eval). */
static int
pass_derivs(const mk_ml *m, const double *theta, int derivs, mk_mlstate *st)
{
	size_t p = m->d.p, L = m->L, n0 = m->maxn;
	double *H = m->work, *Xt = H + n0 * n0, *pr = Xt + n0 * p;
	double *zx = pr + n0, *zr = zx + n0 * p * L, *R = zr + n0 * L;
	double *Sg = R + n0 * n0 * L;	/* n0 x n0 of group-pair sums */
	long double rss = 0;

	if (derivs) {
		memset(st->uhu, 0, L * L * sizeof(long double));
		memset(st->xhu, 0, L * p * sizeof(long double));
		memset(st->trhg, 0, L * sizeof(long double));
		memset(st->ypgpy, 0, L * sizeof(long double));
		memset(st->trhghg, 0, L * L * sizeof(long double));
		memset(st->bl, 0, L * p * p * sizeof(long double));
		memset(st->tlm, 0, L * L * p * p * sizeof(long double));
	}
	for (size_t c = 0; c < m->nb; c++) {
		size_t s = m->bstart[c], n = m->bstart[c + 1] - s;
		double ld;
		mk_ml_block_cov(m, c, theta, H);
		if (chol(H, n, 1, &ld) != 0)
			return -1;
		for (size_t i = 0; i < n; i++) {	/* Xt = H X, pr = H r */
			long double t = 0;
			for (size_t j = 0; j < n; j++) {
				size_t r = m->ord[s + j];
				double fit = 0;
				for (size_t q = 0; q < p; q++)
					fit += m->d.x[r * p + q] * st->b[q];
				t += H[i * n + j] * (m->d.y[r] - fit);
			}
			pr[i] = (double)t;
			for (size_t q = 0; q < p; q++) {
				long double u = 0;
				for (size_t j = 0; j < n; j++)
					u += H[i * n + j] * m->d.x[m->ord[s + j] *
					    p + q];
				Xt[i * p + q] = (double)u;
			}
		}
		for (size_t i = 0; i < n; i++) {	/* r' H r */
			size_t r = m->ord[s + i];
			double fit = 0;
			for (size_t q = 0; q < p; q++)
				fit += m->d.x[r * p + q] * st->b[q];
			rss += (long double)(m->d.y[r] - fit) * pr[i];
		}
		if (!derivs)
			continue;
		for (size_t l = 0; l < L; l++) {	/* group sums, level l */
			size_t g = m->nloc[c * L + l];
			double *zxl = zx + l * n0 * p, *zrl = zr + l * n0;
			double *Rl = R + l * n0 * n0;	/* H Z_l: n x g */
			memset(zxl, 0, g * p * sizeof(double));
			memset(zrl, 0, g * sizeof(double));
			memset(Rl, 0, n * g * sizeof(double));
			for (size_t i = 0; i < n; i++) {
				size_t a = m->loc[(s + i) * L + l];
				zrl[a] += pr[i];
				for (size_t q = 0; q < p; q++)
					zxl[a * p + q] += Xt[i * p + q];
				for (size_t j = 0; j < n; j++)
					Rl[j * g + a] += H[j * n + i];
			}
			for (size_t a = 0; a < g; a++) {
				st->ypgpy[l] += (long double)zrl[a] * zrl[a];
				for (size_t q = 0; q < p; q++)
					for (size_t t = 0; t < p; t++)
						st->bl[(l * p + q) * p + t] +=
						    (long double)zxl[a * p + q] *
						    zxl[a * p + t];
			}
		}
		/* u_l = G_l P y (row i: its level-l group's sum of Py), for
		 * y'P G_l P G_m P y = u_l'M^-1u_m - (X'M^-1u_l)'A^-1(X'M^-1u_m) */
		for (size_t mm = 0; mm < L; mm++) {
			size_t gm = m->nloc[c * L + mm];
			const double *Rm = R + mm * n0 * n0, *zrm = zr + mm * n0;
			const double *xm = zx + mm * n0 * p;
			for (size_t b = 0; b < gm; b++)	/* X'M^-1 u_m */
				for (size_t q = 0; q < p; q++)
					st->xhu[mm * p + q] += (long double)
					    xm[b * p + q] * zrm[b];
			for (size_t i = 0; i < n; i++) {
				long double hu = 0;	/* (M^-1 u_m)_i */
				for (size_t b = 0; b < gm; b++)
					hu += (long double)Rm[i * gm + b] * zrm[b];
				for (size_t l = 0; l < L; l++)
					st->uhu[l * L + mm] += zr[l * n0 +
					    m->loc[(s + i) * L + l]] * hu;
			}
		}
		for (size_t l = 0; l < L; l++)	/* pairs of levels */
			for (size_t mm = 0; mm < L; mm++) {
				size_t gl = m->nloc[c * L + l];
				size_t gm = m->nloc[c * L + mm];
				const double *Rm = R + mm * n0 * n0;
				/* Sg = Z_l' H Z_m (gl x gm) */
				memset(Sg, 0, gl * gm * sizeof(double));
				for (size_t i = 0; i < n; i++) {
					size_t a = m->loc[(s + i) * L + l];
					for (size_t bb = 0; bb < gm; bb++)
						Sg[a * gm + bb] += Rm[i * gm + bb];
				}
				long double f = 0;
				for (size_t a = 0; a < gl * gm; a++)
					f += (long double)Sg[a] * Sg[a];
				st->trhghg[l * L + mm] += f;
				if (l == mm)
					for (size_t a = 0; a < gl; a++)
						st->trhg[l] += Sg[a * gm + a];
				/* T_lm += (Z_l'Xt)' Sg (Z_m'Xt) */
				const double *xl = zx + l * n0 * p;
				const double *xm = zx + mm * n0 * p;
				long double *T = st->tlm + (l * L + mm) * p * p;
				for (size_t a = 0; a < gl; a++)
					for (size_t bb = 0; bb < gm; bb++) {
						double sab = Sg[a * gm + bb];
						if (sab == 0)
							continue;
						for (size_t q = 0; q < p; q++)
							for (size_t t = 0; t < p; t++)
								T[q * p + t] +=
								    (long double)
								    xl[a * p + q] *
								    sab * xm[bb * p +
								    t];
					}
			}
	}
	st->rss = (double)rss;
	return 0;
}

/* tr(A B) of p x p matrices, A double, B long double. */
static double
trace_ab(const double *a, const long double *b, size_t p)
{
	long double t = 0;

	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j < p; j++)
			t += a[i * p + j] * b[j * p + i];
	return (double)t;
}

/* The (restricted) log-likelihood at theta, as metafor's .ll.rma.mv:
 * ML  -1/2 [k log 2pi + log|M| + r'M^-1 r]
 * REML -1/2 [(k-p) log 2pi + log|M| + log|X'M^-1X| + r'M^-1r] + 1/2 log|X'X|
 * and, with derivs, the score and Fisher information in theta:
 * score_l = -1/2 tr(P G_l) + 1/2 y'P G_l P y, info_lm = 1/2 tr(P G_l P G_m)
 * (M^-1 in place of P in the trace terms for ML), G_l = Z_l Z_l', where
 * tr(P G_l) = tr(M^-1 G_l) - tr(A^-1 B_l), B_l = X'M^-1 G_l M^-1 X, and
 * tr(P G_l P G_m) = tr(M^-1 G_l M^-1 G_m) - 2 tr(A^-1 T_lm)
 * + tr(A^-1 B_l A^-1 B_m), T_lm = X'M^-1 G_l M^-1 G_m M^-1 X, A = X'M^-1X. */
int
mk_ml_eval(const mk_ml *m, const double *theta, int derivs, mk_mlstate *st)
{
	size_t k = m->d.k, p = m->d.p, L = m->L;
	double l2pi = MK_LOG_2PI;

	if (pass_gls(m, theta, st) != 0 || solve_beta(m, st) != 0 ||
	    pass_derivs(m, theta, derivs, st) != 0)
		return -1;
	if (m->reml)
		st->ll = -0.5 * (((double)k - (double)p) * l2pi + st->logdet_m +
		    st->logdet_a + st->rss) + 0.5 * m->logdet_xx;
	else
		st->ll = -0.5 * ((double)k * l2pi + st->logdet_m + st->rss);
	if (!derivs)
		return 0;
	for (size_t l = 0; l < L; l++) {
		double trp = (double)st->trhg[l] - (m->reml ?
		    trace_ab(st->ainv, st->bl + l * p * p, p) : 0);
		st->score[l] = -0.5 * trp + 0.5 * (double)st->ypgpy[l];
	}
	for (size_t l = 0; l < L; l++)
		for (size_t mm = 0; mm < L; mm++) {
			double t = (double)st->trhghg[l * L + mm];
			if (m->reml) {
				/* A^-1 B_l and A^-1 B_m, then their trace */
				double *ab[2] = { st->ab, st->ab + p * p };
				for (int u = 0; u < 2; u++) {
					const long double *B = st->bl +
					    (u ? mm : l) * p * p;
					for (size_t i = 0; i < p; i++)
						for (size_t j = 0; j < p; j++) {
							long double z = 0;
							for (size_t q = 0; q < p; q++)
								z += st->ainv[i * p +
								    q] * B[q * p + j];
							ab[u][i * p + j] = (double)z;
						}
				}
				long double tt = 0;
				for (size_t i = 0; i < p; i++)
					for (size_t j = 0; j < p; j++)
						tt += (long double)ab[0][i * p + j] *
						    ab[1][j * p + i];
				t += -2 * trace_ab(st->ainv, st->tlm +
				    (l * L + mm) * p * p, p) + (double)tt;
			}
			st->info[l * L + mm] = 0.5 * t;
			/* observed information: y'PG_lPG_mPy - info */
			long double u = st->uhu[l * L + mm];
			for (size_t i = 0; i < p; i++)
				for (size_t j = 0; j < p; j++)
					u -= st->xhu[l * p + i] * st->ainv[i * p + j] *
					    st->xhu[mm * p + j];
			st->obs[l * L + mm] = (double)u - 0.5 * t;
		}
	return 0;
}

int
mk_mlstate_init(mk_mlstate *st, size_t p, size_t L)
{
	memset(st, 0, sizeof(*st));
	st->xhx = calloc(p * p, sizeof(long double));
	st->xhy = calloc(p, sizeof(long double));
	st->ainv = calloc(p * p, sizeof(double));
	st->b = calloc(p, sizeof(double));
	st->ab = calloc(2 * p * p, sizeof(double));
	st->trhg = calloc(L, sizeof(long double));
	st->ypgpy = calloc(L, sizeof(long double));
	st->trhghg = calloc(L * L, sizeof(long double));
	st->bl = calloc(L * p * p, sizeof(long double));
	st->tlm = calloc(L * L * p * p, sizeof(long double));
	st->score = calloc(L, sizeof(double));
	st->info = calloc(L * L, sizeof(double));
	st->obs = calloc(L * L, sizeof(double));
	st->uhu = calloc(L * L, sizeof(long double));
	st->xhu = calloc(L * p, sizeof(long double));
	if (!st->obs || !st->uhu || !st->xhu ||
	    !st->xhx || !st->xhy || !st->ainv || !st->b || !st->ab || !st->trhg ||
	    !st->ypgpy || !st->trhghg || !st->bl || !st->tlm || !st->score ||
	    !st->info) {
		mk_mlstate_free(st);
		return -1;
	}
	return 0;
}

void
mk_mlstate_free(mk_mlstate *st)
{
	free(st->xhx);
	free(st->xhy);
	free(st->ainv);
	free(st->b);
	free(st->ab);
	free(st->trhg);
	free(st->ypgpy);
	free(st->trhghg);
	free(st->bl);
	free(st->tlm);
	free(st->score);
	free(st->info);
	free(st->obs);
	free(st->uhu);
	free(st->xhu);
	memset(st, 0, sizeof(*st));
}

static int
solve_step(const double *info, const double *score, size_t L,
    const int *free_, double *step)
{
	double a[MK_MAXLEVELS * MK_MAXLEVELS], z[MK_MAXLEVELS];
	size_t idx[MK_MAXLEVELS], nf = 0;

	for (size_t l = 0; l < L; l++) {
		step[l] = 0;
		if (free_[l])
			idx[nf++] = l;
	}
	if (nf == 0)
		return 0;
	for (size_t i = 0; i < nf; i++) {
		z[i] = score[idx[i]];
		for (size_t j = 0; j < nf; j++)
			a[i * nf + j] = info[idx[i] * L + idx[j]];
	}
	gsl_matrix_view A = gsl_matrix_view_array(a, nf, nf);
	gsl_vector_view Z = gsl_vector_view_array(z, nf);
	if (gsl_linalg_cholesky_decomp1(&A.matrix) != GSL_SUCCESS ||
	    gsl_linalg_cholesky_svx(&A.matrix, &Z.vector) != GSL_SUCCESS)
		return -1;
	for (size_t i = 0; i < nf; i++)
		step[idx[i]] = z[i];
	return 0;
}

int
mk_ml_weights(const mk_ml *m, const double *theta, double *w)
{
	double *H = m->work, ld;

	for (size_t c = 0; c < m->nb; c++) {
		size_t s = m->bstart[c], n = m->bstart[c + 1] - s;
		mk_ml_block_cov(m, c, theta, H);
		if (chol(H, n, 1, &ld) != 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			w[m->ord[s + i]] = H[i * n + i];
	}
	return 0;
}

/* Solves the free part of J step = score (components not in free get no
 * step), J the observed information (Newton) when it is positive
 * definite, else the expected one (Fisher scoring); 0, or -1 when both
 * are singular. */
static int
newton_step(const mk_mlstate *st, size_t L, const int *free_, double *step)
{
	if (solve_step(st->obs, st->score, L, free_, step) == 0)
		return 0;
	return solve_step(st->info, st->score, L, free_, step);
}

/* Fisher scoring for the components with fixed[l] == 0 (the others stay
 * as given): from theta, steps I^-1 s halved until the likelihood does
 * not fall and theta stays >= 0; a component at 0 whose score is not
 * positive stays there. Converged when no component moves by more than
 * 1e-12 of (theta + scale). 0, or -1 (no convergence, a singular M). */
int
mk_ml_fit(const mk_ml *m, double *theta, const int *fixed, double scale,
    int maxiter, mk_mlstate *st, int *iters)
{
	size_t L = m->L;
	double trial[MK_MAXLEVELS], step[MK_MAXLEVELS];
	int free_[MK_MAXLEVELS];

	if (mk_ml_eval(m, theta, 1, st) != 0)
		return -1;
	for (int it = 1; it <= maxiter; it++) {
		double ll0 = st->ll, big = 0;
		for (size_t l = 0; l < L; l++)
			free_[l] = !fixed[l] && !(theta[l] <= 0 &&
			    st->score[l] <= 0);
		if (newton_step(st, L, free_, step) != 0)
			return -1;
		double h = 1;
		for (int half = 0; half < 60; half++, h /= 2) {
			for (size_t l = 0; l < L; l++)
				trial[l] = fmax(0, theta[l] + h * step[l]);
			if (mk_ml_eval(m, trial, 1, st) == 0 &&
			    st->ll >= ll0 - 1e-12 * fabs(ll0))
				break;
		}
		for (size_t l = 0; l < L; l++) {
			big = fmax(big, fabs(trial[l] - theta[l]) /
			    (theta[l] + scale));
			theta[l] = trial[l];
		}
		if (iters)
			*iters = it;
		if (big <= 1e-12) {
			/* at the optimum: state for theta exactly */
			return mk_ml_eval(m, theta, 1, st);
		}
	}
	return -1;
}
