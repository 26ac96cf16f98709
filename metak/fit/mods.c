/* mods.c: the design of a meta-regression from table columns (--mods):
 * numeric columns as covariates, text columns as factors (first level in
 * byte order the reference), rows with an empty moderator left out, an
 * intercept first, and columns the data cannot separate from the ones
 * before them dropped as metafor drops them; and --predict rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fit/internal.h"

static int
by_bytes(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *
dup(const char *s)
{
	if (s == NULL)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

/* Says numeric or factor (from the cells parsed in st), and collects a
 * factor's levels over the rows kept (keep[i]). */
static int
classify(const mk_table *t, const mk_studies *s, const unsigned char *keep,
    const unsigned char *st, mk_modcol *mc, mk_warn *w, mk_err *err)
{
	const char *bad = NULL;
	long badline = 0;
	size_t nnum = 0, n = 0;

	for (size_t i = 0; i < s->k; i++) {	/* numbers or not */
		if (!keep[i])
			continue;
		n++;
		if (st[i] == MK_NUM_OK)
			nnum++;
		else if (bad == NULL) {
			bad = mk_table_cell(t, s->row[i], mc->col);
			badline = t->line[s->row[i]];
		}
	}
	mc->factor = nnum < n;
	if (!mc->factor)
		return 0;
	if (nnum > 0)
		mk_warn_add(w, "--mods %s: treated as a factor: the value \"%.40s"
		    "\" (line %ld) is not a number", mc->name, bad, badline);
	const char **all = malloc((n ? n : 1) * sizeof(char *));
	mc->lev = malloc((n ? n : 1) * sizeof(char *));
	if (all == NULL || mc->lev == NULL) {
		free(all);
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	size_t na = 0, u = 0;
	for (size_t i = 0; i < s->k; i++)
		if (keep[i])
			all[na++] = mk_table_cell(t, s->row[i], mc->col);
	qsort(all, na, sizeof(char *), by_bytes);
	for (size_t j = 0; j < na; j++) {	/* unique, copied */
		if (u > 0 && strcmp(all[j], mc->lev[u - 1]) == 0)
			continue;
		if ((mc->lev[u] = dup(all[j])) == NULL) {
			mc->nlev = u;
			free(all);
			mk_err_set(err, t->file, 0, "", "out of memory");
			return -1;
		}
		u++;
	}
	free(all);
	mc->nlev = u;
	if (u == 1)
		mk_warn_add(w, "--mods %s: one level only (\"%s\"): it adds no "
		    "coefficient", mc->name, mc->lev[0]);
	return 0;
}

/* Fills the full design row of study i (table row `row`): intercept, then
 * each moderator's columns (numbers parsed in num, k per moderator). */
static void
full_row(const mk_table *t, size_t row, size_t i, size_t k,
    const double *num, const mk_metareg *r, double *x)
{
	size_t c = 0;

	x[c++] = 1;
	for (size_t m = 0; m < r->nmods; m++) {
		const mk_modcol *mc = &r->mods[m];
		const char *cell = mk_table_cell(t, row, mc->col);
		if (!mc->factor) {
			x[c++] = num[m * k + i];
			continue;
		}
		for (size_t j = 1; j < mc->nlev; j++)
			x[c++] = strcmp(cell, mc->lev[j]) == 0;
	}
}

/* Columns of the full design (k x pf) that are linear combinations of
 * the ones before them, found as R's lm() finds them: Gram-Schmidt in
 * order, a column whose residual norm is below 1e-7 of its own norm is
 * redundant. keepc[j] says which stay. */
static int
redundant(const double *x, size_t k, size_t pf, unsigned char *keepc)
{
	double *q = calloc((k ? k : 1) * (pf ? pf : 1), sizeof(double));
	size_t nq = 0;

	if (q == NULL)
		return -1;
	for (size_t j = 0; j < pf; j++) {
		double *r = q + nq * k;
		long double n0 = 0, n1 = 0;
		for (size_t i = 0; i < k; i++) {
			r[i] = x[i * pf + j];
			n0 += (long double)r[i] * r[i];
		}
		for (size_t l = 0; l < nq; l++) {	/* remove earlier ones */
			const double *e = q + l * k;
			long double dot = 0;
			for (size_t i = 0; i < k; i++)
				dot += (long double)e[i] * r[i];
			for (size_t i = 0; i < k; i++)
				r[i] -= (double)dot * e[i];
		}
		for (size_t i = 0; i < k; i++)
			n1 += (long double)r[i] * r[i];
		keepc[j] = n0 > 0 && sqrtl(n1) > 1e-7L * sqrtl(n0);
		if (!keepc[j])
			continue;
		for (size_t i = 0; i < k; i++)
			r[i] = (double)(r[i] / sqrtl(n1));
		nq++;
	}
	free(q);
	return 0;
}

/* Names of the full design's columns. */
static int
full_names(mk_metareg *r, char **names)
{
	size_t c = 0;

	if ((names[c++] = dup("intrcpt")) == NULL)
		return -1;
	for (size_t m = 0; m < r->nmods; m++) {
		const mk_modcol *mc = &r->mods[m];
		if (!mc->factor) {
			if ((names[c++] = dup(mc->name)) == NULL)
				return -1;
			continue;
		}
		for (size_t j = 1; j < mc->nlev; j++) {
			size_t n = strlen(mc->name) + strlen(mc->lev[j]) + 2;
			if ((names[c] = malloc(n)) == NULL)
				return -1;
			snprintf(names[c++], n, "%s=%s", mc->name, mc->lev[j]);
		}
	}
	return 0;
}

/* The moderators named, each once, from the table's header. */
static int
find_mods(const mk_table *t, const mk_opts *o, const mk_regspec *spec,
    mk_metareg *r, mk_err *err)
{
	r->mods = calloc(spec->nmods ? spec->nmods : 1, sizeof(*r->mods));
	if (r->mods == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	for (size_t m = 0; m < spec->nmods; m++) {
		int col = mk_table_col(t, spec->mods[m], o->maps, o->nmaps);
		if (col < 0) {
			mk_err_set(err, t->file, t->header_line, spec->mods[m], "no such "
			    "column for --mods");
			return -1;
		}
		for (size_t l = 0; l < r->nmods; l++)
			if (r->mods[l].col == col) {
				mk_err_set(err, t->file, t->header_line, spec->mods[m],
				    "named twice in --mods");
				err->usage = 1;
				return -1;
			}
		r->mods[r->nmods].col = col;
		if ((r->mods[r->nmods++].name = dup(t->names[col])) == NULL) {
			mk_err_set(err, t->file, 0, "", "out of memory");
			return -1;
		}
	}
	return 0;
}

/* Parses every moderator cell once (st: MK_NUM_*, num: the value), and
 * marks the studies that have every moderator (keep), naming the others.
 * A number out of the range metak computes with is an error at its cell
 * (-1; else the number of studies kept). */
static long
complete_rows(const mk_table *t, const mk_studies *s, const mk_metareg *r,
    unsigned char *st, double *num, unsigned char *keep, mk_warn *w,
    mk_err *err)
{
	long k = 0;
	const char *why;

	for (size_t m = 0; m < r->nmods; m++)
		for (size_t i = 0; i < s->k; i++) {
			const char *cell = mk_table_cell(t, s->row[i],
			    r->mods[m].col);
			st[m * s->k + i] = (unsigned char)mk_parse_num(cell,
			    &num[m * s->k + i], &why);
			if (st[m * s->k + i] == MK_NUM_OK &&
			    !mk_in_range(num[m * s->k + i])) {
				mk_err_set(err, t->file, t->line[s->row[i]],
				    r->mods[m].name, "%s, got \"%.40s\"",
				    MK_RANGE_MSG, cell);
				return -1;
			}
		}
	for (size_t i = 0; i < s->k; i++) {
		keep[i] = 1;
		for (size_t m = 0; m < r->nmods && keep[i]; m++) {
			if (st[m * s->k + i] != MK_NUM_EMPTY)
				continue;
			keep[i] = 0;
			mk_warn_add(w, "%s:%ld: %s is empty: row left out of "
			    "the meta-regression", t->file,
			    t->line[s->row[i]], r->mods[m].name);
		}
		k += keep[i];
	}
	return k;
}

int
mk_mods_design(const mk_table *t, const mk_studies *s, const mk_opts *o,
    const mk_regspec *spec, mk_metareg *r, mk_warn *w, mk_err *err)
{
	size_t nk = s->k ? s->k : 1, nm = spec->nmods ? spec->nmods : 1;
	unsigned char *keep = malloc(nk), *keepc = NULL;
	unsigned char *st = malloc(nk * nm);
	double *num = malloc(nk * nm * sizeof(double)), *xf = NULL;
	char **fn = NULL;
	int rc = -1;

	if (keep == NULL || st == NULL || num == NULL ||
	    find_mods(t, o, spec, r, err) != 0)
		goto oom;
	long kept = complete_rows(t, s, r, st, num, keep, w, err);
	if (kept < 0)
		goto out;
	r->k = (size_t)kept;
	r->pfull = 1;
	for (size_t m = 0; m < r->nmods; m++) {
		if (classify(t, s, keep, st + m * s->k, &r->mods[m], w,
		    err) != 0)
			goto out;
		r->pfull += r->mods[m].factor ? (r->mods[m].nlev ?
		    r->mods[m].nlev - 1 : 0) : 1;
	}
	size_t k = r->k, pf = r->pfull;
	if (mk_design_too_large(k, pf)) {
		mk_err_set(err, t->file, 0, "", "--mods: a design of %zu rows "
		    "and %zu columns is too large to fit (factors with many "
		    "levels make a column per level)", k, pf);
		goto out;
	}
	xf = calloc((k ? k : 1) * pf, sizeof(double));
	keepc = malloc(pf);
	fn = calloc(pf, sizeof(char *));
	r->y = malloc((k ? k : 1) * sizeof(double));
	r->v = malloc((k ? k : 1) * sizeof(double));
	r->study = malloc((k ? k : 1) * sizeof(size_t));
	if (!xf || !keepc || !fn || !r->y || !r->v || !r->study ||
	    full_names(r, fn) != 0)
		goto oom;
	for (size_t j = 0; j < pf; j++)	/* each coefficient its own name */
		for (size_t l = 0; l < j; l++)
			if (strcmp(fn[j], fn[l]) == 0) {
				mk_err_set(err, "", 0, "", "--mods: two "
				    "coefficients would be named \"%s\" (%s); "
				    "rename the column", fn[j], l == 0 ?
				    "the intercept and a column" : "a column and "
				    "a factor's level");
				err->usage = 1;
				goto out;
			}
	for (size_t i = 0, j = 0; i < s->k; i++) {	/* rows used */
		if (!keep[i])
			continue;
		full_row(t, s->row[i], i, s->k, num, r, xf + j * pf);
		r->y[j] = s->yi[i];
		r->v[j] = s->vi[i];
		r->study[j++] = i;
	}
	for (size_t m = 0; m < r->nmods; m++) {	/* means, for plots */
		long double sum = 0;
		for (size_t i = 0; !r->mods[m].factor && i < s->k; i++)
			if (keep[i])
				sum += num[m * s->k + i];
		r->mods[m].mean = k ? (double)(sum / (long double)k) : NAN;
	}
	if (redundant(xf, k, pf, keepc) != 0)
		goto oom;
	r->p = 0;
	for (size_t j = 0; j < pf; j++)
		r->p += keepc[j];
	r->x = calloc((k ? k : 1) * (r->p ? r->p : 1), sizeof(double));
	r->names = calloc(r->p ? r->p : 1, sizeof(char *));
	r->colmap = malloc((r->p ? r->p : 1) * sizeof(size_t));
	if (!r->x || !r->names || !r->colmap)
		goto oom;
	for (size_t j = 0, c = 0; j < pf; j++) {	/* the columns kept */
		if (!keepc[j]) {
			if (k > 0)
				mk_warn_add(w, "--mods: %s dropped: the data do "
				    "not separate it from the columns before "
				    "it (redundant, as metafor drops it)", fn[j]);
			continue;
		}
		r->names[c] = fn[j];
		fn[j] = NULL;
		r->colmap[c] = j;
		for (size_t i = 0; i < k; i++)
			r->x[i * r->p + c] = xf[i * pf + j];
		c++;
	}
	rc = 0;
	goto out;
oom:
	if (err->msg[0] == '\0')
		mk_err_set(err, t->file, 0, "", "out of memory");
out:
	for (size_t j = 0; fn != NULL && j < pf; j++)
		free(fn[j]);
	free(fn);
	free(xf);
	free(keepc);
	free(keep);
	free(st);
	free(num);
	return rc;
}

/* Sets the full-design entries of moderator m from "VALUE". */
static int
set_value(const mk_metareg *r, const mk_modcol *mc, size_t first,
    const char *value, double *xf, mk_err *err)
{
	const char *why;

	if (!mc->factor) {
		if (mk_parse_num(value, &xf[first], &why) != MK_NUM_OK) {
			mk_err_set(err, "", 0, "", "--predict %s: expected a "
			    "number, got \"%s\"", mc->name, value);
			return -1;
		}
		if (!mk_in_range(xf[first])) {
			mk_err_set(err, "", 0, "", "--predict %s: %s is %s",
			    mc->name, value, MK_RANGE_MSG);
			return -1;
		}
		return 0;
	}
	for (size_t j = 0; j < mc->nlev; j++)
		if (strcmp(value, mc->lev[j]) == 0) {
			for (size_t l = 1; l < mc->nlev; l++)
				xf[first + l - 1] = l == j;
			return 0;
		}
	char list[256];
	size_t len = 0;
	list[0] = '\0';
	for (size_t j = 0; j < mc->nlev && len < sizeof(list); j++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		    j ? ", " : "", mc->lev[j]);
	mk_err_set(err, "", 0, "", "--predict %s: no level \"%s\" (levels: "
	    "%s)", mc->name, value, list);
	(void)r;
	return -1;
}

int
mk_mods_row(const mk_metareg *r, const char *spec, double *x0, mk_err *err)
{
	double *xf = calloc(r->pfull, sizeof(double));
	unsigned char *seen = calloc(r->nmods ? r->nmods : 1, 1);
	char *buf = dup(spec), *save = NULL;
	int rc = -1;

	err->usage = 1;
	if (!xf || !seen || !buf) {
		mk_err_set(err, "", 0, "", "out of memory");
		goto out;
	}
	xf[0] = 1;
	for (char *tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		size_t m = r->nmods, first = 1, len = 0, f = 1;
		if (eq == NULL) {
			mk_err_set(err, "", 0, "", "--predict: expected NAME="
			    "VALUE, got \"%s\"", tok);
			goto out;
		}
		/* the longest moderator name followed by '=' (a column may
		 * be named "x=b") */
		for (size_t j = 0; j < r->nmods; j++) {
			size_t n = strlen(r->mods[j].name);
			if (n >= len && strncasecmp(tok, r->mods[j].name,
			    n) == 0 && tok[n] == '=') {
				m = j;
				len = n;
				first = f;
			}
			f += r->mods[j].factor ? (r->mods[j].nlev ?
			    r->mods[j].nlev - 1 : 0) : 1;
		}
		if (m < r->nmods)
			eq = tok + len;
		*eq = '\0';
		if (m == r->nmods) {
			mk_err_set(err, "", 0, "", "--predict: %s is not one "
			    "of the moderators", tok);
			goto out;
		}
		if (seen[m]) {
			mk_err_set(err, "", 0, "", "--predict \"%s\": %s is "
			    "given twice (one row per --predict: repeat the "
			    "option for another row)", spec, r->mods[m].name);
			goto out;
		}
		if (set_value(r, &r->mods[m], first, eq + 1, xf, err) != 0)
			goto out;
		seen[m] = 1;
	}
	for (size_t m = 0; m < r->nmods; m++)
		if (!seen[m]) {
			mk_err_set(err, "", 0, "", "--predict \"%s\": no value "
			    "for moderator %s", spec, r->mods[m].name);
			goto out;
		}
	for (size_t j = 0; j < r->p; j++)
		x0[j] = xf[r->colmap[j]];
	err->usage = 0;
	rc = 0;
out:
	free(xf);
	free(seen);
	free(buf);
	return rc;
}
