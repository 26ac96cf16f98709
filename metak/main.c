/* main.c: the command line. Parses options (a table of commands, getopt_long
 * per command), runs the library, prints warnings and errors, writes output
 * atomically and chooses the exit status. The only file that prints. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "metak.h"

#define EXIT_DATA 1
#define EXIT_USAGE 2
#define EXIT_NOTREPRODUCED 3

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

struct cli {
	const char *file;
	mk_opts o;
	enum fmt format;
	const char *by;
	const char *output;
	int no_studies;
	const char *svg;
	const char *funnel;
	int egger_rma, r0, contours;
	const char *each, *order;
	size_t shard_i, shard_n;
	int loo, cumulative, format_set;
	const char *claim[4];	/* estimate, ci-low, ci-high, p as typed */
	int method_set, ci_set, cc_set;
	mk_scale scale;
	unsigned long seen;	/* options given, bit (opt - 256) */
	mk_plot_opts plot;
	mk_map where[32];
	size_t nwhere;
	mk_map maps[32];
	size_t nmaps;
};

static const char *prog = "metak";

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'metak --help'.\n");
}

static void
print_err(const mk_err *e, const char *file)
{
	const char *f = e->file[0] ? e->file : file;

	fprintf(stderr, "%s: ", prog);
	if (f && f[0]) {
		fprintf(stderr, "%s:", f);
		if (e->line > 0)
			fprintf(stderr, "%ld:", e->line);
		fprintf(stderr, " ");
	}
	if (e->column[0])
		fprintf(stderr, "%s: ", e->column);
	fprintf(stderr, "%s\n", e->msg);
}

static void
print_warnings(const mk_warn *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(stderr, "%s: warning: %s\n", prog, w->msg[i]);
}

/* Writes b to a temporary file beside path; returns its name (malloc'd)
 * or NULL after printing why. */
static char *
stage(const char *path, const mk_buf *b)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	FILE *fp;
	int bad;

	if (tmp == NULL || b->oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		free(tmp);
		return NULL;
	}
	snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
	fp = fopen(tmp, "wb");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, path,
		    strerror(errno));
		free(tmp);
		return NULL;
	}
	bad = b->len > 0 && fwrite(b->data, 1, b->len, fp) != b->len;
	bad |= fflush(fp) != 0;
	bad |= fclose(fp) != 0;
	if (bad) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, path,
		    strerror(errno));
		remove(tmp);
		free(tmp);
		return NULL;
	}
	return tmp;
}

static int
commit(char *tmp, const char *path)
{
	int rc = 0;

	if (rename(tmp, path) != 0) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, path,
		    strerror(errno));
		remove(tmp);
		rc = -1;
	}
	free(tmp);
	return rc;
}

static int
write_stdout(const mk_buf *b)
{
	if (b->oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	if ((b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len) ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "%s: writing standard output: %s\n", prog,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* The report (to path, or stdout when path is NULL or "-") and, when
 * svgpath is set, the SVG: each output file is staged under a temporary
 * name and renamed only once everything has been written. */
static int
write_all(const char *path, const mk_buf *b, const char *svgpath,
    const mk_buf *svg)
{
	char *tsvg = NULL, *trep = NULL;
	int to_file = path != NULL && strcmp(path, "-") != 0;

	if (svgpath != NULL && (tsvg = stage(svgpath, svg)) == NULL)
		return -1;
	if (to_file && (trep = stage(path, b)) == NULL)
		goto fail;
	if (!to_file && write_stdout(b) != 0)
		goto fail;
	if (trep != NULL && commit(trep, path) != 0) {
		trep = NULL;
		goto fail;
	}
	if (tsvg != NULL)
		return commit(tsvg, svgpath);
	return 0;
fail:
	if (trep != NULL) {
		remove(trep);
		free(trep);
	}
	if (tsvg != NULL) {
		remove(tsvg);
		free(tsvg);
	}
	return -1;
}

static void
list_names(char *out, size_t n, int measures)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < (measures ? mk_nmeasures : mk_nmethods); i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s",
		    i ? " " : "", measures ? mk_measures[i].name :
		    mk_methods[i].name);
}

static int
parse_double(const char *opt, const char *s, double lo, double hi,
    double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(*out) ||
	    *out < lo || *out > hi) {
		char range[64];
		snprintf(range, sizeof(range), "%g..%g", lo, hi);
		usage_error("%s: expected a number in %s", opt, range);
		fprintf(stderr, "%s: (got \"%s\")\n", prog, s);
		return -1;
	}
	return 0;
}

enum {
	OPT_MEASURE = 256, OPT_METHOD, OPT_CI, OPT_LEVEL, OPT_BY, OPT_FORMAT,
	OPT_MAP, OPT_CC, OPT_CCTO, OPT_MAXITER, OPT_OUTPUT, OPT_NOSTUDIES,
	OPT_SVG, OPT_TITLE, OPT_FAVL, OPT_FAVR, OPT_WHERE, OPT_PMTOL,
	OPT_COMMON, OPT_FUNNEL, OPT_EGGER, OPT_TRIMFILL, OPT_CONTOURS,
	OPT_EACH, OPT_SHARD, OPT_LOO, OPT_CUMUL, OPT_ORDER, OPT_ESTIMATE,
	OPT_CILOW, OPT_CIHIGH, OPT_P, OPT_SCALE, OPT_MDVAR, OPT_PI, OPT_HELP
};

static const struct option pool_longopts[] = {
	{ "measure", required_argument, NULL, OPT_MEASURE },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "ci", required_argument, NULL, OPT_CI },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "by", required_argument, NULL, OPT_BY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "cc-to", required_argument, NULL, OPT_CCTO },
	{ "maxiter", required_argument, NULL, OPT_MAXITER },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "no-studies", no_argument, NULL, OPT_NOSTUDIES },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "favours-left", required_argument, NULL, OPT_FAVL },
	{ "favours-right", required_argument, NULL, OPT_FAVR },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "pm-tol", required_argument, NULL, OPT_PMTOL },
	{ "common-tau2", no_argument, NULL, OPT_COMMON },
	{ "funnel", required_argument, NULL, OPT_FUNNEL },
	{ "egger-model", required_argument, NULL, OPT_EGGER },
	{ "trimfill", required_argument, NULL, OPT_TRIMFILL },
	{ "contours", no_argument, NULL, OPT_CONTOURS },
	{ "each", required_argument, NULL, OPT_EACH },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "leave-one-out", no_argument, NULL, OPT_LOO },
	{ "cumulative", no_argument, NULL, OPT_CUMUL },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "estimate", required_argument, NULL, OPT_ESTIMATE },
	{ "ci-low", required_argument, NULL, OPT_CILOW },
	{ "ci-high", required_argument, NULL, OPT_CIHIGH },
	{ "p", required_argument, NULL, OPT_P },
	{ "scale", required_argument, NULL, OPT_SCALE },
	{ "md-var", required_argument, NULL, OPT_MDVAR },
	{ "pi", required_argument, NULL, OPT_PI },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static const char pool_help[] =
"usage: metak pool FILE [options]\n"
"\n"
"Pools the studies in FILE (CSV; '-' reads standard input); see metak(5).\n"
"\n"
"  --measure M     OR RR RD (binary), MD SMD ROM (continuous), GEN;\n"
"                  default: OR, MD or GEN by the columns present\n"
"  --method X      FE MH PETO DL REML ML PM EB HE SJ HS (default REML)\n"
"  --ci z|hksj     Wald z (default) or Knapp-Hartung t intervals\n"
"  --level P       confidence level in percent (default 95)\n"
"  --by COLUMN     one fit per value of COLUMN plus a test for subgroup\n"
"                  differences\n"
"  --common-tau2   with --by: one tau2 for all subgroups (mixed-effects\n"
"                  model) and its moderator test\n"
"  --leave-one-out refit leaving out each study in turn\n"
"  --cumulative    refit adding studies one at a time (file order, or\n"
"                  --order COLUMN: numeric or text, ties in file order)\n"
"  --each COLUMN   one independent analysis per run of equal values of\n"
"                  COLUMN, streamed; CSV (default) or JSON Lines\n"
"  --shard I/N     with --each: fit only analyses number I modulo N\n"
"  --where COL=VAL  use only rows whose COL is VAL (repeatable; all must hold)\n"
"  --format F      text (default), json or csv\n"
"  --svg FILE      write a forest plot to FILE\n"
"  --title TEXT    the forest plot's title\n"
"  --favours-left TEXT, --favours-right TEXT\n"
"                  labels under the plot's axis (default \"Favours treatment\",\n"
"                  \"Favours control\")\n"
"  --output FILE   write the report to FILE (atomically) instead of stdout\n"
"  --no-studies    leave the per-study rows out of the report\n"
"  --map N=COL     read canonical column N from column COL (repeatable)\n"
"  --cc VALUE      continuity correction for zero cells (default 0.5)\n"
"  --cc-to WHICH   only0 (default), all or none\n"
"  --md-var V      MD variance from separate SDs (default) or the pooled SD\n"
"  --pi TYPE       prediction interval: as the CI (default), z, t (k-1 df)\n"
"                  or riley (t, k-2 df)\n"
"  --maxiter N     iteration cap of the iterative estimators (default 1000)\n"
"  --pm-tol T      tolerance of the PM root (default 2^-13, metafor's)\n"
"  --help          show this help\n"
"\n"
"Exit status: 0 success, 1 bad data or an analysis that cannot be done,\n"
"2 bad usage.\n";

/* NAME=VALUE into the next slot of pairs (at most 32). */
static int
pair(const char *opt, char *arg, mk_map *pairs, size_t *n, int need_value)
{
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || (need_value && eq[1] == '\0')) {
		usage_error("%s: expected NAME=%s, got \"%s\"", opt,
		    need_value ? "COLUMN" : "VALUE", arg);
		return -1;
	}
	if (*n == 32) {
		usage_error("%s: at most 32 of them", opt);
		return -1;
	}
	*eq = '\0';
	pairs[*n].name = arg;
	pairs[(*n)++].column = eq + 1;
	return 0;
}

enum { CMD_POOL = 1, CMD_BIAS = 2, CMD_CHECK = 4 };

/* The commands that take each option (bit i: option 256 + i). */
static unsigned
option_commands(int opt)
{
	switch (opt) {
	case OPT_BY: case OPT_SVG: case OPT_TITLE: case OPT_FAVL:
	case OPT_FAVR: case OPT_COMMON: case OPT_EACH:
	case OPT_SHARD: case OPT_LOO: case OPT_CUMUL: case OPT_ORDER:
		return CMD_POOL;
	case OPT_FUNNEL: case OPT_EGGER: case OPT_TRIMFILL: case OPT_CONTOURS:
		return CMD_BIAS;
	case OPT_ESTIMATE: case OPT_CILOW: case OPT_CIHIGH: case OPT_P:
	case OPT_SCALE:
		return CMD_CHECK;
	case OPT_OUTPUT: case OPT_NOSTUDIES:
		return CMD_POOL | CMD_BIAS;
	default:
		return CMD_POOL | CMD_BIAS | CMD_CHECK;
	}
}

static int
parse_opts(int argc, char **argv, struct cli *c, unsigned cmd,
    const char *help)
{
	int ch;
	char names[128];
	double x;

	memset(c, 0, sizeof(*c));
	mk_opts_init(&c->o);
	optind = 1;
	opterr = 0;
	int li = -1;
	while ((ch = getopt_long(argc, argv, ":", pool_longopts, &li)) != -1) {
		if (ch >= OPT_MEASURE && ch < OPT_HELP &&
		    !(option_commands(ch) & cmd)) {
			usage_error("--%s is not an option of metak %s",
			    pool_longopts[li].name, argv[0]);
			return -1;
		}
		switch (ch) {
		case OPT_MEASURE: {
			const mk_measure_info *m = mk_measure_find(optarg);
			if (m == NULL) {
				list_names(names, sizeof(names), 1);
				usage_error("--measure: unknown measure \"%s\" "
				    "(expected one of %s)", optarg, names);
				return -1;
			}
			c->o.measure = m->id;
			break;
		}
		case OPT_METHOD: {
			const mk_method_info *m = mk_method_find(optarg);
			c->method_set = 1;
			if (m == NULL) {
				list_names(names, sizeof(names), 0);
				usage_error("--method: unknown method \"%s\" "
				    "(expected one of %s)", optarg, names);
				return -1;
			}
			c->o.method = m->id;
			break;
		}
		case OPT_CI:
			c->ci_set = 1;
			if (strcasecmp(optarg, "z") == 0)
				c->o.ci = MK_CI_Z;
			else if (strcasecmp(optarg, "hksj") == 0 ||
			    strcasecmp(optarg, "knha") == 0)
				c->o.ci = MK_CI_HKSJ;
			else {
				usage_error("--ci: unknown value \"%s\" "
				    "(expected %s)", optarg, "z or hksj");
				return -1;
			}
			break;
		case OPT_LEVEL:
			if (parse_double("--level", optarg, 1e-9, 100 - 1e-9,
			    &c->o.level) != 0)
				return -1;
			break;
		case OPT_BY:
			c->by = optarg;
			break;
		case OPT_FORMAT:
			c->format_set = 1;
			if (strcmp(optarg, "text") == 0)
				c->format = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				c->format = FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				c->format = FMT_CSV;
			else {
				usage_error("--format: unknown format \"%s\" "
				    "(expected %s)", optarg,
				    "text, json or csv");
				return -1;
			}
			break;
		case OPT_MAP:
			if (pair("--map", optarg, c->maps, &c->nmaps, 1) != 0)
				return -1;
			break;
		case OPT_WHERE:
			if (pair("--where", optarg, c->where, &c->nwhere, 0) != 0)
				return -1;
			break;
		case OPT_CC:
			if (parse_double("--cc", optarg, 0, 1e6, &c->o.cc) != 0)
				return -1;
			break;
		case OPT_CCTO:
			if (strcmp(optarg, "only0") == 0)
				c->o.cc_to = MK_CC_ONLY0;
			else if (strcmp(optarg, "all") == 0)
				c->o.cc_to = MK_CC_ALL;
			else if (strcmp(optarg, "none") == 0)
				c->o.cc_to = MK_CC_NONE;
			else {
				usage_error("--cc-to: unknown value \"%s\" "
				    "(expected %s)", optarg,
				    "only0, all or none");
				return -1;
			}
			break;
		case OPT_MAXITER:
			if (parse_double("--maxiter", optarg, 1, 1e6, &x) != 0)
				return -1;
			c->o.maxiter = (int)x;
			break;
		case OPT_OUTPUT:
			c->output = optarg;
			break;
		case OPT_NOSTUDIES:
			c->no_studies = 1;
			break;
		case OPT_SVG:
			c->svg = optarg;
			break;
		case OPT_TITLE:
			c->plot.title = optarg;
			break;
		case OPT_FAVL:
			c->plot.favours_left = optarg;
			break;
		case OPT_FAVR:
			c->plot.favours_right = optarg;
			break;
		case OPT_COMMON:
			c->o.common_tau2 = 1;
			break;
		case OPT_PMTOL:
			if (parse_double("--pm-tol", optarg, 1e-300, 1,
			    &c->o.pm_tol) != 0)
				return -1;
			break;
		case OPT_FUNNEL:
			c->funnel = optarg;
			break;
		case OPT_EACH:
			c->each = optarg;
			break;
		case OPT_SCALE:
			if (strcmp(optarg, "natural") == 0)
				c->scale = MK_SCALE_NATURAL;
			else if (strcmp(optarg, "log") == 0)
				c->scale = MK_SCALE_LOG;
			else if (strcmp(optarg, "percent") == 0)
				c->scale = MK_SCALE_PERCENT;
			else {
				usage_error("--scale: unknown value \"%s\" "
				    "(expected natural, log or percent)", optarg);
				return -1;
			}
			break;
		case OPT_PI:
			if (strcmp(optarg, "z") == 0)
				c->o.pi = MK_PI_Z;
			else if (strcmp(optarg, "t") == 0)
				c->o.pi = MK_PI_T1;
			else if (strcmp(optarg, "riley") == 0)
				c->o.pi = MK_PI_T2;
			else {
				usage_error("--pi: unknown value \"%s\" "
				    "(expected z, t or riley)", optarg);
				return -1;
			}
			break;
		case OPT_MDVAR:
			if (strcmp(optarg, "separate") == 0 ||
			    strcmp(optarg, "pooled") == 0)
				c->o.md_pooled_var = optarg[0] == 'p';
			else {
				usage_error("--md-var: unknown value \"%s\" "
				    "(expected separate or pooled)", optarg);
				return -1;
			}
			break;
		case OPT_ESTIMATE:
		case OPT_CILOW:
		case OPT_CIHIGH:
		case OPT_P:
			c->claim[ch - OPT_ESTIMATE] = optarg;
			break;
		case OPT_ORDER:
			c->order = optarg;
			break;
		case OPT_LOO:
			c->loo = 1;
			break;
		case OPT_CUMUL:
			c->cumulative = 1;
			break;
		case OPT_SHARD: {
			unsigned long i, n;
			char tail;
			if (sscanf(optarg, "%lu/%lu%c", &i, &n, &tail) != 2 ||
			    n == 0 || i >= n || strchr(optarg, '-') != NULL) {
				usage_error("--shard: expected I/N with 0 <= I < "
				    "N, got \"%s\"", optarg);
				return -1;
			}
			c->shard_i = i;
			c->shard_n = n;
			break;
		}
		case OPT_CONTOURS:
			c->contours = 1;
			break;
		case OPT_EGGER:
			if (strcmp(optarg, "lm") == 0 || strcmp(optarg, "rma") == 0)
				c->egger_rma = optarg[0] == 'r';
			else {
				usage_error("--egger-model: unknown value \"%s\" "
				    "(expected lm or rma)", optarg);
				return -1;
			}
			break;
		case OPT_TRIMFILL:
			if (strcasecmp(optarg, "L0") == 0 ||
			    strcasecmp(optarg, "R0") == 0)
				c->r0 = toupper((unsigned char)optarg[0]) == 'R';
			else {
				usage_error("--trimfill: unknown estimator \"%s\" "
				    "(expected L0 or R0)", optarg);
				return -1;
			}
			break;
		case OPT_HELP:
			fputs(help, stdout);
			exit(fflush(stdout) == 0 ? 0 : EXIT_DATA);
		case ':':
			usage_error("%s: missing value%s", argv[optind - 1],
			    "");
			return -1;
		default:
			usage_error("unknown option \"%s\"%s",
			    argv[optind - 1], "");
			return -1;
		}
	}
	if (cmd == CMD_CHECK && optind == argc) {
		c->file = NULL;	/* a claim checked without data */
	} else if (optind != argc - 1) {
		if (optind >= argc)
			usage_error("%s: no input FILE given", argv[0]);
		else
			usage_error("%s: one input FILE expected, got \"%s\" "
			    "too", argv[0], argv[optind + 1]);
		return -1;
	} else {
		c->file = argv[optind];
	}
	if (c->shard_n == 0)
		c->shard_n = 1;
	if (c->each != NULL && (c->by || c->svg || c->loo || c->cumulative ||
	    (c->format_set && c->format == FMT_TEXT))) {
		usage_error("--each writes CSV or JSON Lines and takes no --by, "
		    "--svg, --leave-one-out, --cumulative or --format text");
		return -1;
	}
	if (c->each != NULL && !c->format_set)
		c->format = FMT_CSV;
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
	c->o.maps = c->maps;
	c->o.nmaps = c->nmaps;
	if (c->o.ci == MK_CI_HKSJ && (c->o.method == MK_MH ||
	    c->o.method == MK_PETO)) {
		usage_error("--ci hksj applies to inverse-variance methods, "
		    "not %s%s", mk_method_get(c->o.method)->name, "");
		return -1;
	}
	return 0;
}

/* --where: keeps the rows whose columns hold all the given values. */
static int
apply_where(mk_table *t, const struct cli *c, mk_err *err)
{
	unsigned char *keep;
	size_t kept = 0;

	if (c->nwhere == 0)
		return 0;
	keep = malloc(t->nrow ? t->nrow : 1);
	if (keep == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	memset(keep, 1, t->nrow);
	for (size_t w = 0; w < c->nwhere; w++) {
		int col = mk_table_col(t, c->where[w].name, c->o.maps,
		    c->o.nmaps);
		if (col < 0) {
			mk_err_set(err, t->file, 1, c->where[w].name,
			    "no such column for --where");
			free(keep);
			return -1;
		}
		for (size_t r = 0; r < t->nrow; r++)
			keep[r] &= strcmp(mk_table_cell(t, r, col),
			    c->where[w].column) == 0;
	}
	for (size_t r = 0; r < t->nrow; r++)
		kept += keep[r];
	mk_table_filter(t, keep);
	free(keep);
	if (kept == 0) {
		mk_err_set(err, t->file, 0, "", "--where selected no rows");
		return -1;
	}
	return 0;
}

/* metafor reports a Q-profile bound beyond its search limit as the limit
 * (printed with ">"); metak does the same and says so. */
static void
warn_capped(mk_warn *w, const mk_fit *f, const char *where)
{
	if (f->tau2_capped)
		mk_warn_add(w, "tau2 confidence interval%s: a bound lies beyond "
		    "the search limit max(100, 10 tau2) = %g and is reported "
		    "as that limit", where, fmax(100, 10 * f->tau2));
}

/* What every command does first: read, select, compute effects, fit. */
struct run {
	mk_table *t;
	mk_studies *s;
	mk_fit f;
	mk_warn w;
	mk_err err;
};

static int
load_and_fit(struct cli *c, struct run *r)
{
	memset(r, 0, sizeof(*r));
	if ((r->t = mk_table_read(c->file, &r->err)) == NULL)
		return -1;
	if (apply_where(r->t, c, &r->err) != 0)
		return -1;
	if (c->by != NULL && mk_table_col(r->t, c->by, c->o.maps,
	    c->o.nmaps) < 0) {
		mk_err_set(&r->err, r->t->file, 1, c->by, "no such column for "
		    "--by");
		return -1;
	}
	if ((r->s = mk_studies_from_table(r->t, &c->o, &r->w, &r->err)) == NULL)
		return -1;
	if (r->s->k == 0) {
		if (r->t->nrow == 0)
			mk_err_set(&r->err, r->t->file, 0, "", "no data rows, "
			    "only a header");
		else
			mk_err_set(&r->err, r->t->file, 0, "", "no usable study "
			    "to pool (%zu row%s read, none complete)",
			    r->t->nrow, r->t->nrow == 1 ? "" : "s");
		return -1;
	}
	if (mk_fit_run(r->s, &c->o, &r->f, &r->w, &r->err) != 0)
		return -1;
	if (r->s->k == 1)
		mk_warn_add(&r->w, "%s: only one study: the pooled result is "
		    "that study; heterogeneity cannot be assessed", r->t->file);
	warn_capped(&r->w, &r->f, "");
	return 0;
}

/* Prints warnings and, on failure, the error; frees everything. */
static int
run_end(struct run *r, const struct cli *c, int rc)
{
	print_warnings(&r->w);
	if (rc == EXIT_DATA && r->err.msg[0] != '\0')
		print_err(&r->err, r->t ? r->t->file : c->file);
	mk_fit_free(&r->f);
	mk_studies_free(r->s);
	mk_table_free(r->t);
	mk_warn_clear(&r->w);
	return rc;
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
	if ((c->loo ? mk_leave1out(r->s, &c->o, &st, &r->err) :
	    mk_cumulative(r->s, order, &c->o, &st, &r->err)) != 0) {
		free(order);
		return EXIT_DATA;
	}
	mk_result res = { r->t, r->s, &c->o, &r->f, NULL, 0, &c->plot, NULL };
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
	rc = write_all(c->output, &b, c->svg, &svg) == 0 ? 0 : EXIT_DATA;
	r->err.msg[0] = '\0';
	mk_buf_free(&b);
	mk_buf_free(&svg);
	free(st);
	free(order);
	return rc;
}

/* --each: rows go out as they come, to stdout or to a temporary file
 * renamed at the end; warnings and failures go to stderr. */
struct each_out {
	FILE *fp;
	mk_buf buf;
	const struct cli *c;
	size_t n, failed;
	int tty, io_error;
};

static void
each_flush(struct each_out *e)
{
	if (e->buf.oom)
		e->io_error = 1;
	if (e->buf.len > 0 && fwrite(e->buf.data, 1, e->buf.len, e->fp) !=
	    e->buf.len)
		e->io_error = 1;
	e->buf.len = 0;
}

static void
each_row(void *ud, const char *analysis, const mk_table *t,
    const mk_studies *s, const mk_fit *f, const mk_err *why, mk_warn *w)
{
	struct each_out *e = ud;
	size_t k = s ? s->k : 0;

	print_warnings(w);
	e->n++;
	if (f == NULL) {
		e->failed++;
		fprintf(stderr, "%s: ", prog);
		if (why->file[0])
			fprintf(stderr, "%s:%ld: ", why->file, why->line);
		fprintf(stderr, "analysis \"%s\": %s%s%s\n", analysis,
		    why->column[0] ? why->column : "", why->column[0] ? ": " :
		    "", why->msg);
		char msg[sizeof(why->column) + sizeof(why->msg) + 2];
		snprintf(msg, sizeof(msg), "%s%s%s", why->column,
		    why->column[0] ? ": " : "", why->msg);
		if (e->c->format == FMT_JSON)
			mk_render_each_json_error(&e->buf, analysis, k, msg);
		else
			mk_render_each_csv(&e->buf, analysis, NULL, k);
	} else if (e->c->format == FMT_JSON) {
		mk_result r = { t, s, &e->c->o, f, NULL, 1, NULL, analysis };
		mk_render_json(&e->buf, &r);
	} else {
		mk_render_each_csv(&e->buf, analysis, f, k);
	}
	if (e->buf.len > 65536)
		each_flush(e);
	if (e->tty && e->n % 1000 == 0)
		fprintf(stderr, "\r%s: %zu analyses", prog, e->n);
}

static int
run_each(struct cli *c)
{
	struct each_out e;
	mk_err err = { 0 };
	char *tmp = NULL;
	int to_file = c->output != NULL && strcmp(c->output, "-") != 0, rc;

	memset(&e, 0, sizeof(e));
	e.c = c;
	e.tty = isatty(STDERR_FILENO);
	e.fp = stdout;
	if (to_file) {
		size_t n = strlen(c->output) + 32;
		if ((tmp = malloc(n)) == NULL)
			return EXIT_DATA;
		snprintf(tmp, n, "%s.tmp%ld", c->output, (long)getpid());
		if ((e.fp = fopen(tmp, "wb")) == NULL) {
			fprintf(stderr, "%s: %s: cannot write: %s\n", prog,
			    c->output, strerror(errno));
			free(tmp);
			return EXIT_DATA;
		}
	}
	if (c->format == FMT_CSV) {
		mk_render_each_header(&e.buf);
		c->o.no_tau2_ci = 1;	/* not among the CSV's columns */
	}
	rc = mk_each_run(c->file, &c->o, c->each, c->where, c->nwhere,
	    c->shard_i, c->shard_n, each_row, &e, &err);
	each_flush(&e);
	if (e.tty && e.n >= 1000)
		fprintf(stderr, "\r%s: %zu analyses\n", prog, e.n);
	if (rc != 0)
		print_err(&err, c->file);
	if (fflush(e.fp) != 0 || ferror(e.fp))
		e.io_error = 1;
	if (to_file && fclose(e.fp) != 0)
		e.io_error = 1;
	if (rc == 0 && e.io_error)
		fprintf(stderr, "%s: %s: write error: %s\n", prog, to_file ?
		    c->output : "standard output", strerror(errno));
	if (to_file) {
		if (rc == 0 && !e.io_error && rename(tmp, c->output) != 0) {
			fprintf(stderr, "%s: %s: cannot write: %s\n", prog,
			    c->output, strerror(errno));
			e.io_error = 1;
		}
		if (rc != 0 || e.io_error)
			remove(tmp);
		free(tmp);
	}
	if (rc == 0 && !e.io_error && e.failed > 0)
		fprintf(stderr, "%s: %zu of %zu analyses could not be fitted "
		    "(marked in their rows)\n", prog, e.failed, e.n);
	mk_buf_free(&e.buf);
	return rc != 0 || e.io_error ? EXIT_DATA : 0;
}

static const char check_help[] =
"usage: metak check [FILE] --measure M --estimate X --ci-low L --ci-high H\n"
"                   [options]\n"
"\n"
"Checks a published pooled result. X, L and H are as printed (natural\n"
"scale, e.g. an odds ratio); the decimals printed are the precision\n"
"matched. With FILE (trial data), every applicable method, interval and\n"
"continuity correction is tried and each that reproduces the claim is\n"
"listed; --method (with --ci, --cc, --cc-to) tries only that one.\n"
"Without FILE, checks the claim's internal consistency.\n"
"\n"
"  --p P              a printed p-value (\"0.03\" or \"<0.001\") to check too\n"
"  --scale S          how the claim is printed: natural (default), log (log\n"
"                     OR/RR as in Stata's metan) or percent (RD x 100)\n"
"  --md-var V         MD variance: separate (default) or pooled SD\n"
"  --level P          the interval's level in percent (default 95)\n"
"  --where, --map, --cc, --cc-to, --maxiter, --pm-tol   as for metak pool\n"
"  --format F         text (default) or json\n"
"\n"
"Exit status: 0 reproduced (or consistent), 3 not, 1 bad data, 2 usage.\n";

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

static int
cmd_check(int argc, char **argv)
{
	struct cli c;
	mk_claim cl;
	mk_err err = { 0 };
	mk_buf b = { 0 };
	mk_table *t = NULL;
	mk_check_row *rows = NULL;
	size_t n = 0;
	int rc = EXIT_DATA, reproduced = 0;

	if (parse_opts(argc, argv, &c, CMD_CHECK, check_help) != 0)
		return EXIT_USAGE;
	memset(&cl, 0, sizeof(cl));
	if (c.o.measure == MK_MEASURE_AUTO || !c.claim[0] || !c.claim[1] ||
	    !c.claim[2]) {
		usage_error("check needs --measure, --estimate, --ci-low and "
		    "--ci-high");
		return EXIT_USAGE;
	}
	cl.measure = c.o.measure;
	cl.scale = c.scale;
	cl.level = c.o.level;
	cl.p = NAN;
	if (printed("--estimate", c.claim[0], &cl.est, &cl.dec_est, NULL) ||
	    printed("--ci-low", c.claim[1], &cl.lo, &cl.dec_lo, NULL) ||
	    printed("--ci-high", c.claim[2], &cl.hi, &cl.dec_hi, NULL) ||
	    (c.claim[3] && printed("--p", c.claim[3], &cl.p, &cl.p_dec,
	    &cl.p_less)))
		return EXIT_USAGE;
	if (!(cl.lo <= cl.est && cl.est <= cl.hi && cl.lo < cl.hi) ||
	    (mk_measure_get(cl.measure)->log_scale &&
	    cl.scale == MK_SCALE_NATURAL && cl.lo <= 0)) {
		usage_error("the claim must have ci-low <= estimate <= ci-high%s",
		    mk_measure_get(cl.measure)->log_scale ?
		    ", all positive for a ratio" : "");
		return EXIT_USAGE;
	}
	if (c.file == NULL) {
		mk_consistency k;
		mk_check_consistency(&cl, &k);
		mk_render_consistency(&b, &cl, &k, c.format == FMT_JSON);
		reproduced = k.centred && (!k.p_checked || k.p_ok);
	} else {
		if ((t = mk_table_read(c.file, &err)) == NULL ||
		    apply_where(t, &c, &err) != 0 ||
		    mk_check_data(t, &c.o, &cl, c.method_set, &rows, &n,
		    &err) != 0) {
			print_err(&err, t ? t->file : c.file);
			goto done;
		}
		for (size_t i = 0; i < n; i++)
			reproduced |= rows[i].match;
		if (c.format == FMT_JSON)
			mk_render_check_json(&b, &cl, rows, n);
		else
			mk_render_check_text(&b, t->file, &cl, rows, n);
	}
	rc = write_stdout(&b) == 0 ? (reproduced ? 0 : EXIT_NOTREPRODUCED) :
	    EXIT_DATA;
done:
	free(rows);
	mk_buf_free(&b);
	mk_table_free(t);
	return rc;
}

static int
cmd_pool(int argc, char **argv)
{
	struct cli c;
	struct run r;
	mk_subgroups *sg = NULL;
	mk_buf b = { 0 }, svg = { 0 };
	int rc = EXIT_DATA;

	if (parse_opts(argc, argv, &c, CMD_POOL, pool_help) != 0)
		return EXIT_USAGE;
	if (c.each != NULL)
		return run_each(&c);
	if (load_and_fit(&c, &r) != 0)
		goto done;
	if (c.loo || c.cumulative) {
		rc = run_steps(&c, &r);
		goto done;
	}
	if (c.by != NULL && (sg = mk_subgroups_run(r.t, r.s, c.by, &c.o,
	    &r.w, &r.err)) == NULL)
		goto done;
	for (size_t j = 0; sg != NULL && j < sg->n; j++) {
		char where[128];
		snprintf(where, sizeof(where), " (subgroup %s = %s)", sg->by,
		    sg->g[j].level);
		warn_capped(&r.w, &sg->g[j].fit, where);
	}
	mk_result res = { r.t, r.s, &c.o, &r.f, sg, c.no_studies, &c.plot,
	    NULL };
	if (c.format == FMT_JSON)
		mk_render_json(&b, &res);
	else if (c.format == FMT_CSV)
		mk_render_csv(&b, &res);
	else
		mk_render_text(&b, &res);
	if (c.svg != NULL)
		mk_render_svg(&svg, &res);
	print_warnings(&r.w);
	mk_warn_clear(&r.w);
	rc = write_all(c.output, &b, c.svg, &svg) == 0 ? 0 : EXIT_DATA;
	r.err.msg[0] = '\0';	/* write_all printed its own message */
done:
	mk_buf_free(&b);
	mk_buf_free(&svg);
	mk_subgroups_free(sg);
	return run_end(&r, &c, rc);
}

static const char bias_help[] =
"usage: metak bias FILE [options]\n"
"\n"
"Small-study effects for the fit 'metak pool' makes with the same options:\n"
"Egger's regression test, Begg and Mazumdar's rank correlation, and\n"
"Duval and Tweedie's trim and fill.\n"
"\n"
"  --measure, --method, --ci, --level, --where, --map, --cc, --cc-to,\n"
"  --maxiter, --pm-tol, --output   as for metak pool\n"
"  --format F          text (default) or json\n"
"  --egger-model M     lm (weighted regression, default) or rma\n"
"                      (meta-regression with the method's tau2)\n"
"  --trimfill E        estimator of the number missing: L0 (default) or R0\n"
"  --funnel FILE       write a funnel plot (SVG) to FILE\n"
"  --contours          shade the funnel at p = 0.10, 0.05, 0.01\n"
"  --help              show this help\n";

static int
cmd_bias(int argc, char **argv)
{
	struct cli c;
	struct run r;
	mk_bias bi;
	mk_buf b = { 0 }, fun = { 0 };
	int rc = EXIT_DATA;

	memset(&bi, 0, sizeof(bi));
	if (parse_opts(argc, argv, &c, CMD_BIAS, bias_help) != 0)
		return EXIT_USAGE;
	if (c.format == FMT_CSV) {
		usage_error("bias: --format is text or json");
		return EXIT_USAGE;
	}
	if (load_and_fit(&c, &r) != 0)
		goto done;
	if (mk_bias_run(r.s, &c.o, c.egger_rma, c.r0, &bi, &r.err) != 0)
		goto done;
	mk_result res = { r.t, r.s, &c.o, &r.f, NULL, 0, &c.plot, NULL };
	if (c.format == FMT_JSON)
		mk_render_bias_json(&b, &res, &bi);
	else
		mk_render_bias_text(&b, &res, &bi);
	if (c.funnel != NULL)
		mk_render_funnel(&fun, &res, &bi, c.contours);
	print_warnings(&r.w);
	mk_warn_clear(&r.w);
	rc = write_all(c.output, &b, c.funnel, &fun) == 0 ? 0 : EXIT_DATA;
	r.err.msg[0] = '\0';
done:
	mk_bias_free(&bi);
	mk_buf_free(&b);
	mk_buf_free(&fun);
	return run_end(&r, &c, rc);
}

struct command {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
};

static const struct command commands[] = {
	{ "pool", cmd_pool, "pool the studies of a CSV file" },
	{ "bias", cmd_bias, "small-study effects: Egger, Begg, trim and fill" },
	{ "check", cmd_check, "does a published pooled result reproduce?" },
};

static void
main_help(FILE *fp)
{
	fprintf(fp, "usage: metak COMMAND FILE [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\n'metak COMMAND --help' lists a command's options; "
	    "see also metak(1), metak(5).\n");
}

int
main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_help(stdout);
		return fflush(stdout) == 0 ? 0 : EXIT_DATA;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("metak %s\n", MK_VERSION);
		return fflush(stdout) == 0 ? 0 : EXIT_DATA;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	usage_error("unknown command \"%s\"%s", argv[1], "");
	return EXIT_USAGE;
}
