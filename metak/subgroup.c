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

#include "internal.h"

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
	free(sg);
}

/* Index of each study's level (SIZE_MAX when its value is empty). */
static int
assign(const mk_table *t, const mk_studies *s, int col, mk_subgroups *sg,
    size_t *lev, mk_warn *w)
{
	for (size_t i = 0; i < s->k; i++) {
		const char *v = mk_table_cell(t, s->row[i], col);
		size_t j;
		if (v[0] == '\0') {
			lev[i] = (size_t)-1;
			mk_warn_add(w, "%s:%ld: %s is empty: the study is in "
			    "the overall analysis but in no subgroup", t->file,
			    t->line[s->row[i]], sg->by);
			continue;
		}
		for (j = 0; j < sg->n; j++)
			if (strcmp(sg->g[j].level, v) == 0)
				break;
		if (j == sg->n) {
			mk_group *g = realloc(sg->g, (sg->n + 1) * sizeof(*g));
			if (g == NULL)
				return -1;
			sg->g = g;
			memset(&g[sg->n], 0, sizeof(*g));
			g[sg->n].level = strdup(v);
			if (g[sg->n].level == NULL)
				return -1;
			sg->n++;
		}
		lev[i] = j;
	}
	return 0;
}

/* Names each value of the column that no usable study carries (its rows
 * were all left out), once. */
static void
warn_empty_levels(const mk_table *t, int col, const mk_subgroups *sg,
    mk_warn *w)
{
	for (size_t r = 0; r < t->nrow; r++) {
		const char *v = mk_table_cell(t, r, col);
		int known = v[0] == '\0';
		for (size_t j = 0; !known && j < sg->n; j++)
			known = strcmp(sg->g[j].level, v) == 0;
		for (size_t q = 0; !known && q < r; q++)
			known = strcmp(mk_table_cell(t, q, col), v) == 0;
		if (!known)
			mk_warn_add(w, "--by %s: level \"%s\" has no usable "
			    "study (first row: %s:%ld)", sg->by, v, t->file,
			    t->line[r]);
	}
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
}

/* The subgroup mixed-effects model with one tau2 (Viechtbauer 2010,
 * section 3.3; Borenstein et al. 2009, ch. 19 "pooled tau2"): tau2 from
 * the estimating equations with a mean per group (p = G), group means
 * weighted by 1/(v + tau2). QM = sum_g W_g (mu_g - mu)^2 with G-1 df; under
 * Knapp-Hartung every variance is scaled by s2 = Q_E(tau2)/(k-G) and QM/
 * ((G-1) s2) is F(G-1, k-G). Every study has a level here. */
static int
common_fit(mk_subgroups *sg, const mk_studies *all, const size_t *lev,
    const mk_opts *o, mk_err *err)
{
	size_t k = 0, G = sg->n;
	double *y = malloc((all->k + 1) * sizeof(double));
	double *v = malloc((all->k + 1) * sizeof(double));
	size_t *gi = malloc((all->k + 1) * sizeof(size_t));
	int rc = -1, iters;

	if (!y || !v || !gi) {
		mk_err_set(err, "", 0, "", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < all->k; i++) {
		if (lev[i] == (size_t)-1)
			continue;
		y[k] = all->yi[i];
		v[k] = all->vi[i];
		gi[k++] = lev[i];
	}
	mk_redata d = { y, v, k, gi, G, NULL };
	sg->tau2 = 0;
	if (mk_method_get(o->method)->random &&
	    mk_tau2(o->method, &d, o, &sg->tau2, &iters, err) != 0)
		goto out;
	double dfr = (double)k - (double)G, s2 = 1;
	sg->qe = mk_qgen(&d, 0);
	sg->qe_df = dfr;
	sg->qe_p = dfr > 0 ? gsl_cdf_chisq_Q(sg->qe, dfr) : NAN;
	double tv = mk_typical_v(&d);
	sg->i2 = dfr > 0 ? 100 * sg->tau2 / (tv + sg->tau2) : NAN;
	sg->h2 = dfr > 0 ? sg->tau2 / tv + 1 : NAN;
	int capped;
	if (dfr < 1 || mk_tau2_ci(&d, o->level, sg->tau2, &sg->tau2_lo,
	    &sg->tau2_hi, &capped) != 0)
		sg->tau2_lo = sg->tau2_hi = NAN;
	if (o->ci == MK_CI_HKSJ)
		s2 = dfr > 0 ? mk_qgen(&d, sg->tau2) / dfr : NAN;
	long double sw = 0, swy = 0, qm = 0;
	for (size_t j = 0; j < G; j++) {	/* group fits at the common tau2 */
		mk_fit *f = &sg->g[j].fit;
		const mk_studies *gs = sg->g[j].studies;
		long double W = 0, Wy = 0;
		for (size_t i = 0; i < gs->k; i++) {
			double w = 1 / (gs->vi[i] + sg->tau2);
			f->weight[i] = w;
			W += w;
			Wy += w * gs->yi[i];
		}
		for (size_t i = 0; i < gs->k; i++)
			f->weight[i] = (double)(100 * f->weight[i] / W);
		f->est = (double)(Wy / W);
		f->se = (double)sqrtl(s2 / W);
		f->tdf = o->ci == MK_CI_HKSJ ? dfr : NAN;
		double crit = mk_crit(o->level, f->tdf);
		f->lo = f->est - crit * f->se;
		f->hi = f->est + crit * f->se;
		f->stat = f->est / f->se;
		f->p = mk_pvalue(f->stat, f->tdf);
		f->tau2 = sg->tau2;
		f->tau = sqrt(sg->tau2);
		f->tau2_lo = f->tau2_hi = f->i2_lo = f->i2_hi = NAN;
		f->tau2_capped = 0;
		if (gs->k > 1) {	/* I2, H2 of the group at the common tau2 */
			mk_redata gd = { gs->yi, gs->vi, gs->k, NULL, 1, NULL };
			double gv = mk_typical_v(&gd);
			f->i2 = 100 * f->tau2 / (gv + f->tau2);
			f->h2 = f->tau2 / gv + 1;
		}
		f->pi_lo = f->est - crit * sqrt(f->se * f->se + f->tau2);
		f->pi_hi = f->est + crit * sqrt(f->se * f->se + f->tau2);
		if (!mk_method_get(o->method)->random)
			f->pi_lo = f->pi_hi = NAN;
		sw += W;
		swy += W * f->est;
	}
	for (size_t j = 0; j < G; j++) {	/* QM */
		const mk_fit *f = &sg->g[j].fit;
		long double W = s2 / (f->se * f->se), dd = f->est - swy / sw;
		qm += W * dd * dd;
	}
	sg->df = (double)G - 1;
	sg->q = G > 1 ? (double)qm : NAN;
	sg->df2 = NAN;
	if (o->ci == MK_CI_HKSJ && G > 1) {
		sg->q = (double)qm / (sg->df * s2);
		sg->df2 = dfr;
		sg->p = dfr > 0 ? gsl_cdf_fdist_Q(sg->q, sg->df, dfr) : NAN;
	} else {
		sg->p = G > 1 ? gsl_cdf_chisq_Q(sg->q, sg->df) : NAN;
	}
	rc = 0;
out:
	free(y);
	free(v);
	free(gi);
	return rc;
}

mk_subgroups *
mk_subgroups_run(const mk_table *t, const mk_studies *s, const char *by,
    const mk_opts *o, mk_warn *w, mk_err *err)
{
	int col = mk_table_col(t, by, o->maps, o->nmaps);
	mk_subgroups *sg;
	size_t *lev;
	unsigned char *keep;

	if (col < 0) {
		mk_err_set(err, t->file, 1, by, "no such column for --by");
		return NULL;
	}
	sg = calloc(1, sizeof(*sg));
	lev = malloc((s->k ? s->k : 1) * sizeof(*lev));
	keep = malloc(s->k ? s->k : 1);
	if (sg == NULL || lev == NULL || keep == NULL ||
	    (sg->by = strdup(t->names[col])) == NULL ||
	    assign(t, s, col, sg, lev, w) != 0) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		goto fail;
	}
	warn_empty_levels(t, col, sg, w);
	for (size_t j = 0; j < sg->n; j++) {
		mk_group *g = &sg->g[j];
		for (size_t i = 0; i < s->k; i++)
			keep[i] = lev[i] == j;
		g->studies = mk_studies_subset(s, keep);
		if (g->studies == NULL) {
			mk_err_set(err, t->file, 0, "", "out of memory");
			goto fail;
		}
		if (mk_fit_run(g->studies, o, &g->fit, w, err) != 0) {
			char msg[sizeof(err->msg)];
			memcpy(msg, err->msg, sizeof(msg));
			mk_err_set(err, t->file, 0, "", "subgroup %s = %s: %s",
			    sg->by, g->level, msg);
			goto fail;
		}
	}
	if (sg->n < 2)
		mk_warn_add(w, "--by %s: only %zu subgroup%s; no test for "
		    "subgroup differences", sg->by, sg->n,
		    sg->n == 1 ? "" : "s");
	sg->df2 = NAN;
	sg->common = o->common_tau2;
	if (sg->common) {
		if (common_fit(sg, s, lev, o, err) != 0)
			goto fail;
	} else {
		difference_test(sg);
	}
	free(lev);
	free(keep);
	return sg;
fail:
	free(lev);
	free(keep);
	mk_subgroups_free(sg);
	return NULL;
}
