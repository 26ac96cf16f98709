/* svg.c: the forest plot as SVG, in the layout reviewers know from RevMan
 * and the BMJ: the columns sized from measured text, the header, the
 * study rows (by subgroup or outermost level), subtotals, the overall
 * row, the tests, where the numbers came from, a labelled axis with the
 * "favours" labels, and the title; the rows themselves are drawn by
 * forestrow.c. Deterministic output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/internal.h"


/* The heading over the treatment (a = 0) or control (1) arm's columns. */
static const char *
arm_label(const mk_result *r, int a)
{
	const mk_plot_opts *po = r->plot;
	const char *l = po ? (a ? po->label_c : po->label_t) : NULL;

	return l ? l : a ? "Control" : "Treatment";
}

static void
columns(struct mk_forest *L)
{
	const mk_result *r = L->r;
	double labw = mk_text_px("Study or subgroup", 11, 1);
	char tmp[512], s[512];

	for (size_t i = 0; i < r->studies->k; i++)
		labw = fmax(labw, mk_text_px(mk_study_label_marked(r,
		    r->studies, i, tmp, sizeof(tmp)), 11, 0));
	for (size_t j = 0; r->sub && j < r->sub->n; j++) {
		snprintf(s, sizeof(s), "%s = %s", r->sub->by,
		    r->sub->g[j].level);
		labw = fmax(labw, mk_text_px(s, 11, 1));
	}
	if (r->sub && r->sub->none) {
		snprintf(s, sizeof(s), "%s = (empty), overall only",
		    r->sub->by);
		labw = fmax(labw, mk_text_px(s, 11, 1));
	}
	const mk_metareg *g = r->reg;
	for (size_t c = 0; g && g->fit.comp && c < g->nclusters; c++) {
		snprintf(s, sizeof(s), "%s = %s", g->fit.comp[0].name,
		    g->cluster_name[c] ? g->cluster_name[c] : "");
		labw = fmax(labw, mk_text_px(s, 11, 1));
	}
	if (r->fit->bayes != NULL) {	/* its total's label (body()) */
		snprintf(s, sizeof(s), "Total (k = %zu, Bayesian)", r->fit->k);
		labw = fmax(labw, mk_text_px(s, 11, 1));
	}
	L->xlab = 10;
	double x = mk_fp_cols_layout(L, L->xlab + labw + 10);
	L->nraw = r->studies->nraw;
	L->colw = MK_FP_NUMW;
	int arms;
	(void)mk_kind_heads(r->studies->kind, &arms);
	if (L->nraw >= 2 && arms == 2) {	/* wide enough for the headings */
		int half = L->nraw / 2;
		for (int a = 0; a < 2; a++) {
			double need = (mk_text_px(arm_label(r, a), 11, 1) +
			    12) / half;
			L->colw = need > L->colw ? need : L->colw;
		}
	}
	for (int c = 0; c < L->nraw; c++) {
		x += L->colw;
		L->xraw[c] = x;
	}
	L->xweight = x + 56;
	/* the effect column: as wide as its widest interval, bold pooled */
	const mk_fit *f = r->fit;
	double z = mk_crit(f->level, NAN), effw = 130;
	char ci[96];
	for (size_t i = 0; i < r->studies->k && i < f->k; i++) {
		double se = sqrt(f->vi[i]);
		mk_fp_ci(ci, sizeof(ci), L, f->yi[i], f->yi[i] - z * se,
		    f->yi[i] + z * se, mk_study_n(r->studies, i));
		effw = fmax(effw, mk_text_px(ci, 11, 0) + 16);
	}
	mk_fp_ci(ci, sizeof(ci), L, f->est, f->lo, f->hi, L->n);
	effw = fmax(effw, mk_text_px(ci, 11, 1) + 16);
	for (size_t j = 0; r->sub != NULL && j < r->sub->n; j++) {
		const mk_fit *gf = &r->sub->g[j].fit;
		const mk_studies *gs = r->sub->g[j].studies;
		mk_fp_ci(ci, sizeof(ci), L, gf->est, gf->lo, gf->hi,
		    mk_studies_nhm(gs, NULL, gs->k));
		effw = fmax(effw, mk_text_px(ci, 11, 1) + 16);
	}
	L->xeffect = L->xweight + effw;
	L->xplot = L->xeffect + 20;
	L->width = mk_fp_rob_layout(L, L->xplot + MK_FP_PLOTW) + 20;
}

static void
header(mk_buf *b, struct mk_forest *L)
{
	const mk_result *r = L->r;
	const mk_method_info *mi = mk_method_get(r->fit->method);
	int arms;
	const char *const *sub = mk_kind_heads(r->studies->kind, &arms);
	char eff[128];
	const char *bold = " font-weight=\"bold\"";

	if (L->nraw >= 2 && arms == 2) {
		int half = L->nraw / 2;
		mk_fp_text(L, b,
		    (L->xraw[0] - L->colw + L->xraw[half - 1]) / 2 + 4,
		    L->y, "middle", bold, arm_label(r, 0));
		mk_fp_text(L, b,
		    (L->xraw[half] - L->colw + L->xraw[L->nraw - 1]) / 2 +
		    4, L->y, "middle", bold, arm_label(r, 1));
	}
	snprintf(eff, sizeof(eff), "%s, %s%s", mk_view_unit(&L->v), mi->name,
	    r->fit->ci == MK_CI_HKSJ ? " (HKSJ)" : "");
	mk_fp_text(L, b, L->xeffect, L->y, "end", bold, eff);
	mk_fp_text(L, b, L->xplot + MK_FP_PLOTW / 2, L->y, "middle", bold, eff);
	L->y += MK_FP_ROW - 2;
	mk_fp_text(L, b, L->xlab, L->y, NULL, bold, "Study or subgroup");
	for (int c = 0; c < L->nraw; c++)
		mk_fp_text(L, b, L->xraw[c], L->y, "end", bold, sub[c]);
	mk_fp_text(L, b, L->xweight, L->y, "end", bold, "Weight");
	snprintf(eff, sizeof(eff), "%g%% %s", r->fit->level, r->fit->bayes ?
	    "CI/CrI" : "CI");
	mk_fp_text(L, b, L->xeffect, L->y, "end", bold, eff);
	mk_fp_text(L, b, L->xplot + MK_FP_PLOTW / 2, L->y, "middle", bold, eff);
	mk_fp_cols_header(b, L, L->y - (MK_FP_ROW - 2), L->y);
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"black\"/>\n", L->xlab, L->y + 5,
	    L->width - 20, L->y + 5);
	L->y += MK_FP_ROW + 2;
}

static void
axis(mk_buf *b, struct mk_forest *L)
{
	const mk_plot_opts *po = L->r->plot;
	double y = L->y - 8, x0 = L->xplot, x1 = L->xplot + MK_FP_PLOTW;
	char v[32];

	/* the line of no effect through the study rows */
	if (L->v.null)
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\" stroke-dasharray=\"2,2\"/>\n",
		    mk_fp_x(L, 0), L->ytop - 14, mk_fp_x(L, 0), y);
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"black\"/>\n", x0, y, x1, y);
	double right = -INFINITY;	/* of the last label drawn */
	for (int i = 0; i < L->ax.n; i++) {
		double x = mk_fp_x(L, L->ax.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n", x, y, x, y + 4);
		if (mk_axis_label(&L->ax, i, x, 10, &right, v, sizeof(v)))
			mk_fp_text(L, b, x, y + 15, "middle",
			    " font-size=\"10\"", v);
	}
	/* "favours" labels: as given, or where two groups are compared and
	 * --good says which way is better; never a guess */
	char side[2][160] = { "", "" };
	int good = po ? po->good : MK_GOOD_UNKNOWN;
	if (L->v.compare && good != MK_GOOD_UNKNOWN)
		for (int a = 0; a < 2; a++) {	/* a = 0: treatment */
			const char *l = po ? (a ? po->label_c : po->label_t) :
			    NULL;
			snprintf(side[(good == MK_GOOD_LOWER) == (a == 0) ? 0 :
			    1], sizeof(side[0]), "Favours %s", l ? l : a ?
			    "control" : "treatment");
		}
	if (po && po->favours_left)
		snprintf(side[0], sizeof(side[0]), "%s", po->favours_left);
	if (po && po->favours_right)
		snprintf(side[1], sizeof(side[1]), "%s", po->favours_right);
	if (side[0][0])
		mk_fp_text(L, b, mk_fp_x(L, 0) - 6, y + 30, "end",
		    " font-size=\"10\"", side[0]);
	if (side[1][0])
		mk_fp_text(L, b, mk_fp_x(L, 0) + 6, y + 30, NULL,
		    " font-size=\"10\"", side[1]);
	L->y = y + (side[0][0] || side[1][0] ? 42 : 28);
	L->note_right = 0;	/* below the axis: the whole width */
}

/* Where the numbers came from: the studies read in another form than
 * the data themselves, with the conversion, and the rows left out. */
static void
provenance(mk_buf *b, struct mk_forest *L)
{
	const mk_result *r = L->r;
	const mk_studies *s = r->studies;
	char line[1024], how[256], tmp[32];
	size_t n;

	if (!mk_studies_plain(s))
		for (size_t i = 0; i < s->k; i++) {
			mk_from_note(s, i, how, sizeof(how));
			if (how[0] == '\0' && mk_from_direct((mk_from)s->from[i]))
				continue;	/* the data as they are */
			snprintf(line, sizeof(line), "%s: %s%s%s",
			    mk_study_label(r,
			    s, i, tmp, sizeof(tmp)), mk_from_name((mk_from)
			    s->from[i]), how[0] ? "; " : "", how);
			mk_fp_note(b, L, line);
		}
	for (size_t i = 0; i < s->k; i++)	/* kept in spite of a flag */
		if (s->flag[i] != 0) {
			char note[512];
			mk_flag_note(r, s, i, 1, note, sizeof(note));
			snprintf(line, sizeof(line), "%s: %s", mk_study_label(r,
			    s, i, tmp, sizeof(tmp)), note);
			mk_fp_note(b, L, line);
		}
	if (s->nout == 0)
		return;
	n = (size_t)snprintf(line, sizeof(line), "Left out:");
	size_t shown = s->nout < 10 ? s->nout : 10;
	for (size_t j = 0; j < shown && n < sizeof(line); j++) {
		const char *lab = mk_row_label(r, s->out[j].row, tmp,
		    sizeof(tmp));
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %s (%s)",
		    j ? ";" : "", lab, s->out[j].why);
	}
	if (s->nout_all > shown && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, "; and %zu more rows",
		    s->nout_all - shown);
	mk_fp_note(b, L, line);
}

/* The rows of studies s, in the order --sort asks for. */
static void
study_rows(mk_buf *b, struct mk_forest *L, const mk_studies *s)
{
	size_t *ord = malloc((s->k ? s->k : 1) * sizeof(size_t));

	if (ord == NULL || mk_study_order(L->r, s, ord) != 0) {
		free(ord);
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < s->k; i++) {
		mk_fp_study_row(b, L, s, ord[i]);
		mk_fp_cols_row(b, L, s->row[ord[i]], L->y - MK_FP_ROW);
	}
	free(ord);
}

/* Rows: the studies (by subgroup), subtotals, overall, tests, axis. */
static void
body(mk_buf *b, struct mk_forest *L)
{
	const mk_result *r = L->r;
	const mk_fit *f = r->fit;
	int random = mk_method_get(f->method)->random;
	char s[256], p[32];

	L->ytop = L->y;
	L->note_right = L->xplot - 10;	/* notes among the rows: left of it */
	L->shrink = f->bayes;
	if (r->sub == NULL)
		study_rows(b, L, r->studies);
	for (size_t j = 0; r->sub && j < r->sub->n; j++) {
		const mk_group *g = &r->sub->g[j];
		snprintf(s, sizeof(s), "%s = %s", r->sub->by, g->level);
		mk_fp_text(L, b, L->xlab, L->y, NULL, " font-weight=\"bold\"",
		    s);
		L->y += MK_FP_ROW;
		L->shrink = g->fit.bayes;
		study_rows(b, L, g->studies);
		if (g->fit.k == 1 && g->fit.bayes == NULL)
			snprintf(s, sizeof(s), "Subtotal: one study, not pooled");
		else
			snprintf(s, sizeof(s), "Subtotal (k = %zu)", g->fit.k);
		mk_fp_pooled_row(b, L, &g->fit, s, mk_fp_subtotal_weight(L,
		    g->studies), 0,
		    mk_studies_nhm(g->studies, NULL, g->studies->k),
		    g->studies);
		mk_fp_het_note(b, L, &g->fit);
		L->y += 6;
	}
	if (r->sub != NULL && r->sub->none != NULL) {
		snprintf(s, sizeof(s), "%s = (empty), overall only",
		    r->sub->by);
		mk_fp_text(L, b, L->xlab, L->y, NULL, " font-weight=\"bold\"",
		    s);
		L->y += MK_FP_ROW;
		L->shrink = NULL;
		study_rows(b, L, r->sub->none);
		L->y += 6;
	}
	if (f->k == 1 && f->bayes == NULL)
		snprintf(s, sizeof(s), "Total: one study, not pooled");
	else
		snprintf(s, sizeof(s), "Total (k = %zu, %s%s%s)", f->k,
		    f->glmm ? "GLMM " : "", f->glmm ?
		    mk_glmm_get(f->glmm->model)->name : "", f->glmm ? "" :
		    f->bayes ? "Bayesian" : random ? "random effects" :
		    "fixed effect");
	mk_fp_pooled_row(b, L, f, s, 100, 1, L->n, r->studies);
	L->y += 10;
	axis(b, L);	/* the notes go below it */
	mk_fp_het_note(b, L, f);
	if (r->sub != NULL && f->bayes != NULL)
		mk_fp_note(b, L, "No test for subgroup differences: compare "
		    "the subgroups' posteriors");
	else if (r->sub != NULL) {
		mk_fp_pvalue(p, sizeof(p), r->sub->p);
		if (isfinite(r->sub->df2))	/* the moderator test, F */
			snprintf(s, sizeof(s), "Test for subgroup differences: "
			    "F(%.0f, %.0f) = %.2f (%s)", r->sub->df, r->sub->df2,
			    r->sub->q, p);
		else
			snprintf(s, sizeof(s), "Test for subgroup differences: "
			    "Chi\xC2\xB2 = %.2f, df = %.0f (%s)", r->sub->q,
			    r->sub->df, p);
		if (isfinite(r->sub->diff_i2))
			snprintf(s + strlen(s), sizeof(s) - strlen(s), ", "
			    "I\xC2\xB2 = %.1f%%", r->sub->diff_i2);
		mk_fp_note(b, L, s);
	}
	provenance(b, L);
	mk_fp_rob_legend(b, L);
	L->y += 4;
}

/* The document around a body: layout, header, rows, title. */
static void
render(mk_buf *b, const mk_result *r, const mk_metareg *g,
    void (*rows)(mk_buf *, struct mk_forest *, const mk_metareg *,
    const mk_fit *))
{
	struct mk_forest L;
	mk_buf body_buf = { 0 };
	const mk_plot_opts *po = r->plot;
	char title[256];
	size_t nrow = r->rows->n ? r->rows->n : 1;

	memset(&L, 0, sizeof(L));
	L.xmin = INFINITY;
	L.r = r;
	L.overall = calloc(nrow, sizeof(size_t));
	if (L.overall == NULL) {
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < r->studies->k; i++) {
		L.overall[r->studies->row[i]] = i;
		if (isfinite(r->fit->weight[i]))
			L.wmax = fmax(L.wmax, r->fit->weight[i]);
		if (isfinite(r->fit->vi[i]) && r->fit->vi[i] > 0)
			L.pmax = fmax(L.pmax, 1 / sqrt(r->fit->vi[i]));
	}
	mk_view_init(&L.v, r->studies->measure);
	L.n = g ? mk_studies_nhm(r->studies, g->study, g->k) :
	    mk_studies_nhm(r->studies, NULL, r->studies->k);
	mk_view_axis(&L.v, &L.ax, r->plot, r->fit, r->studies, L.n);
	L.dec = mk_view_decimals(&L.v, r->plot, r->fit, r->studies, L.n);
	columns(&L);
	L.y = 56;
	header(&body_buf, &L);
	if (rows != NULL)
		rows(&body_buf, &L, g, r->fit);
	else
		body(&body_buf, &L);
	free(L.overall);

	if (po && po->title)
		snprintf(title, sizeof(title), "%s", po->title);
	else
		snprintf(title, sizeof(title), "%s: %s (%s)",
		    strrchr(r->rows->file, '/') ? strrchr(r->rows->file,
		    '/') + 1 : r->rows->file,	/* the file name,
		    not its path */
		    mk_measure_get(r->studies->measure)->label, g ?
		    "multilevel model" : mk_method_get(r->fit->method)->label);
	/* the canvas holds all the text drawn, and the title wrapped to it */
	double dx = L.xmin < 10 ? 10 - L.xmin : 0;
	double width = fmax(L.width, L.xmax + 10) + dx;
	mk_buf tb = { 0 };
	size_t nl = mk_svg_title(&tb, title, L.xlab, width - 2 * L.xlab);
	double dy = nl > 1 ? (double)(nl - 1) * 18 : 0;
	mk_svg_begin(b, ceil(width), L.y + dy, title, &tb);
	if (dx > 0 || dy > 0)
		mk_buf_printf(b, "<g transform=\"translate(%.1f %.1f)\">\n", dx,
		    dy);
	mk_buf_put(b, body_buf.data ? body_buf.data : "", body_buf.len);
	if (dx > 0 || dy > 0)
		mk_buf_printf(b, "</g>\n");
	if (body_buf.oom)
		b->oom = 1;
	mk_buf_free(&body_buf);
	mk_buf_printf(b, "</svg>\n");
}

void
mk_render_svg(mk_buf *b, const mk_result *r)
{
	render(b, r, NULL, NULL);
}

/* The rows of a multilevel model, by outermost group, then the model's
 * pooled estimate and its variance components. */
static void
body_ml(mk_buf *b, struct mk_forest *L, const mk_metareg *g, const mk_fit *f)
{
	const mk_model *m = &g->fit;
	char s[512], p[32];
	size_t len = 0;

	L->ytop = L->y;
	L->note_right = L->xplot - 10;
	for (size_t c = 0; c < g->nclusters; c++) {
		snprintf(s, sizeof(s), "%s = %s", m->comp[0].name,
		    g->cluster_name[c] ? g->cluster_name[c] : "");
		mk_fp_text(L, b, L->xlab, L->y, NULL, " font-weight=\"bold\"",
		    s);
		L->y += MK_FP_ROW;
		for (size_t i = 0; i < g->k; i++)
			if (g->cluster[i] == c) {
				mk_fp_study_row(b, L, L->r->studies,
				    g->study[i]);
				mk_fp_cols_row(b, L, L->r->studies->row[
				    g->study[i]], L->y - MK_FP_ROW);
			}
		L->y += 4;
	}
	snprintf(s, sizeof(s), "Total (k = %zu)", g->k);
	mk_fp_pooled_row(b, L, f, s, 100, 1, L->n, NULL);
	L->y += 10;
	axis(b, L);	/* the notes go below it */
	len = (size_t)snprintf(s, sizeof(s), "Variance components:");
	for (size_t l = 0; l < m->ncomp && len < sizeof(s); l++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "%s "
		    "\xCF\x83\xC2\xB2(%s) = %.4f", l ? ";" : "",
		    m->comp[l].name,
		    m->comp[l].sigma2);
	mk_fp_note(b, L, s);
	mk_fp_pvalue(p, sizeof(p), m->qe_p);
	snprintf(s, sizeof(s), "Heterogeneity: Q = %.2f, df = %.0f (%s)", m->qe,
	    m->qe_df, p);
	mk_fp_note(b, L, s);
	mk_fp_pvalue(p, sizeof(p), f->p);
	char df[48] = "", dfs[32];
	if (isfinite(f->tdf))
		snprintf(df, sizeof(df), ", df = %s", mk_fp_df(f->tdf, dfs,
		    sizeof(dfs)));
	snprintf(s, sizeof(s), "Test for overall effect: %s = %.2f%s (%s)%s",
	    isfinite(f->tdf) ? "t" : "Z", fabs(f->stat), df, p, m->robust ?
	    m->robust == 2 ? "; cluster-robust (CR2)" :
	    "; cluster-robust (CR1)" : "");
	mk_fp_note(b, L, s);
	mk_fp_rob_legend(b, L);
	L->y += 4;
}

int
mk_render_svg_ml(mk_buf *b, const mk_result *r, mk_err *err)
{
	const mk_metareg *g = r->reg;
	const mk_model *m = &g->fit;
	size_t ks = r->studies->k ? r->studies->k : 1;
	mk_fit f;
	mk_result rr = *r;
	long double tw = 0;
	double one = 1, se;

	if (m->comp == NULL || g->nmods > 0) {
		mk_err_set(err, "", 0, "", "--svg draws a multilevel model "
		    "without moderators");
		err->usage = 1;
		return -1;
	}
	memset(&f, 0, sizeof(f));
	f.weight = malloc(ks * sizeof(double));
	f.yi = malloc(ks * sizeof(double));
	f.vi = malloc(ks * sizeof(double));
	if (!f.weight || !f.yi || !f.vi) {
		mk_fit_free(&f);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < r->studies->k; i++)
		f.weight[i] = f.yi[i] = f.vi[i] = NAN;
	for (size_t i = 0; i < g->k; i++)
		tw += m->w[i];
	for (size_t i = 0; i < g->k; i++) {	/* the rows of the model */
		size_t j = g->study[i];
		f.yi[j] = g->y[i];
		f.vi[j] = g->v[i];
		f.weight[j] = (double)(100 * m->w[i] / tw);
	}
	f.method = m->method;
	f.ci = m->ci;
	f.level = m->level;
	f.k = r->studies->k;
	f.est = m->b[0];
	f.se = m->se[0];
	f.lo = m->lo[0];
	f.hi = m->hi[0];
	f.stat = m->stat[0];
	f.p = m->pval[0];
	f.tdf = m->cdf[0];
	mk_model_predict(m, r->opts->pi, &one, &f.est, &se, &f.lo, &f.hi,
	    &f.pi_lo, &f.pi_hi);
	f.lo = m->lo[0];	/* the model's interval (robust, if so) */
	f.hi = m->hi[0];
	rr.fit = &f;
	rr.sub = NULL;
	render(b, &rr, g, body_ml);
	mk_fit_free(&f);
	return 0;
}
