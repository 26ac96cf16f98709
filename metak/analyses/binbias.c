/* binbias.c: the small-study tests R meta and Stata offer for 2x2 data,
 * next to Egger's: Harbord's score test and Peters' test. Both are
 * ordinary regression lines with a t test on k - 2 df; bias.c runs them
 * when every study is a 2x2 table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analyses/internal.h"

struct line {
	double b0, b1, se0, se1, df;
	size_t n;
	const char *why;	/* NULL, or why the line has no test */
};

/* y = b0 + b1 x by weighted least squares over the points with ok set,
 * sums taken about the weighted means; the residual variance RSS/(n-2)
 * scales the coefficients' variances (R's lm with weights). */
static void
fit_line(const double *x, const double *y, const double *w,
    const unsigned char *ok, size_t k, struct line *L)
{
	long double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, rss = 0;

	memset(L, 0, sizeof(*L));
	L->b0 = L->b1 = L->se0 = L->se1 = L->df = NAN;
	for (size_t i = 0; i < k; i++) {	/* weighted means */
		if (!ok[i])
			continue;
		sw += w[i];
		sx += w[i] * x[i];
		sy += w[i] * y[i];
		L->n++;
	}
	if (L->n < 3) {
		L->why = "fewer than 3 tables it can use";
		return;
	}
	long double xm = sx / sw, ym = sy / sw;
	for (size_t i = 0; i < k; i++) {	/* centred sums */
		if (!ok[i])
			continue;
		sxx += w[i] * (x[i] - xm) * (x[i] - xm);
		sxy += w[i] * (x[i] - xm) * (y[i] - ym);
	}
	if (!(sxx > 0)) {
		L->why = "the tables it can use all sit at the same x, so no "
		    "line can be fitted";
		return;
	}
	long double b1 = sxy / sxx, b0 = ym - b1 * xm;
	for (size_t i = 0; i < k; i++) {	/* residual sum of squares */
		if (!ok[i])
			continue;
		long double e = y[i] - b0 - b1 * x[i];
		rss += w[i] * e * e;
	}
	double df = (double)L->n - 2, s2 = (double)rss / df;
	L->b0 = (double)b0;
	L->b1 = (double)b1;
	L->se1 = sqrt(s2 / (double)sxx);
	L->se0 = sqrt(s2 * (double)(1 / sw + xm * xm / sxx));
	L->df = df;
	if (!(s2 > 0))
		L->why = "the line fits its points exactly, so it has no "
		    "residual variance to test against";
}

static void
t_test(double est, double se, double df, double *stat, double *p)
{
	*stat = est / se;
	*p = isfinite(*stat) ? 2 * gsl_cdf_tdist_Q(fabs(*stat), df) : NAN;
}

/* Harbord, Egger & Sterne (2006, Stat Med 25:3443): with the score
 * Z = a - n1 (a + c) / N and its hypergeometric variance V = n1 n2 (a + c)
 * (b + d) / (N^2 (N - 1)) of each table, the unweighted line Z / sqrt(V)
 * = b0 + b1 sqrt(V); small-study effects show as b0 != 0. Tables with
 * V = 0 (no events, or only events) are left out.
 * Peters, Sutton, Jones, Abrams & Rushton (2006, JAMA 295:676): the line
 * yi = b0 + b1 / N weighted by 1 / (1/(a + c) + 1/(b + d)); the test is on
 * b1. Tables with no events or no non-events are left out. */
int
mk_bias_binary(const mk_studies *s, mk_bias *b, mk_err *err)
{
	size_t k = s->k;
	double *buf = malloc(6 * (k ? k : 1) * sizeof(double));
	unsigned char *ok = malloc(2 * (k ? k : 1));

	if (buf == NULL || ok == NULL) {
		free(buf);
		free(ok);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	double *hx = buf, *hy = buf + k, *one = buf + 2 * k;
	double *px = buf + 3 * k, *pw = buf + 4 * k;
	unsigned char *hok = ok, *pok = ok + k;
	for (size_t i = 0; i < k; i++) {
		double a = s->ai[i], bb = s->bi[i], c = s->ci[i], d = s->di[i];
		double n1 = a + bb, n2 = c + d, N = n1 + n2;
		double v = n1 * n2 * (a + c) * (bb + d) / (N * N * (N - 1));
		one[i] = 1;
		hok[i] = v > 0 && isfinite(v);
		hx[i] = hok[i] ? sqrt(v) : 0;
		hy[i] = hok[i] ? (a - n1 * (a + c) / N) / sqrt(v) : 0;
		pok[i] = a + c > 0 && bb + d > 0 && isfinite(s->yi[i]);
		px[i] = 1 / N;
		pw[i] = pok[i] ? 1 / (1 / (a + c) + 1 / (bb + d)) : 0;
	}
	struct line h, p;
	fit_line(hx, hy, one, hok, k, &h);
	fit_line(px, s->yi, pw, pok, k, &p);
	b->binary = 1;
	b->harbord_b0 = h.b0;
	b->harbord_se = h.se0;
	b->harbord_df = h.df;
	b->harbord_k = h.n;
	b->harbord_why = h.why;
	t_test(h.b0, h.se0, h.df, &b->harbord_stat, &b->harbord_p);
	b->peters_b1 = p.b1;
	b->peters_se = p.se1;
	b->peters_df = p.df;
	b->peters_k = p.n;
	b->peters_why = p.why;
	t_test(p.b1, p.se1, p.df, &b->peters_stat, &b->peters_p);
	free(buf);
	free(ok);
	return 0;
}
