/* forestrow.c: the pieces a forest plot is drawn from (svg.c lays them
 * out): measured text, positions on the effect axis, a study's row with
 * its data, weight, interval and square, a pooled row with its diamond,
 * totals and prediction interval, and wrapped notes (heterogeneity, tests). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/internal.h"

/* The size and weight a text element's style attributes ask for. */
static double
style_px(const char *style, int *bold)
{
	const char *fs = style ? strstr(style, "font-size=\"") : NULL;

	*bold = style != NULL && strstr(style, "bold") != NULL;
	return fs ? atof(fs + 11) : 11;
}

/* A text element; its measured extent widens L's. */
void
mk_fp_text(struct mk_forest *L, mk_buf *b, double x, double y,
    const char *anchor, const char *style, const char *s)
{
	int bold;
	double size = style_px(style, &bold), w = mk_text_px(s, size, bold);
	double x0 = anchor == NULL ? x : strcmp(anchor, "end") == 0 ? x - w :
	    x - w / 2;

	L->xmin = fmin(L->xmin, x0);
	L->xmax = fmax(L->xmax, x0 + w);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s%s%s%s>", x, y,
	    anchor ? " text-anchor=\"" : "", anchor ? anchor : "",
	    anchor ? "\"" : "", style ? style : "");
	mk_buf_xml(b, s);
	mk_buf_printf(b, "</text>\n");
}

double
mk_fp_x(const struct mk_forest *L, double v)
{
	return L->xplot + MK_FP_PLOTW * mk_axis_pos(&L->ax, v);
}

/* The x of an analysis-scale value (nn: the sample size PFT needs). */
double
mk_fp_at(const struct mk_forest *L, double v, double nn)
{
	return mk_fp_x(L, mk_view_pos(&L->v, v, nn));
}

/* An analysis-scale value as printed, on the natural scale. */
double
mk_fp_shown(const struct mk_forest *L, double v, double nn)
{
	return mk_view_tidy(mk_view_value(&L->v, v, nn), L->dec); /* no -0.00 */
}

void
mk_fp_ci(char *out, size_t n, const struct mk_forest *L, double e, double lo,
    double hi, double nn)
{
	if (!isfinite(e))
		snprintf(out, n, "Not estimable");
	else
		snprintf(out, n, "%.*f [%.*f, %.*f]", L->dec, mk_fp_shown(L, e,
		    nn), L->dec, mk_fp_shown(L, lo, nn), L->dec, mk_fp_shown(L,
		    hi, nn));
}

/* A horizontal CI line clipped to the axis, with an arrow where cut. */
void
mk_fp_ci_line(mk_buf *b, const struct mk_forest *L, double lo, double hi,
    double y, double nn)
{
	double x0 = mk_fp_at(L, lo, nn), x1 = mk_fp_at(L, hi, nn);
	double left = L->xplot, right = L->xplot + MK_FP_PLOTW;

	if (x1 < left || x0 > right)
		x0 = x1 = x0 < left ? left : right;
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"black\"/>\n", fmax(x0, left), y,
	    fmin(x1, right), y);
	if (x0 < left)
		mk_buf_printf(b, "<path d=\"M%.1f %.1fl6 -3v6z\"/>\n", left, y);
	if (x1 > right)
		mk_buf_printf(b, "<path d=\"M%.1f %.1fl-6 -3v6z\"/>\n", right,
		    y);
}

void
mk_fp_diamond(mk_buf *b, const struct mk_forest *L, double e, double lo,
    double hi, double y, const char *fill, double nn)
{
	double l = fmax(mk_fp_at(L, lo, nn), L->xplot), r = fmin(mk_fp_at(L, hi,
	    nn),
	    L->xplot + MK_FP_PLOTW), c = mk_fp_at(L, e, nn);

	if (!isfinite(e))
		return;
	c = fmin(fmax(c, L->xplot), L->xplot + MK_FP_PLOTW);
	mk_buf_printf(b, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f "
	    "%.1f,%.1f\" fill=\"%s\" stroke=\"black\"/>\n", l, y, c, y - 5,
	    r, y, c, y + 5, fill);
}

void
mk_fp_pvalue(char *out, size_t n, double p)
{
	if (!isfinite(p))
		snprintf(out, n, "P = NA");
	else if (p < 0.00001)
		snprintf(out, n, "P < 0.00001");
	else
		snprintf(out, n, "P = %.*f", p < 0.001 ? 5 : p < 0.01 ? 3 : 2,
		    p);
}

const char *
mk_fp_df(double df, char *out, size_t n)
{
	if (fabs(df - nearbyint(df)) < 1e-9 * fmax(1, fabs(df)))
		snprintf(out, n, "%.0f", df);
	else	/* Satterthwaite's */
		snprintf(out, n, "%.2f", df);
	return out;
}

/* Writes a line of text that may be long, wrapped (at "; " where it can)
 * to the plot's width; advances L->y. */
void
mk_fp_note(mk_buf *b, struct mk_forest *L, const char *s)
{
	double max = (L->note_right > 0 ? L->note_right : L->width - 10) -
	    (L->xlab + 8);
	char line[1024];
	const char *p = s;

	while (*p) {
		size_t len = mk_text_fit(p, max, 10, 0);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		mk_fp_text(L, b, L->xlab + 8, L->y, NULL, " font-size=\"10\"",
		    line);
		L->y += MK_FP_ROW - 4;
		p += len;
		while (*p == ' ')
			p++;
	}
}

/* A Bayesian fit's notes: tau's posterior, Q, P(mu < threshold), the
 * priors. */
static void
bayes_note(mk_buf *b, struct mk_forest *L, const mk_fit *f)
{
	const mk_bayes *by = f->bayes;
	char s[320], p[32], t[96], m[96];

	mk_fp_pvalue(p, sizeof(p), f->qp);
	snprintf(s, sizeof(s), "Heterogeneity: Tau = %.2f [%g%% CrI %.2f, "
	    "%.2f] (posterior median)%s%.2f, df = %.0f (%s)", by->tau_median,
	    f->level, by->tau_lo, by->tau_hi, f->k > 1 ? "; Chi\xC2\xB2 = " :
	    "", f->q, f->qdf, p);
	if (f->k < 2)	/* no Q */
		snprintf(s, sizeof(s), "Heterogeneity: Tau = %.2f [%g%% CrI "
		    "%.2f, %.2f] (posterior median; one study)", by->tau_median,
		    f->level, by->tau_lo, by->tau_hi);
	mk_fp_note(b, L, s);
	mk_fmt_prob(p, sizeof(p), by->p_below);
	snprintf(s, sizeof(s), "Posterior probability that %s < %g: %s",
	    mk_view_unit(&L->v), mk_fp_shown(L, by->threshold, L->n), p);
	mk_fp_note(b, L, s);
	if (f != L->r->fit)
		return;	/* the priors once, under the total */
	mk_prior_name(&by->prior_tau, t, sizeof(t));
	mk_prior_name(&by->prior_mu, m, sizeof(m));
	snprintf(s, sizeof(s), "Priors: tau ~ %s, mu ~ %s; shrunken study "
	    "estimates in red", t, m);
	mk_fp_note(b, L, s);
}

void
mk_fp_het_note(mk_buf *b, struct mk_forest *L, const mk_fit *f)
{
	char s[256], p[32], df[32];
	int random = mk_method_get(f->method)->random;

	if (f->bayes != NULL) {
		bayes_note(b, L, f);
		return;
	}
	if (f->k < 2)	/* one study, drawn as itself: nothing pooled */
		return;
	/* RevMan's line, with RevMan's numbers: I2 = (Q - df) / Q, also
	 * under a random-effects model (whose I2 from tau2 the text and
	 * JSON reports give) */
	mk_fp_pvalue(p, sizeof(p), f->qp);
	double i2 = mk_i2_q(f->q, f->qdf);
	if (f->glmm != NULL) {	/* the tests against the saturated model */
		const mk_glmm_res *g = f->glmm;
		snprintf(s, sizeof(s), "Heterogeneity: Tau\xC2\xB2 = %.4f; "
		    "I\xC2\xB2 = %.0f%%", f->tau2, f->i2);
		if (isfinite(g->sigma2))
			snprintf(s + strlen(s), sizeof(s) - strlen(s), "; "
			    "\xCF\x83\xC2\xB2 (intercept) = %.4f", g->sigma2);
		mk_fp_note(b, L, s);
		mk_fp_note(b, L, "Squares sized by precision (1/SE): a GLMM "
		    "gives the studies no weights");
		mk_fp_pvalue(p, sizeof(p), g->q_lrt_p);
		snprintf(s, sizeof(s), "Likelihood ratio Chi\xC2\xB2 = %.2f, "
		    "df = %.0f (%s)", g->q_lrt, g->df, p);
		if (isfinite(g->q_wald)) {
			char p2[32];
			mk_fp_pvalue(p2, sizeof(p2), g->q_wald_p);
			snprintf(s + strlen(s), sizeof(s) - strlen(s), "; Wald "
			    "Chi\xC2\xB2 = %.2f, df = %.0f (%s)", g->q_wald, g->df,
			    p2);
		}
	} else if (random)
		snprintf(s, sizeof(s), f->tau2 != 0 && fabs(f->tau2) <
		    0.00005 ? "Heterogeneity: Tau\xC2\xB2 = %.3g; "
		    "Chi\xC2\xB2 = %.2f, df = %.0f (%s); I\xC2\xB2 = %.0f%%" :
		    "Heterogeneity: Tau\xC2\xB2 = %.4f; "
		    "Chi\xC2\xB2 = %.2f, df = %.0f (%s); I\xC2\xB2 = %.0f%%",
		    f->tau2, f->q, f->qdf, p, isfinite(i2) ? i2 : 0);
	else
		snprintf(s, sizeof(s), "Heterogeneity: Chi\xC2\xB2 = %.2f, "
		    "df = %.0f (%s); I\xC2\xB2 = %.0f%%", f->q, f->qdf, p,
		    isfinite(i2) ? i2 : 0);
	mk_fp_note(b, L, s);
	mk_fp_pvalue(p, sizeof(p), f->p);
	if (isfinite(f->tdf))
		snprintf(s, sizeof(s), "Test for overall effect: t = %.2f, "
		    "df = %s (%s)", fabs(f->stat), mk_fp_df(f->tdf, df,
		    sizeof(df)), p);
	else
		snprintf(s, sizeof(s), "Test for overall effect: Z = %.2f (%s)",
		    fabs(f->stat), p);
	mk_fp_note(b, L, s);
}

static void
raw_cells(mk_buf *b, struct mk_forest *L, const mk_studies *s, size_t i)
{
	char v[32];

	for (int c = 0; c < L->nraw; c++) {
		if (isnan(s->raw[c][i]))
			continue;	/* not given as the data themselves */
		snprintf(v, sizeof(v), "%g", s->raw[c][i]);
		mk_fp_text(L, b, L->xraw[c], L->y, "end", NULL, v);
	}
}

/* Under study i's row, its shrunken effect (BAYES): a red interval with
 * a dot at the posterior median, and its numbers in small type. */
static void
shrunken_row(mk_buf *b, struct mk_forest *L, size_t i, double nn)
{
	const mk_bayes *by = L->shrink;
	char ci[96];
	double y = L->y - 6, yc = y - 3;

	mk_fp_ci(ci, sizeof(ci), L, by->shr_median[i], by->shr_lo[i],
	    by->shr_hi[i], nn);
	mk_fp_text(L, b, L->xlab + 8, y, NULL, " font-size=\"9\" "
	    "fill=\"#c0392b\"", "shrunken");
	mk_fp_text(L, b, L->xeffect, y, "end", " font-size=\"9\" "
	    "fill=\"#c0392b\"", ci);
	double x0 = fmax(mk_fp_at(L, by->shr_lo[i], nn), L->xplot);
	double x1 = fmin(mk_fp_at(L, by->shr_hi[i], nn), L->xplot + MK_FP_PLOTW);
	double xm = mk_fp_at(L, by->shr_median[i], nn);
	if (x1 >= x0)
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#c0392b\"/>\n", x0, yc, x1, yc);
	if (xm >= L->xplot && xm <= L->xplot + MK_FP_PLOTW)
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
		    "fill=\"#c0392b\"/>\n", xm, yc);
	L->y += 10;
}

void
mk_fp_study_row(mk_buf *b, struct mk_forest *L, const mk_studies *s, size_t i)
{
	const mk_fit *f = L->r->fit;
	size_t j = L->overall[s->row[i]];
	char tmp[512], ci[96], w[32];
	double y = L->y, z = mk_crit(f->level, NAN), se = sqrt(f->vi[j]);
	double nn = mk_study_n(s, i);

	mk_fp_text(L, b, L->xlab, y, NULL, NULL, mk_study_label_marked(L->r, s,
	    i, tmp, sizeof(tmp)));
	raw_cells(b, L, s, i);
	w[0] = '\0';
	if (isfinite(f->weight[j]))
		snprintf(w, sizeof(w), "%.1f%%", f->weight[j]);
	mk_fp_text(L, b, L->xweight, y, "end", NULL, w);
	mk_fp_ci(ci, sizeof(ci), L, f->yi[j], f->yi[j] - z * se,
	    f->yi[j] + z * se, nn);
	mk_fp_text(L, b, L->xeffect, y, "end", NULL, ci);
	/* a square by weight, or by precision for a GLMM (no weights) */
	double size = isfinite(f->weight[j]) ? sqrt(f->weight[j] / L->wmax) :
	    f->glmm != NULL ? 1 / (sqrt(f->vi[j]) * L->pmax) : NAN;
	if (isfinite(f->yi[j]) && isfinite(size)) {
		double yc = y - 4, side = 4 + 10 * size;
		mk_fp_ci_line(b, L, f->yi[j] - z * se, f->yi[j] + z * se, yc,
		    nn);
		double x = mk_fp_at(L, f->yi[j], nn);
		if (x >= L->xplot && x <= L->xplot + MK_FP_PLOTW)
			mk_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"#1f4e79\"/>\n",
			    x - side / 2, yc - side / 2, side, side);
	}
	L->y += MK_FP_ROW;
	if (L->shrink != NULL && L->shrink->shr_median != NULL)
		shrunken_row(b, L, i, nn);
}

/* In the data columns headed `head` ("Total", "Events"), the sum over
 * the studies s; a column is left empty when a study lacks its value. */
static int
arm_sums(mk_buf *b, struct mk_forest *L, const mk_studies *s, const char *head,
    int bold)
{
	int arms, shown = 0;
	const char *const *heads = mk_kind_heads(s->kind, &arms);
	char v[48];

	for (int c = 0; c < L->nraw && c < s->nraw; c++) {
		long double t = 0;
		int all = s->k > 0;
		if (strcmp(heads[c], head) != 0)
			continue;
		for (size_t i = 0; i < s->k; i++)
			if (isfinite(s->raw[c][i]))
				t += s->raw[c][i];
			else
				all = 0;
		if (!all)
			continue;
		snprintf(v, sizeof(v), "%.15g", (double)t);
		mk_fp_text(L, b, L->xraw[c], L->y, "end", bold ?
		    " font-weight=\"bold\"" : NULL, v);
		shown = 1;
	}
	return shown;
}

/* The pooled row of fit f (nn: its studies' sample size for PFT). */
void
mk_fp_pooled_row(mk_buf *b, struct mk_forest *L, const mk_fit *f,
    const char *name, double weight, int bold, double nn,
    const mk_studies *s)
{
	char ci[96], w[32];

	mk_fp_text(L, b, L->xlab, L->y, NULL,
	    bold ? " font-weight=\"bold\"" : NULL,
	    name);
	if (s != NULL) {	/* RevMan's totals: participants, then events */
		arm_sums(b, L, s, "Total", 1);
		arm_sums(b, L, s, "Time", 1);
	}
	snprintf(w, sizeof(w), "%.1f%%", weight);
	if (f->glmm != NULL)	/* no weights */
		w[0] = '\0';
	mk_fp_text(L, b, L->xweight, L->y, "end", " font-weight=\"bold\"", w);
	mk_fp_ci(ci, sizeof(ci), L, f->est, f->lo, f->hi, nn);
	mk_fp_text(L, b, L->xeffect, L->y, "end", " font-weight=\"bold\"", ci);
	/* one study is drawn as that study, with no diamond (a Bayesian fit
	 * of one study is a posterior, not the study) */
	if (f->k == 1 && f->bayes == NULL) {
		double x = mk_fp_at(L, f->est, nn);
		mk_fp_ci_line(b, L, f->lo, f->hi, L->y - 4, nn);
		if (x >= L->xplot && x <= L->xplot + MK_FP_PLOTW)
			mk_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"8.0\" height=\"8.0\" fill=\"none\" "
			    "stroke=\"black\"/>\n", x - 4, L->y - 8);
	} else {
		mk_fp_diamond(b, L, f->est, f->lo, f->hi, L->y - 4, bold ?
		    "black" : "#7f7f7f", nn);
	}
	L->y += MK_FP_ROW;
	if (s != NULL) {
		mk_buf row = { 0 };
		if (arm_sums(&row, L, s, "Events", 0)) {
			mk_fp_text(L, b, L->xlab, L->y, NULL, NULL,
			    "Total events");
			mk_buf_put(b, row.data, row.len);
			L->y += MK_FP_ROW;
		}
		if (row.oom)
			b->oom = 1;
		mk_buf_free(&row);
	}
	if (mk_method_get(f->method)->random && (f->k > 1 || f->bayes) &&
	    isfinite(f->pi_lo)) {
		char pi[96];
		mk_fp_text(L, b, L->xlab + 8, L->y, NULL, " font-size=\"10\"",
		    "Prediction interval");
		snprintf(pi, sizeof(pi), "[%.*f, %.*f]", L->dec, mk_fp_shown(L,
		    f->pi_lo, nn), L->dec, mk_fp_shown(L, f->pi_hi, nn));
		mk_fp_text(L, b, L->xeffect, L->y, "end", " font-size=\"10\"",
		    pi);
		double yc = L->y - 4;
		mk_fp_ci_line(b, L, f->pi_lo, f->pi_hi, yc, nn);
		double x0 = fmax(mk_fp_at(L, f->pi_lo, nn), L->xplot);
		double x1 = fmin(mk_fp_at(L, f->pi_hi, nn),
		    L->xplot + MK_FP_PLOTW);
		mk_buf_printf(b, "<path d=\"M%.1f %.1fv6M%.1f %.1fv6\" "
		    "stroke=\"black\"/>\n", x0, yc - 3, x1, yc - 3);
		L->y += MK_FP_ROW;
	}
}

double
mk_fp_subtotal_weight(const struct mk_forest *L, const mk_studies *s)
{
	double w = 0;

	for (size_t i = 0; i < s->k; i++) {
		double x = L->r->fit->weight[L->overall[s->row[i]]];
		if (isfinite(x))
			w += x;
	}
	return w;
}
