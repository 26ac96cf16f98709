/* publish.c: what 'metak pool' adds for reviewers beyond the report:
 * influence diagnostics and the Baujat plot (--influence, --baujat), the
 * summary of findings (--sof, --control-risk, --event), and the checks of
 * the forest plot's --columns. The options that go with them are checked
 * here; the computing is the library's, the writing cmd_pool.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "base/internal.h"

/* The --control-risk values (each "P" or "P,P,..."), 0 < P < 1, into
 * risk[MAX_LIST]; their number, or -1 after a usage error. */
static long
control_risks(const struct cli *c, double *risk)
{
	size_t n = 0;

	for (size_t i = 0; i < c->control_risk.n; i++) {
		char buf[256];
		size_t before = n;
		snprintf(buf, sizeof(buf), "%s", c->control_risk.v[i]);
		for (char *save = NULL, *tok = strtok_r(buf, ",", &save);
		    tok != NULL; tok = strtok_r(NULL, ",", &save)) {
			const char *why = NULL;
			double p;
			if (mk_parse_num(tok, &p, &why) != MK_NUM_OK ||
			    !(p > 0 && p < 1)) {
				usage_error("--control-risk: \"%s\" is not a "
				    "risk between 0 and 1 (a proportion: 0.05 "
				    "for 50 per 1,000)", tok);
				return -1;
			}
			if (n == MAX_LIST) {
				usage_error("--control-risk: at most %d risks",
				    MAX_LIST);
				return -1;
			}
			risk[n++] = p;
		}
		if (n == before) {
			usage_error("--control-risk: no risk in \"%s\"",
			    c->control_risk.v[i]);
			return -1;
		}
	}
	return (long)n;
}

int
publish_check(const struct cli *c)
{
	int infl = c->influence || c->baujat != NULL;

	if (c->columns != NULL && (c->svg == NULL || c->loo || c->cumulative ||
	    c->mods)) {
		usage_error("--columns adds columns to the forest plot: give "
		    "--svg (not with --leave-one-out, --cumulative or --mods)");
		return -1;
	}
	if (c->columns != NULL && c->columns[strspn(c->columns, ",")] == '\0') {
		usage_error("--columns: no column named");
		return -1;
	}
	if (infl && (c->by || c->each || c->loo || c->cumulative || c->mods ||
	    c->random || c->robust)) {
		usage_error("--influence and --baujat diagnose one pooled fit: "
		    "no --by, --each, --leave-one-out, --cumulative, --mods, "
		    "--random or --robust");
		return -1;
	}
	if (infl && (c->o.method == MK_MH || c->o.method == MK_PETO)) {
		usage_error("--influence and --baujat need an inverse-variance "
		    "fit (FE or a tau2 estimator), as metafor's influence(); "
		    "not --method %s", mk_method_get(c->o.method)->name);
		return -1;
	}
	if (infl && c->o.glmm != MK_GLMM_NONE) {
		usage_error("--influence and --baujat need an inverse-variance "
		    "fit of yi and vi, as metafor's influence(): not --glmm");
		return -1;
	}
	if (infl && c->o.dl_mhq) {
		usage_error("--influence and --baujat need an inverse-variance "
		    "fit: not --dl-q mh");
		return -1;
	}
	if (!c->sof && (c->control_risk.n || cli_given(c, "event"))) {
		usage_error("--control-risk and --event go with --sof");
		return -1;
	}
	if (c->sof && (c->each || c->loo || c->cumulative || c->mods ||
	    c->random || c->robust)) {
		usage_error("--sof summarises one pooled fit: no --each, "
		    "--leave-one-out, --cumulative, --mods, --random or "
		    "--robust");
		return -1;
	}
	if (c->sof && c->influence && c->format == FMT_CSV) {
		usage_error("--format csv writes one table: --sof or "
		    "--influence, not both");
		return -1;
	}
	double risk[MAX_LIST];
	return control_risks(c, risk) < 0 ? -1 : 0;
}

int
publish_run(struct cli *c, struct run *r, mk_result *res, mk_influence **in,
    mk_sof **sof)
{
	mk_sens_ctl ctl = { .jobs = (size_t)c->jobs };
	double risk[MAX_LIST];

	*in = NULL;
	*sof = NULL;
	if (c->sof) {
		long n = control_risks(c, risk);
		if (n < 0 || mk_sof_run(r->s, &r->f, risk, (size_t)n,
		    !c->event_wanted, sof, &r->err) != 0)
			return -1;
		res->sof = *sof;
	}
	if (!c->influence && c->baujat == NULL)
		return 0;
	if (mk_influence_run(r->s, &r->f, &c->o, &ctl, in, &r->err) != 0)
		return -1;
	if (c->influence)
		res->infl = *in;
	return 0;
}
