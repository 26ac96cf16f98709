/* publish.c: what 'metak pool' adds for reviewers beyond the report:
 * influence diagnostics and the Baujat plot (--influence, --baujat), and
 * the checks of the forest plot's --columns. The options that go with
 * them are checked here; the computing is the library's, the writing
 * cmd_pool.c's. */
#include <stdlib.h>

#include "cli.h"

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
	if (infl && c->o.dl_mhq) {
		usage_error("--influence and --baujat need an inverse-variance "
		    "fit: not --dl-q mh");
		return -1;
	}
	return 0;
}

int
publish_run(struct cli *c, struct run *r, mk_result *res, mk_influence **in)
{
	mk_sens_ctl ctl = { .jobs = (size_t)c->jobs };

	*in = NULL;
	if (!c->influence && c->baujat == NULL)
		return 0;
	if (mk_influence_run(r->s, &r->f, &c->o, &ctl, in, &r->err) != 0)
		return -1;
	if (c->influence)
		res->infl = *in;
	return 0;
}
