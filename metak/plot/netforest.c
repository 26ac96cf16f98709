/* netforest.c: the forest plot of a network meta-analysis: every
 * treatment against the reference with its interval (and prediction
 * interval), studies and P-score, the heterogeneity and inconsistency
 * under it, on the effect axis forest plots share; drawn with
 * forestrow.c's pieces. The network graph is netgraph.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/internal.h"

#define BOLD " font-weight=\"bold\""

/* The columns: label, studies, estimate [CI], the plot, the P-score. */
static void
columns(struct mk_forest *L, const mk_network *n, double *xstud,
    double *xp)
{
	char s[600], ci[96];
	double labw = mk_text_px("Treatment", 11, 1), effw = 0, v[7];

	for (size_t t = 0; t < n->T; t++) {
		snprintf(s, sizeof(s), "%s%s", n->d->trt[t], t == n->ref ?
		    " (reference)" : "");
		labw = fmax(labw, mk_text_px(s, 11, 0));
		if (t == n->ref)
			continue;
		mk_network_effect(n, t, v);
		mk_fp_ci(ci, sizeof(ci), L, v[0], v[2], v[3], NAN);
		effw = fmax(effw, mk_text_px(ci, 11, 0));
	}
	snprintf(s, sizeof(s), "%s [%g%% CI]", mk_view_unit(&L->v), n->level);
	effw = fmax(effw, mk_text_px(s, 11, 1));
	L->xlab = 10;
	*xstud = L->xlab + labw + 10 + mk_text_px("Studies", 11, 1);
	L->xeffect = *xstud + 14 + effw;
	L->xplot = L->xeffect + 20;
	*xp = L->xplot + MK_FP_PLOTW + 16 + mk_text_px("P-score", 11, 1);
	L->width = *xp + 10;
}

/* The range the intervals span, on the axis' scale. */
static void
make_axis(struct mk_forest *L, const mk_network *n, const mk_plot_opts *po)
{
	double lo = INFINITY, hi = -INFINITY, v[7];

	for (size_t t = 0; t < n->T; t++) {
		if (t == n->ref)
			continue;
		mk_network_effect(n, t, v);
		for (int i = 2; i < 7; i++)
			if (i != 4 && isfinite(v[i])) {
				lo = fmin(lo, mk_view_pos(&L->v, v[i], NAN));
				hi = fmax(hi, mk_view_pos(&L->v, v[i], NAN));
			}
	}
	if (L->v.fixed)
		mk_axis_linear(&L->ax, L->v.lim_lo, L->v.lim_hi);
	else
		mk_axis_make(&L->ax, lo, hi, L->v.log);
	if (po != NULL)
		mk_axis_user(&L->ax, po->xlim_set ? po->xlim : NULL, po->at,
		    po->nat);
}

static void
axis(mk_buf *b, struct mk_forest *L, const mk_plot_opts *po)
{
	double y = L->y - 8, x0 = L->xplot, x1 = L->xplot + MK_FP_PLOTW;
	double right = -INFINITY;
	char v[32];

	if (L->v.null)
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\" stroke-dasharray=\"2,2\"/>\n",
		    mk_fp_x(L, 0), L->ytop - 14, mk_fp_x(L, 0), y);
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"black\"/>\n", x0, y, x1, y);
	for (int i = 0; i < L->ax.n; i++) {
		double x = mk_fp_x(L, L->ax.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n", x, y, x, y + 4);
		if (mk_axis_label(&L->ax, i, x, 10, &right, v, sizeof(v)))
			mk_fp_text(L, b, x, y + 15, "middle",
			    " font-size=\"10\"", v);
	}
	if (po && po->favours_left)
		mk_fp_text(L, b, mk_fp_x(L, 0) - 6, y + 30, "end",
		    " font-size=\"10\"", po->favours_left);
	if (po && po->favours_right)
		mk_fp_text(L, b, mk_fp_x(L, 0) + 6, y + 30, NULL,
		    " font-size=\"10\"", po->favours_right);
	L->y = y + (po && (po->favours_left || po->favours_right) ? 42 : 28);
}

/* One treatment's row: label, studies, estimate [CI], the interval with
 * a diamond, the prediction interval (dotted) and the P-score. */
static void
row(mk_buf *b, struct mk_forest *L, const mk_network *n, size_t t,
    double xstud, double xp)
{
	char s[600], v2[32];
	double v[7], yc = L->y - 4;

	snprintf(s, sizeof(s), "%s%s", n->d->trt[t], t == n->ref ?
	    " (reference)" : "");
	mk_fp_text(L, b, L->xlab, L->y, NULL, NULL, s);
	snprintf(v2, sizeof(v2), "%zu", n->nstudies[t]);
	mk_fp_text(L, b, xstud, L->y, "end", NULL, v2);
	snprintf(v2, sizeof(v2), "%.2f", n->pscore[t]);
	mk_fp_text(L, b, xp, L->y, "end", NULL, v2);
	if (t != n->ref) {
		mk_network_effect(n, t, v);
		mk_fp_ci(s, sizeof(s), L, v[0], v[2], v[3], NAN);
		mk_fp_text(L, b, L->xeffect, L->y, "end", NULL, s);
		if (isfinite(v[5])) {	/* behind the CI */
			double a = fmax(mk_fp_at(L, v[5], NAN), L->xplot);
			double c = fmin(mk_fp_at(L, v[6], NAN), L->xplot +
			    MK_FP_PLOTW);
			if (c > a)
				mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" "
				    "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#7f7f7f\" "
				    "stroke-dasharray=\"1,2\"/>\n", a, yc, c, yc);
		}
		mk_fp_ci_line(b, L, v[2], v[3], yc, NAN);
		mk_fp_diamond(b, L, v[0], v[2], v[3], yc, "#1f4e79", NAN);
	}
	L->y += MK_FP_ROW;
}

static void
notes(mk_buf *b, struct mk_forest *L, const mk_network *n)
{
	char s[512], p[32];

	mk_fp_pvalue(p, sizeof(p), n->qp);
	if (n->random)
		snprintf(s, sizeof(s), "Heterogeneity: Tau\xC2\xB2 = %.4f; "
		    "Chi\xC2\xB2 = %.2f, df = %.0f (%s); I\xC2\xB2 = %.0f%%",
		    n->tau2, n->q, n->df, p, isfinite(n->i2) ? n->i2 : 0);
	else
		snprintf(s, sizeof(s), "Heterogeneity: Chi\xC2\xB2 = %.2f, df = "
		    "%.0f (%s); I\xC2\xB2 = %.0f%%", n->q, n->df, p,
		    isfinite(n->i2) ? n->i2 : 0);
	mk_fp_note(b, L, s);
	mk_fp_pvalue(p, sizeof(p), n->p_between);
	snprintf(s, sizeof(s), "Inconsistency between designs: Chi\xC2\xB2 = "
	    "%.2f, df = %.0f (%s)", n->q_between, n->df_between, p);
	mk_fp_note(b, L, s);
	snprintf(s, sizeof(s), "%zu studies, %zu designs; P-scores: %s values "
	    "are good%s", n->d->k, n->ndesigns, n->small_bad ? "large" :
	    "small", n->random && n->df >= 2 ? "; dotted: prediction "
	    "intervals" : "");
	mk_fp_note(b, L, s);
}

/* The decimals of the effects: enough for the first digit of the
 * narrowest interval's half-width on the scale shown (as the forest
 * plot of metak pool chooses them), at least 2. */
static int
decimals(const struct mk_forest *L, const mk_network *n)
{
	double v[7], hw = INFINITY;

	for (size_t t = 0; t < n->T; t++) {
		if (t == n->ref)
			continue;
		mk_network_effect(n, t, v);
		double h = fabs(mk_view_value(&L->v, v[3], NAN) -
		    mk_view_value(&L->v, v[2], NAN)) / 2;
		if (h > 0 && h < hw)
			hw = h;
	}
	return mk_view_dec_of(hw);
}

void
mk_render_network_svg(mk_buf *b, const mk_network *n, const mk_plot_opts *po)
{
	struct mk_forest L;
	mk_buf body = { 0 }, tb = { 0 };
	double xstud, xp;
	char title[512], s[256];
	const char *file = strrchr(n->d->file, '/') ? strrchr(n->d->file,
	    '/') + 1 : n->d->file;

	memset(&L, 0, sizeof(L));
	L.xmin = INFINITY;
	mk_view_init(&L.v, n->d->measure);
	L.dec = decimals(&L, n);
	make_axis(&L, n, po);
	columns(&L, n, &xstud, &xp);
	L.y = 56;
	snprintf(s, sizeof(s), "%s, %s", mk_view_unit(&L.v), n->random ?
	    mk_method_get(n->method)->name : "common effect");
	mk_fp_text(&L, &body, L.xeffect, L.y, "end", BOLD, s);
	mk_fp_text(&L, &body, L.xplot + MK_FP_PLOTW / 2, L.y, "middle", BOLD,
	    s);
	L.y += MK_FP_ROW - 2;
	mk_fp_text(&L, &body, L.xlab, L.y, NULL, BOLD, "Treatment");
	mk_fp_text(&L, &body, xstud, L.y, "end", BOLD, "Studies");
	snprintf(s, sizeof(s), "%g%% CI", n->level);
	mk_fp_text(&L, &body, L.xeffect, L.y, "end", BOLD, s);
	mk_fp_text(&L, &body, L.xplot + MK_FP_PLOTW / 2, L.y, "middle", BOLD,
	    s);
	mk_fp_text(&L, &body, xp, L.y, "end", BOLD, "P-score");
	mk_buf_printf(&body, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"black\"/>\n", L.xlab, L.y + 5, L.width - 10,
	    L.y + 5);
	L.y += MK_FP_ROW + 2;
	L.ytop = L.y;
	for (size_t t = 0; t < n->T; t++)
		row(&body, &L, n, t, xstud, xp);
	L.y += 4;
	notes(&body, &L, n);
	L.y += 10;
	axis(&body, &L, po);

	if (po && po->title)
		snprintf(title, sizeof(title), "%s", po->title);
	else
		snprintf(title, sizeof(title), "%s: network meta-analysis, each "
		    "treatment against %s (%s)", file, n->d->trt[n->ref],
		    mk_measure_get(n->d->measure)->label);
	/* the canvas holds all the text drawn, and the title wrapped to it */
	double dx = L.xmin < 10 ? 10 - L.xmin : 0;
	double width = fmax(L.width, L.xmax + 10) + dx;
	size_t nl = mk_svg_title(&tb, title, L.xlab, width - 2 * L.xlab);
	double dy = nl > 1 ? (double)(nl - 1) * 18 : 0;
	mk_svg_begin(b, ceil(width), L.y + dy, title, &tb);
	if (dx > 0 || dy > 0)
		mk_buf_printf(b, "<g transform=\"translate(%.1f %.1f)\">\n", dx,
		    dy);
	mk_buf_put(b, body.data ? body.data : "", body.len);
	if (dx > 0 || dy > 0)
		mk_buf_printf(b, "</g>\n");
	mk_buf_printf(b, "</svg>\n");
	if (body.oom || tb.oom)
		b->oom = 1;
	mk_buf_free(&body);
	mk_buf_free(&tb);
}
