/* effect.c: per-study effect sizes yi and sampling variances vi for each
 * measure (OR RR RD MD SMD ROM GEN), with metafor's escalc conventions and
 * continuity corrections. Reads cells from a table; validates every value. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>

#include "internal.h"

/* The columns each kind of input needs, in order. */
struct kind_def {
	mk_kind kind;
	const char *cols[6];
	size_t ncols;
	mk_measure deflt;
};

static const struct kind_def kinds[] = {
	{ MK_KIND_BINARY, { "events_t", "n_t", "events_c", "n_c" }, 4, MK_OR },
	{ MK_KIND_CONT, { "mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c" },
	    6, MK_MD },
	{ MK_KIND_GENERIC, { "yi", "vi" }, 2, MK_GEN },
	{ MK_KIND_GENERIC, { "yi", "sei" }, 2, MK_GEN },
	{ MK_KIND_REPORTED, { "estimate", "ci_low", "ci_high" }, 3, MK_GEN },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

int
mk_canonical(const char *name)
{
	if (strcasecmp(name, "study") == 0)
		return 1;
	for (size_t k = 0; k < NKINDS; k++)
		for (size_t c = 0; c < kinds[k].ncols; c++)
			if (strcasecmp(kinds[k].cols[c], name) == 0)
				return 1;
	return 0;
}

/* Picks the first complete column set; else names what the nearest lacks. */
static const struct kind_def *
find_kind(const mk_table *t, const mk_opts *o, int *col, mk_err *err)
{
	size_t best = 0, bestn = 0;
	mk_colcache *cc = t->cache;

	if (cc != NULL && cc->kind >= 0 && cc->maps == o->maps &&
	    cc->nmaps == o->nmaps) {
		memcpy(col, cc->col, sizeof(cc->col));
		return &kinds[cc->kind];
	}
	for (size_t k = 0; k < NKINDS; k++) {
		size_t have = 0;
		for (size_t c = 0; c < kinds[k].ncols; c++) {
			col[c] = mk_table_col(t, kinds[k].cols[c], o->maps,
			    o->nmaps);
			have += col[c] >= 0;
		}
		if (have == kinds[k].ncols) {
			if (cc != NULL) {
				cc->maps = o->maps;
				cc->nmaps = o->nmaps;
				cc->kind = (int)k;
				memcpy(cc->col, col, sizeof(cc->col));
			}
			return &kinds[k];
		}
		if (have > bestn) {
			bestn = have;
			best = k;
		}
	}
	if (bestn == 0) {
		mk_err_set(err, t->file, 1, "", "no known set of columns: "
		    "need events_t,n_t,events_c,n_c (binary), mean_t,sd_t,"
		    "n_t,mean_c,sd_c,n_c (continuous), yi,vi or yi,sei "
		    "(generic), or estimate,ci_low,ci_high (reported)");
		return NULL;
	}
	for (size_t c = 0; c < kinds[best].ncols; c++)
		if (mk_table_col(t, kinds[best].cols[c], o->maps,
		    o->nmaps) < 0) {
			mk_err_set(err, t->file, 1, kinds[best].cols[c],
			    "missing column (needed with %s)",
			    kinds[best].cols[0]);
			return NULL;
		}
	return NULL;
}

static int
measure_fits(mk_kind kind, mk_measure m)
{
	switch (kind) {
	case MK_KIND_BINARY:
		return m == MK_OR || m == MK_RR || m == MK_RD;
	case MK_KIND_CONT:
		return m == MK_MD || m == MK_SMD || m == MK_ROM;
	default:
		return 1;	/* yi are taken to be on the measure's scale */
	}
}

double
mk_hedges_j(double m)
{
	/* J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), via lgamma */
	return exp(lgamma(m / 2) - 0.5 * log(m / 2) - lgamma((m - 1) / 2));
}

int
mk_effect_2x2(mk_measure m, double a, double b, double c, double d,
    double cc, mk_ccto to, double *yi, double *vi)
{
	if (to == MK_CC_ALL || (to == MK_CC_ONLY0 &&
	    (a == 0 || b == 0 || c == 0 || d == 0))) {
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
	return isfinite(*yi) && isfinite(*vi) && *vi > 0 ? 0 : -1;
}

static mk_studies *
alloc_studies(const struct kind_def *kd, size_t n)
{
	int raw = kd->kind == MK_KIND_BINARY || kd->kind == MK_KIND_CONT;

	return mk_studies_alloc(kd->kind, kd->kind == MK_KIND_BINARY,
	    raw ? (int)kd->ncols : 0, n);
}

/* Checks one row's values; 0 ok, -1 error (err set). */
static int
check_row(const mk_table *t, size_t r, const struct kind_def *kd,
    const int *col, const double *x, mk_measure m, mk_err *err)
{
	const char *bad = NULL, *why = NULL;
	int at = 0;

#define NEED(cond, idx, msg) do { if (!(cond) && !bad) { \
	bad = kd->cols[idx]; at = idx; why = msg; } } while (0)
	switch (kd->kind) {
	case MK_KIND_BINARY:
		NEED(x[0] >= 0, 0, "must not be negative");
		NEED(x[2] >= 0, 2, "must not be negative");
		NEED(x[1] > 0, 1, "must be positive");
		NEED(x[3] > 0, 3, "must be positive");
		NEED(x[0] <= x[1], 0, "must not exceed n_t");
		NEED(x[2] <= x[3], 2, "must not exceed n_c");
		break;
	case MK_KIND_CONT:
		NEED(x[1] > 0, 1, "must be positive");
		NEED(x[4] > 0, 4, "must be positive");
		NEED(x[2] > 0, 2, "must be positive");
		NEED(x[5] > 0, 5, "must be positive");
		if (m == MK_ROM) {
			NEED(x[0] > 0, 0, "must be positive for ROM");
			NEED(x[3] > 0, 3, "must be positive for ROM");
		}
		break;
	case MK_KIND_GENERIC:
		NEED(x[1] > 0, 1, "must be positive");
		break;
	case MK_KIND_REPORTED:
		if (mk_measure_get(m)->log_scale) {
			NEED(x[0] > 0, 0, "must be positive for a ratio");
			NEED(x[1] > 0, 1, "must be positive for a ratio");
			NEED(x[2] > 0, 2, "must be positive for a ratio");
		}
		NEED(x[1] < x[2], 1, "must be below ci_high");
		NEED(x[1] <= x[0] && x[0] <= x[2], 0,
		    "must lie within ci_low..ci_high");
		break;
	}
#undef NEED
	if (bad == NULL)
		return 0;
	mk_err_set(err, t->file, t->line[r], t->names[col[at]],
	    "%s, got \"%s\"", why, mk_table_cell(t, r, col[at]));
	return -1;
}

/* yi/vi of one row of an input kind other than binary. */
static void
row_effect(const struct kind_def *kd, mk_measure m, const double *x,
    int pooled, double *yi, double *vi)
{
	switch (kd->kind) {
	case MK_KIND_CONT:
		if (m == MK_MD && pooled) {	/* metafor vtype "HO" */
			double n1 = x[2], n2 = x[5];
			double sp2 = ((n1 - 1) * x[1] * x[1] + (n2 - 1) *
			    x[4] * x[4]) / (n1 + n2 - 2);
			*yi = x[0] - x[3];
			*vi = sp2 * (1 / n1 + 1 / n2);
		} else if (m == MK_MD) {
			*yi = x[0] - x[3];
			*vi = x[1] * x[1] / x[2] + x[4] * x[4] / x[5];
		} else if (m == MK_ROM) {
			*yi = log(x[0] / x[3]);
			*vi = x[1] * x[1] / (x[2] * x[0] * x[0]) +
			    x[4] * x[4] / (x[5] * x[3] * x[3]);
		} else {	/* SMD: Hedges' g, metafor vtype "LS" */
			double n1 = x[2], n2 = x[5], mm = n1 + n2 - 2;
			double sp = sqrt(((n1 - 1) * x[1] * x[1] +
			    (n2 - 1) * x[4] * x[4]) / mm);
			double g = mk_hedges_j(mm) * (x[0] - x[3]) / sp;
			*yi = g;
			*vi = 1 / n1 + 1 / n2 + g * g / (2 * (n1 + n2));
		}
		break;
	case MK_KIND_GENERIC:
		*yi = x[0];
		*vi = kd->cols[1][0] == 's' ? x[1] * x[1] : x[1];
		break;
	default: {	/* reported estimate with a 95% CI */
		int lg = mk_measure_get(m)->log_scale;
		double e = lg ? log(x[0]) : x[0];
		double lo = lg ? log(x[1]) : x[1];
		double hi = lg ? log(x[2]) : x[2];
		double se = (hi - lo) / (2 * gsl_cdf_ugaussian_Qinv(0.025));
		*yi = e;
		*vi = se * se;
		break;
	}
	}
}

static const char *
label_of(const mk_table *t, size_t r, char *tmp, size_t n)
{
	int c = mk_table_col(t, "study", NULL, 0);
	const char *s = mk_table_cell(t, r, c);

	if (c < 0 || s[0] == '\0') {
		snprintf(tmp, n, "line %ld", t->line[r]);
		return tmp;
	}
	return s;
}

mk_studies *
mk_studies_from_table(const mk_table *t, const mk_opts *o, mk_warn *w,
    mk_err *err)
{
	int col[6] = { -1, -1, -1, -1, -1, -1 };
	const struct kind_def *kd = find_kind(t, o, col, err);
	mk_studies *s;
	mk_measure m;

	if (kd == NULL)
		return NULL;
	m = o->measure == MK_MEASURE_AUTO ? kd->deflt : o->measure;
	if (!measure_fits(kd->kind, m)) {
		mk_err_set(err, t->file, 0, "", "measure %s does not apply "
		    "to %s data", mk_measure_get(m)->name,
		    kd->kind == MK_KIND_BINARY ? "binary (2x2)" :
		    "continuous");
		return NULL;
	}
	if ((o->method == MK_MH || o->method == MK_PETO) &&
	    kd->kind != MK_KIND_BINARY) {
		mk_err_set(err, t->file, 0, "", "method %s needs binary "
		    "(2x2) data", mk_method_get(o->method)->name);
		return NULL;
	}
	if (o->method == MK_PETO && m != MK_OR) {
		mk_err_set(err, t->file, 0, "", "method PETO pools odds "
		    "ratios only (use --measure OR)");
		return NULL;
	}
	s = alloc_studies(kd, t->nrow);
	if (s == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return NULL;
	}
	s->measure = m;
	for (size_t r = 0; r < t->nrow; r++) {
		double x[6] = { 0, 0, 0, 0, 0, 0 };
		char missing[160] = "";
		const char *why = "";
		char tmp[32];
		for (size_t c = 0; c < kd->ncols; c++) {
			const char *cell = mk_table_cell(t, r, col[c]);
			int st = mk_parse_num(cell, &x[c], &why);
			if (st == MK_NUM_OK && !mk_in_range(x[c])) {
				st = MK_NUM_BAD;
				why = MK_RANGE_MSG;
			}
			if (st == MK_NUM_BAD) {
				mk_err_set(err, t->file, t->line[r],
				    t->names[col[c]], "%s, got \"%.40s\"",
				    why, cell);
				mk_studies_free(s);
				return NULL;
			}
			if (st == MK_NUM_EMPTY) {
				size_t l = strlen(missing);
				snprintf(missing + l, sizeof(missing) - l, "%s%s",
				    l ? ", " : "", t->names[col[c]]);
			}
		}
		if (missing[0] != '\0') {
			mk_warn_add(w, "%s:%ld: study \"%s\": no value for "
			    "%s; row left out", t->file, t->line[r],
			    label_of(t, r, tmp, sizeof(tmp)), missing);
			continue;
		}
		if (check_row(t, r, kd, col, x, m, err) != 0) {
			mk_studies_free(s);
			return NULL;
		}
		size_t i = s->k;
		if (s->ai != NULL) {	/* binary */
			s->ai[i] = x[0];
			s->bi[i] = x[1] - x[0];
			s->ci[i] = x[2];
			s->di[i] = x[3] - x[2];
			if (mk_effect_2x2(m, s->ai[i], s->bi[i], s->ci[i],
			    s->di[i], o->cc, o->cc_to, &s->yi[i],
			    &s->vi[i]) != 0) {
				s->yi[i] = s->vi[i] = NAN;
				if (o->method != MK_MH && o->method != MK_PETO) {
					/* inverse variance cannot use it */
					mk_warn_add(w, "%s:%ld: study \"%s\": the %s "
					    "is not defined for this table without "
					    "a continuity correction (--cc %g, "
					    "--cc-to %s); row left out", t->file,
					    t->line[r], label_of(t, r, tmp,
					    sizeof(tmp)), mk_measure_get(m)->name,
					    o->cc, o->cc_to == MK_CC_NONE ? "none" :
					    o->cc_to == MK_CC_ALL ? "all" : "only0");
					continue;
				}
			}
			/* studies the correction changed (none when it is 0) */
			s->ncc += o->cc > 0 && (o->cc_to == MK_CC_ALL ||
			    (o->cc_to == MK_CC_ONLY0 && (x[0] == 0 ||
			    x[0] == x[1] || x[2] == 0 || x[2] == x[3])));
		} else {
			row_effect(kd, m, x, o->md_pooled_var, &s->yi[i],
			    &s->vi[i]);
			if (!isfinite(s->yi[i]) || !isfinite(s->vi[i]) ||
			    s->vi[i] <= 0) {
				mk_err_set(err, t->file, t->line[r], "",
				    "study \"%s\": the effect size or its "
				    "variance is not defined for these values",
				    label_of(t, r, tmp, sizeof(tmp)));
				mk_studies_free(s);
				return NULL;
			}
		}
		for (int c = 0; c < s->nraw; c++)
			s->raw[c][i] = x[c];
		s->row[i] = r;
		s->k++;
	}
	return s;
}
