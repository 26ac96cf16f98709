/* convert.c: an arm's mean and SD from what a trial printed instead of
 * them: the SE of the mean (SD = SE sqrt(n), Cochrane Handbook 6.5.2.2),
 * a 95% CI of the mean (SD = sqrt(n) (upper - lower) / (2 t(0.975, n - 1)),
 * 6.5.2.2), or the median with the quartiles and/or the range, as R
 * meta's defaults do: the mean by Luo et al. (2018), the SD by Wan et al.
 * (2014) from the range or the quartiles alone (their Tables 1 and 2 for
 * small n) and by Shi et al. (2020) from all five numbers. */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "effects/internal.h"

/* Wan et al. (2014), BMC Med Res Methodol 14:135, Table 1: xi(n), the
 * expected range of n standard normal values, n = 1..50. */
static const double wan_range[50] = {
	0.000, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078,
	3.173, 3.259, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735,
	3.778, 3.819, 3.858, 3.895, 3.931, 3.964, 3.997, 4.027, 4.057, 4.086,
	4.113, 4.139, 4.165, 4.189, 4.213, 4.236, 4.259, 4.280, 4.301, 4.322,
	4.341, 4.361, 4.379, 4.398, 4.415, 4.433, 4.450, 4.466, 4.482, 4.498,
};

/* Wan et al. (2014), Table 2: eta(n), the expected interquartile range of
 * n = 4Q + 1 standard normal values, Q = 1..50. */
static const double wan_iqr[50] = {
	0.990, 1.144, 1.206, 1.239, 1.260, 1.274, 1.284, 1.292, 1.298, 1.303,
	1.307, 1.311, 1.313, 1.316, 1.318, 1.320, 1.322, 1.323, 1.324, 1.326,
	1.327, 1.328, 1.329, 1.330, 1.330, 1.331, 1.332, 1.332, 1.333, 1.333,
	1.334, 1.334, 1.335, 1.335, 1.336, 1.336, 1.336, 1.337, 1.337, 1.337,
	1.338, 1.338, 1.338, 1.338, 1.339, 1.339, 1.339, 1.339, 1.339, 1.340,
};

double
mk_sd_from_se(double se, double n)
{
	return se * sqrt(n);
}

double
mk_sd_from_ci(double lo, double hi, double n)
{
	return sqrt(n) * (hi - lo) / (2 * gsl_cdf_tdist_Pinv(0.975, n - 1));
}

/* Blom's approximations of the expected range and interquartile range. */
static double
range_blom(double n)
{
	return 2 * gsl_cdf_ugaussian_Pinv((n - 0.375) / (n + 0.25));
}

static double
iqr_blom(double n)
{
	return 2 * gsl_cdf_ugaussian_Pinv((0.75 * n - 0.125) / (n + 0.25));
}

double
mk_wan_xi(double n)
{
	return n <= 50 ? wan_range[(int)n - 1] : range_blom(n);
}

double
mk_wan_eta(double n)
{
	return n <= 201 ? wan_iqr[(int)ceil(0.25 * (n - 1)) - 1] : iqr_blom(n);
}

int
mk_from_quantiles(double n, const double *q, double *mean, double *sd)
{
	double a = q[0], q1 = q[1], m = q[2], q3 = q[3], b = q[4];
	int range = !isnan(a) && !isnan(b), iqr = !isnan(q1) && !isnan(q3);

	if (range && iqr) {	/* all five: Luo (S3), Shi */
		double w1 = 2.2 / (2.2 + pow(n, 0.75));
		double w2 = 0.7 - 0.72 / pow(n, 0.55);
		double t1 = (2 + 0.14 * pow(n, 0.6)) *
		    gsl_cdf_ugaussian_Pinv((n - 0.375) / (n + 0.25));
		double t2 = (2 + 2 / (0.07 * pow(n, 0.6))) *
		    gsl_cdf_ugaussian_Pinv((0.75 * n - 0.125) / (n + 0.25));
		*mean = w1 * (a + b) / 2 + w2 * (q1 + q3) / 2 + (1 - w1 - w2) *
		    m;
		*sd = (b - a) / t1 + (q3 - q1) / t2;
		return MK_ARMS_FIVE;
	}
	if (iqr) {	/* Luo (S2), Wan */
		double w = 0.7 + 0.39 / n;
		*mean = w * (q1 + q3) / 2 + (1 - w) * m;
		*sd = (q3 - q1) / mk_wan_eta(n);
		return MK_ARMS_IQR;
	}
	double w = 4 / (4 + pow(n, 0.75));	/* Luo (S1), Wan */
	*mean = w * (a + b) / 2 + (1 - w) * m;
	*sd = (b - a) / mk_wan_xi(n);
	return MK_ARMS_RANGE;
}
