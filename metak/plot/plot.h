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
/* The posterior density of tau of a Bayesian fit (r->fit->bayes) with its
 * prior (posterior.c). */
void mk_render_posterior(mk_buf *b, const mk_result *r);
/* Leave-one-out or cumulative steps as a forest-style plot (stepsvg.c). */
void mk_render_steps_svg(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);

#endif
