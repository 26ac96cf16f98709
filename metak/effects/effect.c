/* effect.c: a table's rows as studies. Each row is read in the most
 * direct complete form it carries (forms.c): the measure's own data, then
 * a reported estimate with its CI, SE or p, then given yi. Retracted rows
 * are left out unless asked for; a row that carries its own data and a
 * printed estimate with CI is pooled from its data and the printed figures
 * are checked against it at their printed precision. Every row left out
 * is recorded with the reason, and warned about. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "effects/internal.h"

#define Z975 1.959963984540054

struct reader {
	const mk_table *t;
	const mk_opts *o;
	const int *col;
	mk_measure m;
	int measure_given;
	const struct mk_form *cand[16];	/* the forms rows are read in */
	size_t ncand;
	const struct mk_form *data;	/* the measure's own data, or NULL */
	mk_warn *w;
	mk_err *err;
	int unchecked;			/* printed estimates not checked */
};

static const char *
label_of(const struct reader *R, size_t r, char *tmp, size_t n)
{
	const char *s = mk_table_cell(R->t, r, R->col[MK_C_STUDY]);

	if (R->col[MK_C_STUDY] < 0 || s[0] == '\0') {
		snprintf(tmp, n, "line %ld", R->t->line[r]);
		return tmp;
	}
	return s;
}

/* The header's names, comma-separated, cut with "..." to fit. */
static void
header_list(const mk_table *t, char *out, size_t n)
{
	size_t l = 0;

	out[0] = '\0';
	for (size_t i = 0; i < t->ncol; i++) {
		int w = snprintf(out + l, n - l, "%s%s", i ? ", " : "",
		    t->names[i]);
		if (w < 0 || (size_t)w >= n - l) {
			snprintf(out + (n > 5 ? n - 5 : 0), 5, "...");
			return;
		}
		l += (size_t)w;
	}
}

/* The header lacks every form: when one is partly there, names the first
 * column it lacks, the closest header name and what the header has (-1
 * with err); else 0. */
static int
nearest(struct reader *R)
{
	static const int arms[6] = { MK_C_ARM_T + MK_ARM_MEAN, MK_C_ARM_T +
	    MK_ARM_SD, MK_C_N_T, MK_C_ARM_C + MK_ARM_MEAN, MK_C_ARM_C +
	    MK_ARM_SD, MK_C_N_C };
	const int *best = NULL;
	int bestn = 0, nbest = 0;

	for (size_t f = 0; f < mk_nforms; f++) {
		const struct mk_form *F = &mk_forms[f];
		const int *cols = F->ncols ? F->cols : arms;
		int n = F->ncols ? F->ncols : 6, have = 0;
		for (int c = 0; c < n; c++)
			have += R->col[cols[c]] >= 0;
		if (have > bestn) {
			bestn = have;
			best = cols;
			nbest = n;
		}
	}
	for (int c = 0; best != NULL && c < nbest; c++)
		if (R->col[best[c]] < 0) {
			char near[80], found[200];
			int close = mk_col_suggest(R->t, mk_col_name(best[c]),
			    near, sizeof(near));
			header_list(R->t, found, sizeof(found));
			char hint[200] = "";
			if (close)
				snprintf(hint, sizeof(hint), "; did you mean "
				    "\"%s\"? (--map %s=\"%s\")", near,
				    mk_col_name(best[c]), near);
			mk_err_set(R->err, R->t->file, R->t->header_line, mk_col_name(best[c]),
			    "missing column (needed with %s)%s; the header has "
			    "%s", mk_col_name(best[0]), hint, found);
			return -1;
		}
	return 0;
}

/* The measure and the forms rows are read in: with --measure, its own
 * data and the reported and given forms; without, the family of the
 * first own-data form the header holds (its default measure), else given
 * yi (GEN). Reported estimates are in a measure's units: they need it
 * named. */
static int
choose(struct reader *R)
{
	const mk_opts *o = R->o;
	mk_family fam = MK_FAM_ANY;

	R->m = o->measure;
	R->measure_given = o->measure != MK_MEASURE_AUTO;
	if (R->measure_given)
		fam = mk_measure_get(o->measure)->fam;
	for (size_t f = 0; f < mk_nforms; f++) {
		const struct mk_form *F = &mk_forms[f];
		if (F->fam == MK_FAM_ANY || !mk_form_in_header(F, R->col))
			continue;
		if (R->measure_given && F->fam != fam)
			continue;
		R->data = F;
		if (!R->measure_given)
			R->m = F->deflt;
		break;
	}
	for (size_t f = 0; f < mk_nforms; f++) {
		const struct mk_form *F = &mk_forms[f];
		if ((F == R->data || F->fam == MK_FAM_ANY) &&
		    mk_form_in_header(F, R->col))
			R->cand[R->ncand++] = F;
	}
	if (R->ncand == 0) {
		if (R->measure_given && fam != MK_FAM_ANY) {
			char need[96] = "";
			for (size_t f = 0; f < mk_nforms && need[0] == '\0'; f++)
				for (int c = 0; mk_forms[f].fam == fam &&
				    c < mk_forms[f].ncols; c++) {
					size_t l = strlen(need);
					snprintf(need + l, sizeof(need) - l, "%s%s", c ?
					    "," : "", mk_col_name(mk_forms[f].cols[c]));
				}
			if (fam == MK_FAM_ARMS)
				snprintf(need, sizeof(need), "each arm's n with a "
				    "mean and SD, SE or CI, or a median with quartiles"
				    " or range");
			mk_err_set(R->err, R->t->file, R->t->header_line, "", "no columns for %s: "
			    "need %s; estimate,ci_low,ci_high; estimate,se; "
			    "estimate,p; yi,vi or yi,sei",
			    mk_measure_get(o->measure)->name, need);
			return -1;
		}
		if (nearest(R) != 0)
			return -1;
		char found[200];
		header_list(R->t, found, sizeof(found));
		mk_err_set(R->err, R->t->file, R->t->header_line, "", "no known set of columns "
		    "(the header has %s): "
		    "need events_t,n_t,events_c,n_c (binary), mean_t,sd_t,"
		    "n_t,mean_c,sd_c,n_c (continuous; or an SE, a CI or a median "
		    "per arm), ri,ni (correlation), events,n (proportion), "
		    "events_t,time_t,events_c,time_c (two rates), events,time "
		    "(one rate), estimate with ci_low,ci_high, se or p "
		    "(reported), or yi with vi or sei (generic)", found);
		return -1;
	}
	if (!R->measure_given && R->data == NULL) {
		for (size_t i = 0; i < R->ncand; i++)
			if (R->cand[i]->kind == MK_KIND_REPORTED) {
				mk_err_set(R->err, R->t->file, R->t->header_line, "", "reported "
				    "estimates are in the units of a measure: say "
				    "which with --measure (OR, RR, MD, ...)");
				R->err->usage = 1;
				return -1;
			}
		R->m = MK_GEN;
	}
	if (R->m == MK_PFT)
		for (size_t i = 0; i < R->ncand; i++)
			if (R->cand[i]->kind == MK_KIND_REPORTED) {
				mk_err_set(R->err, R->t->file, 0, "", "a printed "
				    "proportion cannot be put on the PFT scale without "
				    "each study's n: give events,n, or use PLO, PAS or "
				    "PR");
				return -1;
			}
	return 0;
}

/* The retracted column: yes/no, true/false, 1/0, empty = no; 1 yes. */
static int
retracted(const struct reader *R, size_t r)
{
	static const char *const yes[] = { "yes", "true", "1", "y" };
	static const char *const no[] = { "no", "false", "0", "n" };
	char v[16];
	const char *s = mk_table_cell(R->t, r, R->col[MK_C_RETRACTED]);
	size_t n = 0;

	if (R->col[MK_C_RETRACTED] < 0 || mk_missing(s))
		return 0;	/* empty, NA, ...: not marked retracted */
	while (isspace((unsigned char)*s))
		s++;
	while (s[n] && n + 1 < sizeof(v)) {
		v[n] = s[n];
		n++;
	}
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	v[n] = '\0';
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	mk_err_set(R->err, R->t->file, R->t->line[r],
	    R->t->names[R->col[MK_C_RETRACTED]], "expected yes or no (true or "
	    "false, 1 or 0; empty or NA is no), got \"%.40s\"", s);
	return -1;
}

/* The concern column: free text (an integrity concern short of
 * retraction), blanks trimmed into buf; "" when none. */
static const char *
concern(const struct reader *R, size_t r, char *buf, size_t n)
{
	const char *s = mk_table_cell(R->t, r, R->col[MK_C_CONCERN]);
	size_t len;
	int cut = 0;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= n) {	/* cut at a whole UTF-8 character, marked */
		cut = 1;
		for (len = n - 4; len > 0 && ((unsigned char)s[len] & 0xC0) ==
		    0x80; len--)
			;
	}
	memcpy(buf, s, len);
	memcpy(buf + len, cut ? "..." : "", cut ? 4 : 1);
	return buf;
}

/* Decimals printed in a cell ("0.40": 2). */
static int
decimals(const char *s)
{
	const char *d = strchr(s, '.');
	int n = 0;

	if (d == NULL)
		return 0;
	for (d++; isdigit((unsigned char)*d); d++)
		n++;
	return n;
}

static int
same_printed(double x, double v, int dec)
{
	double half = 0.5 * pow(10, -dec);

	return isfinite(x) && fabs(x - v) <= half * (1 + 1e-9) + 1e-12;
}

/* A row read from its own data that also prints an estimate with its 95%
 * CI: do the printed figures match what the data give? A warning if
 * not (an extraction error, or another method behind the print). */
static void
check_printed(struct reader *R, size_t r, double yi, double vi, double n)
{
	const int ids[3] = { MK_C_ESTIMATE, MK_C_CI_LOW, MK_C_CI_HIGH };
	double p[3], got[3], se = sqrt(vi);
	int dec[3];
	char tmp[32];

	for (int i = 0; i < 3; i++) {
		const char *why, *s;
		if (R->col[ids[i]] < 0)
			return;
		s = mk_table_cell(R->t, r, R->col[ids[i]]);
		if (mk_parse_num(s, &p[i], &why) != MK_NUM_OK)
			return;	/* not printed: nothing to check */
		dec[i] = decimals(s);
	}
	if (!R->measure_given) {
		R->unchecked++;
		return;
	}
	got[0] = mk_natural(R->m, yi, n);
	got[1] = mk_natural(R->m, yi - Z975 * se, n);
	got[2] = mk_natural(R->m, yi + Z975 * se, n);
	if (same_printed(got[0], p[0], dec[0]) && same_printed(got[1], p[1],
	    dec[1]) && same_printed(got[2], p[2], dec[2]))
		return;
	mk_warn_add(R->w, "%s:%ld: study \"%s\": the printed %s %.*f [%.*f, "
	    "%.*f] is not what its data give, %.*f [%.*f, %.*f] (pooled from "
	    "the data; check the extraction)", R->t->file, R->t->line[r],
	    label_of(R, r, tmp, sizeof(tmp)), mk_measure_get(R->m)->name,
	    dec[0], p[0], dec[1], p[1], dec[2], p[2], dec[0], got[0], dec[1],
	    got[1], dec[2], got[2]);
}

/* Row r left out: warned about (warn, with the file, line and study
 * prefixed) and recorded with the short reason why. */
static int
leave_out(struct reader *R, mk_studies *s, size_t r, const char *why,
    const char *warn)
{
	char tmp[32];

	mk_warn_add(R->w, "%s:%ld: study \"%s\": %s", R->t->file,
	    R->t->line[r], label_of(R, r, tmp, sizeof(tmp)), warn);
	if (mk_studies_leave_out(s, r, why) != 0) {
		mk_err_set(R->err, R->t->file, 0, "", "out of memory");
		return -1;
	}
	return 0;
}

/* --glmm models the counts themselves: a row must carry them, whole
 * numbers; 1 when it has no events (or only events) in both arms (two
 * rates: no events in either), which metafor's rma.glmm leaves out in
 * every model (drop00), 0 to keep it, -1 on an error. */
static int
glmm_counts(struct reader *R, const struct mk_form *F,
    const struct mk_read *in, size_t r)
{
	char tmp[32];
	int whole[4] = { 1, F->kind == MK_KIND_BINARY || F->kind ==
	    MK_KIND_PROP, 1, F->kind == MK_KIND_BINARY };

	if (F->fam == MK_FAM_ANY) {
		mk_err_set(R->err, R->t->file, R->t->line[r], "", "study \"%s\" "
		    "is given as %s: --glmm models the counts and needs them "
		    "for every study", label_of(R, r, tmp, sizeof(tmp)),
		    mk_from_name(in->from));
		return -1;
	}
	for (int c = 0; c < F->ncols && c < 4; c++)
		if (whole[c] && in->x[c] != floor(in->x[c])) {
			mk_err_set(R->err, R->t->file, R->t->line[r],
			    mk_col_name(F->cols[c]), "--glmm models counts: must "
			    "be a whole number, got %.15g", in->x[c]);
			return -1;
		}
	if (F->kind == MK_KIND_BINARY)
		return (in->x[0] == 0 && in->x[2] == 0) || (in->x[0] ==
		    in->x[1] && in->x[2] == in->x[3]);
	return F->kind == MK_KIND_RATE2 && in->x[0] == 0 && in->x[2] == 0;
}

/* Reads row r into s (or leaves it out); -1 on an error. */
static int
read_row(struct reader *R, mk_studies *s, size_t r)
{
	struct mk_rowctx C = { R->t, r, R->col, R->m, R->err };
	struct mk_read in;
	char miss[200] = "", msg[320], tmp[32];
	const struct mk_form *F = NULL;
	const mk_opts *o = R->o;
	int rt = retracted(R, r);
	char cn[200];

	if (rt < 0)
		return -1;
	concern(R, r, cn, sizeof(cn));
	if (rt && !o->include_retracted)
		return leave_out(R, s, r, "retracted", "retracted; left out "
		    "(--include-retracted keeps it)");
	if (cn[0] && !o->include_flagged) {
		char why[230];
		snprintf(why, sizeof(why), "integrity concern: %s", cn);
		snprintf(msg, sizeof(msg), "integrity concern \"%s\"; left out "
		    "(--include-flagged keeps it)", cn);
		return leave_out(R, s, r, why, msg);
	}
	if (rt)
		mk_warn_add(R->w, "%s:%ld: study \"%s\" is retracted; kept "
		    "(--include-retracted)", R->t->file, R->t->line[r],
		    label_of(R, r, tmp, sizeof(tmp)));
	if (cn[0])
		mk_warn_add(R->w, "%s:%ld: study \"%s\" has an integrity "
		    "concern, \"%s\"; kept (--include-flagged)", R->t->file,
		    R->t->line[r], label_of(R, r, tmp, sizeof(tmp)), cn);
	for (size_t f = 0; f < R->ncand && F == NULL; f++) {
		char m1[200] = "";
		int st = mk_form_read(&C, R->cand[f], &in, m1, sizeof(m1));
		if (st < 0)
			return -1;
		if (st == 0)
			F = R->cand[f];
		else if (f == 0)
			snprintf(miss, sizeof(miss), "%s", m1);
	}
	if (F == NULL) {
		snprintf(msg, sizeof(msg), "no value for %s%s; row left out",
		    miss, R->ncand > 1 ? " (and no other form complete)" : "");
		char why[140];
		snprintf(why, sizeof(why), "no value for %s", miss);
		return leave_out(R, s, r, why, msg);
	}
	if (!R->measure_given && F->kind == MK_KIND_REPORTED) {
		mk_err_set(R->err, R->t->file, R->t->line[r], "", "study \"%s\" "
		    "is a reported estimate: say which measure it is in with "
		    "--measure", label_of(R, r, tmp, sizeof(tmp)));
		R->err->usage = 1;
		return -1;
	}
	if (o->glmm != MK_GLMM_NONE) {
		int g = glmm_counts(R, F, &in, r);
		if (g != 0)
			return g < 0 ? -1 : leave_out(R, s, r, "no events (or "
			    "only events) in both arms (--glmm)", "no events "
			    "(or only events) in both arms: no information for "
			    "the GLMM; left out, as metafor's rma.glmm does");
	}
	/* double zero: no events (or only events) in both arms */
	int dz = F->kind == MK_KIND_BINARY && (R->m == MK_OR || R->m ==
	    MK_RR) && ((in.x[0] == 0 && in.x[2] == 0) || (in.x[0] == in.x[1]
	    && in.x[2] == in.x[3]));
	if (dz && o->drop00)
		return leave_out(R, s, r, "no events (or only events) in both "
		    "arms (--drop00)", "no events (or only events) in both "
		    "arms; left out (--drop00)");
	size_t i = s->k;
	int fixed = 0, ok = 0;
	if (F->fam != MK_FAM_ANY) {
		ok = mk_effect(F->kind, R->m, in.x, o, &s->yi[i], &s->vi[i],
		    &fixed) == 0;
	} else {
		s->yi[i] = in.yi;
		s->vi[i] = in.vi;
		ok = isfinite(in.yi) && isfinite(in.vi) && in.vi > 0;
	}
	if (!ok) {
		s->yi[i] = s->vi[i] = NAN;
		/* MH and Peto pool the cells: the study stays */
		if (F->kind != MK_KIND_BINARY || (o->method != MK_MH &&
		    o->method != MK_PETO)) {
			char cc[96] = "", why[96];
			if (mk_measure_corrected(R->m) && F->fam != MK_FAM_ANY)
				snprintf(cc, sizeof(cc), " without a continuity "
				    "correction (--cc %g, --cc-to %s)", o->cc,
				    o->cc_to == MK_CC_NONE ? "none" : o->cc_to ==
				    MK_CC_ALL ? "all" : "only0");
			snprintf(msg, sizeof(msg), "the %s is not defined for these "
			    "values%s; row left out", mk_measure_get(R->m)->name,
			    cc);
			snprintf(why, sizeof(why), "%s not defined%s",
			    mk_measure_get(R->m)->name, cc[0] ? " without a "
			    "continuity correction" : "");
			return leave_out(R, s, r, why, msg);
		}
	}
	if (in.from == MK_FROM_MEDIANS)
		mk_warn_add(R->w, "%s:%ld: study \"%s\": mean and SD estimated "
		    "from the median with quartiles or range (Luo et al. 2018; "
		    "Wan et al. 2014; Shi et al. 2020): approximations that "
		    "assume roughly normal data", R->t->file, R->t->line[r],
		    label_of(R, r, tmp, sizeof(tmp)));
	if (dz && ok && o->method != MK_MH && o->method != MK_PETO)
		mk_warn_add(R->w, "%s:%ld: study \"%s\": no events (or only "
		    "events) in both arms: kept with a continuity correction, "
		    "as metafor does (--drop00 leaves it out, as RevMan and R "
		    "meta do)", R->t->file, R->t->line[r], label_of(R, r, tmp,
		    sizeof(tmp)));
	s->ncc += fixed;	/* studies the correction changed */
	if (F->kind == MK_KIND_BINARY) {
		s->ai[i] = in.x[0];
		s->bi[i] = in.x[1] - in.x[0];
		s->ci[i] = in.x[2];
		s->di[i] = in.x[3] - in.x[2];
	} else if (s->ai != NULL) {
		s->ai[i] = s->bi[i] = s->ci[i] = s->di[i] = NAN;
	}
	for (int c = 0; c < s->nraw; c++)
		s->raw[c][i] = F->fam != MK_FAM_ANY ? in.x[c] : NAN;
	s->from[i] = (unsigned char)in.from;
	s->arms[i] = in.arms;
	s->flag[i] = (unsigned char)((rt ? MK_FLAG_RETRACTED : 0) |
	    (cn[0] ? MK_FLAG_CONCERN : 0));
	s->row[i] = r;
	s->k++;
	if (F->fam != MK_FAM_ANY && ok)
		check_printed(R, r, s->yi[i], s->vi[i], F->kind == MK_KIND_PROP ?
		    in.x[1] : NAN);
	return 0;
}

/* MH and Peto pool 2x2 counts: every study must have them. */
static int
pooled_from_cells(struct reader *R, const mk_studies *s)
{
	const mk_opts *o = R->o;
	char tmp[32];

	if (o->method != MK_MH && o->method != MK_PETO)
		return 0;
	if (R->data == NULL || R->data->kind != MK_KIND_BINARY) {
		mk_err_set(R->err, R->t->file, 0, "", "method %s needs binary "
		    "(2x2) data", mk_method_get(o->method)->name);
		return -1;
	}
	if (o->method == MK_PETO && R->m != MK_OR) {
		mk_err_set(R->err, R->t->file, 0, "", "method PETO pools odds "
		    "ratios only (use --measure OR)");
		return -1;
	}
	for (size_t i = 0; i < s->k; i++)
		if (s->from[i] != MK_FROM_COUNTS) {
			mk_err_set(R->err, R->t->file, R->t->line[s->row[i]], "",
			    "method %s pools 2x2 counts, and study \"%s\" is "
			    "given as %s", mk_method_get(o->method)->name,
			    label_of(R, s->row[i], tmp, sizeof(tmp)),
			    mk_from_name((mk_from)s->from[i]));
			return -1;
		}
	return 0;
}

mk_studies *
mk_studies_from_table(const mk_table *t, const mk_opts *o, mk_warn *w,
    mk_err *err)
{
	struct reader R;
	mk_studies *s;

	memset(&R, 0, sizeof(R));
	R.t = t;
	R.o = o;
	R.w = w;
	R.err = err;
	R.col = mk_columns(t, o);
	char note[400];
	if (!t->cache->noted && mk_alias_note(t, R.col, note, sizeof(note))) {
		mk_warn_add(w, "%s: columns read under their export names: %s "
		    "(--map NAME=COL to choose others)", t->file, note);
		t->cache->noted = 1;
	}
	if (choose(&R) != 0)
		return NULL;
	mk_kind kind = R.data ? R.data->kind : MK_KIND_GENERIC;
	int arms;
	const char *const *heads = mk_kind_heads(kind, &arms);
	int nraw = 0;
	while (heads[nraw] != NULL)
		nraw++;
	s = mk_studies_alloc(kind, kind == MK_KIND_BINARY, nraw, t->nrow);
	if (s == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return NULL;
	}
	if (o->glmm != MK_GLMM_NONE && !mk_glmm_fits(o->glmm, R.m)) {
		mk_err_set(err, t->file, 0, "", "--glmm %s does not fit %s: %s",
		    mk_glmm_get(o->glmm)->name, mk_measure_get(R.m)->name,
		    MK_GLMM_PAIRS);
		err->usage = 1;
		mk_studies_free(s);
		return NULL;
	}
	s->measure = R.m;
	for (size_t r = 0; r < t->nrow; r++)
		if (read_row(&R, s, r) != 0) {
			mk_studies_free(s);
			return NULL;
		}
	if (pooled_from_cells(&R, s) != 0) {
		mk_studies_free(s);
		return NULL;
	}
	mk_studies_plausible(t, R.col[MK_C_STUDY], s, w);
	if (R.unchecked > 0)
		mk_warn_add(w, "%s: the printed estimates of %d stud%s with "
		    "data were not checked against the data: say which measure "
		    "they are in with --measure", t->file, R.unchecked,
		    R.unchecked == 1 ? "y" : "ies");
	return s;
}
