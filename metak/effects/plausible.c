/* plausible.c: warnings about studies that read cleanly but look wrong:
 * a standardised mean difference beyond 3 in size (an arm's SE typed
 * where its SD belongs gives such values) and a row that repeats another
 * row's study and data, with nothing else to tell them apart (a row
 * pasted twice). It changes no study; the
 * reader (effect.c) calls it once all rows are read. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "effects/internal.h"

#define SMD_PLAUSIBLE 3	/* |SMD| beyond this is rare in trials (Cohen's
			 * "large" is 0.8): SEs read as SDs inflate it by
			 * sqrt(n) */

struct key {
	size_t id;	/* the study label's id */
	size_t i;	/* the study */
};

static int
by_id(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static int
same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* Studies i and j have the same data (the inputs read and the effect)
 * and no other column tells them apart (an effect size's id within a
 * study, an outcome, a time point). */
static int
same_data(const mk_table *t, const mk_studies *s, size_t i, size_t j)
{
	if (!same(s->yi[i], s->yi[j]) || !same(s->vi[i], s->vi[j]) ||
	    s->from[i] != s->from[j])
		return 0;
	for (int c = 0; c < s->nraw; c++)
		if (!same(s->raw[c][i], s->raw[c][j]))
			return 0;
	for (size_t c = 0; c < t->ncol; c++)
		if (strcmp(mk_table_cell(t, s->row[i], (int)c),
		    mk_table_cell(t, s->row[j], (int)c)) != 0)
			return 0;
	return 1;
}

static void
duplicates(const mk_table *t, int scol, const mk_studies *s, mk_warn *w)
{
	mk_strmap ids = { 0 };
	struct key *k = malloc((s->k ? s->k : 1) * sizeof(*k));
	size_t n = 0;

	if (k == NULL)
		return;
	for (size_t i = 0; i < s->k; i++) {
		const char *l = mk_table_cell(t, s->row[i], scol);
		if (l[0] == '\0')
			continue;	/* no label: nothing says it is one study */
		size_t id = mk_strmap_id(&ids, l, strlen(l), 1);
		if (id == MK_STRMAP_OOM)
			break;
		k[n].id = id;
		k[n++].i = i;
	}
	qsort(k, n, sizeof(*k), by_id);
	for (size_t a = 0; a < n; a++)	/* each run of one label */
		for (size_t b = a + 1; b < n && k[b].id == k[a].id; b++) {
			size_t i = k[a].i, j = k[b].i;
			if (!same_data(t, s, i, j))
				continue;
			mk_warn_add(w, "%s:%ld: study \"%s\" repeats line %ld "
			    "(the same study and data): a row pasted twice is "
			    "pooled twice; delete one if it is", t->file,
			    t->line[s->row[j]], mk_table_cell(t, s->row[j],
			    scol), t->line[s->row[i]]);
			break;	/* j is named once, against the first */
		}
	mk_strmap_free(&ids);
	free(k);
}

void
mk_studies_plausible(const mk_table *t, int scol, const mk_studies *s,
    mk_warn *w)
{
	for (size_t i = 0; s->measure == MK_SMD && i < s->k; i++) {
		if (!(fabs(s->yi[i]) > SMD_PLAUSIBLE))
			continue;
		char tmp[32];
		const char *l = scol >= 0 ? mk_table_cell(t, s->row[i], scol) :
		    "";
		if (l[0] == '\0') {
			snprintf(tmp, sizeof(tmp), "line %ld",
			    t->line[s->row[i]]);
			l = tmp;
		}
		mk_warn_add(w, "%s:%ld: study \"%s\": SMD = %.2f, implausibly "
		    "large (|SMD| > %d): are standard errors given as SDs? "
		    "(SD = SE x sqrt(n))", t->file, t->line[s->row[i]], l,
		    s->yi[i], SMD_PLAUSIBLE);
	}
	if (scol >= 0)
		duplicates(t, scol, s, w);
}
