/* csvin.c: the only file that includes <csv.h>. Turns CSV bytes (a file,
 * stdin or memory) into records handed one at a time to a callback, each
 * with the line it starts on. It knows nothing of headers or columns. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "read/internal.h"

#define FIELD_MAX (1u << 20)	/* longest field we accept: 1 MiB */
#define FIELDS_MAX 100000	/* most fields in one record */
#define PIECE 65536		/* bytes handed to libcsv at a time */

struct rd {
	const char *name;
	mk_row_fn fn;
	void *ud;
	mk_err *err;
	char **f;		/* fields of the record (set when it ends) */
	size_t *off;		/* where each field starts in text */
	size_t nf, capf;
	char *text;		/* the record's fields, NUL-separated */
	size_t tlen, tcap;
	long line;		/* current line (1-based) */
	long start;		/* line the current record started on */
	int failed;
	int bom_checked;
	size_t pending;		/* bytes fed since the last field ended */
	int saw_field;		/* a field ended during the current feed */
	int after_cr;		/* the last piece ended with a CR */
};

static void
fail(struct rd *r, long line, const char *msg)
{
	if (r->failed)
		return;
	r->failed = 1;
	mk_err_set(r->err, r->name, line, "", "%s", msg);
}

/* Appends a field to the record's text (one buffer, no allocation per
 * field once it has grown). */
static void
on_field(void *s, size_t len, void *ud)
{
	struct rd *r = ud;

	if (r->failed)
		return;
	r->saw_field = 1;
	if (len > FIELD_MAX) {
		fail(r, r->line, "field longer than 1 MiB");
		return;
	}
	if (r->nf == FIELDS_MAX) {
		fail(r, r->line, "more than 100000 fields in one record");
		return;
	}
	if (r->nf == r->capf) {
		size_t cap = r->capf ? 2 * r->capf : 16;
		char **g = realloc(r->f, cap * sizeof(*g));
		size_t *o = g ? realloc(r->off, cap * sizeof(*o)) : NULL;
		if (g != NULL)
			r->f = g;
		if (o == NULL) {
			fail(r, r->line, "out of memory");
			return;
		}
		r->off = o;
		r->capf = cap;
	}
	if (r->tlen + len + 1 > r->tcap) {
		size_t cap = r->tcap ? r->tcap : 256;
		while (cap < r->tlen + len + 1)
			cap *= 2;
		char *t = realloc(r->text, cap);
		if (t == NULL) {
			fail(r, r->line, "out of memory");
			return;
		}
		r->text = t;
		r->tcap = cap;
	}
	if (len > 0)
		memcpy(r->text + r->tlen, s, len);
	r->text[r->tlen + len] = '\0';
	r->off[r->nf++] = r->tlen;
	r->tlen += len + 1;
}

static void
drop_fields(struct rd *r)
{
	r->nf = 0;
	r->tlen = 0;
}

static void
on_record(int c, void *ud)
{
	struct rd *r = ud;

	(void)c;
	for (size_t i = 0; i < r->nf; i++)
		r->f[i] = r->text + r->off[i];
	if (!r->failed && r->fn(r->ud, r->f, r->nf, r->start, r->err) != 0)
		r->failed = 1;
	drop_fields(r);
}

/* Feeds one piece that holds at most one line break (LF or CR), at its
 * end. */
static int
feed(struct csv_parser *p, struct rd *r, const char *s, size_t n)
{
	if (memchr(s, '\0', n) != NULL) {
		fail(r, r->line, "contains a NUL byte; is this a text CSV file?");
		return -1;
	}
	if (p->pstate == 0 && r->nf == 0)
		r->start = r->line;	/* a record (if any) begins here */
	r->saw_field = 0;
	if (csv_parse(p, s, n, on_field, on_record, r) != n && !r->failed) {
		fail(r, r->line, csv_error(p) == CSV_EPARSE ?
		    "malformed quoting: a stray '\"' inside a field or text "
		    "after a closing quote" : "out of memory");
		return -1;
	}
	if (r->failed)
		return -1;
	/* stop a runaway field before libcsv buffers all of it */
	r->pending = r->saw_field ? 0 : r->pending + n;
	if (r->pending > FIELD_MAX + PIECE) {
		fail(r, r->line, "field longer than 1 MiB");
		return -1;
	}
	/* a line ends at LF, CR LF or a lone CR (old Mac, some exports) */
	if (n > 0 && (s[n - 1] == '\r' || (s[n - 1] == '\n' &&
	    !(n == 1 && r->after_cr))))
		r->line++;
	r->after_cr = n > 0 && s[n - 1] == '\r';
	return 0;
}

/* Splits a chunk at line breaks (LF or CR) and feeds it; a leading UTF-8
 * BOM is skipped. */
static int
feed_chunk(struct csv_parser *p, struct rd *r, const char *s, size_t n)
{
	if (!r->bom_checked && n >= 3) {
		r->bom_checked = 1;
		if (memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			n -= 3;
		}
	}
	while (n > 0) {
		size_t max = n < PIECE ? n : PIECE, len = max;
		for (size_t i = 0; i < max; i++)
			if (s[i] == '\n' || s[i] == '\r') {
				len = i + 1;
				break;
			}
		if (feed(p, r, s, len) != 0)
			return -1;
		s += len;
		n -= len;
	}
	return 0;
}

static int
begin(struct csv_parser *p, struct rd *r, const char *name, mk_row_fn fn,
    void *ud, mk_err *err, int sep)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->fn = fn;
	r->ud = ud;
	r->err = err;
	r->line = 1;
	r->start = 1;
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		mk_err_set(err, name, 0, "", "out of memory");
		return -1;
	}
	csv_set_delim(p, (unsigned char)(sep ? sep : ','));
	return 0;
}

static int
finish(struct csv_parser *p, struct rd *r, int ok)
{
	if (ok == 0 && !r->failed) {
		long start = r->start;
		if (csv_fini(p, on_field, on_record, r) != 0 && !r->failed)
			fail(r, start, "unterminated quoted field (a '\"' "
			    "is never closed)");
	}
	drop_fields(r);
	free(r->f);
	free(r->off);
	free(r->text);
	csv_free(p);
	return r->failed ? -1 : 0;
}

int
mk_csv_stream_mem(const char *name, const char *data, size_t len,
    mk_row_fn fn, void *ud, mk_err *err)
{
	struct csv_parser p;
	struct rd r;

	if (begin(&p, &r, name, fn, ud, err, ',') != 0)
		return -1;
	r.bom_checked = len < 3;
	return finish(&p, &r, feed_chunk(&p, &r, data, len));
}

int
mk_csv_stream_file(const char *path, mk_row_fn fn, void *ud, mk_err *err)
{
	return mk_csv_stream_sep(path, ',', fn, ud, err);
}

int
mk_csv_stream_sep(const char *path, int sep, mk_row_fn fn, void *ud,
    mk_err *err)
{
	struct csv_parser p;
	struct rd r;
	struct stat st;
	FILE *fp;
	char *chunk;
	size_t n;
	int rc = 0;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

	fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (fp == NULL) {
		mk_err_set(err, name, 0, "", "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		mk_err_set(err, name, 0, "", "is a directory, not a CSV file");
		if (fp != stdin)
			fclose(fp);
		return -1;
	}
	chunk = malloc(PIECE);
	if (chunk == NULL || begin(&p, &r, name, fn, ud, err, sep) != 0) {
		free(chunk);
		if (fp != stdin)
			fclose(fp);
		mk_err_set(err, name, 0, "", "out of memory");
		return -1;
	}
	while (rc == 0 && (n = fread(chunk, 1, PIECE, fp)) > 0) {
		/* a BOM split across reads cannot happen: the first read is
		 * PIECE bytes unless the file is shorter */
		if (!r.bom_checked && n < 3)
			r.bom_checked = 1;
		rc = feed_chunk(&p, &r, chunk, n);
	}
	if (rc == 0 && ferror(fp)) {
		fail(&r, r.line, "read error");
		mk_err_set(err, name, 0, "", "read error: %s", strerror(errno));
		rc = -1;
	}
	free(chunk);
	if (fp != stdin)
		fclose(fp);
	return finish(&p, &r, rc);
}
