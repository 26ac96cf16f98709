/* regout.c: a model beyond the pooled mean (meta-regression, multilevel,
 * cluster-robust) rendered as JSON (the contract's "regression",
 * "heterogeneity", "variance_components", "fit" and "predictions") or CSV
 * (one row per coefficient, test, component and prediction); regtext.c
 * writes the text report. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

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

/* The intercept of a model without moderators as "pooled". */
static void
json_pooled(mk_buf *b, const mk_metareg *g, const mk_studies *s,
    mk_pitype pi)
{
	const mk_model *m = &g->fit;
	double one = 1, e, se, lo, hi, pl, ph;

	mk_model_predict(m, pi, &one, &e, &se, &lo, &hi, &pl, &ph);
	mk_buf_printf(b, "{");
	mk_json_key(b, "estimate", m->b[0], 0);
	mk_json_key(b, "se", m->se[0], 1);
	mk_json_key(b, "ci_low", m->lo[0], 1);
	mk_json_key(b, "ci_high", m->hi[0], 1);
	mk_json_key(b, "stat", m->stat[0], 1);
	mk_json_key(b, "p", m->pval[0], 1);
	mk_json_key(b, "df", m->cdf[0], 1);
	int random = m->comp != NULL || mk_method_get(m->method)->random;
	mk_json_key(b, "pi_low", random ? pl : NAN, 1);
	mk_json_key(b, "pi_high", random ? ph : NAN, 1);
	mk_json_natural(b, s->measure, mk_studies_nhm(s, g->study, g->k),
	    m->b[0], m->lo[0], m->hi[0], random ? pl : NAN, random ? ph : NAN);
	mk_buf_printf(b, "}");
}

static void
json_regression(mk_buf *b, const mk_metareg *g)
{
	const mk_model *m = &g->fit;

	mk_buf_printf(b, ",\n \"regression\": {\"mods\": [");
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
		mk_json_key(b, "df", m->cdf[j], 1);
		mk_json_key(b, "p", m->pval[j], 1);
		mk_json_key(b, "ci_low", m->lo[j], 1);
		mk_json_key(b, "ci_high", m->hi[j], 1);
		mk_json_key(b, "p_perm", g->nperm ? g->p_perm[j] : NAN, 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "],\n  \"test\": {\"type\": \"%s\"",
	    isfinite(m->qm_df2) ? "F" : "chi2");
	mk_json_key(b, "stat", m->qm, 1);
	mk_json_key(b, "df", m->qm_df, 1);
	mk_json_key(b, "df2", m->qm_df2, 1);
	mk_json_key(b, "p", m->qm_p, 1);
	mk_json_key(b, "p_perm", g->nperm ? g->qm_p_perm : NAN, 1);
	mk_buf_printf(b, "}");
	if (g->nperm)
		mk_buf_printf(b, ",\n  \"permutations\": {\"n\": %zu, "
		    "\"exact\": %s}", g->nperm, g->perm_exact ? "true" : "false");
	mk_buf_printf(b, "}");
}

static void
json_heterogeneity(mk_buf *b, const mk_metareg *g)
{
	const mk_model *m = &g->fit;

	mk_buf_printf(b, ",\n \"heterogeneity\": {");
	mk_json_key(b, "q", m->qe, 0);
	mk_json_key(b, "df", m->qe_df, 1);
	mk_json_key(b, "p", m->qe_p, 1);
	if (m->comp == NULL) {
		mk_json_key(b, "tau2", m->tau2, 1);
		mk_json_key(b, "tau", sqrt(m->tau2), 1);
		mk_json_key(b, "i2", m->i2, 1);
		mk_json_key(b, "h2", m->h2, 1);
		mk_json_key(b, "r2", g->r2, 1);
		mk_json_key(b, "tau2_ci_low", m->tau2_lo, 1);
		mk_json_key(b, "tau2_ci_high", m->tau2_hi, 1);
	} else {	/* multilevel: I2 of every component together */
		mk_json_key(b, "i2", m->i2, 1);
	}
	mk_buf_printf(b, "}");
	if (m->comp == NULL)
		return;
	mk_buf_printf(b, ",\n \"variance_components\": [");
	for (size_t l = 0; l < m->ncomp; l++) {
		const mk_vcomp *c = &m->comp[l];
		mk_buf_printf(b, "%s\n  {\"name\": ", l ? "," : "");
		mk_json_str(b, c->name);
		mk_json_key(b, "sigma2", c->sigma2, 1);
		mk_json_key(b, "sigma", sqrt(c->sigma2), 1);
		mk_buf_printf(b, ", \"nlevels\": %zu, \"fixed\": %s", c->nlevels,
		    c->fixed ? "true" : "false");
		mk_json_key(b, "sigma2_ci_low", c->lo, 1);
		mk_json_key(b, "sigma2_ci_high", c->hi, 1);
		mk_json_key(b, "i2", c->i2, 1);
		mk_json_key(b, "lrt", c->lrt, 1);
		mk_json_key(b, "lrt_p", c->lrt_p, 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]");
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
	mk_buf_printf(b, ", \"scale\": \"%s\", \"k\": %zu,", mk_scale_name(mi->id), g->k);
	json_studies(b, r, g);
	if (g->nmods == 0) {
		mk_buf_printf(b, "\n \"pooled\": ");
		json_pooled(b, g, r->studies, r->opts->pi);
	} else {
		mk_buf_printf(b, "\n \"pooled\": null");
		json_regression(b, g);
	}
	json_heterogeneity(b, g);
	if (m->robust)
		mk_buf_printf(b, ",\n \"robust\": {\"type\": \"%s\", "
		    "\"clusters\": %zu}", m->robust == 1 ? "CR1" : "CR2",
		    m->nclusters);
	if (isfinite(m->ll)) {
		mk_buf_printf(b, ",\n \"fit\": ");
		json_fit(b, m);
	}
	if (g->nmods > 0) {
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
		mk_buf_printf(b, "]");
	}
	mk_buf_printf(b, "}\n");
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
	double na[11];

	for (int j = 0; j < 11; j++)
		na[j] = NAN;
	mk_buf_printf(b, "type,name,estimate,se,stat,df,df2,p,ci_low,ci_high,"
	    "pi_low,pi_high,p_perm\n");
	for (size_t j = 0; j < g->p; j++) {
		double v[] = { m->b[j], m->se[j], m->stat[j], m->cdf[j], NAN,
		    m->pval[j], m->lo[j], m->hi[j], NAN, NAN,
		    g->nperm ? g->p_perm[j] : NAN };
		if (g->nmods == 0) {	/* the pooled mean and its PI */
			double one = 1, e, se, lo, hi;
			mk_model_predict(m, r->opts->pi, &one, &e, &se, &lo,
			    &hi, &v[8], &v[9]);
			if (m->comp == NULL && !mk_method_get(m->method)->random)
				v[8] = v[9] = NAN;
		}
		csv_row(b, g->nmods ? "coefficient" : "pooled", g->names[j], v,
		    11);
	}
	if (m->m > 0) {
		double qm[] = { NAN, NAN, m->qm, m->qm_df, m->qm_df2, m->qm_p,
		    NAN, NAN, NAN, NAN, g->nperm ? g->qm_p_perm : NAN };
		csv_row(b, "test", isfinite(m->qm_df2) ? "QM (F)" : "QM", qm, 11);
	}
	double qe[] = { NAN, NAN, m->qe, m->qe_df, NAN, m->qe_p, NAN, NAN, NAN,
	    NAN, NAN };
	csv_row(b, "test", "QE", qe, 11);
	for (size_t l = 0; m->comp != NULL && l < m->ncomp; l++) {
		const mk_vcomp *c = &m->comp[l];
		double v[] = { c->sigma2, NAN, NAN, NAN, NAN, NAN, c->lo, c->hi,
		    NAN, NAN, NAN };
		double lr[] = { NAN, NAN, c->lrt, 1, NAN, c->lrt_p, NAN, NAN,
		    NAN, NAN, NAN };
		csv_row(b, "sigma2", c->name, v, 11);
		na[0] = c->i2;
		csv_row(b, "i2", c->name, na, 11);
		csv_row(b, "lrt", c->name, lr, 11);
	}
	if (m->comp != NULL) {
		na[0] = m->i2;
		csv_row(b, "heterogeneity", "i2", na, 11);
	}
	if (m->comp == NULL) {
		double t2[] = { m->tau2, NAN, NAN, NAN, NAN, NAN, m->tau2_lo,
		    m->tau2_hi, NAN, NAN, NAN };
		csv_row(b, "heterogeneity", "tau2", t2, 11);
		na[0] = m->i2;
		csv_row(b, "heterogeneity", "i2", na, 11);
		na[0] = m->h2;
		csv_row(b, "heterogeneity", "h2", na, 11);
		na[0] = g->r2;
		csv_row(b, "heterogeneity", "r2", na, 11);
	}
	for (size_t j = 0; j < g->npred; j++) {
		const double *p = g->pred + 6 * j;
		double v[] = { p[0], p[1], NAN, NAN, NAN, NAN, p[2], p[3], p[4],
		    p[5], NAN };
		csv_row(b, "prediction", g->pred_label[j], v, 11);
	}
}
