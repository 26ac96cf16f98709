/* view.c: how reports show a measure's values: numbers on the natural
 * scale (ratios, proportions, correlations, rates), plotted on a log axis
 * for ratios (positions on the analysis scale, labels exp) and on a
 * linear natural axis otherwise (proportions over 0..1, correlations over
 * -1..1); which plots have a line of no effect and "favours" labels. */
#include <math.h>
#include <stdio.h>

#include "render/internal.h"

void
mk_view_init(mk_view *v, mk_measure m)
{
	const mk_measure_info *me = mk_measure_get(m);

	v->m = m;
	v->log = me->log_scale;
	v->natural = !me->log_scale && me->tr != MK_TR_NONE;
	v->fixed = me->fam == MK_FAM_PROP || me->fam == MK_FAM_COR;
	v->lim_lo = me->fam == MK_FAM_COR ? -1 : 0;
	v->lim_hi = 1;
	v->null = me->fam != MK_FAM_PROP && me->fam != MK_FAM_RATE1;
	v->compare = v->null && me->fam != MK_FAM_COR;
}

double
mk_view_value(const mk_view *v, double x, double n)
{
	return mk_natural(v->m, x, n);
}

double
mk_view_pos(const mk_view *v, double x, double n)
{
	return v->natural ? mk_natural(v->m, x, n) : x;
}

/* The range a forest plot should show: every study's estimate (and its
 * CI where not extreme), the pooled intervals and the prediction
 * interval (n: the pooled values' sample size for PFT); a fixed natural
 * range for proportions and correlations. */
void
mk_view_axis(const mk_view *v, mk_axis *ax, const mk_plot_opts *po,
    const mk_fit *f, const mk_studies *s, double n)
{
	double lo = INFINITY, hi = -INFINITY, z = 1.959963984540054;

	if (v->fixed) {
		mk_axis_linear(ax, v->lim_lo, v->lim_hi);
		if (po != NULL)
			mk_axis_user(ax, po->xlim_set ? po->xlim : NULL, po->at,
			    po->nat);
		return;
	}
	for (size_t i = 0; i < f->k; i++) {
		double se = sqrt(f->vi[i]), ni = mk_study_n(s, i);
		if (!isfinite(f->yi[i]))
			continue;
		double a = mk_view_pos(v, f->yi[i] - z * se, ni);
		double b = mk_view_pos(v, f->yi[i] + z * se, ni);
		double e = mk_view_pos(v, f->yi[i], ni);
		/* the CI where it is not extreme (on the analysis scale),
		 * else the estimate */
		int wide = 2 * z * se >= 6;
		lo = fmin(lo, wide ? e : a);
		hi = fmax(hi, wide ? e : b);
	}
	double ends[] = { f->lo, f->hi, f->pi_lo, f->pi_hi };
	for (int i = 0; i < 4; i++)
		if (isfinite(ends[i])) {
			lo = fmin(lo, mk_view_pos(v, ends[i], n));
			hi = fmax(hi, mk_view_pos(v, ends[i], n));
		}
	mk_axis_make(ax, lo, hi, v->log);
	if (po != NULL)
		mk_axis_user(ax, po->xlim_set ? po->xlim : NULL, po->at, po->nat);
}

const char *
mk_view_unit(const mk_view *v)
{
	const mk_measure_info *me = mk_measure_get(v->m);

	if (!v->natural)
		return me->name;
	return me->fam == MK_FAM_PROP ? "Proportion" : me->fam == MK_FAM_COR ?
	    "Correlation" : "Rate";
}

void
mk_view_note(char *out, size_t n, mk_measure m)
{
	static const char *const scale[] = { "", "log", "Fisher's z", "logit",
	    "arcsine", "Freeman-Tukey", "square-root" };
	const mk_measure_info *me = mk_measure_get(m);
	const char *unit = me->log_scale ? "ratios" : me->fam == MK_FAM_PROP ?
	    "proportions" : me->fam == MK_FAM_COR ? "correlations" : "rates";

	if (me->tr == MK_TR_NONE)
		snprintf(out, n, "%s", "");
	else
		snprintf(out, n, ", pooled on the %s scale, shown as %s",
		    scale[me->tr], unit);
}
