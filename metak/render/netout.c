/* netout.c: a network meta-analysis as JSON (the contract's keys) and as
 * CSV (one row per treatment, per effect against the reference and per
 * pair), all on the analysis scale. The text report is nettext.c's. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "render/internal.h"

/* The treatments in order of P-score, best first (ties: byte order). */
size_t *
mk_network_ranked(const mk_network *n)
{
	size_t *ord = malloc((n->T ? n->T : 1) * sizeof(size_t));

	if (ord == NULL)
		return NULL;
	for (size_t i = 0; i < n->T; i++)
		ord[i] = i;
	for (size_t i = 1; i < n->T; i++)	/* insertion: stable */
		for (size_t j = i; j > 0 && n->pscore[ord[j - 1]] <
		    n->pscore[ord[j]]; j--) {
			size_t t = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	return ord;
}

/* Treatment t against the reference: estimate, se, CI, p and the
 * prediction interval (random effects, df >= 2: t with the Q df, as
 * netmeta). */
void
mk_network_effect(const mk_network *n, size_t t, double *v)
{
	double z = mk_crit(n->level, 0), e, se;

	mk_network_pair(n, t, n->ref, &e, &se);
	v[0] = e;
	v[1] = se;
	v[2] = e - z * se;
	v[3] = e + z * se;
	v[4] = mk_pvalue(e / se, 0);
	v[5] = v[6] = NAN;
	if (n->random && n->df >= 2) {
		double tc = mk_crit(n->level, n->df);
		double s = sqrt(se * se + n->tau2);
		v[5] = e - tc * s;
		v[6] = e + tc * s;
	}
}

void
mk_render_network_json(mk_buf *b, const mk_network *n)
{
	const mk_netdata *d = n->d;
	double z = mk_crit(n->level, 0), v[7];
	size_t *rank = mk_network_ranked(n);

	if (rank == NULL) {
		b->oom = 1;
		return;
	}
	mk_buf_printf(b, "{\"measure\": ");
	mk_json_str(b, mk_measure_get(d->measure)->name);
	mk_buf_printf(b, ", \"scale\": \"%s\", \"model\": \"%s\", \"method\": ",
	    mk_scale_name(d->measure), n->random ? "random" : "common");
	if (n->random)
		mk_json_str(b, mk_method_get(n->method)->name);
	else
		mk_buf_printf(b, "null");
	mk_json_key(b, "level", n->level, 1);
	mk_buf_printf(b, ", \"reference\": ");
	mk_json_str(b, d->trt[n->ref]);
	mk_buf_printf(b, ", \"treatments\": [");
	for (size_t t = 0; t < n->T; t++) {
		if (t)
			mk_buf_printf(b, ", ");
		mk_json_str(b, d->trt[t]);
	}
	mk_buf_printf(b, "], \"k\": %zu, \"comparisons\": %zu, \"designs\": "
	    "%zu,\n \"effects\": [", d->k, n->ncomparisons, n->ndesigns);
	for (size_t t = 0, first = 1; t < n->T; t++) {
		if (t == n->ref)
			continue;
		mk_network_effect(n, t, v);
		mk_buf_printf(b, "%s\n  {\"treatment\": ", first ? "" : ",");
		first = 0;
		mk_json_str(b, d->trt[t]);
		mk_json_key(b, "estimate", v[0], 1);
		mk_json_key(b, "se", v[1], 1);
		mk_json_key(b, "ci_low", v[2], 1);
		mk_json_key(b, "ci_high", v[3], 1);
		mk_json_key(b, "p", v[4], 1);
		mk_json_key(b, "pi_low", v[5], 1);
		mk_json_key(b, "pi_high", v[6], 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "],\n \"league\": [");
	for (size_t t1 = 0, first = 1; t1 < n->T; t1++)
		for (size_t t2 = t1 + 1; t2 < n->T; t2++) {
			double e, se;
			mk_network_pair(n, t1, t2, &e, &se);
			mk_buf_printf(b, "%s\n  {\"t1\": ", first ? "" : ",");
			first = 0;
			mk_json_str(b, d->trt[t1]);
			mk_buf_printf(b, ", \"t2\": ");
			mk_json_str(b, d->trt[t2]);
			mk_json_key(b, "estimate", e, 1);
			mk_json_key(b, "se", se, 1);
			mk_json_key(b, "ci_low", e - z * se, 1);
			mk_json_key(b, "ci_high", e + z * se, 1);
			mk_buf_printf(b, "}");
		}
	mk_buf_printf(b, "],\n \"ranking\": [");
	for (size_t i = 0; i < n->T; i++) {
		mk_buf_printf(b, "%s\n  {\"treatment\": ", i ? "," : "");
		mk_json_str(b, d->trt[rank[i]]);
		mk_json_key(b, "pscore", n->pscore[rank[i]], 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "],\n \"heterogeneity\": {");
	mk_json_key(b, "tau2", n->tau2, 0);
	mk_json_key(b, "tau", sqrt(n->tau2), 1);
	mk_json_key(b, "i2", n->i2, 1);
	mk_json_key(b, "q", n->q, 1);
	mk_json_key(b, "df", n->df, 1);
	mk_json_key(b, "p", n->qp, 1);
	mk_buf_printf(b, "},\n \"inconsistency\": {");
	mk_json_key(b, "q_within", n->q_within, 0);
	mk_json_key(b, "df_within", n->df_within, 1);
	mk_json_key(b, "p_within", n->p_within, 1);
	mk_json_key(b, "q_between", n->q_between, 1);
	mk_json_key(b, "df_between", n->df_between, 1);
	mk_json_key(b, "p_between", n->p_between, 1);
	mk_buf_printf(b, "},\n \"split\": [");
	for (size_t i = 0; i < n->nsplit; i++) {
		const mk_netsplit *x = &n->split[i];
		mk_buf_printf(b, "%s\n  {\"t1\": ", i ? "," : "");
		mk_json_str(b, d->trt[x->t1]);
		mk_buf_printf(b, ", \"t2\": ");
		mk_json_str(b, d->trt[x->t2]);
		mk_buf_printf(b, ", \"k\": %zu", x->k);
		mk_json_key(b, "direct", x->direct, 1);
		mk_json_key(b, "direct_se", x->direct_se, 1);
		mk_json_key(b, "indirect", x->indirect, 1);
		mk_json_key(b, "indirect_se", x->indirect_se, 1);
		mk_json_key(b, "diff", x->diff, 1);
		mk_json_key(b, "diff_se", x->diff_se, 1);
		mk_json_key(b, "p", x->p, 1);
		mk_json_key(b, "direct_proportion", x->prop, 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]}\n");
	free(rank);
}

/* A CSV number: empty when not applicable (na 0), NA when not
 * estimable. */
static void
csv_num(mk_buf *b, double x, int applies)
{
	mk_buf_put(b, ",", 1);
	if (!applies)
		return;
	if (!isfinite(x))
		mk_buf_printf(b, "NA");
	else
		mk_buf_g15(b, x == 0 ? 0 : x);
}

void
mk_render_network_csv(mk_buf *b, const mk_network *n)
{
	const mk_netdata *d = n->d;
	double z = mk_crit(n->level, 0), v[7];

	mk_buf_printf(b, "type,t1,t2,k,estimate,se,ci_low,ci_high,p,pi_low,"
	    "pi_high,pscore,direct,direct_se,indirect,indirect_se,diff,"
	    "diff_se,diff_p\n");
	for (size_t t = 0; t < n->T; t++) {	/* each treatment */
		mk_buf_printf(b, "treatment,");
		mk_csv_str(b, d->trt[t]);
		mk_buf_printf(b, ",,%zu,,,,,,,", n->nstudies[t]);
		csv_num(b, n->pscore[t], 1);
		mk_buf_printf(b, ",,,,,,,\n");
	}
	for (size_t t = 0; t < n->T; t++) {	/* each against the reference */
		if (t == n->ref)
			continue;
		mk_network_effect(n, t, v);
		mk_buf_printf(b, "effect,");
		mk_csv_str(b, d->trt[t]);
		mk_buf_put(b, ",", 1);
		mk_csv_str(b, d->trt[n->ref]);
		mk_buf_printf(b, ",%zu", n->direct[t * n->T + n->ref]);
		for (int i = 0; i < 7; i++)
			csv_num(b, v[i], i < 5 || n->random);
		mk_buf_printf(b, ",,,,,,,,\n");
	}
	for (size_t t1 = 0, s = 0; t1 < n->T; t1++)	/* each pair */
		for (size_t t2 = t1 + 1; t2 < n->T; t2++) {
			const mk_netsplit *x = s < n->nsplit && n->split[s].t1 ==
			    t1 && n->split[s].t2 == t2 ? &n->split[s++] : NULL;
			double e, se;
			mk_network_pair(n, t1, t2, &e, &se);
			mk_buf_printf(b, "pair,");
			mk_csv_str(b, d->trt[t1]);
			mk_buf_put(b, ",", 1);
			mk_csv_str(b, d->trt[t2]);
			mk_buf_printf(b, ",%zu", n->direct[t1 * n->T + t2]);
			csv_num(b, e, 1);
			csv_num(b, se, 1);
			csv_num(b, e - z * se, 1);
			csv_num(b, e + z * se, 1);
			csv_num(b, mk_pvalue(e / se, 0), 1);
			mk_buf_printf(b, ",,,");
			csv_num(b, x ? x->direct : NAN, x != NULL);
			csv_num(b, x ? x->direct_se : NAN, x != NULL);
			csv_num(b, x ? x->indirect : NAN, x != NULL);
			csv_num(b, x ? x->indirect_se : NAN, x != NULL);
			csv_num(b, x ? x->diff : NAN, x != NULL);
			csv_num(b, x ? x->diff_se : NAN, x != NULL);
			csv_num(b, x ? x->p : NAN, x != NULL);
			mk_buf_printf(b, "\n");
		}
}
