/* cmd_pool.c: 'metak pool': the report of one fit (with subgroups), or
 * leave-one-out and cumulative refits; --each is cmd_each.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* The width of the terminal a text report goes to; 0 when it goes to a
 * file or a pipe (the layout is then the same on every machine). */
static int
term_cols(const struct cli *c)
{
	struct winsize ws;

	if (c->output != NULL || c->format != FMT_TEXT ||
	    !isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* --glmm: ML (the default) or FE, and none of the options of the
 * inverse-variance pools. */
static int
glmm_combinations(struct cli *c)
{
	static const char *const refused[] = { "ci", "pi", "dl-q", "pm-tol",
	    "common-tau2", "mods", "random", "robust", "leave-one-out",
	    "cumulative", NULL };

	if (!cli_given(c, "method"))
		c->o.method = MK_ML;
	if (c->o.method != MK_ML && c->o.method != MK_FE) {
		usage_error("--glmm fits by maximum likelihood: --method ML "
		    "(random effects, the default) or FE, not %s",
		    mk_method_get(c->o.method)->name);
		return -1;
	}
	for (size_t i = 0; refused[i] != NULL; i++)
		if (cli_given(c, refused[i])) {
			usage_error("--glmm takes no --%s (it applies to inverse-"
			    "variance pools of yi and vi)", refused[i]);
			return -1;
		}
	return 0;
}

/* Options that only make sense together, or not at all together; --each
 * writes CSV unless told otherwise. */
static int
check_combinations(struct cli *c)
{
	int bayes = c->o.method == MK_BAYES;

	if (!bayes && (cli_given(c, "prior-tau") || cli_given(c, "prior-mu") ||
	    cli_given(c, "threshold") || c->posterior)) {
		usage_error("--prior-tau, --prior-mu, --threshold and "
		    "--posterior go with --method BAYES");
		return -1;
	}
	mk_prior dflt;
	if (bayes && c->o.prior_tau.kind == MK_PRIOR_DEFAULT &&
	    c->o.measure != MK_MEASURE_AUTO &&
	    mk_prior_default(c->o.measure, &dflt) != 0) {
		mk_err e;
		mk_prior_no_default(c->o.measure, &e);
		usage_error("%s", e.msg);
		return -1;
	}
	if (c->posterior && (c->each || c->by || c->loo || c->cumulative)) {
		usage_error("--posterior draws the posterior of one fit: not "
		    "with --each, --by, --leave-one-out or --cumulative (to "
		    "draw one subgroup's, pick it with --where)");
		return -1;
	}
	if (bayes && (c->mods || c->random || c->robust || c->o.common_tau2 ||
	    cli_given(c, "ci") || cli_given(c, "pi") || cli_given(c, "dl-q"))) {
		usage_error("--method BAYES pools one mean (one per subgroup "
		    "with --by) from its posterior: its intervals are credible "
		    "and predictive intervals, so it takes no --ci, --pi or "
		    "--dl-q, and no --mods, --random, --robust or "
		    "--common-tau2");
		return -1;
	}
	if (c->each != NULL && (c->by || c->svg || c->loo || c->cumulative ||
	    (cli_given(c, "format") && c->format == FMT_TEXT))) {
		usage_error("--each writes CSV or JSON Lines and takes no --by, "
		    "--svg, --leave-one-out, --cumulative or --format text");
		return -1;
	}
	if (c->o.dl_mhq && (c->mods || c->random || c->robust ||
	    c->o.common_tau2)) {
		usage_error("--dl-q mh fits one mean (or one per subgroup), not "
		    "--mods, --random, --robust or --common-tau2");
		return -1;
	}
	if (c->mods == NULL && (c->predict.n || c->permutations ||
	    c->bubble || cli_given(c, "seed"))) {
		usage_error("--predict, --permutations, --seed and --bubble go "
		    "with --mods");
		return -1;
	}
	int model = c->mods || c->random || c->robust;
	if (model && (c->by || c->each || c->loo || c->cumulative)) {
		usage_error("--mods, --random and --robust take no --by, --each, "
		    "--leave-one-out or --cumulative");
		return -1;
	}
	if (c->mods != NULL && c->svg) {
		usage_error("--mods takes no --svg (its plot is --bubble)");
		return -1;
	}
	if ((cli_given(c, "rho") && !c->random) ||
	    (cli_given(c, "robust-type") && !c->robust)) {
		usage_error("--rho goes with --random, --robust-type with "
		    "--robust");
		return -1;
	}
	if (c->permutations && (c->random || c->robust)) {
		usage_error("--permutations goes with --mods alone, not with "
		    "--random or --robust");
		return -1;
	}
	if (c->o.glmm != MK_GLMM_NONE && glmm_combinations(c) != 0)
		return -1;
	if (c->each != NULL && !cli_given(c, "format"))
		c->format = FMT_CSV;
	if (c->no_studies)
		c->o.bayes_brief = 1;	/* no shrunken study effects */
	if (c->each == NULL && c->shard_n > 1) {
		usage_error("--shard goes with --each");
		return -1;
	}
	if ((c->loo || c->cumulative) && (c->by || (c->loo && c->cumulative))) {
		usage_error("--leave-one-out and --cumulative: one at a time, "
		    "without --by");
		return -1;
	}
	if (c->order != NULL && !c->cumulative) {
		usage_error("--order goes with --cumulative");
		return -1;
	}
	if (c->o.common_tau2 && (c->by == NULL || c->o.method == MK_MH ||
	    c->o.method == MK_PETO)) {
		usage_error("--common-tau2 needs --by and an inverse-variance "
		    "method");
		return -1;
	}
	if (publish_check(c) != 0)
		return -1;
	return options_act(c);
}

/* --leave-one-out, --cumulative: refits, rendered like the report. */
static int
run_steps(struct cli *c, struct run *r)
{
	mk_step *st = NULL;
	size_t *order = NULL;
	mk_buf b = { 0 }, svg = { 0 };
	int rc;

	if (c->order != NULL && mk_order_by(r->t, r->s, c->order, &c->o,
	    &order, &r->err) != 0)
		return EXIT_DATA;
	struct progress pr;
	mk_sens_ctl ctl = { .jobs = (size_t)c->jobs, .ud = &pr };
	if (progress_start(&pr, c->loo ? "leave-one-out" : "cumulative",
	    "refits"))
		ctl.progress = progress_show;
	if ((c->loo ? mk_leave1out(r->s, &c->o, &ctl, &st, &r->err) :
	    mk_cumulative(r->s, order, &c->o, &ctl, &st, &r->err)) != 0) {
		free(order);
		return EXIT_DATA;
	}
	for (size_t j = 0; c->o.ci == MK_CI_HKSJ && j < r->s->k; j++)
		if (st[j].k == 1) {
			mk_warn_add(&r->w, "%s: a refit of one study has no "
			    "Knapp-Hartung df (k - 1 = 0): its interval and p "
			    "are from z, as in metafor", c->loo ? "leave-one-out" : "cumulative");
			break;
		}
	mk_result res = { .rows = &r->rows, .studies = r->s, .opts = &c->o,
	    .fit = &r->f, .plot = &c->plot };
	if (c->format == FMT_JSON)
		mk_render_steps_json(&b, &res, st, c->cumulative);
	else if (c->format == FMT_CSV)
		mk_render_steps_csv(&b, &res, st, c->cumulative);
	else
		mk_render_steps_text(&b, &res, st, c->cumulative);
	if (c->svg != NULL)
		mk_render_steps_svg(&svg, &res, st, c->cumulative);
	print_warnings(&r->w);
	mk_warn_clear(&r->w);
	rc = plot_encode(c, c->svg, &svg);
	if (rc == 0)
		rc = write_all(c->output, &b, c->svg, &svg) == 0 ? 0 : EXIT_DATA;
	r->err.msg[0] = '\0';
	mk_buf_free(&b);
	mk_buf_free(&svg);
	free(st);
	free(order);
	return rc;
}

int
cmd_pool(struct cli *c)
{
	struct run r;
	mk_subgroups *sg = NULL;
	mk_influence *in = NULL;
	mk_sof *sof = NULL;
	mk_buf b = { 0 }, svg = { 0 }, bj = { 0 }, post = { 0 };
	int rc = EXIT_DATA;

	if (check_combinations(c) != 0)
		return EXIT_USAGE;
	if (c->each != NULL)
		return cmd_each(c);
	if (c->mods != NULL || c->random != NULL || c->robust != NULL)
		return cmd_metareg(c);
	if (c->loo || c->cumulative)
		c->o.no_tau2_ci = 1;	/* no step reports it (its warnings
					 * were about nothing shown) */
	if (load_and_fit(c, &r) != 0)
		goto done;
	if (plot_check(c, r.t, r.s->measure) != 0) {
		rc = EXIT_USAGE;
		goto done;
	}
	if (c->loo || c->cumulative) {
		rc = run_steps(c, &r);
		goto done;
	}
	if (c->by != NULL && (sg = mk_subgroups_run(r.t, r.s, c->by, &c->o,
	    &r.w, &r.err)) == NULL)
		goto done;
	for (size_t j = 0; sg != NULL && j < sg->n; j++) {
		char where[128];
		snprintf(where, sizeof(where), " (subgroup %s = %s)", sg->by,
		    sg->g[j].level);
		warn_capped(&r.w, &sg->g[j].fit, where);
	}
	mk_result res = { .rows = &r.rows, .studies = r.s, .opts = &c->o,
	    .fit = &r.f, .sub = sg, .no_studies = c->no_studies,
	    .plot = &c->plot, .cols = term_cols(c) };
	if (publish_run(c, &r, &res, &in, &sof) != 0)
		goto done;
	if (c->format == FMT_JSON)
		mk_render_json(&b, &res);
	else if (c->format == FMT_CSV && res.infl != NULL)
		mk_render_influence_csv(&b, &res);
	else if (c->format == FMT_CSV && res.sof != NULL)
		mk_render_sof_csv(&b, &res);
	else if (c->format == FMT_CSV)
		mk_render_csv(&b, &res);
	else
		mk_render_text(&b, &res);
	if (c->svg != NULL)
		mk_render_svg(&svg, &res);
	if (c->baujat != NULL)
		mk_render_baujat(&bj, &res, in);
	if (c->posterior != NULL)
		mk_render_posterior(&post, &res);
	print_warnings(&r.w);
	mk_warn_clear(&r.w);
	/* every output or none: the plots first, the report last */
	struct output out[4] = { { c->svg, &svg }, { c->baujat, &bj },
	    { c->posterior, &post },
	    { c->output, &b } };
	size_t n = 0;
	for (size_t i = 0; i < 4; i++)
		if (out[i].path != NULL || i == 3)
			out[n++] = out[i];
	if ((rc = plot_encode(c, c->svg, &svg)) == 0 &&
	    (rc = plot_encode(c, c->baujat, &bj)) == 0 &&
	    (rc = plot_encode(c, c->posterior, &post)) == 0)
		rc = write_outputs(out, n) == 0 ? 0 : EXIT_DATA;
	r.err.msg[0] = '\0';	/* write_outputs printed its own message */
done:
	mk_buf_free(&b);
	mk_buf_free(&svg);
	mk_buf_free(&bj);
	mk_influence_free(in);
	mk_sof_free(sof);
	mk_buf_free(&post);
	mk_subgroups_free(sg);
	return run_end(&r, c, rc);
}
