/* mlfit.c: a multilevel model from a table (--random A/B, --rho, --mods):
 * the groups of each level, the fit (mlm.c), Wald z or t tests (metafor's
 * rma.mv test = "t": SEs not rescaled, k - p df), the moderator test, QE,
 * fit statistics and profile-likelihood intervals of the variance
 * components (metafor's confint.rma.mv); cluster-robust inference is
 * robust.c's. The result is an mk_metareg whose model carries the
 * components. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "analyses/internal.h"

/* Group ids of the design's rows at each level: level l groups the rows
 * by the values of the first l + 1 random columns together. */
static int
build_groups(const mk_table *t, const mk_studies *s, const mk_metareg *r,
    const int *col, size_t L, size_t *gid, size_t *ng, mk_err *err)
{
	mk_buf key = { 0 };
	int rc = -1;

	for (size_t l = 0; l < L; l++) {
		mk_strmap map = { 0 };
		for (size_t i = 0; i < r->k; i++) {
			size_t row = s->row[r->study[i]];
			key.len = 0;
			for (size_t c = 0; c <= l; c++) {	/* "a\x1fb\x1fc" */
				const char *v = mk_table_cell(t, row, col[c]);
				mk_buf_put(&key, v, strlen(v));
				mk_buf_put(&key, "\x1f", 1);
			}
			size_t id = key.oom ? MK_STRMAP_OOM :
			    mk_strmap_id(&map, key.data, key.len, 1);
			if (id == MK_STRMAP_OOM) {
				mk_strmap_free(&map);
				goto oom;
			}
			gid[i * L + l] = id;
		}
		ng[l] = map.n;
		mk_strmap_free(&map);
	}
	rc = 0;
	goto out;
oom:
	mk_err_set(err, t->file, 0, "", "out of memory");
out:
	mk_buf_free(&key);
	return rc;
}

/* metafor's starting values, total = max(0.001 L, var(y - X b_FE) -
 * 1/mean(1/v)) split evenly over the components, with the floor relative
 * to the data's scale s (the harmonic mean of v): 0.05 L s. */
static void
start_values(const mk_ml *m, mk_mlstate *st, double scale, double *theta)
{
	double zero[MK_MAXLEVELS] = { 0 }, total = 0.05 * scale * (double)m->L;
	size_t k = m->d.k, p = m->d.p;

	if (mk_ml_eval(m, zero, 0, st) == 0 && k > 1) {
		long double s = 0, s2 = 0, hv = 0;
		for (size_t i = 0; i < k; i++) {	/* residuals, 1/v */
			double fit = 0;
			for (size_t q = 0; q < p; q++)
				fit += m->d.x[i * p + q] * st->b[q];
			double e = m->d.y[i] - fit;
			s += e;
			s2 += (long double)e * e;
			hv += 1.0L / m->d.v[i];
		}
		double var = (double)((s2 - s * s / k) / (k - 1));
		total = fmax(total, var - (double)((long double)k / hv));
	}
	for (size_t l = 0; l < m->L; l++)
		theta[l] = total / (double)m->L;
}

struct prof {
	const mk_ml *m;
	mk_mlstate *st;
	const double *opt;	/* the fit's components */
	double *work;		/* warm start of the others */
	const int *fixed;
	size_t comp;
	double llmax, crit, scale;
	double vmax;		/* the largest sampling variance */
	double slope;		/* d lrt / d val at the last val */
	const double *var;	/* L: Wald variances, for starting points */
	int maxiter, failed;
};

/* -2 (ll(val) - llmax) - crit, the other components maximised. */
static double
lrt(double val, void *ud)
{
	struct prof *p = ud;
	int fx[MK_MAXLEVELS] = { 0 }, it;

	for (size_t l = 0; l < p->m->L; l++)
		fx[l] = p->fixed[l] || l == p->comp;
	p->work[p->comp] = val;
	/* the others to 1e-8: the likelihood's error is its square */
	if (mk_ml_fit(p->m, p->work, fx, p->scale, 1e-8, p->maxiter, p->st,
	    &it) != 0) {
		p->failed = 1;
		return NAN;
	}
	/* the profile's slope is the score of the fixed component at the
	 * others' optimum (they are maximised: their own scores vanish) */
	p->slope = -2 * p->st->score[p->comp];
	return -2 * (p->st->ll - p->llmax) - p->crit;
}

/* The root of lrt between the estimate e (where it is -crit < 0) and the
 * end b, searched by Newton's steps from x0 with the profile's slope,
 * kept inside the bracket known so far (bisection otherwise), to a step
 * below 1e-13 (|x| + scale). The end b is evaluated only when a step
 * would pass it: 1 when lrt(b) < 0 there (no root before b), 0 with the
 * root, -1 on failure. */
static int
lrt_root(struct prof *p, double e, double b, double x0, double *root)
{
	double lo = fmin(e, b), hi = fmax(e, b), x = x0, fx;
	int rising = b > e, bdone = 0;	/* lrt rises from e towards b */

	if (!(x > lo && x < hi))
		x = (e + b) / 2;
	fx = lrt(x, p);
	for (int it = 0; it < 200 && !p->failed; it++) {
		if (fx == 0) {
			*root = x;
			return 0;
		}
		if (fx < 0) {	/* x lies on e's side of the root */
			if (rising)
				lo = x;
			else
				hi = x;
		} else {	/* past it: a bracket without b */
			if (rising)
				hi = x;
			else
				lo = x;
			bdone = 1;
		}
		double next = x - fx / p->slope;
		if (!bdone && !(next > fmin(lo, hi) && next < fmax(lo, hi))) {
			/* past the end: is there a root before it? */
			double fb = lrt(b, p);
			if (p->failed)
				return -1;
			if (fb < 0)
				return 1;
			bdone = 1;
			if (rising)
				hi = b;
			else
				lo = b;
		}
		if (!(next > lo && next < hi) || !isfinite(next))
			next = (lo + hi) / 2;
		if (fabs(next - x) <= 1e-13 * (fabs(x) + p->scale)) {
			*root = next;
			return 0;
		}
		x = next;
		fx = lrt(x, p);
	}
	return -1;
}

/* Profile-likelihood interval of component c, as confint.rma.mv: the
 * lower bound is 0 when the likelihood ratio at 0 is within the critical
 * value, else the root on [0, est]; the upper bound the root on [est,
 * end], or that end (flagged) when the ratio stays within. metafor's end,
 * max(10, 100 est), is absolute; here it is max(100 est, 10^4 max v),
 * relative to the data and beyond metafor's for sampling variances above
 * 0.001 (metafor warns when its end is reached, and its bound is then no
 * bound). Each root search starts from the Wald bound est -+ sqrt(crit
 * var). */
static void
profile_ci(struct prof *p, mk_vcomp *vc)
{
	double est = p->opt[p->comp], hi = fmax(100 * est, 1e4 * p->vmax), r;
	double half = sqrt(p->crit * fmax(p->var[p->comp], 0));
	int rc;

	vc->lo = vc->hi = NAN;
	memcpy(p->work, p->opt, p->m->L * sizeof(double));
	rc = est > 0 ? lrt_root(p, est, 0, est - half, &r) : 1;
	if (rc == 1)
		vc->lo = 0;
	else if (rc == 0)
		vc->lo = r;
	p->failed = 0;
	memcpy(p->work, p->opt, p->m->L * sizeof(double));
	rc = lrt_root(p, est, hi, est + half, &r);
	if (rc == 1) {
		vc->hi = hi;
		vc->hi_capped = 1;
	} else if (rc == 0) {
		vc->hi = r;
	}
	p->failed = 0;
}

/* Wald variances of the components: the diagonal of the inverse observed
 * information over the free ones (NaN where it cannot be inverted). */
static void
wald_var(const mk_mlstate *st, const int *fixed, size_t L, double *var)
{
	double a[MK_MAXLEVELS * MK_MAXLEVELS];
	size_t idx[MK_MAXLEVELS], nf = 0;

	for (size_t l = 0; l < L; l++) {
		var[l] = NAN;
		if (!fixed[l])
			idx[nf++] = l;
	}
	for (size_t i = 0; i < nf; i++)
		for (size_t j = 0; j < nf; j++)
			a[i * nf + j] = st->obs[idx[i] * L + idx[j]];
	gsl_matrix_view A = gsl_matrix_view_array(a, nf, nf);
	if (nf == 0 || gsl_linalg_cholesky_decomp1(&A.matrix) != GSL_SUCCESS ||
	    gsl_linalg_cholesky_invert(&A.matrix) != GSL_SUCCESS)
		return;
	for (size_t i = 0; i < nf; i++)
		var[idx[i]] = a[i * nf + i];
}

/* Tests of the coefficients and the moderators, z or t (k - p df). */
static void
model_tests(mk_model *mo, size_t intercept_first)
{
	size_t p = mo->p;
	double crit = mk_crit(mo->level, mo->df);

	for (size_t j = 0; j < p; j++) {
		mo->se[j] = sqrt(mo->vb[j * p + j]);
		mo->stat[j] = mo->b[j] / mo->se[j];
		mo->pval[j] = mk_pvalue(mo->stat[j], mo->df);
		mo->lo[j] = mo->b[j] - crit * mo->se[j];
		mo->hi[j] = mo->b[j] + crit * mo->se[j];
		mo->cdf[j] = mo->df;
	}
	mo->m = p - intercept_first;
	mo->qm = mo->qm_df = mo->qm_df2 = mo->qm_p = NAN;
	if (mo->m == 0)
		return;
	mo->qm = mk_wald(mo->b, mo->vb, p, intercept_first);
	mo->qm_df = (double)mo->m;
	if (isfinite(mo->df)) {
		mo->qm /= (double)mo->m;
		mo->qm_df2 = mo->df;
		mo->qm_p = mo->df > 0 ? gsl_cdf_fdist_Q(mo->qm, mo->qm_df,
		    mo->df) : NAN;
	} else {
		mo->qm_p = gsl_cdf_chisq_Q(mo->qm, mo->qm_df);
	}
}

/* Fit statistics as metafor's rma.mv: ML deviance against the model
 * with y fitted exactly (-2 (ll - llQE), llQE = -k/2 log 2pi - 1/2 log|V|),
 * REML deviance -2 ll; parameters p plus the free components. */
static void
fit_stats(mk_model *mo, const mk_ml *m, double ll, double logdet_v,
    size_t nfree)
{
	double k = (double)m->d.k, p = (double)m->d.p, parms = p +
	    (double)nfree, n = m->reml ? k - p : k;

	mo->reml_fit = m->reml;
	mo->ll = ll;
	mo->dev = m->reml ? -2 * ll : -2 * (ll - (-k / 2 * MK_LOG_2PI -
	    logdet_v / 2));
	mo->aic = -2 * ll + 2 * parms;
	mo->bic = -2 * ll + parms * log(n);
	double nn = fmax(n, parms + 2);
	mo->aicc = -2 * ll + 2 * parms * nn / (nn - parms - 1);
}

int
mk_mlm_fit(mk_metareg *r, const size_t *gid, const size_t *ng, size_t L,
    const char *const *names, const mk_opts *o, double rho, mk_warn *w,
    mk_err *err)
{
	/* the fit runs on Q of X = Q R (orth.c): the likelihood is the same,
	 * and its score keeps its digits when a moderator's values are far
	 * from 0 beside the intercept */
	double *q = malloc((r->k ? r->k : 1) * r->p * sizeof(double));
	double *rr = malloc(r->p * r->p * sizeof(double));
	mk_design d = { r->k, r->p, r->y, r->v, q, NULL };
	mk_model *mo = &r->fit;
	mk_ml m;
	mk_mlstate st;
	mk_wls ws;
	double theta[MK_MAXLEVELS], zero[MK_MAXLEVELS] = { 0 };
	double work[MK_MAXLEVELS], scale = mk_vscale(&d), vmax = 0;
	int fixed[MK_MAXLEVELS] = { 0 }, it = 0, rc = -1, frc;
	size_t nfree = 0;

	memset(mo, 0, sizeof(*mo));
	memset(&st, 0, sizeof(st));
	memset(&m, 0, sizeof(m));
	if (q == NULL || rr == NULL)
		goto oom;
	if (mk_orthonormal(r->x, r->k, r->p, q, rr) != 0) {
		mk_err_set(err, "", 0, "", "the design is singular");
		goto out;
	}
	for (size_t i = 0; i < r->k; i++)
		vmax = fmax(vmax, r->v[i]);
	for (size_t l = 0; l + 1 < L; l++)	/* nested: equal counts, */
		if (ng[l + 1] == ng[l] && ng[l] > 1) {	/* equal groups */
			mk_err_set(err, "", 0, "", "--random: %s and %s group "
			    "the rows the same way, so their variance "
			    "components cannot be told apart (the model is "
			    "not identifiable): leave one of them out",
			    names[l], names[l + 1]);
			goto out;
		}
	if (mk_ml_setup(&m, &d, gid, ng, L, rho, o->method == MK_REML) != 0 ||
	    mk_mlstate_init(&st, r->p, L) != 0 || mk_wls_init(&ws, r->p) != 0)
		goto oom;
	if (mk_wls_ols(&d, &ws) != 0) {
		mk_wls_free(&ws);
		mk_err_set(err, "", 0, "", "the design is singular");
		goto out;
	}
	m.logdet_xx = ws.logdet;
	mk_wls_free(&ws);
	mo->k = r->k;
	mo->p = r->p;
	mo->method = o->method;
	mo->ci = o->ci;
	mo->level = o->level;
	mo->b = calloc(r->p * r->p + 7 * r->p, sizeof(double));
	mo->w = calloc(r->k ? r->k : 1, sizeof(double));
	mo->comp = calloc(L ? L : 1, sizeof(mk_vcomp));
	if (mo->b == NULL || mo->w == NULL || mo->comp == NULL)
		goto oom;
	mo->vb = mo->b + r->p;
	mo->se = mo->vb + r->p * r->p;
	mo->stat = mo->se + r->p;
	mo->pval = mo->stat + r->p;
	mo->lo = mo->pval + r->p;
	mo->hi = mo->lo + r->p;
	mo->cdf = mo->hi + r->p;
	mo->ncomp = L;
	for (size_t l = 0; l < L; l++) {	/* levels, fixed ones */
		mo->comp[l].nlevels = ng[l];
		fixed[l] = ng[l] == 1;
		mo->comp[l].fixed = fixed[l];
		nfree += !fixed[l];
		if (fixed[l])
			mk_warn_add(w, "--random: %s has a single level: its "
			    "variance is fixed at 0 (as metafor does)", names[l]);
	}
	/* QE and the saturated likelihood: the model with V alone */
	if (mk_ml_eval(&m, zero, 0, &st) != 0) {
		if (isfinite(rho) && rho < 0)	/* V's least eigenvalue */
			mk_err_set(err, "", 0, "", "--rho %g: the sampling "
			    "covariance matrix is not positive definite: a "
			    "negative correlation among the n rows of a group "
			    "must lie above -1/(n - 1), here -1/%zu = %.4g "
			    "(the largest group has %zu rows)", rho,
			    m.maxn - 1, -1.0 / (double)(m.maxn - 1), m.maxn);
		else
			mk_err_set(err, "", 0, "", "the sampling covariance "
			    "matrix is not positive definite (--rho %g is too "
			    "close to 1 for these variances)", rho);
		goto out;
	}
	double logdet_v = st.logdet_m;
	mo->qe = st.rss;
	mo->qe_df = (double)r->k - (double)r->p;
	mo->qe_p = mo->qe_df > 0 ? gsl_cdf_chisq_Q(mo->qe, mo->qe_df) : NAN;
	start_values(&m, &st, scale, theta);
	for (size_t l = 0; l < L; l++)
		if (fixed[l])
			theta[l] = 0;
	if ((frc = mk_ml_fit(&m, theta, fixed, scale, 1e-12, o->maxiter, &st,
	    &it)) != 0) {
		const char *how = o->method == MK_REML ? "REML" : "ML";
		if (frc == MK_ML_NONIDENT)
			mk_err_set(err, "", 0, "", "the %s fit of the variance "
			    "components: their information matrix is singular, "
			    "so the data cannot tell them apart (the model is "
			    "not identifiable; leave a level out of --random)",
			    how);
		else if (frc == MK_ML_SINGULAR)
			mk_err_set(err, "", 0, "", "the %s fit of the variance "
			    "components: the marginal covariance matrix is "
			    "singular", how);
		else if (it >= o->maxiter)
			mk_err_set(err, "", 0, "", "the %s fit of the variance "
			    "components did not converge in %d iterations "
			    "(raise --maxiter)", how, o->maxiter);
		else
			mk_err_set(err, "", 0, "", "the %s fit of the variance "
			    "components stopped after %d iterations: no "
			    "direction raises the likelihood, yet the last step "
			    "was not small", how, it);
		goto out;
	}
	mo->iters = it;
	if (mk_ml_weights(&m, theta, mo->w) != 0) {
		mk_err_set(err, "", 0, "", "the fitted covariance matrix is "
		    "not positive definite");
		goto out;
	}
	memcpy(mo->b, st.b, r->p * sizeof(double));
	memcpy(mo->vb, st.ainv, r->p * r->p * sizeof(double));
	if (mk_orth_back(rr, r->p, mo->b, mo->vb) != 0)	/* to X's */
		goto oom;
	mo->df = o->ci == MK_CI_HKSJ ? (double)r->k - (double)r->p : NAN;
	mo->s2w = 1;
	model_tests(mo, 1);
	mo->tau2 = 0;
	for (size_t l = 0; l < L; l++) {	/* PI: every component */
		mo->comp[l].sigma2 = theta[l];
		mo->tau2 += theta[l];
	}
	mo->nvc = nfree;
	mo->h2 = NAN;
	mo->tau2_lo = mo->tau2_hi = NAN;
	fit_stats(mo, &m, st.ll, logdet_v, nfree);
	for (size_t l = 0; l < L; l++)
		mo->comp[l].i2 = mo->comp[l].lrt = mo->comp[l].lrt_p = NAN;
	if (mk_ml_summaries(&m, theta, fixed, names, st.ll, scale, o->maxiter,
	    mo, err) != 0)	/* I2 per level, LRT per component */
		goto out;
	if (!o->no_tau2_ci) {	/* profile-likelihood intervals */
		double var[MK_MAXLEVELS];
		wald_var(&st, fixed, L, var);
		struct prof pr = { &m, &st, theta, work, fixed, 0, st.ll,
		    mk_chisq_quantile(1 - o->level / 100, 1, 1), scale, vmax,
		    0, var, o->maxiter, 0 };
		for (size_t l = 0; l < L; l++) {
			mo->comp[l].lo = mo->comp[l].hi = NAN;
			if (fixed[l])
				continue;
			pr.comp = l;
			profile_ci(&pr, &mo->comp[l]);
		}
	}
	rc = 0;
	goto out;
oom:
	mk_err_set(err, "", 0, "", "out of memory");
out:
	mk_mlstate_free(&st);
	mk_ml_free(&m);
	free(q);
	free(rr);
	return rc;
}

/* The marginal covariance of rows of the fitted multilevel model:
 * V (rho within an outermost group) plus sigma2_l for each level whose
 * group two rows share. */
struct mlcov {
	const double *v, *theta;
	const size_t *gid;
	size_t L;
	double rho;
};

static void
ml_cov(void *ud, const size_t *rows, size_t n, double *M)
{
	const struct mlcov *c = ud;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j <= i; j++) {
			size_t a = rows[i], b = rows[j];
			double x = 0;
			if (i == j)
				x = c->v[a];
			else if (isfinite(c->rho) && c->gid[a * c->L] ==
			    c->gid[b * c->L])
				x = c->rho * sqrt(c->v[a] * c->v[b]);
			for (size_t l = 0; l < c->L; l++)
				if (c->gid[a * c->L + l] == c->gid[b * c->L + l])
					x += c->theta[l];
			M[i * n + j] = M[j * n + i] = x;
		}
}

mk_metareg *
mk_mlm_run(const mk_table *t, const mk_studies *s, const mk_opts *o,
    const mk_mlspec *spec, mk_warn *w, mk_err *err)
{
	int col[MK_MAXLEVELS + 1];
	size_t L = spec->nrandom, *gid = NULL, ng[MK_MAXLEVELS];
	char *names[MK_MAXLEVELS] = { NULL };
	mk_studies *sub = NULL;
	mk_metareg *r = NULL;

	if (o->method != MK_REML && o->method != MK_ML) {
		mk_err_set(err, "", 0, "", "--random fits by REML or ML, not %s",
		    mk_method_get(o->method)->name);
		err->usage = 1;
		return NULL;
	}
	if (L == 0 || L > MK_MAXLEVELS) {
		mk_err_set(err, "", 0, "", "--random: from 1 to %d nested "
		    "levels", MK_MAXLEVELS);
		err->usage = 1;
		return NULL;
	}
	for (size_t l = 0; l < L; l++)	/* the columns, names A, A/B, ... */
		if ((col[l] = mk_table_col(t, spec->random[l], o->maps,
		    o->nmaps)) < 0) {
			mk_err_set(err, t->file, t->header_line, spec->random[l], "no such "
			    "column for --random");
			return NULL;
		}
	size_t ncol = L;
	if (spec->reg->robust != NULL && (col[ncol++] = mk_table_col(t,
	    spec->reg->robust, o->maps, o->nmaps)) < 0) {
		mk_err_set(err, t->file, t->header_line, spec->reg->robust, "no such column "
		    "for --robust");
		return NULL;
	}
	if ((sub = mk_complete_in(t, s, col, ncol, "multilevel model",
	    w)) == NULL || (r = calloc(1, sizeof(*r))) == NULL)
		goto oom;
	if (mk_mods_design(t, sub, o, spec->reg, r, w, err) != 0)
		goto fail;
	if (r->k <= r->p) {
		mk_err_set(err, t->file, 0, "", "the multilevel model needs more "
		    "studies (%zu) than coefficients (%zu)", r->k, r->p);
		goto fail;
	}
	/* the design's rows are sub's studies: map them back to s */
	size_t *back = malloc((t->nrow ? t->nrow : 1) * sizeof(size_t));
	if (back == NULL)
		goto oom;
	for (size_t j = 0; j < s->k; j++)
		back[s->row[j]] = j;
	for (size_t i = 0; i < r->k; i++)
		r->study[i] = back[sub->row[r->study[i]]];
	free(back);
	gid = calloc(r->k * L, sizeof(size_t));
	if (gid == NULL || build_groups(t, s, r, col, L, gid, ng, err) != 0)
		goto fail;
	for (size_t l = 0; l < L; l++) {	/* "A", "A/B", ... */
		size_t n = 1, len = 0;
		for (size_t c = 0; c <= l; c++)
			n += strlen(t->names[col[c]]) + 1;
		if ((names[l] = malloc(n)) == NULL)
			goto oom;
		for (size_t c = 0; c <= l; c++)
			len += (size_t)snprintf(names[l] + len, n - len, "%s%s",
			    c ? "/" : "", t->names[col[c]]);
	}
	if (mk_mlm_fit(r, gid, ng, L, (const char *const *)names, o,
	    spec->rho, w, err) != 0)
		goto fail;
	for (size_t l = 0; l < L; l++) {	/* the model owns the names */
		r->fit.comp[l].name = names[l];
		names[l] = NULL;
	}
	/* the outermost groups, for plots: each row's and their values */
	r->nclusters = ng[0];
	r->cluster = malloc((r->k ? r->k : 1) * sizeof(size_t));
	r->cluster_name = calloc(ng[0] ? ng[0] : 1, sizeof(char *));
	if (r->cluster == NULL || r->cluster_name == NULL)
		goto oom;
	for (size_t i = 0; i < r->k; i++) {
		size_t c = gid[i * L];
		r->cluster[i] = c;
		if (r->cluster_name[c] == NULL && (r->cluster_name[c] =
		    strdup(mk_table_cell(t, s->row[r->study[i]], col[0]))) ==
		    NULL)
			goto oom;
	}
	r->r2 = NAN;
	if (spec->reg->robust != NULL) {
		double theta[MK_MAXLEVELS];
		for (size_t l = 0; l < L; l++)
			theta[l] = r->fit.comp[l].sigma2;
		struct mlcov c = { r->v, theta, gid, L, spec->rho };
		if (mk_robust_run(t, s, r, o, spec->reg->robust,
		    spec->reg->robust_cr1, gid, L, ng[0], ml_cov, &c, err) != 0)
			goto fail;
	}
	if (mk_metareg_predict(r, o, spec->reg, err) != 0)
		goto fail;
	free(gid);
	mk_studies_free(sub);
	return r;
oom:
	mk_err_set(err, t->file, 0, "", "out of memory");
fail:
	for (size_t l = 0; l < L; l++)
		free(names[l]);
	free(gid);
	mk_studies_free(sub);
	mk_metareg_free(r);
	return NULL;
}
