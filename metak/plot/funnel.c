/* funnel.c: the funnel plot as SVG: each study's effect against its
 * standard error (0 at the top), the pooled estimate with its pseudo 95%
 * confidence region, optional significance contours around the null at
 * p = 0.10, 0.05 and 0.01 (Peters et al. 2008, J Clin Epidemiol 61:991),
 * each zone shaded and keyed, and the studies trim-and-fill imputed drawn
 * open (unless hidden). Deterministic. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/internal.h"

#define W 560.0
#define H 440.0
#define L 70.0		/* plot area: left, top, right, bottom margins */
#define T 50.0
#define R 20.0
#define B 60.0

struct frame {
	mk_axis ax;
	double semax;
};

static double
fx(const struct frame *f, double v)
{
	return L + (W - L - R) * mk_axis_pos(&f->ax, v);
}

static double
fy(const struct frame *f, double se)
{
	return T + (H - T - B) * se / f->semax;
}

/* The region |x - c| < z se for se in [0, semax], as a triangle. */
static void
cone(mk_buf *b, const struct frame *f, double c, double z, const char *style)
{
	mk_buf_printf(b, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
	    "%s/>\n", fx(f, c), fy(f, 0), fx(f, c - z * f->semax),
	    fy(f, f->semax), fx(f, c + z * f->semax), fy(f, f->semax), style);
}

/* A p-value zone's key: a swatch (outlined, so white shows) and its
 * words; returns the x after it. */
static double
key(mk_buf *b, double x, double y, const char *fill, const char *words)
{
	mk_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"8\" "
	    "fill=\"%s\" stroke=\"#808080\" stroke-width=\"0.5\"/><text "
	    "x=\"%.1f\" y=\"%.1f\">%s</text>\n", x, y - 7, fill, x + 13, y,
	    words);
	return x + 13 + mk_text_px(words, 9, 0) + 12;
}

void
mk_render_funnel(mk_buf *b, const mk_result *r, const mk_bias *bi,
    int contours)
{
	const mk_studies *s = r->studies;
	const mk_fit *fit = r->fit;
	const mk_measure_info *me = mk_measure_get(s->measure);
	const mk_plot_opts *po = r->plot;
	int imputed = bi != NULL && bi->k0 > 0 && !(po && po->no_imputed);
	struct frame f;
	mk_axis ya;
	double lo = INFINITY, hi = -INFINITY, z95 = mk_crit(95, NAN);
	char v[64], title[512];

	f.semax = 0;
	for (size_t i = 0; i < s->k; i++) {
		f.semax = fmax(f.semax, sqrt(s->vi[i]));
		lo = fmin(lo, s->yi[i]);
		hi = fmax(hi, s->yi[i]);
	}
	for (size_t j = 0; imputed && j < bi->k0; j++) {
		lo = fmin(lo, bi->fill_y[j]);
		hi = fmax(hi, bi->fill_y[j]);
	}
	if (!(f.semax > 0))
		f.semax = 1;
	mk_axis_linear(&ya, 0, f.semax * 1.02);	/* round ticks from 0 */
	f.semax = ya.hi;
	lo = fmin(lo, fit->est - z95 * f.semax);
	hi = fmax(hi, fit->est + z95 * f.semax);
	if (contours) {
		lo = fmin(lo, -2.576 * f.semax);
		hi = fmax(hi, 2.576 * f.semax);
	}
	mk_axis_make(&f.ax, lo, hi, me->log_scale);
	if (po != NULL)
		mk_axis_user(&f.ax, po->xlim_set ? po->xlim : NULL, po->at,
		    po->nat);

	const char *base = strrchr(r->rows->file, '/');
	if (po && po->title)
		snprintf(title, sizeof(title), "%s", po->title);
	else
		snprintf(title, sizeof(title), "Funnel plot: %s", base ? base + 1 :
		    r->rows->file);
	mk_buf tb = { 0 };	/* the title, wrapped to the canvas */
	size_t nl = mk_svg_title(&tb, title, 20, W - 2 * 20);
	double dy = nl > 1 ? 18.0 * (double)(nl - 1) : 0;

	mk_svg_begin(b, W, H + dy, title, &tb);
	if (dy > 0)
		mk_buf_printf(b, "<g transform=\"translate(0 %.1f)\">\n", dy);
	mk_buf_printf(b, "<svg x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" viewBox=\"%.1f %.1f %.1f %.1f\">\n", L, T,
	    W - L - R, H - T - B, L, T, W - L - R, H - T - B);
	if (contours) {	/* p < 0.01 everywhere, then the cones inside it */
		mk_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\"/>\n", L, T, W - L - R,
		    H - T - B, "#8c8c8c");
		cone(b, &f, 0, 2.5758293035489, "fill=\"#b3b3b3\"");
		cone(b, &f, 0, 1.95996398454005, "fill=\"#d9d9d9\"");
		cone(b, &f, 0, 1.64485362695147, "fill=\"white\"");
	}
	cone(b, &f, fit->est, z95, "fill=\"none\" stroke=\"black\" "
	    "stroke-dasharray=\"4,3\"");
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"black\"/>\n", fx(&f, fit->est), fy(&f, 0),
	    fx(&f, fit->est), fy(&f, f.semax));
	for (size_t i = 0; i < s->k; i++)
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
		    "fill=\"black\"/>\n", fx(&f, s->yi[i]),
		    fy(&f, sqrt(s->vi[i])));
	for (size_t j = 0; imputed && j < bi->k0; j++)
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
		    "fill=\"white\" stroke=\"black\"/>\n", fx(&f, bi->fill_y[j]),
		    fy(&f, sqrt(bi->fill_v[j])));
	mk_buf_printf(b, "</svg>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", L, T,
	    W - L - R, H - T - B);
	double right = -INFINITY;	/* x ticks; labels never touch */
	for (int i = 0; i < f.ax.n; i++) {
		double x = fx(&f, f.ax.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n", x, H - B, x, H - B + 5);
		if (mk_axis_label(&f.ax, i, x, 11, &right, v, sizeof(v)))
			mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-"
			    "anchor=\"middle\">%s</text>\n", x, H - B + 18, v);
	}
	for (int i = 0; i < ya.n; i++) {	/* y ticks: 0 .. semax */
		double se = ya.tick[i];
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%g</text>\n", L - 5,
		    fy(&f, se), L, fy(&f, se), L - 8, fy(&f, se) + 4, se);
	}
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
	    "%s%s</text>\n", (L + W - R) / 2, H - B + 38, me->label,
	    me->log_scale ? " (log scale)" : "");
	mk_buf_printf(b, "<text transform=\"translate(18,%.1f) rotate(-90)\" "
	    "text-anchor=\"middle\">Standard error</text>\n", (T + H - B) / 2);
	if (contours) {	/* every zone in the key, the white one too */
		double x = L;
		mk_buf_printf(b, "<g font-size=\"9\">\n");
		x = key(b, x, T - 6, "white", "p &gt; 0.10");
		x = key(b, x, T - 6, "#d9d9d9", "0.05 &lt; p &lt; 0.10");
		x = key(b, x, T - 6, "#b3b3b3", "0.01 &lt; p &lt; 0.05");
		key(b, x, T - 6, "#8c8c8c", "p &lt; 0.01");
		mk_buf_printf(b, "</g>\n");
	}
	if (imputed)
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\">"
		    "open circles: %zu studies imputed by trim and fill</text>"
		    "\n", L, H - 8, bi->k0);
	if (dy > 0)
		mk_buf_printf(b, "</g>\n");
	mk_buf_printf(b, "</svg>\n");
}
