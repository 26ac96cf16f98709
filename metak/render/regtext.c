/* regtext.c: the text report of a model beyond the pooled mean: what was
 * fitted and how it was tested, the coefficients (or the pooled estimate),
 * the test of moderators, residual heterogeneity, the variance components
 * of a multilevel model, fit statistics and predictions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

/* x with dec decimals (no "-0.0000"), or NA. */
static void
num(mk_buf *b, int dec, double x, int width)
{
	if (isfinite(x))
		mk_buf_printf(b, "%*.*f", width, dec, fabs(x) < 0.5 *
		    pow(10, -dec) ? 0 : x);
	else
		mk_buf_printf(b, "%*s", width, "NA");
}

/* x in percent with two decimals, or NA. */
static void
pct(mk_buf *b, double x)
{
	num(b, 2, x, 0);
	if (isfinite(x))
		mk_buf_printf(b, "%%");
}

/* "<0.0001" or "0.0123" right-aligned in width. */
static void
pcell(mk_buf *b, double p, int width)
{
	char s[32];

	if (!isfinite(p))
		snprintf(s, sizeof(s), "NA");
	else if (p < 1e-4)
		snprintf(s, sizeof(s), "<0.0001");
	else
		snprintf(s, sizeof(s), "%.4f", p);
	mk_buf_printf(b, "%*s", width, s);
}

/* Degrees of freedom: whole numbers as such, others to two decimals. */
static void
dfcell(mk_buf *b, double df, int width)
{
	if (!isfinite(df))
		mk_buf_printf(b, "%*s", width, "-");
	else if (fabs(df - round(df)) < 1e-9)
		mk_buf_printf(b, "%*.0f", width, df);
	else
		mk_buf_printf(b, "%*.2f", width, df);
}

/* s (control characters escaped) padded to w columns. */
static void
pad(mk_buf *b, const char *raw, int w)
{
	char tmp[512];
	const char *s = mk_label(raw, tmp, sizeof(tmp));

	mk_buf_printf(b, "%s", s);
	for (int n = mk_utf8_width(s); n < w; n++)
		mk_buf_put(b, " ", 1);
}

/* The display width of s once escaped. */
static int
label_width(const char *raw)
{
	char tmp[512];

	return mk_utf8_width(mk_label(raw, tmp, sizeof(tmp)));
}

/* Do the coefficients have t tests (a df column)? */
static int
has_df(const mk_model *m)
{
	for (size_t j = 0; j < m->p; j++)
		if (isfinite(m->cdf[j]))
			return 1;
	return 0;
}

/* The decimals of the effects shown: --digits, else 4. */
static int
effect_decimals(const mk_result *r)
{
	return r->plot != NULL && r->plot->digits > 0 ? r->plot->digits : 4;
}

static void
coef_table(mk_buf *b, const mk_metareg *g, int dec)
{
	const mk_model *m = &g->fit;
	int w = 7, t = has_df(m), perm = g->nperm > 0;
	int cw = dec + 6 > 10 ? dec + 6 : 10;	/* estimate, se columns */

	for (size_t j = 0; j < g->p; j++)
		if (label_width(g->names[j]) > w)
			w = label_width(g->names[j]);
	mk_buf_printf(b, "Coefficients:\n  ");
	pad(b, "", w);
	mk_buf_printf(b, "%*s%*s  %8s%s         p      %g%% CI%s\n", cw,
	    "estimate", cw, "se", t ? "t" : "z", t ? "      df" : "", m->level, perm ?
	    "      p_perm" : "");
	for (size_t j = 0; j < g->p; j++) {
		mk_buf_printf(b, "  ");
		pad(b, g->names[j], w);
		num(b, dec, m->b[j], cw);
		num(b, dec, m->se[j], cw);
		num(b, 3, m->stat[j], 10);
		if (t)
			dfcell(b, m->cdf[j], 8);
		pcell(b, m->pval[j], 10);
		mk_buf_printf(b, "  [");
		num(b, dec, m->lo[j], 0);
		mk_buf_printf(b, ", ");
		num(b, dec, m->hi[j], 0);
		mk_buf_printf(b, "]");
		if (perm)
			pcell(b, g->p_perm[j], 10);
		mk_buf_printf(b, "\n");
	}
}

/* The pooled estimate of a model without moderators, with ratios shown
 * back from the log scale. */
static void
pooled_text(mk_buf *b, const mk_result *r, const mk_model *m)
{
	int lg = mk_measure_get(r->studies->measure)->log_scale;
	double one = 1, e, se, lo, hi, pl, ph;
	int dec = effect_decimals(r);

	mk_model_predict(m, r->opts->pi, &one, &e, &se, &lo, &hi, &pl, &ph);
	mk_buf_printf(b, "Pooled estimate%s: ", lg ? " (as a ratio)" : "");
	num(b, dec, lg ? exp(m->b[0]) : m->b[0], 0);
	mk_buf_printf(b, " [");
	num(b, dec, lg ? exp(m->lo[0]) : m->lo[0], 0);
	mk_buf_printf(b, ", ");
	num(b, dec, lg ? exp(m->hi[0]) : m->hi[0], 0);
	mk_buf_printf(b, "]\n  %s = ", isfinite(m->cdf[0]) ? "t" : "z");
	num(b, 3, m->stat[0], 0);
	if (isfinite(m->cdf[0])) {
		mk_buf_printf(b, " (df = ");
		dfcell(b, m->cdf[0], 0);
		mk_buf_printf(b, ")");
	}
	mk_buf_printf(b, ", ");
	mk_buf_p(b, m->pval[0]);
	mk_buf_printf(b, "; SE = ");
	num(b, dec, m->se[0], 0);
	mk_buf_printf(b, "%s\n", lg ? " (log scale)" : "");
	if (m->comp != NULL || mk_method_get(m->method)->random) {
		mk_buf_printf(b, "  prediction interval [");
		num(b, dec, lg ? exp(pl) : pl, 0);
		mk_buf_printf(b, ", ");
		num(b, dec, lg ? exp(ph) : ph, 0);
		mk_buf_printf(b, "]\n");
	}
}

static void
qm_text(mk_buf *b, const mk_metareg *g)
{
	const mk_model *m = &g->fit;

	if (m->m == 0)
		return;
	mk_buf_printf(b, "\nTest of moderators (coefficients 2:%zu): ", g->p);
	if (isfinite(m->qm_df2)) {
		mk_buf_printf(b, "F(%.0f, ", m->qm_df);
		dfcell(b, m->qm_df2, 0);
		mk_buf_printf(b, ") = ");
	} else {
		mk_buf_printf(b, "QM(df = %.0f) = ", m->qm_df);
	}
	num(b, 4, m->qm, 0);
	mk_buf_printf(b, ", ");
	mk_buf_p(b, m->qm_p);
	if (g->nperm) {
		mk_buf_printf(b, "; permutation ");
		mk_buf_p(b, g->qm_p_perm);
	}
	mk_buf_printf(b, "\n");
	if (g->nperm)
		mk_buf_printf(b, "Permutation tests: %s, %zu refits\n",
		    g->perm_exact ? "exact (every distinct ordering)" :
		    "random orderings", g->nperm);
}

static void
components_text(mk_buf *b, const mk_model *m)
{
	int w = 9;

	for (size_t l = 0; l < m->ncomp; l++)
		if (label_width(m->comp[l].name) > w)
			w = label_width(m->comp[l].name);
	mk_buf_printf(b, "Variance components:\n  ");
	pad(b, "component", w);
	mk_buf_printf(b, "    sigma2     sigma  levels       I2  %g%% CI "
	    "(profile likelihood)\n", m->level);
	for (size_t l = 0; l < m->ncomp; l++) {
		const mk_vcomp *c = &m->comp[l];
		mk_buf_printf(b, "  ");
		pad(b, c->name, w);
		num(b, 4, c->sigma2, 10);
		num(b, 4, sqrt(c->sigma2), 10);
		mk_buf_printf(b, "%8zu", c->nlevels);
		num(b, 1, c->i2, 8);
		mk_buf_printf(b, "%%  ");
		if (c->fixed) {
			mk_buf_printf(b, "fixed at 0 (one level)\n");
			continue;
		}
		mk_buf_printf(b, "[");
		num(b, 4, c->lo, 0);
		mk_buf_printf(b, ", %s", c->hi_capped ? ">" : "");
		num(b, 4, c->hi, 0);
		mk_buf_printf(b, "]\n");
	}
	mk_buf_printf(b, "  I2 of all components: ");
	num(b, 1, m->i2, 0);
	mk_buf_printf(b, "%% (Cheung 2014: of the total variance, with the "
	    "typical sampling variance)\n");
	mk_buf_printf(b, "Likelihood-ratio tests, each component against the "
	    "model without it (%s):\n", m->reml_fit ? "REML" : "ML");
	for (size_t l = 0; l < m->ncomp; l++) {
		const mk_vcomp *c = &m->comp[l];
		if (c->fixed)
			continue;
		mk_buf_printf(b, "  ");
		pad(b, c->name, w);
		mk_buf_printf(b, "  LRT = ");
		num(b, 4, c->lrt, 0);
		mk_buf_printf(b, " (df = 1), ");
		mk_buf_p(b, c->lrt_p);
		mk_buf_printf(b, "%s\n", c->lrt == 0 && c->sigma2 <= 0 ?
		    " (at the boundary)" : "");
	}
	mk_buf_printf(b, "  (chi2(1) p-values are conservative: a variance "
	    "tested at its boundary 0 follows\n  a 50:50 mixture of chi2(0) "
	    "and chi2(1); half the p-value is that mixture's)\n");
}

static void
heterogeneity_text(mk_buf *b, const mk_metareg *g)
{
	const mk_model *m = &g->fit;

	mk_buf_printf(b, "%s heterogeneity: QE(df = %.0f) = ", g->nmods ?
	    "Residual" : "Test for", m->qe_df);
	num(b, 4, m->qe, 0);
	mk_buf_printf(b, ", ");
	mk_buf_p(b, m->qe_p);
	mk_buf_printf(b, "\n");
	if (m->comp != NULL) {
		components_text(b, m);
		return;
	}
	if (mk_method_get(m->method)->random) {
		mk_buf_printf(b, "  %stau2 = ", g->nmods ? "residual " : "");
		num(b, 4, m->tau2, 0);
		mk_buf_printf(b, " [");
		num(b, 4, m->tau2_lo, 0);
		mk_buf_printf(b, ", ");
		num(b, 4, m->tau2_hi, 0);
		mk_buf_printf(b, "] (Q-profile); tau = ");
		num(b, 4, sqrt(m->tau2), 0);
		mk_buf_printf(b, "\n");
	}
	mk_buf_printf(b, "  I2 = ");
	pct(b, m->i2);
	mk_buf_printf(b, "; H2 = ");
	num(b, 2, m->h2, 0);
	if (isfinite(g->r2)) {
		mk_buf_printf(b, "; R2 = ");
		pct(b, g->r2);
	}
	mk_buf_printf(b, "\n");
}

static void
fit_text(mk_buf *b, const mk_model *m)
{
	if (!isfinite(m->ll))
		return;
	mk_buf_printf(b, "Fit (%s): logLik = ", m->reml_fit ? "REML" : "ML");
	num(b, 4, m->ll, 0);
	mk_buf_printf(b, ", deviance = ");
	num(b, 4, m->dev, 0);
	mk_buf_printf(b, "\n  AIC = ");
	num(b, 4, m->aic, 0);
	mk_buf_printf(b, ", BIC = ");
	num(b, 4, m->bic, 0);
	mk_buf_printf(b, ", AICc = ");
	num(b, 4, m->aicc, 0);
	mk_buf_printf(b, "\n");
}

static void
pred_text(mk_buf *b, const mk_result *r, const mk_metareg *g)
{
	int lg = mk_measure_get(r->studies->measure)->log_scale;
	int dec = effect_decimals(r);

	if (g->npred == 0)
		return;
	mk_buf_printf(b, "\nPredicted %s:\n", lg ? "ratios (back from the "
	    "log scale)" : "effects");
	for (size_t j = 0; j < g->npred; j++) {
		const double *p = g->pred + 6 * j;
		mk_buf_printf(b, "  ");
		pad(b, g->pred_label[j], 0);
		mk_buf_printf(b, "\n    ");
		num(b, dec, lg ? exp(p[0]) : p[0], 0);
		mk_buf_printf(b, " [");
		num(b, dec, lg ? exp(p[2]) : p[2], 0);
		mk_buf_printf(b, ", ");
		num(b, dec, lg ? exp(p[3]) : p[3], 0);
		mk_buf_printf(b, "]; prediction interval [");
		num(b, dec, lg ? exp(p[4]) : p[4], 0);
		mk_buf_printf(b, ", ");
		num(b, dec, lg ? exp(p[5]) : p[5], 0);
		mk_buf_printf(b, "]\n");
	}
}

/* What was fitted, by which method, tested how. */
static void
preamble(mk_buf *b, const mk_result *r, const mk_metareg *g)
{
	const mk_model *m = &g->fit;
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	const mk_method_info *mi = mk_method_get(m->method);
	const char *comma = strchr(mi->label, ',');

	mk_buf_printf(b, "%s: %zu %s\nModel: ", r->rows->file, g->k,
	    m->comp ? "effect sizes" : "studies");
	if (m->comp != NULL) {
		mk_buf_printf(b, "multilevel (");
		pad(b, m->comp[m->ncomp - 1].name, 0);
		mk_buf_printf(b, ")%s", g->nmods ? ", " : "");
	}
	if (g->nmods == 0 && m->comp == NULL)
		mk_buf_printf(b, "one mean");
	if (g->nmods > 0) {
		mk_buf_printf(b, "meta-regression on ");
		for (size_t j = 0; j < g->nmods; j++) {
			mk_buf_printf(b, "%s", j ? ", " : "");
			pad(b, g->mods[j].name, 0);
		}
	}
	mk_buf_printf(b, "\nMeasure: %s (%s)%s\n", me->label, me->name,
	    me->log_scale ? ", estimates on the log scale" : "");
	if (m->comp != NULL)
		mk_buf_printf(b, "Method: nested random intercepts, variance "
		    "components by %s\n", m->reml_fit ? "REML" : "ML");
	else
		mk_buf_printf(b, "Method: %s model, tau2 %s%s (%s)\n",
		    !mi->random ? "fixed-effects" : g->nmods ? "mixed-effects" :
		    "random-effects",
		    mi->random && comma ? "by " : "", mi->random && comma ?
		    comma + 2 : "fixed at 0", mi->name);
	if (m->robust == 2)
		mk_buf_printf(b, "Tests: cluster-robust (CR2, %zu clusters), "
		    "Satterthwaite t%s;\n  intervals %g%%\n", m->nclusters,
		    m->m ? ", HTZ F" : "", m->level);
	else if (m->robust == 1)
		mk_buf_printf(b, "Tests: cluster-robust (CR1, %zu clusters), t "
		    "and F with %zu df;\n  intervals %g%%\n", m->nclusters,
		    m->nclusters - m->p, m->level);
	else
		mk_buf_printf(b, "Tests: %s, intervals %g%%\n", isfinite(m->df) ?
		    "t and F" : "Wald z and chi2", m->level);
	mk_buf_printf(b, "\n");
}

void
mk_render_reg_text(mk_buf *b, const mk_result *r)
{
	const mk_metareg *g = r->reg;

	preamble(b, r, g);
	if (g->nmods > 0)
		coef_table(b, g, effect_decimals(r));
	else
		pooled_text(b, r, &g->fit);
	qm_text(b, g);
	mk_buf_printf(b, "%s", g->nmods ? "" : "\n");
	heterogeneity_text(b, g);
	fit_text(b, &g->fit);
	pred_text(b, r, g);
}
