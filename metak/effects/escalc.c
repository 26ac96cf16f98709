/* escalc.c: the formulas of each measure, as metafor's escalc() defines
 * them (its default variance types), with its continuity correction: cc
 * added to the cells of a study with a zero cell ("only0") or of every
 * study ("all"): the four cells of a 2x2 table, the events and non-events
 * of a proportion, the events of a rate. The arcsine, Freeman-Tukey and
 * square-root measures (PAS PFT IRS IRSD) are defined at zero and are
 * corrected only when a correction is given (escalc's add = 0 unless
 * set). */
#include <math.h>

#include "effects/internal.h"

double
mk_hedges_j(double m)
{
	/* J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), via lgamma */
	return exp(lgamma(m / 2) - 0.5 * log(m / 2) - lgamma((m - 1) / 2));
}

int
mk_measure_corrected(mk_measure m)
{
	switch (m) {
	case MK_OR: case MK_RR: case MK_RD:
	case MK_PR: case MK_PLN: case MK_PLO:
	case MK_IR: case MK_IRLN: case MK_IRR: case MK_IRD:
		return 1;
	default:
		return 0;
	}
}

double
mk_cc_of(const mk_opts *o, mk_measure m)
{
	return mk_measure_corrected(m) || o->cc_set ? o->cc : 0;
}

static int
defined(double yi, double vi)
{
	return isfinite(yi) && isfinite(vi) && vi > 0 ? 0 : -1;
}

/* Whether the correction applies to a study (zero: it has a zero cell). */
static int
corrects(mk_ccto to, int zero)
{
	return to == MK_CC_ALL || (to == MK_CC_ONLY0 && zero);
}

int
mk_effect_2x2(mk_measure m, double a, double b, double c, double d,
    double cc, mk_ccto to, double *yi, double *vi)
{
	if (corrects(to, a == 0 || b == 0 || c == 0 || d == 0)) {
		a += cc;
		b += cc;
		c += cc;
		d += cc;
	}
	double n1 = a + b, n2 = c + d;
	switch (m) {
	case MK_OR:
		*yi = log(a * d / (b * c));
		*vi = 1 / a + 1 / b + 1 / c + 1 / d;
		break;
	case MK_RR:
		*yi = log((a / n1) / (c / n2));
		*vi = 1 / a - 1 / n1 + 1 / c - 1 / n2;
		break;
	default: {	/* MK_RD */
		double p1 = a / n1, p2 = c / n2;
		*yi = p1 - p2;
		*vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2;
		break;
	}
	}
	return defined(*yi, *vi);
}

/* Two arms' means, SDs and sizes: x = mean_t sd_t n_t mean_c sd_c n_c. */
static void
arms(mk_measure m, const double *x, int pooled, double *yi, double *vi)
{
	double n1 = x[2], n2 = x[5];

	if (m == MK_MD && pooled) {	/* metafor vtype "HO" */
		double sp2 = ((n1 - 1) * x[1] * x[1] + (n2 - 1) * x[4] *
		    x[4]) / (n1 + n2 - 2);
		*yi = x[0] - x[3];
		*vi = sp2 * (1 / n1 + 1 / n2);
	} else if (m == MK_MD) {
		*yi = x[0] - x[3];
		*vi = x[1] * x[1] / n1 + x[4] * x[4] / n2;
	} else if (m == MK_ROM) {
		*yi = log(x[0] / x[3]);
		*vi = x[1] * x[1] / (n1 * x[0] * x[0]) + x[4] * x[4] /
		    (n2 * x[3] * x[3]);
	} else {	/* SMD: Hedges' g, metafor vtype "LS" */
		double mm = n1 + n2 - 2;
		double sp = sqrt(((n1 - 1) * x[1] * x[1] + (n2 - 1) * x[4] *
		    x[4]) / mm);
		double g = mk_hedges_j(mm) * (x[0] - x[3]) / sp;
		*yi = g;
		*vi = 1 / n1 + 1 / n2 + g * g / (2 * (n1 + n2));
	}
}

/* One proportion: xi events of ni. */
static void
proportion(mk_measure m, double xi, double ni, double *yi, double *vi)
{
	double p = xi / ni;

	switch (m) {
	case MK_PR:
		*yi = p;
		*vi = p * (1 - p) / ni;
		break;
	case MK_PLN:
		*yi = log(p);
		*vi = 1 / xi - 1 / ni;
		break;
	case MK_PLO:
		*yi = log(xi / (ni - xi));
		*vi = 1 / xi + 1 / (ni - xi);
		break;
	case MK_PAS:
		*yi = asin(sqrt(p));
		*vi = 1 / (4 * ni);
		break;
	default:	/* MK_PFT */
		*yi = 0.5 * (asin(sqrt(xi / (ni + 1))) + asin(sqrt((xi + 1) /
		    (ni + 1))));
		*vi = 1 / (4 * ni + 2);
		break;
	}
}

/* One incidence rate: xi events in ti person-time. */
static void
rate(mk_measure m, double xi, double ti, double *yi, double *vi)
{
	switch (m) {
	case MK_IR:
		*yi = xi / ti;
		*vi = xi / (ti * ti);
		break;
	case MK_IRLN:
		*yi = log(xi / ti);
		*vi = 1 / xi;
		break;
	default:	/* MK_IRS */
		*yi = sqrt(xi / ti);
		*vi = 1 / (4 * ti);
		break;
	}
}

/* Two incidence rates: x = events_t time_t events_c time_c. */
static void
rates(mk_measure m, const double *x, double *yi, double *vi)
{
	double r1 = x[0] / x[1], r2 = x[2] / x[3];

	switch (m) {
	case MK_IRR:
		*yi = log(r1 / r2);
		*vi = 1 / x[0] + 1 / x[2];
		break;
	case MK_IRD:
		*yi = r1 - r2;
		*vi = x[0] / (x[1] * x[1]) + x[2] / (x[3] * x[3]);
		break;
	default:	/* MK_IRSD */
		*yi = sqrt(r1) - sqrt(r2);
		*vi = 1 / (4 * x[1]) + 1 / (4 * x[3]);
		break;
	}
}

int
mk_effect(mk_kind kind, mk_measure m, const double *in, const mk_opts *o,
    double *yi, double *vi, int *corrected)
{
	double x[6], cc = mk_cc_of(o, m);
	int fix = 0;

	for (int c = 0; c < 6; c++)
		x[c] = in[c];
	*corrected = 0;
	switch (kind) {
	case MK_KIND_BINARY:
		*corrected = corrects(o->cc_to, x[0] == 0 || x[0] == x[1] ||
		    x[2] == 0 || x[2] == x[3]) && cc > 0;
		return mk_effect_2x2(m, x[0], x[1] - x[0], x[2], x[3] - x[2],
		    cc, o->cc_to, yi, vi);
	case MK_KIND_CONT:
		arms(m, x, o->md_pooled_var, yi, vi);
		break;
	case MK_KIND_COR:
		*yi = m == MK_ZCOR ? atanh(x[0]) : x[0];
		*vi = m == MK_ZCOR ? 1 / (x[1] - 3) : (1 - x[0] * x[0]) *
		    (1 - x[0] * x[0]) / (x[1] - 1);
		break;
	case MK_KIND_PROP:
		fix = corrects(o->cc_to, x[0] == 0 || x[0] == x[1]);
		if (fix) {	/* to the events and the non-events */
			x[0] += cc;
			x[1] += 2 * cc;
		}
		proportion(m, x[0], x[1], yi, vi);
		break;
	case MK_KIND_RATE1:
		fix = corrects(o->cc_to, x[0] == 0);
		if (fix)
			x[0] += cc;
		rate(m, x[0], x[1], yi, vi);
		break;
	case MK_KIND_RATE2:
		fix = corrects(o->cc_to, x[0] == 0 || x[2] == 0);
		if (fix) {
			x[0] += cc;
			x[2] += cc;
		}
		rates(m, x, yi, vi);
		break;
	default:
		*yi = x[0];
		*vi = x[1];
		break;
	}
	*corrected = fix && cc > 0;
	return defined(*yi, *vi);
}
