/* cmd_bias.c: 'metak bias': small-study tests (Egger, Begg, trim and
 * fill) for the fit 'metak pool' would make, and the funnel plot. */
#include <string.h>

#include "cli.h"

int
cmd_bias(struct cli *c)
{
	struct run r;
	mk_bias bi;
	mk_buf b = { 0 }, fun = { 0 };
	int rc = EXIT_DATA;

	memset(&bi, 0, sizeof(bi));
	if (options_act(c) != 0)
		return EXIT_USAGE;
	if (load_and_fit(c, &r) != 0)
		goto done;
	if (plot_check(c, r.t, r.s->measure) != 0) {
		rc = EXIT_USAGE;
		goto done;
	}
	if (mk_bias_run(r.s, &c->o, c->egger_rma, c->r0, &bi, &r.err) != 0)
		goto done;
	mk_result res = { .rows = &r.rows, .studies = r.s, .opts = &c->o,
	    .fit = &r.f, .plot = &c->plot };
	if (c->format == FMT_JSON)
		mk_render_bias_json(&b, &res, &bi);
	else
		mk_render_bias_text(&b, &res, &bi);
	if (c->funnel != NULL)
		mk_render_funnel(&fun, &res, &bi, c->contours);
	print_warnings(&r.w);
	mk_warn_clear(&r.w);
	rc = plot_encode(c, c->funnel, &fun);
	if (rc == 0)
		rc = write_all(c->output, &b, c->funnel, &fun) == 0 ? 0 :
		    EXIT_DATA;
	r.err.msg[0] = '\0';
done:
	mk_bias_free(&bi);
	mk_buf_free(&b);
	mk_buf_free(&fun);
	return run_end(&r, c, rc);
}
