/* report.c: renders a fit (and subgroups) as JSON (the contract in
 * shared/CONTRACT.md) or CSV into a buffer; text.c does the text report.
 * Fixed number formats, so the same input always gives the same bytes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"

/* ---- JSON --------------------------------------------------------------- */

double
mk_i2_q(double q, double df)
{
	if (!(df >= 1) || !isfinite(q) || q < 0)
		return NAN;
	return q > 0 ? fmax(0, 100 * (q - df) / q) : 0;
}

void
mk_json_natural(mk_buf *b, mk_measure m, double n, double est, double lo,
    double hi, double pilo, double pihi)
{
	if (mk_measure_get(m)->tr == MK_TR_NONE)
		return;
	mk_buf_printf(b, ", \"natural\": {");
	mk_json_key(b, "estimate", mk_natural(m, est, n), 0);
	mk_json_key(b, "ci_low", mk_natural(m, lo, n), 1);
	mk_json_key(b, "ci_high", mk_natural(m, hi, n), 1);
	mk_json_key(b, "pi_low", mk_natural(m, pilo, n), 1);
	mk_json_key(b, "pi_high", mk_natural(m, pihi, n), 1);
	mk_buf_printf(b, "}");
}

/* The pooled result, and on the natural scale where the measure is a
 * transformation (n: for PFT, the harmonic mean of the fit's studies). */
static void
json_pooled(mk_buf *b, const mk_fit *f, mk_measure m, double n)
{
	mk_buf_printf(b, "{");
	mk_json_key(b, "estimate", f->est, 0);
	mk_json_key(b, "se", f->se, 1);
	mk_json_key(b, "ci_low", f->lo, 1);
	mk_json_key(b, "ci_high", f->hi, 1);
	mk_json_key(b, "stat", f->stat, 1);
	mk_json_key(b, "p", f->p, 1);
	mk_json_key(b, "pi_low", f->pi_lo, 1);
	mk_json_key(b, "pi_high", f->pi_hi, 1);
	mk_json_key(b, "df", f->tdf, 1);
	if (f->bayes != NULL)	/* a posterior, no test */
		mk_buf_printf(b, ", \"test\": null");
	else
		mk_buf_printf(b, ", \"test\": \"%s\"", isfinite(f->tdf) ?
		    "t" : "z");
	mk_json_natural(b, m, n, f->est, f->lo, f->hi, f->pi_lo, f->pi_hi);
	mk_buf_printf(b, "}");
}

static void
json_het(mk_buf *b, const mk_fit *f)
{
	mk_buf_printf(b, "{");
	mk_json_key(b, "q", f->q, 0);
	mk_json_key(b, "df", f->qdf, 1);
	mk_json_key(b, "p", f->qp, 1);
	mk_json_key(b, "tau2", f->tau2, 1);
	mk_json_key(b, "tau", f->tau, 1);
	mk_json_key(b, "i2", f->i2, 1);
	mk_json_key(b, "h2", f->h2, 1);
	mk_json_key(b, "tau2_ci_low", f->tau2_lo, 1);
	mk_json_key(b, "tau2_ci_high", f->tau2_hi, 1);
	mk_json_key(b, "i2_ci_low", f->i2_lo, 1);
	mk_json_key(b, "i2_ci_high", f->i2_hi, 1);
	if (f->glmm != NULL) {	/* --glmm: the tests against the saturated
				 * model, UM.RS's intercept variance */
		mk_json_key(b, "q_wald", f->glmm->q_wald, 1);
		mk_json_key(b, "q_wald_p", f->glmm->q_wald_p, 1);
		mk_json_key(b, "q_lrt", f->glmm->q_lrt, 1);
		mk_json_key(b, "q_lrt_p", f->glmm->q_lrt_p, 1);
		mk_json_key(b, "sigma2", f->glmm->sigma2, 1);
	}
	mk_json_key(b, "i2_q", mk_i2_q(f->q, f->qdf), 1);
	mk_buf_printf(b, "}");
}

/* --glmm: "fit": the full log-likelihood and its information criteria. */
static void
json_glmm_fit(mk_buf *b, const mk_fit *f)
{
	const mk_glmm_res *g = f->glmm;

	mk_buf_printf(b, "{");
	mk_json_key(b, "loglik", g->loglik, 0);
	mk_json_key(b, "aic", g->aic, 1);
	mk_json_key(b, "bic", g->bic, 1);
	mk_buf_printf(b, ", \"parameters\": %d, \"observations\": %zu, "
	    "\"iterations\": %d, \"quadrature_points\": %zu}", g->npar,
	    g->nobs, f->iters, g->nq);
}

/* Per-study intervals are always Wald z at the chosen level. */
static double
zcrit(double level)
{
	return mk_crit(level, NAN);
}

void
mk_render_json(mk_buf *b, const mk_result *r)
{
	const mk_fit *f = r->fit;
	const mk_studies *s = r->studies;
	const mk_measure_info *mi = mk_measure_get(s->measure);
	double z = zcrit(f->level);
	char tmp[32];
	const char *nl = r->analysis ? "" : "\n";	/* JSON Lines: one line */

	mk_buf_printf(b, "{");
	if (r->analysis != NULL) {
		mk_buf_printf(b, "\"analysis\": ");
		mk_json_str(b, r->analysis);
		mk_buf_printf(b, ", ");
	}
	mk_buf_printf(b, "\"measure\": ");
	mk_json_str(b, mi->name);
	mk_buf_printf(b, ", \"method\": ");
	mk_json_str(b, mk_method_get(f->method)->name);
	if (f->method == MK_DL && r->opts->dl_mhq)
		mk_buf_printf(b, ", \"dl_q\": \"mh\"");
	if (f->glmm != NULL)
		mk_buf_printf(b, ", \"glmm\": \"%s\"",
		    mk_glmm_get(f->glmm->model)->name);
	mk_buf_printf(b, ", \"ci\": \"%s\", \"level\": ",
	    f->bayes != NULL ? "credible" : f->ci == MK_CI_HKSJ ? "hksj" :
	    "z");
	mk_buf_g15(b, f->level);
	mk_buf_printf(b, ", \"scale\": \"%s\", \"k\": %zu,", mk_scale_name(mi->id), f->k);
	if (r->analysis == NULL)
		mk_buf_printf(b, "%s \"studies\": [", nl);
	for (size_t i = 0; i < (r->no_studies ? 0 : s->k); i++) {
		double se = sqrt(f->vi[i]);
		mk_buf_printf(b, "%s\n  {\"study\": ", i ? "," : "");
		mk_json_str(b, mk_study_label(r, s, i, tmp, sizeof(tmp)));
		mk_json_key(b, "yi", f->yi[i], 1);
		mk_json_key(b, "vi", f->vi[i], 1);
		mk_json_key(b, "ci_low", f->yi[i] - z * se, 1);
		mk_json_key(b, "ci_high", f->yi[i] + z * se, 1);
		mk_json_key(b, "weight", f->weight[i], 1);
		mk_json_from(b, s, i);
		mk_json_flags(b, r, s, i);
		mk_buf_printf(b, "}");
	}
	if (r->analysis == NULL) {
		mk_buf_printf(b, "],");
		mk_json_left_out(b, r);
	}
	mk_buf_printf(b, "%s \"pooled\": ", nl);
	json_pooled(b, f, s->measure, mk_studies_nhm(s, NULL, s->k));
	mk_buf_printf(b, ",%s \"heterogeneity\": ", nl);
	json_het(b, f);
	if (f->glmm != NULL) {
		mk_buf_printf(b, ",%s \"fit\": ", nl);
		json_glmm_fit(b, f);
	}
	if (f->bayes != NULL)
		mk_json_bayes(b, r, f, s);
	if (r->sub != NULL) {
		const mk_subgroups *sg = r->sub;
		mk_buf_printf(b, ",%s \"subgroups\": {\"by\": ", nl);
		mk_json_str(b, sg->by);
		mk_buf_printf(b, ", \"groups\": [");
		for (size_t j = 0; j < sg->n; j++) {
			mk_buf_printf(b, "%s%s  {\"level\": ", j ? "," : "", nl);
			mk_json_str(b, sg->g[j].level);
			mk_buf_printf(b, ", \"k\": %zu, \"pooled\": ",
			    sg->g[j].fit.k);
			const mk_studies *gs = sg->g[j].studies;
			json_pooled(b, &sg->g[j].fit, s->measure,
			    mk_studies_nhm(gs, NULL, gs->k));
			mk_buf_printf(b, ", \"heterogeneity\": ");
			json_het(b, &sg->g[j].fit);
			if (sg->g[j].fit.bayes != NULL)
				mk_json_bayes(b, r, &sg->g[j].fit, gs);
			mk_buf_printf(b, "}");
		}
		mk_buf_printf(b, "],%s  \"test\": {", nl);
		mk_json_key(b, "q", sg->q, 0);
		mk_json_key(b, "df", sg->df, 1);
		mk_json_key(b, "p", sg->p, 1);
		mk_json_key(b, "i2", sg->diff_i2, 1);
		mk_buf_printf(b, ", \"stat\": \"%s\", \"type\": \"%s\"",
		    isfinite(sg->df2) ? "F" : "chi2", isfinite(sg->df2) ? "F" :
		    "chi2");
		mk_json_key(b, "df2", sg->df2, 1);
		mk_buf_printf(b, "}, \"tau2_model\": \"%s\"", sg->common ?
		    "common" : "separate");
		if (sg->common) {
			mk_buf_printf(b, ",%s  \"common\": {", nl);
			mk_json_key(b, "tau2", sg->tau2, 0);
			mk_json_key(b, "tau2_ci_low", sg->tau2_lo, 1);
			mk_json_key(b, "tau2_ci_high", sg->tau2_hi, 1);
			mk_json_key(b, "qe", sg->qe, 1);
			mk_json_key(b, "qe_df", sg->qe_df, 1);
			mk_json_key(b, "qe_p", sg->qe_p, 1);
			mk_json_key(b, "i2", sg->i2, 1);
			mk_json_key(b, "h2", sg->h2, 1);
			mk_buf_printf(b, "}");
		}
		mk_buf_printf(b, "}");
	}
	mk_json_influence(b, r);
	mk_json_sof(b, r);
	mk_buf_printf(b, "}\n");
}

/* ---- CSV ---------------------------------------------------------------- */

void
mk_csv_str(mk_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		mk_buf_printf(b, "%s", s);
		return;
	}
	mk_buf_put(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"')
			mk_buf_put(b, "\"\"", 2);
		else
			mk_buf_put(b, s, 1);
	}
	mk_buf_put(b, "\"", 1);
}

static void
cnum(mk_buf *b, double x)
{
	mk_buf_put(b, ",", 1);
	if (isfinite(x))
		mk_buf_g15(b, x == 0 ? 0 : x);
	else
		mk_buf_printf(b, "NA");
}

/* An effect column: full precision, or dec decimals (--digits). */
static void
cnum_d(mk_buf *b, double x, int dec)
{
	if (dec <= 0 || !isfinite(x)) {
		cnum(b, x);
		return;
	}
	x = fabs(x) < 0.5 * pow(10, -dec) ? 0 : x;	/* no "-0.00" */
	mk_buf_printf(b, ",%.*f", dec, x);
}

/* The estimate and interval on the natural scale (the ratio for OR, RR,
 * ...; the same values for a measure shown on its own scale). */
static void
csv_natural(mk_buf *b, mk_measure m, double n, double est, double lo,
    double hi, int dec)
{
	cnum_d(b, mk_natural(m, est, n), dec);
	cnum_d(b, mk_natural(m, lo, n), dec);
	cnum_d(b, mk_natural(m, hi, n), dec);
}

static void
csv_fit_row(mk_buf *b, const char *type, const char *group, const mk_fit *f,
    mk_measure m, double n, int dec)
{
	mk_buf_printf(b, "%s,", type);
	mk_csv_str(b, group);
	mk_buf_printf(b, ",,%zu", f->k);
	cnum_d(b, f->est, dec);
	cnum_d(b, f->se, dec);
	cnum_d(b, f->lo, dec);
	cnum_d(b, f->hi, dec);
	cnum(b, strcmp(type, "pooled") == 0 && f->glmm == NULL ? 100 : NAN);
	cnum(b, f->p);
	cnum(b, f->tau2);
	cnum(b, f->i2);
	cnum(b, f->q);
	mk_buf_printf(b, ",");
	csv_natural(b, m, n, f->est, f->lo, f->hi, dec);
	mk_buf_printf(b, ",\n");
}

/* --method BAYES: each study's shrunken effect in the fit f of the
 * studies gs (when studies is set), and the predictive interval of a new
 * study's effect, as rows of their own (no se, weight or p). */
static void
csv_bayes_rows(mk_buf *b, const mk_result *r, const char *group,
    const mk_fit *f, const mk_studies *gs, int studies, int dec)
{
	const mk_bayes *by = f->bayes;
	char tmp[32];

	for (size_t i = 0; studies && by->shr_median && i < gs->k; i++) {
		mk_buf_printf(b, "shrunken,");
		mk_csv_str(b, group);
		mk_buf_printf(b, ",");
		mk_csv_str(b, mk_study_label(r, gs, i, tmp, sizeof(tmp)));
		mk_buf_printf(b, ",1");
		cnum_d(b, by->shr_median[i], dec);
		cnum(b, NAN);
		cnum_d(b, by->shr_lo[i], dec);
		cnum_d(b, by->shr_hi[i], dec);
		mk_buf_printf(b, ",NA,NA,,,,");
		csv_natural(b, gs->measure, mk_study_n(gs, i),
		    by->shr_median[i], by->shr_lo[i], by->shr_hi[i], dec);
		mk_buf_printf(b, ",\n");
	}
	mk_buf_printf(b, "predictive,");
	mk_csv_str(b, group);
	mk_buf_printf(b, ",,%zu", f->k);
	cnum_d(b, by->pred_median, dec);
	cnum(b, NAN);
	cnum_d(b, by->pred_lo, dec);
	cnum_d(b, by->pred_hi, dec);
	mk_buf_printf(b, ",NA,NA,,,,");
	csv_natural(b, gs->measure, mk_studies_nhm(gs, NULL, gs->k),
	    by->pred_median, by->pred_lo, by->pred_hi, dec);
	mk_buf_printf(b, ",\n");
}

/* Level of each table row's subgroup (NULL: none); NULL when out of
 * memory or without --by. */
static const char **
row_levels(const mk_result *r)
{
	const char **lv;

	if (r->sub == NULL)
		return NULL;
	lv = calloc(r->rows->n ? r->rows->n : 1, sizeof(*lv));
	if (lv == NULL)
		return NULL;
	for (size_t j = 0; j < r->sub->n; j++) {
		const mk_studies *g = r->sub->g[j].studies;
		for (size_t i = 0; i < g->k; i++)
			lv[g->row[i]] = r->sub->g[j].level;
	}
	return lv;
}

void
mk_render_csv(mk_buf *b, const mk_result *r)
{
	const mk_fit *f = r->fit;
	const mk_studies *s = r->studies;
	double z = zcrit(f->level);
	char tmp[32], note[512];
	int dec = r->plot ? r->plot->digits : 0;	/* 0: full precision */

	const char **lv = row_levels(r);

	if (r->sub != NULL && lv == NULL) {
		b->oom = 1;
		return;
	}
	mk_buf_printf(b, "type,group,study,k,estimate,se,ci_low,ci_high,"
	    "weight,p,tau2,i2,q,from,natural_estimate,natural_ci_low,"
	    "natural_ci_high,note\n");
	for (size_t i = 0; i < (r->no_studies ? 0 : s->k); i++) {
		double se = sqrt(f->vi[i]);
		mk_buf_printf(b, "study,");
		mk_csv_str(b, lv && lv[s->row[i]] ? lv[s->row[i]] : "");
		mk_buf_printf(b, ",");
		mk_csv_str(b, mk_study_label(r, s, i, tmp, sizeof(tmp)));
		mk_buf_printf(b, ",1");
		cnum_d(b, f->yi[i], dec);
		cnum_d(b, se, dec);
		cnum_d(b, f->yi[i] - z * se, dec);
		cnum_d(b, f->yi[i] + z * se, dec);
		cnum(b, f->weight[i]);
		cnum(b, mk_pvalue(f->yi[i] / se, NAN));
		mk_buf_printf(b, ",,,,%s", mk_from_name((mk_from)s->from[i]));
		csv_natural(b, s->measure, mk_study_n(s, i), f->yi[i],
		    f->yi[i] - z * se, f->yi[i] + z * se, dec);
		mk_buf_printf(b, ",");
		mk_flag_note(r, s, i, 0, note, sizeof(note));
		mk_csv_str(b, note);
		mk_buf_printf(b, "\n");
	}
	for (size_t j = 0; j < s->nout; j++) {	/* the rows left out, why */
		mk_buf_printf(b, "left_out,,");
		mk_csv_str(b, mk_row_label(r, s->out[j].row, tmp, sizeof(tmp)));
		mk_buf_printf(b, ",0,,,,,,,,,,,,,,");
		mk_csv_str(b, s->out[j].why);
		mk_buf_printf(b, "\n");
	}
	if (s->nout_all > s->nout)
		mk_buf_printf(b, "left_out,,,0,,,,,,,,,,,,,,%zu more rows not "
		    "listed\n", s->nout_all - s->nout);
	if (r->sub != NULL)
		for (size_t j = 0; j < r->sub->n; j++) {
			const mk_studies *gs = r->sub->g[j].studies;
			csv_fit_row(b, "subgroup", r->sub->g[j].level,
			    &r->sub->g[j].fit, s->measure, mk_studies_nhm(gs,
			    NULL, gs->k), dec);
		}
	csv_fit_row(b, "pooled", "", f, s->measure, mk_studies_nhm(s, NULL,
	    s->k), dec);
	/* BAYES: under --by, the studies' shrunken effects are their
	 * subgroup's (none after --no-studies: not computed) */
	for (size_t j = 0; f->bayes && r->sub != NULL && j < r->sub->n; j++)
		csv_bayes_rows(b, r, r->sub->g[j].level, &r->sub->g[j].fit,
		    r->sub->g[j].studies, 1, dec);
	if (f->bayes != NULL)
		csv_bayes_rows(b, r, "", f, s, r->sub == NULL, dec);
	free(lv);
}

/* ---- --each: one CSV row or JSON line per analysis ---------------------- */

void
mk_render_each_header(mk_buf *b)
{
	mk_buf_printf(b, "analysis,k,estimate,se,ci_low,ci_high,p,tau2,i2,q\n");
}

void
mk_render_each_csv(mk_buf *b, const char *analysis, const mk_fit *f,
    size_t k, int dec)
{
	mk_csv_str(b, analysis);
	mk_buf_printf(b, ",%zu", k);
	cnum_d(b, f ? f->est : NAN, dec);
	cnum_d(b, f ? f->se : NAN, dec);
	cnum_d(b, f ? f->lo : NAN, dec);
	cnum_d(b, f ? f->hi : NAN, dec);
	cnum(b, f ? f->p : NAN);
	cnum(b, f ? f->tau2 : NAN);
	cnum(b, f ? f->i2 : NAN);
	cnum(b, f ? f->q : NAN);
	mk_buf_put(b, "\n", 1);
}

void
mk_render_each_json_error(mk_buf *b, const char *analysis, size_t k,
    const char *error)
{
	mk_buf_printf(b, "{\"analysis\": ");
	mk_json_str(b, analysis);
	mk_buf_printf(b, ", \"k\": %zu, \"error\": ", k);
	mk_json_str(b, error);
	mk_buf_printf(b, ", \"pooled\": null, \"heterogeneity\": null}\n");
}
