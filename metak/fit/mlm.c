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

#include "fit/internal.h"

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
	/* H, Xt, yt, r0, Z'Xt, Z'yt, H Z, S, S Z'Xt, S Z'yt */
	m->work = malloc((2 * n * n + 2 * n * p + 3 * n + n * p * L + n * L +
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
 * definite. With inv, M becomes M^-1. The blocks are small (a cluster's
 * rows) and there are many, so this is plain loops (M = L L', L^-1 by
 * forward substitution, M^-1 = L^-T L^-1), which outrun GSL's general
 * routines several times at these sizes; the results agree. */
static int
chol(double *M, size_t n, int inv, double *logdet)
{
	double ld = 0, prod = 1;

	for (size_t j = 0; j < n; j++) {	/* L, column by column */
		double d = M[j * n + j];
		for (size_t q = 0; q < j; q++)
			d -= M[j * n + q] * M[j * n + q];
		if (!(d > 0) || !isfinite(d))
			return -1;
		d = sqrt(d);
		M[j * n + j] = d;
		prod *= d;	/* log det from a product: one log, not n */
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
	for (size_t i = 0; i < n; i++)	/* (L^-T L^-1)_ij, lower, mirrored */
		for (size_t j = 0; j <= i; j++) {
			double t = 0;
			for (size_t q = i; q < n; q++)
				t += M[q * n + i] * M[q * n + j];
			M[j * n + i] = t;
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			M[i * n + j] = M[j * n + i];
	return 0;
}

/* One pass over the blocks: for each, M^-1 (Cholesky), and the sums the
 * likelihood and its derivatives need, all taken about the reference
 * coefficients b_ref (r0 = y - X b_ref), so that only the small correction
 * d = b - b_ref enters the quadratic forms afterwards (mk_ml_eval): X'HX,
 * X'H r0, r0'H r0, log|M|, and with derivs, per level l (Z_l its group
 * indicators, H = M^-1): c0 = |Z'H r0|^2, c1 = (Z'HX)'Z'H r0, B = (Z'HX)'
 * Z'HX, tr(H G_l); per pair (l, m): |Z_l'H Z_m|_F^2, T = (Z_l'HX)' S
 * (Z_m'HX), d0 = (Z_l'H r0)' S Z_m'H r0, e = (Z_l'HX)' S Z_m'H r0 and
 * f = (S Z_m'HX)' Z_l'H r0, S = Z_l'H Z_m. */
static int
pass(const mk_ml *m, const double *theta, int derivs, mk_mlstate *st)
{
	size_t p = m->d.p, L = m->L, n0 = m->maxn;
	double *H = m->work, *Xt = H + n0 * n0, *yt = Xt + n0 * p;
	double *r0 = yt + n0, *zx = r0 + n0, *zr = zx + n0 * p * L;
	double *R = zr + n0 * L, *Sg = R + n0 * n0 * L;
	double *sx = Sg + n0 * n0, *sr = sx + n0 * p;
	long double ldm = 0, rhr = 0;

	memset(st->xhx, 0, p * p * sizeof(long double));
	memset(st->xhr, 0, p * sizeof(long double));
	if (derivs) {
		memset(st->c0, 0, L * sizeof(long double));
		memset(st->c1, 0, L * p * sizeof(long double));
		memset(st->bl, 0, L * p * p * sizeof(long double));
		memset(st->trhg, 0, L * sizeof(long double));
		memset(st->trhghg, 0, L * L * sizeof(long double));
		memset(st->tlm, 0, L * L * p * p * sizeof(long double));
		memset(st->d0, 0, L * L * sizeof(long double));
		memset(st->e, 0, L * L * p * sizeof(long double));
		memset(st->f, 0, L * L * p * sizeof(long double));
	}
	for (size_t c = 0; c < m->nb; c++) {
		size_t s = m->bstart[c], n = m->bstart[c + 1] - s;
		double ld;
		mk_ml_block_cov(m, c, theta, H);
		if (chol(H, n, 1, &ld) != 0)
			return -1;
		ldm += ld;
		for (size_t j = 0; j < n; j++) {	/* r0 = y - X b_ref */
			const double *x = m->d.x + m->ord[s + j] * p;
			double fit = 0;
			for (size_t q = 0; q < p; q++)
				fit += x[q] * st->bref[q];
			r0[j] = m->d.y[m->ord[s + j]] - fit;
		}
		for (size_t i = 0; i < n; i++) {	/* Xt = H X, yt = H r0 */
			const double *hi = H + i * n;
			double t = 0;
			for (size_t j = 0; j < n; j++)
				t += hi[j] * r0[j];
			yt[i] = t;
			rhr += r0[i] * t;
			for (size_t q = 0; q < p; q++) {
				double u = 0;
				for (size_t j = 0; j < n; j++)
					u += hi[j] * m->d.x[m->ord[s + j] * p + q];
				Xt[i * p + q] = u;
			}
		}
		for (size_t q = 0; q < p; q++) {	/* X'HX, X'H r0 */
			double u = 0;
			for (size_t i = 0; i < n; i++)
				u += Xt[i * p + q] * r0[i];
			st->xhr[q] += u;
			for (size_t t = 0; t < p; t++) {
				double v = 0;
				for (size_t i = 0; i < n; i++)
					v += m->d.x[m->ord[s + i] * p + q] *
					    Xt[i * p + t];
				st->xhx[q * p + t] += v;
			}
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
				zrl[a] += yt[i];
				for (size_t q = 0; q < p; q++)
					zxl[a * p + q] += Xt[i * p + q];
				for (size_t j = 0; j < n; j++)
					Rl[j * g + a] += H[j * n + i];
			}
			for (size_t a = 0; a < g; a++) {
				st->c0[l] += zrl[a] * zrl[a];
				for (size_t q = 0; q < p; q++) {
					st->c1[l * p + q] += zxl[a * p + q] * zrl[a];
					for (size_t t = 0; t < p; t++)
						st->bl[(l * p + q) * p + t] +=
						    zxl[a * p + q] * zxl[a * p + t];
				}
			}
		}
		for (size_t l = 0; l < L; l++)	/* pairs of levels */
			for (size_t mm = 0; mm < L; mm++) {
				size_t gl = m->nloc[c * L + l];
				size_t gm = m->nloc[c * L + mm];
				const double *Rm = R + mm * n0 * n0;
				const double *xl = zx + l * n0 * p;
				const double *xm = zx + mm * n0 * p;
				const double *rl = zr + l * n0, *rm = zr + mm * n0;
				size_t lm = l * L + mm;
				memset(Sg, 0, gl * gm * sizeof(double));
				for (size_t i = 0; i < n; i++) {	/* Z_l'H Z_m */
					size_t a = m->loc[(s + i) * L + l];
					for (size_t bb = 0; bb < gm; bb++)
						Sg[a * gm + bb] += Rm[i * gm + bb];
				}
				double fro = 0, d0 = 0;
				for (size_t a = 0; a < gl; a++) {
					double u = 0;	/* S Z_m'H r0 */
					for (size_t bb = 0; bb < gm; bb++) {
						fro += Sg[a * gm + bb] * Sg[a * gm + bb];
						u += Sg[a * gm + bb] * rm[bb];
					}
					sr[a] = u;
					d0 += rl[a] * u;
					for (size_t q = 0; q < p; q++) {	/* S Z_m'HX */
						double v = 0;
						for (size_t bb = 0; bb < gm; bb++)
							v += Sg[a * gm + bb] *
							    xm[bb * p + q];
						sx[a * p + q] = v;
					}
				}
				st->trhghg[lm] += fro;
				st->d0[lm] += d0;
				if (l == mm)
					for (size_t a = 0; a < gl; a++)
						st->trhg[l] += Sg[a * gm + a];
				for (size_t q = 0; q < p; q++) {
					double e = 0, f = 0;
					for (size_t a = 0; a < gl; a++) {
						e += xl[a * p + q] * sr[a];
						f += sx[a * p + q] * rl[a];
					}
					st->e[lm * p + q] += e;
					st->f[lm * p + q] += f;
					for (size_t t = 0; t < p; t++) {
						double v = 0;
						for (size_t a = 0; a < gl; a++)
							v += xl[a * p + q] *
							    sx[a * p + t];
						st->tlm[(lm * p + q) * p + t] += v;
					}
				}
			}
	}
	st->logdet_m = (double)ldm;
	st->rhr = (double)rhr;
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

/* d'Bd for a p x p B and d of p. */
static double
quad(const long double *B, const double *d, size_t p)
{
	long double t = 0;

	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j < p; j++)
			t += d[i] * B[i * p + j] * d[j];
	return (double)t;
}

/* d'v for p values. */
static double
dot(const long double *v, const double *d, size_t p)
{
	long double t = 0;

	for (size_t i = 0; i < p; i++)
		t += v[i] * d[i];
	return (double)t;
}

/* The (restricted) log-likelihood at theta, as metafor's .ll.rma.mv:
 * ML  -1/2 [k log 2pi + log|M| + r'M^-1 r]
 * REML -1/2 [(k-p) log 2pi + log|M| + log|X'M^-1X| + r'M^-1r] + 1/2 log|X'X|
 * and, with derivs, the score, the expected (Fisher) and the observed
 * information in theta (Searle, Casella & McCulloch 1992, ch. 6):
 * score_l = -1/2 tr(P G_l) + 1/2 y'P G_l P y, I_lm = 1/2 tr(P G_l P G_m),
 * J_lm = y'P G_l P G_m P y - I_lm (M^-1 in place of P in the trace terms
 * for ML), G_l = Z_l Z_l', where tr(P G_l) = tr(M^-1 G_l) - tr(A^-1 B_l)
 * and tr(P G_l P G_m) = tr(M^-1 G_l M^-1 G_m) - 2 tr(A^-1 T_lm) +
 * tr(A^-1 B_l A^-1 B_m), A = X'M^-1X. The quadratic forms in P y come from
 * the sums about b_ref (pass()) and d = b - b_ref. */
int
mk_ml_eval(const mk_ml *m, const double *theta, int derivs, mk_mlstate *st)
{
	size_t k = m->d.k, p = m->d.p, L = m->L;
	double *d = st->ab + 2 * p * p, ld;

	if (pass(m, theta, derivs, st) != 0)
		return -1;
	for (size_t i = 0; i < p * p; i++)	/* A^-1 and d = A^-1 X'H r0 */
		st->ainv[i] = (double)st->xhx[i];
	if (chol(st->ainv, p, 1, &ld) != 0)
		return -1;
	st->logdet_a = ld;
	for (size_t j = 0; j < p; j++) {
		long double t = 0;
		for (size_t l = 0; l < p; l++)
			t += st->ainv[j * p + l] * st->xhr[l];
		d[j] = (double)t;
	}
	st->rss = st->rhr - dot(st->xhr, d, p);	/* r'Hr, r = r0 - X d */
	for (size_t j = 0; j < p; j++)
		st->b[j] = st->bref[j] + d[j];
	if (m->reml)
		st->ll = -0.5 * (((double)k - (double)p) * MK_LOG_2PI +
		    st->logdet_m + st->logdet_a + st->rss) + 0.5 * m->logdet_xx;
	else
		st->ll = -0.5 * ((double)k * MK_LOG_2PI + st->logdet_m +
		    st->rss);
	if (!derivs) {
		memcpy(st->bref, st->b, p * sizeof(double));
		return 0;
	}
	for (size_t l = 0; l < L; l++) {
		double trp = (double)st->trhg[l] - (m->reml ?
		    trace_ab(st->ainv, st->bl + l * p * p, p) : 0);
		/* y'P G_l P y = |Z_l'P y|^2, Z_l'P y = Z_l'H r0 - Z_l'HX d */
		double ypgpy = (double)st->c0[l] - 2 * dot(st->c1 + l * p, d, p) +
		    quad(st->bl + l * p * p, d, p);
		st->score[l] = -0.5 * trp + 0.5 * ypgpy;
	}
	for (size_t l = 0; l < L; l++)
		for (size_t mm = 0; mm < L; mm++) {
			size_t lm = l * L + mm;
			double t = (double)st->trhghg[lm];
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
				t += -2 * trace_ab(st->ainv, st->tlm + lm * p * p,
				    p) + (double)tt;
			}
			st->info[lm] = 0.5 * t;
			/* y'P G_l P G_m P y = u_l'H u_m - (X'H u_l)'A^-1(X'H u_m),
			 * u_l = Z_l Z_l'P y */
			double uhu = (double)st->d0[lm] - dot(st->e + lm * p, d,
			    p) - dot(st->f + lm * p, d, p) + quad(st->tlm +
			    lm * p * p, d, p);
			long double xa[MK_MAXP_STACK], xb[MK_MAXP_STACK];
			double corr = 0;
			if (p <= MK_MAXP_STACK) {
				for (size_t i = 0; i < p; i++) {	/* c1 - B d */
					long double u = st->c1[l * p + i],
					    v = st->c1[mm * p + i];
					for (size_t j = 0; j < p; j++) {
						u -= st->bl[(l * p + i) * p + j] *
						    d[j];
						v -= st->bl[(mm * p + i) * p + j] *
						    d[j];
					}
					xa[i] = u;
					xb[i] = v;
				}
				for (size_t i = 0; i < p; i++)
					for (size_t j = 0; j < p; j++)
						corr += (double)(xa[i] *
						    st->ainv[i * p + j] * xb[j]);
			}
			st->obs[lm] = uhu - corr - 0.5 * t;
		}
	memcpy(st->bref, st->b, p * sizeof(double));
	return 0;
}

int
mk_mlstate_init(mk_mlstate *st, size_t p, size_t L)
{
	memset(st, 0, sizeof(*st));
	st->xhx = calloc(p * p, sizeof(long double));
	st->xhr = calloc(p, sizeof(long double));
	st->bref = calloc(p, sizeof(double));
	st->c0 = calloc(L, sizeof(long double));
	st->c1 = calloc(L * p, sizeof(long double));
	st->d0 = calloc(L * L, sizeof(long double));
	st->e = calloc(L * L * p, sizeof(long double));
	st->f = calloc(L * L * p, sizeof(long double));
	st->ainv = calloc(p * p, sizeof(double));
	st->b = calloc(p, sizeof(double));
	st->ab = calloc(2 * p * p + p, sizeof(double));
	st->trhg = calloc(L, sizeof(long double));
	st->trhghg = calloc(L * L, sizeof(long double));
	st->bl = calloc(L * p * p, sizeof(long double));
	st->tlm = calloc(L * L * p * p, sizeof(long double));
	st->score = calloc(L, sizeof(double));
	st->info = calloc(L * L, sizeof(double));
	st->obs = calloc(L * L, sizeof(double));
	if (!st->xhx || !st->xhr || !st->bref || !st->c0 || !st->c1 ||
	    !st->d0 || !st->e || !st->f || !st->ainv || !st->b || !st->ab ||
	    !st->trhg || !st->trhghg || !st->bl || !st->tlm || !st->score ||
	    !st->info || !st->obs) {
		mk_mlstate_free(st);
		return -1;
	}
	return 0;
}

void
mk_mlstate_free(mk_mlstate *st)
{
	free(st->xhx);
	free(st->xhr);
	free(st->bref);
	free(st->c0);
	free(st->c1);
	free(st->d0);
	free(st->e);
	free(st->f);
	free(st->ainv);
	free(st->b);
	free(st->ab);
	free(st->trhg);
	free(st->trhghg);
	free(st->bl);
	free(st->tlm);
	free(st->score);
	free(st->info);
	free(st->obs);
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
 * definite and fisher is not set, else the expected one (Fisher
 * scoring); 0, or -1 when both are singular. */
static int
newton_step(const mk_mlstate *st, size_t L, const int *free_, int fisher,
    double *step)
{
	if (!fisher && solve_step(st->obs, st->score, L, free_, step) == 0)
		return 0;
	return solve_step(st->info, st->score, L, free_, step);
}

/* The largest change a step makes to a component, relative to the
 * component and the data's scale (after the bound at 0). */
static double
step_size(const double *theta, const double *step, size_t L, double scale)
{
	double big = 0;

	for (size_t l = 0; l < L; l++) {
		double d = fabs(fmax(0, theta[l] + step[l]) - theta[l]) /
		    (theta[l] + scale);
		if (!isfinite(d))
			return INFINITY;
		big = fmax(big, d);
	}
	return big;
}

/* Steepest ascent in the metric of the components' own size: step_l =
 * score_l (theta_l + scale)^2, scaled so that no component moves by more
 * than its size (theta_l + scale); the line search then halves it. */
static void
ascent_step(const mk_mlstate *st, const double *theta, size_t L,
    const int *free_, double scale, double *step)
{
	double big = 0;

	for (size_t l = 0; l < L; l++) {
		double s = theta[l] + scale;
		step[l] = free_[l] ? st->score[l] * s * s : 0;
		big = fmax(big, fabs(step[l]) / s);
	}
	for (size_t l = 0; big > 0 && isfinite(big) && l < L; l++)
		step[l] /= big;
}

/* theta + h step (bounded at 0) for h = 1, 1/2, ... until the likelihood
 * does not fall below ll0 (less its rounding, 1e-12 |ll0|); st is then
 * the trial's. 0 with theta moved, or -1 (theta and st as they were; -2
 * if theta's M can no longer be factored). */
static int
line_search(const mk_ml *m, double *theta, const double *step, double ll0,
    mk_mlstate *st)
{
	double trial[MK_MAXLEVELS], h = 1;
	size_t L = m->L;

	for (int half = 0; half < 60; half++, h /= 2) {
		int moved = 0;
		for (size_t l = 0; l < L; l++) {
			trial[l] = fmax(0, theta[l] + h * step[l]);
			moved |= trial[l] != theta[l];
		}
		if (!moved)
			break;
		if (mk_ml_eval(m, trial, 1, st) == 0 &&
		    st->ll >= ll0 - 1e-12 * fabs(ll0)) {
			memcpy(theta, trial, L * sizeof(double));
			return 0;
		}
	}
	if (mk_ml_eval(m, theta, 1, st) != 0)	/* st back to theta's */
		return -2;
	return -1;
}

/* Newton's method (Fisher scoring while the steps exceed 1%, and where
 * the observed information is not positive definite) for the components
 * with fixed[l] == 0, the others as given, from theta: each step is
 * halved until the likelihood does not fall and theta stays >= 0 (a
 * component at 0 whose score is not positive stays there); when neither
 * Newton's nor Fisher's direction gains, the score's does. Converged when
 * the next step would move no component by more than tol (theta + scale),
 * or by less than sqrt(tol) and no less than the step before it (Newton's
 * steps shrink quadratically until the rounding of the score stops them;
 * the optimum is then as precise as the data's conditioning allows); st
 * is then theta's. 0, MK_ML_NOCONV (maxiter steps, or no direction
 * gains far from the optimum), MK_ML_SINGULAR (M not positive definite
 * at the start) or MK_ML_NONIDENT (the information is singular: the
 * components cannot be told apart). */
int
mk_ml_fit(const mk_ml *m, double *theta, const int *fixed, double scale,
    double tol, int maxiter, mk_mlstate *st, int *iters)
{
	size_t L = m->L;
	double step[MK_MAXLEVELS], last = INFINITY;
	int free_[MK_MAXLEVELS];

	if (iters)
		*iters = 0;
	if (mk_ml_eval(m, theta, 1, st) != 0)
		return MK_ML_SINGULAR;
	for (int it = 1; it <= maxiter; it++) {
		double ll0 = st->ll, big;
		for (size_t l = 0; l < L; l++)
			free_[l] = !fixed[l] && !(theta[l] <= 0 &&
			    st->score[l] <= 0);
		/* Fisher scoring while far off (it is the steadier), Newton
		 * once the steps are below 1% */
		if (newton_step(st, L, free_, last > 1e-2, step) != 0)
			return MK_ML_NONIDENT;
		big = step_size(theta, step, L, scale);
		if (iters)
			*iters = it;
		if (big <= tol || (big <= sqrt(tol) && big >= last))
			return 0;	/* st is theta's, the optimum's */
		last = big;
		int rc = line_search(m, theta, step, ll0, st);
		if (rc == -1 && newton_step(st, L, free_, 1, step) == 0)
			rc = line_search(m, theta, step, ll0, st);
		if (rc == -1) {	/* no gain along Newton's or Fisher's */
			ascent_step(st, theta, L, free_, scale, step);
			rc = line_search(m, theta, step, ll0, st);
		}
		if (rc == -2)
			return MK_ML_SINGULAR;
		if (rc == -1)	/* nowhere to go up: the optimum if close */
			return big <= sqrt(tol) ? 0 : MK_ML_NOCONV;
	}
	return MK_ML_NOCONV;
}
