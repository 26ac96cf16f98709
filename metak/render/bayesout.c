/* bayesout.c: a Bayesian fit's summaries (--method BAYES) as JSON's
 * "bayes" object and as the text report's lines under the pooled row;
 * report.c and text.c call them, the posterior itself is fit/bayes.c's. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

void
mk_json_bayes(mk_buf *b, const mk_result *r, const mk_fit *f,
    const mk_studies *s)
{
	const mk_bayes *by = f->bayes;
	char name[96], tmp[32];

	mk_buf_printf(b, ", \"bayes\": {\"prior_tau\": ");
	mk_prior_name(&by->prior_tau, name, sizeof(name));
	mk_json_str(b, name);
	mk_buf_printf(b, ", \"prior_mu\": ");
	mk_prior_name(&by->prior_mu, name, sizeof(name));
	mk_json_str(b, name);
	mk_buf_printf(b, ",\n  \"mu\": {");
	mk_json_key(b, "median", by->mu_median, 0);
	mk_json_key(b, "mean", by->mu_mean, 1);
	mk_json_key(b, "sd", by->mu_sd, 1);
	mk_json_key(b, "ci_low", by->mu_lo, 1);
	mk_json_key(b, "ci_high", by->mu_hi, 1);
	mk_buf_printf(b, "},\n  \"tau\": {");
	mk_json_key(b, "median", by->tau_median, 0);
	mk_json_key(b, "mean", by->tau_mean, 1);
	mk_json_key(b, "ci_low", by->tau_lo, 1);
	mk_json_key(b, "ci_high", by->tau_hi, 1);
	mk_buf_printf(b, "},\n  \"predict\": {");
	mk_json_key(b, "median", by->pred_median, 0);
	mk_json_key(b, "ci_low", by->pred_lo, 1);
	mk_json_key(b, "ci_high", by->pred_hi, 1);
	mk_buf_printf(b, "},\n ");
	mk_json_key(b, "threshold", by->threshold, 0);
	mk_json_key(b, "p_below", by->p_below, 1);
	mk_buf_printf(b, ",\n  \"shrinkage\": [");
	for (size_t i = 0; by->shr_median != NULL && i < s->k; i++) {
		mk_buf_printf(b, "%s\n   {\"study\": ", i ? "," : "");
		mk_json_str(b, mk_study_label(r, s, i, tmp, sizeof(tmp)));
		mk_json_key(b, "median", by->shr_median[i], 1);
		mk_json_key(b, "ci_low", by->shr_lo[i], 1);
		mk_json_key(b, "ci_high", by->shr_hi[i], 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]}");
}
