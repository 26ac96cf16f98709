/* forms.c: the forms a study's data can be printed in (the "from" of
 * ../shared/CONTRACT.md), which of them a table's header holds, and one
 * row read in one form: its cells parsed, checked at the cell and turned
 * into yi and vi (the measure's own data through escalc.c; an arm's SE,
 * CI or median through convert.c; a reported estimate with its CI, SE or
 * p on the measure's analysis scale; given yi). effect.c picks the form. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "effects/internal.h"

#define Z975 1.959963984540054

const struct mk_form mk_forms[] = {
	{ MK_FROM_COUNTS, MK_KIND_BINARY, MK_FAM_2X2, { MK_C_EVENTS_T,
	    MK_C_N_T, MK_C_EVENTS_C, MK_C_N_C }, 4, MK_OR },
	{ MK_FROM_MEANS_SD, MK_KIND_CONT, MK_FAM_ARMS, { 0 }, 0, MK_MD },
	{ MK_FROM_CORRELATION, MK_KIND_COR, MK_FAM_COR, { MK_C_RI, MK_C_NI },
	    2, MK_ZCOR },
	{ MK_FROM_PROPORTION, MK_KIND_PROP, MK_FAM_PROP, { MK_C_EVENTS,
	    MK_C_N }, 2, MK_PLO },
	{ MK_FROM_TWO_RATES, MK_KIND_RATE2, MK_FAM_RATE2, { MK_C_EVENTS_T,
	    MK_C_TIME_T, MK_C_EVENTS_C, MK_C_TIME_C }, 4, MK_IRR },
	{ MK_FROM_ONE_RATE, MK_KIND_RATE1, MK_FAM_RATE1, { MK_C_EVENTS,
	    MK_C_TIME }, 2, MK_IRLN },
	{ MK_FROM_ESTIMATE_CI, MK_KIND_REPORTED, MK_FAM_ANY, { MK_C_ESTIMATE,
	    MK_C_CI_LOW, MK_C_CI_HIGH }, 3, MK_GEN },
	{ MK_FROM_ESTIMATE_SE, MK_KIND_REPORTED, MK_FAM_ANY, { MK_C_ESTIMATE,
	    MK_C_SE }, 2, MK_GEN },
	{ MK_FROM_ESTIMATE_P, MK_KIND_REPORTED, MK_FAM_ANY, { MK_C_ESTIMATE,
	    MK_C_P }, 2, MK_GEN },
	{ MK_FROM_YI_VI, MK_KIND_GENERIC, MK_FAM_ANY, { MK_C_YI, MK_C_VI }, 2,
	    MK_GEN },
	{ MK_FROM_YI_SEI, MK_KIND_GENERIC, MK_FAM_ANY, { MK_C_YI, MK_C_SEI },
	    2, MK_GEN },
};
const size_t mk_nforms = sizeof(mk_forms) / sizeof(mk_forms[0]);

static const char *const from_names[] = { "counts", "means_sd", "means_se",
    "means_ci", "medians", "correlation", "proportion", "two_rates",
    "one_rate", "estimate_ci", "estimate_se", "estimate_p", "yi_vi",
    "yi_sei" };

const char *
mk_from_name(mk_from f)
{
	return from_names[f];
}

/* The plot headings of each kind's inputs; arms 2: treatment, control. */
const char *const *
mk_kind_heads(mk_kind kind, int *arms)
{
	static const char *const bin[] = { "Events", "Total", "Events",
	    "Total", NULL };
	static const char *const cont[] = { "Mean", "SD", "Total", "Mean",
	    "SD", "Total", NULL };
	static const char *const cor[] = { "r", "Total", NULL };
	static const char *const prop[] = { "Events", "Total", NULL };
	static const char *const rate2[] = { "Events", "Time", "Events",
	    "Time", NULL };
	static const char *const rate1[] = { "Events", "Time", NULL };
	static const char *const none[] = { NULL };

	*arms = kind == MK_KIND_BINARY || kind == MK_KIND_CONT ||
	    kind == MK_KIND_RATE2 ? 2 : kind == MK_KIND_COR ||
	    kind == MK_KIND_PROP || kind == MK_KIND_RATE1 ? 1 : 0;
	switch (kind) {
	case MK_KIND_BINARY: return bin;
	case MK_KIND_CONT: return cont;
	case MK_KIND_COR: return cor;
	case MK_KIND_PROP: return prop;
	case MK_KIND_RATE2: return rate2;
	case MK_KIND_RATE1: return rate1;
	default: return none;
	}
}

/* ---- which forms a header holds ---------------------------------------- */

static int
has(const int *col, int id)
{
	return col[id] >= 0;
}

/* An arm (base MK_C_ARM_T or _C) is readable from this header. */
static int
arm_in_header(const int *col, int base)
{
	int mean = has(col, base + MK_ARM_MEAN) && (has(col, base + MK_ARM_SD) ||
	    has(col, base + MK_ARM_SE) || (has(col, base + MK_ARM_LO) &&
	    has(col, base + MK_ARM_HI)));
	int median = has(col, base + MK_ARM_MEDIAN) && ((has(col, base +
	    MK_ARM_Q1) && has(col, base + MK_ARM_Q3)) || (has(col, base +
	    MK_ARM_MIN) && has(col, base + MK_ARM_MAX)));

	return has(col, base + MK_ARM_N) && (mean || median);
}

int
mk_form_in_header(const struct mk_form *f, const int *col)
{
	if (f->from == MK_FROM_MEANS_SD)
		return arm_in_header(col, MK_C_ARM_T) &&
		    arm_in_header(col, MK_C_ARM_C);
	for (int c = 0; c < f->ncols; c++)
		if (!has(col, f->cols[c]))
			return 0;
	return 1;
}

/* ---- one row in one form ----------------------------------------------- */

/* The number in column id of the row: 1 with *x, 0 when empty or not in
 * the header, -1 (err set at the cell) when not a usable number. */
static int
cell(const struct mk_rowctx *R, int id, double *x)
{
	const char *why = "";
	int c = R->col[id];

	*x = NAN;
	if (c < 0)
		return 0;
	const char *s = mk_table_cell(R->t, R->r, c);
	int st = mk_parse_num(s, x, &why);
	if (st == MK_NUM_OK && !mk_in_range(*x)) {
		st = MK_NUM_BAD;
		why = MK_RANGE_MSG;
	}
	if (st == MK_NUM_BAD && R->t->decimal == ',' && strchr(s, ','))
		why = "expected a number (with --decimal , digits with one "
		    "decimal comma, such as 1,5)";
	if (st == MK_NUM_BAD) {
		mk_err_set(R->err, R->t->file, R->t->line[R->r],
		    R->t->names[c], "%s, got \"%.40s\"", why, s);
		return -1;
	}
	return st == MK_NUM_OK;
}

/* An error at column id of the row: why, and what the cell holds. */
static int
bad(const struct mk_rowctx *R, int id, const char *why)
{
	int c = R->col[id];

	mk_err_set(R->err, R->t->file, R->t->line[R->r], R->t->names[c],
	    "%s, got \"%s\"", why, mk_table_cell(R->t, R->r, c));
	return -1;
}

static void
missing(char *out, size_t n, const char *name)
{
	size_t l = strlen(out);

	snprintf(out + l, n - l, "%s%s", l ? ", " : "", name);
}

/* One arm's mean, SD and n (x[0..2]) and how they were read (*how); 0
 * complete, 1 incomplete (miss names what is missing), -1 error. */
static int
read_arm(const struct mk_rowctx *R, int base, double *x, int *how,
    char *miss, size_t nmiss)
{
	double v[MK_ARM_FIELDS];
	int got[MK_ARM_FIELDS];

	for (int f = 0; f < MK_ARM_FIELDS; f++)
		if ((got[f] = cell(R, base + f, &v[f])) < 0)
			return -1;
	if (!got[MK_ARM_N]) {
		missing(miss, nmiss, mk_col_name(base + MK_ARM_N));
		return 1;
	}
	double n = v[MK_ARM_N];
	if (!(n > 0))
		return bad(R, base + MK_ARM_N, "must be positive");
	x[2] = n;
	if (got[MK_ARM_MEAN] && (got[MK_ARM_SD] || got[MK_ARM_SE] ||
	    (got[MK_ARM_LO] && got[MK_ARM_HI]))) {
		x[0] = v[MK_ARM_MEAN];
		if (got[MK_ARM_SD]) {
			if (!(v[MK_ARM_SD] > 0))
				return bad(R, base + MK_ARM_SD, "must be positive");
			x[1] = v[MK_ARM_SD];
			*how = MK_ARMS_SD;
		} else if (got[MK_ARM_SE]) {
			if (!(v[MK_ARM_SE] > 0))
				return bad(R, base + MK_ARM_SE, "must be positive");
			x[1] = mk_sd_from_se(v[MK_ARM_SE], n);
			*how = MK_ARMS_SE;
		} else {
			if (!(n >= 2))
				return bad(R, base + MK_ARM_N, "must be at least 2 "
				    "to read an SD from a confidence interval");
			if (!(v[MK_ARM_LO] < v[MK_ARM_HI]))
				return bad(R, base + MK_ARM_LO, "must be below the "
				    "interval's upper end");
			if (!(v[MK_ARM_LO] <= x[0] && x[0] <= v[MK_ARM_HI]))
				return bad(R, base + MK_ARM_MEAN, "must lie within "
				    "its confidence interval");
			x[1] = mk_sd_from_ci(v[MK_ARM_LO], v[MK_ARM_HI], n);
			*how = MK_ARMS_CI;
		}
		return 0;
	}
	int iqr = got[MK_ARM_Q1] && got[MK_ARM_Q3];
	int range = got[MK_ARM_MIN] && got[MK_ARM_MAX];
	if (!got[MK_ARM_MEDIAN] || (!iqr && !range)) {
		/* name what the most direct way lacks */
		if (got[MK_ARM_MEAN] || !got[MK_ARM_MEDIAN])
			missing(miss, nmiss, got[MK_ARM_MEAN] ? mk_col_name(base +
			    MK_ARM_SD) : mk_col_name(base + MK_ARM_MEAN));
		else
			missing(miss, nmiss, mk_col_name(base + MK_ARM_Q1));
		return 1;
	}
	if (!(n >= 2))
		return bad(R, base + MK_ARM_N, "must be at least 2 to estimate "
		    "a mean and SD from quantiles");
	double q[5] = { range ? v[MK_ARM_MIN] : NAN, iqr ? v[MK_ARM_Q1] : NAN,
	    v[MK_ARM_MEDIAN], iqr ? v[MK_ARM_Q3] : NAN, range ?
	    v[MK_ARM_MAX] : NAN };
	if (range && !(q[0] < q[4]))
		return bad(R, base + MK_ARM_MIN, "must be below the maximum");
	if (iqr && !(q[1] < q[3]))
		return bad(R, base + MK_ARM_Q1, "must be below the third "
		    "quartile");
	if ((iqr && !(q[1] <= q[2] && q[2] <= q[3])) || (range &&
	    !(q[0] <= q[2] && q[2] <= q[4])))
		return bad(R, base + MK_ARM_MEDIAN, "must lie between the "
		    "quartiles and within the range");
	if (iqr && range && !(q[0] <= q[1] && q[3] <= q[4]))
		return bad(R, base + MK_ARM_Q1, "the quartiles must lie within "
		    "the range");
	*how = mk_from_quantiles(n, q, &x[0], &x[1]);
	return 0;
}

/* What a printed (natural-scale) value of measure m must be. */
static const char *
natural_range(mk_measure m)
{
	switch (mk_measure_get(m)->tr) {
	case MK_TR_EXP:
		return mk_measure_get(m)->log_scale ? "must be positive for a "
		    "ratio" : "must be positive";
	case MK_TR_TANH:
		return "must lie strictly between -1 and 1";
	case MK_TR_ILOGIT:
		return "must lie strictly between 0 and 1";
	case MK_TR_IARCSIN:
		return "must lie from 0 to 1";
	case MK_TR_ISQRT:
		return "must not be negative";
	default:
		return "must be a finite number";
	}
}

/* The checks of the measure's own data, value by value. */
static int
check_data(const struct mk_rowctx *R, const struct mk_form *f,
    const double *x)
{
	const int *c = f->cols;

	switch (f->kind) {
	case MK_KIND_BINARY:
		for (int a = 0; a < 4; a += 2) {
			if (!(x[a] >= 0))
				return bad(R, c[a], "must not be negative");
			if (!(x[a + 1] > 0))
				return bad(R, c[a + 1], "must be positive");
			if (!(x[a] <= x[a + 1]))
				return bad(R, c[a], a ? "must not exceed n_c" :
				    "must not exceed n_t");
		}
		return 0;
	case MK_KIND_COR:
		if (!(x[0] >= -1 && x[0] <= 1))
			return bad(R, c[0], "must be from -1 to 1");
		if (R->m == MK_ZCOR && !(x[1] >= 4))
			return bad(R, c[1], "must be at least 4 for ZCOR (its "
			    "variance is 1/(n - 3))");
		if (!(x[1] >= 2))
			return bad(R, c[1], "must be at least 2");
		return 0;
	case MK_KIND_PROP:
		if (!(x[0] >= 0))
			return bad(R, c[0], "must not be negative");
		if (!(x[1] > 0))
			return bad(R, c[1], "must be positive");
		if (!(x[0] <= x[1]))
			return bad(R, c[0], "must not exceed n");
		return 0;
	default:	/* one or two rates: events, time */
		for (int a = 0; a < f->ncols; a += 2) {
			if (!(x[a] >= 0))
				return bad(R, c[a], "must not be negative");
			if (!(x[a + 1] > 0))
				return bad(R, c[a + 1], "must be positive");
		}
		return 0;
	}
}

/* A reported estimate or given yi: checks, then yi and vi. */
static int
reported(const struct mk_rowctx *R, const struct mk_form *f,
    const double *x, struct mk_read *out)
{
	mk_measure m = R->m;
	const int *c = f->cols;

	if (f->kind == MK_KIND_GENERIC) {
		if (!(x[1] > 0))
			return bad(R, c[1], "must be positive");
		out->yi = x[0];
		out->vi = f->from == MK_FROM_YI_SEI ? x[1] * x[1] : x[1];
		return 0;
	}
	int nat = f->from == MK_FROM_ESTIMATE_CI ? 3 : 1;
	for (int i = 0; i < nat; i++)
		if (!isfinite(mk_analysis(m, x[i], NAN)))
			return bad(R, c[i], natural_range(m));
	out->yi = mk_analysis(m, x[0], NAN);
	if (f->from == MK_FROM_ESTIMATE_CI) {
		if (!(x[1] < x[2]))
			return bad(R, c[1], "must be below ci_high");
		if (!(x[1] <= x[0] && x[0] <= x[2]))
			return bad(R, c[0], "must lie within ci_low..ci_high");
		double se = (mk_analysis(m, x[2], NAN) - mk_analysis(m, x[1],
		    NAN)) / (2 * Z975);
		out->vi = se * se;
	} else if (f->from == MK_FROM_ESTIMATE_SE) {
		if (!(x[1] > 0))
			return bad(R, c[1], "must be positive");
		out->vi = x[1] * x[1];
	} else {	/* estimate_p: SE = |theta| / z(1 - p/2) */
		if (!(x[1] > 0 && x[1] <= 1))
			return bad(R, c[1], "a two-sided p-value must be above 0 "
			    "and at most 1");
		double se = fabs(out->yi) / gsl_cdf_ugaussian_Qinv(x[1] / 2);
		out->vi = se * se;
	}
	return 0;
}

int
mk_form_read(const struct mk_rowctx *R, const struct mk_form *f,
    struct mk_read *out, char *miss, size_t nmiss)
{
	double *x = out->x;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 6; i++)
		x[i] = NAN;
	out->from = f->from;
	if (f->from == MK_FROM_MEANS_SD) {
		int how[2] = { 0, 0 }, st[2];
		for (size_t a = 0; a < 2; a++)
			if ((st[a] = read_arm(R, a ? MK_C_ARM_C : MK_C_ARM_T,
			    x + 3 * a, &how[a], miss, nmiss)) < 0)
				return -1;
		if (st[0] || st[1])
			return 1;
		if (R->m == MK_ROM)
			for (size_t a = 0; a < 2; a++)
				if (!(x[3 * a] > 0))
					return bad(R, (a ? MK_C_ARM_C : MK_C_ARM_T) +
					    (how[a] >= MK_ARMS_RANGE ? MK_ARM_MEDIAN :
					    MK_ARM_MEAN), "must be positive for ROM");
		int worst = how[0] > how[1] ? how[0] : how[1];
		out->from = worst == MK_ARMS_SD ? MK_FROM_MEANS_SD :
		    worst == MK_ARMS_SE ? MK_FROM_MEANS_SE : worst ==
		    MK_ARMS_CI ? MK_FROM_MEANS_CI : MK_FROM_MEDIANS;
		out->arms = (unsigned char)(how[0] | how[1] << 4);
		return 0;
	}
	int complete = 1;
	for (int i = 0; i < f->ncols; i++) {
		int st = cell(R, f->cols[i], &x[i]);
		if (st < 0)
			return -1;
		if (st == 0) {
			complete = 0;
			missing(miss, nmiss, R->t->names[R->col[f->cols[i]]]);
		}
	}
	if (!complete)
		return 1;
	if (f->fam == MK_FAM_ANY)
		return reported(R, f, x, out) != 0 ? -1 : 0;
	return check_data(R, f, x) != 0 ? -1 : 0;
}

void
mk_from_note(const mk_studies *s, size_t i, char *out, size_t n)
{
	static const char *const arm[] = { "", "SD = SE x sqrt(n)",
	    "SD = sqrt(n) (upper - lower) / (2 t(0.975, n - 1))",
	    "mean (Luo et al. 2018) and SD (Wan et al. 2014) from the median "
	    "and range", "mean (Luo et al. 2018) and SD (Wan et al. 2014) "
	    "from the median and quartiles", "mean (Luo et al. 2018) and SD "
	    "(Shi et al. 2020) from the median, quartiles and range" };
	int t = s->arms[i] & 15, c = s->arms[i] >> 4;
	int tr = mk_measure_get(s->measure)->tr != MK_TR_NONE;

	out[0] = '\0';
	switch ((mk_from)s->from[i]) {
	case MK_FROM_MEANS_SE:
	case MK_FROM_MEANS_CI:
	case MK_FROM_MEDIANS:
		if (t == c)
			snprintf(out, n, "%s (both arms)", arm[t]);
		else if (t && c)
			snprintf(out, n, "treatment arm: %s; control arm: %s",
			    arm[t], arm[c]);
		else
			snprintf(out, n, "%s arm: %s", t ? "treatment" :
			    "control", arm[t ? t : c]);
		break;
	case MK_FROM_ESTIMATE_CI:
	case MK_FROM_ESTIMATE_P:
		snprintf(out, n, "%s%s%s%s", s->from[i] == MK_FROM_ESTIMATE_CI ?
		    "SE = (upper - lower) / (2 x 1.96)" : "SE = |estimate| / "
		    "z(1 - p/2)", tr ? " on the " : "", tr ?
		    mk_scale_name(s->measure) : "", tr ? " scale" : "");
		break;
	case MK_FROM_ESTIMATE_SE:
		if (tr)
			snprintf(out, n, "estimate on the %s scale",
			    mk_scale_name(s->measure));
		break;
	default:
		break;
	}
}
