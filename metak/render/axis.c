/* axis.c: the effect axis shared by the SVG and text forest plots: a range
 * that holds the estimates and the line of no effect, "nice" tick values
 * (1-2-5 steps; on the log scale symmetric about 1, 0.1 0.2 0.5 1 2 5 10),
 * the user's range and ticks (--xlim, --at), and the mapping from the
 * analysis scale to a position in [0, 1]. */
#include <math.h>
#include <stdio.h>

#include "render/internal.h"

static double
nice_step(double span, int want)
{
	double raw = span / want, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* The 1-2-5 values 0.001 ... 1000; symmetric about 1 on the log scale
 * (1/2 = 0.5, 1/5 = 0.2). */
static const double logticks[] = { 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
    0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
#define NLOG (sizeof(logticks) / sizeof(logticks[0]))

/* Ticks of a log axis over [lo, hi] (analysis scale): the 1-2-5 values
 * inside; when more than 9, the decades and the two ends. */
static void
log_ticks(mk_axis *ax)
{
	int count = 0;

	ax->n = 0;
	for (size_t i = 0; i < NLOG; i++)
		count += log(logticks[i]) >= ax->lo - 1e-9 &&
		    log(logticks[i]) <= ax->hi + 1e-9;
	for (size_t i = 0; i < NLOG && ax->n < MK_AXIS_MAXTICKS; i++) {
		double t = log(logticks[i]);
		if (t < ax->lo - 1e-9 || t > ax->hi + 1e-9)
			continue;
		if (count > 9 && fabs(t - ax->lo) > 1e-9 && fabs(t - ax->hi) >
		    1e-9 && fabs(log10(logticks[i]) - round(log10(logticks[i])))
		    > 1e-9)
			continue;
		ax->tick[ax->n++] = t;
	}
}

/* lo/hi are on the analysis scale (log for ratio measures). A log axis is
 * symmetric about 1: from 1/T to T, T the first of 2, 5, 10, 20, ... that
 * holds both ends (at most 1000). */
void
mk_axis_make(mk_axis *ax, double lo, double hi, int logscale)
{
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
		double m = fmax(-lo, hi), T = 1000;
		for (size_t i = NLOG / 2 + 1; i < NLOG; i++)
			if (log(logticks[i]) >= m - 1e-12) {
				T = logticks[i];
				break;
			}
		ax->lo = -log(T);
		ax->hi = log(T);
		log_ticks(ax);
		return;
	}
	mk_axis_linear(ax, lo, hi);
}

int
mk_axis_user(mk_axis *ax, const double *xlim, const double *at, int nat)
{
	if (xlim == NULL && nat <= 0)
		return 0;
	if (xlim != NULL) {
		ax->lo = ax->log ? log(xlim[0]) : xlim[0];
		ax->hi = ax->log ? log(xlim[1]) : xlim[1];
	} else {
		ax->lo = INFINITY;
		ax->hi = -INFINITY;
		for (int i = 0; i < nat; i++) {
			double t = ax->log ? log(at[i]) : at[i];
			ax->lo = fmin(ax->lo, t);
			ax->hi = fmax(ax->hi, t);
		}
		if (!(ax->hi > ax->lo)) {	/* one tick: a unit around it */
			ax->lo -= 1;
			ax->hi += 1;
		}
	}
	ax->n = 0;
	if (nat > 0) {
		for (int i = 0; i < nat && ax->n < MK_AXIS_MAXTICKS; i++) {
			double t = ax->log ? log(at[i]) : at[i];
			if (t >= ax->lo - 1e-9 && t <= ax->hi + 1e-9)
				ax->tick[ax->n++] = t;
		}
	} else if (ax->log) {
		log_ticks(ax);
	} else {
		double lo = ax->lo, hi = ax->hi;	/* nice ticks inside */
		mk_axis_linear(ax, lo, hi);
		int n = 0;
		for (int i = 0; i < ax->n; i++)
			if (ax->tick[i] >= lo - 1e-9 * fabs(hi - lo) &&
			    ax->tick[i] <= hi + 1e-9 * fabs(hi - lo))
				ax->tick[n++] = ax->tick[i];
		ax->n = n;
		ax->lo = lo;
		ax->hi = hi;
	}
	return 1;
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

int
mk_axis_label(const mk_axis *ax, int i, double x, double size,
    double *right, char *out, size_t n)
{
	snprintf(out, n, "%g", ax->log ? exp(ax->tick[i]) : ax->tick[i]);
	double w = mk_text_px(out, size, 0);
	if (x - w / 2 < *right + 4)
		return 0;	/* it would touch the one before: unlabelled */
	*right = x + w / 2;
	return 1;
}

double
mk_axis_pos(const mk_axis *ax, double x)
{
	return (x - ax->lo) / (ax->hi - ax->lo);
}
