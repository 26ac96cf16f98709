/* plotfile.c: plot files as SVG, PNG or PDF by their names' extensions
 * (--svg, --funnel, --bubble, --baujat, --graph, --posterior), at --width mm and --dpi: the
 * names checked once the options are read, and each plot converted
 * (plot/convert.c) before anything is written, so that a failed
 * conversion leaves every output as it was. --width and --dpi are 0
 * when not given (their ranges start above 0). */
#include <math.h>
#include <string.h>

#include "cli.h"

/* The plot options of c, with their names for messages. */
static size_t
plot_paths(const struct cli *c, const char **path, const char **name)
{
	const char *p[] = { c->svg, c->funnel, c->bubble, c->baujat,
	    c->graph, c->posterior };
	const char *n[] = { "--svg", "--funnel", "--bubble", "--baujat",
	    "--graph", "--posterior" };
	size_t k = 0;

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (p[i] != NULL) {
			path[k] = p[i];
			name[k++] = n[i];
		}
	return k;
}

int
plot_files_check(const struct cli *c)
{
	const char *path[6], *name[6];
	size_t n = plot_paths(c, path, name);
	int png = 0;

	for (size_t i = 0; i < n; i++) {
		mk_plotfmt f;
		if (mk_plot_format(path[i], &f) != 0) {
			usage_error("%s %s: plots are written as SVG, PNG or PDF "
			    "(by the name's extension: .svg, .png, .pdf)",
			    name[i], path[i]);
			return -1;
		}
		png |= f == MK_PLOT_PNG;
	}
	if (c->plot_width > 0 && n == 0) {
		usage_error("--width sizes a plot: give --svg, --funnel, "
		    "--bubble, --baujat, --graph or --posterior");
		return -1;
	}
	if (c->plot_dpi > 0 && !png) {
		usage_error("--dpi sets a PNG's resolution: name a plot "
		    "FILE.png");
		return -1;
	}
	return 0;
}

int
plot_encode(const struct cli *c, const char *path, mk_buf *b)
{
	mk_plotfmt f;
	mk_buf out = { 0 };
	mk_err err;

	if (path == NULL)
		return 0;
	if (mk_plot_format(path, &f) != 0)
		return EXIT_USAGE;	/* plot_files_check said so */
	double w = c->plot_width > 0 ? c->plot_width : NAN;
	if (f == MK_PLOT_SVG && !isfinite(w))
		return 0;	/* as drawn */
	memset(&err, 0, sizeof(err));
	double dpi = c->plot_dpi > 0 ? c->plot_dpi : 300;
	if (mk_plot_convert(b, f, w, dpi, &out, &err) != 0) {
		mk_buf_free(&out);
		if (err.usage) {
			usage_error("%s: %s", path, err.msg);
			return EXIT_USAGE;
		}
		print_err(&err, path);
		return EXIT_DATA;
	}
	mk_buf_free(b);
	*b = out;
	return 0;
}
