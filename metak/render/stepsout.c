/* stepsout.c: renders leave-one-out and cumulative steps (sens.c) as a
 * text table, CSV, JSON, or a forest-style SVG with a row per step and the
 * full-data estimate as a reference line. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The sample size PFT needs for step j: the harmonic mean of the n of the
 * studies it pools (all but one, or the first j + 1 in order); NaN but for
 * proportions. */
static double
step_n(const mk_result *r, const mk_step *st, size_t j, int cumulative)
{
	const mk_studies *s = r->studies;
	long double inv = 0;

	if (s->kind != MK_KIND_PROP || st[j].k == 0)
		return NAN;
	if (cumulative)
		for (size_t i = 0; i <= j; i++)
			inv += 1 / (long double)mk_study_n(s, st[i].study);
	else
		for (size_t i = 0; i < s->k; i++)
			if (i != st[j].study)
				inv += 1 / (long double)mk_study_n(s, i);
	return (double)((long double)st[j].k / inv);
}

/* x on the natural scale (tiny values as 0, never "-0.000"). */
static double
shown(const mk_view *v, double x, double n)
{
	double y = mk_view_value(v, x, n);

	return fabs(y) < 0.0005 ? 0 : y;
}

static void
num(mk_buf *b, double x)
{
	if (isfinite(x))
		{ mk_buf_put(b, ",", 1); mk_buf_g15(b, x == 0 ? 0 : x); }
	else
		mk_buf_printf(b, ",NA");
}

static const char *
label(const mk_result *r, size_t i, char *tmp, size_t n)
{
	return mk_study_label(r, r->studies, i, tmp, n);
}

void
mk_render_steps_json(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative)
{
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	char tmp[32];

	mk_buf_printf(b, "{\"measure\": \"%s\", \"method\": \"%s\", \"ci\": "
	    "\"%s\", \"level\": %g, \"scale\": \"%s\", \"type\": \"%s\", "
	    "\"k\": %zu,\n \"steps\": [", me->name,
	    mk_method_get(r->fit->method)->name, r->fit->ci == MK_CI_HKSJ ?
	    "hksj" : "z", r->fit->level, mk_scale_name(me->id),
	    cumulative ? "cumulative" : "leave-one-out", r->studies->k);
	for (size_t j = 0; j < r->studies->k; j++) {
		mk_buf_printf(b, "%s\n  {\"study\": ", j ? "," : "");
		mk_json_str(b, label(r, st[j].study, tmp, sizeof(tmp)));
		mk_buf_printf(b, ", \"k\": %zu", st[j].k);
		mk_json_key(b, "estimate", st[j].est, 1);
		mk_json_key(b, "se", st[j].se, 1);
		mk_json_key(b, "ci_low", st[j].lo, 1);
		mk_json_key(b, "ci_high", st[j].hi, 1);
		mk_json_key(b, "stat", st[j].stat, 1);
		mk_json_key(b, "p", st[j].p, 1);
		mk_json_key(b, "tau2", st[j].tau2, 1);
		mk_json_key(b, "i2", st[j].i2, 1);
		mk_json_key(b, "h2", st[j].h2, 1);
		mk_json_key(b, "q", st[j].q, 1);
		mk_json_key(b, "q_p", st[j].qp, 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]}\n");
}

void
mk_render_steps_csv(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative)
{
	char tmp[32];

	mk_buf_printf(b, "step,%s,k,estimate,se,ci_low,ci_high,p,tau2,i2,q\n",
	    cumulative ? "added" : "omitted");
	for (size_t j = 0; j < r->studies->k; j++) {
		const char *l = label(r, st[j].study, tmp, sizeof(tmp));
		mk_buf_printf(b, "%zu,", j + 1);
		if (strpbrk(l, ",\"\r\n") != NULL) {
			mk_buf_put(b, "\"", 1);
			for (const char *p = l; *p; p++)
				mk_buf_put(b, *p == '"' ? "\"\"" : p,
				    *p == '"' ? 2 : 1);
			mk_buf_put(b, "\"", 1);
		} else {
			mk_buf_printf(b, "%s", l);
		}
		mk_buf_printf(b, ",%zu", st[j].k);
		num(b, st[j].est);
		num(b, st[j].se);
		num(b, st[j].lo);
		num(b, st[j].hi);
		num(b, st[j].p);
		num(b, st[j].tau2);
		num(b, st[j].i2);
		num(b, st[j].q);
		mk_buf_printf(b, "\n");
	}
}

/* x right-aligned in width columns with dec decimals and a suffix (the
 * suffix counts in width), or NA. */
static void
cell(mk_buf *b, double x, int width, int dec, const char *suffix)
{
	int w = width - (int)strlen(suffix);

	if (!isfinite(x))
		mk_buf_printf(b, "%*s", width, "NA");
	else
		mk_buf_printf(b, "%*.*f%s", w, dec, x == 0 ? 0 : x, suffix);
}

void
mk_render_steps_text(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative)
{
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	char tmp[32], ci[64];
	mk_view v;

	int lw = 18;	/* the widest label, never cut */
	for (size_t j = 0; j < r->studies->k; j++) {
		char esc[512];
		int w = mk_utf8_width(mk_label(label(r, st[j].study, tmp,
		    sizeof(tmp)), esc, sizeof(esc)));
		if (w > lw)
			lw = w;
	}
	mk_view_init(&v, me->id);
	mk_buf_printf(b, "%s: %s, %zu studies\n%s (%s), %s\n\n",
	    r->table->file, cumulative ? "cumulative meta-analysis" :
	    "leave-one-out", r->studies->k, me->label, me->name,
	    mk_method_get(r->fit->method)->label);
	mk_buf_printf(b, "%-*s %4s  %-22s%8s%9s%7s%9s\n", lw, cumulative ?
	    "Adding" : "Omitting", "k", "Estimate [CI]", "p", "tau2", "I2",
	    "Q");
	for (size_t j = 0; j < r->studies->k; j++) {
		char esc[512];
		const char *l = mk_label(label(r, st[j].study, tmp, sizeof(tmp)),
		    esc, sizeof(esc));
		double n = step_n(r, st, j, cumulative);
		snprintf(ci, sizeof(ci), "%.3f [%.3f, %.3f]",
		    shown(&v, st[j].est, n), shown(&v, st[j].lo, n),
		    shown(&v, st[j].hi, n));
		mk_buf_printf(b, "%s%*s %4zu  %-22s", l, lw - mk_utf8_width(l),
		    "", st[j].k,
		    isfinite(st[j].est) ? ci : "NA");
		cell(b, st[j].p, 8, 4, "");
		cell(b, st[j].tau2, 9, 4, "");
		cell(b, st[j].i2, 7, 1, "%");
		cell(b, st[j].q, 9, 2, "");
		mk_buf_printf(b, "\n");
	}
	double n = mk_studies_nhm(r->studies, NULL, r->studies->k);
	snprintf(ci, sizeof(ci), "%.3f [%.3f, %.3f]", shown(&v, r->fit->est,
	    n), shown(&v, r->fit->lo, n), shown(&v, r->fit->hi, n));
	mk_buf_printf(b, "%-*s %4zu  %s\n", lw, "All studies", r->fit->k, ci);
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
			double n = step_n(r, st, j, cumulative);
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
		labw = fmax(labw, mk_text_px(label(r, st[j].study, tmp,
		    sizeof(tmp)), 11, 0));
	snprintf(s, sizeof(s), "%s [%g%% CI]", mk_view_unit(&v), r->fit->level);
	double xtext = xlab + labw + 10 + fmax(130, mk_text_px(s, 11, 1));
	double xplot = xtext + 20, w = xplot + pw + 20;
	char title[512];
	const char *base = strrchr(r->table->file, '/');
	if (r->plot && r->plot->title)
		snprintf(title, sizeof(title), "%s", r->plot->title);
	else
		snprintf(title, sizeof(title), "%s meta-analysis: %s", cumulative ?
		    "Cumulative" : "Leave-one-out", base ? base + 1 :
		    r->table->file);
	mk_buf tb = { 0 };	/* the title, wrapped to the plot's width */
	size_t nl = mk_svg_title(&tb, title, xlab, w - 2 * xlab);
	double dy = nl > 1 ? 18 * (double)(nl - 1) : 0;
	h = top + row * (double)(k + 1) + 60 + dy;
	mk_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\""
	    "Helvetica, Arial, sans-serif\" font-size=\"11\">\n<title>",
	    ceil(w), h, ceil(w), h);
	mk_buf_xml(b, title);
	mk_buf_printf(b, "</title>\n<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"white\"/>\n");
	mk_buf_put(b, tb.data ? tb.data : "", tb.len);
	if (tb.oom)
		b->oom = 1;
	mk_buf_free(&tb);
	mk_buf_printf(b, "<g transform=\"translate(0 %.1f)\">\n", dy);
	mk_buf_printf(b, "<text x=\"%.1f\" y=\"52\" font-weight="
	    "\"bold\">%s</text>\n<text x=\"%.1f\" y=\"52\" text-anchor=\"end\" "
	    "font-weight=\"bold\">%s [%g%% CI]</text>\n", xlab, cumulative ?
	    "Adding (in order)" : "Omitting", xtext, mk_view_unit(&v),
	    r->fit->level);
	for (size_t j = 0; j < k; j++) {
		double y = top + row * (double)j;
		mk_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", xlab, y);
		mk_buf_xml(b, label(r, st[j].study, tmp, sizeof(tmp)));
		double n = step_n(r, st, j, cumulative);
		snprintf(s, sizeof(s), "%.2f [%.2f, %.2f]", shown(&v,
		    st[j].est, n), shown(&v, st[j].lo, n), shown(&v, st[j].hi,
		    n));
		mk_buf_printf(b, "</text>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\">%s</text>\n", xtext, y,
		    isfinite(st[j].est) ? s : "NA");
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
