/* effect.c: per-study effect sizes yi and sampling variances vi for each
 * measure, with metafor's escalc conventions and continuity corrections:
 * 2x2 tables (OR RR RD), two arms' means (MD SMD ROM), correlations (COR
 * ZCOR), one proportion (PR PLO PAS PFT PLN), two or one incidence rates
 * (IRR IRD IRSD; IR IRLN IRS), given yi or a reported estimate (any
 * measure). Reads cells from a table; validates every value. */
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

/* The columns each kind of input needs, in order, the measures they give
 * and how a plot heads them (arms: 2 when the first half is treatment and
 * the second control). */
struct kind_def {
	mk_kind kind;
	const char *cols[6];
	size_t ncols;
	mk_measure deflt;
	mk_family fam;
	const char *name;	/* in messages */
	const char *head[6];	/* plot column headings; NULL: none shown */
	int arms;
};

static const struct kind_def kinds[] = {
	{ MK_KIND_BINARY, { "events_t", "n_t", "events_c", "n_c" }, 4, MK_OR,
	    MK_FAM_2X2, "binary (2x2)", { "Events", "Total", "Events",
	    "Total" }, 2 },
	{ MK_KIND_CONT, { "mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c" },
	    6, MK_MD, MK_FAM_ARMS, "continuous", { "Mean", "SD", "Total",
	    "Mean", "SD", "Total" }, 2 },
	{ MK_KIND_GENERIC, { "yi", "vi" }, 2, MK_GEN, MK_FAM_ANY, "generic",
	    { NULL }, 0 },
	{ MK_KIND_GENERIC, { "yi", "sei" }, 2, MK_GEN, MK_FAM_ANY, "generic",
	    { NULL }, 0 },
	{ MK_KIND_REPORTED, { "estimate", "ci_low", "ci_high" }, 3, MK_GEN,
	    MK_FAM_ANY, "reported", { NULL }, 0 },
	{ MK_KIND_COR, { "ri", "ni" }, 2, MK_ZCOR, MK_FAM_COR, "correlation",
	    { "r", "Total" }, 1 },
	{ MK_KIND_PROP, { "events", "n" }, 2, MK_PLO, MK_FAM_PROP,
	    "proportion", { "Events", "Total" }, 1 },
	{ MK_KIND_RATE2, { "events_t", "time_t", "events_c", "time_c" }, 4,
	    MK_IRR, MK_FAM_RATE2, "two-rate", { "Events", "Time", "Events",
	    "Time" }, 2 },
	{ MK_KIND_RATE1, { "events", "time" }, 2, MK_IRLN, MK_FAM_RATE1,
	    "one-rate", { "Events", "Time" }, 1 },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *const *
mk_kind_heads(mk_kind kind, int *arms)
{
	for (size_t k = 0; k < NKINDS; k++)
		if (kinds[k].kind == kind) {
			*arms = kinds[k].arms;
			return kinds[k].head;
		}
	*arms = 0;
	return kinds[2].head;
}

/* Whether kind kd can give measure m (MK_MEASURE_AUTO: any). */
static int
gives(const struct kind_def *kd, mk_measure m)
{
	return m == MK_MEASURE_AUTO || kd->fam == MK_FAM_ANY ||
	    kd->fam == mk_measure_get(m)->fam;
}

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

/* Picks the first complete column set that gives the measure; else names
 * what the nearest lacks. */
static const struct kind_def *
find_kind(const mk_table *t, const mk_opts *o, int *col, mk_err *err)
{
	size_t best = 0, bestn = 0;
	mk_colcache *cc = t->cache;

	if (cc != NULL && cc->kind >= 0 && cc->maps == o->maps &&
	    cc->nmaps == o->nmaps && cc->measure == (int)o->measure) {
		memcpy(col, cc->col, sizeof(cc->col));
		return &kinds[cc->kind];
	}
	for (size_t k = 0; k < NKINDS; k++) {
		size_t have = 0;
		if (!gives(&kinds[k], o->measure))
			continue;
		for (size_t c = 0; c < kinds[k].ncols; c++) {
			col[c] = mk_table_col(t, kinds[k].cols[c], o->maps,
			    o->nmaps);
			have += col[c] >= 0;
		}
		if (have == kinds[k].ncols) {
			if (cc != NULL) {
				cc->maps = o->maps;
				cc->nmaps = o->nmaps;
				cc->measure = (int)o->measure;
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
		if (o->measure != MK_MEASURE_AUTO) {
			char need[128] = "";
			for (size_t k = 0; k < NKINDS && need[0] == '\0'; k++)
				for (size_t c = 0; kinds[k].fam != MK_FAM_ANY &&
				    gives(&kinds[k], o->measure) &&
				    c < kinds[k].ncols; c++) {
					size_t l = strlen(need);
					snprintf(need + l, sizeof(need) - l, "%s%s",
					    c ? "," : "", kinds[k].cols[c]);
				}
			mk_err_set(err, t->file, 1, "", "no columns for %s: "
			    "need %s%syi,vi or yi,sei, or estimate,ci_low,"
			    "ci_high", mk_measure_get(o->measure)->name, need,
			    need[0] ? ", " : "");
			return NULL;
		}
		mk_err_set(err, t->file, 1, "", "no known set of columns: "
		    "need events_t,n_t,events_c,n_c (binary), mean_t,sd_t,"
		    "n_t,mean_c,sd_c,n_c (continuous), ri,ni (correlation), "
		    "events,n (proportion), events_t,time_t,events_c,time_c "
		    "(two rates), events,time (one rate), yi,vi or yi,sei "
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

static mk_studies *
alloc_studies(const struct kind_def *kd, size_t n)
{
	return mk_studies_alloc(kd->kind, kd->kind == MK_KIND_BINARY,
	    kd->head[0] != NULL ? (int)kd->ncols : 0, n);
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
	case MK_KIND_COR:
		NEED(x[0] >= -1 && x[0] <= 1, 0, "must be from -1 to 1");
		if (m == MK_ZCOR)
			NEED(x[1] >= 4, 1, "must be at least 4 for ZCOR (its "
			    "variance is 1/(n - 3))");
		else
			NEED(x[1] >= 2, 1, "must be at least 2");
		break;
	case MK_KIND_PROP:
		NEED(x[0] >= 0, 0, "must not be negative");
		NEED(x[1] > 0, 1, "must be positive");
		NEED(x[0] <= x[1], 0, "must not exceed n");
		break;
	case MK_KIND_RATE1:
	case MK_KIND_RATE2:
		for (int c = 0; c < (int)kd->ncols; c += 2) {
			NEED(x[c] >= 0, c, "must not be negative");
			NEED(x[c + 1] > 0, c + 1, "must be positive");
		}
		break;
	case MK_KIND_REPORTED:
		/* on the natural scale: within the measure's range */
		for (int c = 0; c < 3; c++)
			NEED(isfinite(mk_analysis(m, x[c], NAN)), c,
			    natural_range(m));
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

/* yi/vi of a row of given yi or a reported estimate with its 95% CI (on
 * the natural scale, taken to the analysis scale); else of the measure's
 * own data (escalc.c). 0, or -1 when the effect is not defined. */
static int
row_effect(const struct kind_def *kd, mk_measure m, const double *x,
    const mk_opts *o, double *yi, double *vi, int *corrected)
{
	*corrected = 0;
	if (kd->kind == MK_KIND_GENERIC) {
		*yi = x[0];
		*vi = kd->cols[1][0] == 's' ? x[1] * x[1] : x[1];
	} else if (kd->kind == MK_KIND_REPORTED) {
		double lo = mk_analysis(m, x[1], NAN);
		double hi = mk_analysis(m, x[2], NAN);
		double se = (hi - lo) / (2 * gsl_cdf_ugaussian_Qinv(0.025));
		*yi = mk_analysis(m, x[0], NAN);
		*vi = se * se;
	} else {
		return mk_effect(kd->kind, m, x, o, yi, vi, corrected);
	}
	return isfinite(*yi) && isfinite(*vi) && *vi > 0 ? 0 : -1;
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

/* A study whose effect cannot be computed is left out, saying why. */
static void
undefined(const mk_table *t, size_t r, mk_measure m, const mk_opts *o,
    mk_warn *w)
{
	char tmp[32], cc[96] = "";

	if (mk_measure_corrected(m))
		snprintf(cc, sizeof(cc), " without a continuity correction "
		    "(--cc %g, --cc-to %s)", o->cc, o->cc_to == MK_CC_NONE ?
		    "none" : o->cc_to == MK_CC_ALL ? "all" : "only0");
	mk_warn_add(w, "%s:%ld: study \"%s\": the %s is not defined for "
	    "these values%s; row left out", t->file, t->line[r],
	    label_of(t, r, tmp, sizeof(tmp)), mk_measure_get(m)->name, cc);
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
	if (!gives(kd, m)) {
		mk_err_set(err, t->file, 0, "", "measure %s does not apply "
		    "to %s data", mk_measure_get(m)->name, kd->name);
		return NULL;
	}
	if (kd->kind == MK_KIND_REPORTED && mk_measure_get(m)->tr ==
	    MK_TR_IPFT) {
		mk_err_set(err, t->file, 0, "", "a printed proportion cannot "
		    "be put on the PFT scale without each study's n: give "
		    "events,n, or use PLO, PAS or PR");
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
		int fixed;
		if (row_effect(kd, m, x, o, &s->yi[i], &s->vi[i],
		    &fixed) != 0) {
			s->yi[i] = s->vi[i] = NAN;
			/* MH and Peto pool the cells: the study stays */
			if (kd->kind != MK_KIND_BINARY || (o->method != MK_MH &&
			    o->method != MK_PETO)) {
				undefined(t, r, m, o, w);
				continue;
			}
		}
		s->ncc += fixed;	/* studies the correction changed */
		if (s->ai != NULL) {	/* binary: the cells */
			s->ai[i] = x[0];
			s->bi[i] = x[1] - x[0];
			s->ci[i] = x[2];
			s->di[i] = x[3] - x[2];
		}
		for (int c = 0; c < s->nraw; c++)
			s->raw[c][i] = x[c];
		s->row[i] = r;
		s->k++;
	}
	return s;
}
