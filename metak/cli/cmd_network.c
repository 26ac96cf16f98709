/* cmd_network.c: 'metak network': a network meta-analysis of the trials
 * in a file, its report as text, JSON or CSV, and its forest plot and
 * network graph. The analysis is the library's (analyses/network.c). */
#include <string.h>

#include "cli.h"

int
cmd_network(struct cli *c)
{
	struct run r;
	mk_network *n = NULL;
	mk_buf b = { 0 }, svg = { 0 }, graph = { 0 };
	int rc = EXIT_DATA;

	memset(&r, 0, sizeof(r));
	if (c->o.method != MK_REML && c->o.method != MK_DL) {
		usage_error("--method %s: metak network estimates tau2 by REML "
		    "or DL%s", mk_method_get(c->o.method)->name, c->o.method ==
		    MK_FE ? " (--model common fits the common-effect model)" :
		    "");
		return EXIT_USAGE;
	}
	if ((r.t = mk_table_read(c->file, &r.err)) == NULL ||
	    mk_table_check_maps(r.t, c->o.maps, c->o.nmaps, &r.err) != 0 ||
	    apply_where(r.t, c, &r.err) != 0)
		goto done;
	mk_netspec spec = { .common = c->net_common, .reference =
	    c->reference, .small_bad = c->small_bad };
	if ((n = mk_network_run(r.t, &c->o, &spec, &r.w, &r.err)) == NULL)
		goto done;
	if (plot_check(c, r.t, n->d->measure) != 0) {
		rc = EXIT_USAGE;
		goto done;
	}
	if (c->format == FMT_JSON)
		mk_render_network_json(&b, n);
	else if (c->format == FMT_CSV)
		mk_render_network_csv(&b, n);
	else
		mk_render_network_text(&b, n);
	if (c->svg != NULL)
		mk_render_network_svg(&svg, n, &c->plot);
	if (c->graph != NULL)
		mk_render_network_graph(&graph, n, &c->plot);
	if ((rc = plot_encode(c, c->svg, &svg)) != 0 ||
	    (rc = plot_encode(c, c->graph, &graph)) != 0)
		goto done;
	print_warnings(&r.w);
	mk_warn_clear(&r.w);
	struct output out[3];
	size_t nout = 0;
	if (c->svg != NULL)
		out[nout++] = (struct output){ c->svg, &svg };
	if (c->graph != NULL)
		out[nout++] = (struct output){ c->graph, &graph };
	out[nout++] = (struct output){ c->output, &b };
	rc = write_outputs(out, nout) == 0 ? 0 : EXIT_DATA;
	r.err.msg[0] = '\0';
done:
	mk_network_free(n);
	mk_buf_free(&b);
	mk_buf_free(&svg);
	mk_buf_free(&graph);
	return run_end(&r, c, rc);
}
