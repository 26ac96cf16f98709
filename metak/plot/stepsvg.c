/* stepsvg.c: leave-one-out and cumulative steps (sens.c) as a
 * forest-style SVG: a row per step with its estimate and interval, tau2
 * (random effects) and I2 beside it, and the full-data estimate as a
 * reference line. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/internal.h"

/* A refit's tau2 or I2 as shown: dec decimals and a suffix, or NA. */
static void
step_het(char *out, size_t n, double x, int dec, const char *suffix)
{
	if (isfinite(x))
		snprintf(out, n, "%.*f%s", dec, fabs(x) < 0.5 * pow(10, -dec) ?
		    0 : x, suffix);
	else
		snprintf(out, n, "NA");
}

void
mk_render_steps_svg(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative)
{
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	double row = 18, xlab = 10, pw = 300, top = 70, h;
	size_t k = r->studies->k;
	double lo = INFINITY, hi = -INFINITY;
	double nall = mk_studies_nhm(r->studies, NULL, k);
	mk_axis ax;
	mk_view v;
	char tmp[32], s[96];

	mk_view_init(&v, me->id);
	for (size_t j = 0; j < k; j++)
		if (isfinite(st[j].lo) && isfinite(st[j].hi)) {
			double n = mk_step_n(r, st, j, cumulative);
			lo = fmin(lo, mk_view_pos(&v, st[j].lo, n));
			hi = fmax(hi, mk_view_pos(&v, st[j].hi, n));
		}
	if (v.fixed)
		mk_axis_linear(&ax, v.lim_lo, v.lim_hi);
	else
		mk_axis_make(&ax, lo, hi, v.log);
	if (r->plot != NULL)
		mk_axis_user(&ax, r->plot->xlim_set ? r->plot->xlim : NULL,
		    r->plot->at, r->plot->nat);
	/* columns from the widths of what they hold: labels, then the CI */
	double labw = mk_text_px(cumulative ? "Adding (in order)" : "Omitting",
	    11, 1);
	for (size_t j = 0; j < k; j++)
		labw = fmax(labw, mk_text_px(mk_study_label(r, r->studies,
		    st[j].study, tmp, sizeof(tmp)), 11, 0));
	char head[96];	/* the interval column's heading */
	snprintf(head, sizeof(head), "%s [%g%% %s]", mk_view_unit(&v),
	    r->fit->level, r->fit->bayes != NULL ? "CrI" : "CI");
	int d = mk_view_decimals(&v, r->plot, r->fit, r->studies, nall);
	double ciw = mk_text_px(head, 11, 1);
	for (size_t j = 0; j < k; j++) {	/* the widest interval */
		char ci[96];
		double n = mk_step_n(r, st, j, cumulative);
		snprintf(ci, sizeof(ci), "%.*f [%.*f, %.*f]", d,
		    mk_step_shown(&v, st[j].est, n, d), d,
		    mk_step_shown(&v, st[j].lo, n, d), d,
		    mk_step_shown(&v, st[j].hi, n, d));
		ciw = fmax(ciw, mk_text_px(ci, 11, 0));
	}
	double xtext = xlab + labw + 10 + fmax(130, ciw);
	/* tau2 (random effects) and I2 of each refit beside its estimate */
	int random = mk_method_get(r->fit->method)->random;
	double tauw = mk_text_px("Tau\xC2\xB2", 11, 1);
	double i2w = mk_text_px("I\xC2\xB2", 11, 1);
	for (size_t j = 0; j < k; j++) {
		step_het(s, sizeof(s), st[j].tau2, 4, "");
		tauw = fmax(tauw, mk_text_px(s, 11, 0));
		step_het(s, sizeof(s), st[j].i2, 1, "%");
		i2w = fmax(i2w, mk_text_px(s, 11, 0));
	}
	double xtau = random ? xtext + 14 + tauw : xtext;
	double xi2 = xtau + 14 + i2w;
	double xplot = xi2 + 20, w = xplot + pw + 20;
	char title[512];
	const char *base = strrchr(r->rows->file, '/');
	if (r->plot && r->plot->title)
		snprintf(title, sizeof(title), "%s", r->plot->title);
	else
		snprintf(title, sizeof(title), "%s meta-analysis: %s", cumulative ?
		    "Cumulative" : "Leave-one-out", base ? base + 1 :
		    r->rows->file);
	mk_buf tb = { 0 };	/* the title, wrapped to the plot's width */
	size_t nl = mk_svg_title(&tb, title, xlab, w - 2 * xlab);
	double dy = nl > 1 ? 18 * (double)(nl - 1) : 0;
	h = top + row * (double)(k + 1) + 60 + dy;
	mk_svg_begin(b, ceil(w), h, title, &tb);
	mk_buf_printf(b, "<g transform=\"translate(0 %.1f)\">\n", dy);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"52\" font-weight="
	    "\"bold\">%s</text>\n<text x=\"%.1f\" y=\"52\" text-anchor=\"end\" "
	    "font-weight=\"bold\">%s</text>\n", xlab, cumulative ?
	    "Adding (in order)" : "Omitting", xtext, head);
	if (random)
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"52\" text-anchor=\"end\" "
		    "font-weight=\"bold\">Tau\xC2\xB2</text>\n", xtau);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"52\" text-anchor=\"end\" "
	    "font-weight=\"bold\">I\xC2\xB2</text>\n", xi2);
	for (size_t j = 0; j < k; j++) {
		double y = top + row * (double)j;
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", xlab, y);
		mk_buf_xml(b, mk_study_label(r, r->studies, st[j].study, tmp,
		    sizeof(tmp)));
		double n = mk_step_n(r, st, j, cumulative);
		snprintf(s, sizeof(s), "%.*f [%.*f, %.*f]", d,
		    mk_step_shown(&v, st[j].est, n, d), d,
		    mk_step_shown(&v, st[j].lo, n, d), d,
		    mk_step_shown(&v, st[j].hi, n, d));
		mk_buf_printf(b, "</text>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\">%s</text>\n", xtext, y,
		    isfinite(st[j].est) ? s : "NA");
		if (random) {
			step_het(s, sizeof(s), st[j].tau2, 4, "");
			mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"end\">%s</text>\n", xtau, y, s);
		}
		step_het(s, sizeof(s), st[j].i2, 1, "%");
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor="
		    "\"end\">%s</text>\n", xi2, y, s);
		if (!isfinite(st[j].est))
			continue;
		double x0 = xplot + pw * fmax(0, mk_axis_pos(&ax,
		    mk_view_pos(&v, st[j].lo, n)));
		double x1 = xplot + pw * fmin(1, mk_axis_pos(&ax,
		    mk_view_pos(&v, st[j].hi, n)));
		double xe = xplot + pw * mk_axis_pos(&ax, mk_view_pos(&v,
		    st[j].est, n));
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n<rect x=\"%.1f\" y=\"%.1f\" "
		    "width=\"7\" height=\"7\" fill=\"#1f4e79\"/>\n", x0, y - 4,
		    x1, y - 4, xe - 3.5, y - 7.5);
	}
	double yb = top + row * (double)k;
	double xf = xplot + pw * mk_axis_pos(&ax, mk_view_pos(&v, r->fit->est,
	    nall));
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#7f7f7f\" stroke-dasharray=\"4,3\"/>\n", xf, top - 14,
	    xf, yb);
	if (v.null)
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\" stroke-dasharray=\"2,2\"/>\n",
		    xplot + pw * mk_axis_pos(&ax, 0), top - 14,
		    xplot + pw * mk_axis_pos(&ax, 0), yb);
	mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"black\"/>\n", xplot, yb, xplot + pw, yb);
	double right = -INFINITY;	/* labels never touch */
	for (int i = 0; i < ax.n; i++) {
		double x = xplot + pw * mk_axis_pos(&ax, ax.tick[i]);
		mk_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"black\"/>\n", x, yb, x, yb + 4);
		if (mk_axis_label(&ax, i, x, 10, &right, s, sizeof(s)))
			mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-"
			    "anchor=\"middle\" font-size=\"10\">%s</text>\n", x,
			    yb + 16, s);
	}
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">dashed "
	    "grey line: all %zu studies</text>\n</g>\n</svg>\n", xplot, yb + 36,
	    k);
}
