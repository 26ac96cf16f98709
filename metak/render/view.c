/* view.c: how reports show a measure's values: numbers on the natural
 * scale (ratios, proportions, correlations, rates), plotted on a log axis
 * for ratios (positions on the analysis scale, labels exp) and on a
 * linear natural axis otherwise (proportions over 0..1, correlations over
 * -1..1); which plots have a line of no effect and "favours" labels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
mk_view_decimals(const mk_view *v, const mk_plot_opts *po, const mk_fit *f,
    const mk_studies *s, double n)
{
	double z = mk_crit(f->level, NAN), hw = INFINITY, med = INFINITY;
	double *w;
	size_t m = 0;

	if (po != NULL && po->digits > 0)
		return po->digits;
	w = malloc((f->k ? f->k : 1) * sizeof(double));
	if (isfinite(f->lo) && isfinite(f->hi))	/* the pooled interval */
		hw = fabs(mk_view_value(v, f->hi, n) - mk_view_value(v, f->lo,
		    n)) / 2;
	for (size_t i = 0; w != NULL && i < f->k && i < s->k; i++) {
		double se = sqrt(f->vi[i]), ni = mk_study_n(s, i);
		double h = fabs(mk_view_value(v, f->yi[i] + z * se, ni) -
		    mk_view_value(v, f->yi[i] - z * se, ni)) / 2;
		if (isfinite(h) && h > 0)
			w[m++] = h;
	}
	if (m > 0) {	/* the median study's half-width */
		qsort(w, m, sizeof(double), by_value);
		med = m % 2 ? w[m / 2] : (w[m / 2 - 1] + w[m / 2]) / 2;
	}
	free(w);
	return mk_view_dec_of(fmin(!(hw > 0) ? INFINITY : hw, med));
}

int
mk_view_dec_of(double hw)
{
	int dec;

	if (!isfinite(hw) || !(hw > 0))
		return 2;
	/* the half-width's first digit shown: 0.13 -> 1 (2 at least),
	 * 0.0008 -> 4 */
	dec = (int)ceil(-log10(hw) - 1e-9);
	return dec < 2 ? 2 : dec > 6 ? 6 : dec;
}

double
mk_view_tidy(double x, int dec)
{
	return fabs(x) < 0.5 * pow(10, -dec) ? 0 : x;
}

void
mk_buf_small(mk_buf *b, double x)
{
	if (!isfinite(x))
		mk_buf_printf(b, "NA");
	else if (x != 0 && fabs(x) < 0.00005)
		mk_buf_printf(b, "%.3g", x);
	else
		mk_buf_printf(b, "%.4f", x == 0 ? 0 : x);
}
