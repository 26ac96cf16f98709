/* nettext.c: a network meta-analysis as a text report: the conventions,
 * every treatment against the reference with its P-score, the league
 * table as a matrix (columns in blocks that fit 80 characters), the
 * heterogeneity and its decomposition, and direct against indirect
 * evidence. Ratio measures are shown as ratios. JSON and CSV are
 * netout.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"

#define WIDTH 80

struct ctx {
	const mk_network *n;
	mk_view v;
	int dec;		/* decimals of the values shown */
	int tw;			/* the treatment column */
};

/* s (escaped for a terminal) padded to w columns, left-aligned. */
static void
pad(mk_buf *b, const char *raw, int w)
{
	char tmp[512];
	const char *s = mk_label(raw, tmp, sizeof(tmp));

	mk_buf_printf(b, "%s", s);
	for (int c = mk_utf8_width(s); c < w; c++)
		mk_buf_put(b, " ", 1);
}

static int
width(const char *raw)
{
	char tmp[512];

	return mk_utf8_width(mk_label(raw, tmp, sizeof(tmp)));
}

/* x on the natural scale with the report's decimals ("NA" when not
 * finite; never "-0.00"). */
static void
val(char *out, size_t n, const struct ctx *c, double x)
{
	double v = mk_view_value(&c->v, x, NAN);

	if (!isfinite(v)) {
		snprintf(out, n, "NA");
		return;
	}
	if (fabs(v) < 0.5 * pow(10, -c->dec))
		v = 0;
	snprintf(out, n, "%.*f", c->dec, v);
}

/* "e [lo, hi]" or "e (lo, hi)" on the natural scale. */
static void
est_ci(char *out, size_t n, const struct ctx *c, double e, double lo,
    double hi, int round)
{
	char a[40], l[40], h[40];

	val(a, sizeof(a), c, e);
	val(l, sizeof(l), c, lo);
	val(h, sizeof(h), c, hi);
	snprintf(out, n, round ? "%.39s (%.39s, %.39s)" : "%.39s [%.39s, "
	    "%.39s]", a, l, h);
}

static void
pval(char *out, size_t n, double p)
{
	if (!isfinite(p))
		snprintf(out, n, "NA");
	else if (p < 0.0001)
		snprintf(out, n, "<0.0001");
	else
		snprintf(out, n, "%.4f", p);
}

/* Decimals that show the effects: 2, more when they are all small. */
static int
decimals(const mk_network *n, const mk_view *v)
{
	double big = 0;

	for (size_t t = 0; t < n->T; t++) {
		double x = fabs(mk_view_value(v, n->est[t], NAN) -
		    mk_view_value(v, 0, NAN));
		if (isfinite(x) && x > big)
			big = x;
	}
	if (!(big > 0) || big >= 0.1)
		return 2;
	int d = 1 - (int)floor(log10(big));
	return d > 6 ? 6 : d;
}

static void
header(mk_buf *b, const struct ctx *c)
{
	const mk_network *n = c->n;
	const mk_netdata *d = n->d;
	const mk_measure_info *me = mk_measure_get(d->measure);
	char note[160];

	mk_buf_printf(b, "Network meta-analysis of ");
	pad(b, d->file, 0);
	mk_view_note(note, sizeof(note), d->measure);
	mk_buf_printf(b, "\nMeasure: %s (%s)%s\n", me->label, me->name, note);
	if (n->random)
		mk_buf_printf(b, "Model: random effects, one tau2, by %s\n",
		    n->method == MK_DL ? "netmeta's generalised DerSimonian-"
		    "Laird (DL)" : "restricted maximum likelihood (REML)");
	else
		mk_buf_printf(b, "Model: common effect\n");
	mk_buf_printf(b, "Intervals: %g%%, Wald z", n->level);
	if (n->random && n->df >= 2)
		mk_buf_printf(b, "; prediction intervals t with %g df",
		    n->df);
	mk_buf_printf(b, "\nNetwork: %zu treatments, %zu stud%s (%zu "
	    "multi-arm), %zu pairwise comparison%s, %zu design%s\n", n->T,
	    d->k, d->k == 1 ? "y" : "ies", n->nmulti, n->ncomparisons,
	    n->ncomparisons == 1 ? "" : "s", n->ndesigns, n->ndesigns == 1 ?
	    "" : "s");
	if (d->ncc > 0)
		mk_buf_printf(b, "Zero cells: %g added to the events and "
		    "non-events of every arm of %zu stud%s\n", d->cc, d->ncc,
		    d->ncc == 1 ? "y" : "ies");
	if (d->nleft > 0)
		mk_buf_printf(b, "Left out: %zu stud%s (see the warnings)\n",
		    d->nleft, d->nleft == 1 ? "y" : "ies");
	mk_buf_printf(b, "Reference: ");
	pad(b, d->trt[n->ref], 0);
	mk_buf_printf(b, "\n");
}

/* Each treatment against the reference, with its P-score. */
static void
effects(mk_buf *b, const struct ctx *c)
{
	const mk_network *n = c->n;
	const mk_netdata *d = n->d;
	char ci[160], pi[160], p[20], head[80];
	double v[7];
	int ew = 0, pw = 0;

	for (size_t t = 0; t < n->T; t++) {	/* the columns' widths */
		mk_network_effect(n, t, v);
		est_ci(ci, sizeof(ci), c, v[0], v[2], v[3], 0);
		if ((int)strlen(ci) > ew)
			ew = (int)strlen(ci);
		if (isfinite(v[5])) {
			est_ci(pi, sizeof(pi), c, v[0], v[5], v[6], 0);
			pw = (int)strlen(strchr(pi, '[')) > pw ?
			    (int)strlen(strchr(pi, '[')) : pw;
		}
	}
	snprintf(head, sizeof(head), "%s [%g%% CI]", mk_view_unit(&c->v),
	    n->level);
	if ((int)strlen(head) > ew)
		ew = (int)strlen(head);
	mk_buf_printf(b, "\nEach treatment against ");
	pad(b, d->trt[n->ref], 0);
	mk_buf_printf(b, ":\n");
	pad(b, "Treatment", c->tw);
	mk_buf_printf(b, " Studies  %-*s  p        ", ew, head);
	if (pw > 0)
		mk_buf_printf(b, "%-*s  ", pw, "Prediction");
	mk_buf_printf(b, "P-score\n");
	for (size_t t = 0; t < n->T; t++) {
		pad(b, d->trt[t], c->tw);
		mk_buf_printf(b, " %7zu  ", n->nstudies[t]);
		if (t == n->ref) {
			mk_buf_printf(b, "%-*s  %-7s  ", ew, "reference", "");
			if (pw > 0)
				mk_buf_printf(b, "%*s  ", pw, "");
		} else {
			mk_network_effect(n, t, v);
			est_ci(ci, sizeof(ci), c, v[0], v[2], v[3], 0);
			pval(p, sizeof(p), v[4]);
			mk_buf_printf(b, "%-*s  %-7s  ", ew, ci, p);
			if (pw > 0) {
				est_ci(pi, sizeof(pi), c, v[0], v[5], v[6], 0);
				mk_buf_printf(b, "%-*s  ", pw, isfinite(v[5]) ?
				    strchr(pi, '[') : "NA");
			}
		}
		mk_buf_printf(b, "%.3f\n", n->pscore[t]);
	}
	size_t *rank = mk_network_ranked(n);
	if (rank == NULL) {
		b->oom = 1;
		return;
	}
	mk_buf_printf(b, "P-score: the mean certainty that the treatment is "
	    "better than another\n(%s values are good). By P-score:",
	    n->small_bad ? "large" : "small");
	for (size_t i = 0, at = 36; i < n->T; i++) {	/* wrapped at WIDTH */
		size_t w = (size_t)width(d->trt[rank[i]]) + (i ? 3 : 1);
		if (at + w > WIDTH) {
			mk_buf_printf(b, "\n ");
			at = 1;
		}
		mk_buf_printf(b, "%s", i ? " > " : " ");
		pad(b, d->trt[rank[i]], 0);
		at += w;
	}
	mk_buf_printf(b, "\n");
	free(rank);
}

/* The league table: below the diagonal, row i and column j < i hold the
 * column's treatment against the row's; the columns in blocks that fit
 * WIDTH characters. */
static void
league(mk_buf *b, const struct ctx *c)
{
	const mk_network *n = c->n;
	const mk_netdata *d = n->d;
	double z = mk_crit(n->level, 0);
	size_t T = n->T;
	int *cw = calloc(T, sizeof(int)), lw = 0;
	char s[160];

	if (cw == NULL) {
		b->oom = 1;
		return;
	}
	for (size_t j = 0; j + 1 < T; j++) {	/* column widths */
		cw[j] = width(d->trt[j]);
		for (size_t i = j + 1; i < T; i++) {
			double e, se;
			mk_network_pair(n, j, i, &e, &se);
			est_ci(s, sizeof(s), c, e, e - z * se, e + z * se, 1);
			if ((int)strlen(s) > cw[j])
				cw[j] = (int)strlen(s);
		}
	}
	for (size_t i = 1; i < T; i++)
		if (width(d->trt[i]) > lw)
			lw = width(d->trt[i]);
	mk_buf_printf(b, "\nLeague table (%g%% CI): each cell is the %s of "
	    "its column's treatment\nagainst its row's; the other way round "
	    "it is the %s.\n", n->level, mk_measure_get(d->measure)->log_scale ?
	    "ratio" : "difference", mk_measure_get(d->measure)->log_scale ?
	    "reciprocal" : "negative");
	for (size_t j0 = 0; j0 + 1 < T;) {	/* a block of columns */
		size_t j1 = j0 + 1;
		int used = lw + 2 + cw[j0];
		while (j1 + 1 < T && used + 2 + cw[j1] <= WIDTH)
			used += 2 + cw[j1++];
		mk_buf_printf(b, "\n");
		pad(b, "", lw);
		for (size_t j = j0; j < j1; j++) {
			mk_buf_printf(b, "  ");
			pad(b, d->trt[j], j + 1 < j1 ? cw[j] : 0);
		}
		mk_buf_printf(b, "\n");
		for (size_t i = j0 + 1; i < T; i++) {
			pad(b, d->trt[i], lw);
			for (size_t j = j0; j < j1 && j < i; j++) {
				double e, se;
				mk_network_pair(n, j, i, &e, &se);
				est_ci(s, sizeof(s), c, e, e - z * se,
				    e + z * se, 1);
				mk_buf_printf(b, "  %-*s", j + 1 < j1 && j + 1 <
				    i ? cw[j] : 0, s);
			}
			mk_buf_printf(b, "\n");
		}
		j0 = j1;
	}
	free(cw);
}

static void
heterogeneity(mk_buf *b, const struct ctx *c)
{
	const mk_network *n = c->n;

	mk_buf_printf(b, "\nHeterogeneity (common-effect Q): Q = %.2f (df = "
	    "%g, ", n->q, n->df);
	mk_buf_p(b, n->qp);
	mk_buf_printf(b, "); I2 = ");
	if (isfinite(n->i2))
		mk_buf_printf(b, "%.1f%%\n", n->i2);
	else
		mk_buf_printf(b, "NA\n");
	if (n->random)
		mk_buf_printf(b, "  tau2 = %.4f, tau = %.4f\n", n->tau2,
		    sqrt(n->tau2));
	mk_buf_printf(b, "Its decomposition by design:\n  within designs   "
	    "Q = %.2f (df = %g, ", n->q_within, n->df_within);
	mk_buf_p(b, n->p_within);
	mk_buf_printf(b, ")\n  between designs  Q = %.2f (df = %g, ",
	    n->q_between, n->df_between);
	mk_buf_p(b, n->p_between);
	mk_buf_printf(b, "): the inconsistency\n");
}

/* Direct against indirect evidence on each pair with direct evidence. */
static void
split(mk_buf *b, const struct ctx *c)
{
	const mk_network *n = c->n;
	const mk_netdata *d = n->d;
	double z = mk_crit(n->level, 0);
	int ratio = mk_measure_get(d->measure)->log_scale;
	int pw = (int)strlen("Comparison"), dw = (int)strlen("Direct");
	int iw = (int)strlen("Indirect");
	char s1[160], s2[160], s3[160], p[20];

	for (size_t i = 0; i < n->nsplit; i++) {	/* the columns' widths */
		const mk_netsplit *x = &n->split[i];
		int w = width(d->trt[x->t1]) + width(d->trt[x->t2]) + 4;
		pw = w > pw ? w : pw;
		est_ci(s1, sizeof(s1), c, x->direct, x->direct - z *
		    x->direct_se, x->direct + z * x->direct_se, 0);
		dw = (int)strlen(s1) > dw ? (int)strlen(s1) : dw;
		est_ci(s2, sizeof(s2), c, x->indirect, x->indirect - z *
		    x->indirect_se, x->indirect + z * x->indirect_se, 0);
		iw = (int)strlen(s2) > iw ? (int)strlen(s2) : iw;
	}
	mk_buf_printf(b, "\nDirect and indirect evidence (SIDE, by "
	    "back-calculation; %s):\n", n->random ? "random effects" :
	    "common effect");
	pad(b, "Comparison", pw);
	mk_buf_printf(b, "  Studies  %-*s  %-*s  %-10s  p\n", dw, "Direct", iw,
	    "Indirect", ratio ? "Ratio" : "Difference");
	for (size_t i = 0; i < n->nsplit; i++) {
		const mk_netsplit *x = &n->split[i];
		char cmp[300];
		snprintf(cmp, sizeof(cmp), "%s vs %s", d->trt[x->t1],
		    d->trt[x->t2]);
		pad(b, cmp, pw);
		est_ci(s1, sizeof(s1), c, x->direct, x->direct - z *
		    x->direct_se, x->direct + z * x->direct_se, 0);
		mk_buf_printf(b, "  %7zu  %-*s  ", x->k, dw, s1);
		if (!isfinite(x->indirect)) {
			mk_buf_printf(b, "none (all the evidence is direct)\n");
			continue;
		}
		est_ci(s2, sizeof(s2), c, x->indirect, x->indirect - z *
		    x->indirect_se, x->indirect + z * x->indirect_se, 0);
		val(s3, sizeof(s3), c, x->diff);
		pval(p, sizeof(p), x->p);
		mk_buf_printf(b, "%-*s  %-10s  %s\n", iw, s2, s3, p);
	}
	mk_buf_printf(b, "%s: direct %s indirect, tested by z; each "
	    "comparison is the first treatment against the second.\n",
	    ratio ? "Ratio" : "Difference", ratio ? "over" : "minus");
}

void
mk_render_network_text(mk_buf *b, const mk_network *n)
{
	struct ctx c = { .n = n };

	mk_view_init(&c.v, n->d->measure);
	c.dec = decimals(n, &c.v);
	c.tw = (int)strlen("Treatment");
	for (size_t t = 0; t < n->T; t++)
		if (width(n->d->trt[t]) > c.tw)
			c.tw = width(n->d->trt[t]);
	header(b, &c);
	effects(b, &c);
	league(b, &c);
	heterogeneity(b, &c);
	split(b, &c);
}
