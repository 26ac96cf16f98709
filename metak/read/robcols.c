/* robcols.c: the columns a forest plot shows beside each study's label:
 * the user's (--columns, as metafor's ilab and R meta's leftcols) and the
 * risk-of-bias judgements (RevMan 5's coloured dots, R meta's rob =),
 * read once from the table into the rows' view, so that the plot never
 * reads the table. Risk-of-bias columns are found by name: rob_d1, rob_d2,
 * ... (the domains of RoB 2, Sterne et al. 2019, BMJ 366:l4898, or with a
 * sixth or seventh domain, or ROBINS-I's levels, those of ROBINS-I,
 * Sterne et al. 2016, BMJ 355:i4919), any other rob_NAME (named NAME),
 * rob_overall last; and RevMan 5's export headers of RoB 1 (Higgins et al.
 * 2011, BMJ 343:d5928), compared as columns.c compares export names. The
 * drawing is plot/forestcols.c's. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/internal.h"

/* RevMan 5's risk-of-bias columns (RoB 1), squeezed, in its order A-G. */
static const struct {
	const char *spell, *alt, *label;
} revman[] = {
	{ "randomsequencegenerationselectionbias", "randomsequencegeneration",
	  "Random sequence generation (selection bias)" },
	{ "allocationconcealmentselectionbias", "allocationconcealment",
	  "Allocation concealment (selection bias)" },
	{ "blindingofparticipantsandpersonnelperformancebias",
	  "blindingofparticipantsandpersonnel",
	  "Blinding of participants and personnel (performance bias)" },
	{ "blindingofoutcomeassessmentdetectionbias",
	  "blindingofoutcomeassessment",
	  "Blinding of outcome assessment (detection bias)" },
	{ "incompleteoutcomedataattritionbias", "incompleteoutcomedata",
	  "Incomplete outcome data (attrition bias)" },
	{ "selectivereportingreportingbias", "selectivereporting",
	  "Selective reporting (reporting bias)" },
	{ "otherbias", "otherbias", "Other bias" },
};
#define NREVMAN (sizeof(revman) / sizeof(revman[0]))

static const char *const rob2[] = {
	"Bias arising from the randomization process",
	"Bias due to deviations from intended interventions",
	"Bias due to missing outcome data",
	"Bias in measurement of the outcome",
	"Bias in selection of the reported result",
};
static const char *const robinsi[] = {
	"Bias due to confounding",
	"Bias due to selection of participants",
	"Bias in classification of interventions",
	"Bias due to deviations from intended interventions",
	"Bias due to missing data",
	"Bias in measurement of outcomes",
	"Bias in selection of the reported result",
};
static const char *const letters[] = { "A", "B", "C", "D", "E", "F", "G",
    "H", "I", "J", "K", "L" };
static const char *const dnames[] = { "D1", "D2", "D3", "D4", "D5", "D6",
    "D7", "D8", "D9" };

/* A judgement as written (any case, spaces around ignored). */
static const struct {
	const char *text;
	mk_robj j;
} words[] = {
	{ "low", MK_ROB_LOW }, { "low risk", MK_ROB_LOW },
	{ "low risk of bias", MK_ROB_LOW }, { "+", MK_ROB_LOW },
	{ "some concerns", MK_ROB_SOME }, { "some", MK_ROB_SOME },
	{ "unclear", MK_ROB_SOME }, { "unclear risk", MK_ROB_SOME },
	{ "unclear risk of bias", MK_ROB_SOME }, { "?", MK_ROB_SOME },
	{ "moderate", MK_ROB_SOME }, { "moderate risk", MK_ROB_SOME },
	{ "moderate risk of bias", MK_ROB_SOME },
	{ "high", MK_ROB_HIGH }, { "high risk", MK_ROB_HIGH },
	{ "high risk of bias", MK_ROB_HIGH }, { "-", MK_ROB_HIGH },
	{ "serious", MK_ROB_HIGH }, { "serious risk", MK_ROB_HIGH },
	{ "serious risk of bias", MK_ROB_HIGH },
	{ "critical", MK_ROB_CRITICAL }, { "critical risk", MK_ROB_CRITICAL },
	{ "critical risk of bias", MK_ROB_CRITICAL }, { "!", MK_ROB_CRITICAL },
	{ "no information", MK_ROB_NOINFO }, { "ni", MK_ROB_NOINFO },
};

/* The judgement s names; MK_ROB_NONE for an empty cell, -1 for text that
 * is none. robins: set when the word is one of ROBINS-I's own. */
static int
judgement(const char *s, int *robins)
{
	char w[32];
	size_t n;

	s = mk_trim(s, &n);
	if (n == 0)
		return MK_ROB_NONE;
	if (n >= sizeof(w))
		return -1;
	memcpy(w, s, n);
	w[n] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(w, words[i].text) == 0) {
			if (strncasecmp(w, "moderate", 8) == 0 ||
			    strncasecmp(w, "serious", 7) == 0 ||
			    strncasecmp(w, "critical", 8) == 0)
				*robins = 1;
			return (int)words[i].j;
		}
	return -1;
}

/* The domain rob_dN names (N 1-9), else 0. */
static int
domain_number(const char *name)
{
	if (strncasecmp(name, "rob_d", 5) != 0 || name[5] < '1' ||
	    name[5] > '9' || name[6] != '\0')
		return 0;
	return name[5] - '0';
}

/* A risk-of-bias column: where it is and what it is. */
enum { DOM_REVMAN, DOM_NUMBERED, DOM_NAMED, DOM_OVERALL };
struct dom {
	int col;
	int type;		/* DOM_* */
	size_t idx;		/* RevMan: 0-6 (A-G); numbered: N - 1 */
};

/* Adds a domain when there is room; counts it either way. */
static void
add_dom(struct dom *dm, size_t *n, size_t max, size_t c, int type,
    size_t idx)
{
	if (*n < max)
		dm[*n] = (struct dom){ (int)c, type, idx };
	(*n)++;
}

/* The table's risk-of-bias columns in the order they are shown: RevMan's
 * A-G, rob_d1..rob_d9, other rob_NAME in file order, rob_overall. */
static size_t
find_rob(const mk_table *t, struct dom *dm, size_t max, mk_err *err)
{
	size_t n = 0;
	char h[80];
	int overall = -1;

	for (size_t a = 0; a < NREVMAN; a++)
		for (size_t c = 0; c < t->ncol; c++) {
			mk_squeeze(t->names[c], h, sizeof(h));
			if (strcmp(h, revman[a].spell) == 0 ||
			    strcmp(h, revman[a].alt) == 0) {
				add_dom(dm, &n, max, c, DOM_REVMAN, a);
				break;
			}
		}
	for (int d = 1; d <= 9; d++)
		for (size_t c = 0; c < t->ncol; c++)
			if (domain_number(t->names[c]) == d) {
				add_dom(dm, &n, max, c, DOM_NUMBERED,
				    (size_t)d - 1);
				break;
			}
	for (size_t c = 0; c < t->ncol; c++) {
		const char *nm = t->names[c];
		if (strncasecmp(nm, "rob_", 4) != 0 || nm[4] == '\0' ||
		    domain_number(nm) > 0)
			continue;
		if (strcasecmp(nm, "rob_overall") == 0)
			overall = (int)c;
		else
			add_dom(dm, &n, max, c, DOM_NAMED, 0);
	}
	if (overall >= 0)
		add_dom(dm, &n, max, (size_t)overall, DOM_OVERALL, 0);
	if (n > max) {
		mk_err_set(err, t->file, t->header_line, "", "%zu risk-of-bias columns; a "
		    "forest plot shows at most %zu", n, max);
		return (size_t)-1;
	}
	return n;
}

void
mk_rowcols_free(mk_rowcols *x)
{
	if (x == NULL)
		return;
	free(x->cell);
	free(x->rob);
	memset(x, 0, sizeof(*x));
}

/* Every non-empty value of column c a number? */
static int
numeric_column(const mk_table *t, int c)
{
	int any = 0;

	for (size_t r = 0; r < t->nrow; r++) {
		const char *s = mk_table_cell(t, r, c);
		char *end;
		if (s[0] == '\0')
			continue;
		(void)strtod(s, &end);
		if (*end != '\0')
			return 0;
		any = 1;
	}
	return any;
}

static int
user_columns(mk_rowcols *x, const mk_table *t, const mk_opts *o,
    const char *const *cols, size_t ncols, mk_err *err)
{
	int c[MK_MAXCOLS];

	if (ncols > MK_MAXCOLS) {
		mk_err_set(err, t->file, 0, "", "--columns: at most %d columns",
		    MK_MAXCOLS);
		err->usage = 1;
		return -1;
	}
	for (size_t j = 0; j < ncols; j++) {
		c[j] = mk_table_col(t, cols[j], o->maps, o->nmaps);
		if (c[j] < 0) {
			mk_err_set(err, t->file, t->header_line, cols[j], "no such column for "
			    "--columns");
			err->usage = 1;
			return -1;
		}
		x->colname[j] = t->names[c[j]];
		x->colnum[j] = numeric_column(t, c[j]);
	}
	x->ncols = ncols;
	if (ncols == 0)
		return 0;
	x->cell = malloc((t->nrow ? t->nrow : 1) * ncols * sizeof(*x->cell));
	if (x->cell == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	for (size_t r = 0; r < t->nrow; r++)
		for (size_t j = 0; j < ncols; j++)
			x->cell[r * ncols + j] = mk_table_cell(t, r, c[j]);
	return 0;
}

int
mk_rowcols_init(mk_rowcols *x, const mk_table *t, const mk_opts *o,
    const char *const *cols, size_t ncols, mk_err *err)
{
	struct dom dm[MK_MAXROB];
	int robins = 0;
	size_t n;

	memset(x, 0, sizeof(*x));
	if (user_columns(x, t, o, cols, ncols, err) != 0)
		return -1;
	if ((n = find_rob(t, dm, MK_MAXROB, err)) == (size_t)-1) {
		mk_rowcols_free(x);
		return -1;
	}
	if (n == 0)
		return 0;
	x->rob = calloc((t->nrow ? t->nrow : 1) * n, 1);
	if (x->rob == NULL) {
		mk_rowcols_free(x);
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	for (size_t r = 0; r < t->nrow; r++)
		for (size_t d = 0; d < n; d++) {
			const char *s = mk_table_cell(t, r, dm[d].col);
			int j = judgement(s, &robins);
			if (j < 0) {
				mk_err_set(err, t->file, t->line[r],
				    t->names[dm[d].col], "\"%.40s\" is not a "
				    "risk-of-bias judgement (low, some concerns "
				    "or unclear or moderate, high or serious, "
				    "critical, no information; or + ? - !)", s);
				mk_rowcols_free(x);
				return -1;
			}
			x->rob[r * n + d] = (unsigned char)j;
		}
	size_t nrev = 0, nd = 0;
	for (size_t d = 0; d < n; d++) {
		robins |= dm[d].type == DOM_NUMBERED && dm[d].idx >= 5;
		nrev += dm[d].type == DOM_REVMAN;
		nd += dm[d].type == DOM_NUMBERED;
	}
	x->nrob = n;
	for (size_t d = 0, other = nrev; d < n; d++) {
		size_t i = dm[d].idx;
		const char *own = t->names[dm[d].col];
		switch (dm[d].type) {
		case DOM_REVMAN:	/* A-G */
			x->robhead[d] = letters[i % NREVMAN];
			x->roblabel[d] = revman[i % NREVMAN].label;
			break;
		case DOM_NUMBERED:	/* rob_dN: the tool's N-th domain */
			x->robhead[d] = dnames[i % 9];
			x->roblabel[d] = robins ? (i < 7 ? robinsi[i] : own) :
			    i < 5 ? rob2[i] : own;
			break;
		case DOM_NAMED:		/* rob_NAME: A, B, ... after RevMan's */
			x->robhead[d] = letters[other++ % MK_MAXROB];
			x->roblabel[d] = own + 4;
			break;
		default:
			x->robhead[d] = "Overall";
			x->roblabel[d] = "Overall risk of bias";
		}
	}
	x->tool = nrev ? "RoB 1, as RevMan 5" : nd == 0 ? NULL : robins ?
	    "ROBINS-I" : "RoB 2";
	return 0;
}
