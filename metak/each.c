/* each.c: many independent meta-analyses from one file (--each COLUMN):
 * streams the CSV, collects the rows of one analysis (a run of equal
 * values of the column), fits them and hands the result to a callback,
 * then reuses the memory for the next. Rendering is the caller's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metak.h"

/* Open-addressing set of 64-bit fingerprints of the names seen. */
struct seen {
	uint64_t *slot;
	size_t cap, n;
};

static uint64_t
fingerprint(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ? h : 1;	/* 0 marks an empty slot */
}

/* 1 if added, 0 if already there, -1 out of memory. */
static int
seen_add(struct seen *z, const char *name)
{
	uint64_t h = fingerprint(name);

	if (2 * (z->n + 1) > z->cap) {
		size_t cap = z->cap ? 2 * z->cap : 1024;
		uint64_t *s = calloc(cap, sizeof(*s));
		if (s == NULL)
			return -1;
		for (size_t i = 0; i < z->cap; i++)
			if (z->slot[i]) {
				size_t j = z->slot[i] & (cap - 1);
				while (s[j])
					j = (j + 1) & (cap - 1);
				s[j] = z->slot[i];
			}
		free(z->slot);
		z->slot = s;
		z->cap = cap;
	}
	size_t j = h & (z->cap - 1);
	while (z->slot[j]) {
		if (z->slot[j] == h)
			return 0;
		j = (j + 1) & (z->cap - 1);
	}
	z->slot[j] = h;
	z->n++;
	return 1;
}

struct each {
	const mk_opts *o;
	const char *column;
	int col;
	const mk_map *where;	/* --where: COLUMN=VALUE, all must hold */
	size_t nwhere;
	int wcol[32];
	mk_table *t;
	char *current;		/* the analysis being collected */
	size_t index;		/* its number */
	long first_line;
	size_t shard_i, shard_n;
	struct seen seen;
	mk_each_fn fn;
	void *ud;
};

/* Fits the collected rows (if the shard wants them) and reports them. */
static void
finish(struct each *e)
{
	mk_err why = { 0 };
	mk_warn w = { 0 };
	mk_studies *s = NULL;
	mk_fit f;
	int ok = 0;

	memset(&f, 0, sizeof(f));
	if (e->current == NULL || e->index % e->shard_n != e->shard_i)
		goto out;
	s = mk_studies_from_table(e->t, e->o, &w, &why);
	if (s != NULL && s->k == 0)
		mk_err_set(&why, e->t->file, e->first_line, "", "no usable "
		    "study");
	else if (s != NULL)
		ok = mk_fit_run(s, e->o, &f, &w, &why) == 0;
	if (!ok && why.file[0] == '\0')
		mk_err_set(&why, e->t->file, e->first_line, "", "%s",
		    why.msg[0] ? why.msg : "cannot be fitted");
	e->fn(e->ud, e->current, e->t, s, ok ? &f : NULL, &why, &w);
out:
	mk_fit_free(&f);
	mk_studies_free(s);
	mk_warn_clear(&w);
	mk_table_truncate(e->t);
}

static int
on_row(void *ud, char **f, size_t n, long line, mk_err *err)
{
	struct each *e = ud;

	if (e->t->names == NULL) {
		if (mk_table_push(e->t, f, n, line, err) != 0 ||
		    mk_table_check_maps(e->t, e->o->maps, e->o->nmaps, err) != 0)
			return -1;
		e->col = mk_table_col(e->t, e->column, e->o->maps,
		    e->o->nmaps);
		if (e->col < 0) {
			mk_err_set(err, e->t->file, line, e->column,
			    "no such column for --each");
			return -1;
		}
		for (size_t w = 0; w < e->nwhere && w < 32; w++) {
			e->wcol[w] = mk_table_col(e->t, e->where[w].name,
			    e->o->maps, e->o->nmaps);
			if (e->wcol[w] < 0) {
				mk_err_set(err, e->t->file, line,
				    e->where[w].name, "no such column for "
				    "--where");
				return -1;
			}
		}
		return 0;
	}
	if (n != e->t->ncol)	/* let the table say what is wrong */
		return mk_table_push(e->t, f, n, line, err);
	for (size_t w = 0; w < e->nwhere && w < 32; w++)
		if (strcmp(f[e->wcol[w]], e->where[w].column) != 0)
			return 0;	/* not selected */
	const char *v = f[e->col];
	if (e->current == NULL || strcmp(v, e->current) != 0) {
		finish(e);
		if (e->current != NULL)
			e->index++;
		int added = seen_add(&e->seen, v);
		if (added < 0) {
			mk_err_set(err, e->t->file, line, "", "out of memory");
			return -1;
		}
		if (added == 0) {
			mk_err_set(err, e->t->file, line, e->t->names[e->col],
			    "analysis \"%s\" appeared earlier: the rows of one "
			    "analysis must be contiguous (sort the file by "
			    "this column)", v);
			return -1;
		}
		free(e->current);
		e->current = strdup(v);
		e->first_line = line;
		if (e->current == NULL) {
			mk_err_set(err, e->t->file, line, "", "out of memory");
			return -1;
		}
	}
	if (e->index % e->shard_n != e->shard_i)
		return 0;	/* another shard's rows: not kept */
	return mk_table_push(e->t, f, n, line, err);
}

int
mk_each_run(const char *path, const mk_opts *o, const char *column,
    const mk_map *where, size_t nwhere, size_t shard_i, size_t shard_n,
    mk_each_fn fn, void *ud, mk_err *err)
{
	struct each e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.where = where;
	e.nwhere = nwhere;
	e.o = o;
	e.column = column;
	e.shard_i = shard_i;
	e.shard_n = shard_n ? shard_n : 1;
	e.fn = fn;
	e.ud = ud;
	e.t = mk_table_new(strcmp(path, "-") == 0 ? "<stdin>" : path);
	if (e.t == NULL) {
		mk_err_set(err, path, 0, "", "out of memory");
		return -1;
	}
	rc = mk_csv_stream_file(path, on_row, &e, err);
	if (rc == 0 && e.t->names == NULL) {
		mk_err_set(err, e.t->file, 0, "", "empty file: no header row");
		rc = -1;
	}
	if (rc == 0)
		finish(&e);
	free(e.current);
	free(e.seen.slot);
	mk_table_free(e.t);
	return rc;
}
