/* subgroup.c: --by COLUMN. Splits the studies by the column's value (levels
 * in order of first appearance), fits each part on its own (own tau2), and
 * tests for subgroup differences: Q = sum (est_g - est_w)^2 / se_g^2 with
 * est_w the 1/se_g^2-weighted mean, G-1 df (Borenstein et al. 2009, ch. 19). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "metak.h"

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
	difference_test(sg);
	free(lev);
	free(keep);
	return sg;
fail:
	free(lev);
	free(keep);
	mk_subgroups_free(sg);
	return NULL;
}
