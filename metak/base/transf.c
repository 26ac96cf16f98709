/* transf.c: a measure's analysis scale and its natural one (a proportion,
 * a correlation, a rate, a ratio), both ways, as metafor's transf.*
 * functions define the inverse transformations: the Freeman-Tukey
 * inverse of Miller (1978) through a sample size (the harmonic mean of the
 * studies' for a pooled value), arcsine and square-root inverses clamped
 * to the natural range. */
#include <math.h>

#include "base/internal.h"

/* Freeman-Tukey double arcsine of a proportion p from n. */
static double
pft(double p, double n)
{
	double x = p * n;

	return 0.5 * (asin(sqrt(x / (n + 1))) + asin(sqrt((x + 1) / (n +
	    1))));
}

/* Miller's inverse, 0 and 1 beyond the values of p = 0 and p = 1. */
static double
ipft(double t, double n)
{
	if (!isfinite(t) || !(n > 0))
		return NAN;
	if (t > pft(1, n))
		return 1;
	if (t < pft(0, n))
		return 0;
	double s = sin(2 * t), c = cos(2 * t);
	double sg = c > 0 ? 1 : c < 0 ? -1 : 0;
	double in = s + (s - 1 / s) / n;
	return 0.5 * (1 - sg * sqrt(1 - in * in));
}

double
mk_natural(mk_measure m, double x, double n)
{
	switch (mk_measure_get(m)->tr) {
	case MK_TR_EXP:
		return exp(x);
	case MK_TR_TANH:
		return tanh(x);
	case MK_TR_ILOGIT:
		return 1 / (1 + exp(-x));
	case MK_TR_IARCSIN:
		return x < 0 ? 0 : x > asin(1.0) ? 1 : sin(x) * sin(x);
	case MK_TR_IPFT:
		return ipft(x, n);
	case MK_TR_ISQRT:
		return x < 0 ? 0 : x * x;
	default:
		return x;
	}
}

double
mk_analysis(mk_measure m, double x, double n)
{
	switch (mk_measure_get(m)->tr) {
	case MK_TR_EXP:
		return log(x);
	case MK_TR_TANH:
		return atanh(x);
	case MK_TR_ILOGIT:
		return log(x / (1 - x));
	case MK_TR_IARCSIN:
		return asin(sqrt(x));
	case MK_TR_IPFT:
		return n > 0 ? pft(x, n) : NAN;
	case MK_TR_ISQRT:
		return sqrt(x);
	default:
		return x;
	}
}

const char *
mk_scale_name(mk_measure m)
{
	static const char *const names[] = { "identity", "log", "fisher_z",
	    "logit", "arcsine", "freeman_tukey", "sqrt" };

	return names[mk_measure_get(m)->tr];
}
