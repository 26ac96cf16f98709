/* baujat.c: the Baujat plot as SVG (Baujat et al. 2002, Stat Med 21:2641;
 * metafor's baujat()): each study's contribution to the heterogeneity
 * statistic Q (x) against its influence on the pooled estimate (y), both
 * from analyses/influence.c, each point labelled with its study and the
 * influential ones drawn in red. Deterministic output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/internal.h"

#define W 640.0
#define H 460.0
#define L 70.0		/* plot area: left, top, right, bottom margins */
#define T 50.0
#define R 20.0
#define B 64.0

struct frame {
	mk_axis xa, ya;
};

/* Positions inside the frame, the axes' ranges padded by 4% at each end
 * (as R's plots), so that points on the axes stay clear of the frame. */
static double
fx(const struct frame *f, double v)
{
	return L + (W - L - R) * (0.04 + 0.92 * mk_axis_pos(&f->xa, v));
}

static double
fy(const struct frame *f, double v)
{
	return H - B - (H - T - B) * (0.04 + 0.92 * mk_axis_pos(&f->ya, v));
}

static void
axes(mk_buf *b, const struct frame *f)
{
	char v[64];
	double right = -INFINITY;

	for (int i = 0; i < f->xa.n; i++) {
		double x = fx(f, f->xa.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n", x, H - B, x, H - B + 5);
		if (mk_axis_label(&f->xa, i, x, 11, &right, v, sizeof(v)))
			mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"middle\">%s</text>\n", x, H - B + 18,
			    v);
	}
	for (int i = 0; i < f->ya.n; i++) {
		double y = fy(f, f->ya.tick[i]);
		snprintf(v, sizeof(v), "%g", f->ya.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 5, y, L,
		    y, L - 8, y + 4, v);
	}
}

/* Labels are placed greedily, the most influential point first: beside
 * it at the first of twelve places (right or left; level, above, below,
 * further off) whose box stays inside the frame and overlaps no point or
 * label placed before; when none is free, the one inside the frame that
 * overlaps least, and above the point, within the canvas, when none is
 * inside. */
struct box {
	double x0, y0, x1, y1;
};

/* The area box a shares with the boxes placed so far. */
static double
overlap(const struct box *a, const struct box *placed, size_t n)
{
	double t = 0;

	for (size_t j = 0; j < n; j++) {
		double w = fmin(a->x1, placed[j].x1) - fmax(a->x0, placed[j].x0);
		double h = fmin(a->y1, placed[j].y1) - fmax(a->y0, placed[j].y0);
		if (w > 0 && h > 0)
			t += w * h;
	}
	return t;
}

static void
point_label(mk_buf *b, double x, double y, const char *s, struct box *placed,
    size_t *n)
{
	static const double dx[] = { 6, -6, 6, -6, 6, -6, 6, -6, 6, -6, 6,
	    -6 };
	static const double dy[] = { 4, 4, -5, -5, 13, 13, -14, -14, 22, 22,
	    -23, -23 };
	double w = mk_text_px(s, 10, 0);
	struct box best = { 0 }, at;
	double least = INFINITY;

	for (size_t c = 0; c < sizeof(dx) / sizeof(dx[0]) && least > 0; c++) {
		double x0 = dx[c] > 0 ? x + dx[c] : x + dx[c] - w;
		double base = y + dy[c];
		at = (struct box){ x0, base - 10, x0 + w, base + 3 };
		if (at.x0 < L + 2 || at.x1 > W - R - 2 || at.y0 < T + 2 ||
		    at.y1 > H - B - 2)
			continue;	/* inside the frame */
		double o = overlap(&at, placed, *n);
		if (o < least) {
			best = at;
			least = o;
		}
	}
	if (!isfinite(least)) {	/* wider than the room beside the point */
		double x0 = fmin(fmax(x - w / 2, 4), W - 4 - w);
		best = (struct box){ x0, y - 16, x0 + w, y - 3 };
	}
	placed[(*n)++] = best;
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">",
	    best.x0, best.y1 - 3);
	mk_buf_xml(b, s);
	mk_buf_printf(b, "</text>\n");
}

/* The order labels are placed in: by distance from the origin in plot
 * units, largest first (ties in study order). */
static const struct frame *order_frame;
static const mk_influence *order_in;

static double
reach(size_t i)
{
	const mk_influence_row *x = &order_in->row[i];
	double a = mk_axis_pos(&order_frame->xa, x->baujat_x);
	double c = mk_axis_pos(&order_frame->ya, x->baujat_y);

	return isfinite(a) && isfinite(c) ? a * a + c * c : -1;
}

static int
by_reach(const void *p, const void *q)
{
	size_t i = *(const size_t *)p, j = *(const size_t *)q;
	double a = reach(i), c = reach(j);

	if (a != c)
		return a > c ? -1 : 1;
	return (i > j) - (i < j);
}

void
mk_render_baujat(mk_buf *b, const mk_result *r, const mk_influence *in)
{
	const mk_fit *f = r->fit;
	double xmax = 0, ymax = 0;
	struct frame fr;
	char tmp[32], title[512];
	int any_infl = 0;

	for (size_t i = 0; i < in->k; i++) {
		if (isfinite(in->row[i].baujat_x))
			xmax = fmax(xmax, in->row[i].baujat_x);
		if (isfinite(in->row[i].baujat_y))
			ymax = fmax(ymax, in->row[i].baujat_y);
		any_infl |= in->row[i].influential;
	}
	mk_axis_linear(&fr.xa, 0, xmax > 0 ? xmax : 1);
	mk_axis_linear(&fr.ya, 0, ymax > 0 ? ymax : 1);
	if (r->plot && r->plot->title)
		snprintf(title, sizeof(title), "%s", r->plot->title);
	else
		snprintf(title, sizeof(title), "Baujat plot: %s (%s, %s)",
		    strrchr(r->rows->file, '/') ? strrchr(r->rows->file, '/') +
		    1 : r->rows->file, mk_measure_get(r->studies->measure)->label,
		    mk_method_get(f->method)->label);
	mk_buf tb = { 0 };
	size_t nl = mk_svg_title(&tb, title, L, W - L - 10);
	double dy = nl > 1 ? 18 * (double)(nl - 1) : 0;
	mk_svg_begin(b, W, H + dy, title, &tb);
	mk_buf_printf(b, "<g transform=\"translate(0 %.1f)\">\n", dy);
	mk_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", L, T,
	    W - L - R, H - T - B);
	axes(b, &fr);
	size_t kk = in->k ? in->k : 1, nplaced = 0;
	size_t *ord = malloc(kk * sizeof(size_t));
	struct box *placed = malloc(2 * kk * sizeof(struct box));
	if (ord == NULL || placed == NULL) {
		free(ord);
		free(placed);
		b->oom = 1;
		return;
	}
	for (size_t i = 0; i < in->k; i++) {
		const mk_influence_row *x = &in->row[i];
		ord[i] = i;
		if (!isfinite(x->baujat_x) || !isfinite(x->baujat_y))
			continue;
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
		    "fill=\"%s\" stroke=\"black\"/>\n", fx(&fr, x->baujat_x),
		    fy(&fr, x->baujat_y), x->influential ? "#c00000" :
		    "#1f4e79");
		placed[nplaced++] = (struct box){ fx(&fr, x->baujat_x) - 3,
		    fy(&fr, x->baujat_y) - 3, fx(&fr, x->baujat_x) + 3,
		    fy(&fr, x->baujat_y) + 3 };	/* labels avoid the points */
	}
	order_frame = &fr;
	order_in = in;
	qsort(ord, in->k, sizeof(size_t), by_reach);
	for (size_t j = 0; j < in->k; j++) {
		const mk_influence_row *x = &in->row[ord[j]];
		if (!isfinite(x->baujat_x) || !isfinite(x->baujat_y))
			continue;
		point_label(b, fx(&fr, x->baujat_x), fy(&fr, x->baujat_y),
		    mk_study_label(r, r->studies, x->study, tmp, sizeof(tmp)),
		    placed, &nplaced);
	}
	free(ord);
	free(placed);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
	    "%s</text>\n", (L + W - R) / 2, H - B + 36,
	    mk_method_get(f->method)->random ? "Squared Pearson residual "
	    "(contribution to heterogeneity)" : "Contribution to overall "
	    "heterogeneity (Q)");
	mk_buf_printf(b, "<text transform=\"translate(18,%.1f) rotate(-90)\" "
	    "text-anchor=\"middle\">Influence on overall result</text>\n",
	    (T + H - B) / 2);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\">y: "
	    "squared change of the pooled estimate when the study is left "
	    "out, over its variance%s</text>\n</g>\n</svg>\n", L, H - 8,
	    any_infl ? "; red: influential (metafor's rule)" : "");
}
