/* cmd_metareg.c: 'metak pool' with --mods, --random or --robust: a
 * meta-regression, multilevel model or cluster-robust fit, its report and,
 * with --bubble, its bubble plot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Splits "a,b" (or "a/b" with sep "/") in place into at most MAX_LIST
 * names. */
static size_t
split(char *s, const char *sep, const char **out)
{
	size_t n = 0;

	for (char *save = NULL, *tok = strtok_r(s, sep, &save); tok != NULL &&
	    n < MAX_LIST; tok = strtok_r(NULL, sep, &save))
		out[n++] = tok;
	return n;
}

int
cmd_metareg(struct cli *c)
{
	struct run r;
	mk_metareg *g = NULL;
	mk_buf b = { 0 }, bub = { 0 }, svg = { 0 };
	const char *mods[MAX_LIST], *levels[MAX_LIST];
	char *list = strdup(c->mods ? c->mods : "");
	char *rlist = strdup(c->random ? c->random : "");
	int rc = EXIT_DATA;

	memset(&r, 0, sizeof(r));
	if (list == NULL || rlist == NULL) {
		free(list);
		free(rlist);
		return EXIT_DATA;
	}
	mk_regspec spec = { mods, split(list, ",", mods), c->predict.v,
	    c->predict.n, (size_t)c->permutations,
	    cli_given(c, "seed") ? (unsigned long)c->seed : 1, c->robust,
	    c->robust_cr1, NULL, NULL };
	struct progress pr;
	if (c->permutations > 0 && progress_start(&pr, "permutations",
	    "refits")) {
		spec.progress = progress_show;
		spec.progress_ud = &pr;
	}
	mk_mlspec ml = { levels, split(rlist, "/", levels),
	    cli_given(c, "rho") ? c->rho : NAN, &spec };
	if ((c->mods && spec.nmods == 0) || (c->random && ml.nrandom == 0)) {
		usage_error("--%s: no column named", c->mods && spec.nmods == 0 ?
		    "mods" : "random");
		free(list);
		free(rlist);
		return EXIT_USAGE;
	}
	if (load_studies(c, &r) != 0)
		goto done;
	if (plot_check(c, r.t, r.s->measure) != 0) {
		rc = EXIT_USAGE;
		goto done;
	}
	g = c->random ? mk_mlm_run(r.t, r.s, &c->o, &ml, &r.w, &r.err) :
	    mk_metareg_run(r.t, r.s, &c->o, &spec, &r.w, &r.err);
	if (g == NULL)
		goto done;
	mk_result res = { .rows = &r.rows, .studies = r.s, .opts = &c->o,
	    .no_studies = c->no_studies, .plot = &c->plot, .reg = g };
	if (c->format == FMT_JSON)
		mk_render_reg_json(&b, &res);
	else if (c->format == FMT_CSV)
		mk_render_reg_csv(&b, &res);
	else
		mk_render_reg_text(&b, &res);
	if (c->bubble != NULL && mk_render_bubble(&bub, &res, &r.err) != 0)
		goto done;
	if (c->svg != NULL && mk_render_svg_ml(&svg, &res, &r.err) != 0)
		goto done;
	print_warnings(&r.w);
	mk_warn_clear(&r.w);
	struct output out[3];
	size_t n = 0;
	if (c->bubble != NULL)
		out[n++] = (struct output){ c->bubble, &bub };
	if (c->svg != NULL)
		out[n++] = (struct output){ c->svg, &svg };
	out[n++] = (struct output){ c->output, &b };
	if ((rc = plot_encode(c, c->bubble, &bub)) == 0 &&
	    (rc = plot_encode(c, c->svg, &svg)) == 0)
		rc = write_outputs(out, n) == 0 ? 0 : EXIT_DATA;
	r.err.msg[0] = '\0';
done:
	if (rc != 0 && r.err.usage) {
		print_warnings(&r.w);
		mk_warn_clear(&r.w);
		usage_error("%s", r.err.msg);
		r.err.msg[0] = '\0';
		rc = EXIT_USAGE;
	}
	mk_buf_free(&b);
	mk_buf_free(&bub);
	mk_buf_free(&svg);
	mk_metareg_free(g);
	free(list);
	free(rlist);
	return run_end(&r, c, rc);
}
