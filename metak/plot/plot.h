/* plot.h: results drawn as SVG: forest, funnel, bubble and leave-one-out or
 * cumulative plots. Calls render and the layers below. */
#ifndef METAK_PLOT_H
#define METAK_PLOT_H

#include "render/render.h"

/* Forest plot as a standalone SVG document (svg.c); for a multilevel
 * model without moderators (r->reg), its rows grouped by the outermost
 * level. */
void mk_render_svg(mk_buf *b, const mk_result *r);
int mk_render_svg_ml(mk_buf *b, const mk_result *r, mk_err *err);
/* The funnel plot of the small-study tests (funnel.c). */
void mk_render_funnel(mk_buf *b, const mk_result *r, const mk_bias *bi,
    int contours);
/* The bubble plot of a meta-regression (bubble.c): one numeric moderator
 * on the x axis, the others at their means. */
int mk_render_bubble(mk_buf *b, const mk_result *r, mk_err *err);
/* A plot written as SVG, PNG or PDF (convert.c). */
typedef enum { MK_PLOT_SVG, MK_PLOT_PNG, MK_PLOT_PDF } mk_plotfmt;
/* The format a file name asks for by its extension (.svg, .png, .pdf, in
 * any case; none or another: SVG); -1 for an image format metak does not
 * write (.jpg, .eps, ...). */
int mk_plot_format(const char *path, mk_plotfmt *fmt);
/* The SVG document svg in format fmt, into out: width_mm (NaN: the
 * drawing's own size, its px at 96 per inch) and, for PNG, dpi. 0, or -1
 * with err (usage set when the size asked for cannot be made). */
int mk_plot_convert(const mk_buf *svg, mk_plotfmt fmt, double width_mm,
    double dpi, mk_buf *out, mk_err *err);
/* The Baujat plot of influence diagnostics (baujat.c). */
void mk_render_baujat(mk_buf *b, const mk_result *r, const mk_influence *in);
/* The posterior density of tau of a Bayesian fit (r->fit->bayes) with its
 * prior (posterior.c). */
void mk_render_posterior(mk_buf *b, const mk_result *r);
/* Leave-one-out or cumulative steps as a forest-style plot (stepsvg.c). */
void mk_render_steps_svg(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);

/* A network meta-analysis: the forest plot of every treatment against
 * the reference (netforest.c), and the network graph (netgraph.c): node
 * area by participants (studies when not known), edge width by studies. */
void mk_render_network_svg(mk_buf *b, const mk_network *n,
    const mk_plot_opts *po);
void mk_render_network_graph(mk_buf *b, const mk_network *n,
    const mk_plot_opts *po);

#endif
