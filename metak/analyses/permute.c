/* permute.c: permutation tests of a meta-regression as metafor's
 * permutest() (Higgins & Thompson 2004, Stat Med 23:1663): the rows of the
 * design are permuted against the effects (for a model without moderators
 * the effects' signs are flipped), the model is refitted each time, and a
 * p-value is the share of refits whose |z| (or QM) reaches the observed.
 * Exact over every distinct arrangement when there are at most as many as
 * asked for, else random arrangements from a seeded generator. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyses/internal.h"

/* splitmix64 (Steele, Lea & Flood 2014): a small, fixed, portable
 * generator, so that a seed gives the same permutations everywhere. */
static unsigned long long
next_random(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias. */
static size_t
uniform(unsigned long long *state, size_t n)
{
	unsigned long long lim = -(unsigned long long)n % n, x;

	do
		x = next_random(state);
	while (x < lim);
	return (size_t)(x % n);
}

struct counts {
	const mk_metareg *r;
	const mk_opts *o;
	double *ycur;		/* effects as permuted (sign flips) */
	double *xcur;		/* design as permuted */
	size_t *hit, hitq, valid;
	double comptol;
	const mk_regspec *spec;	/* its progress */
	size_t done, total;	/* refits */
};

/* Refits the permuted data and counts the statistics at least as large
 * as the observed (metafor: |z| >= |z_obs| - sqrt(eps), QM likewise). */
static void
refit(struct counts *c)
{
	const mk_metareg *r = c->r;
	mk_design d = { r->k, r->p, c->ycur, r->v, c->xcur, NULL };
	mk_model m;
	mk_err e;

	/* every 64 refits (the callback itself waits a second to show) */
	if (c->spec->progress != NULL && c->done++ % 64 == 0)
		c->spec->progress(c->spec->progress_ud, c->done - 1, c->total);
	if (mk_model_fit(&d, c->o, 1, &m, &e) != 0) {
		mk_model_free(&m);
		return;		/* as metafor: a refit that fails is left out */
	}
	c->valid++;
	for (size_t j = 0; j < r->p; j++)
		c->hit[j] += fabs(m.stat[j]) >= fabs(r->fit.stat[j]) -
		    c->comptol;
	if (r->fit.m > 0)
		c->hitq += m.qm >= r->fit.qm - c->comptol;
	mk_model_free(&m);
}

/* The number of distinct arrangements of the rows, k! / prod(n_c!) over
 * classes of equal rows (class[i] sorted), or INFINITY beyond 2^53. */
static double
arrangements(const size_t *cls, size_t k)
{
	double lg = lgamma((double)k + 1);

	for (size_t i = 0, run = 1; i < k; i++, run++)
		if (i + 1 == k || cls[i + 1] != cls[i]) {
			lg -= lgamma((double)run + 1);
			run = 0;
		}
	double n = round(exp(lg));
	return n < 9007199254740992.0 ? n : INFINITY;
}

/* Next arrangement of a multiset in lexicographic order (Knuth 7.2.1.2,
 * algorithm L); 0 after the last. */
static int
next_arrangement(size_t *a, size_t k)
{
	size_t i, j;

	if (k < 2)
		return 0;
	for (i = k - 1; i > 0 && a[i - 1] >= a[i]; i--)
		;	/* the longest non-increasing tail starts at i */
	if (i == 0)
		return 0;
	for (j = k - 1; a[j] <= a[i - 1]; j--)
		;	/* the rightmost element above a[i - 1] */
	size_t t = a[i - 1];
	a[i - 1] = a[j];
	a[j] = t;
	for (size_t l = i, h = k - 1; l < h; l++, h--) {
		t = a[l];
		a[l] = a[h];
		a[h] = t;
	}
	return 1;
}

struct rowref {
	const double *x;
	size_t p, i;
};

static int
by_row(const void *a, const void *b)
{
	const struct rowref *u = a, *v = b;

	for (size_t j = 0; j < u->p; j++)
		if (u->x[j] != v->x[j])
			return u->x[j] < v->x[j] ? -1 : 1;
	return (u->i > v->i) - (u->i < v->i);
}

/* Rows of the design put in place by arrangement a of row classes. */
static void
place(struct counts *c, const size_t *a, const size_t *rep)
{
	size_t p = c->r->p;

	for (size_t i = 0; i < c->r->k; i++)
		memcpy(c->xcur + i * p, c->r->x + rep[a[i]] * p,
		    p * sizeof(double));
}

static int
permute_rows(struct counts *c, size_t n, unsigned long long *state,
    int *exact)
{
	const mk_metareg *r = c->r;
	size_t k = r->k, p = r->p, ncls = 0;
	struct rowref *rr = calloc(k ? k : 1, sizeof(*rr));
	size_t *a = calloc(k ? k : 1, sizeof(size_t));
	size_t *rep = calloc(k ? k : 1, sizeof(size_t));

	if (!rr || !a || !rep) {
		free(rr);
		free(a);
		free(rep);
		return -1;
	}
	for (size_t i = 0; i < k; i++)
		rr[i] = (struct rowref){ r->x + i * p, p, i };
	qsort(rr, k, sizeof(*rr), by_row);
	for (size_t i = 0; i < k; i++) {	/* classes of equal rows */
		if (i == 0 || by_row(&(struct rowref){ rr[i].x, p, 0 },
		    &(struct rowref){ rr[i - 1].x, p, 0 }) != 0)
			rep[ncls++] = rr[i].i;
		a[i] = ncls - 1;
	}
	double na = arrangements(a, k);
	*exact = na <= (double)n;
	c->total = *exact ? (size_t)na : n;
	if (*exact) {
		do {
			place(c, a, rep);
			refit(c);
		} while (next_arrangement(a, k));
	} else {
		size_t *perm = malloc(k * sizeof(size_t));
		if (perm == NULL) {
			free(rr);
			free(a);
			free(rep);
			return -1;
		}
		memcpy(c->xcur, r->x, k * p * sizeof(double));
		refit(c);	/* the observed arrangement first */
		for (size_t it = 1; it < n; it++) {
			for (size_t i = 0; i < k; i++)
				perm[i] = i;
			for (size_t i = k - 1; i > 0; i--) {	/* Fisher-Yates */
				size_t j = uniform(state, i + 1), t = perm[i];
				perm[i] = perm[j];
				perm[j] = t;
			}
			for (size_t i = 0; i < k; i++)
				memcpy(c->xcur + i * p, r->x + perm[i] * p,
				    p * sizeof(double));
			refit(c);
		}
		free(perm);
	}
	free(rr);
	free(a);
	free(rep);
	return 0;
}

/* A model without moderators: every sign vector (exact, 2^k) or random
 * ones. */
static void
flip_signs(struct counts *c, size_t n, unsigned long long *state, int *exact)
{
	const mk_metareg *r = c->r;
	size_t k = r->k;

	memcpy(c->xcur, r->x, k * r->p * sizeof(double));
	*exact = k < 53 && ldexp(1, (int)k) <= (double)n;
	c->total = *exact ? (size_t)1 << k : n;
	if (*exact) {
		for (unsigned long long s = 0; s < (1ULL << k); s++) {
			for (size_t i = 0; i < k; i++)
				c->ycur[i] = (s >> i) & 1 ? -r->y[i] : r->y[i];
			refit(c);
		}
		return;
	}
	memcpy(c->ycur, r->y, k * sizeof(double));
	refit(c);
	for (size_t it = 1; it < n; it++) {
		for (size_t i = 0; i < k; i++)
			c->ycur[i] = next_random(state) & 1 ? -r->y[i] : r->y[i];
		refit(c);
	}
}

int
mk_permute(mk_metareg *r, const mk_opts *o, const mk_regspec *spec,
    mk_err *err)
{
	mk_opts lo = *o;
	struct counts c = { r, &lo, NULL, NULL, NULL, 0, 0,
	    sqrt(DBL_EPSILON), spec, 0, 0 };
	size_t n = spec->permutations;
	unsigned long long state = spec->seed;
	int rc = 0;

	lo.no_tau2_ci = 1;
	c.ycur = malloc(r->k * sizeof(double));
	c.xcur = malloc(r->k * r->p * sizeof(double));
	c.hit = calloc(r->p, sizeof(size_t));
	r->p_perm = malloc(r->p * sizeof(double));
	if (!c.ycur || !c.xcur || !c.hit || !r->p_perm) {
		rc = -1;
		goto out;
	}
	memcpy(c.ycur, r->y, r->k * sizeof(double));
	if (r->p == 1)
		flip_signs(&c, n, &state, &r->perm_exact);
	else
		rc = permute_rows(&c, n, &state, &r->perm_exact);
	if (rc != 0)
		goto out;
	if (spec->progress != NULL)
		spec->progress(spec->progress_ud, c.total, c.total);
	r->nperm = c.valid;
	for (size_t j = 0; j < r->p; j++)
		r->p_perm[j] = c.valid ? fmin(1, (double)c.hit[j] /
		    (double)c.valid) : NAN;
	r->qm_p_perm = c.valid && r->fit.m > 0 ? fmin(1, (double)c.hitq /
	    (double)c.valid) : NAN;
out:
	if (rc != 0)
		mk_err_set(err, "", 0, "", "out of memory");
	free(c.ycur);
	free(c.xcur);
	free(c.hit);
	return rc;
}
