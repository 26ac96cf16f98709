/* suggest.c: "did you mean" for a table: the header name nearest to a
 * column that is not there, and the cell of a column nearest to a value no
 * row has (base/suggest.c measures the distance; cli/ words the message). */
#include <stdlib.h>
#include <string.h>

#include "read/internal.h"

const char *
mk_table_suggest_col(const mk_table *t, const char *name)
{
	return t->names == NULL ? NULL : mk_closest(name,
	    (const char *const *)t->names, t->ncol);
}

const char *
mk_table_suggest_value(const mk_table *t, int col, const char *value)
{
	mk_strmap seen = { 0 };
	const char **v;
	const char *best;
	size_t n = 0;

	if (col < 0 || (size_t)col >= t->ncol)
		return NULL;
	v = malloc((t->nrow ? t->nrow : 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t r = 0; r < t->nrow; r++) {	/* each value once */
		const char *c = mk_table_cell(t, r, col);
		size_t before = seen.n;
		if (mk_strmap_id(&seen, c, strlen(c), 1) == MK_STRMAP_OOM)
			break;
		if (seen.n > before)
			v[n++] = c;
	}
	mk_strmap_free(&seen);
	best = mk_closest(value, v, n);
	free(v);
	return best;
}
