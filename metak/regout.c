/* regout.c: a meta-regression rendered as JSON (the contract's
 * "regression", "heterogeneity", "fit" and "predictions"), CSV (one row per
 * coefficient, test and prediction) or a text report. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The studies used, with their model weights in percent. */
static void
json_studies(mk_buf *b, const mk_result *r, const mk_metareg *g)
{
	double z = mk_crit(g->fit.level, NAN);
	long double tw = 0;
	char tmp[32];

	for (size_t i = 0; i < g->k; i++)
		tw += g->fit.w[i];
	mk_buf_printf(b, "\n \"studies\": [");
	for (size_t i = 0; i < (r->no_studies ? 0 : g->k); i++) {
		double se = sqrt(g->v[i]);
		mk_buf_printf(b, "%s\n  {\"study\": ", i ? "," : "");
		mk_json_str(b, mk_study_label(r, r->studies, g->study[i], tmp,
		    sizeof(tmp)));
		mk_json_key(b, "yi", g->y[i], 1);
		mk_json_key(b, "vi", g->v[i], 1);
		mk_json_key(b, "ci_low", g->y[i] - z * se, 1);
		mk_json_key(b, "ci_high", g->y[i] + z * se, 1);
		mk_json_key(b, "weight", (double)(100 * g->fit.w[i] / tw), 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "],");
}

static void
json_fit(mk_buf *b, const mk_model *m)
{
	mk_buf_printf(b, "{\"type\": \"%s\"", m->reml_fit ? "REML" : "ML");
	mk_json_key(b, "loglik", m->ll, 1);
	mk_json_key(b, "deviance", m->dev, 1);
	mk_json_key(b, "aic", m->aic, 1);
	mk_json_key(b, "bic", m->bic, 1);
	mk_json_key(b, "aicc", m->aicc, 1);
	mk_buf_printf(b, "}");
}

void
mk_render_reg_json(mk_buf *b, const mk_result *r)
{
	const mk_metareg *g = r->reg;
	const mk_model *m = &g->fit;
	const mk_measure_info *mi = mk_measure_get(r->studies->measure);

	mk_buf_printf(b, "{\"measure\": ");
	mk_json_str(b, mi->name);
	mk_buf_printf(b, ", \"method\": ");
	mk_json_str(b, mk_method_get(m->method)->name);
	mk_buf_printf(b, ", \"ci\": \"%s\", \"level\": ", m->ci == MK_CI_HKSJ ?
	    "hksj" : "z");
	mk_buf_g15(b, m->level);
	mk_buf_printf(b, ", \"scale\": \"%s\", \"k\": %zu,", mi->log_scale ?
	    "log" : "identity", g->k);
	json_studies(b, r, g);
	mk_buf_printf(b, "\n \"pooled\": null,\n \"regression\": {\"mods\": [");
	for (size_t j = 0; j < g->nmods; j++) {
		mk_buf_printf(b, "%s", j ? ", " : "");
		mk_json_str(b, g->mods[j].name);
	}
	mk_buf_printf(b, "],\n  \"coefficients\": [");
	for (size_t j = 0; j < g->p; j++) {
		mk_buf_printf(b, "%s\n   {\"name\": ", j ? "," : "");
		mk_json_str(b, g->names[j]);
		mk_json_key(b, "estimate", m->b[j], 1);
		mk_json_key(b, "se", m->se[j], 1);
		mk_json_key(b, "stat", m->stat[j], 1);
		mk_json_key(b, "df", m->df, 1);
		mk_json_key(b, "p", m->pval[j], 1);
		mk_json_key(b, "ci_low", m->lo[j], 1);
		mk_json_key(b, "ci_high", m->hi[j], 1);
		mk_json_key(b, "p_perm", g->nperm ? g->p_perm[j] : NAN, 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "],\n  \"test\": {\"type\": \"%s\"", isfinite(m->qm_df2) ?
	    "F" : "chi2");
	mk_json_key(b, "stat", m->qm, 1);
	mk_json_key(b, "df", m->qm_df, 1);
	mk_json_key(b, "df2", m->qm_df2, 1);
	mk_json_key(b, "p", m->qm_p, 1);
	mk_json_key(b, "p_perm", g->nperm ? g->qm_p_perm : NAN, 1);
	mk_buf_printf(b, "}");
	if (g->nperm)
		mk_buf_printf(b, ",\n  \"permutations\": {\"n\": %zu, \"exact\": "
		    "%s}", g->nperm, g->perm_exact ? "true" : "false");
	mk_buf_printf(b, "},\n \"heterogeneity\": {");
	mk_json_key(b, "q", m->qe, 0);
	mk_json_key(b, "df", m->qe_df, 1);
	mk_json_key(b, "p", m->qe_p, 1);
	mk_json_key(b, "tau2", m->tau2, 1);
	mk_json_key(b, "tau", sqrt(m->tau2), 1);
	mk_json_key(b, "i2", m->i2, 1);
	mk_json_key(b, "h2", m->h2, 1);
	mk_json_key(b, "r2", g->r2, 1);
	mk_json_key(b, "tau2_ci_low", m->tau2_lo, 1);
	mk_json_key(b, "tau2_ci_high", m->tau2_hi, 1);
	mk_buf_printf(b, "}");
	if (isfinite(m->ll)) {
		mk_buf_printf(b, ",\n \"fit\": ");
		json_fit(b, m);
	}
	mk_buf_printf(b, ",\n \"predictions\": [");
	for (size_t j = 0; j < g->npred; j++) {
		const double *p = g->pred + 6 * j;
		mk_buf_printf(b, "%s\n  {\"label\": ", j ? "," : "");
		mk_json_str(b, g->pred_label[j]);
		mk_json_key(b, "estimate", p[0], 1);
		mk_json_key(b, "se", p[1], 1);
		mk_json_key(b, "ci_low", p[2], 1);
		mk_json_key(b, "ci_high", p[3], 1);
		mk_json_key(b, "pi_low", p[4], 1);
		mk_json_key(b, "pi_high", p[5], 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]}\n");
}

/* ---- CSV ----------------------------------------------------------- */

static void
cnum(mk_buf *b, double x)
{
	mk_buf_put(b, ",", 1);
	if (isfinite(x))
		mk_buf_g15(b, x == 0 ? 0 : x);
	else
		mk_buf_printf(b, "NA");
}

static void
csv_row(mk_buf *b, const char *type, const char *name, const double *v,
    size_t n)
{
	mk_buf_printf(b, "%s,", type);
	mk_csv_str(b, name);
	for (size_t j = 0; j < n; j++)
		cnum(b, v[j]);
	mk_buf_put(b, "\n", 1);
}

void
mk_render_reg_csv(mk_buf *b, const mk_result *r)
{
	const mk_metareg *g = r->reg;
	const mk_model *m = &g->fit;

	mk_buf_printf(b, "type,name,estimate,se,stat,df,df2,p,ci_low,ci_high,"
	    "pi_low,pi_high,p_perm\n");
	for (size_t j = 0; j < g->p; j++) {
		double v[] = { m->b[j], m->se[j], m->stat[j], m->df, NAN,
		    m->pval[j], m->lo[j], m->hi[j], NAN, NAN,
		    g->nperm ? g->p_perm[j] : NAN };
		csv_row(b, "coefficient", g->names[j], v, 11);
	}
	double qm[] = { NAN, NAN, m->qm, m->qm_df, m->qm_df2, m->qm_p, NAN,
	    NAN, NAN, NAN, g->nperm ? g->qm_p_perm : NAN };
	csv_row(b, "test", isfinite(m->qm_df2) ? "QM (F)" : "QM", qm, 11);
	double qe[] = { NAN, NAN, m->qe, m->qe_df, NAN, m->qe_p, NAN, NAN, NAN,
	    NAN, NAN };
	csv_row(b, "test", "QE", qe, 11);
	double t2[] = { m->tau2, NAN, NAN, NAN, NAN, NAN, m->tau2_lo,
	    m->tau2_hi, NAN, NAN, NAN };
	csv_row(b, "heterogeneity", "tau2", t2, 11);
	double i2[] = { m->i2, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN,
	    NAN };
	csv_row(b, "heterogeneity", "i2", i2, 11);
	i2[0] = m->h2;
	csv_row(b, "heterogeneity", "h2", i2, 11);
	i2[0] = g->r2;
	csv_row(b, "heterogeneity", "r2", i2, 11);
	for (size_t j = 0; j < g->npred; j++) {
		const double *p = g->pred + 6 * j;
		double v[] = { p[0], p[1], NAN, NAN, NAN, NAN, p[2], p[3], p[4],
		    p[5], NAN };
		csv_row(b, "prediction", g->pred_label[j], v, 11);
	}
}

/* ---- text ---------------------------------------------------------- */

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

/* "p < 0.0001" style in a fixed width. */
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

static int
name_width(const mk_metareg *g)
{
	int w = 7;

	for (size_t j = 0; j < g->p; j++)
		if (mk_utf8_width(g->names[j]) > w)
			w = mk_utf8_width(g->names[j]);
	return w;
}

static void
pad(mk_buf *b, const char *s, int w)
{
	mk_buf_printf(b, "%s", s);
	for (int n = mk_utf8_width(s); n < w; n++)
		mk_buf_put(b, " ", 1);
}

static void
coef_table(mk_buf *b, const mk_metareg *g, int perm)
{
	const mk_model *m = &g->fit;
	int w = name_width(g);

	mk_buf_printf(b, "  ");
	pad(b, "", w);
	mk_buf_printf(b, "  estimate        se  %8s         p      %g%% CI%s\n",
	    isfinite(m->df) ? "t" : "z", m->level, perm ? "      p_perm" : "");
	for (size_t j = 0; j < g->p; j++) {
		mk_buf_printf(b, "  ");
		pad(b, g->names[j], w);
		num(b, 4, m->b[j], 10);
		num(b, 4, m->se[j], 10);
		num(b, 3, m->stat[j], 10);
		pcell(b, m->pval[j], 10);
		mk_buf_printf(b, "  [");
		num(b, 4, m->lo[j], 0);
		mk_buf_printf(b, ", ");
		num(b, 4, m->hi[j], 0);
		mk_buf_printf(b, "]");
		if (perm)
			pcell(b, g->p_perm[j], 10);
		mk_buf_printf(b, "\n");
	}
}

static void
tests_text(mk_buf *b, const mk_metareg *g)
{
	const mk_model *m = &g->fit;

	if (m->m > 0) {
		mk_buf_printf(b, "\nTest of moderators (coefficients 2:%zu): ",
		    g->p);
		if (isfinite(m->qm_df2))
			mk_buf_printf(b, "F(%.0f, %.0f) = ", m->qm_df,
			    m->qm_df2);
		else
			mk_buf_printf(b, "QM(df = %.0f) = ", m->qm_df);
		num(b, 4, m->qm, 0);
		mk_buf_printf(b, ", ");
		mk_buf_p(b, m->qm_p);
		if (g->nperm) {
			mk_buf_printf(b, "; permutation ");
			mk_buf_p(b, g->qm_p_perm);
		}
		mk_buf_printf(b, "\n");
	}
	if (g->nperm)
		mk_buf_printf(b, "Permutation tests: %s, %zu refits\n",
		    g->perm_exact ? "exact (every distinct ordering)" :
		    "random orderings", g->nperm);
	mk_buf_printf(b, "Residual heterogeneity: QE(df = %.0f) = ", m->qe_df);
	num(b, 4, m->qe, 0);
	mk_buf_printf(b, ", ");
	mk_buf_p(b, m->qe_p);
	mk_buf_printf(b, "\n");
	if (mk_method_get(m->method)->random) {
		mk_buf_printf(b, "  residual tau2 = ");
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
	if (isfinite(m->ll)) {
		mk_buf_printf(b, "Fit (%s): logLik = ", m->reml_fit ? "REML" :
		    "ML");
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
}

static void
pred_text(mk_buf *b, const mk_result *r, const mk_metareg *g)
{
	int lg = mk_measure_get(r->studies->measure)->log_scale;

	if (g->npred == 0)
		return;
	mk_buf_printf(b, "\nPredicted %s%s:\n", lg ? "ratios (back from the "
	    "log scale)" : "effects", "");
	for (size_t j = 0; j < g->npred; j++) {
		const double *p = g->pred + 6 * j;
		double e = lg ? exp(p[0]) : p[0], lo = lg ? exp(p[2]) : p[2];
		double hi = lg ? exp(p[3]) : p[3], pl = lg ? exp(p[4]) : p[4];
		double ph = lg ? exp(p[5]) : p[5];
		mk_buf_printf(b, "  %s\n    ", g->pred_label[j]);
		num(b, 4, e, 0);
		mk_buf_printf(b, " [");
		num(b, 4, lo, 0);
		mk_buf_printf(b, ", ");
		num(b, 4, hi, 0);
		mk_buf_printf(b, "]; prediction interval [");
		num(b, 4, pl, 0);
		mk_buf_printf(b, ", ");
		num(b, 4, ph, 0);
		mk_buf_printf(b, "]\n");
	}
}

void
mk_render_reg_text(mk_buf *b, const mk_result *r)
{
	const mk_metareg *g = r->reg;
	const mk_model *m = &g->fit;
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	const mk_method_info *mi = mk_method_get(m->method);

	mk_buf_printf(b, "%s: %zu studies, meta-regression on ",
	    r->table->file, g->k);
	for (size_t j = 0; j < g->nmods; j++)
		mk_buf_printf(b, "%s%s", j ? ", " : "", g->mods[j].name);
	mk_buf_printf(b, "\nMeasure: %s (%s)%s\n", me->label, me->name,
	    me->log_scale ? ", coefficients on the log scale" : "");
	const char *comma = strchr(mi->label, ',');
	mk_buf_printf(b, "Method: %s model, tau2 %s%s (%s)\nTests: %s, "
	    "intervals %g%%\n\n", mi->random ? "mixed-effects" :
	    "fixed-effects", mi->random && comma ? "by " : "",
	    mi->random && comma ? comma + 2 : "fixed at 0",
	    mi->name, m->ci == MK_CI_HKSJ ? "Knapp-Hartung t and F" :
	    "Wald z and chi2", m->level);
	mk_buf_printf(b, "Coefficients:\n");
	coef_table(b, g, g->nperm > 0);
	tests_text(b, g);
	pred_text(b, r, g);
}
