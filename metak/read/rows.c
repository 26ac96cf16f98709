/* rows.c: what a report shows of a table's rows, taken from the table
 * once and handed to the renderers so that they never read it: the file's
 * name, each row's line and study label, and the cell --sort orders by.
 * The strings stay the table's: a view lives no longer than its table. */
#include <stdlib.h>

#include "read/internal.h"

int
mk_rows_init(mk_rows *v, const mk_table *t, const mk_opts *o,
    const char *keycol, mk_err *err)
{
	int lab = mk_table_col(t, "study", o->maps, o->nmaps);
	int cn = mk_table_col(t, "concern", o->maps, o->nmaps);
	int key = keycol != NULL ? mk_table_col(t, keycol, o->maps, o->nmaps)
	    : -1;
	size_t n = t->nrow ? t->nrow : 1;

	*v = (mk_rows){ .file = t->file, .n = t->nrow, .line = t->line };
	v->label = calloc(n, sizeof(*v->label));
	v->concern = calloc(n, sizeof(*v->concern));
	if (key >= 0)
		v->key = calloc(n, sizeof(*v->key));
	if (v->label == NULL || v->concern == NULL || (key >= 0 &&
	    v->key == NULL)) {
		mk_rows_free(v);
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	for (size_t r = 0; r < t->nrow; r++) {	/* "" where the column is */
		v->label[r] = mk_table_cell(t, r, lab);	/* missing */
		v->concern[r] = mk_table_cell(t, r, cn);
		if (key >= 0)
			v->key[r] = mk_table_cell(t, r, key);
	}
	return 0;
}

void
mk_rows_free(mk_rows *v)
{
	if (v == NULL)
		return;
	free(v->label);
	free(v->key);
	free(v->concern);
	v->label = v->key = v->concern = NULL;
	mk_rowcols_free(&v->cols);
}
