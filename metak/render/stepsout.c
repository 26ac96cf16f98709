/* stepsout.c: renders leave-one-out and cumulative steps (sens.c) as a
 * text table, CSV or JSON; stepsvg.c draws them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

/* The sample size PFT needs for step j: the harmonic mean of the n of the
 * studies it pools (all but one, or the first j + 1 in order); NaN but for
 * proportions. */
double
mk_step_n(const mk_result *r, const mk_step *st, size_t j, int cumulative)
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

double
mk_step_shown(const mk_view *v, double x, double n, int dec)
{
	return mk_view_tidy(mk_view_value(v, x, n), dec);
}

int
mk_step_decimals(const mk_result *r, const mk_view *v)
{
	int d = mk_view_decimals(v, r->plot, r->fit, r->studies,
	    mk_studies_nhm(r->studies, NULL, r->studies->k));

	return r->plot && r->plot->digits > 0 ? d : d < 3 ? 3 : d;
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
	    mk_method_get(r->fit->method)->name, r->fit->bayes != NULL ?
	    "credible" : r->fit->ci == MK_CI_HKSJ ? "hksj" : "z",
	    r->fit->level, mk_scale_name(me->id),
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

/* "est [lo, hi]" with d decimals; NA for what is not finite (a bound
 * not computed never prints as nan). */
static void
est_ci(char *out, size_t n, int d, double est, double lo, double hi)
{
	char e[32], l[32], h[32];

	if (!isfinite(est)) {
		snprintf(out, n, "NA");
		return;
	}
	snprintf(e, sizeof(e), "%.*f", d, est);
	if (isfinite(lo))
		snprintf(l, sizeof(l), "%.*f", d, lo);
	else
		snprintf(l, sizeof(l), "NA");
	if (isfinite(hi))
		snprintf(h, sizeof(h), "%.*f", d, hi);
	else
		snprintf(h, sizeof(h), "NA");
	snprintf(out, n, "%s [%s, %s]", e, l, h);
}

void
mk_render_steps_text(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative)
{
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	char tmp[32], ci[128];
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
	int d = mk_step_decimals(r, &v), cw = 22 + 3 * (d - 3);
	mk_buf_printf(b, "%s: %s, %zu studies\n%s (%s), %s\n",
	    r->rows->file, cumulative ? "cumulative meta-analysis" :
	    "leave-one-out", r->studies->k, me->label, me->name,
	    mk_method_get(r->fit->method)->label);
	mk_buf_printf(b, "Intervals and p: %g%%, %s; I2 %s\n\n",
	    r->fit->level, r->fit->ci == MK_CI_HKSJ ? "Knapp-Hartung t with "
	    "k - 1 df" : "Wald z", mk_method_get(r->fit->method)->random ?
	    "from tau2" : "= (Q - df) / Q");
	mk_buf_printf(b, "%-*s %4s  %-*s%8s%9s%7s%9s\n", lw, cumulative ?
	    "Adding" : "Omitting", "k", cw, r->fit->bayes != NULL ? "Median [CrI]" : "Estimate [CI]", "p", "tau2", "I2",
	    "Q");
	for (size_t j = 0; j < r->studies->k; j++) {
		char esc[512];
		const char *l = mk_label(label(r, st[j].study, tmp,
		    sizeof(tmp)), esc, sizeof(esc));
		double n = mk_step_n(r, st, j, cumulative);
		est_ci(ci, sizeof(ci), d, mk_step_shown(&v, st[j].est, n, d),
		    mk_step_shown(&v, st[j].lo, n, d),
		    mk_step_shown(&v, st[j].hi, n, d));
		mk_buf_printf(b, "%s%*s %4zu  %-*s", l, lw - mk_utf8_width(l),
		    "", st[j].k, cw, ci);
		cell(b, st[j].p, 8, 4, "");
		cell(b, st[j].tau2, 9, 4, "");
		cell(b, st[j].i2, 7, 1, "%");
		cell(b, st[j].q, 9, 2, "");
		mk_buf_printf(b, "\n");
	}
	double n = mk_studies_nhm(r->studies, NULL, r->studies->k);
	est_ci(ci, sizeof(ci), d, mk_step_shown(&v, r->fit->est, n, d),
	    mk_step_shown(&v, r->fit->lo, n, d),
	    mk_step_shown(&v, r->fit->hi, n, d));
	mk_buf_printf(b, "%-*s %4zu  %s\n", lw, "All studies", r->fit->k, ci);
}
