/* cmd_metareg.c: 'metak pool --mods': a meta-regression, its report
 * and, with --bubble, its bubble plot. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Splits "a,b" in place into at most MAX_LIST names. */
static size_t
split(char *s, const char **out)
{
	size_t n = 0;

	for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok != NULL &&
	    n < MAX_LIST; tok = strtok_r(NULL, ",", &save))
		out[n++] = tok;
	return n;
}

int
cmd_metareg(struct cli *c)
{
	struct run r;
	mk_metareg *g = NULL;
	mk_buf b = { 0 }, bub = { 0 };
	const char *mods[MAX_LIST];
	char *list = strdup(c->mods);
	int rc = EXIT_DATA;

	if (list == NULL)
		return EXIT_DATA;
	mk_regspec spec = { mods, split(list, mods), c->predict.v,
	    c->predict.n, (size_t)c->permutations,
	    cli_given(c, "seed") ? (unsigned long)c->seed : 1 };
	if (spec.nmods == 0) {
		usage_error("--mods: no column named");
		free(list);
		return EXIT_USAGE;
	}
	if (load_studies(c, &r) != 0)
		goto done;
	if ((g = mk_metareg_run(r.t, r.s, &c->o, &spec, &r.w, &r.err)) == NULL)
		goto done;
	mk_result res = { .table = r.t, .studies = r.s, .opts = &c->o,
	    .no_studies = c->no_studies, .plot = &c->plot, .reg = g };
	if (c->format == FMT_JSON)
		mk_render_reg_json(&b, &res);
	else if (c->format == FMT_CSV)
		mk_render_reg_csv(&b, &res);
	else
		mk_render_reg_text(&b, &res);
	if (c->bubble != NULL && mk_render_bubble(&bub, &res, &r.err) != 0)
		goto done;
	print_warnings(&r.w);
	mk_warn_clear(&r.w);
	rc = write_all(c->output, &b, c->bubble, &bub) == 0 ? 0 : EXIT_DATA;
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
	mk_metareg_free(g);
	free(list);
	return run_end(&r, c, rc);
}
