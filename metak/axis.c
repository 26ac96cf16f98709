/* axis.c: the effect axis shared by the SVG and text forest plots: a range
 * that holds the estimates and the line of no effect, "nice" tick values
 * (1-2-5 steps; on the log scale 0.01 0.02 0.05 ... 100), and the mapping
 * from the analysis scale to a position in [0, 1]. */
#include <math.h>

#include "internal.h"

static double
nice_step(double span, int want)
{
	double raw = span / want, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* lo/hi are on the analysis scale (log for ratio measures). */
void
mk_axis_make(mk_axis *ax, double lo, double hi, int logscale)
{
	static const double logticks[] = { 0.001, 0.002, 0.005, 0.01, 0.02,
	    0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
	double null = 0;

	ax->log = logscale;
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = -1;
		hi = 1;
	}
	lo = fmin(lo, null);	/* the line of no effect is always shown */
	hi = fmax(hi, null);
	if (hi - lo < 1e-9) {
		lo -= 1;
		hi += 1;
	}
	ax->n = 0;
	if (logscale) {
		lo = fmax(lo, log(0.001));
		hi = fmin(hi, log(1000));
		/* widen to the nearest ticks outside the range */
		double a = logticks[0], b = logticks[18];
		for (int i = 0; i < 19; i++)
			if (log(logticks[i]) <= lo + 1e-12)
				a = logticks[i];
		for (int i = 18; i >= 0; i--)
			if (log(logticks[i]) >= hi - 1e-12)
				b = logticks[i];
		ax->lo = log(a);
		ax->hi = log(b);
		int count = 0;
		for (int i = 0; i < 19; i++)
			count += logticks[i] >= a && logticks[i] <= b;
		int skip = count > 7 ? 3 : 1;	/* keep 1, 10, 100 ... */
		for (int i = 0; i < 19 && ax->n < MK_AXIS_MAXTICKS; i++) {
			double t = logticks[i];
			if (t < a || t > b)
				continue;
			if (skip == 3 && t != a && t != b &&
			    fabs(log10(t) - round(log10(t))) > 1e-9)
				continue;	/* decades and the two ends */
			ax->tick[ax->n++] = log(t);
		}
		return;
	}
	mk_axis_linear(ax, lo, hi);
}

void
mk_axis_linear(mk_axis *ax, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = -1;
		hi = 1;
	}
	if (hi - lo < 1e-9 * fmax(1, fabs(hi))) {
		double d = fmax(1, fabs(hi)) * 0.5;
		lo -= d;
		hi += d;
	}
	double step = nice_step(hi - lo, 4);
	ax->log = 0;
	ax->n = 0;
	ax->lo = floor(lo / step + 1e-9) * step;
	ax->hi = ceil(hi / step - 1e-9) * step;
	for (double t = ax->lo; t <= ax->hi + step / 2 &&
	    ax->n < MK_AXIS_MAXTICKS; t += step)
		ax->tick[ax->n++] = fabs(t) < step * 1e-9 ? 0 : t;
}

double
mk_axis_pos(const mk_axis *ax, double x)
{
	return (x - ax->lo) / (ax->hi - ax->lo);
}
