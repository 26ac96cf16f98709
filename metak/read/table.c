/* table.c: the table of studies as read: header names and cell text, with
 * the line each row came from. Checks shape (header, widths, UTF-8) only;
 * what the cells mean is effect.c's business. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/internal.h"

mk_table *
mk_table_new(const char *file)
{
	mk_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	/* the name shown in reports and messages: control characters and
	 * bytes that are not UTF-8 escaped */
	size_t n = 4 * strlen(file ? file : "") + 8;
	t->file = malloc(n);
	if (t->file != NULL)
		mk_escape(file ? file : "", t->file, n);
	t->cache = calloc(1, sizeof(*t->cache));
	if (t->file == NULL || t->cache == NULL) {
		free(t->file);
		free(t->cache);
		free(t);
		return NULL;
	}
	return t;
}

void
mk_table_free(mk_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; t->names != NULL && i < t->ncol; i++)
		free(t->names[i]);
	free(t->names);
	free(t->off);
	free(t->line);
	free(t->arena);
	free(t->file);
	free(t->cache);
	free(t);
}

/* Length of the valid UTF-8 prefix of s; equals strlen(s) when valid. */
static size_t
utf8_valid(const unsigned char *s)
{
	const unsigned char *p = s;

	while (*p) {
		unsigned c = *p;
		size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 :
		    (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
		if (n == 9 || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4))
			break;
		size_t j;
		for (j = 1; j <= n; j++)
			if ((p[j] & 0xC0) != 0x80)
				break;
		if (j <= n)
			break;
		p += n + 1;
	}
	return (size_t)(p - s);
}

static char *
trimmed_dup(const char *s)
{
	size_t n;

	s = mk_trim(s, &n);
	char *d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int
set_header(mk_table *t, char **f, size_t n, long line, mk_err *err)
{
	t->header_line = line;
	t->names = calloc(n, sizeof(*t->names));
	if (t->names == NULL) {
		mk_err_set(err, t->file, line, "", "out of memory");
		return -1;
	}
	mk_strmap seen = { 0 };	/* lower-cased names: duplicates in O(n) */
	for (size_t i = 0; i < n; i++) {
		if (utf8_valid((const unsigned char *)f[i]) != strlen(f[i])) {
			mk_err_set(err, t->file, line, "", "header column %zu: "
			    "invalid UTF-8", i + 1);
			goto fail;
		}
		t->names[i] = trimmed_dup(f[i]);
		if (t->names[i] == NULL) {
			mk_err_set(err, t->file, line, "", "out of memory");
			goto fail;
		}
		t->ncol = i + 1;
		if (t->names[i][0] == '\0') {
			mk_err_set(err, t->file, line, "", "header column %zu "
			    "has no name", i + 1);
			goto fail;
		}
		size_t len = strlen(t->names[i]);
		char *low = malloc(len + 1);
		if (low == NULL) {
			mk_err_set(err, t->file, line, "", "out of memory");
			goto fail;
		}
		for (size_t c = 0; c <= len; c++)
			low[c] = (char)tolower((unsigned char)t->names[i][c]);
		size_t before = seen.n, id = mk_strmap_id(&seen, low, len, 1);
		free(low);
		if (id == MK_STRMAP_OOM) {
			mk_err_set(err, t->file, line, "", "out of memory");
			goto fail;
		}
		if (seen.n == before) {
			mk_err_set(err, t->file, line, t->names[i],
			    "duplicate column name (columns %zu and %zu)",
			    id + 1, i + 1);
			goto fail;
		}
	}
	mk_strmap_free(&seen);
	if (n == 1 && t->sep != 0 && t->sep != ',' &&
	    strchr(t->names[0], ',') != NULL) {
		mk_err_set(err, t->file, line, "", "the file looks delimited "
		    "by commas (its header is one column with --sep %s): leave "
		    "--sep out", t->sep == '\t' ? "tab" : t->sep == ';' ? "';'" :
		    "bar");
		return -1;
	}
	if (n == 1 && strpbrk(t->names[0], ";\t|") != NULL) {
		/* no analysis reads one column: name the likely cause */
		const char *h = t->names[0];
		int semi = strchr(h, ';') != NULL, tab = !semi &&
		    strchr(h, '\t') != NULL;
		mk_err_set(err, t->file, line, "", "the file looks delimited "
		    "by %s (its header is one column): read it with --sep %s%s",
		    semi ? "semicolons" : tab ? "tabs" : "bars", semi ? "';'" :
		    tab ? "tab" : "'|'", semi ? " (and --decimal , where "
		    "numbers have decimal commas, as European Excel writes "
		    "them)" : "");
		return -1;
	}
	return 0;
fail:
	mk_strmap_free(&seen);
	return -1;
}

static int
grow(mk_table *t, size_t extra)
{
	if (t->nrow == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		size_t *o = realloc(t->off, cap * (t->ncol ? t->ncol : 1) *
		    sizeof(*o));
		if (o == NULL)
			return -1;
		t->off = o;
		long *l = realloc(t->line, cap * sizeof(*l));
		if (l == NULL)
			return -1;
		t->line = l;
		t->cap = cap;
	}
	if (t->arena_len + extra > t->arena_cap) {
		size_t cap = t->arena_cap ? t->arena_cap : 4096;
		while (cap < t->arena_len + extra)
			cap *= 2;
		char *a = realloc(t->arena, cap);
		if (a == NULL)
			return -1;
		t->arena = a;
		t->arena_cap = cap;
	}
	return 0;
}

int
mk_table_push(mk_table *t, char **f, size_t n, long line, mk_err *err)
{
	size_t bytes = 0;

	if (t->names == NULL)
		return set_header(t, f, n, line, err);
	if (n != t->ncol) {
		mk_err_set(err, t->file, line, "", "row has %zu field%s, the "
		    "header has %zu", n, n == 1 ? "" : "s", t->ncol);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(f[i]);
		if (utf8_valid((const unsigned char *)f[i]) != len) {
			mk_err_set(err, t->file, line, t->names[i],
			    "invalid UTF-8");
			return -1;
		}
		bytes += len + 1;
	}
	if (grow(t, bytes) != 0) {
		mk_err_set(err, t->file, line, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(f[i]);
		t->off[t->nrow * t->ncol + i] = t->arena_len;
		memcpy(t->arena + t->arena_len, f[i], len + 1);
		if (t->decimal == ',')
			(void)mk_decimal_comma(t->arena + t->arena_len);
		t->arena_len += len + 1;
	}
	t->line[t->nrow++] = line;
	return 0;
}

static int
add_row(void *ud, char **f, size_t n, long line, mk_err *err)
{
	return mk_table_push(ud, f, n, line, err);
}

void
mk_table_truncate(mk_table *t)
{
	t->nrow = 0;
	t->arena_len = 0;
}

static mk_table *
done(mk_table *t, int rc, mk_err *err)
{
	if (rc == 0 && t->names == NULL) {
		mk_err_set(err, t->file, 0, "", "empty file: no header row");
		rc = -1;
	}
	if (rc != 0) {
		mk_table_free(t);
		return NULL;
	}
	return t;
}

mk_table *
mk_table_read(const char *path, mk_err *err)
{
	return mk_table_read_as(path, 0, 0, err);
}

mk_table *
mk_table_read_as(const char *path, int sep, int decimal, mk_err *err)
{
	mk_table *t = mk_table_new(strcmp(path, "-") == 0 ? "<stdin>" : path);

	if (t == NULL) {
		mk_err_set(err, path, 0, "", "out of memory");
		return NULL;
	}
	t->sep = sep;
	t->decimal = decimal;
	return done(t, mk_csv_stream_sep(path, sep ? sep : ',', add_row, t,
	    err), err);
}

/* [+-] digits [, digits] [e [+-] digits], blanks around, one comma with a
 * digit beside it: "1,5", "-0,25", ",5", "3,4E-2". */
int
mk_decimal_comma(char *s)
{
	char *p = s, *comma = NULL;
	int digits = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+' || *p == '-')
		p++;
	for (; (*p >= '0' && *p <= '9') || (*p == ',' && comma == NULL); p++)
		if (*p == ',')
			comma = p;
		else
			digits++;
	if (comma == NULL || digits == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return 0;
	*comma = '.';
	return 1;
}

mk_table *
mk_table_parse(const char *name, const char *data, size_t len, mk_err *err)
{
	mk_table *t = mk_table_new(name);

	if (t == NULL) {
		mk_err_set(err, name, 0, "", "out of memory");
		return NULL;
	}
	return done(t, mk_csv_stream_mem(name, data, len, add_row, t, err),
	    err);
}

int
mk_table_find(const mk_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncol; i++)
		if (strcasecmp(t->names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
mk_table_cell(const mk_table *t, size_t row, int col)
{
	if (col < 0 || (size_t)col >= t->ncol || row >= t->nrow)
		return "";
	return t->arena + t->off[row * t->ncol + (size_t)col];
}

void
mk_table_filter(mk_table *t, const unsigned char *keep)
{
	size_t out = 0;

	for (size_t r = 0; r < t->nrow; r++) {
		if (!keep[r])
			continue;
		if (out != r) {
			memmove(t->off + out * t->ncol, t->off + r * t->ncol,
			    t->ncol * sizeof(*t->off));
			t->line[out] = t->line[r];
		}
		out++;
	}
	t->nrow = out;
}
