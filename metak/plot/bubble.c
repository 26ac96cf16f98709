/* bubble.c: the bubble plot of a meta-regression as SVG (metafor's
 * regplot): each study's effect against a numeric moderator, the circle's
 * area proportional to its weight in the model, the fitted line with its
 * confidence band and the prediction interval's limits, other moderators
 * held at their means. Deterministic output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/internal.h"

#define W 600.0
#define H 440.0
#define L 70.0		/* plot area: left, top, right, bottom margins */
#define T 50.0
#define R 20.0
#define B 60.0
#define NGRID 101

struct frame {
	mk_axis xa, ya;
};

static double
fx(const struct frame *f, double v)
{
	return L + (W - L - R) * mk_axis_pos(&f->xa, v);
}

static double
fy(const struct frame *f, double v)
{
	return H - B - (H - T - B) * mk_axis_pos(&f->ya, v);
}

/* The design column of the first numeric moderator; -1 if none. */
static int
plotted_column(const mk_metareg *g, size_t *mod)
{
	for (size_t m = 0; m < g->nmods; m++) {
		if (g->mods[m].factor)
			continue;
		for (size_t j = 0; j < g->p; j++)
			if (strcmp(g->names[j], g->mods[m].name) == 0) {
				*mod = m;
				return (int)j;
			}
	}
	return -1;
}

/* The fitted line over the moderator's range: x, estimate, CI, PI. */
static int
line_points(const mk_result *r, const mk_metareg *g, int col, double lo,
    double hi, double *pts)
{
	double *x0 = calloc(g->p, sizeof(double));

	if (x0 == NULL)
		return -1;
	for (size_t j = 0; j < g->p; j++) {	/* others at their means */
		long double s = 0;
		for (size_t i = 0; i < g->k; i++)
			s += g->x[i * g->p + j];
		x0[j] = (double)(s / (long double)g->k);
	}
	for (size_t i = 0; i < NGRID; i++) {
		double *p = pts + 6 * i, se;
		p[0] = lo + (hi - lo) * (double)i / (NGRID - 1);
		x0[col] = p[0];
		mk_model_predict(&g->fit, r->opts->pi, x0, &p[1], &se, &p[2],
		    &p[3], &p[4], &p[5]);
	}
	free(x0);
	return 0;
}

static void
polyline(mk_buf *b, const struct frame *f, const double *pts, int yi,
    const char *style)
{
	mk_buf_printf(b, "<polyline points=\"");
	for (size_t i = 0; i < NGRID; i++)
		mk_buf_printf(b, "%s%.1f,%.1f", i ? " " : "",
		    fx(f, pts[6 * i]), fy(f, pts[6 * i + (size_t)yi]));
	mk_buf_printf(b, "\" fill=\"none\" %s/>\n", style);
}

static void
axes(mk_buf *b, const struct frame *f, int logy)
{
	char v[64];

	for (int i = 0; i < f->xa.n; i++) {	/* x ticks */
		double x = fx(f, f->xa.tick[i]);
		snprintf(v, sizeof(v), "%g", f->xa.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, H - B,
		    x, H - B + 5, x, H - B + 18, v);
	}
	for (int i = 0; i < f->ya.n; i++) {	/* y ticks */
		double y = fy(f, f->ya.tick[i]);
		snprintf(v, sizeof(v), "%g", logy ? exp(f->ya.tick[i]) :
		    f->ya.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 5, y, L,
		    y, L - 8, y + 4, v);
	}
}

int
mk_render_bubble(mk_buf *b, const mk_result *r, mk_err *err)
{
	const mk_metareg *g = r->reg;
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	double *pts = malloc((size_t)NGRID * 6 * sizeof(double));
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	double wmax = 0;
	struct frame f;
	size_t mod = 0;
	int col = plotted_column(g, &mod);

	if (pts == NULL) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	if (col < 0) {
		free(pts);
		mk_err_set(err, "", 0, "", "--bubble needs a numeric moderator "
		    "among --mods");
		err->usage = 1;
		return -1;
	}
	for (size_t i = 0; i < g->k; i++) {	/* ranges and weights */
		xlo = fmin(xlo, g->x[i * g->p + col]);
		xhi = fmax(xhi, g->x[i * g->p + col]);
		ylo = fmin(ylo, g->y[i]);
		yhi = fmax(yhi, g->y[i]);
		wmax = fmax(wmax, g->fit.w[i]);
	}
	if (line_points(r, g, col, xlo, xhi, pts) != 0) {
		free(pts);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < NGRID; i++) {	/* the band within the plot */
		ylo = fmin(ylo, pts[6 * i + 2]);
		yhi = fmax(yhi, pts[6 * i + 3]);
	}
	mk_axis_linear(&f.xa, xlo, xhi);
	mk_axis_make(&f.ya, ylo, yhi, me->log_scale);
	mk_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\""
	    "Helvetica, Arial, sans-serif\" font-size=\"11\">\n<title>", W, H,
	    W, H);
	if (r->plot && r->plot->title)
		mk_buf_xml(b, r->plot->title);
	else {
		mk_buf_printf(b, "Bubble plot: ");
		mk_buf_xml(b, r->rows->file);
	}
	mk_buf_printf(b, "</title>\n<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"white\"/>\n<text x=\"%.1f\" y=\"24\" font-size=\"14\" "
	    "font-weight=\"bold\">", L);
	if (r->plot && r->plot->title)
		mk_buf_xml(b, r->plot->title);
	else {
		mk_buf_printf(b, "Bubble plot: ");
		mk_buf_xml(b, r->rows->file);
	}
	mk_buf_printf(b, "</text>\n<svg x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" viewBox=\"%.1f %.1f %.1f %.1f\">\n", L, T,
	    W - L - R, H - T - B, L, T, W - L - R, H - T - B);
	mk_buf_printf(b, "<polygon points=\"");	/* confidence band */
	for (size_t i = 0; i < NGRID; i++)
		mk_buf_printf(b, "%.1f,%.1f ", fx(&f, pts[6 * i]),
		    fy(&f, pts[6 * i + 2]));
	for (size_t i = NGRID; i-- > 0;)
		mk_buf_printf(b, "%.1f,%.1f%s", fx(&f, pts[6 * i]),
		    fy(&f, pts[6 * i + 3]), i ? " " : "");
	mk_buf_printf(b, "\" fill=\"#d9d9d9\"/>\n");
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#808080\" stroke-dasharray=\"2,2\"/>\n", L, fy(&f, 0),
	    W - R, fy(&f, 0));
	if (mk_method_get(g->fit.method)->random) {
		polyline(b, &f, pts, 4, "stroke=\"black\" "
		    "stroke-dasharray=\"5,3\"");
		polyline(b, &f, pts, 5, "stroke=\"black\" "
		    "stroke-dasharray=\"5,3\"");
	}
	polyline(b, &f, pts, 1, "stroke=\"black\" stroke-width=\"1.5\"");
	for (size_t i = 0; i < g->k; i++)	/* area proportional to weight */
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
		    "fill=\"#4d4d4d\" fill-opacity=\"0.6\" stroke=\"black\"/>\n",
		    fx(&f, g->x[i * g->p + col]), fy(&f, g->y[i]),
		    fmax(2, 14 * sqrt(g->fit.w[i] / wmax)));
	mk_buf_printf(b, "</svg>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", L, T,
	    W - L - R, H - T - B);
	axes(b, &f, me->log_scale);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
	    (L + W - R) / 2, H - B + 38);
	mk_buf_xml(b, g->mods[mod].name);
	mk_buf_printf(b, "</text>\n<text transform=\"translate(18,%.1f) "
	    "rotate(-90)\" text-anchor=\"middle\">%s%s</text>\n",
	    (T + H - B) / 2, me->label, me->log_scale ? " (log scale)" : "");
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\">grey "
	    "band: %g%% CI of the fitted line%s; circle area: weight%s</text>\n",
	    L, H - 8, g->fit.level, mk_method_get(g->fit.method)->random ?
	    "; dashed: prediction interval" : "", g->nmods > 1 ?
	    "; other moderators at their means" : "");
	mk_buf_printf(b, "</svg>\n");
	free(pts);
	return 0;
}
