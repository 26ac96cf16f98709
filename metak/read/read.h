/* read.h: CSV records into a table of cells with the line of each row, the
 * canonical columns found in its header, and the view of its rows that
 * reports show. Calls base only. */
#ifndef METAK_READ_H
#define METAK_READ_H

#include "base/base.h"

/* ---- CSV reading (csvin.c) --------------------------------------------- */

/* Called once per record: fields are NUL-terminated; line is where the
 * record starts (1-based). Return 0 to go on, -1 to stop (err filled). */
typedef int (*mk_row_fn)(void *ud, char **fields, size_t n, long line,
    mk_err *err);

/* Streams a CSV file ("-" = stdin) record by record. */
int mk_csv_stream_file(const char *path, mk_row_fn fn, void *ud, mk_err *err);
/* The same with fields separated by sep (',', ';', '\t', '|'). */
int mk_csv_stream_sep(const char *path, int sep, mk_row_fn fn, void *ud,
    mk_err *err);
/* The same over a buffer in memory; name is used in messages. */
int mk_csv_stream_mem(const char *name, const char *data, size_t len,
    mk_row_fn fn, void *ud, mk_err *err);

/* ---- the table of studies (table.c, columns.c, rows.c) ---------------- */

/* The canonical columns metak reads (columns.c). An arm's summary has 11
 * fields (MK_ARM_*), the treatment arm's first, then the control arm's. */
enum {
	MK_ARM_MEAN, MK_ARM_SD, MK_ARM_N, MK_ARM_SE, MK_ARM_LO, MK_ARM_HI,
	MK_ARM_MEDIAN, MK_ARM_Q1, MK_ARM_Q3, MK_ARM_MIN, MK_ARM_MAX,
	MK_ARM_FIELDS
};
typedef enum mk_colid {
	MK_C_ARM_T = 0, MK_C_ARM_C = MK_ARM_FIELDS,
	MK_C_EVENTS_T = 2 * MK_ARM_FIELDS, MK_C_EVENTS_C, MK_C_RI, MK_C_NI,
	MK_C_EVENTS, MK_C_N, MK_C_TIME_T, MK_C_TIME_C, MK_C_TIME,
	MK_C_ESTIMATE, MK_C_CI_LOW, MK_C_CI_HIGH, MK_C_SE, MK_C_P, MK_C_YI,
	MK_C_VI, MK_C_SEI, MK_C_STUDY, MK_C_RETRACTED, MK_C_CONCERN, MK_NCOLS
} mk_colid;
#define MK_C_N_T (MK_C_ARM_T + MK_ARM_N)
#define MK_C_N_C (MK_C_ARM_C + MK_ARM_N)

/* Where the canonical columns are in a table's header, found once and
 * kept so that the many small tables of --each (one header, reused) are
 * not searched again. */
typedef struct mk_colcache {
	const mk_map *maps;	/* the --map list the search used */
	size_t nmaps;
	int found;
	int col[MK_NCOLS];	/* -1: not in the header */
	int noted;		/* the export-name note was given */
} mk_colcache;

typedef struct mk_table {
	char *file;		/* name used in messages */
	mk_colcache *cache;
	size_t ncol, nrow;
	char **names;		/* header, as written */
	int sep;		/* the field separator read (0: ',') */
	int decimal;		/* ',': cells such as 1,5 are read as 1.5 */
	size_t *off;		/* nrow * ncol offsets into arena, row-major */
	long *line;		/* line of each row */
	long header_line;	/* the header's line (after blank lines) */
	size_t cap;
	char *arena;		/* cell text, NUL-terminated; "" = missing */
	size_t arena_len, arena_cap;
} mk_table;

mk_table *mk_table_new(const char *file);
void mk_table_free(mk_table *t);
/* Reads a whole CSV file into a table; checks the header and row widths. */
mk_table *mk_table_read(const char *path, mk_err *err);
/* The same for a file of another dialect: fields separated by sep (0:
 * ','), numbers with the decimal mark decimal (0: '.'; ',': a cell that is
 * a number written with one decimal comma, such as -1,25 or 3,4e-2, is
 * kept as -1.25, 3.4e-2). */
mk_table *mk_table_read_as(const char *path, int sep, int decimal,
    mk_err *err);
/* Cell text written with a decimal comma as a number with a point, in
 * place; returns 1 when it changed s. */
int mk_decimal_comma(char *s);
mk_table *mk_table_parse(const char *name, const char *data, size_t len,
    mk_err *err);
/* Did you mean (suggest.c): the header name nearest to name, and the
 * value of column col nearest to value (the cell's text, valid while t
 * is); NULL when none is close. */
const char *mk_table_suggest_col(const mk_table *t, const char *name);
const char *mk_table_suggest_value(const mk_table *t, int col,
    const char *value);
/* Every column a --map names exists (else err, naming it). */
int mk_table_check_maps(const mk_table *t, const mk_map *maps, size_t nmaps,
    mk_err *err);
/* Is name one of the canonical column names metak reads (columns.c)? */
int mk_canonical(const char *name);
const char *mk_col_name(mk_colid id);
/* The column of t that a spreadsheet or RevMan export names for the
 * canonical column `name` ("Experimental Events" for events_t, R meta's
 * "event.e"), compared without case, spaces or punctuation; -1: none. */
int mk_alias_col(const mk_table *t, const char *name);
/* Writes into out the canonical columns found under export names
 * ('events_t = "Experimental Events", ...'); 0 when there are none. */
int mk_alias_note(const mk_table *t, const int *col, char *out, size_t n);
/* Writes into out the header's column closest to the canonical `name`
 * (by edit distance without case and punctuation), if one is close; 0
 * when none is. */
int mk_col_suggest(const mk_table *t, const char *name, char *out, size_t n);
/* The column of each canonical name in t under o's --map (cached). */
const int *mk_columns(const mk_table *t, const struct mk_opts *o);
/* The header's column named name (case-insensitive), or -1 (table.c). */
int mk_table_find(const mk_table *t, const char *name);
/* Column index of canonical name (honouring maps, then the names exports
 * give it), case-insensitive; -1 (columns.c). */
int mk_table_col(const mk_table *t, const char *name, const mk_map *maps,
    size_t nmaps);
const char *mk_table_cell(const mk_table *t, size_t row, int col);
/* Adds a record: the first one pushed is the header. 0 or -1 (err). */
int mk_table_push(mk_table *t, char **f, size_t n, long line, mk_err *err);
/* Drops every row, keeps the header and the memory. */
void mk_table_truncate(mk_table *t);
/* Keeps only rows for which keep[row] is nonzero. */
void mk_table_filter(mk_table *t, const unsigned char *keep);

/* A header name as lower-case letters and digits only (columns.c), as
 * export names are compared. */
void mk_squeeze(const char *s, char *out, size_t n);

/* The columns a forest plot shows beside each study (robcols.c): the
 * user's (--columns) and the risk-of-bias judgements found in the header
 * (rob_d1 ... rob_overall, RevMan 5's export names). Strings are the
 * table's, or static. */
typedef enum { MK_ROB_NONE, MK_ROB_LOW, MK_ROB_SOME, MK_ROB_HIGH,
    MK_ROB_CRITICAL, MK_ROB_NOINFO } mk_robj;
#define MK_MAXCOLS 16
#define MK_MAXROB 12
typedef struct mk_rowcols {
	size_t ncols;			/* --columns */
	const char *colname[MK_MAXCOLS];	/* as in the header */
	int colnum[MK_MAXCOLS];		/* every value a number */
	const char **cell;		/* nrow x ncols, row-major */
	size_t nrob;			/* risk-of-bias domains, overall last */
	const char *robhead[MK_MAXROB];	/* "D1", "A", "Overall" */
	const char *roblabel[MK_MAXROB];	/* the domain, in words */
	unsigned char *rob;		/* nrow x nrob mk_robj */
	const char *tool;		/* "RoB 2", "ROBINS-I", "RoB 1,
					 * as RevMan 5"; NULL: none named */
} mk_rowcols;
/* cols[0..ncols) the --columns names (found as --map and export names
 * allow; a missing one is a usage error); risk-of-bias columns found by
 * name, a value that is no judgement an error naming its line. */
int mk_rowcols_init(mk_rowcols *x, const mk_table *t, const struct mk_opts *o,
    const char *const *cols, size_t ncols, mk_err *err);
void mk_rowcols_free(mk_rowcols *x);

/* What a report shows of a table's rows (rows.c), so that renderers never
 * read the table: the file's name, each row's line and study label ("":
 * none; shown as "line N"), its concern cell ("": none), and with --sort
 * year|COLUMN the cell each row is ordered by (key NULL: no such column).
 * Strings are the table's. */
typedef struct mk_rows {
	const char *file;
	size_t n;
	const long *line;
	const char **label;
	const char **key;
	mk_rowcols cols;	/* shown beside the studies (robcols.c) */
	const char **concern;	/* the concern column ("": none) */
} mk_rows;
int mk_rows_init(mk_rows *v, const mk_table *t, const struct mk_opts *o,
    const char *keycol, mk_err *err);
void mk_rows_free(mk_rows *v);

#endif
