/* cli.h: the command-line layer above libmetak (main.c, options.c,
 * opttable.c, messages.c, outfile.c, run.c and the cmd_*.c runners). Only
 * these files print or choose an exit status; the library does neither. */
#ifndef METAK_CLI_H
#define METAK_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "metak.h"

#define EXIT_DATA 1
#define EXIT_USAGE 2
#define EXIT_NOTREPRODUCED 3

/* The commands, as bits: an option lists the commands that take it. */
enum { CMD_POOL = 1, CMD_BIAS = 2, CMD_CHECK = 4 };
enum { CMD_NETWORK = 8 };

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

#define MAX_PAIRS 32
/* NAME=VALUE pairs of a repeatable option (--map, --where). */
struct pairs {
	mk_map v[MAX_PAIRS];
	size_t n;
};

#define MAX_OPTS 128

#define MAX_LIST 64
/* The values of a repeatable option (--predict). */
struct strlist {
	const char *v[MAX_LIST];
	size_t n;
};

/* Everything the command line sets; options.c fills it from the table in
 * opttable.c, the runners read it. */
struct cli {
	unsigned cmd;			/* CMD_* of the command run */
	const char *cmdname;
	const char *file;		/* NULL: check without data */
	mk_opts o;
	int format;			/* enum fmt */
	const char *by, *output, *svg, *funnel, *each, *order;
	const char *posterior;		/* BAYES: tau's posterior (SVG) */
	int no_studies, egger_rma, r0, contours, loo, cumulative;
	size_t shard_i, shard_n;
	int jobs;			/* threads (0: every core) */
	const char *claim[4];		/* estimate, ci-low, ci-high, p */
	int scale;			/* mk_scale */
	mk_plot_opts plot;
	struct pairs where, maps;
	const char *mods, *bubble;	/* meta-regression */
	struct strlist predict;
	int permutations;
	double seed;
	const char *random, *robust;	/* multilevel, cluster-robust */
	double rho;
	int robust_cr1;
	const char *reference, *graph;	/* network */
	int net_common, small_bad;
	int influence;			/* publish.c: --influence, --baujat */
	const char *baujat;
	double plot_width, plot_dpi;	/* plotfile.c: --width mm, --dpi */
	const char *columns;		/* --columns: the forest plot's */
	int sof, event_wanted;		/* publish.c: --sof, --event */
	struct strlist control_risk;	/* --control-risk */
	unsigned char given[MAX_OPTS];	/* table row i was on the line */
};

/* One row of the table of options (opttable.c). */
struct opt;
typedef int (*opt_setter)(struct cli *c, const struct opt *o, char *arg);

/* An allowed value of a choice option and the commands that accept it. */
struct choice {
	const char *name;
	int value;
	unsigned cmds;		/* 0: every command of the option */
	int hidden;		/* an accepted alias, not listed */
};

struct opt {
	const char *name;	/* long name, without "--" */
	const char *arg;	/* metavar; NULL: a flag */
	unsigned cmds;		/* CMD_* that take it */
	int section;		/* heading in --help (enum in opttable.c) */
	opt_setter set;
	size_t off;		/* field of struct cli that set writes */
	const struct choice *choices;	/* for opt_choice; NULL-terminated */
	double lo, hi;		/* range of a number */
	const char *help;	/* help text; '\n' breaks a line */
};

extern const struct opt opt_table[];
extern const size_t opt_count;
extern const char *const opt_sections[];

/* Setters used by the table (options.c). */
/* "a b c": o's visible choices for command cmd, joined by sep; and the
 * names of the library's measures (or methods command cmd takes),
 * space-separated. */
void choice_list(char *out, size_t n, const struct opt *o, unsigned cmd,
    const char *sep);
void library_names(char *out, size_t n, int measures, unsigned cmd);
int opt_flag(struct cli *, const struct opt *, char *);
int opt_string(struct cli *, const struct opt *, char *);
int opt_file(struct cli *, const struct opt *, char *);
int opt_name(struct cli *, const struct opt *, char *);
int opt_number(struct cli *, const struct opt *, char *);
int opt_open(struct cli *, const struct opt *, char *);
int opt_whole(struct cli *, const struct opt *, char *);
int opt_integer(struct cli *, const struct opt *, char *);
int opt_choice(struct cli *, const struct opt *, char *);
int opt_measure(struct cli *, const struct opt *, char *);
int opt_method(struct cli *, const struct opt *, char *);
int opt_glmm(struct cli *, const struct opt *, char *);
int opt_prior(struct cli *, const struct opt *, char *);
int opt_pair(struct cli *, const struct opt *, char *);
int opt_pair_value(struct cli *, const struct opt *, char *);
int opt_shard(struct cli *, const struct opt *, char *);
int opt_list(struct cli *, const struct opt *, char *);
int opt_xlim(struct cli *, const struct opt *, char *);
int opt_at(struct cli *, const struct opt *, char *);
int opt_sort(struct cli *, const struct opt *, char *);
/* The plot options that depend on the data (a log axis needs positive
 * --xlim and --at; --sort COLUMN must exist): 0, or -1 after a usage
 * error. */
int plot_check(const struct cli *c, const mk_table *t, mk_measure m);

/* A command: its name, runner and the texts of its --help. */
struct command {
	const char *name;
	unsigned bit;
	int (*run)(struct cli *c);
	const char *summary;	/* one line in 'metak --help' */
	const char *usage;	/* after "usage: metak " */
	const char *about;	/* what it does, before the options */
	const char *status;	/* its exit statuses, after them */
	int file_optional;	/* runs without FILE (check) */
};

/* Parses argv (argv[0] the command's name) into c: 0, EXIT_USAGE after a
 * message, or -1 when --help was printed (exit status in *rc). */
int cli_parse(int argc, char **argv, const struct command *cmd,
    struct cli *c, int *rc);
/* Was the option NAME given on the command line? */
int cli_given(const struct cli *c, const char *name);
/* Writes the --help text of a command, derived from the table. */
void cli_help(FILE *fp, const struct command *cmd);

/* optcheck.c: an option that would do nothing where the command line
 * goes is a usage error (message printed, -1); data_options_act checks
 * those that depend on the data once the studies are read (-1 with err,
 * err->usage set; --cc with a measure never corrected is a warning, as
 * the reference cases pass it). */
int options_act(const struct cli *c);
int data_options_act(const struct cli *c, const mk_table *t,
    const mk_studies *s, mk_warn *w, mk_err *err);

/* messages.c: the only words on stderr. */
extern const char *const prog;
void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void print_err(const mk_err *e, const char *file);
void print_warnings(const mk_warn *w);
/* Progress of long refits, on a terminal only, once they have taken a
 * second: "metak: WHAT: N of M UNIT". progress_start returns 1 (and starts
 * the clock) when standard error is a terminal, else 0: then do not call
 * progress_show (a callback: ud the struct progress). */
struct progress {
	struct timespec t0;
	const char *what, *unit;
	int shown;
};
int progress_start(struct progress *p, const char *what, const char *unit);
void progress_show(void *ud, size_t done, size_t total);

/* outfile.c: writing results. */
int write_stdout(const mk_buf *b);
/* One output of a run: path NULL or "-" is standard output. */
struct output {
	const char *path;
	const mk_buf *buf;
};
#define MAX_OUTPUTS 8
/* Writes every output or none: regular files through temporaries renamed
 * once everything else was written; devices, FIFOs and links written
 * through. 0, or -1 after a message. */
int write_outputs(const struct output *out, size_t n);
/* The report (path) and a plot (plotpath, when set). */
int write_all(const char *path, const mk_buf *b, const char *plotpath,
    const mk_buf *plot);
/* A usage error (-1) when two of the n paths (NULL: none; "-": standard
 * output) name the same file; opt[i] names the option of path[i]. */
int outputs_distinct(const char *const *path, const char *const *opt,
    size_t n);
/* A usage error (-1) when one of the n output paths is the input file
 * itself (the same device and inode: a link, another spelling, standard
 * output redirected to it), which a run would destroy. */
int outputs_not_input(const char *input, const char *const *path,
    const char *const *opt, size_t n);
/* A streamed output file (--each): opened on a temporary beside path (or
 * written through, as above), committed by outfile_close(.., 1) or
 * removed by outfile_close(.., 0). */
struct outfile {
	const char *path;
	char *tmp;		/* NULL: written through */
	int fd, direct;
	int fresh;		/* written through, not yet emptied: the first
				 * write truncates it (so that a run that fails
				 * before writing leaves it as it was) */
	unsigned mode;		/* permission bits for the new file */
};
int outfile_open(struct outfile *of, const char *path);
int outfile_write(struct outfile *of, const char *data, size_t len);
int outfile_close(struct outfile *of, int commit);

/* run.c: what every command does first: read, select, compute, fit. */
struct run {
	mk_table *t;
	mk_rows rows;		/* what the renderers show of t's rows */
	mk_studies *s;
	mk_fit f;
	mk_warn w;
	mk_err err;
};
int apply_where(mk_table *t, const struct cli *c, mk_err *err);
/* The column --sort orders the rows by (year or COLUMN), else NULL. */
const char *sort_column(const struct cli *c);
/* Reads the table and computes the studies (r->s, at least one). */
int load_studies(struct cli *c, struct run *r);
int load_and_fit(struct cli *c, struct run *r);
void warn_capped(mk_warn *w, const mk_fit *f, const char *where);
/* Prints warnings and, with rc == EXIT_DATA, the error; frees r. */
int run_end(struct run *r, const struct cli *c, int rc);

/* plotfile.c: plots as SVG, PNG or PDF by the file's extension.
 * plot_files_check: the plot files' names and --width, --dpi (0, or -1
 * after a usage error); plot_encode: the SVG in b as path asks, in place
 * (path NULL: nothing to do); 0, or the exit status after a message. */
int plot_files_check(const struct cli *c);
int plot_encode(const struct cli *c, const char *path, mk_buf *b);

/* publish.c: what 'metak pool' adds for reviewers. publish_check: the
 * options' combinations (0, or -1 after a usage error); publish_run:
 * influence diagnostics into *in (shown through res when asked for);
 * 0, or -1 with r->err. */
int publish_check(const struct cli *c);
int publish_run(struct cli *c, struct run *r, mk_result *res,
    mk_influence **in, mk_sof **sof);

/* The runners (cmd_*.c). */
int cmd_pool(struct cli *c);
int cmd_each(struct cli *c);
int cmd_bias(struct cli *c);
int cmd_check(struct cli *c);
int cmd_metareg(struct cli *c);
int cmd_network(struct cli *c);

#endif
