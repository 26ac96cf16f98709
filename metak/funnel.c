/* funnel.c: the funnel plot as SVG: each study's effect against its
 * standard error (0 at the top), the pooled estimate with its pseudo 95%
 * confidence region, optional significance contours around the null at
 * p = 0.10, 0.05 and 0.01 (Peters et al. 2008, J Clin Epidemiol 61:991),
 * and the studies trim-and-fill imputed drawn open. Deterministic. */
#include <math.h>
#include <stdio.h>

#include "internal.h"

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

void
mk_render_funnel(mk_buf *b, const mk_result *r, const mk_bias *bi,
    int contours)
{
	const mk_studies *s = r->studies;
	const mk_fit *fit = r->fit;
	const mk_measure_info *me = mk_measure_get(s->measure);
	struct frame f;
	double lo = INFINITY, hi = -INFINITY, z95 = mk_crit(95, NAN);
	char v[64];

	f.semax = 0;
	for (size_t i = 0; i < s->k; i++) {
		f.semax = fmax(f.semax, sqrt(s->vi[i]));
		lo = fmin(lo, s->yi[i]);
		hi = fmax(hi, s->yi[i]);
	}
	for (size_t j = 0; bi && j < bi->k0; j++) {
		lo = fmin(lo, bi->fill_y[j]);
		hi = fmax(hi, bi->fill_y[j]);
	}
	f.semax *= 1.05;
	if (!(f.semax > 0))
		f.semax = 1;
	lo = fmin(lo, fit->est - z95 * f.semax);
	hi = fmax(hi, fit->est + z95 * f.semax);
	if (contours) {
		lo = fmin(lo, -2.576 * f.semax);
		hi = fmax(hi, 2.576 * f.semax);
	}
	mk_axis_make(&f.ax, lo, hi, me->log_scale);

	mk_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\""
	    "Helvetica, Arial, sans-serif\" font-size=\"11\">\n<title>"
	    "Funnel plot: ", W, H, W, H);
	mk_buf_xml(b, r->table->file);
	mk_buf_printf(b, "</title>\n<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"white\"/>\n<text x=\"%.1f\" y=\"24\" font-size=\"14\" "
	    "font-weight=\"bold\">Funnel plot: ", L);
	mk_buf_xml(b, r->table->file);
	mk_buf_printf(b, "</text>\n<svg x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" viewBox=\"%.1f %.1f %.1f %.1f\">\n", L, T,
	    W - L - R, H - T - B, L, T, W - L - R, H - T - B);
	if (contours) {	/* p < 0.01 outside, then 0.01-0.05, 0.05-0.10 */
		cone(b, &f, 0, 2.5758293035489, "fill=\"#d9d9d9\"");
		cone(b, &f, 0, 1.95996398454005, "fill=\"#a6a6a6\"");
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
	for (size_t j = 0; bi && j < bi->k0; j++)
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
		    "fill=\"white\" stroke=\"black\"/>\n", fx(&f, bi->fill_y[j]),
		    fy(&f, sqrt(bi->fill_v[j])));
	mk_buf_printf(b, "</svg>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", L, T,
	    W - L - R, H - T - B);
	for (int i = 0; i < f.ax.n; i++) {	/* x ticks */
		double x = fx(&f, f.ax.tick[i]);
		snprintf(v, sizeof(v), "%g", me->log_scale ?
		    exp(f.ax.tick[i]) : f.ax.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, H - B,
		    x, H - B + 5, x, H - B + 18, v);
	}
	for (int i = 0; i <= 4; i++) {	/* y ticks: 0 .. semax */
		double se = f.semax * i / 4;
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n<text x=\"%.1f\" "
		    "y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", L - 5,
		    fy(&f, se), L, fy(&f, se), L - 8, fy(&f, se) + 4, se);
	}
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
	    "%s%s</text>\n", (L + W - R) / 2, H - B + 38, me->label,
	    me->log_scale ? " (log scale)" : "");
	mk_buf_printf(b, "<text transform=\"translate(18,%.1f) rotate(-90)\" "
	    "text-anchor=\"middle\">Standard error</text>\n", (T + H - B) / 2);
	if (contours)
		mk_buf_printf(b, "<g font-size=\"9\"><rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"10\" height=\"8\" fill=\"#a6a6a6\"/><text x=\"%.1f\" "
		    "y=\"%.1f\">0.05 &lt; p &lt; 0.10</text><rect x=\"%.1f\" "
		    "y=\"%.1f\" width=\"10\" height=\"8\" fill=\"#d9d9d9\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\">0.01 &lt; p &lt; 0.05</text>"
		    "</g>\n", W - 200, 34.0, W - 186, 41.0, W - 100, 34.0,
		    W - 86, 41.0);
	if (bi && bi->k0 > 0)
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\">"
		    "open circles: %zu studies imputed by trim and fill</text>"
		    "\n", L, H - 8, bi->k0);
	mk_buf_printf(b, "</svg>\n");
}
