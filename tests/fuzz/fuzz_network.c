/* fuzz_network.c: libFuzzer target over the CSV reader and the network
 * pipeline: bytes -> table -> a network's studies (arm or contrast rows)
 * -> REML, DL and the common-effect model, each reference in turn for the
 * first few treatments -> the decomposition and split -> every renderer
 * and both plots. Anything but a clean error or a result is a bug the
 * sanitizers report. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "metak.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const mk_table *t, mk_method m, int common, const char *ref, int bad)
{
	mk_opts o;
	mk_err err;
	mk_warn w = { 0 };
	mk_buf b = { 0 };
	mk_netspec spec = { common, ref, bad };
	mk_network *n;

	mk_opts_init(&o);
	o.method = m;
	o.maxiter = 200;
	if ((n = mk_network_run(t, &o, &spec, &w, &err)) != NULL) {
		mk_render_network_json(&b, n);
		mk_render_network_csv(&b, n);
		mk_render_network_text(&b, n);
		mk_render_network_svg(&b, n, NULL);
		mk_render_network_graph(&b, n, NULL);
	}
	mk_network_free(n);
	mk_buf_free(&b);
	mk_warn_clear(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mk_err err;
	mk_table *t;

	gsl_set_error_handler_off();
	t = mk_table_parse("fuzz.csv", (const char *)data, size, &err);
	if (t == NULL)
		return 0;
	one(t, MK_REML, 0, NULL, 0);
	one(t, MK_DL, 0, NULL, 1);
	one(t, MK_REML, 1, NULL, 0);
	for (size_t r = 0; r < t->nrow && r < 3 && t->ncol > 1; r++)
		one(t, MK_REML, 0, mk_table_cell(t, r, 1), 0);
	mk_table_free(t);
	return 0;
}
