/* each.c: many independent meta-analyses from one file (--each COLUMN):
 * streams the CSV on this thread, collects the rows of each analysis (a run
 * of equal values of the column) into batches that worker threads fit and
 * render, and hands the results back in file order; the batches' memory is
 * reused. What rendering writes is the caller's (mk_each_cb). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyses/internal.h"

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

/* One analysis: its rows (a table with the file's header), and what
 * fitting it gave. */
struct job {
	mk_table *t;
	char *name;
	size_t namecap;
	long first_line;
	int first;		/* the first analysis fitted: gets the note on
				 * columns read under export names */
	int ok;
	mk_buf out;
	mk_err why;
	mk_warn w;
};

#define BATCH_JOBS 64		/* analyses per batch, at most */
#define BATCH_ROWS 4096		/* rows per batch before it is sent off */

enum { FREE, FILLING, READY, RUNNING, DONE };

struct batch {
	struct job job[BATCH_JOBS];
	size_t n, rows;		/* complete analyses, their rows */
	size_t seq;		/* its number, in file order */
	int state;
};

struct each {
	const char *path;	/* as given ("<stdin>" for "-") */
	const mk_opts *o;
	const mk_each_spec *sp;
	const mk_each_cb *cb;
	int col;
	int wcol[32];
	mk_table *hdr;		/* the header; rows are the jobs' */
	char *current;		/* the analysis being read */
	size_t curcap;
	int have_current;
	size_t index;		/* its number */
	int noted;		/* an analysis has been handed out */
	struct seen seen;
	struct batch *fill;	/* the batch being filled, or NULL */
	struct job *job;	/* the current analysis's job, or NULL */
	mk_warn pending;	/* rows of no analysis, for the next job */

	/* the ring of batches and the threads fitting them */
	struct batch *ring;
	size_t nring;
	size_t next_fill, next_take, next_emit;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t *th;
	size_t nth;
	int quit;
};

size_t
mk_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (size_t)n : 1;
}

/* Copies s into a growing buffer; -1 out of memory. */
static int
keep_name(char **buf, size_t *cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > *cap) {
		char *p = realloc(*buf, n);
		if (p == NULL)
			return -1;
		*buf = p;
		*cap = n;
	}
	memcpy(*buf, s, n);
	return 0;
}

/* Fits one analysis and renders it (on whichever thread runs the batch). */
static void
run_job(const struct each *e, struct job *j)
{
	mk_studies *s = NULL;
	mk_fit f;

	memset(&f, 0, sizeof(f));
	memset(&j->why, 0, sizeof(j->why));
	j->ok = 0;
	j->t->cache->noted = !j->first;
	s = mk_studies_from_table(j->t, e->o, &j->w, &j->why);
	if (s != NULL && s->k == 0)
		mk_err_set(&j->why, j->t->file, j->first_line, "", "no usable "
		    "study");
	else if (s != NULL) {
		size_t w0 = j->w.n;	/* the fit's warnings name the analysis */
		j->ok = mk_fit_run(s, e->o, &f, &j->w, &j->why) == 0;
		mk_warn_prefix(&j->w, w0, "%s:%ld: analysis \"%s\": ",
		    j->t->file, j->first_line, j->name);
	}
	if (!j->ok && (j->why.file[0] == '\0' || j->why.line <= 0))
		/* the analysis's file and line, the reason kept */
		mk_err_set(&j->why, j->t->file, j->why.line > 0 ? j->why.line :
		    j->first_line, j->why.column, "%s", j->why.msg[0] ?
		    j->why.msg : "cannot be fitted");
	e->cb->render(e->cb->ud, &j->out, j->name, j->t, s, j->ok ? &f : NULL,
	    &j->why);
	mk_fit_free(&f);
	mk_studies_free(s);
	mk_table_truncate(j->t);
}

static void
run_batch(const struct each *e, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		run_job(e, &b->job[i]);
}

static void *
worker(void *ud)
{
	struct each *e = ud;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		struct batch *b = &e->ring[e->next_take % e->nring];
		if (b->state == READY && b->seq == e->next_take) {
			b->state = RUNNING;
			e->next_take++;
			pthread_mutex_unlock(&e->mu);
			run_batch(e, b);
			pthread_mutex_lock(&e->mu);
			b->state = DONE;
			pthread_cond_broadcast(&e->done);
			continue;
		}
		if (e->quit)
			break;
		pthread_cond_wait(&e->work, &e->mu);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* Hands the finished batches to emit, in file order: every one numbered
 * below upto, waiting for them, then any others already done. Called on
 * the reading thread only. */
static void
emit_ready(struct each *e, size_t upto)
{
	pthread_mutex_lock(&e->mu);
	while (e->next_emit < e->next_fill) {
		struct batch *b = &e->ring[e->next_emit % e->nring];
		if (b->state != DONE) {
			if (e->next_emit >= upto)
				break;
			pthread_cond_wait(&e->done, &e->mu);
			continue;
		}
		pthread_mutex_unlock(&e->mu);
		for (size_t i = 0; i < b->n; i++) {
			struct job *j = &b->job[i];
			e->cb->emit(e->cb->ud, j->name, &j->out,
			    j->ok ? NULL : &j->why, &j->w);
			j->out.len = 0;
			j->out.oom = 0;
			mk_warn_clear(&j->w);
		}
		b->n = b->rows = 0;
		pthread_mutex_lock(&e->mu);
		b->state = FREE;
		e->next_emit++;
	}
	pthread_mutex_unlock(&e->mu);
}

/* Sends the batch being filled off: to the workers, or fitted here. */
static void
dispatch(struct each *e)
{
	struct batch *b = e->fill;

	e->fill = NULL;
	if (b == NULL)
		return;
	if (e->nth == 0) {
		run_batch(e, b);
		b->state = DONE;
	} else {
		pthread_mutex_lock(&e->mu);
		b->state = READY;
		pthread_cond_broadcast(&e->work);
		pthread_mutex_unlock(&e->mu);
	}
	emit_ready(e, 0);
}

/* The next batch to fill, once the one in its ring slot is emitted. */
static struct batch *
fresh_batch(struct each *e)
{
	struct batch *b = &e->ring[e->next_fill % e->nring];

	for (;;) {
		pthread_mutex_lock(&e->mu);
		int state = b->state;
		if (state == FREE) {
			b->state = FILLING;
			b->seq = e->next_fill++;
		}
		pthread_mutex_unlock(&e->mu);
		if (state == FREE)
			return b;
		emit_ready(e, b->seq + 1);	/* the slot's batch, first */
	}
}

/* A job for a new analysis (in the batch being filled); NULL: memory. */
static struct job *
new_job(struct each *e, const char *name, long line)
{
	if (e->fill == NULL)
		e->fill = fresh_batch(e);
	struct job *j = &e->fill->job[e->fill->n];
	if (j->t == NULL) {
		mk_err err;
		j->t = mk_table_new(e->path);
		if (j->t != NULL)
			j->t->decimal = e->o->decimal;
		if (j->t == NULL || mk_table_push(j->t, e->hdr->names,
		    e->hdr->ncol, e->hdr->header_line, &err) != 0) {
			mk_table_free(j->t);
			j->t = NULL;
			return NULL;
		}
	}
	if (keep_name(&j->name, &j->namecap, name) != 0)
		return NULL;
	for (size_t i = 0; i < e->pending.n; i++)	/* rows before it */
		mk_warn_add(&j->w, "%s", e->pending.msg[i]);
	mk_warn_clear(&e->pending);
	j->first_line = line;
	j->first = !e->noted;
	e->noted = 1;
	return j;
}

/* The current analysis is complete: it joins its batch. */
static void
close_job(struct each *e)
{
	if (e->job == NULL)
		return;
	e->fill->rows += e->job->t->nrow;
	e->fill->n++;
	e->job = NULL;
	if (e->fill->n == BATCH_JOBS || e->fill->rows >= BATCH_ROWS)
		dispatch(e);
}

static int
on_header(struct each *e, char **f, size_t n, long line, mk_err *err)
{
	const mk_each_spec *sp = e->sp;

	if (mk_table_push(e->hdr, f, n, line, err) != 0 ||
	    mk_table_check_maps(e->hdr, e->o->maps, e->o->nmaps, err) != 0)
		return -1;
	e->col = mk_table_col(e->hdr, sp->column, e->o->maps, e->o->nmaps);
	if (e->col < 0) {
		const char *near = mk_table_suggest_col(e->hdr, sp->column);
		mk_err_set(err, e->hdr->file, line, sp->column,
		    "no such column for --each%s%s%s", near ? "; did you mean "
		    "\"" : "", near ? near : "", near ? "\"?" : "");
		return -1;
	}
	for (size_t w = 0; w < sp->nwhere && w < 32; w++) {
		e->wcol[w] = mk_table_col(e->hdr, sp->where[w].name,
		    e->o->maps, e->o->nmaps);
		if (e->wcol[w] < 0) {
			const char *near = mk_table_suggest_col(e->hdr,
			    sp->where[w].name);
			mk_err_set(err, e->hdr->file, line, sp->where[w].name,
			    "no such column for --where%s%s%s", near ? "; did "
			    "you mean \"" : "", near ? near : "", near ? "\"?" :
			    "");
			return -1;
		}
	}
	return 0;
}

/* A row whose analysis value is missing (empty, NA, ...) belongs to no
 * analysis: the warning goes with the analysis being read, or with the
 * next one (pending). */
static int
missing_row(struct each *e, const char *v, long line)
{
	mk_warn *w = e->job != NULL ? &e->job->w : &e->pending;

	mk_warn_add(w, "%s:%ld: %s is %s: the row belongs to no analysis and "
	    "is left out", e->hdr->file, line, e->hdr->names[e->col], v[0] ?
	    "missing" : "empty");
	return 0;
}

static int
on_row(void *ud, char **f, size_t n, long line, mk_err *err)
{
	struct each *e = ud;
	const mk_each_spec *sp = e->sp;

	if (e->hdr->names == NULL)
		return on_header(e, f, n, line, err);
	if (n != e->hdr->ncol)	/* let the table say what is wrong */
		return mk_table_push(e->hdr, f, n, line, err);
	for (size_t w = 0; w < sp->nwhere && w < 32; w++) {
		if (e->o->decimal == ',')	/* as the table will read it */
			(void)mk_decimal_comma(f[e->wcol[w]]);
		if (!mk_where_match(f[e->wcol[w]], sp->where[w].column))
			return 0;	/* not selected */
	}
	const char *v = f[e->col];
	if (mk_missing(v))	/* no analysis: left out, said by the one */
		return missing_row(e, v, line);	/* being read or the next */
	if (!e->have_current || strcmp(v, e->current) != 0) {
		close_job(e);
		if (e->have_current)
			e->index++;
		int added = seen_add(&e->seen, v);
		if (added < 0 || keep_name(&e->current, &e->curcap, v) != 0) {
			mk_err_set(err, e->hdr->file, line, "", "out of memory");
			return -1;
		}
		if (added == 0) {
			mk_err_set(err, e->hdr->file, line,
			    e->hdr->names[e->col], "analysis \"%s\" appeared "
			    "earlier: the rows of one analysis must be "
			    "contiguous (sort the file by this column)", v);
			return -1;
		}
		e->have_current = 1;
		if (e->index % sp->shard_n == sp->shard_i &&
		    (e->job = new_job(e, v, line)) == NULL) {
			mk_err_set(err, e->hdr->file, line, "", "out of memory");
			return -1;
		}
	}
	if (e->job == NULL)
		return 0;	/* another shard's rows: not kept */
	return mk_table_push(e->job->t, f, n, line, err);
}

/* Starts up to jobs threads (none for 1); fewer if the system refuses. */
static int
start(struct each *e, size_t jobs)
{
	size_t want = jobs > 1 ? jobs : 0;

	if (want > 256)
		want = 256;
	e->nring = want ? 2 * want + 2 : 1;
	e->ring = calloc(e->nring, sizeof(*e->ring));
	e->th = want ? calloc(want, sizeof(*e->th)) : NULL;
	if (e->ring == NULL || (want && e->th == NULL))
		return -1;
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->work, NULL);
	pthread_cond_init(&e->done, NULL);
	for (e->nth = 0; e->nth < want; e->nth++)
		if (pthread_create(&e->th[e->nth], NULL, worker, e) != 0)
			break;
	return 0;
}

static void
stop(struct each *e)
{
	if (e->ring == NULL) {
		free(e->th);
		return;
	}
	pthread_mutex_lock(&e->mu);
	e->quit = 1;
	pthread_cond_broadcast(&e->work);
	pthread_mutex_unlock(&e->mu);
	for (size_t i = 0; i < e->nth; i++)
		pthread_join(e->th[i], NULL);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->work);
	pthread_cond_destroy(&e->done);
	for (size_t r = 0; r < e->nring; r++)
		for (size_t i = 0; i < BATCH_JOBS; i++) {
			struct job *j = &e->ring[r].job[i];
			mk_table_free(j->t);
			free(j->name);
			mk_buf_free(&j->out);
			mk_warn_clear(&j->w);
		}
	free(e->ring);
	free(e->th);
}

int
mk_each_run(const char *path, const mk_opts *o, const mk_each_spec *sp_in,
    const mk_each_cb *cb, mk_err *err)
{
	mk_each_spec sp = *sp_in;
	struct each e;
	int rc;

	memset(&e, 0, sizeof(e));
	if (sp.shard_n == 0)
		sp.shard_n = 1;
	e.o = o;
	e.sp = &sp;
	e.cb = cb;
	e.path = strcmp(path, "-") == 0 ? "<stdin>" : path;
	e.hdr = mk_table_new(e.path);
	if (e.hdr == NULL || start(&e, sp.jobs) != 0) {
		stop(&e);
		mk_table_free(e.hdr);
		mk_err_set(err, path, 0, "", "out of memory");
		return -1;
	}
	e.hdr->decimal = o->decimal;
	rc = mk_csv_stream_sep(path, o->sep, on_row, &e, err);
	if (rc == 0 && e.hdr->names == NULL) {
		mk_err_set(err, e.hdr->file, 0, "", "empty file: no header row");
		rc = -1;
	}
	if (rc == 0)
		close_job(&e);
	else if (e.job != NULL) {
		mk_table_truncate(e.job->t);	/* incomplete: not fitted */
		e.job = NULL;
	}
	dispatch(&e);
	emit_ready(&e, e.next_fill);
	stop(&e);
	mk_warn_clear(&e.pending);	/* (another shard's rows) */
	free(e.current);
	free(e.seen.slot);
	mk_table_free(e.hdr);
	return rc;
}
