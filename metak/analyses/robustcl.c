/* robustcl.c: the clusters of --robust COL for the rows of a fitted
 * model, checked to hold whole groups of the model's outermost random
 * effect (the robust covariance treats clusters as independent, so a
 * group split across clusters would be wrong), then robust.c; and the
 * studies with a value in every grouping column (mk_complete_in), which
 * the models are fitted to. */
#include <stdlib.h>
#include <string.h>

#include "analyses/internal.h"

mk_studies *
mk_complete_in(const mk_table *t, const mk_studies *s, const int *col,
    size_t ncol, const char *what, mk_warn *w)
{
	unsigned char *keep = malloc(s->k ? s->k : 1);
	mk_studies *out;

	if (keep == NULL)
		return NULL;
	for (size_t i = 0; i < s->k; i++) {
		keep[i] = 1;
		for (size_t c = 0; c < ncol && keep[i]; c++) {
			const char *v = mk_table_cell(t, s->row[i], col[c]);
			if (!mk_missing(v))
				continue;
			keep[i] = 0;
			mk_warn_add(w, "%s:%ld: %s is %s: row left out of the %s",
			    t->file, t->line[s->row[i]], t->names[col[c]],
			    v[0] ? "missing" : "empty", what);
		}
	}
	out = mk_studies_subset(s, keep);
	free(keep);
	return out;
}

int
mk_robust_run(const mk_table *t, const mk_studies *s, mk_metareg *r,
    const mk_opts *o, const char *column, int cr1, const size_t *outer,
    size_t stride, size_t nouter, mk_cov_fn cov, void *ud, mk_err *err)
{
	int col = mk_table_col(t, column, o->maps, o->nmaps);
	size_t *cl = malloc((r->k ? r->k : 1) * sizeof(size_t)), *first = NULL;
	mk_strmap map = { 0 };
	int rc = -1;

	if (col < 0) {
		mk_err_set(err, t->file, t->header_line, column, "no such column for --robust");
		goto out;
	}
	if (cl == NULL)
		goto oom;
	for (size_t i = 0; i < r->k; i++) {	/* cluster of each row */
		size_t row = s->row[r->study[i]];
		const char *v = mk_table_cell(t, row, col);
		if (mk_missing(v)) {	/* (mk_complete_in left these out) */
			mk_err_set(err, t->file, t->line[row], t->names[col],
			    "no cluster for this study (--robust needs a value "
			    "in every row used)");
			goto out;
		}
		if ((cl[i] = mk_strmap_id(&map, v, strlen(v), 1)) ==
		    MK_STRMAP_OOM)
			goto oom;
	}
	if (outer != NULL) {	/* every outermost group in one cluster */
		if ((first = malloc((nouter ? nouter : 1) * sizeof(size_t))) ==
		    NULL)
			goto oom;
		for (size_t g = 0; g < nouter; g++)
			first[g] = SIZE_MAX;
		for (size_t i = 0; i < r->k; i++) {
			size_t g = outer[i * stride];
			if (first[g] == SIZE_MAX)
				first[g] = cl[i];
			else if (first[g] != cl[i]) {
				size_t row = s->row[r->study[i]];
				mk_err_set(err, t->file, t->line[row],
				    t->names[col], "the random effects are not "
				    "nested within the --robust clusters: a group "
				    "of the outermost level lies in two clusters");
				goto out;
			}
		}
	}
	mk_design d = { r->k, r->p, r->y, r->v, r->x, NULL };
	rc = mk_robust(&r->fit, &d, cl, map.n, cr1 ? MK_CR1 : MK_CR2, outer, stride, cov, ud,
	    err);
	goto out;
oom:
	mk_err_set(err, t->file, 0, "", "out of memory");
out:
	mk_strmap_free(&map);
	free(cl);
	free(first);
	return rc;
}
