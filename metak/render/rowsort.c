/* rowsort.c: the order in which a forest plot draws its study rows
 * (--sort): file order, by effect (smallest first), by weight (largest
 * first), by year (a "year" column, else the first year in the study's
 * label), or by a column (numerically when every value present is a
 * number, else as text; an empty cell or a missing word such as NA is no
 * key). Ties, and studies without a key (drawn last), keep file order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"

struct key {
	double x;		/* NaN: no key */
	const char *s;		/* text keys; NULL: numeric */
	size_t i;
};

static int
by_key(const void *a, const void *b)
{
	const struct key *p = a, *q = b;
	int pn = isnan(p->x) && p->s == NULL, qn = isnan(q->x) && q->s == NULL;

	if (pn != qn)
		return pn - qn;	/* no key: last */
	if (p->s != NULL && q->s != NULL) {
		int c = strcmp(p->s, q->s);
		if (c != 0)
			return c;
	} else if (!pn && p->x != q->x) {
		return p->x < q->x ? -1 : 1;
	}
	return (p->i > q->i) - (p->i < q->i);
}

/* The first number 1800..2100 standing alone in s (a year), or NaN. */
static double
year_in(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (p[0] < '0' || p[0] > '9' || (p > s && p[-1] >= '0' &&
		    p[-1] <= '9'))
			continue;
		int n = 0;
		while (p[n] >= '0' && p[n] <= '9')
			n++;
		if (n == 4) {
			double y = atof(p);
			if (y >= 1800 && y <= 2100)
				return y;
		}
	}
	return NAN;
}

/* The weight of study i of s in r's overall fit. */
static double
weight_of(const mk_result *r, const mk_studies *s, size_t i)
{
	const mk_studies *all = r->studies;

	for (size_t j = 0; j < all->k; j++)
		if (all->row[j] == s->row[i])
			return r->fit->weight[j];
	return NAN;
}

int
mk_study_order(const mk_result *r, const mk_studies *s, size_t *ord)
{
	const mk_plot_opts *po = r->plot;
	int how = po ? po->sort : MK_SORT_FILE, text = 0;
	const char **key = NULL;
	struct key *k;
	char tmp[32];

	for (size_t i = 0; i < s->k; i++)
		ord[i] = i;
	if (how == MK_SORT_FILE || s->k < 2)
		return 0;
	k = malloc(s->k * sizeof(*k));
	if (k == NULL)
		return -1;
	if (how == MK_SORT_YEAR || how == MK_SORT_COLUMN)
		key = r->rows->key;	/* the year column, or --sort's */
	for (size_t i = 0; i < s->k && key != NULL; i++) {	/* text or numbers */
		double x;
		const char *why;
		if (mk_parse_num(key[s->row[i]], &x, &why) == MK_NUM_BAD)
			text = how == MK_SORT_COLUMN;	/* (missing: no say) */
	}
	for (size_t i = 0; i < s->k; i++) {
		k[i].i = i;
		k[i].s = NULL;
		k[i].x = NAN;
		if (how == MK_SORT_EFFECT) {
			k[i].x = s->yi[i];
		} else if (how == MK_SORT_WEIGHT) {
			k[i].x = -weight_of(r, s, i);
		} else if (key != NULL) {
			const char *c = key[s->row[i]], *why;
			double x;
			int st = mk_parse_num(c, &x, &why);
			if (st == MK_NUM_EMPTY)
				continue;	/* empty, NA, ...: no key, last */
			if (text)
				k[i].s = c;
			else if (st == MK_NUM_OK)
				k[i].x = x;
		} else if (how == MK_SORT_YEAR) {
			k[i].x = year_in(mk_study_label(r, s, i, tmp,
			    sizeof(tmp)));
		}
	}
	qsort(k, s->k, sizeof(*k), by_key);
	for (size_t i = 0; i < s->k; i++)
		ord[i] = k[i].i;
	free(k);
	return 0;
}
