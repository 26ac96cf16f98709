/* forestcols.c: the forest plot's extra columns (read/robcols.c reads
 * them): the user's columns between the study label and the data (as
 * metafor's ilab and R meta's leftcols), and the risk-of-bias judgements
 * as RevMan 5's coloured dots right of the plot, with a legend naming the
 * domains. svg.c lays out the rest; each column is as wide as the widest
 * text it holds. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/internal.h"

#define GAP 12.0	/* between user columns */
#define DOT 6.0		/* a judgement's radius */

/* How a judgement is drawn: fill, symbol, and its meaning in the key. */
static const struct {
	const char *fill, *sym, *meaning;
} look[] = {
	[MK_ROB_LOW] = { "#1a9641", "+", "low risk" },
	[MK_ROB_SOME] = { "#e6b800", "?", "some concerns, unclear or "
	    "moderate risk" },
	[MK_ROB_HIGH] = { "#d7191c", "-", "high or serious risk" },
	[MK_ROB_CRITICAL] = { "#7b0000", "!", "critical risk" },
	[MK_ROB_NOINFO] = { "#a6a6a6", "", "no information" },
};

static const mk_rowcols *
cols(const struct mk_forest *L)
{
	return &L->r->rows->cols;
}

double
mk_fp_cols_layout(struct mk_forest *L, double x)
{
	const mk_rowcols *c = cols(L);

	for (size_t j = 0; j < c->ncols; j++) {
		double w = mk_text_px(c->colname[j], 11, 1);
		for (size_t r = 0; r < L->r->rows->n; r++)
			w = fmax(w, mk_text_px(c->cell[r * c->ncols + j], 11,
			    0));
		L->xcol[j] = c->colnum[j] ? x + w : x;	/* numbers: right */
		x += w + GAP;
	}
	return x;
}

double
mk_fp_rob_layout(struct mk_forest *L, double x)
{
	const mk_rowcols *c = cols(L);

	if (c->nrob == 0)
		return x;
	x += 14;
	for (size_t d = 0; d < c->nrob; d++) {
		double w = fmax(2 * DOT + 6, mk_text_px(c->robhead[d], 10, 1) +
		    6);
		L->xrob[d] = x + w / 2;
		x += w;
	}
	return x;
}

void
mk_fp_cols_header(mk_buf *b, struct mk_forest *L, double y1, double y2)
{
	const mk_rowcols *c = cols(L);
	const char *bold = " font-weight=\"bold\"";

	for (size_t j = 0; j < c->ncols; j++)
		mk_fp_text(L, b, L->xcol[j], y2, c->colnum[j] ? "end" : NULL,
		    bold, c->colname[j]);
	if (c->nrob == 0)
		return;
	mk_fp_text(L, b, (L->xrob[0] + L->xrob[c->nrob - 1]) / 2, y1,
	    "middle", bold, "Risk of bias");
	for (size_t d = 0; d < c->nrob; d++)
		mk_fp_text(L, b, L->xrob[d], y2, "middle",
		    " font-size=\"10\" font-weight=\"bold\"", c->robhead[d]);
}

void
mk_fp_cols_row(mk_buf *b, struct mk_forest *L, size_t row, double y)
{
	const mk_rowcols *c = cols(L);

	for (size_t j = 0; j < c->ncols; j++)
		mk_fp_text(L, b, L->xcol[j], y, c->colnum[j] ? "end" : NULL,
		    NULL, c->cell[row * c->ncols + j]);
	for (size_t d = 0; d < c->nrob; d++) {
		int j = c->rob[row * c->nrob + d];
		if (j == MK_ROB_NONE)
			continue;
		mk_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
		    "fill=\"%s\"/>\n", L->xrob[d], y - 4, DOT, look[j].fill);
		if (look[j].sym[0])
			mk_fp_text(L, b, L->xrob[d], y - 0.5, "middle",
			    " font-size=\"10\" font-weight=\"bold\" "
			    "fill=\"white\"", look[j].sym);
	}
}

void
mk_fp_rob_legend(mk_buf *b, struct mk_forest *L)
{
	const mk_rowcols *c = cols(L);
	char s[512];
	int used[MK_ROB_NOINFO + 1] = { 0 };
	size_t len;

	if (c->nrob == 0)
		return;
	for (size_t r = 0; r < L->r->rows->n; r++)
		for (size_t d = 0; d < c->nrob; d++)
			used[c->rob[r * c->nrob + d]] = 1;
	L->y += 4;
	snprintf(s, sizeof(s), "Risk of bias%s%s%s:", c->tool ? " (" : "",
	    c->tool ? c->tool : "", c->tool ? ")" : "");
	mk_fp_note(b, L, s);
	for (size_t d = 0; d < c->nrob; d++) {
		snprintf(s, sizeof(s), "(%s) %s", c->robhead[d],
		    c->roblabel[d]);
		mk_fp_note(b, L, s);
	}
	len = 0;
	s[0] = '\0';
	for (int j = MK_ROB_LOW; j <= MK_ROB_NOINFO && len < sizeof(s); j++)
		if (used[j])
			len += (size_t)snprintf(s + len, sizeof(s) - len,
			    "%s%s%s%s", len ? "; " : "", look[j].sym,
			    look[j].sym[0] ? " " : "grey: ", look[j].meaning);
	if (len > 0)
		mk_fp_note(b, L, s);
}
