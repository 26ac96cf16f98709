/* internal.h: what the files of render/ share with each other and with the
 * layers above, beyond render.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_RENDER_INTERNAL_H
#define METAK_RENDER_INTERNAL_H

#include "analyses/internal.h"
#include "render/render.h"

/* The order of the study rows of s in r's forest plot (r->plot->sort):
 * ord[0..k) indices into s; 0, or -1 (memory; ord then file order). */
int mk_study_order(const mk_result *r, const mk_studies *s, size_t *ord);
/* The drawn width in px of s at font size px (bold or not), for layout:
 * Helvetica's widths with room for a wider fallback font (textw.c). */
double mk_text_px(const char *s, double size, int bold);
/* The length of the longest start of s, up to a break, that fits in maxw
 * px: after "; " if one fits, else before a space, else as many code
 * points as fit (at least one). */
size_t mk_text_fit(const char *s, double maxw, double size, int bold);
/* A plot's title as bold 14 px lines from (x, 24), 18 px apart, wrapped
 * to maxw; the number of lines. */
size_t mk_svg_title(mk_buf *b, const char *title, double x, double maxw);
/* A plot's SVG document opened: w x h px (printed as whole numbers), the
 * title as its <title>, a white background, then tb (the title's lines
 * from mk_svg_title), which is freed. */
void mk_svg_begin(mk_buf *b, double w, double h, const char *title,
    mk_buf *tb);

/* Higgins and Thompson's I2 from Q (percent): max(0, 100 (Q - df) / Q),
 * as RevMan 5 and fixed-effect fits print it (Higgins & Thompson 2002,
 * Stat Med 21:1539); 0 when Q is 0, NaN without df. Random-effects fits
 * report metafor's I2 from tau2 beside it (report.c). */
double mk_i2_q(double q, double df);

/* A CSV field, quoted when it holds a comma, quote or line break. */
void mk_csv_str(mk_buf *b, const char *s);

/* ', "natural": {...}' for a measure that is a transformation (report.c):
 * the pooled estimate, CI and PI back on the natural scale. */
void mk_json_natural(mk_buf *b, mk_measure m, double n, double est,
    double lo, double hi, double pilo, double pihi);

/* bayesout.c: ', "bayes": {...}' of a Bayesian fit f of the studies s;
 * the text report's lines: the priors and intervals (the header), under
 * the pooled row (P(mu < threshold), mu's moments; n: PFT's sample size)
 * and the heterogeneity (tau's posterior); defaulted: the prior on tau is
 * the measure's default. */
void mk_json_bayes(mk_buf *b, const mk_result *r, const mk_fit *f,
    const mk_studies *s);
void mk_text_bayes_priors(mk_buf *b, const mk_fit *f, int defaulted);
void mk_text_bayes_pooled(mk_buf *b, const mk_fit *f, mk_measure m,
    double n);
void mk_text_bayes_het(mk_buf *b, const mk_fit *f, mk_measure m);
/* A posterior probability as a reader wants it: two decimals unless that
 * would round it to 0 or 1 ("< 0.0001", "0.0032", "0.97"). */
void mk_fmt_prob(char *out, size_t n, double p);
/* ", log scale": the scale tau and mu are on, unless the measure's own
 * (""). */
const char *mk_scale_note(mk_measure m);

/* ---- the effect axis of forest plots (axis.c) ---- */
#define MK_AXIS_MAXTICKS 16
typedef struct mk_axis {
	int log;		/* ticks are labelled exp(t) */
	double lo, hi;		/* shown range, analysis scale */
	double tick[MK_AXIS_MAXTICKS];
	int n;
} mk_axis;

void mk_axis_make(mk_axis *ax, double lo, double hi, int logscale);
/* The user's range xlim[2] (NULL: none) and ticks at (natural scale; log
 * taken for a log axis) in place of the chosen ones; 1 if any given. */
int mk_axis_user(mk_axis *ax, const double *xlim, const double *at, int nat);
/* Tick i's label ("%g", natural scale) into out, and 1 when it may be
 * drawn centred at x (size px) without touching the label before it, whose
 * right end *right holds (updated); 0: leave this tick unlabelled. Start
 * *right at -INFINITY. */
int mk_axis_label(const mk_axis *ax, int i, double x, double size,
    double *right, char *out, size_t n);
/* A linear axis over [lo, hi] with nice ticks, not forced through 0. */
void mk_axis_linear(mk_axis *ax, double lo, double hi);
/* How reports show a measure's values (view.c): printed on the natural
 * scale; plotted at analysis-scale positions on a log axis (ratios) or at
 * natural positions on a linear axis (transformed measures). */
typedef struct mk_view {
	mk_measure m;
	int log;		/* a ratio: log axis */
	int natural;		/* positions are natural values */
	int fixed;		/* axis over lim_lo..lim_hi */
	double lim_lo, lim_hi;
	int null;		/* a line of no effect at 0 (1 for ratios) */
	int compare;		/* two groups: "favours" labels */
} mk_view;
void mk_view_init(mk_view *v, mk_measure m);
/* x (analysis scale) as printed, and its position on the plot's axis; n
 * is the sample size PFT needs (a study's, or the harmonic mean). */
double mk_view_value(const mk_view *v, double x, double n);
double mk_view_pos(const mk_view *v, double x, double n);
/* What the shown values are: the measure's name, or "Proportion",
 * "Correlation", "Rate" for a transformed measure shown on its natural
 * scale. */
const char *mk_view_unit(const mk_view *v);
/* ", pooled on the logit scale, shown as proportions" and the like ("" for
 * a measure shown on its own scale). */
void mk_view_note(char *out, size_t n, mk_measure m);
/* The axis a forest plot of fit f over studies s shows (n: the pooled
 * values' sample size for PFT). */
void mk_view_axis(const mk_view *v, mk_axis *ax, const mk_plot_opts *po,
    const mk_fit *f,
    const mk_studies *s, double n);
/* The decimals effects are shown with: --digits when given (po->digits),
 * else enough for the first digit of the half-width of the narrower of
 * the pooled interval and the median study's, on the natural scale (a
 * risk difference of 0.001 [0.0002, 0.0018] gets 4, not 0.00 [0.00,
 * 0.00]), from 2 to 6 (n: the pooled values' sample size for PFT). */
int mk_view_decimals(const mk_view *v, const mk_plot_opts *po,
    const mk_fit *f, const mk_studies *s, double n);
/* The decimals that show the first digit of a half-width hw, 2 to 6 (2
 * where hw is not a positive number). */
int mk_view_dec_of(double hw);
/* x as shown with dec decimals: 0 where it would print as -0.00. */
double mk_view_tidy(double x, int dec);
/* tau2 and the like with 4 decimals, or 3 significant digits where 4
 * decimals would show 0.0000 for a positive value. */
void mk_buf_small(mk_buf *b, double x);
/* Position of x in the shown range, 0 at lo and 1 at hi (may be outside). */
double mk_axis_pos(const mk_axis *ax, double x);

/* Where studies' numbers came from (provenance.c): whether every study
 * is in one form with nothing converted; ', "from": ..., "conversion":
 * ...' of study i; the '"left_out": [...],' list; the text report's
 * data and left-out sections. */
int mk_studies_plain(const mk_studies *s);
/* A form that is the data themselves (counts, means and SDs, ...). */
int mk_from_direct(mk_from f);
void mk_json_from(mk_buf *b, const mk_studies *s, size_t i);
void mk_json_left_out(mk_buf *b, const mk_result *r);
/* Integrity flags of study i kept in spite of them: its mark (" \u2020"
 * retracted, " \u2021" integrity concern, "" none), its label with the
 * mark (into buf), the note that says why, with the marks or without
 * ("" none; its length), and
 * ', "retracted": true, "concern": "..."' for JSON. */
const char *mk_flag_mark(const mk_studies *s, size_t i);
const char *mk_study_label_marked(const mk_result *r, const mk_studies *s,
    size_t i, char *buf, size_t n);
size_t mk_flag_note(const mk_result *r, const mk_studies *s, size_t i,
    int marks, char *out, size_t n);
void mk_json_flags(mk_buf *b, const mk_result *r, const mk_studies *s,
    size_t i);
void mk_render_provenance_text(mk_buf *b, const mk_result *r);

/* stepsout.c: for step j of leave-one-out or cumulative refits, the
 * sample size PFT needs (the harmonic mean of the n of the studies it
 * pools; NaN but for proportions), a value on the natural scale as shown
 * with dec decimals (tiny values as 0, never "-0.000"). */
double mk_step_n(const mk_result *r, const mk_step *st, size_t j,
    int cumulative);
double mk_step_shown(const mk_view *v, double x, double n, int dec);
/* The decimals of a table of steps: --digits, else those of the full
 * fit's report, at least 3. */
int mk_step_decimals(const mk_result *r, const mk_view *v);

#endif
