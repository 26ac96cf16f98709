/* subgroup.c: --by COLUMN. Splits the studies by the column's value (levels
 * in order of first appearance) and fits each part on its own (own tau2),
 * testing for subgroup differences with Q = sum (est_g - est_w)^2 / se_g^2,
 * est_w the 1/se_g^2-weighted mean, G-1 df (Borenstein et al. 2009, ch. 19);
 * or, with a common tau2, fits the mixed-effects model y = mu_g + u + e
 * and tests the moderator (metafor's rma with mods = ~ factor(by)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analyses/internal.h"

void
mk_subgroups_free(mk_subgroups *sg)
{
	if (sg == NULL)
		return;
	for (size_t i = 0; i < sg->n; i++) {
		free(sg->g[i].level);
		mk_fit_free(&sg->g[i].fit);
		mk_studies_free(sg->g[i].studies);
	}
	free(sg->g);
	free(sg->by);
	mk_studies_free(sg->none);
	free(sg);
}

/* The level of each study (SIZE_MAX when its value is missing: empty or
 * a missing word such as NA), levels
 * numbered in order of first appearance by the map. */
static int
assign(const mk_table *t, const mk_studies *s, int col, mk_subgroups *sg,
    mk_strmap *map, size_t *lev, mk_warn *w)
{
	size_t cap = 0;

	for (size_t i = 0; i < s->k; i++) {
		const char *v = mk_table_cell(t, s->row[i], col);
		if (mk_missing(v)) {	/* empty, NA, ...: no level */
			lev[i] = (size_t)-1;
			mk_warn_add(w, "%s:%ld: %s is %s: the study is in "
			    "the overall analysis but in no subgroup", t->file,
			    t->line[s->row[i]], sg->by, v[0] ? "missing" :
			    "empty");
			continue;
		}
		size_t j = mk_strmap_id(map, v, strlen(v), 1);
		if (j == MK_STRMAP_OOM)
			return -1;
		if (j == sg->n) {	/* a new level */
			if (sg->n == cap) {
				size_t c2 = cap ? 2 * cap : 8;
				mk_group *g = realloc(sg->g, c2 * sizeof(*g));
				if (g == NULL)
					return -1;
				sg->g = g;
				cap = c2;
			}
			memset(&sg->g[sg->n], 0, sizeof(sg->g[0]));
			sg->g[sg->n].level = strdup(v);
			if (sg->g[sg->n].level == NULL)
				return -1;
			sg->n++;
		}
		lev[i] = j;
	}
	return 0;
}

/* Names each value of the column that no usable study carries (its rows
 * were all left out), once, at its first row: values the map of levels
 * does not know yet are added to it as they are met. */
static int
warn_empty_levels(const mk_table *t, int col, const mk_subgroups *sg,
    mk_strmap *map, mk_warn *w)
{
	for (size_t r = 0; r < t->nrow; r++) {
		const char *v = mk_table_cell(t, r, col);
		if (mk_missing(v))
			continue;
		size_t known = map->n;
		size_t j = mk_strmap_id(map, v, strlen(v), 1);
		if (j == MK_STRMAP_OOM)
			return -1;
		if (j >= sg->n && j == known)	/* first row of a new value */
			mk_warn_add(w, "--by %s: level \"%s\" has no usable "
			    "study (first row: %s:%ld)", sg->by, v, t->file,
			    t->line[r]);
	}
	return 0;
}

static void
difference_test(mk_subgroups *sg)
{
	long double sw = 0, swy = 0, q = 0;
	size_t used = 0;

	for (size_t j = 0; j < sg->n; j++) {	/* weighted mean of est_g */
		const mk_fit *f = &sg->g[j].fit;
		if (!isfinite(f->se) || f->se <= 0)
			continue;
		sw += 1 / (f->se * f->se);
		swy += f->est / (f->se * f->se);
		used++;
	}
	for (size_t j = 0; j < sg->n; j++) {	/* Q between */
		const mk_fit *f = &sg->g[j].fit;
		if (!isfinite(f->se) || f->se <= 0)
			continue;
		long double d = f->est - swy / sw;
		q += d * d / (f->se * f->se);
	}
	sg->df = used > 0 ? (double)used - 1 : NAN;
	sg->q = used > 1 ? (double)q : NAN;
	sg->p = used > 1 ? gsl_cdf_chisq_Q(sg->q, sg->df) : NAN;
	sg->diff_i2 = used > 1 ? (sg->q > 0 ? fmax(0, 100 * (sg->q - sg->df) /
	    sg->q) : 0) : NAN;
}

/* The studies whose level is empty, drawn under a heading of their own. */
static int
ungrouped(mk_subgroups *sg, const mk_studies *s, const size_t *lev)
{
	unsigned char *keep;
	size_t n = 0;

	for (size_t i = 0; i < s->k; i++)
		n += lev[i] == SIZE_MAX;
	if (n == 0)
		return 0;
	if ((keep = malloc(s->k)) == NULL)
		return -1;
	for (size_t i = 0; i < s->k; i++)
		keep[i] = lev[i] == SIZE_MAX;
	sg->none = mk_studies_subset(s, keep);
	free(keep);
	return sg->none == NULL ? -1 : 0;
}

/* I2 and H2 of one group's studies at a given tau2, from the group's own
 * typical within-study variance (NaN for a single study). */
static void
group_i2(mk_fit *f, const mk_studies *gs)
{
	mk_design d = { gs->k, 1, gs->yi, gs->vi, NULL, NULL };
	double q, tv;

	f->i2 = f->h2 = NAN;
	if (gs->k >= 2 && mk_q_typical(&d, &q, &tv) == 0) {
		f->i2 = 100 * f->tau2 / (tv + f->tau2);
		f->h2 = f->tau2 / tv + 1;
	}
}

/* The subgroup mixed-effects model with one tau2 (Viechtbauer 2010,
 * section 3.3; Borenstein et al. 2009, ch. 19 "pooled tau2"): the model
 * y = b0 + b_g + u + e with a dummy per level after the first (model.c,
 * as metafor's rma with mods = ~ factor(by)); each group's mean and its
 * interval are the model's prediction for that level, QM (chi2, or F under
 * Knapp-Hartung) tests the dummies. Every study has a level here. */
static int
common_fit(mk_subgroups *sg, const mk_studies *all, const size_t *lev,
    const mk_opts *o, mk_warn *w, mk_err *err)
{
	size_t k = 0, G = sg->n ? sg->n : 1;
	int big = mk_design_too_large(all->k, G);
	double *y = big ? NULL : malloc((all->k + 1) * sizeof(double));
	double *v = big ? NULL : malloc((all->k + 1) * sizeof(double));
	double *x = big ? NULL : calloc((all->k + 1) * G, sizeof(double));
	double *x0 = big ? NULL : calloc(G, sizeof(double));
	mk_model m;
	int rc = -1;

	memset(&m, 0, sizeof(m));
	if (sg->n == 0) {	/* no subgroup: nothing to model */
		sg->tau2 = sg->tau2_lo = sg->tau2_hi = sg->qe = sg->qe_df =
		    sg->qe_p = sg->i2 = sg->h2 = sg->q = sg->p = NAN;
		rc = 0;
		goto out;
	}
	if (big) {
		mk_err_set(err, "", 0, "", "--common-tau2: %zu subgroups over "
		    "%zu studies make a model too large to fit (a %zu x %zu "
		    "design); without --common-tau2 each subgroup is fitted "
		    "on its own", G, all->k, all->k, G);
		goto out;
	}
	if (!y || !v || !x || !x0) {
		mk_err_set(err, "", 0, "", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < all->k; i++) {	/* rows with a level */
		if (lev[i] == (size_t)-1)
			continue;
		y[k] = all->yi[i];
		v[k] = all->vi[i];
		x[k * G] = 1;
		if (lev[i] > 0)
			x[k * G + lev[i]] = 1;
		k++;
	}
	mk_design d = { k, G, y, v, x, NULL };
	if (mk_model_fit(&d, o, 1, &m, err) != 0)
		goto out;
	mk_tau2_ci_note(&d, &m, w);
	sg->tau2 = m.tau2;
	sg->tau2_lo = m.tau2_lo;
	sg->tau2_hi = m.tau2_hi;
	sg->qe = m.qe;
	sg->qe_df = m.qe_df;
	sg->qe_p = m.qe_p;
	sg->i2 = m.i2;
	sg->h2 = m.h2;
	for (size_t j = 0; j < G; j++) {	/* each level's mean */
		mk_fit *f = &sg->g[j].fit;
		const mk_studies *gs = sg->g[j].studies;
		long double W = 0;
		memset(x0, 0, G * sizeof(double));
		x0[0] = 1;
		if (j > 0)
			x0[j] = 1;
		mk_model_predict(&m, o->pi, x0, &f->est, &f->se, &f->lo, &f->hi,
		    &f->pi_lo, &f->pi_hi);
		for (size_t i = 0; i < gs->k; i++) {	/* weights in the group */
			f->weight[i] = 1 / (gs->vi[i] + m.tau2);
			W += f->weight[i];
		}
		for (size_t i = 0; i < gs->k; i++)
			f->weight[i] = (double)(100 * f->weight[i] / W);
		f->tdf = m.df;
		f->stat = f->est / f->se;
		f->p = mk_pvalue(f->stat, f->tdf);
		f->tau2 = m.tau2;
		f->tau = sqrt(m.tau2);
		f->tau2_lo = f->tau2_hi = f->i2_lo = f->i2_hi = NAN;
		f->tau2_capped = 0;
		group_i2(f, gs);
		if (!mk_method_get(o->method)->random)
			f->pi_lo = f->pi_hi = NAN;
	}
	sg->df = (double)G - 1;
	sg->q = G > 1 ? m.qm : NAN;
	sg->df2 = G > 1 && o->ci == MK_CI_HKSJ ? m.qm_df2 : NAN;
	sg->p = G > 1 ? m.qm_p : NAN;
	rc = 0;
out:
	mk_model_free(&m);
	free(y);
	free(v);
	free(x);
	free(x0);
	return rc;
}

mk_subgroups *
mk_subgroups_run(const mk_table *t, const mk_studies *s, const char *by,
    const mk_opts *o, mk_warn *w, mk_err *err)
{
	int col = mk_table_col(t, by, o->maps, o->nmaps);
	mk_strmap map = { 0 };
	mk_studies **parts = NULL;
	mk_subgroups *sg;
	size_t *lev;

	if (col < 0) {
		mk_err_set(err, t->file, t->header_line, by, "no such column for --by");
		return NULL;
	}
	sg = calloc(1, sizeof(*sg));
	lev = malloc((s->k ? s->k : 1) * sizeof(*lev));
	if (sg == NULL || lev == NULL ||
	    (sg->by = strdup(t->names[col])) == NULL ||
	    assign(t, s, col, sg, &map, lev, w) != 0 ||
	    warn_empty_levels(t, col, sg, &map, w) != 0 ||
	    (parts = malloc((sg->n ? sg->n : 1) *
	    sizeof(mk_studies *))) == NULL ||
	    mk_studies_split(s, lev, sg->n, parts) != 0 ||
	    ungrouped(sg, s, lev) != 0) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		free(parts);
		goto fail;
	}
	for (size_t j = 0; j < sg->n; j++)
		sg->g[j].studies = parts[j];
	free(parts);
	for (size_t j = 0; j < sg->n; j++) {
		mk_group *g = &sg->g[j];
		size_t w0 = w != NULL ? w->n : 0;
		int rc = mk_fit_run(g->studies, o, &g->fit, w, err);
		mk_warn_prefix(w, w0, "subgroup %s = %s: ", sg->by, g->level);
		if (rc != 0) {
			char msg[sizeof(err->msg)];
			memcpy(msg, err->msg, sizeof(msg));
			mk_err_set(err, t->file, 0, "", "subgroup %s = %s: %s",
			    sg->by, g->level, msg);
			goto fail;
		}
	}
	if (sg->n < 2 && o->method != MK_BAYES)
		mk_warn_add(w, "--by %s: only %zu subgroup%s; no test for "
		    "subgroup differences", sg->by, sg->n,
		    sg->n == 1 ? "" : "s");
	sg->df2 = NAN;
	sg->diff_i2 = NAN;
	sg->common = o->common_tau2;
	if (sg->common) {
		if (common_fit(sg, s, lev, o, w, err) != 0)
			goto fail;
	} else if (o->method == MK_BAYES) {	/* posteriors, not a test */
		sg->q = sg->df = sg->p = NAN;
	} else {
		difference_test(sg);
	}
	mk_strmap_free(&map);
	free(lev);
	return sg;
fail:
	mk_strmap_free(&map);
	free(lev);
	mk_subgroups_free(sg);
	return NULL;
}
