/* cmd_check.c: 'metak check': does a published pooled result reproduce
 * from the trial data (every method, interval and correction tried), or,
 * without data, is it internally consistent? */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A number as printed: its value and how many decimals it had. */
static int
printed(const char *opt, const char *s, double *v, int *dec, int *less)
{
	char *end;
	const char *dot;

	if (less != NULL) {
		*less = 0;
		while (*s == ' ')
			s++;
		if (*s == '<') {
			*less = 1;
			s++;
		}
	}
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(*v) ||
	    strpbrk(s, "eEnNiIxX") != NULL) {
		usage_error("%s: expected a number as printed, got \"%s\"", opt,
		    s);
		return -1;
	}
	dot = strchr(s, '.');
	*dec = dot ? (int)strlen(dot + 1) : 0;
	return 0;
}

/* The claim of the command line, checked for shape. */
static int
read_claim(const struct cli *c, mk_claim *cl)
{
	memset(cl, 0, sizeof(*cl));
	if (c->o.measure == MK_MEASURE_AUTO || !c->claim[0] || !c->claim[1] ||
	    !c->claim[2]) {
		usage_error("check needs --measure, --estimate, --ci-low and "
		    "--ci-high");
		return -1;
	}
	cl->measure = c->o.measure;
	cl->scale = (mk_scale)c->scale;
	cl->level = c->o.level;
	cl->p = NAN;
	if (printed("--estimate", c->claim[0], &cl->est, &cl->dec_est, NULL) ||
	    printed("--ci-low", c->claim[1], &cl->lo, &cl->dec_lo, NULL) ||
	    printed("--ci-high", c->claim[2], &cl->hi, &cl->dec_hi, NULL) ||
	    (c->claim[3] && printed("--p", c->claim[3], &cl->p, &cl->p_dec,
	    &cl->p_less)))
		return -1;
	if (c->claim[3] && !(cl->p >= 0 && cl->p <= 1 && !(cl->p_less &&
	    cl->p == 0))) {
		usage_error("--p: a p-value from 0 to 1 (\"<x\" with x above "
		    "0), got \"%s\"", c->claim[3]);
		return -1;
	}
	const mk_measure_info *mi = mk_measure_get(cl->measure);
	if ((cl->scale == MK_SCALE_LOG && !mi->log_scale) ||
	    (cl->scale == MK_SCALE_PERCENT && cl->measure != MK_RD)) {
		usage_error("--scale %s: not for %s (log is for ratio measures, "
		    "percent for risk differences)", cl->scale == MK_SCALE_LOG ?
		    "log" : "percent", mi->name);
		return -1;
	}
	if (!(cl->lo <= cl->est && cl->est <= cl->hi && cl->lo < cl->hi)) {
		usage_error("the claim must have ci-low <= estimate <= ci-high");
		return -1;
	}
	if (cl->scale == MK_SCALE_NATURAL && mi->tr != MK_TR_IPFT &&
	    (!isfinite(mk_analysis(cl->measure, cl->lo, NAN)) ||
	    !isfinite(mk_analysis(cl->measure, cl->hi, NAN)))) {
		usage_error("the claim is outside the range of %s values%s",
		    mi->name, mi->log_scale ? " (a ratio is positive)" : "");
		return -1;
	}
	return 0;
}

int
cmd_check(struct cli *c)
{
	mk_claim cl;
	mk_err err = { 0 };
	mk_buf b = { 0 };
	mk_table *t = NULL;
	mk_check_row *rows = NULL;
	size_t n = 0;
	int rc = EXIT_DATA, reproduced = 0;

	if (read_claim(c, &cl) != 0 || options_act(c) != 0)
		return EXIT_USAGE;

	if (c->file == NULL && mk_measure_get(cl.measure)->tr == MK_TR_IPFT &&
	    cl.scale == MK_SCALE_NATURAL) {
		usage_error("a PFT claim needs the trial data: the "
		    "transformation depends on the studies' n");
		return EXIT_USAGE;
	}
	if (c->file == NULL) {
		mk_consistency k;
		mk_check_consistency(&cl, &k);
		mk_render_consistency(&b, &cl, &k, c->format == FMT_JSON);
		reproduced = k.centred && (!k.p_checked || k.p_ok);
	} else {
		if ((t = mk_table_read_as(c->file, c->o.sep,
		    c->o.decimal, &err)) == NULL ||
		    mk_table_check_maps(t, c->o.maps, c->o.nmaps, &err) != 0 ||
		    apply_where(t, c, &err) != 0 ||
		    mk_check_data(t, &c->o, &cl, cli_given(c, "method"), &rows,
		    &n, &err) != 0) {
			print_err(&err, t ? t->file : c->file);
			goto done;
		}
		for (size_t i = 0; i < n; i++)
			reproduced |= rows[i].match;
		size_t found = 0, tried = 0;
		if (!reproduced && mk_check_subsets(t, &c->o, &cl,
		    cli_given(c, "method"), &rows, &n, &found, &tried,
		    &err) != 0) {
			print_err(&err, t->file);
			goto done;
		}
		if (c->format == FMT_JSON)
			mk_render_check_json(&b, &cl, rows, n, found, tried);
		else
			mk_render_check_text(&b, t->file, &cl, rows, n, found,
			    tried);
	}
	rc = write_stdout(&b) == 0 ? (reproduced ? 0 : EXIT_NOTREPRODUCED) :
	    EXIT_DATA;
done:
	free(rows);
	mk_buf_free(&b);
	mk_table_free(t);
	return rc;
}
