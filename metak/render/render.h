/* render.h: results as text, JSON and CSV into a buffer, and what the
 * plots share (the effect axis, how values are shown, text widths). Calls
 * analyses and the layers below; it is handed the rows it shows (mk_rows),
 * never the table. */
#ifndef METAK_RENDER_H
#define METAK_RENDER_H

#include "analyses/analyses.h"

/* ---- what a renderer is given (report.c and the others) ----------------- */

/* Labels of a forest plot; NULL picks the default. */
#define MK_PLOT_MAXAT 16
typedef struct mk_plot_opts {
	const char *title;
	const char *favours_left, *favours_right;
	const char *label_t, *label_c;	/* the arms' headings */
	int xlim_set;			/* xlim holds the axis' range */
	double xlim[2];			/* natural scale */
	double at[MK_PLOT_MAXAT];	/* ticks, natural scale */
	int nat;
	int sort;			/* mk_sort: the study rows' order */
	const char *sort_col;		/* MK_SORT_COLUMN: by this column */
	int no_imputed;			/* funnel: trim-and-fill points hidden */
	int good;			/* mk_good: which outcome values are
					 * good, for the "favours" labels */
	int digits;			/* decimals of effects shown (text,
					 * plots, CSV); 0: from their scale */
} mk_plot_opts;

/* Which values of the outcome are good (--good): unknown (no default
 * "favours" labels), lower (fewer events, less pain: an effect below no
 * effect favours the treatment) or higher (bone density, remission). */
typedef enum { MK_GOOD_UNKNOWN, MK_GOOD_LOWER, MK_GOOD_HIGHER } mk_good;

typedef enum { MK_SORT_FILE, MK_SORT_EFFECT, MK_SORT_WEIGHT, MK_SORT_YEAR,
    MK_SORT_COLUMN } mk_sort;

typedef struct mk_result {
	const mk_rows *rows;
	const mk_studies *studies;
	const mk_opts *opts;
	const mk_fit *fit;
	const mk_subgroups *sub;	/* NULL without --by */
	int no_studies;			/* leave the per-study rows out */
	const mk_plot_opts *plot;	/* NULL: defaults */
	const char *analysis;		/* --each: JSON Lines, this name */
	const mk_metareg *reg;		/* a meta-regression (--mods) */
	int cols;			/* text to a terminal this wide; 0:
					 * not a terminal (80 columns, or
					 * wider for long labels) */
	const mk_influence *infl;	/* --influence: shown after the
					 * report (inflout.c) */
	const mk_sof *sof;		/* --sof: summary of findings,
					 * after the report (sofout.c) */
} mk_result;

void mk_render_text(mk_buf *b, const mk_result *r);
void mk_render_json(mk_buf *b, const mk_result *r);
void mk_render_csv(mk_buf *b, const mk_result *r);
/* --each output: the CSV header and row (f NULL: not fitted, NA; dec > 0:
 * the effect columns with dec decimals, --digits, as mk_render_csv), and
 * the JSON line of an analysis that could not be fitted (fitted ones:
 * mk_render_json with mk_result.analysis set). */
void mk_render_each_header(mk_buf *b);
void mk_render_each_csv(mk_buf *b, const char *analysis, const mk_fit *f,
    size_t k, int dec);
void mk_render_each_json_error(mk_buf *b, const char *analysis, size_t k,
    const char *error);
/* A meta-regression, multilevel or robust fit (regout.c, regtext.c;
 * r->reg set). */
void mk_render_reg_json(mk_buf *b, const mk_result *r);
void mk_render_reg_csv(mk_buf *b, const mk_result *r);
void mk_render_reg_text(mk_buf *b, const mk_result *r);
/* Leave-one-out or cumulative steps (stepsout.c; drawn by stepsvg.c). */
void mk_render_steps_text(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);
void mk_render_steps_csv(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);
void mk_render_steps_json(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);
/* Influence diagnostics (inflout.c): the report's "influence" list (JSON,
 * after its other keys), its text table (after the report) and CSV. */
void mk_json_influence(mk_buf *b, const mk_result *r);
void mk_render_influence_text(mk_buf *b, const mk_result *r);
void mk_render_influence_csv(mk_buf *b, const mk_result *r);
/* Summary-of-findings numbers (sofout.c): the report's "sof" object
 * (JSON, after its other keys), the text table (after the report), CSV. */
void mk_json_sof(mk_buf *b, const mk_result *r);
void mk_render_sof_text(mk_buf *b, const mk_result *r);
void mk_render_sof_csv(mk_buf *b, const mk_result *r);
/* Small-study tests as JSON or text (biasout.c). */
void mk_render_bias_json(mk_buf *b, const mk_result *r, const mk_bias *bi);
void mk_render_bias_text(mk_buf *b, const mk_result *r, const mk_bias *bi);
/* Label of table row row, and of study i of s (the study column, else
 * "line N"). */
const char *mk_row_label(const mk_result *r, size_t row, char *tmp,
    size_t tmpsz);
const char *mk_study_label(const mk_result *r, const mk_studies *s, size_t i,
    char *tmp, size_t tmpsz);

/* Rendering a check (checkout.c): rows of the full data, then those of
 * subsets (ndrop > 0); found and tried: mk_check_subsets' counts. */
void mk_render_check_json(mk_buf *b, const mk_claim *c,
    const mk_check_row *rows, size_t n, size_t found, size_t tried);
void mk_render_check_text(mk_buf *b, const char *file, const mk_claim *c,
    const mk_check_row *rows, size_t n, size_t found, size_t tried);
void mk_render_consistency(mk_buf *b, const mk_claim *c,
    const mk_consistency *k, int json);

/* A network meta-analysis (netout.c: JSON, CSV; nettext.c: text). */
void mk_render_network_json(mk_buf *b, const mk_network *n);
void mk_render_network_csv(mk_buf *b, const mk_network *n);
void mk_render_network_text(mk_buf *b, const mk_network *n);
/* Treatment t against the reference: estimate, se, ci_low, ci_high, p,
 * pi_low, pi_high into v[7]; and the treatments by P-score, best first
 * (malloc'd; NULL when memory runs out). */
void mk_network_effect(const mk_network *n, size_t t, double *v);
size_t *mk_network_ranked(const mk_network *n);

#endif
