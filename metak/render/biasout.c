/* biasout.c: renders the small-study tests of bias.c as JSON (the
 * contract's "egger", "begg", "trimfill" keys and more) or as a text report
 * that says what the tests can and cannot show. */
#include <math.h>
#include <stdio.h>

#include "render/internal.h"

void
mk_render_bias_json(mk_buf *b, const mk_result *r, const mk_bias *bi)
{
	const mk_fit *t = &bi->tf_fit;
	const mk_measure_info *me = mk_measure_get(r->studies->measure);

	mk_buf_printf(b, "{\"measure\": \"%s\", \"method\": \"%s\", "
	    "\"scale\": \"%s\", \"k\": %zu,\n \"egger\": {", me->name,
	    mk_method_get(r->fit->method)->name, mk_scale_name(me->id), r->studies->k);
	mk_json_key(b, "stat", bi->egger_stat, 0);
	mk_json_key(b, "df", bi->egger_df, 1);
	mk_json_key(b, "p", bi->egger_p, 1);
	mk_buf_printf(b, ", \"model\": \"%s\"", bi->egger_rma ? "rma" : "lm");
	mk_json_key(b, "intercept", bi->egger_b0, 1);
	mk_json_key(b, "slope", bi->egger_b1, 1);
	mk_json_key(b, "slope_se", bi->egger_se, 1);
	if (bi->binary) {
		mk_buf_printf(b, "},\n \"harbord\": {");
		mk_json_key(b, "stat", bi->harbord_stat, 0);
		mk_json_key(b, "df", bi->harbord_df, 1);
		mk_json_key(b, "p", bi->harbord_p, 1);
		mk_json_key(b, "intercept", bi->harbord_b0, 1);
		mk_json_key(b, "intercept_se", bi->harbord_se, 1);
		mk_buf_printf(b, ", \"k\": %zu},\n \"peters\": {",
		    bi->harbord_k);
		mk_json_key(b, "stat", bi->peters_stat, 0);
		mk_json_key(b, "df", bi->peters_df, 1);
		mk_json_key(b, "p", bi->peters_p, 1);
		mk_json_key(b, "slope", bi->peters_b1, 1);
		mk_json_key(b, "slope_se", bi->peters_se, 1);
		mk_buf_printf(b, ", \"k\": %zu", bi->peters_k);
	}
	mk_buf_printf(b, "},\n \"begg\": {");
	mk_json_key(b, "tau", bi->begg_tau, 0);
	mk_json_key(b, "p", bi->begg_p, 1);
	mk_buf_printf(b, ", \"exact\": %s},\n \"trimfill\": {\"k0\": %zu, "
	    "\"side\": \"%s\"", bi->begg_exact ? "true" : "false", bi->k0,
	    bi->side_right ? "right" : "left");
	mk_json_key(b, "estimate", t->est, 1);
	mk_json_key(b, "se", t->se, 1);
	mk_json_key(b, "ci_low", t->lo, 1);
	mk_json_key(b, "ci_high", t->hi, 1);
	mk_json_key(b, "p", t->p, 1);
	mk_json_key(b, "tau2", t->tau2, 1);
	mk_buf_printf(b, ", \"filled\": [");
	for (size_t j = 0; j < bi->k0; j++) {
		mk_buf_printf(b, "%s{", j ? ", " : "");
		mk_json_key(b, "yi", bi->fill_y[j], 0);
		mk_json_key(b, "vi", bi->fill_v[j], 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]}}\n");
}

void
mk_render_bias_text(mk_buf *b, const mk_result *r, const mk_bias *bi)
{
	const mk_fit *f = r->fit, *t = &bi->tf_fit;
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	int lg = me->log_scale;
	size_t k = r->studies->k;

	mk_buf_printf(b, "%s: %zu studies\n%s (%s), %s\n\n", r->rows->file,
	    k, me->label, me->name, mk_method_get(f->method)->label);
	mk_buf_printf(b, "Egger's regression test (%s):\n  slope on the "
	    "SE %.4f (its SE %.4f), %s = %.3f", bi->egger_rma ?
	    "meta-regression with the fit's tau2" : "weighted least squares",
	    bi->egger_b1, bi->egger_se, isfinite(bi->egger_df) ? "t" : "z",
	    bi->egger_stat);
	if (isfinite(bi->egger_df))
		mk_buf_printf(b, " (df = %.0f)", bi->egger_df);
	mk_buf_printf(b, ", ");
	mk_buf_p(b, bi->egger_p);
	if (bi->binary) {
		mk_buf_printf(b, "\nHarbord's score test (2x2 tables, %zu "
		    "used):\n  ", bi->harbord_k);
		if (bi->harbord_why != NULL) {	/* never "nan" */
			mk_buf_printf(b, "not computed: %s", bi->harbord_why);
		} else {
			mk_buf_printf(b, "intercept %.4f (its SE %.4f), t = "
			    "%.3f (df = %.0f), ", bi->harbord_b0,
			    bi->harbord_se, bi->harbord_stat, bi->harbord_df);
			mk_buf_p(b, bi->harbord_p);
		}
		mk_buf_printf(b, "\nPeters' test (2x2 tables, %zu used):\n  ",
		    bi->peters_k);
		if (bi->peters_why != NULL) {
			mk_buf_printf(b, "not computed: %s", bi->peters_why);
		} else {
			mk_buf_printf(b, "slope on 1/N %.4f (its SE %.4f), t = "
			    "%.3f (df = %.0f), ", bi->peters_b1, bi->peters_se,
			    bi->peters_stat, bi->peters_df);
			mk_buf_p(b, bi->peters_p);
		}
	}
	mk_buf_printf(b, "\nBegg and Mazumdar's rank correlation:\n  ");
	if (bi->begg_why != NULL) {
		mk_buf_printf(b, "not computed: %s\n", bi->begg_why);
	} else {
		mk_buf_printf(b, "Kendall's tau = %.4f, ", bi->begg_tau);
		mk_buf_p(b, bi->begg_p);
		mk_buf_printf(b, " (%s)\n", bi->begg_exact ? "exact" :
		    "normal approximation");
	}
	mk_buf_printf(b, "Trim and fill (L0): %zu stud%s filled on the %s\n",
	    bi->k0, bi->k0 == 1 ? "y" : "ies", bi->side_right ? "right" :
	    "left");
	int d = r->plot && r->plot->digits > 0 ? r->plot->digits : 4;
	mk_buf_printf(b, "  pooled %s: %.*f [%.*f, %.*f] before,\n"
	    "  %.*f [%.*f, %.*f] after filling\n", me->name,
	    d, lg ? exp(f->est) : f->est, d, lg ? exp(f->lo) : f->lo,
	    d, lg ? exp(f->hi) : f->hi, d, lg ? exp(t->est) : t->est,
	    d, lg ? exp(t->lo) : t->lo, d, lg ? exp(t->hi) : t->hi);
	for (size_t j = 0; j < bi->k0; j++)
		mk_buf_printf(b, "  filled %zu: %s = %.*f, SE %.*f\n", j + 1,
		    me->name, d, lg ? exp(bi->fill_y[j]) : bi->fill_y[j],
		    d, sqrt(bi->fill_v[j]));
	/* what the tests found, at the 10% level of Egger et al. (1997, BMJ
	 * 315:629): asymmetry is named only when a test finds it */
	const char *found[4];
	int nf = 0;
	if (bi->egger_p < 0.10)
		found[nf++] = "Egger's";
	if (bi->binary && bi->harbord_p < 0.10)
		found[nf++] = "Harbord's";
	if (bi->binary && bi->peters_p < 0.10)
		found[nf++] = "Peters'";
	if (bi->begg_p < 0.10)
		found[nf++] = "Begg's";
	if (nf == 0)
		mk_buf_printf(b, "\nWhat this shows: no test finds funnel "
		    "asymmetry (every p >= 0.10). That is\nno proof of no "
		    "bias: these tests have little power, and bias need not "
		    "make a\nfunnel asymmetric.\n");
	else {
		mk_buf_printf(b, "\nWhat this shows: funnel asymmetry (p < 0.10) "
		    "by %s:\n  ", nf > 1 ? "these tests" : "this test");
		for (int i = 0; i < nf; i++)
			mk_buf_printf(b, "%s%s", i == 0 ? "" : i == nf - 1 ?
			    " and " : ", ", found[i]);
		mk_buf_printf(b, ".\nPublication bias can cause it, but so can "
		    "true heterogeneity, chance, or a link\nbetween study size "
		    "and quality.\n");
	}
	if (k < 10)
		mk_buf_printf(b, "Caution: with fewer than 10 studies these "
		    "tests have too little power to tell\nchance from "
		    "asymmetry (Cochrane Handbook, section 13.3.5.4).\n");
	if (bi->k0 > 0)
		mk_buf_printf(b, "Trim and fill assumes the asymmetry is due to "
		    "missing studies; its adjusted\nestimate is a sensitivity "
		    "analysis, not a corrected result.\n");
	else
		mk_buf_printf(b, "Trim and fill filled no study: its estimate "
		    "is the pooled one.\n");
}
