/* studies.c: the set of studies an analysis works on (effect sizes, their
 * variances, raw inputs and table rows), its allocation and the ways of
 * taking part of it: a subset, or a split into groups in one pass. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "effects/internal.h"

mk_studies *
mk_studies_alloc(mk_kind kind, int cells, int nraw, size_t n)
{
	mk_studies *s = calloc(1, sizeof(*s));
	size_t sz = n ? n : 1;
	int bad;

	if (s == NULL)
		return NULL;
	s->kind = kind;
	s->nraw = nraw;
	s->yi = malloc(sz * sizeof(double));
	s->vi = malloc(sz * sizeof(double));
	s->row = malloc(sz * sizeof(size_t));
	s->from = calloc(sz, 1);
	s->arms = calloc(sz, 1);
	s->flag = calloc(sz, 1);
	bad = !s->yi || !s->vi || !s->row || !s->from || !s->arms || !s->flag;
	if (cells) {
		s->ai = malloc(sz * sizeof(double));
		s->bi = malloc(sz * sizeof(double));
		s->ci = malloc(sz * sizeof(double));
		s->di = malloc(sz * sizeof(double));
		bad |= !s->ai || !s->bi || !s->ci || !s->di;
	}
	for (int c = 0; c < nraw; c++)
		bad |= !(s->raw[c] = malloc(sz * sizeof(double)));
	if (bad) {
		mk_studies_free(s);
		return NULL;
	}
	return s;
}

void
mk_studies_free(mk_studies *s)
{
	if (s == NULL)
		return;
	free(s->yi);
	free(s->vi);
	free(s->ai);
	free(s->bi);
	free(s->ci);
	free(s->di);
	free(s->row);
	free(s->from);
	free(s->arms);
	free(s->flag);
	free(s->out);
	for (int c = 0; c < 6; c++)
		free(s->raw[c]);
	free(s);
}

/* An empty set shaped like s with room for n studies. */
static mk_studies *
alloc_like(const mk_studies *s, size_t n)
{
	mk_studies *o = mk_studies_alloc(s->kind, s->ai != NULL, s->nraw, n);

	if (o != NULL)
		o->measure = s->measure;
	return o;
}

/* Appends study i of s to o. */
static void
append(mk_studies *o, const mk_studies *s, size_t i)
{
	size_t j = o->k++;

	o->yi[j] = s->yi[i];
	o->vi[j] = s->vi[i];
	o->row[j] = s->row[i];
	o->from[j] = s->from[i];
	o->arms[j] = s->arms[i];
	o->flag[j] = s->flag[i];
	if (s->ai != NULL) {
		o->ai[j] = s->ai[i];
		o->bi[j] = s->bi[i];
		o->ci[j] = s->ci[i];
		o->di[j] = s->di[i];
	}
	for (int c = 0; c < s->nraw; c++)
		o->raw[c][j] = s->raw[c][i];
}

mk_studies *
mk_studies_subset(const mk_studies *s, const unsigned char *keep)
{
	size_t n = 0;

	for (size_t i = 0; i < s->k; i++)
		n += keep[i] != 0;
	mk_studies *o = alloc_like(s, n);
	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < s->k; i++)
		if (keep[i])
			append(o, s, i);
	return o;
}

int
mk_studies_split(const mk_studies *s, const size_t *group, size_t ngroup,
    mk_studies **out)
{
	size_t *n = calloc(ngroup ? ngroup : 1, sizeof(size_t));

	if (n == NULL)
		return -1;
	for (size_t g = 0; g < ngroup; g++)
		out[g] = NULL;
	for (size_t i = 0; i < s->k; i++)
		if (group[i] < ngroup)
			n[group[i]]++;
	for (size_t g = 0; g < ngroup; g++)
		if ((out[g] = alloc_like(s, n[g])) == NULL) {
			for (size_t h = 0; h < g; h++) {
				mk_studies_free(out[h]);
				out[h] = NULL;
			}
			free(n);
			return -1;
		}
	for (size_t i = 0; i < s->k; i++)
		if (group[i] < ngroup)
			append(out[group[i]], s, i);
	free(n);
	return 0;
}

double
mk_studies_nhm(const mk_studies *s, const size_t *idx, size_t k)
{
	long double inv = 0;

	if (s->kind != MK_KIND_PROP || k == 0)
		return NAN;
	for (size_t i = 0; i < k; i++)
		inv += 1 / (long double)s->raw[1][idx ? idx[i] : i];
	return (double)((long double)k / inv);
}

double
mk_study_n(const mk_studies *s, size_t i)
{
	return s->kind == MK_KIND_PROP ? s->raw[1][i] : NAN;
}

int
mk_studies_leave_out(mk_studies *s, size_t row, const char *why)
{
	s->nout_all++;
	if (s->nout == MK_OUT_KEEP)
		return 0;	/* counted, not kept */
	if (s->nout == s->outcap) {
		size_t c = s->outcap ? 2 * s->outcap : 16;
		mk_leftout *o = realloc(s->out, c * sizeof(*o));
		if (o == NULL)
			return -1;
		s->out = o;
		s->outcap = c;
	}
	s->out[s->nout].row = row;
	snprintf(s->out[s->nout].why, sizeof(s->out[0].why), "%s", why);
	s->nout++;
	return 0;
}
