/* netfit.c: the treatment effects of a network by generalised least
 * squares at one tau2, with the REML score and information, and tau2 by
 * REML or netmeta's generalised DerSimonian-Laird. V is block-diagonal by
 * study, so everything is summed study by study: memory is the studies'
 * blocks plus p x p. What is done with the fit is analyses/network.c's. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fit/internal.h"

#define NONE SIZE_MAX

void
mk_netgls_free(mk_netgls *g)
{
	if (g == NULL)
		return;
	free(g->b);
	free(g->cov);
	memset(g, 0, sizeof(*g));
}

/* The sums of one pass, and the scratch of one study. */
struct sums {
	size_t p;
	long double *A, *F, *H, *c, *w;	/* X'M^-1X, X'M^-1CM^-1X,
					 * X'M^-1CM^-1CM^-1X, X'M^-1y, X'M^-1z */
	long double logdet, trmc, trmcmc, q, ucu, zmz;
	double *M, *K, *t1, *t2;	/* m x m scratch */
	size_t *cols;			/* a: each arm's column */
};

/* The a x a arm-space form D'KD of a contrast-space K (m = a - 1; D's
 * row j is arm j+1 minus arm 0) added into the p x p sum S at the arms'
 * columns. */
static void
scatter(long double *S, size_t p, const double *K, size_t m,
    const size_t *cols)
{
	long double all = 0;

	for (size_t i = 0; i < m; i++)
		for (size_t l = 0; l < m; l++)
			all += K[i * m + l];
	for (size_t i = 0; i <= m; i++) {
		if (cols[i] == NONE)
			continue;
		for (size_t l = 0; l <= m; l++) {
			long double g;
			if (cols[l] == NONE)
				continue;
			if (i > 0 && l > 0)
				g = K[(i - 1) * m + (l - 1)];
			else if (i == 0 && l == 0)
				g = all;
			else {	/* minus a column (row) sum */
				size_t j = i ? i - 1 : l - 1;
				g = 0;
				for (size_t q = 0; q < m; q++)
					g -= K[j * m + q];
			}
			S[cols[i] * p + cols[l]] += g;
		}
	}
}

/* The same for a vector: D'u added into s. */
static void
scatter_vec(long double *s, const double *u, size_t m, const size_t *cols)
{
	long double all = 0;

	for (size_t j = 0; j < m; j++) {
		all += u[j];
		if (cols[j + 1] != NONE)
			s[cols[j + 1]] += u[j];
	}
	if (cols[0] != NONE)
		s[cols[0]] -= all;
}

/* out = A B for m x m matrices. */
static void
mul(double *out, const double *A, const double *B, size_t m)
{
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++) {
			long double t = 0;
			for (size_t q = 0; q < m; q++)
				t += (long double)A[i * m + q] * B[q * m + j];
			out[i * m + j] = (double)t;
		}
}

/* M = V + tau2 C (C: 1 on the diagonal, 1/2 off it) of study s into
 * S->M, inverted; its log determinant into *ld. */
static int
block(const mk_netdata *d, size_t s, double tau2, struct sums *S,
    size_t m, double *ld)
{
	const double *V = d->v + d->voff[s];

	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++)
			S->M[i * m + j] = V[i * m + j] + tau2 * (i == j ? 1 : .5);
	return mk_spd_inv(S->M, m, 1, ld);
}

static double
trace_prod(const long double *A, const double *B, size_t p)
{
	long double t = 0;

	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j < p; j++)
			t += A[i * p + j] * B[j * p + i];
	return (double)t;
}

/* Generalised least squares of the effects at tau2 (Lu & Ades 2004,
 * Ruecker 2012): b = (X'M^-1X)^-1 X'M^-1y, M = V + tau2 C with C the
 * contrasts' random-effects correlation (1/2 between the contrasts of a
 * multi-arm study, as metafor rma.mv with random = ~ comp | study and
 * rho = 1/2). REML log-likelihood -1/2 (log|M| + log|X'M^-1X| + r'M^-1r)
 * without constants; its score -1/2 tr(PC) + 1/2 y'PCPy, the expected
 * information 1/2 tr(PCPC) and the observed y'PCPCPy - 1/2 tr(PCPC),
 * P = M^-1 - M^-1X(X'M^-1X)^-1X'M^-1, all from sums over the studies
 * and p x p products. -1 with err when a block or X'M^-1X is singular. */
int
mk_netgls_at(const mk_netdata *d, const size_t *use, size_t nuse,
    const size_t *col, size_t p, double tau2, int derivs, mk_netgls *g,
    mk_err *err)
{
	struct sums S;
	size_t maxa = 2, nst = use ? nuse : d->k;
	int rc = -1;
	double *G = NULL;

	memset(&S, 0, sizeof(S));
	mk_netgls_free(g);
	g->p = p;
	for (size_t i = 0; i < nst; i++) {
		size_t s = use ? use[i] : i;
		size_t a = d->arm0[s + 1] - d->arm0[s];
		if (a > maxa)
			maxa = a;
	}
	size_t mm = (maxa - 1) * (maxa - 1), pp = p * p;
	S.A = calloc(4 * pp + 2 * p + 1, sizeof(long double));
	S.M = malloc((4 * mm + 2 * maxa) * sizeof(double));
	S.cols = malloc(maxa * sizeof(size_t));
	g->b = calloc(p + 1, sizeof(double));
	g->cov = calloc(pp + 1, sizeof(double));
	G = malloc((pp + 1) * sizeof(double));
	if (S.A == NULL || S.M == NULL || S.cols == NULL || g->b == NULL ||
	    g->cov == NULL || G == NULL) {
		mk_err_set(err, d->file, 0, "", "out of memory");
		goto done;
	}
	S.F = S.A + pp;
	S.H = S.F + pp;
	S.c = S.H + pp;
	S.w = S.c + p;
	S.K = S.M + mm;
	S.t1 = S.K + mm;
	S.t2 = S.t1 + mm;
	double *u = S.t2 + mm, *z = u + maxa;
	/* pass 1: X'M^-1X, X'M^-1y and the traces */
	for (size_t i = 0; i < nst; i++) {
		size_t s = use ? use[i] : i, a0 = d->arm0[s];
		size_t m = d->arm0[s + 1] - a0 - 1;
		double ld;
		for (size_t j = 0; j <= m; j++)
			S.cols[j] = col[d->trt_of[a0 + j]];
		if (block(d, s, tau2, &S, m, &ld) != 0) {
			mk_err_set(err, d->file, d->line[s], "", "study \"%.60s\": "
			    "the covariance of its contrasts is not positive "
			    "definite", d->study[s]);
			goto done;
		}
		S.logdet += ld;
		scatter(S.A, p, S.M, m, S.cols);
		for (size_t j = 0; j < m; j++) {	/* M^-1 y */
			long double t = 0;
			for (size_t l = 0; l < m; l++)
				t += (long double)S.M[j * m + l] * d->y[a0 + 1 + l];
			u[j] = (double)t;
		}
		scatter_vec(S.c, u, m, S.cols);
		if (!derivs)
			continue;
		for (size_t j = 0; j < m; j++)	/* K = M^-1 C */
			for (size_t l = 0; l < m; l++) {
				long double t = 0;
				for (size_t q = 0; q < m; q++)
					t += (long double)S.M[j * m + q] *
					    (q == l ? 1 : .5);
				S.K[j * m + l] = (double)t;
			}
		for (size_t j = 0; j < m; j++) {	/* tr(K), tr(KK) */
			S.trmc += S.K[j * m + j];
			for (size_t l = 0; l < m; l++)
				S.trmcmc += (long double)S.K[j * m + l] *
				    S.K[l * m + j];
		}
		mul(S.t1, S.K, S.M, m);		/* M^-1 C M^-1 */
		scatter(S.F, p, S.t1, m, S.cols);
		mul(S.t2, S.K, S.t1, m);	/* M^-1 C M^-1 C M^-1 */
		scatter(S.H, p, S.t2, m, S.cols);
	}
	for (size_t i = 0; i < pp; i++)
		g->cov[i] = (double)S.A[i];
	double lda;
	if (mk_spd_inv(g->cov, p, 1, &lda) != 0) {
		mk_err_set(err, d->file, 0, "", "the treatment effects cannot "
		    "be estimated: X'WX is singular");
		goto done;
	}
	for (size_t i = 0; i < p; i++) {	/* b = A^-1 c */
		long double t = 0;
		for (size_t j = 0; j < p; j++)
			t += g->cov[i * p + j] * S.c[j];
		g->b[i] = (double)t;
	}
	/* pass 2: the residuals r = y - X b, u = M^-1 r, z = C u */
	for (size_t i = 0; i < nst; i++) {
		size_t s = use ? use[i] : i, a0 = d->arm0[s];
		size_t m = d->arm0[s + 1] - a0 - 1;
		double ld, b0;
		for (size_t j = 0; j <= m; j++)
			S.cols[j] = col[d->trt_of[a0 + j]];
		if (block(d, s, tau2, &S, m, &ld) != 0)
			goto done;
		b0 = S.cols[0] == NONE ? 0 : g->b[S.cols[0]];
		for (size_t j = 0; j < m; j++)	/* r into t1 */
			S.t1[j] = d->y[a0 + 1 + j] - ((S.cols[j + 1] == NONE ?
			    0 : g->b[S.cols[j + 1]]) - b0);
		for (size_t j = 0; j < m; j++) {
			long double t = 0;
			for (size_t l = 0; l < m; l++)
				t += (long double)S.M[j * m + l] * S.t1[l];
			u[j] = (double)t;
			S.q += (long double)S.t1[j] * u[j];
		}
		if (!derivs)
			continue;
		for (size_t j = 0; j < m; j++) {	/* z = C u */
			long double t = 0;
			for (size_t l = 0; l < m; l++)
				t += (j == l ? 1 : .5) * (long double)u[l];
			z[j] = (double)t;
			S.ucu += (long double)u[j] * z[j];
		}
		for (size_t j = 0; j < m; j++) {	/* M^-1 z */
			long double t = 0;
			for (size_t l = 0; l < m; l++)
				t += (long double)S.M[j * m + l] * z[l];
			S.zmz += z[j] * t;
			S.t2[j] = (double)t;
		}
		scatter_vec(S.w, S.t2, m, S.cols);
	}
	for (size_t i = 0; i < nst; i++)	/* misfit of contrast rows */
		S.q += d->qin[use ? use[i] : i];
	g->q = (double)S.q;
	g->ll = -0.5 * (double)(S.logdet + lda + S.q);
	g->trpc = g->score = g->info = g->obs = NAN;
	if (derivs) {
		double trcf = trace_prod(S.F, g->cov, p);
		double trch = trace_prod(S.H, g->cov, p);
		for (size_t i = 0; i < p; i++)	/* G = A^-1 F */
			for (size_t j = 0; j < p; j++) {
				long double t = 0;
				for (size_t q = 0; q < p; q++)
					t += g->cov[i * p + q] * S.F[q * p + j];
				G[i * p + j] = (double)t;
			}
		long double gg = 0, wcw = 0;
		for (size_t i = 0; i < p; i++)
			for (size_t j = 0; j < p; j++) {
				gg += (long double)G[i * p + j] * G[j * p + i];
				wcw += S.w[i] * g->cov[i * p + j] * S.w[j];
			}
		double trpcpc = (double)(S.trmcmc - 2 * trch + gg);
		g->trpc = (double)S.trmc - trcf;
		g->score = -0.5 * g->trpc + 0.5 * (double)S.ucu;
		g->info = 0.5 * trpcpc;
		g->obs = (double)(S.zmz - wcw) - 0.5 * trpcpc;
	}
	rc = 0;
done:
	free(S.A);
	free(S.M);
	free(S.cols);
	free(G);
	if (rc != 0)
		mk_netgls_free(g);
	return rc;
}

/* The data's scale: the mean variance of a contrast. */
static double
vscale(const mk_netdata *d)
{
	long double t = 0;
	size_t n = 0;

	for (size_t s = 0; s < d->k; s++) {
		size_t m = d->arm0[s + 1] - d->arm0[s] - 1;
		for (size_t j = 0; j < m; j++, n++)
			t += d->v[d->voff[s] + j * m + j];
	}
	return n ? (double)(t / n) : 1;
}

/* tau2 of the network (columns col, p of them):
 *   DL (netmeta's generalised DerSimonian-Laird; Ruecker 2012 Res Synth
 *   Methods 3:312; Jackson, White & Riley 2013 Biom J 55:231): max(0,
 *   (Q - df) / tr(P0 C)), Q and P0
 *   of the common-effect fit, df = sum (a_s - 1) - p; netmeta's (Q - df)
 *   / tr((I - H)(BB' o E/2) W) over all pairs is the same number.
 *   REML: the root of the score on (0, inf) by Newton steps with the
 *   observed information (the expected one where that is not positive),
 *   kept inside a bracket that bisection narrows; 0 when the score at 0
 *   is not positive (the boundary), and 0 when df = 0 (no residual
 *   information). Converged when a step is within tol of tau2 (or of tol
 *   times the contrasts' mean variance); -1 with err after maxiter. */
int
mk_net_tau2(const mk_netdata *d, const size_t *col, size_t p, mk_method m,
    const mk_opts *o, double *tau2, int *iters, mk_err *err)
{
	mk_netgls g;
	size_t df = d->narms - d->k - p;
	double scale = vscale(d), t, lo = 0, hi = INFINITY;
	int it = 0;

	memset(&g, 0, sizeof(g));
	*tau2 = 0;
	*iters = 0;
	if (d->narms - d->k <= p)
		return 0;
	if (mk_netgls_at(d, NULL, 0, col, p, 0, 1, &g, err) != 0)
		return -1;
	if (m == MK_DL) {
		*tau2 = fmax(0, (g.q - (double)df) / g.trpc);
		mk_netgls_free(&g);
		return 0;
	}
	if (!(g.score > 0)) {	/* the maximum is at the boundary */
		mk_netgls_free(&g);
		return 0;
	}
	t = g.score / g.info;	/* a Fisher step from 0 */
	for (;;) {
		double step, tn;
		if (++it > o->maxiter) {
			mk_netgls_free(&g);
			mk_err_set(err, d->file, 0, "", "REML tau2 did not "
			    "converge in %d iterations (--maxiter)", o->maxiter);
			return -1;
		}
		if (mk_netgls_at(d, NULL, 0, col, p, t, 1, &g, err) != 0)
			return -1;
		if (g.score > 0)
			lo = t;
		else
			hi = t;
		step = g.score / (g.obs > 0 ? g.obs : g.info);
		tn = t + step;
		if (!(tn > lo && tn < hi))	/* out of the bracket */
			tn = isfinite(hi) ? (lo + hi) / 2 : 2 * t;
		if (fabs(tn - t) <= o->tol * fmax(tn, o->tol * scale) ||
		    hi - lo <= o->tol * fmax(lo, o->tol * scale)) {
			t = tn;
			break;
		}
		t = tn;
	}
	mk_netgls_free(&g);
	*tau2 = t;
	*iters = it;
	return 0;
}
