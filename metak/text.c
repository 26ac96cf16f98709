/* text.c: the human-readable report: a header naming every convention
 * used, a per-study table (ratio measures back-transformed), the pooled
 * result, heterogeneity, and subgroups with their test for differences. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define LABEL_W 28

/* Effect on the display scale: exp() for ratio measures. */
static double
disp(const mk_result *r, double x)
{
	return mk_measure_get(r->studies->measure)->log_scale ? exp(x) : x;
}

/* x with dec decimals right-aligned in width columns (0: no padding). */
static void
num(mk_buf *b, int dec, double x, int width)
{
	if (isfinite(x))
		mk_buf_printf(b, "%*.*f", width, dec, x == 0 ? 0 : x);
	else
		mk_buf_printf(b, "%*s", width, "NA");
}

static void
pval(mk_buf *b, double p)
{
	if (!isfinite(p))
		mk_buf_printf(b, "p = NA");
	else if (p < 0.0001)
		mk_buf_printf(b, "p < 0.0001");
	else
		mk_buf_printf(b, "p = %.4f", p);
}

/* Number of UTF-8 code points in s (display columns, roughly). */
static int
width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += (*s & 0xC0) != 0x80;
	return n;
}

/* Writes s padded to w columns, or cut to w-1 and marked with '~'. */
static void
cell(mk_buf *b, const char *s, int w)
{
	int keep = width(s) <= w ? w : w - 1, cols = 0;
	const char *p = s;

	while (*p && cols < keep) {
		const char *q = p + 1;
		while ((*q & 0xC0) == 0x80)
			q++;
		mk_buf_put(b, p, (size_t)(q - p));
		cols++;
		p = q;
	}
	if (*p) {
		mk_buf_put(b, "~", 1);
		cols++;
	}
	for (; cols < w; cols++)
		mk_buf_put(b, " ", 1);
}

static void
effect_ci(mk_buf *b, const mk_result *r, double y, double lo, double hi)
{
	num(b, 2, disp(r, y), 8);
	mk_buf_printf(b, "  [");
	num(b, 2, disp(r, lo), 0);
	mk_buf_printf(b, ", ");
	num(b, 2, disp(r, hi), 0);
	mk_buf_printf(b, "]");
}

static void
study_rows(mk_buf *b, const mk_result *r, const mk_studies *s,
    const mk_fit *f)
{
	double z = mk_crit(f->level, NAN);
	char tmp[32];

	for (size_t i = 0; i < s->k; i++) {
		double se = sqrt(f->vi[i]);
		char ci[64];
		mk_buf printed = { 0 };
		cell(b, mk_study_label(r, s, i, tmp, sizeof(tmp)), LABEL_W);
		effect_ci(&printed, r, f->yi[i], f->yi[i] - z * se,
		    f->yi[i] + z * se);
		snprintf(ci, sizeof(ci), "%s", printed.data ? printed.data :
		    "");
		mk_buf_free(&printed);
		mk_buf_printf(b, "%-30s", ci);
		num(b, 1, f->weight[i], 6);
		mk_buf_printf(b, "%%");
		mk_buf_printf(b, "\n");
	}
}

static void
pooled_rows(mk_buf *b, const mk_result *r, const mk_fit *f, const char *name)
{
	const mk_method_info *mi = mk_method_get(f->method);
	char ci[64];
	mk_buf printed = { 0 };

	cell(b, name, LABEL_W);
	effect_ci(&printed, r, f->est, f->lo, f->hi);
	snprintf(ci, sizeof(ci), "%s", printed.data ? printed.data : "");
	mk_buf_free(&printed);
	mk_buf_printf(b, "%-30s%6.1f%%\n", ci, 100.0);
	mk_buf_printf(b, "  %s = ", isfinite(f->tdf) ? "t" : "z");
	num(b, 2, f->stat, 0);
	if (isfinite(f->tdf))
		mk_buf_printf(b, " (df = %.0f)", f->tdf);
	mk_buf_printf(b, ", ");
	pval(b, f->p);
	mk_buf_printf(b, "\n");
	if (mi->random) {
		mk_buf_printf(b, "  Prediction interval: [");
		num(b, 2, disp(r, f->pi_lo), 0);
		mk_buf_printf(b, ", ");
		num(b, 2, disp(r, f->pi_hi), 0);
		mk_buf_printf(b, "]\n");
	}
}

static void
het_rows(mk_buf *b, const mk_fit *f)
{
	const mk_method_info *mi = mk_method_get(f->method);

	mk_buf_printf(b, "  Heterogeneity: Q = ");
	num(b, 2, f->q, 0);
	mk_buf_printf(b, " (df = %.0f, ", f->qdf);
	pval(b, f->qp);
	mk_buf_printf(b, "); I2 = ");
	num(b, 1, f->i2, 0);
	mk_buf_printf(b, "%%");
	if (mi->random) {
		mk_buf_printf(b, " [");
		num(b, 1, f->i2_lo, 0);
		mk_buf_printf(b, ", ");
		num(b, 1, f->i2_hi, 0);
		mk_buf_printf(b, "]");
	}
	mk_buf_printf(b, "; H2 = ");
	num(b, 2, f->h2, 0);
	mk_buf_printf(b, "\n");
	if (mi->random) {
		mk_buf_printf(b, "  tau2 = ");
		num(b, 4, f->tau2, 0);
		mk_buf_printf(b, " [");
		num(b, 4, f->tau2_lo, 0);
		mk_buf_printf(b, ", ");
		num(b, 4, f->tau2_hi, 0);
		mk_buf_printf(b, "] (Q-profile); tau = ");
		num(b, 4, f->tau, 0);
		mk_buf_printf(b, "\n");
	}
}

void
mk_render_text(mk_buf *b, const mk_result *r)
{
	const mk_fit *f = r->fit;
	const mk_measure_info *me = mk_measure_get(r->studies->measure);
	const mk_method_info *mi = mk_method_get(f->method);
	char hdr[64];

	mk_buf_printf(b, "%s: %zu stud%s\n", r->table->file, f->k,
	    f->k == 1 ? "y" : "ies");
	mk_buf_printf(b, "Measure: %s (%s)%s\n", me->label, me->name,
	    me->log_scale ? ", pooled on the log scale, shown as ratios" :
	    "");
	mk_buf_printf(b, "Method: %s (%s); %s; %g%% intervals\n", mi->label,
	    mi->name, f->ci == MK_CI_HKSJ ? "Knapp-Hartung t" : "Wald z",
	    f->level);
	if (r->studies->ncc > 0 && f->method != MK_PETO)
		mk_buf_printf(b, "Continuity correction: %g added to each "
		    "cell of %zu stud%s%s\n", r->opts->cc, r->studies->ncc,
		    r->studies->ncc == 1 ? "y" : "ies", f->method == MK_MH ?
		    " (per-study estimates and Q only; MH pools the raw "
		    "counts)" : "");
	mk_buf_printf(b, "\n");
	snprintf(hdr, sizeof(hdr), "%s [%g%% CI]", me->name, f->level);
	cell(b, "Study", LABEL_W);
	mk_buf_printf(b, "%8s%-22s%7s\n", "", hdr, "Weight");
	if (r->sub == NULL && r->no_studies) {
		mk_buf_printf(b, "(%zu study rows left out: --no-studies)\n",
		    r->studies->k);
	} else if (r->sub == NULL) {
		study_rows(b, r, r->studies, f);
	} else {
		for (size_t j = 0; j < r->sub->n; j++) {
			const mk_group *g = &r->sub->g[j];
			char name[LABEL_W + 1];
			mk_buf_printf(b, "%s = %s\n", r->sub->by, g->level);
			if (!r->no_studies)
				study_rows(b, r, g->studies, &g->fit);
			snprintf(name, sizeof(name), "  Subtotal (k = %zu)",
			    g->fit.k);
			pooled_rows(b, r, &g->fit, name);
			het_rows(b, &g->fit);
			mk_buf_printf(b, "\n");
		}
	}
	mk_buf_printf(b, "\n");
	pooled_rows(b, r, f, mi->random ? "Random effects" :
	    "Fixed effect");
	het_rows(b, f);
	if (r->sub != NULL) {
		mk_buf_printf(b, "\nTest for subgroup differences (%s): Q = ",
		    r->sub->by);
		num(b, 2, r->sub->q, 0);
		mk_buf_printf(b, ", df = ");
		num(b, 0, r->sub->df, 0);
		mk_buf_printf(b, ", ");
		pval(b, r->sub->p);
		mk_buf_printf(b, "\n");
	}
}
