/* fuzz_pool.c: libFuzzer target over the CSV reader and the whole pool
 * pipeline: bytes -> table -> effect sizes -> every method -> subgroups by
 * the last column -> small-study tests, leave-one-out, cumulative and a
 * check of a claim -> a meta-regression on the last column (with a
 * prediction, permutations and cluster-robust inference by the first), a
 * multilevel model (first column / row) -> every renderer. The options
 * vary by method: continuity corrections off, common tau2, rho. Anything
 * but a clean error or a result is a bug the sanitizers report. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "metak.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Meta-regression on the last column, clustered by the first; a
 * multilevel model with the first column outermost. */
static void
models(const mk_table *t, const mk_rows *rows, const mk_studies *s,
    const mk_opts *o, int variant)
{
	const char *mods[1], *levels[2], *predict[1];
	char pred[128];
	mk_err err;
	mk_warn w = { 0 };
	mk_buf b = { 0 };

	if (t->ncol < 2 || s->k == 0 || s->k > 60)
		return;
	mods[0] = t->names[t->ncol - 1];
	levels[0] = t->names[0];
	levels[1] = t->names[t->ncol - 1];
	snprintf(pred, sizeof(pred), "%s=%s", mods[0],
	    mk_table_cell(t, s->row[0], t->ncol - 1));
	predict[0] = pred;
	mk_regspec spec = { mods, 1, predict, 1, variant == 0 ? 30 : 0, 7,
	    variant < 2 ? t->names[0] : NULL, variant == 1, NULL, NULL };
	mk_metareg *g = mk_metareg_run(t, s, o, &spec, &w, &err);
	mk_result r = { .rows = rows, .studies = s, .opts = o, .reg = g };
	if (g != NULL) {
		mk_render_reg_json(&b, &r);
		mk_render_reg_csv(&b, &r);
		mk_render_reg_text(&b, &r);
		(void)mk_render_bubble(&b, &r, &err);
	}
	mk_metareg_free(g);
	mk_regspec none = { NULL, 0, NULL, 0, 0, 1,
	    variant == 2 ? t->names[0] : NULL, 0, NULL, NULL };
	mk_mlspec ml = { levels, 2, variant == 1 ? 0.5 : NAN,
	    variant == 0 ? &spec : &none };
	g = mk_mlm_run(t, s, o, &ml, &w, &err);
	r.reg = g;
	if (g != NULL) {
		mk_render_reg_json(&b, &r);
		mk_render_reg_text(&b, &r);
		(void)mk_render_svg_ml(&b, &r, &err);
	}
	mk_metareg_free(g);
	mk_buf_free(&b);
	mk_warn_clear(&w);
}

static void
one(const mk_table *t, const mk_opts *o)
{
	mk_err err;
	mk_warn w = { 0 };
	mk_studies *s = mk_studies_from_table(t, o, &w, &err);
	mk_fit f;
	mk_buf b = { 0 };
	mk_rows rows;

	if (mk_rows_init(&rows, t, o, t->ncol > 1 ? t->names[1] : NULL,
	    &err) != 0) {
		mk_studies_free(s);
		return;
	}

	memset(&f, 0, sizeof(f));
	if (s != NULL && s->k > 0 && mk_fit_run(s, o, &f, &w, &err) == 0) {
		mk_subgroups *sg = NULL;
		if (t->ncol > 0)
			sg = mk_subgroups_run(t, s, t->names[t->ncol - 1], o,
			    &w, &err);
		mk_result r = { .rows = &rows, .studies = s, .opts = o,
		    .fit = &f, .sub = sg };
		mk_render_text(&b, &r);
		mk_render_json(&b, &r);
		mk_render_csv(&b, &r);
		mk_render_svg(&b, &r);
		mk_bias bi;
		memset(&bi, 0, sizeof(bi));
		if (s->k >= 3 && mk_bias_run(s, o, 0, 0, &bi, &err) == 0)
			mk_render_funnel(&b, &r, &bi, 1);
		mk_bias_free(&bi);
		mk_step *st = NULL;
		mk_sens_ctl two = { 2, NULL, NULL };	/* the threaded path */
		if (s->k <= 40 && mk_leave1out(s, o, &two, &st, &err) == 0) {
			mk_render_steps_json(&b, &r, st, 0);
			mk_render_steps_svg(&b, &r, st, 0);
		}
		free(st);
		st = NULL;
		if (s->k <= 40 && mk_cumulative(s, NULL, o, &two, &st, &err) ==
		    0)
			mk_render_steps_text(&b, &r, st, 1);
		free(st);
		mk_check_row *crow = NULL;
		size_t nrows = 0;
		mk_claim cl = { s->measure, MK_SCALE_NATURAL, 1, 0.5, 2, 95,
		    2, 2, 2, NAN, 0, 0 };
		size_t found = 0, tried = 0;
		if (s->k <= 20 && mk_check_data(t, o, &cl, 1, &crow, &nrows,
		    &err) == 0) {
			int any = 0;
			for (size_t i = 0; i < nrows; i++)
				any |= crow[i].match;
			/* not reproduced: the leave-one/two-out subsets */
			if (!any && s->k <= 6)
				(void)mk_check_subsets(t, o, &cl, 1, &crow,
				    &nrows, &found, &tried, &err);
			mk_render_check_json(&b, &cl, crow, nrows, found,
			    tried);
		}
		free(crow);
		mk_subgroups_free(sg);
		if (o->method != MK_MH && o->method != MK_PETO)
			models(t, &rows, s, o, (int)(o->method + o->ci) % 3);
	}
	mk_fit_free(&f);
	mk_buf_free(&b);
	mk_studies_free(s);
	mk_rows_free(&rows);
	mk_warn_clear(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mk_method methods[] = { MK_REML, MK_DL, MK_MH, MK_PETO,
	    MK_PM, MK_FE };
	mk_err err;
	mk_table *t;
	mk_opts o;

	gsl_set_error_handler_off();
	t = mk_table_parse("fuzz.csv", (const char *)data, size, &err);
	if (t == NULL)
		return 0;
	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		mk_opts_init(&o);
		o.method = methods[m];
		o.maxiter = 200;
		o.ci = m % 2 ? MK_CI_HKSJ : MK_CI_Z;
		if (o.method == MK_MH || o.method == MK_PETO)
			o.ci = MK_CI_Z;
		o.common_tau2 = m == 0;
		if (m == 2 || m == 5)	/* no continuity correction */
			o.cc_to = m == 2 ? MK_CC_NONE : MK_CC_ONLY0;
		if (m == 5)
			o.cc = 0;
		/* a measure by the input's length: a transformed one, or one
		 * the columns may not give (an error, which is fine) */
		static const mk_measure pick[] = { MK_MEASURE_AUTO, MK_PFT,
		    MK_PAS, MK_ZCOR, MK_IRS, MK_IRD, MK_PLN, MK_SMD, MK_RR };
		o.measure = pick[(size + m) % (sizeof(pick) / sizeof(pick[0]))];
		o.cc_set = (int)(size & 1);
		o.include_retracted = (int)(size >> 1 & 1);
		o.drop00 = (int)(size >> 2 & 1);
		o.dl_mhq = o.method == MK_DL && (size >> 3 & 1);
		one(t, &o);
	}
	mk_table_free(t);
	return 0;
}
