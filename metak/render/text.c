/* text.c: the human-readable report: a header naming every convention
 * used, a per-study table (ratio measures back-transformed) with a forest
 * plot drawn in plain characters (80 columns unless a label is longer, or
 * a terminal's width), the pooled result, heterogeneity, and subgroups
 * with their test for differences. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"

#define LABEL_W 22	/* study label, at least */
#define EFF_W(c) (3 * ((c)->dec + 4) + 4)	/* "  0.39 [  0.12,   1.26]"
						 * with 2 decimals */
#define STRIP 26	/* forest plot characters off a terminal */
#define STRIP_MIN 10	/* ... and on one, as its width allows */
#define STRIP_MAX 60

struct ctx {
	const mk_result *r;
	mk_view v;
	mk_axis ax;
	size_t *overall;	/* table row -> index in the overall fit */
	int lw;			/* label column: the widest label + 1 */
	int sw;			/* forest strip width */
	int dec;		/* decimals of the effects shown */
};


/* x with dec decimals right-aligned in width columns (0: no padding). */
static void
num(mk_buf *b, int dec, double x, int width)
{
	if (isfinite(x))
		mk_buf_printf(b, "%*.*f", width, dec, x == 0 ? 0 : x);
	else
		mk_buf_printf(b, "%*s", width, "NA");
}

/* Writes s (control characters escaped) padded to w columns, or cut to
 * w-1 and marked with '~' (only past mk_label's 511 bytes: the label
 * column is as wide as the widest label). */
static void
cell(mk_buf *b, const char *raw, int w)
{
	char tmp[512];
	const char *s = mk_label(raw, tmp, sizeof(tmp));
	int keep = mk_utf8_width(s) <= w ? w : w - 1, cols = 0;
	const char *p = s;

	while (*p && cols < keep) {
		const char *q = p + 1;
		while ((*q & 0xC0) == 0x80)
			q++;
		mk_buf_put(b, p, (size_t)(q - p));
		cols++;
		p = q;
	}
	if (*p) {
		mk_buf_put(b, "~", 1);
		cols++;
	}
	for (; cols < w; cols++)
		mk_buf_put(b, " ", 1);
}

/* "est [lo, hi]" on the natural scale in exactly EFF_W columns (n: the
 * sample size PFT needs). */
static void
effect_ci(mk_buf *b, const struct ctx *c, double y, double lo, double hi,
    double n)
{
	char s[96];

	int d = c->dec, w = d + 4;

	if (!isfinite(y) || !isfinite(lo) || !isfinite(hi))
		snprintf(s, sizeof(s), "%*s", EFF_W(c) - 1, "not estimable");
	else
		snprintf(s, sizeof(s), "%*.*f [%*.*f, %*.*f]", w, d,
		    mk_view_tidy(mk_view_value(&c->v, y, n), d), w, d,
		    mk_view_tidy(mk_view_value(&c->v, lo, n), d), w, d,
		    mk_view_tidy(mk_view_value(&c->v, hi, n), d));
	mk_buf_printf(b, "%-*s", EFF_W(c), s);
}

static int
col(const struct ctx *c, double x)
{
	double p = mk_axis_pos(&c->ax, x) * (c->sw - 1);

	return (int)lround(fmin(fmax(p, -1), c->sw));
}

/* The forest strip: a CI line with its estimate (e finite), a bare
 * interval (e NaN, the prediction interval), or a diamond; values on the
 * analysis scale, n the sample size PFT needs. */
static void
strip(mk_buf *b, const struct ctx *c, double e, double lo, double hi,
    int diamond, double n)
{
	char s[STRIP_MAX + 1];
	int z = col(c, 0), a = col(c, mk_view_pos(&c->v, lo, n));
	int h = col(c, mk_view_pos(&c->v, hi, n));
	int m = col(c, mk_view_pos(&c->v, e, n));

	memset(s, ' ', (size_t)c->sw);
	s[c->sw] = '\0';
	if (c->v.null && z >= 0 && z < c->sw)
		s[z] = '|';
	if (isfinite(lo) && isfinite(hi)) {
		for (int i = a < 0 ? 0 : a; i <= h && i < c->sw; i++)
			s[i] = diamond ? '=' : '-';
		if (diamond) {
			if (a >= 0 && a < c->sw)
				s[a] = '<';
			if (h >= 0 && h < c->sw)
				s[h] = '>';
		} else {
			if (a < 0)
				s[0] = '<';
			if (h >= c->sw)
				s[c->sw - 1] = '>';
		}
		if (isfinite(e) && m >= 0 && m < c->sw)
			s[m] = diamond ? '#' : 'o';
	}
	mk_buf_printf(b, " %s", s);
	/* no trailing blanks */
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
	mk_buf_printf(b, "\n");
}

static void
axis_rows(mk_buf *b, const struct ctx *c)
{
	char line[STRIP_MAX + 1], labels[STRIP_MAX + 16];
	int last = -2, room = c->sw + 15;

	memset(line, '-', (size_t)c->sw);
	line[c->sw] = '\0';
	memset(labels, ' ', sizeof(labels));
	labels[room] = '\0';
	for (int i = 0; i < c->ax.n; i++) {
		int p = col(c, c->ax.tick[i]);
		char v[16];
		int n = snprintf(v, sizeof(v), "%g", c->ax.log ?
		    exp(c->ax.tick[i]) : c->ax.tick[i]);
		int at = p - n / 2;
		if (p < 0 || p >= c->sw)
			continue;
		line[p] = '+';
		if (at < 0)
			at = 0;
		if (at <= last + 1 || at + n >= room)
			continue;	/* would touch the previous label */
		memcpy(labels + at, v, (size_t)n);
		last = at + n - 1;
	}
	labels[last + 1 > 0 ? last + 1 : 0] = '\0';
	mk_buf_printf(b, "%*s %s\n%*s %s\n", c->lw + EFF_W(c) + 7, "", line,
	    c->lw + EFF_W(c) + 7, "", labels);
}

/* A weight in percent in 7 columns; blank for a GLMM, which has none. */
static void
weight_cell(mk_buf *b, const mk_fit *f, double w)
{
	if (f->glmm != NULL) {
		mk_buf_printf(b, "%7s", "");
		return;
	}
	num(b, 1, w, 6);
	mk_buf_printf(b, "%%");
}

static double
overall_weight(const struct ctx *c, const mk_studies *s, size_t i)
{
	return c->r->fit->weight[c->overall[s->row[i]]];
}

/* The studies s; under each, its shrunken effect in the Bayesian fit by
 * (NULL: none) that pooled s. */
static void
study_rows(mk_buf *b, const struct ctx *c, const mk_studies *s,
    const mk_bayes *by)
{
	const mk_fit *f = c->r->fit;
	double z = mk_crit(f->level, NAN);
	char tmp[512];
	size_t *ord = malloc((s->k ? s->k : 1) * sizeof(size_t));

	if (ord == NULL || mk_study_order(c->r, s, ord) != 0) {
		free(ord);
		b->oom = 1;
		return;
	}
	for (size_t o = 0; o < s->k; o++) {	/* in --sort's order */
		size_t i = ord[o], j = c->overall[s->row[i]];
		double se = sqrt(f->vi[j]), n = mk_study_n(s, i);
		cell(b, mk_study_label_marked(c->r, s, i, tmp, sizeof(tmp)),
		    c->lw);
		effect_ci(b, c, f->yi[j], f->yi[j] - z * se, f->yi[j] + z * se,
		    n);
		weight_cell(b, f, overall_weight(c, s, i));
		strip(b, c, f->yi[j], f->yi[j] - z * se, f->yi[j] + z * se,
		    0, n);
		if (by == NULL || by->shr_median == NULL)
			continue;
		cell(b, "  shrunken", c->lw);
		effect_ci(b, c, by->shr_median[i], by->shr_lo[i],
		    by->shr_hi[i], n);
		mk_buf_printf(b, "%7s", "");
		strip(b, c, by->shr_median[i], by->shr_lo[i], by->shr_hi[i], 0,
		    n);
	}
	free(ord);
}

/* The pooled rows of fit f over studies s. */
static void
pooled_rows(mk_buf *b, const struct ctx *c, const mk_fit *f,
    const mk_studies *s, const char *name, double weight)
{
	const mk_method_info *mi = mk_method_get(f->method);
	double n = mk_studies_nhm(s, NULL, s->k);

	cell(b, name, c->lw);
	effect_ci(b, c, f->est, f->lo, f->hi, n);
	weight_cell(b, f, weight);
	/* one study is shown as that study, not as a pooled diamond */
	strip(b, c, f->est, f->lo, f->hi, f->k > 1 || f->bayes != NULL, n);
	if (mi->random && (f->k > 1 || f->bayes != NULL) &&
	    isfinite(f->pi_lo)) {
		char pi[64];
		cell(b, "  prediction interval", c->lw);
		int d = c->dec, w = d + 4;
		snprintf(pi, sizeof(pi), "%*s[%*.*f, %*.*f]", w + 1, "", w, d,
		    mk_view_tidy(mk_view_value(&c->v, f->pi_lo, n), d), w, d,
		    mk_view_tidy(mk_view_value(&c->v, f->pi_hi, n), d));
		mk_buf_printf(b, "%-*s%7s", EFF_W(c), pi, "");
		strip(b, c, NAN, f->pi_lo, f->pi_hi, 0, n);
	}
	if (f->bayes != NULL) {
		mk_text_bayes_pooled(b, f, s->measure, n);
		return;
	}
	mk_buf_printf(b, "  %s = ", isfinite(f->tdf) ? "t" : "z");
	num(b, 2, f->stat, 0);
	if (isfinite(f->tdf))
		mk_buf_printf(b, " (df = %.0f)", f->tdf);
	mk_buf_printf(b, ", ");
	mk_buf_p(b, f->p);
	mk_buf_printf(b, "\n");
}

/* A GLMM's heterogeneity: tau2 (and UM.RS's sigma2), I2 and H2 from the
 * typical escalc variance, the Wald and likelihood-ratio tests against
 * the saturated model, and the fit's log-likelihood. */
static void
glmm_rows(mk_buf *b, const mk_fit *f)
{
	const mk_glmm_res *g = f->glmm;

	mk_buf_printf(b, "  Heterogeneity: tau2 = ");
	num(b, 4, f->tau2, 0);
	mk_buf_printf(b, "; tau = ");
	num(b, 4, f->tau, 0);
	mk_buf_printf(b, "; I2 = ");
	num(b, 1, f->i2, 0);
	mk_buf_printf(b, "%s; H2 = ", isfinite(f->i2) ? "%" : "");
	num(b, 2, f->h2, 0);
	mk_buf_printf(b, "\n");
	if (isfinite(g->sigma2)) {
		mk_buf_printf(b, "  Random study intercept: sigma2 = ");
		num(b, 4, g->sigma2, 0);
		mk_buf_printf(b, "\n");
	}
	if (isfinite(g->q_wald) || !isfinite(g->q_lrt)) {
		mk_buf_printf(b, "  Wald test: Q = ");
		num(b, 2, g->q_wald, 0);
		mk_buf_printf(b, " (df = %.0f, ", g->df);
		mk_buf_p(b, g->q_wald_p);
		mk_buf_printf(b, ")\n");
	} else {
		mk_buf_printf(b, "  Wald test: none (a zero cell makes a "
		    "study's own estimate infinite)\n");
	}
	mk_buf_printf(b, "  Likelihood-ratio test: Q = ");
	num(b, 2, g->q_lrt, 0);
	mk_buf_printf(b, " (df = %.0f, ", g->df);
	mk_buf_p(b, g->q_lrt_p);
	mk_buf_printf(b, ")\n  Log-likelihood = ");
	num(b, 4, g->loglik, 0);
	mk_buf_printf(b, "; AIC = ");
	num(b, 2, g->aic, 0);
	mk_buf_printf(b, "; BIC = ");
	num(b, 2, g->bic, 0);
	mk_buf_printf(b, " (%d parameter%s, %zu observation%s)\n", g->npar,
	    g->npar == 1 ? "" : "s", g->nobs, g->nobs == 1 ? "" : "s");
}

static void
het_rows(mk_buf *b, const mk_fit *f, mk_measure m)
{
	const mk_method_info *mi = mk_method_get(f->method);

	if (f->bayes != NULL) {
		mk_text_bayes_het(b, f, m);
		return;
	}
	if (f->k < 2) {
		mk_buf_printf(b, "  Heterogeneity: not applicable (one "
		    "study)\n");
		return;
	}
	if (f->glmm != NULL) {
		glmm_rows(b, f);
		return;
	}
	mk_buf_printf(b, "  Heterogeneity: Q = ");
	num(b, 2, f->q, 0);
	mk_buf_printf(b, " (df = %.0f, ", f->qdf);
	mk_buf_p(b, f->qp);
	mk_buf_printf(b, "); I2 = ");
	num(b, 1, f->i2, 0);
	if (isfinite(f->i2))
		mk_buf_printf(b, "%%");
	if (mi->random) {	/* metafor's, from tau2: say so */
		mk_buf_printf(b, " [");
		num(b, 1, f->i2_lo, 0);
		mk_buf_printf(b, ", ");
		num(b, 1, f->i2_hi, 0);
		mk_buf_printf(b, "] from tau2");
	}
	if (!mi->random) {
		mk_buf_printf(b, "; H2 = ");
		num(b, 2, f->h2, 0);
	}
	mk_buf_printf(b, "\n");
	if (mi->random) {
		mk_buf_printf(b, "  tau2 = ");
		mk_buf_small(b, f->tau2);
		mk_buf_printf(b, " [");
		mk_buf_small(b, f->tau2_lo);
		mk_buf_printf(b, ", ");
		mk_buf_small(b, f->tau2_hi);
		mk_buf_printf(b, "] (Q-profile); tau = ");
		mk_buf_small(b, f->tau);
		mk_buf_printf(b, "; H2 = ");
		num(b, 2, f->h2, 0);
		mk_buf_printf(b, "\n");
	}
}

static void
preamble(mk_buf *b, const mk_result *r)
{
	const mk_fit *f = r->fit;
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	const mk_method_info *mi = mk_method_get(f->method);
	char note[160];

	mk_buf_printf(b, "%s: %zu stud%s\n", r->rows->file, f->k,
	    f->k == 1 ? "y" : "ies");
	mk_view_note(note, sizeof(note), me->id);
	if (strlen(me->label) + strlen(me->name) + strlen(note) + 12 <= 80)
		mk_buf_printf(b, "Measure: %s (%s)%s\n", me->label, me->name,
		    note);
	else	/* ", pooled ..." on a line of its own */
		mk_buf_printf(b, "Measure: %s (%s)\n  %s\n", me->label,
		    me->name, note + 2);
	if (me->tr == MK_TR_IPFT)
		mk_buf_printf(b, "Back-transformation: Miller (1978), at each "
		    "study's n; pooled values at the\n  harmonic mean of n, "
		    "%.2f\n", mk_studies_nhm(r->studies, NULL, r->studies->k));
	if (f->glmm != NULL) {
		const mk_glmm_info *gi = mk_glmm_get(f->glmm->model);
		mk_buf_printf(b, "Model: GLMM %s, %s\nMethod: %s, maximum "
		    "likelihood (%s)\n", gi->name, gi->label, f->method ==
		    MK_FE ? "fixed effect" : "random effects", mi->name);
		if (f->glmm->nq > 0)
			mk_buf_printf(b, "Integrals: adaptive Gauss-Hermite "
			    "quadrature, %zu points per random effect\n",
			    f->glmm->nq);
		mk_buf_printf(b, "Intervals: %g%%, Wald z\n", f->level);
	} else {
		mk_buf_printf(b, "Method: %s (%s)%s\n", mi->label, mi->name,
		    f->method == MK_DL && r->opts->dl_mhq ? ", tau2 from the "
		    "Mantel-Haenszel Q" : "");
		if (f->bayes != NULL)
			mk_text_bayes_priors(b, f, r->opts->prior_tau.kind ==
			    MK_PRIOR_DEFAULT);
		else
			mk_buf_printf(b, "Intervals: %g%%, %s\n", f->level,
			    f->ci == MK_CI_HKSJ ? "Knapp-Hartung t" : "Wald z");
	}
	mk_kind kind = r->studies->kind;
	if (r->studies->ncc > 0 && f->method != MK_PETO)
		mk_buf_printf(b, "Continuity correction: %g added to %s of "
		    "%zu stud%s%s\n", r->opts->cc, kind == MK_KIND_BINARY ?
		    "each cell" : kind == MK_KIND_PROP ? "the events and the "
		    "non-events" : "the events", r->studies->ncc,
		    r->studies->ncc == 1 ? "y" : "ies", f->glmm != NULL ?
		    " (study rows only; the GLMM models the counts)" :
		    f->method == MK_MH ? " (per-study estimates and Q only; "
		    "MH pools the raw counts)" : "");
	mk_buf_printf(b, "\n");
}

static double
group_weight(const struct ctx *c, const mk_studies *s)
{
	double w = 0;

	for (size_t i = 0; i < s->k; i++)
		if (isfinite(overall_weight(c, s, i)))
			w += overall_weight(c, s, i);
	return w;
}

/* The label column fits the widest study label; the strip takes what a
 * terminal's width leaves (r->cols), else STRIP. */
static void
widths(struct ctx *c)
{
	const mk_result *r = c->r;
	char tmp[512], esc[512];
	int fixed;

	c->lw = LABEL_W;
	for (size_t i = 0; !r->no_studies && i < r->studies->k; i++) {
		const char *l = mk_study_label_marked(r, r->studies, i, tmp,
		    sizeof(tmp));
		int w = mk_utf8_width(mk_label(l, esc, sizeof(esc))) + 1;
		if (w > c->lw)
			c->lw = w;
	}
	fixed = c->lw + EFF_W(c) + 7 + 1;
	c->sw = STRIP;
	if (r->cols > 0)
		c->sw = r->cols - fixed < STRIP_MIN ? STRIP_MIN :
		    r->cols - fixed > STRIP_MAX ? STRIP_MAX : r->cols - fixed;
}

void
mk_render_text(mk_buf *b, const mk_result *r)
{
	const mk_fit *f = r->fit;
	const mk_method_info *mi = mk_method_get(f->method);
	struct ctx c = { r, { 0 }, { 0 }, NULL, LABEL_W, STRIP, 2 };
	char hdr[64], e[256];

	c.overall = calloc(r->rows->n ? r->rows->n : 1,
	    sizeof(size_t));
	if (c.overall == NULL) {
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < r->studies->k; i++)
		c.overall[r->studies->row[i]] = i;
	mk_view_init(&c.v, r->studies->measure);
	c.dec = mk_view_decimals(&c.v, r->plot, f, r->studies,
	    mk_studies_nhm(r->studies, NULL, r->studies->k));
	widths(&c);
	mk_view_axis(&c.v, &c.ax, r->plot, f, r->studies, mk_studies_nhm(r->studies,
	    NULL, r->studies->k));
	preamble(b, r);
	snprintf(hdr, sizeof(hdr), "%s [%g%% CI%s]", mk_view_unit(&c.v),
	    f->level, f->bayes != NULL ? "/CrI" : "");
	cell(b, "Study", c.lw);
	mk_buf_printf(b, "%-*s%7s\n", EFF_W(&c), hdr, "Weight");
	if (r->no_studies)
		mk_buf_printf(b, "(%zu study rows left out: --no-studies)\n",
		    r->studies->k);
	else if (r->sub == NULL)
		study_rows(b, &c, r->studies, f->bayes);
	for (size_t j = 0; r->sub != NULL && j < r->sub->n; j++) {
		const mk_group *g = &r->sub->g[j];
		char name[96];
		char e1[256], e2[256];
		mk_buf_printf(b, "%s = %s\n", mk_label(r->sub->by, e1,
		    sizeof(e1)), mk_label(g->level, e2, sizeof(e2)));
		if (!r->no_studies)
			study_rows(b, &c, g->studies, g->fit.bayes);
		if (g->fit.k == 1 && g->fit.bayes == NULL)
			snprintf(name, sizeof(name), "  Not pooled (k = 1)");
		else
			snprintf(name, sizeof(name), "  Subtotal (k = %zu)",
			    g->fit.k);
		pooled_rows(b, &c, &g->fit, g->studies, name,
		    group_weight(&c, g->studies));
		het_rows(b, &g->fit, r->studies->measure);
		mk_buf_printf(b, "\n");
	}
	if (r->sub != NULL && r->sub->none != NULL) {
		char e1[256];
		mk_buf_printf(b, "%s = (empty): in the overall analysis "
		    "only\n", mk_label(r->sub->by, e1, sizeof(e1)));
		if (!r->no_studies)
			study_rows(b, &c, r->sub->none, NULL);
		mk_buf_printf(b, "\n");
	}
	pooled_rows(b, &c, f, r->studies, f->bayes != NULL ?
	    "Random effects (Bayes)" : f->k == 1 ? "Not pooled (k = 1)" :
	    mi->random ? "Random effects" : "Fixed effect", 100);
	axis_rows(b, &c);
	het_rows(b, f, r->studies->measure);
	if (r->sub != NULL && r->sub->common) {
		const mk_subgroups *sg = r->sub;
		mk_buf_printf(b, "\nMixed-effects model, one tau2 for all "
		    "subgroups of %s:\n  tau2 = ", mk_label(sg->by, e, sizeof(e)));
		mk_buf_small(b, sg->tau2);
		mk_buf_printf(b, " [");
		mk_buf_small(b, sg->tau2_lo);
		mk_buf_printf(b, ", ");
		mk_buf_small(b, sg->tau2_hi);
		mk_buf_printf(b, "]; residual I2 = ");
		num(b, 1, sg->i2, 0);
		mk_buf_printf(b, "%%\n  Residual heterogeneity: QE = ");
		num(b, 2, sg->qe, 0);
		mk_buf_printf(b, " (df = %.0f, ", sg->qe_df);
		mk_buf_p(b, sg->qe_p);
		mk_buf_printf(b, ")\n");
	}
	if (r->sub != NULL && f->bayes != NULL)
		mk_buf_printf(b, "\nNo test for subgroup differences: compare "
		    "the subgroups' posteriors\n");
	else if (r->sub != NULL) {
		const mk_subgroups *sg = r->sub;
		mk_buf_printf(b, "%sTest for subgroup differences (%s): ",
		    sg->common ? "  " : "\n", mk_label(sg->by, e, sizeof(e)));
		if (isfinite(sg->df2)) {
			mk_buf_printf(b, "F = ");
			num(b, 2, sg->q, 0);
			mk_buf_printf(b, ", df = (%.0f, %.0f), ", sg->df,
			    sg->df2);
		} else {
			mk_buf_printf(b, "Q = ");
			num(b, 2, sg->q, 0);
			mk_buf_printf(b, ", df = ");
			num(b, 0, sg->df, 0);
			mk_buf_printf(b, ", ");
		}
		mk_buf_p(b, sg->p);
		if (isfinite(sg->diff_i2))
			mk_buf_printf(b, "; I2 = %.1f%%", sg->diff_i2);
		mk_buf_printf(b, "\n");
	}
	mk_render_provenance_text(b, r);
	mk_render_influence_text(b, r);
	mk_render_sof_text(b, r);
	free(c.overall);
}
