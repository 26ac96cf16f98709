/* sofout.c: summary-of-findings numbers (analyses/sof.c) as the "sof"
 * object of the JSON report, a text table after the report (risks and
 * differences per 1,000 as GRADEpro prints them, whole numbers; the NNT
 * rounded up, as the Cochrane Handbook advises), or CSV with every number
 * unrounded. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"

static const char *
kind_name(mk_nnt_kind k)
{
	return k == MK_NNT_B ? "NNTB" : k == MK_NNT_H ? "NNTH" : NULL;
}

static void
json_end(mk_buf *b, const char *key, const mk_nnt_end *e)
{
	mk_buf_printf(b, ", \"%s\": {\"type\": ", key);
	if (kind_name(e->kind))
		mk_buf_printf(b, "\"%s\"", kind_name(e->kind));
	else
		mk_buf_printf(b, "null");
	mk_json_key(b, "value", e->value, 1);
	mk_buf_printf(b, "}");
}

/* A whole number of NNT, rounded up; "infinity" at 0 difference. */
static void
nnt_num(char *out, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(out, n, "infinity");
	else
		snprintf(out, n, "%.0f", ceil(v - 1e-9 * v));
}

/* "NNTB 46 (36 to 79)" or "NNTB 10 (NNTB 5 to infinity to NNTH 25)". */
static void
nnt_text(char *out, size_t n, const mk_sof_row *r)
{
	char p[32], a[32], c[32];
	const mk_nnt_end *lo = &r->nnt_lo, *hi = &r->nnt_hi;

	nnt_num(p, sizeof(p), r->nnt.value);
	if (r->through_infinity) {	/* benefit end first */
		const mk_nnt_end *bn = lo->kind == MK_NNT_B ? lo : hi;
		const mk_nnt_end *hm = lo->kind == MK_NNT_B ? hi : lo;
		nnt_num(a, sizeof(a), bn->value);
		nnt_num(c, sizeof(c), hm->value);
		snprintf(out, n, "%s %s (NNTB %s to infinity to NNTH %s)",
		    kind_name(r->nnt.kind) ? kind_name(r->nnt.kind) : "NNT",
		    p, a, c);
		return;
	}
	double x = fmin(lo->value, hi->value), y = fmax(lo->value, hi->value);
	nnt_num(a, sizeof(a), x);
	nnt_num(c, sizeof(c), y);
	const char *k = kind_name(r->nnt.kind) ? kind_name(r->nnt.kind) :
	    kind_name(lo->kind) ? kind_name(lo->kind) : "NNT";
	snprintf(out, n, "%s %s (%s to %s)", k, p, a, c);
}

/* x per 1,000 as a whole number, never "-0". */
static long
per1000(double x)
{
	double v = round(1000 * x);

	return v == 0 ? 0 : (long)v;
}

/* "5 fewer per 1,000 (from 6 fewer to 3 fewer)". */
static void
diff_text(char *out, size_t n, const mk_sof_row *r)
{
	long d = per1000(r->diff), a = per1000(r->diff_lo);
	long c = per1000(r->diff_hi);

	snprintf(out, n, "%ld %s per 1,000 (from %ld %s to %ld %s)", labs(d),
	    r->diff < 0 ? "fewer" : "more", labs(a), r->diff_lo < 0 ? "fewer" :
	    "more", labs(c), r->diff_hi < 0 ? "fewer" : "more");
}

void
mk_render_sof_text(mk_buf *b, const mk_result *r)
{
	const mk_sof *s = r->sof;
	const mk_measure_info *me;

	if (s == NULL)
		return;
	me = mk_measure_get(s->measure);
	mk_buf_printf(b, "\nSummary of findings (GRADE): %s, %s, %g%% CI\n",
	    me->label, mk_method_get(r->fit->method)->label, s->level);
	if (isfinite(s->participants))
		mk_buf_printf(b, "  Participants (studies): %.0f (%zu)\n",
		    s->participants, s->k);
	else
		mk_buf_printf(b, "  Participants (studies): not given by "
		    "every study (%zu)\n", s->k);
	mk_buf_printf(b, "  Relative effect: %s %.2f (%.2f to %.2f)\n",
	    me->name, s->est, s->lo, s->hi);
	if (isfinite(s->pooled_control))
		mk_buf_printf(b, "  Study population risk without the "
		    "intervention: %.0f events in %.0f control participants = "
		    "%ld per 1,000\n", s->control_events, s->control_n,
		    per1000(s->pooled_control));
	mk_buf_printf(b, "  Events are %s\n", s->harmful ? "harmful: a lower "
	    "risk is a benefit (NNTB), a higher one a harm (NNTH)" : "wanted: "
	    "a higher risk is a benefit (NNTB), a lower one a harm (NNTH)");
	mk_buf_printf(b, "\n  %-22s %-26s %-46s %s\n", "Risk without",
	    "Risk with intervention", "Risk difference", "Number needed to "
	    "treat");
	for (size_t j = 0; j < s->n; j++) {
		const mk_sof_row *x = &s->row[j];
		char risk[96], dif[160], nnt[128], ctl[48];
		snprintf(ctl, sizeof(ctl), "%ld per 1,000%s",
		    per1000(x->control), x->given ? "" : "*");
		snprintf(risk, sizeof(risk), "%ld per 1,000 (%ld to %ld)",
		    per1000(x->risk), per1000(x->risk_lo), per1000(x->risk_hi));
		diff_text(dif, sizeof(dif), x);
		nnt_text(nnt, sizeof(nnt), x);
		mk_buf_printf(b, "  %-22s %-26s %-46s %s\n", ctl, risk, dif, nnt);
	}
	if (s->n == 1 && !s->row[0].given)
		mk_buf_printf(b, "  * the study population's risk (as "
		    "GRADEpro): the control arms' events over their "
		    "participants\n");
}

void
mk_json_sof(mk_buf *b, const mk_result *r)
{
	const mk_sof *s = r->sof;

	if (s == NULL)
		return;
	mk_buf_printf(b, ",\n \"sof\": {\"measure\": \"%s\", \"events\": "
	    "\"%s\", \"studies\": %zu", mk_measure_get(s->measure)->name,
	    s->harmful ? "harmful" : "wanted", s->k);
	mk_json_key(b, "participants", s->participants, 1);
	mk_json_key(b, "level", s->level, 1);
	mk_buf_printf(b, ", \"relative\": {");
	mk_json_key(b, "estimate", s->est, 0);
	mk_json_key(b, "ci_low", s->lo, 1);
	mk_json_key(b, "ci_high", s->hi, 1);
	mk_buf_printf(b, "}, \"pooled_control_risk\": {");
	mk_json_key(b, "risk", s->pooled_control, 0);
	mk_json_key(b, "events", s->control_events, 1);
	mk_json_key(b, "participants", s->control_n, 1);
	mk_buf_printf(b, "},\n  \"rows\": [");
	for (size_t j = 0; j < s->n; j++) {
		const mk_sof_row *x = &s->row[j];
		mk_buf_printf(b, "%s\n   {\"control_risk_from\": \"%s\"",
		    j ? "," : "", x->given ? "given" : "study population");
		mk_json_key(b, "control_risk", x->control, 1);
		mk_json_key(b, "risk", x->risk, 1);
		mk_json_key(b, "risk_ci_low", x->risk_lo, 1);
		mk_json_key(b, "risk_ci_high", x->risk_hi, 1);
		mk_json_key(b, "difference", x->diff, 1);
		mk_json_key(b, "difference_ci_low", x->diff_lo, 1);
		mk_json_key(b, "difference_ci_high", x->diff_hi, 1);
		mk_json_key(b, "per1000_control", 1000 * x->control, 1);
		mk_json_key(b, "per1000_risk", 1000 * x->risk, 1);
		mk_json_key(b, "per1000_risk_ci_low", 1000 * x->risk_lo, 1);
		mk_json_key(b, "per1000_risk_ci_high", 1000 * x->risk_hi, 1);
		mk_json_key(b, "per1000_difference", 1000 * x->diff, 1);
		mk_json_key(b, "per1000_difference_ci_low", 1000 * x->diff_lo,
		    1);
		mk_json_key(b, "per1000_difference_ci_high", 1000 *
		    x->diff_hi, 1);
		json_end(b, "nnt", &x->nnt);
		json_end(b, "nnt_at_ci_low", &x->nnt_lo);
		json_end(b, "nnt_at_ci_high", &x->nnt_hi);
		mk_buf_printf(b, ", \"nnt_through_infinity\": %s, \"nnt_text\": ",
		    x->through_infinity ? "true" : "false");
		char t[128];
		nnt_text(t, sizeof(t), x);
		mk_json_str(b, t);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]}");
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
mk_render_sof_csv(mk_buf *b, const mk_result *r)
{
	const mk_sof *s = r->sof;

	mk_buf_printf(b, "control_risk_from,control_risk,risk,risk_ci_low,"
	    "risk_ci_high,difference,difference_ci_low,difference_ci_high,"
	    "nnt_type,nnt,nnt_at_ci_low_type,nnt_at_ci_low,"
	    "nnt_at_ci_high_type,nnt_at_ci_high,nnt_through_infinity,measure,"
	    "estimate,ci_low,ci_high,studies,participants\n");
	for (size_t j = 0; s != NULL && j < s->n; j++) {
		const mk_sof_row *x = &s->row[j];
		const mk_nnt_end *e[3] = { &x->nnt, &x->nnt_lo, &x->nnt_hi };
		mk_buf_printf(b, "%s", x->given ? "given" : "study population");
		num(b, x->control);
		num(b, x->risk);
		num(b, x->risk_lo);
		num(b, x->risk_hi);
		num(b, x->diff);
		num(b, x->diff_lo);
		num(b, x->diff_hi);
		for (int i = 0; i < 3; i++) {
			mk_buf_printf(b, ",%s", kind_name(e[i]->kind) ?
			    kind_name(e[i]->kind) : "NA");
			num(b, e[i]->value);
		}
		mk_buf_printf(b, ",%s,%s", x->through_infinity ? "yes" : "no",
		    mk_measure_get(s->measure)->name);
		num(b, s->est);
		num(b, s->lo);
		num(b, s->hi);
		mk_buf_printf(b, ",%zu", s->k);
		num(b, s->participants);
		mk_buf_put(b, "\n", 1);
	}
}
