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
	/* JSON Lines (--each): one line */
	const char *nl = r->analysis ? " " : "\n  ";

	mk_buf_printf(b, ", \"bayes\": {\"prior_tau\": ");
	mk_prior_name(&by->prior_tau, name, sizeof(name));
	mk_json_str(b, name);
	mk_buf_printf(b, ", \"prior_mu\": ");
	mk_prior_name(&by->prior_mu, name, sizeof(name));
	mk_json_str(b, name);
	mk_buf_printf(b, ",%s\"mu\": {", nl);
	mk_json_key(b, "median", by->mu_median, 0);
	mk_json_key(b, "mean", by->mu_mean, 1);
	mk_json_key(b, "sd", by->mu_sd, 1);
	mk_json_key(b, "ci_low", by->mu_lo, 1);
	mk_json_key(b, "ci_high", by->mu_hi, 1);
	mk_buf_printf(b, "},%s\"tau\": {", nl);
	mk_json_key(b, "median", by->tau_median, 0);
	mk_json_key(b, "mean", by->tau_mean, 1);
	mk_json_key(b, "ci_low", by->tau_lo, 1);
	mk_json_key(b, "ci_high", by->tau_hi, 1);
	mk_buf_printf(b, "},%s\"predict\": {", nl);
	mk_json_key(b, "median", by->pred_median, 0);
	mk_json_key(b, "ci_low", by->pred_lo, 1);
	mk_json_key(b, "ci_high", by->pred_hi, 1);
	mk_buf_printf(b, "},%s", nl);
	mk_json_key(b, "threshold", by->threshold, 0);
	mk_json_key(b, "p_below", by->p_below, 1);
	mk_buf_printf(b, ",%s\"shrinkage\": [", nl);
	for (size_t i = 0; by->shr_median != NULL && i < s->k; i++) {
		mk_buf_printf(b, "%s%s{\"study\": ", i ? "," : "", nl);
		mk_json_str(b, mk_study_label(r, s, i, tmp, sizeof(tmp)));
		mk_json_key(b, "median", by->shr_median[i], 1);
		mk_json_key(b, "ci_low", by->shr_lo[i], 1);
		mk_json_key(b, "ci_high", by->shr_hi[i], 1);
		mk_buf_printf(b, "}");
	}
	mk_buf_printf(b, "]}");
}

/* ---- the text report ------------------------------------------------------ */

/* "the odds ratio", "the proportion", "the effect": what --threshold is
 * a value of, as a sentence names it. */
static void
quantity(char *out, size_t n, mk_measure m)
{
	const mk_measure_info *me = mk_measure_get(m);
	mk_view v;
	const char *s;

	mk_view_init(&v, m);
	s = me->id == MK_GEN ? "effect" : v.natural ? mk_view_unit(&v) :
	    me->label;
	snprintf(out, n, "the %s", s);
	for (char *p = out + 4; *p; p++) {	/* lower case, up to a comma */
		if (*p == ',' || *p == '(') {
			*p = '\0';
			break;
		}
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	size_t len = strlen(out);
	while (len > 0 && out[len - 1] == ' ')
		out[--len] = '\0';
}

void
mk_fmt_prob(char *out, size_t n, double p)
{
	if (!isfinite(p))
		snprintf(out, n, "NA");
	else if (p >= 0.01 && p <= 0.99)
		snprintf(out, n, "%.2f", p);
	else if (p < 0.0001)
		snprintf(out, n, "< 0.0001");
	else if (p > 0.9999)
		snprintf(out, n, "> 0.9999");
	else
		snprintf(out, n, "%.4f", p);
}

static void
num(mk_buf *b, double x, int dec)
{
	if (isfinite(x))
		mk_buf_printf(b, "%.*f", dec, fabs(x) < 0.5 * pow(10, -dec) ?
		    0 : x);
	else
		mk_buf_printf(b, "NA");
}

const char *
mk_scale_note(mk_measure m)
{
	static const char *const names[][2] = { { "log", ", log scale" },
	    { "fisher_z", ", Fisher's z scale" }, { "logit", ", logit scale" },
	    { "arcsine", ", arcsine scale" }, { "freeman_tukey",
	    ", Freeman-Tukey scale" }, { "sqrt", ", square-root scale" } };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(mk_scale_name(m), names[i][0]) == 0)
			return names[i][1];
	return "";
}

void
mk_text_bayes_priors(mk_buf *b, const mk_fit *f, int defaulted)
{
	const mk_bayes *by = f->bayes;
	char t[96], m[96];

	mk_prior_name(&by->prior_tau, t, sizeof(t));
	mk_prior_name(&by->prior_mu, m, sizeof(m));
	mk_buf_printf(b, "Priors: tau ~ %s%s; mu ~ %s%s\n", t, defaulted ?
	    " (the default)" : "", m, by->prior_mu.kind == MK_PRIOR_FLAT ?
	    " (improper)" : "");
	mk_buf_printf(b, "Intervals: %g%%; studies Wald z; pooled: equal-"
	    "tailed credible (CrI) and\n  predictive intervals from the "
	    "exact posterior (no sampling)\n", f->level);
}

void
mk_text_bayes_pooled(mk_buf *b, const mk_fit *f, mk_measure m, double n)
{
	const mk_bayes *by = f->bayes;
	char what[96], p[32];

	quantity(what, sizeof(what), m);
	mk_buf_printf(b, "  Posterior probability that %s is below %g: ",
	    what, mk_natural(m, by->threshold, n) == 0 ? 0 :
	    mk_natural(m, by->threshold, n));
	mk_fmt_prob(p, sizeof(p), by->p_below);
	mk_buf_printf(b, "%s", p);
	mk_buf_printf(b, "\n  mu (the mean effect%s): median ",
	    mk_scale_note(m));
	num(b, by->mu_median, 4);
	mk_buf_printf(b, ", mean ");
	num(b, by->mu_mean, 4);
	mk_buf_printf(b, ", sd ");
	num(b, by->mu_sd, 4);
	mk_buf_printf(b, "\n");
}

void
mk_text_bayes_het(mk_buf *b, const mk_fit *f, mk_measure m)
{
	const mk_bayes *by = f->bayes;

	if (f->k > 1) {	/* one study: no Q */
		mk_buf_printf(b, "  Heterogeneity: Q = ");
		num(b, f->q, 2);
		mk_buf_printf(b, " (df = %.0f, ", f->qdf);
		mk_buf_p(b, f->qp);
		mk_buf_printf(b, ")\n");
	}
	mk_buf_printf(b, "  tau (between-study sd%s): median ",
	    mk_scale_note(m));
	num(b, by->tau_median, 4);
	mk_buf_printf(b, ", mean ");
	num(b, by->tau_mean, 4);
	mk_buf_printf(b, "\n    %g%% CrI ", f->level);
	num(b, by->tau_lo, 4);
	mk_buf_printf(b, " to ");
	num(b, by->tau_hi, 4);
	mk_buf_printf(b, "; tau2 = ");
	num(b, f->tau2, 4);
	if (isfinite(f->i2)) {	/* at tau's median and interval */
		mk_buf_printf(b, ", I2 = ");
		num(b, f->i2, 1);
		mk_buf_printf(b, "%% [");
		num(b, f->i2_lo, 1);
		mk_buf_printf(b, ", ");
		num(b, f->i2_hi, 1);
		mk_buf_printf(b, "]");
	}
	mk_buf_printf(b, "\n");
}
