/* sof.c: the numbers of a GRADE summary-of-findings table for a binary
 * outcome: the risk with the intervention and the risk difference at each
 * assumed control risk, with their intervals, from the pooled relative
 * effect and its interval (Cochrane Handbook 14.1.5; Schunemann et al.,
 * GRADE Handbook 5.2; Guyatt et al. 2013, J Clin Epidemiol 66:158), and
 * the number needed to treat with its interval (Altman 1998, BMJ 317:1309).
 * Rendering is render/sofout.c's.
 *
 * With assumed control risk p and pooled effect (natural scale) e:
 *   RR: p e;   OR: e p / (1 - p + e p);   RD: p + e
 * and the interval's ends through the same map (it increases with e). The
 * default p is the pooled control-arm risk as GRADEpro's "study
 * population" row: the control arms' events over their participants,
 * summed over the studies pooled (a crude pooled risk). The difference d
 * is intervention minus control; with events harmful, d < 0 is a benefit
 * and NNTB = 1/|d|, d > 0 a harm and NNTH = 1/d (the other way round with
 * beneficial events). An interval for d that excludes 0 gives NNT bounds
 * 1/|end| of one kind; one that includes 0 runs through infinity: from
 * the NNTB of its benefit end to infinity to the NNTH of its harm end. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyses/internal.h"

void
mk_sof_free(mk_sof *s)
{
	if (s == NULL)
		return;
	free(s->row);
	free(s);
}

/* The risk with the intervention at control risk p, effect e. */
static double
treated_risk(mk_measure m, double p, double e)
{
	switch (m) {
	case MK_RR:
		return p * e;
	case MK_OR:
		return e * p / (1 - p + e * p);
	default:		/* RD */
		return p + e;
	}
}

/* NNT bound from a difference end d (intervention minus control): its
 * kind and 1/|d| (infinite at 0). */
static void
nnt_end(double d, int harmful, mk_nnt_end *out)
{
	int benefit = harmful ? d < 0 : d > 0;

	out->kind = d == 0 ? MK_NNT_NONE : benefit ? MK_NNT_B : MK_NNT_H;
	out->value = d == 0 ? INFINITY : 1 / fabs(d);
}

static void
one_row(mk_sof_row *r, const mk_sof *s, double p, int given)
{
	r->control = p;
	r->given = given;
	r->risk = treated_risk(s->measure, p, s->est);
	r->risk_lo = treated_risk(s->measure, p, s->lo);
	r->risk_hi = treated_risk(s->measure, p, s->hi);
	r->diff = r->risk - p;
	r->diff_lo = r->risk_lo - p;
	r->diff_hi = r->risk_hi - p;
	nnt_end(r->diff, s->harmful, &r->nnt);
	/* the ends of the NNT interval: the ends of d's interval */
	nnt_end(r->diff_lo, s->harmful, &r->nnt_lo);
	nnt_end(r->diff_hi, s->harmful, &r->nnt_hi);
	r->through_infinity = (r->diff_lo < 0 && r->diff_hi > 0);
}

const char *
mk_sof_unfit(const mk_studies *s)
{
	if (s->measure != MK_RR && s->measure != MK_OR && s->measure != MK_RD)
		return "a summary of findings needs a binary outcome pooled as "
		    "a risk ratio, odds ratio or risk difference (--measure RR, "
		    "OR or RD)";
	return NULL;
}

int
mk_sof_run(const mk_studies *st, const mk_fit *f, const double *risks,
    size_t nrisks, int harmful, mk_sof **out, mk_err *err)
{
	const char *why = mk_sof_unfit(st);
	mk_sof *s;
	long double ev = 0, nc = 0, part = 0;
	int have_c = 0, all_n = st->k > 0;

	*out = NULL;
	if (why != NULL) {
		mk_err_set(err, "", 0, "", "%s", why);
		return -1;
	}
	if (!isfinite(f->est) || !isfinite(f->lo) || !isfinite(f->hi)) {
		mk_err_set(err, "", 0, "", "a summary of findings needs a "
		    "pooled estimate with its interval");
		return -1;
	}
	/* arms' data where the study gives them: events_t, n_t, events_c,
	 * n_c (the binary kind's raw columns) */
	for (size_t i = 0; i < st->k; i++) {
		double e_c = st->nraw > 3 ? st->raw[2][i] : NAN;
		double n_t = st->nraw > 3 ? st->raw[1][i] : NAN;
		double n_c = st->nraw > 3 ? st->raw[3][i] : NAN;
		if (isfinite(e_c) && isfinite(n_c)) {
			ev += e_c;
			nc += n_c;
			have_c = 1;
		}
		if (isfinite(n_t) && isfinite(n_c))
			part += (long double)n_t + n_c;
		else
			all_n = 0;
	}
	if (nrisks == 0 && (!have_c || !(nc > 0))) {
		mk_err_set(err, "", 0, "", "no study gives its control arm's "
		    "events and participants: give the assumed control risk "
		    "(--control-risk)");
		err->usage = 1;
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->row = calloc(nrisks ? nrisks : 1,
	    sizeof(*s->row))) == NULL) {
		free(s);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	s->measure = st->measure;
	s->harmful = harmful;
	s->k = f->k;
	s->participants = all_n ? (double)part : NAN;
	s->pooled_control = have_c && nc > 0 ? (double)(ev / nc) : NAN;
	s->control_events = have_c ? (double)ev : NAN;
	s->control_n = have_c ? (double)nc : NAN;
	s->level = f->level;
	int rd = st->measure == MK_RD;	/* RD: no log */
	s->est = rd ? f->est : exp(f->est);
	s->lo = rd ? f->lo : exp(f->lo);
	s->hi = rd ? f->hi : exp(f->hi);
	if (nrisks == 0) {
		one_row(&s->row[0], s, s->pooled_control, 0);
		s->n = 1;
	} else {
		for (size_t j = 0; j < nrisks; j++)
			one_row(&s->row[j], s, risks[j], 1);
		s->n = nrisks;
	}
	*out = s;
	return 0;
}
