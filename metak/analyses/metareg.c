/* metareg.c: a meta-regression as metafor's rma(yi, vi, mods = ~ ...):
 * the design (mods.c), the model's fit (model.c), the pseudo-R2 against
 * the model without moderators, predicted values, and permutation tests
 * (permute.c) when asked for. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyses/internal.h"

void
mk_metareg_free(mk_metareg *r)
{
	if (r == NULL)
		return;
	for (size_t m = 0; m < r->nmods; m++) {
		free(r->mods[m].name);
		for (size_t j = 0; j < r->mods[m].nlev; j++)
			free(r->mods[m].lev[j]);
		free(r->mods[m].lev);
	}
	free(r->mods);
	for (size_t j = 0; r->names != NULL && j < r->p; j++)
		free(r->names[j]);
	free(r->names);
	free(r->x);
	free(r->y);
	free(r->v);
	free(r->study);
	free(r->colmap);
	mk_model_free(&r->fit);
	free(r->pred_label);
	free(r->pred);
	free(r->p_perm);
	for (size_t c = 0; r->cluster_name != NULL && c < r->nclusters; c++)
		free(r->cluster_name[c]);
	free(r->cluster_name);
	free(r->cluster);
	free(r);
}

/* Raudenbush's (2009) pseudo-R2, metafor's default: the share of the
 * tau2 of the model without moderators (same method, same studies) that
 * the moderators account for, max(0, 100 (tau2_0 - tau2)/tau2_0); 0 when
 * tau2_0 is 0. Random-effects models with moderators only. */
static int
pseudo_r2(mk_metareg *r, const mk_opts *o, mk_err *err)
{
	mk_design d0 = { r->k, 1, r->y, r->v, NULL, NULL };
	mk_opts o0 = *o;
	double t0;
	int it;

	r->r2 = NAN;
	if (!mk_method_get(o->method)->random || r->p < 2)
		return 0;
	o0.no_tau2_ci = 1;
	if (mk_tau2(o->method, &d0, &o0, &t0, &it, err) != 0)
		return -1;
	r->r2 = t0 > 0 ? fmax(0, 100 * (t0 - r->fit.tau2) / t0) : 0;
	return 0;
}

int
mk_metareg_predict(mk_metareg *r, const mk_opts *o, const mk_regspec *spec,
    mk_err *err)
{
	double *x0 = malloc(r->p * sizeof(double));

	r->pred = malloc((spec->npredict ? spec->npredict : 1) * 6 *
	    sizeof(double));
	r->pred_label = malloc((spec->npredict ? spec->npredict : 1) *
	    sizeof(char *));
	if (x0 == NULL || r->pred == NULL || r->pred_label == NULL) {
		free(x0);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t j = 0; j < spec->npredict; j++) {
		double *p = r->pred + 6 * j;
		if (mk_mods_row(r, spec->predict[j], x0, err) != 0) {
			free(x0);
			return -1;
		}
		r->pred_label[j] = spec->predict[j];
		mk_model_predict(&r->fit, o->pi, x0, &p[0], &p[1], &p[2], &p[3],
		    &p[4], &p[5]);
		if (!isfinite(p[0]) || !isfinite(p[1])) {	/* overflow */
			free(x0);
			mk_err_set(err, "", 0, "", "--predict %s: the prediction "
			    "or its SE is beyond the range of numbers (the values "
			    "lie too far outside the data)", spec->predict[j]);
			return -1;
		}
		r->npred++;
	}
	free(x0);
	return 0;
}

/* The marginal covariance of rows of a one-tau2 model: diag(v + tau2). */
struct unicov {
	const double *v;
	double tau2;
};

static void
uni_cov(void *ud, const size_t *rows, size_t n, double *M)
{
	const struct unicov *u = ud;

	memset(M, 0, n * n * sizeof(double));
	for (size_t i = 0; i < n; i++)
		M[i * n + i] = u->v[rows[i]] + u->tau2;
}

mk_metareg *
mk_metareg_run(const mk_table *t, const mk_studies *s, const mk_opts *o,
    const mk_regspec *spec, mk_warn *w, mk_err *err)
{
	mk_metareg *r = calloc(1, sizeof(*r));
	const mk_studies *sub = s;	/* with --robust: rows with a cluster */
	mk_studies *own = NULL;

	if (r == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return NULL;
	}
	if (o->method == MK_MH || o->method == MK_PETO) {
		mk_err_set(err, "", 0, "", "meta-regression needs an inverse-"
		    "variance method (FE or a tau2 estimator), not %s",
		    mk_method_get(o->method)->name);
		err->usage = 1;
		goto fail;
	}
	if (spec->robust != NULL) {	/* a row without a cluster: out */
		int col = mk_table_col(t, spec->robust, o->maps, o->nmaps);
		if (col < 0) {
			mk_err_set(err, t->file, t->header_line, spec->robust, "no such "
			    "column for --robust");
			goto fail;
		}
		if ((sub = own = mk_complete_in(t, s, &col, 1, "cluster-robust "
		    "fit", w)) == NULL) {
			mk_err_set(err, t->file, 0, "", "out of memory");
			goto fail;
		}
	}
	if (mk_mods_design(t, sub, o, spec, r, w, err) != 0)
		goto fail;
	for (size_t i = 0, j = 0; own != NULL && i < r->k; i++) {
		while (s->row[j] != sub->row[r->study[i]])
			j++;	/* (both in file order) */
		r->study[i] = j;
	}
	if (r->k == 0) {
		mk_err_set(err, t->file, 0, "", "no study has a value for every "
		    "moderator");
		goto fail;
	}
	if (r->k < r->p || (r->k == r->p && spec->robust)) {
		mk_err_set(err, t->file, 0, "", "the meta-regression has %zu "
		    "coefficients but only %zu studies", r->p, r->k);
		goto fail;
	}
	mk_design d = { r->k, r->p, r->y, r->v, r->x, NULL };
	if (mk_model_fit(&d, o, 1, &r->fit, err) != 0 ||
	    pseudo_r2(r, o, err) != 0)
		goto fail;
	mk_tau2_ci_note(&d, &r->fit, w);
	if (r->k == r->p)
		mk_warn_add(w, "%s: as many coefficients as studies (%zu): no "
		    "residual heterogeneity can be assessed", t->file, r->k);
	if (spec->permutations > 0 &&
	    mk_permute(r, o, spec, err) != 0)
		goto fail;
	if (spec->robust != NULL) {
		struct unicov u = { r->v, r->fit.tau2 };
		if (mk_robust_run(t, s, r, o, spec->robust, spec->robust_cr1,
		    NULL, 0, 0, uni_cov, &u, err) != 0)
			goto fail;
	}
	/* after --robust: a prediction's SE and df are the robust ones */
	if (mk_metareg_predict(r, o, spec, err) != 0)
		goto fail;
	mk_studies_free(own);
	return r;
fail:
	mk_studies_free(own);
	mk_metareg_free(r);
	return NULL;
}
