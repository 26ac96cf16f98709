/* inflout.c: influence diagnostics (analyses/influence.c) as the
 * "influence" list of the JSON report, a text table with the influential
 * studies marked, or CSV; the Baujat plot is plot/baujat.c's. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

static const char *
label(const mk_result *r, size_t i, char *tmp, size_t n)
{
	return mk_study_label(r, r->studies, i, tmp, n);
}

void
mk_json_influence(mk_buf *b, const mk_result *r)
{
	const mk_influence *in = r->infl;
	char tmp[32];

	if (in == NULL)
		return;
	mk_buf_printf(b, ",\n \"influence\": [");
	for (size_t i = 0; i < in->k; i++) {
		const mk_influence_row *x = &in->row[i];
		mk_buf_printf(b, "%s\n  {\"study\": ", i ? "," : "");
		mk_json_str(b, label(r, x->study, tmp, sizeof(tmp)));
		mk_json_key(b, "rstudent", x->rstudent, 1);
		mk_json_key(b, "dffits", x->dffits, 1);
		mk_json_key(b, "cook_d", x->cook_d, 1);
		mk_json_key(b, "cov_r", x->cov_r, 1);
		mk_json_key(b, "tau2_del", x->tau2_del, 1);
		mk_json_key(b, "qe_del", x->qe_del, 1);
		mk_json_key(b, "hat", x->hat, 1);
		mk_json_key(b, "weight", x->weight, 1);
		mk_buf_printf(b, ", \"influential\": %d", x->influential);
		mk_json_key(b, "baujat_x", x->baujat_x, 1);
		mk_json_key(b, "baujat_y", x->baujat_y, 1);
		mk_json_key(b, "dfbetas", x->dfbetas, 1);
		mk_json_key(b, "estimate_del", x->est_del, 1);
		mk_json_key(b, "se_del", x->se_del, 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]");
}

/* A CSV field, quoted when it must be (report.c, which calls this file,
 * has its own). */
static void
csv_field(mk_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		mk_buf_printf(b, "%s", s);
		return;
	}
	mk_buf_put(b, "\"", 1);
	for (; *s; s++)
		mk_buf_put(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	mk_buf_put(b, "\"", 1);
}

static void
num(mk_buf *b, double x)
{
	mk_buf_put(b, ",", 1);
	if (isfinite(x))
		mk_buf_g15(b, x == 0 ? 0 : x);
	else
		mk_buf_printf(b, "NA");
}

void
mk_render_influence_csv(mk_buf *b, const mk_result *r)
{
	const mk_influence *in = r->infl;
	char tmp[32];

	mk_buf_printf(b, "study,rstudent,dffits,cook_d,cov_r,tau2_del,qe_del,"
	    "hat,weight,influential,baujat_x,baujat_y,dfbetas,estimate_del,"
	    "se_del\n");
	for (size_t i = 0; in != NULL && i < in->k; i++) {
		const mk_influence_row *x = &in->row[i];
		csv_field(b, label(r, x->study, tmp, sizeof(tmp)));
		num(b, x->rstudent);
		num(b, x->dffits);
		num(b, x->cook_d);
		num(b, x->cov_r);
		num(b, x->tau2_del);
		num(b, x->qe_del);
		num(b, x->hat);
		num(b, x->weight);
		mk_buf_printf(b, ",%d", x->influential);
		num(b, x->baujat_x);
		num(b, x->baujat_y);
		num(b, x->dfbetas);
		num(b, x->est_del);
		num(b, x->se_del);
		mk_buf_put(b, "\n", 1);
	}
}

/* x right-aligned in width columns with dec decimals, or NA. */
static void
cell(mk_buf *b, double x, int width, int dec)
{
	if (!isfinite(x))
		mk_buf_printf(b, "%*s", width, "NA");
	else
		mk_buf_printf(b, "%*.*f", width, dec, x == 0 ? 0 : x);
}

void
mk_render_influence_text(mk_buf *b, const mk_result *r)
{
	const mk_influence *in = r->infl;
	char tmp[32], esc[512];
	int lw = 5;
	size_t ninf = 0;

	if (in == NULL)
		return;
	for (size_t i = 0; i < in->k; i++) {
		int w = mk_utf8_width(mk_label(label(r, in->row[i].study, tmp,
		    sizeof(tmp)), esc, sizeof(esc)));
		lw = w > lw ? w : lw;
		ninf += in->row[i].influential != 0;
	}
	mk_buf_printf(b, "\nInfluence diagnostics (leaving out each study; "
	    "* influential by metafor's rule):\n");
	mk_buf_printf(b, "  %-*s %9s%9s%9s%8s%10s%10s%7s%8s\n", lw, "Study",
	    "rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "Q_del",
	    "hat", "weight");
	for (size_t i = 0; i < in->k; i++) {
		const mk_influence_row *x = &in->row[i];
		const char *l = mk_label(label(r, x->study, tmp, sizeof(tmp)),
		    esc, sizeof(esc));
		mk_buf_printf(b, "  %s%*s ", l, lw - mk_utf8_width(l), "");
		cell(b, x->rstudent, 9, 3);
		cell(b, x->dffits, 9, 3);
		cell(b, x->cook_d, 9, 3);
		cell(b, x->cov_r, 8, 3);
		cell(b, x->tau2_del, 10, 4);
		cell(b, x->qe_del, 10, 2);
		cell(b, x->hat, 7, 3);
		cell(b, x->weight, 7, 1);
		mk_buf_printf(b, "%%%s\n", x->influential ? " *" : "");
	}
	if (ninf == 0)
		mk_buf_printf(b, "  No study is influential.\n");
	else
		mk_buf_printf(b, "  %zu influential: |dffits| > 3 sqrt(1/(k-1)), "
		    "P(chi2(1) <= cook_d) > 0.5, hat > 3/k or |dfbetas| > 1.\n",
		    ninf);
}
