/* internal.h: what the files of plot/ share with each other and with the
 * layers above, beyond plot.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_PLOT_INTERNAL_H
#define METAK_PLOT_INTERNAL_H

#include "render/internal.h"
#include "plot/plot.h"

/* ---- the forest plot's layout and the pieces it is drawn from
 * (forestrow.c; svg.c lays them out) ---- */
#define MK_FP_ROW 18.0		/* row height */
#define MK_FP_NUMW 48.0		/* a numeric data column */
#define MK_FP_PLOTW 300.0	/* the plot area */

struct mk_forest {
	const mk_result *r;
	mk_view v;
	mk_axis ax;
	double n;		/* the pooled values' sample size (PFT) */
	double xlab, xweight, xeffect, xplot, width;
	double xraw[6];
	int nraw;
	double y;		/* baseline of the next row */
	double ytop;		/* first study row, for the null line */
	double wmax;
	double pmax;		/* a GLMM (no weights): the largest 1/SE */
	size_t *overall;	/* table row -> index in the overall fit */
	double colw;		/* width of a data column */
	double xmin, xmax;	/* the extent of the text drawn so far */
	double xcol[MK_MAXCOLS];	/* --columns' anchors (forestcols.c) */
	double xrob[MK_MAXROB];	/* risk-of-bias dots' centres */
	int dec;		/* decimals of the effects shown */
	double note_right;	/* notes wrap before this x (0: the canvas'
				 * width): left of the plot area above the
				 * axis, so that no note crosses it */
	const mk_bayes *shrink;	/* BAYES: the fit pooling the rows drawn
				 * (their shrunken effects); NULL: none */
};

/* A text element (anchor NULL, "middle" or "end"; style: extra
 * attributes); its measured extent widens L's. */
void mk_fp_text(struct mk_forest *L, mk_buf *b, double x, double y,
    const char *anchor, const char *style, const char *s);
/* The x of a position on the axis; of an analysis-scale value (nn: the
 * sample size PFT needs); and such a value as printed (natural scale). */
double mk_fp_x(const struct mk_forest *L, double v);
double mk_fp_at(const struct mk_forest *L, double v, double nn);
double mk_fp_shown(const struct mk_forest *L, double v, double nn);
/* "e [lo, hi]" as printed, or "Not estimable". */
void mk_fp_ci(char *out, size_t n, const struct mk_forest *L, double e,
    double lo, double hi, double nn);
/* A horizontal CI line clipped to the axis, with an arrow where cut. */
void mk_fp_ci_line(mk_buf *b, const struct mk_forest *L, double lo,
    double hi, double y, double nn);
void mk_fp_diamond(mk_buf *b, const struct mk_forest *L, double e,
    double lo, double hi, double y, const char *fill, double nn);
/* Degrees of freedom as printed: whole, or with 2 decimals
 * (Satterthwaite's). */
const char *mk_fp_df(double df, char *out, size_t n);
/* "P = 0.03", "P < 0.00001", as RevMan prints them. */
void mk_fp_pvalue(char *out, size_t n, double p);
/* A note line wrapped to L->note_right, else the plot's width (at "; "
 * where it can); advances L->y. */
void mk_fp_note(mk_buf *b, struct mk_forest *L, const char *s);
/* The heterogeneity and overall-effect lines under a pooled row. */
void mk_fp_het_note(mk_buf *b, struct mk_forest *L, const mk_fit *f);
/* Study i of s: label, data, weight, interval and square. */
void mk_fp_study_row(mk_buf *b, struct mk_forest *L, const mk_studies *s,
    size_t i);
/* The pooled row of fit f with its weight, totals (s: the studies it
 * pools; NULL: none) and prediction interval (nn: PFT's sample size). */
void mk_fp_pooled_row(mk_buf *b, struct mk_forest *L, const mk_fit *f,
    const char *name, double weight, int bold, double nn,
    const mk_studies *s);
/* The overall fit's weight of the studies s, in percent. */
double mk_fp_subtotal_weight(const struct mk_forest *L, const mk_studies *s);

/* ---- the extra columns (forestcols.c): the user's after the label
 * (laid out from x, returning where the data columns start) and the
 * risk-of-bias dots after the plot (from x, returning their right end);
 * their headings on the two header lines; a table row's cells and dots
 * (svg.c draws them after each study row); and the risk-of-bias legend
 * under the axis (advances L->y). ---- */
double mk_fp_cols_layout(struct mk_forest *L, double x);
double mk_fp_rob_layout(struct mk_forest *L, double x);
void mk_fp_cols_header(mk_buf *b, struct mk_forest *L, double y1, double y2);
void mk_fp_cols_row(mk_buf *b, struct mk_forest *L, size_t row, double y);
void mk_fp_rob_legend(mk_buf *b, struct mk_forest *L);

#endif
