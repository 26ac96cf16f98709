/* posterior.c: --posterior FILE.svg, the posterior density of tau of a
 * Bayesian fit (--method BAYES) with its prior, the posterior median and
 * credible interval marked; the densities are fit/bayes.c's. Text widths
 * come from mk_text_px so that every label stays inside the canvas.
 * Deterministic output. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/internal.h"

#define W 600.0
#define H 400.0
#define L 70.0		/* plot area: left, top, right, bottom margins */
#define T 60.0
#define R 20.0
#define B 90.0
#define NGRID 241

struct frame {
	mk_axis xa, ya;
	double dy;	/* the title's extra lines */
};

static double
fx(const struct frame *f, double v)
{
	return L + (W - L - R) * mk_axis_pos(&f->xa, v);
}

static double
fy(const struct frame *f, double v)
{
	return f->dy + H - B - (H - T - B) * mk_axis_pos(&f->ya, v);
}

static void
text(mk_buf *b, double x, double y, const char *anchor, const char *style,
    const char *s)
{
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s%s%s%s>", x, y,
	    anchor ? " text-anchor=\"" : "", anchor ? anchor : "",
	    anchor ? "\"" : "", style ? style : "");
	mk_buf_xml(b, s);
	mk_buf_printf(b, "</text>\n");
}

/* The curve of density d (NGRID values at tau[]) as a polyline, values
 * above the axis' top clipped to it. */
static void
curve(mk_buf *b, const struct frame *f, const double *tau, const double *d,
    const char *style)
{
	mk_buf_printf(b, "<polyline fill=\"none\" %s points=\"", style);
	for (int i = 0; i < NGRID; i++)
		mk_buf_printf(b, "%s%.1f,%.1f", i ? " " : "", fx(f, tau[i]),
		    fy(f, fmin(d[i], f->ya.hi)));
	mk_buf_printf(b, "\"/>\n");
}

static void
axes(mk_buf *b, const struct frame *f, mk_measure m)
{
	double y0 = fy(f, f->ya.lo), right = -INFINITY;
	char v[32], lab[96];

	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"black\"/>\n<line x1=\"%.1f\" y1=\"%.1f\" "
	    "x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", L, y0, W - R, y0,
	    L, y0, L, fy(f, f->ya.hi));
	for (int i = 0; i < f->xa.n; i++) {
		double x = fx(f, f->xa.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n", x, y0, x, y0 + 4);
		if (mk_axis_label(&f->xa, i, x, 10, &right, v, sizeof(v)))
			text(b, x, y0 + 16, "middle", " font-size=\"10\"", v);
	}
	for (int i = 0; i < f->ya.n; i++) {
		double y = fy(f, f->ya.tick[i]);
		snprintf(v, sizeof(v), "%g", f->ya.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n", L - 4, y, L, y);
		text(b, L - 6, y + 3.5, "end", " font-size=\"10\"", v);
	}
	snprintf(v, sizeof(v), "%s", mk_scale_note(m));	/* ", log scale" */
	snprintf(lab, sizeof(lab), "tau, the between-study standard "
	    "deviation%s%s%s", v[0] ? " (" : "", v[0] ? v + 2 : "", v[0] ?
	    ")" : "");
	text(b, (L + W - R) / 2, y0 + 32, "middle", NULL, lab);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
	    "transform=\"rotate(-90 %.1f %.1f)\">density</text>\n", L - 44,
	    (fy(f, f->ya.lo) + fy(f, f->ya.hi)) / 2, L - 44,
	    (fy(f, f->ya.lo) + fy(f, f->ya.hi)) / 2);
}

/* A key line: a sample of the line's style, then its label. */
static void
key(mk_buf *b, double x, double y, const char *style, const char *s)
{
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" %s/>\n", x, y - 4, x + 24, y - 4, style);
	text(b, x + 30, y, NULL, " font-size=\"10\"", s);
}

void
mk_render_posterior(mk_buf *b, const mk_result *r)
{
	const mk_bayes *by = r->fit->bayes;
	struct frame f;
	double tau[NGRID], post[NGRID], prior[NGRID], pmax = 0, qmax = 0;
	char title[320], s[256], name[96];
	const char *file = strrchr(r->rows->file, '/');

	memset(&f, 0, sizeof(f));
	/* tau from 0 to past the posterior's 99.5% quantile */
	mk_axis_linear(&f.xa, 0, 1.05 * by->tau_hi_shown);
	f.xa.lo = 0;
	for (int i = 0; i < NGRID; i++) {
		tau[i] = f.xa.hi * i / (NGRID - 1);
		post[i] = mk_bayes_density(by, tau[i]);
		prior[i] = mk_prior_density(&by->prior_tau, tau[i]);
		if (isfinite(post[i]))
			pmax = fmax(pmax, post[i]);
		if (isfinite(prior[i]))
			qmax = fmax(qmax, prior[i]);
	}
	/* the density axis fits the posterior, and the prior up to twice
	 * the posterior's top (beyond, the prior is cut off) */
	mk_axis_linear(&f.ya, 0, fmax(pmax, fmin(qmax, 2 * pmax)) * 1.05);
	f.ya.lo = 0;
	if (r->plot && r->plot->title)
		snprintf(title, sizeof(title), "%s", r->plot->title);
	else
		snprintf(title, sizeof(title), "%s: posterior of tau (%s, %zu "
		    "stud%s)", file ? file + 1 : r->rows->file,
		    mk_measure_get(r->studies->measure)->label, r->fit->k,
		    r->fit->k == 1 ? "y" : "ies");
	mk_buf tb = { 0 };
	size_t nl = mk_svg_title(&tb, title, 10, W - 20);
	f.dy = nl > 1 ? (double)(nl - 1) * 18 : 0;
	mk_svg_begin(b, W, H + f.dy, title, &tb);
	/* the credible interval shaded under the posterior */
	mk_buf_printf(b, "<polygon fill=\"#d6e4f0\" stroke=\"none\" "
	    "points=\"%.1f,%.1f", fx(&f, by->tau_lo), fy(&f, 0));
	for (int i = 0; i < NGRID; i++)
		if (tau[i] > by->tau_lo && tau[i] < by->tau_hi)
			mk_buf_printf(b, " %.1f,%.1f", fx(&f, tau[i]), fy(&f,
			    fmin(post[i], f.ya.hi)));
	mk_buf_printf(b, " %.1f,%.1f\"/>\n", fx(&f, by->tau_hi), fy(&f, 0));
	if (qmax > 0)
		curve(b, &f, tau, prior, "stroke=\"#7f7f7f\" "
		    "stroke-dasharray=\"5,3\"");
	curve(b, &f, tau, post, "stroke=\"#1f4e79\" stroke-width=\"2\"");
	double xm = fx(&f, by->tau_median);
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#1f4e79\"/>\n", xm, fy(&f, 0), xm,
	    fy(&f, fmin(mk_bayes_density(by, by->tau_median), f.ya.hi)));
	axes(b, &f, r->studies->measure);
	/* the key, under the axis label */
	double ky = fy(&f, 0) + 54;
	snprintf(s, sizeof(s), "posterior: median %.3g, %g%% credible "
	    "interval %.3g to %.3g", by->tau_median, r->fit->level, by->tau_lo,
	    by->tau_hi);
	key(b, L, ky, "stroke=\"#1f4e79\" stroke-width=\"2\"", s);
	mk_prior_name(&by->prior_tau, name, sizeof(name));
	snprintf(s, sizeof(s), "prior: %s%s", name, qmax > 0 ? "" :
	    " (improper, not drawn)");
	key(b, L, ky + 16, "stroke=\"#7f7f7f\" stroke-dasharray=\"5,3\"", s);
	mk_buf_printf(b, "</svg>\n");
}
