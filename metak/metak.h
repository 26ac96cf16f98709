/* metak.h: the public API of libmetak, used by main.c and the tests.
 * Data flows one way: CSV bytes -> mk_table -> mk_studies (effect sizes)
 * -> mk_fit -> renderer -> mk_buf. Nothing here prints or exits. */
#ifndef METAK_H
#define METAK_H

#include <stddef.h>

#define MK_VERSION "0.1.0"

/* ---- errors and warnings ------------------------------------------------ */

/* An error that points at the data: file, line (0 = none), column ("" = none). */
typedef struct mk_err {
	char file[256];
	long line;
	char column[64];
	char msg[512];
	int usage;	/* the fault is in the command line, not the data */
} mk_err;

void mk_err_set(mk_err *e, const char *file, long line, const char *column,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Warnings collected by the library; the command line prints them. The
 * first MK_WARN_KEEP are kept, the rest only counted. */
#define MK_WARN_KEEP 100
typedef struct mk_warn {
	size_t n, cap;
	char **msg;
	size_t dropped;
} mk_warn;

void mk_warn_add(mk_warn *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mk_warn_clear(mk_warn *w);

/* ---- growable output buffer -------------------------------------------- */

typedef struct mk_buf {
	char *data;
	size_t len, cap;
	int oom;	/* set once an allocation failed; later appends are no-ops */
} mk_buf;

void mk_buf_printf(mk_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mk_buf_put(mk_buf *b, const char *s, size_t n);
void mk_buf_free(mk_buf *b);

/* ---- CSV reading (csvin.c) --------------------------------------------- */

/* Called once per record: fields are NUL-terminated; line is where the
 * record starts (1-based). Return 0 to go on, -1 to stop (err filled). */
typedef int (*mk_row_fn)(void *ud, char **fields, size_t n, long line,
    mk_err *err);

/* Streams a CSV file ("-" = stdin) record by record. */
int mk_csv_stream_file(const char *path, mk_row_fn fn, void *ud, mk_err *err);
/* The same over a buffer in memory; name is used in messages. */
int mk_csv_stream_mem(const char *name, const char *data, size_t len,
    mk_row_fn fn, void *ud, mk_err *err);

/* ---- the table of studies (table.c) ------------------------------------ */

/* One canonical-name -> column-name mapping from --map. */
typedef struct mk_map {
	const char *name, *column;
} mk_map;

/* The canonical columns metak reads (columns.c). An arm's summary has 11
 * fields (MK_ARM_*), the treatment arm's first, then the control arm's. */
enum {
	MK_ARM_MEAN, MK_ARM_SD, MK_ARM_N, MK_ARM_SE, MK_ARM_LO, MK_ARM_HI,
	MK_ARM_MEDIAN, MK_ARM_Q1, MK_ARM_Q3, MK_ARM_MIN, MK_ARM_MAX,
	MK_ARM_FIELDS
};
typedef enum mk_colid {
	MK_C_ARM_T = 0, MK_C_ARM_C = MK_ARM_FIELDS,
	MK_C_EVENTS_T = 2 * MK_ARM_FIELDS, MK_C_EVENTS_C, MK_C_RI, MK_C_NI,
	MK_C_EVENTS, MK_C_N, MK_C_TIME_T, MK_C_TIME_C, MK_C_TIME,
	MK_C_ESTIMATE, MK_C_CI_LOW, MK_C_CI_HIGH, MK_C_SE, MK_C_P, MK_C_YI,
	MK_C_VI, MK_C_SEI, MK_C_STUDY, MK_C_RETRACTED, MK_NCOLS
} mk_colid;
#define MK_C_N_T (MK_C_ARM_T + MK_ARM_N)
#define MK_C_N_C (MK_C_ARM_C + MK_ARM_N)

/* Where the canonical columns are in a table's header, found once and
 * kept so that the many small tables of --each (one header, reused) are
 * not searched again. */
typedef struct mk_colcache {
	const mk_map *maps;	/* the --map list the search used */
	size_t nmaps;
	int found;
	int col[MK_NCOLS];	/* -1: not in the header */
	int noted;		/* the export-name note was given */
} mk_colcache;

typedef struct mk_table {
	char *file;		/* name used in messages */
	mk_colcache *cache;
	size_t ncol, nrow;
	char **names;		/* header, as written */
	size_t *off;		/* nrow * ncol offsets into arena, row-major */
	long *line;		/* line of each row */
	size_t cap;
	char *arena;		/* cell text, NUL-terminated; "" = missing */
	size_t arena_len, arena_cap;
} mk_table;

mk_table *mk_table_new(const char *file);
void mk_table_free(mk_table *t);
/* Reads a whole CSV file into a table; checks the header and row widths. */
mk_table *mk_table_read(const char *path, mk_err *err);
mk_table *mk_table_parse(const char *name, const char *data, size_t len,
    mk_err *err);
/* Every column a --map names exists (else err, naming it). */
int mk_table_check_maps(const mk_table *t, const mk_map *maps, size_t nmaps,
    mk_err *err);
/* Is name one of the canonical column names metak reads (columns.c)? */
int mk_canonical(const char *name);
const char *mk_col_name(mk_colid id);
/* The column of t that a spreadsheet or RevMan export names for the
 * canonical column `name` ("Experimental Events" for events_t, R meta's
 * "event.e"), compared without case, spaces or punctuation; -1: none. */
int mk_alias_col(const mk_table *t, const char *name);
/* Writes into out the canonical columns found under export names
 * ('events_t = "Experimental Events", ...'); 0 when there are none. */
int mk_alias_note(const mk_table *t, const int *col, char *out, size_t n);
/* Writes into out the header's column closest to the canonical `name`
 * (by edit distance without case and punctuation), if one is close; 0
 * when none is. */
int mk_col_suggest(const mk_table *t, const char *name, char *out, size_t n);
struct mk_opts;
/* The column of each canonical name in t under o's --map (cached). */
const int *mk_columns(const mk_table *t, const struct mk_opts *o);
/* The header's column named name (case-insensitive), or -1 (table.c). */
int mk_table_find(const mk_table *t, const char *name);
/* Column index of canonical name (honouring maps, then the names exports
 * give it), case-insensitive; -1 (columns.c). */
int mk_table_col(const mk_table *t, const char *name, const mk_map *maps,
    size_t nmaps);
const char *mk_table_cell(const mk_table *t, size_t row, int col);
/* Adds a record: the first one pushed is the header. 0 or -1 (err). */
int mk_table_push(mk_table *t, char **f, size_t n, long line, mk_err *err);
/* Drops every row, keeps the header and the memory. */
void mk_table_truncate(mk_table *t);
/* Keeps only rows for which keep[row] is nonzero. */
void mk_table_filter(mk_table *t, const unsigned char *keep);

/* What a report shows of a table's rows (rows.c), so that renderers never
 * read the table: the file's name, each row's line and study label ("":
 * none; shown as "line N"), and with --sort year|COLUMN the cell each row
 * is ordered by (key NULL: no such column). Strings are the table's. */
typedef struct mk_rows {
	const char *file;
	size_t n;
	const long *line;
	const char **label;
	const char **key;
} mk_rows;
int mk_rows_init(mk_rows *v, const mk_table *t, const struct mk_opts *o,
    const char *keycol, mk_err *err);
void mk_rows_free(mk_rows *v);

/* ---- measures, methods, options ---------------------------------------- */

typedef enum {
	MK_MEASURE_AUTO = -1,
	MK_OR, MK_RR, MK_RD, MK_MD, MK_SMD, MK_ROM,
	MK_COR, MK_ZCOR,			/* correlations */
	MK_PR, MK_PLO, MK_PAS, MK_PFT, MK_PLN,	/* one proportion */
	MK_IRR, MK_IRD, MK_IRSD,		/* two incidence rates */
	MK_IR, MK_IRLN, MK_IRS,			/* one incidence rate */
	MK_GEN
} mk_measure;

/* The data a measure is computed from; MK_FAM_ANY: any (given yi). */
typedef enum {
	MK_FAM_ANY, MK_FAM_2X2, MK_FAM_ARMS, MK_FAM_COR, MK_FAM_PROP,
	MK_FAM_RATE2, MK_FAM_RATE1
} mk_family;

/* How the analysis scale maps back to the natural one (transf.c). */
typedef enum {
	MK_TR_NONE, MK_TR_EXP, MK_TR_TANH, MK_TR_ILOGIT, MK_TR_IARCSIN,
	MK_TR_IPFT, MK_TR_ISQRT
} mk_transf;

typedef enum {
	MK_FE, MK_MH, MK_PETO, MK_DL, MK_REML, MK_ML, MK_PM, MK_EB, MK_HE,
	MK_SJ, MK_HS
} mk_method;

typedef enum { MK_CI_Z, MK_CI_HKSJ } mk_citype;
/* Prediction interval: as the CI (z, or t(k-1) under hksj; metafor), t with
 * k-1 df (R meta >= 8) or t with k-2 df (Riley/Higgins-Thompson-Spiegelhalter). */
typedef enum { MK_PI_AUTO, MK_PI_Z, MK_PI_T1, MK_PI_T2 } mk_pitype;
typedef enum { MK_CC_ONLY0, MK_CC_ALL, MK_CC_NONE } mk_ccto;
typedef enum {
	MK_KIND_BINARY, MK_KIND_CONT, MK_KIND_GENERIC, MK_KIND_REPORTED,
	MK_KIND_COR, MK_KIND_PROP, MK_KIND_RATE2, MK_KIND_RATE1
} mk_kind;

typedef struct mk_measure_info {
	const char *name;
	mk_measure id;
	int log_scale;		/* a ratio: pooled on the log scale, shown
				 * as ratios on a log axis */
	const char *label;	/* e.g. "Odds ratio" */
	mk_family fam;
	mk_transf tr;		/* back to the natural scale */
} mk_measure_info;

typedef struct mk_method_info {
	const char *name;
	mk_method id;
	int random;		/* estimates tau2 */
	const char *label;
} mk_method_info;

extern const mk_measure_info mk_measures[];
extern const size_t mk_nmeasures;
extern const mk_method_info mk_methods[];
extern const size_t mk_nmethods;
const mk_measure_info *mk_measure_find(const char *name);
const mk_measure_info *mk_measure_get(mk_measure id);
/* A value on the measure's analysis scale on its natural scale and back
 * (identity, exp/log, tanh/atanh, inverse logit, ...); n is the sample
 * size the Freeman-Tukey transformation needs (NaN: none, and a NaN
 * result). */
double mk_natural(mk_measure m, double x, double n);
double mk_analysis(mk_measure m, double x, double n);
/* "identity", "log", "fisher_z", "logit", "arcsine", "freeman_tukey",
 * "sqrt": the analysis scale, as JSON's "scale" names it. */
const char *mk_scale_name(mk_measure m);
const mk_method_info *mk_method_find(const char *name);
const mk_method_info *mk_method_get(mk_method id);

typedef struct mk_opts {
	mk_measure measure;	/* MK_MEASURE_AUTO: by kind */
	mk_method method;
	mk_citype ci;
	double level;		/* percent */
	double cc;		/* continuity correction */
	int cc_set;		/* cc given: it applies to PAS, PFT, IRS and
				 * IRSD too (escalc's add, when given) */
	mk_ccto cc_to;
	int maxiter;
	double tol;		/* ML, REML, EB: relative to the data's scale */
	int tol_abs;		/* tol is absolute, as metafor's threshold */
	double pm_tol;		/* > 0: PM root as metafor's uniroot, to this
				 * absolute tolerance; 0: the root itself */
	const mk_map *maps;
	size_t nmaps;
	int common_tau2;	/* --by with one tau2 (mixed-effects model) */
	int no_tau2_ci;		/* skip the Q-profile interval (refits) */
	double tau2_init;	/* ML/REML/EB start; NaN: Hedges (metafor) */
	int md_pooled_var;	/* MD: pooled-SD variance sp^2 (1/n1 + 1/n2) */
	int include_retracted;	/* keep rows marked retracted */
	int drop00;		/* OR, RR: leave out studies with no events
				 * (or only events) in both arms */
	int dl_mhq;		/* DL: tau2 from Q around the Mantel-Haenszel
				 * estimate (RevMan 5; meta's Q.Cochrane) */
	double tau2_fixed;	/* NaN: estimate tau2; else this value */
	mk_pitype pi;
} mk_opts;

void mk_opts_init(mk_opts *o);

/* ---- per-study effect sizes (effect.c) --------------------------------- */

/* The form a study's data came in (effect.c; "from" in JSON), in the
 * order a row is read: the measure's own data, then reported estimates,
 * then given yi. */
typedef enum {
	MK_FROM_COUNTS, MK_FROM_MEANS_SD, MK_FROM_MEANS_SE, MK_FROM_MEANS_CI,
	MK_FROM_MEDIANS, MK_FROM_CORRELATION, MK_FROM_PROPORTION,
	MK_FROM_TWO_RATES, MK_FROM_ONE_RATE, MK_FROM_ESTIMATE_CI,
	MK_FROM_ESTIMATE_SE, MK_FROM_ESTIMATE_P, MK_FROM_YI_VI, MK_FROM_YI_SEI
} mk_from;
/* How one arm's mean and SD were read (the "means" forms). */
enum {
	MK_ARMS_SD, MK_ARMS_SE, MK_ARMS_CI, MK_ARMS_RANGE, MK_ARMS_IQR,
	MK_ARMS_FIVE
};

/* A table row left out of the analysis, and why ("retracted", "no value
 * for n_t", ...). */
typedef struct mk_leftout {
	size_t row;
	char why[120];
} mk_leftout;

typedef struct mk_studies {
	mk_kind kind;
	mk_measure measure;
	size_t k;
	double *yi, *vi;
	double *ai, *bi, *ci, *di;	/* 2x2 cells (binary kind; NaN for a
					 * study not from counts) */
	size_t *row;			/* table row of each study */
	double *raw[6];			/* the kind's inputs for display; NaN
					 * for a study given otherwise */
	int nraw;
	size_t ncc;			/* studies given a continuity correction */
	unsigned char *from;		/* mk_from of each study */
	unsigned char *arms;		/* means: treatment arm | control << 4 */
	mk_leftout *out;		/* rows left out (not in subsets): the
					 * first MK_OUT_KEEP, and a count */
	size_t nout, outcap, nout_all;
} mk_studies;

#define MK_OUT_KEEP 100
/* Records that a table row was left out, and why (the first MK_OUT_KEEP;
 * nout_all counts all); 0, or -1 (memory). */
int mk_studies_leave_out(mk_studies *s, size_t row, const char *why);
/* The name of a form ("counts", "means_se", ...), and the conversion a
 * study's numbers went through, in words ("" when none). */
const char *mk_from_name(mk_from f);
void mk_from_note(const mk_studies *s, size_t i, char *out, size_t n);

/* Builds effect sizes from a table. Rows missing a required value are
 * skipped with a warning; invalid values are errors. */
mk_studies *mk_studies_from_table(const mk_table *t, const mk_opts *o,
    mk_warn *w, mk_err *err);
void mk_studies_free(mk_studies *s);
/* Room for n studies of a kind (studies.c): cells set allocates the 2x2
 * cells, nraw the raw input columns; NULL when memory runs out. */
mk_studies *mk_studies_alloc(mk_kind kind, int cells, int nraw, size_t n);
/* A new set with the studies whose index has keep[i] != 0. */
mk_studies *mk_studies_subset(const mk_studies *s, const unsigned char *keep);
/* The harmonic mean of the sample sizes of the k studies idx lists (idx
 * NULL: the first k), and study i's, for the Freeman-Tukey
 * back-transformation (NaN but for proportions). */
double mk_studies_nhm(const mk_studies *s, const size_t *idx, size_t k);
double mk_study_n(const mk_studies *s, size_t i);
/* Splits s in one pass: out[g] gets the studies with group[i] == g, in
 * order (group[i] >= ngroup: in none); 0, or -1 with out[] all NULL when
 * memory runs out. */
int mk_studies_split(const mk_studies *s, const size_t *group,
    size_t ngroup, mk_studies **out);
/* yi/vi for one 2x2 table (a,b: treated events/non-events; c,d: control). */
int mk_effect_2x2(mk_measure m, double a, double b, double c, double d,
    double cc, mk_ccto to, double *yi, double *vi);
/* Hedges' exact small-sample correction J(m), m = n1 + n2 - 2. */
double mk_hedges_j(double m);
/* yi and vi of one study of a kind from its values in the kind's column
 * order (escalc.c), with o's continuity correction (*corrected: it
 * changed the study); 0, or -1 when the effect is not defined. */
int mk_effect(mk_kind kind, mk_measure m, const double *x,
    const mk_opts *o, double *yi, double *vi, int *corrected);
/* The column headings a plot gives a kind's input values (NULL-ended;
 * none for given yi), arms 2 when they are treatment then control. */
const char *const *mk_kind_heads(mk_kind kind, int *arms);
/* Whether escalc applies its continuity correction to the measure by
 * default (PAS, PFT, IRS and IRSD only when it is given). */
int mk_measure_corrected(mk_measure m);
/* The correction o adds to a study of measure m with a zero cell. */
double mk_cc_of(const mk_opts *o, mk_measure m);

/* ---- fitting (pool.c, het.c) ------------------------------------------- */

typedef struct mk_fit {
	mk_method method;
	mk_citype ci;
	double level;
	size_t k;
	double est, se, lo, hi, stat, p, pi_lo, pi_hi;
	double tdf;		/* t df under hksj, NaN for z */
	double q, qdf, qp;
	double tau2, tau, i2, h2;
	double tau2_lo, tau2_hi, i2_lo, i2_hi;
	double *weight;		/* k, percent of total */
	double *yi, *vi;	/* per-study values shown (k) */
	int iters;
	int tau2_boundary;	/* truncated at 0 */
	int tau2_capped;	/* a Q-profile bound hit the search limit */
} mk_fit;

void mk_fit_free(mk_fit *f);
/* Fits the model that o asks for; 0 or -1 with err filled. */
int mk_fit_run(const mk_studies *s, const mk_opts *o, mk_fit *f, mk_warn *w,
    mk_err *err);

/* ---- the linear mixed model (wls.c, tau2.c, het.c, model.c) --------- */

/* The design of y = X b + u + e, u ~ N(0, tau2), e_i ~ N(0, v_i): k rows,
 * X k x p row-major; x NULL (with p = 1) is one mean, a column of ones.
 * sums (refits of one mean, sens.c): the rows' sums come from there, and
 * y and v are NULL. */
typedef struct mk_sums mk_sums;
typedef struct mk_design {
	size_t k, p;
	const double *y, *v;
	const double *x;
	const mk_sums *sums;
} mk_design;

/* A variance component of a multilevel model. */
typedef struct mk_vcomp {
	char *name;		/* "A", "A/B", ... */
	size_t nlevels;		/* distinct groups */
	double sigma2, lo, hi;	/* estimate, profile-likelihood CI */
	int fixed;		/* one level only: fixed at 0 */
	int hi_capped;		/* the CI's upper end is the search limit */
} mk_vcomp;

/* A fitted model, as metafor's rma.uni(yi, vi, mods = X), or rma.mv with
 * nested random intercepts (comp set), possibly with cluster-robust
 * inference (robust set). */
typedef struct mk_model {
	size_t k, p;
	size_t m;		/* coefficients the omnibus test covers */
	mk_method method;
	mk_citype ci;
	double level;
	double tau2;
	int iters;
	double *b, *vb;		/* p coefficients, p x p covariance */
	double *se, *stat, *pval, *lo, *hi;	/* per coefficient */
	double df;		/* t df (k - p) under hksj; NaN for z */
	double s2w;		/* Knapp-Hartung variance factor (1 for z) */
	double qm, qm_df, qm_df2, qm_p;	/* Wald chi2, or F(m, k - p) */
	double qe, qe_df, qe_p;	/* residual heterogeneity, FE weights */
	double vt, i2, h2;	/* typical variance, I2 (percent), H2 */
	double tau2_lo, tau2_hi;
	int tau2_capped;
	int reml_fit;		/* ll and the rest are REML's (else ML's) */
	double ll, dev, aic, bic, aicc;
	double *w;		/* k model weights 1/(v + tau2) */
	int singular;		/* not fitted: X'WX is singular */
	double *cdf;		/* p: each coefficient's t df; NaN for z */
	mk_vcomp *comp;		/* multilevel: the variance components */
	size_t ncomp;
	int robust;		/* 0, 1 (CR1) or 2 (CR2) */
	size_t nclusters;	/* robust: clusters */
} mk_model;

/* Fits the model with o's method (FE or a tau2 estimator), interval and
 * level; intercept says column 0 is an intercept (left out of the omnibus
 * test). 0, or -1 with err. */
int mk_model_fit(const mk_design *d, const mk_opts *o, int intercept,
    mk_model *m, mk_err *err);
void mk_model_free(mk_model *m);
/* Whether a dense design of k rows and p columns is beyond what metak
 * fits (memory k p doubles, work k p^2 per evaluation): see model.c. */
int mk_design_too_large(size_t k, size_t p);
/* x0'b with its SE, CI and prediction interval (estimate +- crit
 * sqrt(SE^2 + tau2), crit as pi says) for one row x0 of p values. */
void mk_model_predict(const mk_model *m, mk_pitype pi, const double *x0,
    double *est, double *se, double *lo, double *hi, double *pilo,
    double *pihi);

/* Random-effects pieces, exposed for the tests. */
int mk_tau2(mk_method m, const mk_design *d, const mk_opts *o, double *tau2,
    int *iters, mk_err *err);
/* Generalised Q(tau2) = sum (y - X b(tau2))^2 / (v + tau2). */
double mk_qgen(const mk_design *d, double tau2);
/* The scale of the data: the harmonic mean of v (convergence is judged
 * relative to it). */
double mk_vscale(const mk_design *d);
/* Q-profile confidence interval for tau2 at level (percent), searched on
 * metafor's interval [0, max(100, 10 tau2hat)]; *capped is set when a bound
 * lies beyond it and is reported as the interval's end (metafor's ">"). */
int mk_tau2_ci(const mk_design *d, double level, double tau2hat, double *lo,
    double *hi, int *capped);

/* ---- meta-regression (mods.c, metareg.c, permute.c) ------------------ */

/* One moderator: a numeric column, or a factor whose levels (in byte
 * order, the first the reference) each after the first get a column. */
typedef struct mk_modcol {
	char *name;		/* as in the header */
	int col;		/* table column */
	int factor;
	size_t nlev;
	char **lev;
	double mean;		/* numeric: mean over the studies used */
} mk_modcol;

/* What --mods, --predict and --permutations ask for. */
typedef struct mk_regspec {
	const char *const *mods;	/* column names */
	size_t nmods;
	const char *const *predict;	/* "a=V,b=W" each */
	size_t npredict;
	size_t permutations;		/* 0: none */
	unsigned long seed;		/* of random permutations */
	const char *robust;		/* cluster column; NULL: none */
	int robust_cr1;			/* metafor's CR1, not CR2 */
} mk_regspec;

/* A multilevel model: --random A/B/... (outermost first), --rho. */
typedef struct mk_mlspec {
	const char *const *random;
	size_t nrandom;
	double rho;			/* NaN: sampling errors independent */
	const mk_regspec *reg;		/* moderators and robust inference */
} mk_mlspec;

/* A meta-regression: the studies that have every moderator, the design
 * (intercept first; columns the data cannot separate dropped) and the
 * fit, as metafor's rma(yi, vi, mods = ~ ...). */
typedef struct mk_metareg {
	size_t nmods;
	mk_modcol *mods;
	size_t k, p;		/* studies used, coefficients */
	char **names;		/* p: intrcpt, COLUMN or COLUMN=LEVEL */
	double *x, *y, *v;	/* k x p design, k effects and variances */
	size_t *study;		/* k: index into the mk_studies */
	size_t *colmap;		/* p: column of the full design kept */
	size_t pfull;		/* columns before redundant ones were dropped */
	mk_model fit;
	double r2;		/* pseudo-R2 in percent; NaN: not defined */
	size_t nclusters;	/* multilevel: outermost groups */
	size_t *cluster;	/* k: outermost group of each row */
	char **cluster_name;	/* its value; the column is comp[0] */
	size_t npred;
	const char **pred_label;	/* as given to --predict */
	double *pred;		/* npred x 6: est, se, ci, pi */
	size_t nperm;		/* permutations done (0: none) */
	int perm_exact;
	double *p_perm;		/* p permutation p-values */
	double qm_p_perm;
} mk_metareg;

mk_metareg *mk_metareg_run(const mk_table *t, const mk_studies *s,
    const mk_opts *o, const mk_regspec *spec, mk_warn *w, mk_err *err);
/* The multilevel model of spec (mlfit.c), REML or ML, as metafor's
 * rma.mv(yi, V, mods, random = ~ 1 | A/B/...). */
mk_metareg *mk_mlm_run(const mk_table *t, const mk_studies *s,
    const mk_opts *o, const mk_mlspec *spec, mk_warn *w, mk_err *err);
void mk_metareg_free(mk_metareg *r);

/* mods.c: the design of spec->mods for the studies of s (into r), and
 * one --predict row x0 (r->p values). */
int mk_mods_design(const mk_table *t, const mk_studies *s, const mk_opts *o,
    const mk_regspec *spec, mk_metareg *r, mk_warn *w, mk_err *err);
int mk_mods_row(const mk_metareg *r, const char *spec, double *x0,
    mk_err *err);
/* permute.c: permutation p-values of the fitted r (metafor's permutest):
 * exact over every distinct ordering of the design's rows (sign flips
 * for a model without moderators) when there are at most n of them, else
 * n - 1 random ones (seeded) and the observed one. */
int mk_permute(mk_metareg *r, const mk_opts *o, size_t n, unsigned long seed,
    mk_err *err);

/* ---- subgroups (subgroup.c) -------------------------------------------- */

typedef struct mk_group {
	char *level;
	mk_fit fit;
	mk_studies *studies;
} mk_group;

typedef struct mk_subgroups {
	char *by;
	size_t n;
	mk_group *g;
	double q, df, p;	/* test for subgroup differences */
	double diff_i2;		/* its I2: max(0, (Q - df) / Q), percent
				 * (RevMan; NaN under a common tau2) */
	mk_studies *none;	/* studies with an empty level: in the
				 * overall fit only (NULL: none) */
	double df2;		/* F test's second df (common tau2 + hksj) */
	int common;		/* one tau2 for all subgroups */
	/* with common: the mixed-effects model's tau2 and residual Q */
	double tau2, tau2_lo, tau2_hi, qe, qe_df, qe_p, i2, h2;
} mk_subgroups;

mk_subgroups *mk_subgroups_run(const mk_table *t, const mk_studies *s,
    const char *by, const mk_opts *o, mk_warn *w, mk_err *err);
void mk_subgroups_free(mk_subgroups *sg);

/* ---- sensitivity analyses (sens.c) ------------------------------------ */

/* One refit: leaving study `study` out, or adding it (cumulative). */
typedef struct mk_step {
	size_t study;		/* index into the studies */
	size_t k;
	double est, se, lo, hi, stat, p, tdf, pi_lo, pi_hi;
	double q, qdf, qp, tau2, i2, h2;
} mk_step;

/* How the refits run: on jobs threads (0 or 1: the calling one), with
 * progress(ud, done, total) called now and then on the calling thread
 * (NULL: never). The steps do not depend on jobs. */
typedef struct mk_sens_ctl {
	size_t jobs;
	void (*progress)(void *ud, size_t done, size_t total);
	void *ud;
} mk_sens_ctl;

/* Leave-one-out: k refits, each without one study (metafor leave1out). */
int mk_leave1out(const mk_studies *s, const mk_opts *o,
    const mk_sens_ctl *ctl, mk_step **out, mk_err *err);
/* Cumulative: k refits of the first 1, 2, ..., k studies in order (a
 * permutation of 0..k-1; NULL: file order), as metafor's cumul(). */
int mk_cumulative(const mk_studies *s, const size_t *order, const mk_opts *o,
    const mk_sens_ctl *ctl, mk_step **out, mk_err *err);

/* The studies ordered by a column: numerically when every value is a
 * number, else as text; ties keep file order. *order is malloc'd. */
int mk_order_by(const mk_table *t, const mk_studies *s, const char *column,
    const mk_opts *o, size_t **order, mk_err *err);

/* ---- many analyses from one file (each.c) ----------------------------- */

/* What --each does with each analysis. render runs on a worker thread
 * (any of them, in no set order): it may only read ud and write out. emit
 * runs on the thread that called mk_each_run, once per analysis in file
 * order, with what render wrote; why is NULL when the analysis was fitted,
 * else says why not; w holds the analysis's warnings. */
typedef struct mk_each_cb {
	void (*render)(const void *ud, mk_buf *out, const char *analysis,
	    const mk_table *t, const mk_studies *s, const mk_fit *f,
	    const mk_err *why);
	void (*emit)(void *ud, const char *analysis, const mk_buf *out,
	    const mk_err *why, const mk_warn *w);
	void *ud;
} mk_each_cb;

/* Which analyses, and on how many threads. Rows failing a where condition
 * (COLUMN=VALUE, all must hold) are skipped first. Only analyses whose
 * number (0-based, in file order) is shard_i modulo shard_n are fitted. */
typedef struct mk_each_spec {
	const char *column;
	const mk_map *where;
	size_t nwhere;
	size_t shard_i, shard_n;
	size_t jobs;		/* threads fitting (0 or 1: this one) */
} mk_each_spec;

/* Streams path, one fit per run of equal values of the spec's column.
 * Memory grows with the largest analysis times a few batches per thread
 * (and 8 bytes per analysis name seen, to catch non-contiguous input),
 * not with the number of analyses; what emit sees does not depend on
 * jobs. Errors in the file itself (shape, an analysis that comes back
 * later) stop it: the analyses complete before the bad row are still
 * emitted, then -1 with err. */
int mk_each_run(const char *path, const mk_opts *o, const mk_each_spec *sp,
    const mk_each_cb *cb, mk_err *err);

/* The number of processors online (at least 1): --jobs' default. */
size_t mk_cores(void);

/* ---- checking a published pooled result (check.c) ---------------------- */

/* A claim as printed: natural scale, with the decimals each number had. */
typedef enum { MK_SCALE_NATURAL, MK_SCALE_LOG, MK_SCALE_PERCENT } mk_scale;

typedef struct mk_claim {
	mk_measure measure;
	mk_scale scale;		/* how the claim was printed */
	double est, lo, hi, level;
	int dec_est, dec_lo, dec_hi;
	double p;		/* NaN when no p was given */
	int p_dec, p_less;	/* "p < x" */
} mk_claim;

/* One refit tried against the claim. */
typedef struct mk_check_row {
	mk_method method;
	mk_citype ci;
	double cc;
	mk_ccto cc_to;		/* NONE where no study needed one */
	int mhq;		/* DL with tau2 from the MH Q (--dl-q mh) */
	size_t k;
	int fitted, match;
	double est, lo, hi;	/* natural scale */
	char why[160];		/* when not fitted */
} mk_check_row;

/* Refits t with every applicable method x interval x correction (or only
 * base's method, interval and correction when fixed) and marks the rows
 * that reproduce the claim at its printed precision. Corrections are
 * varied only where a study has a zero cell; DL is also tried with tau2
 * from the Mantel-Haenszel Q where the data are 2x2 counts. */
int mk_check_data(const mk_table *t, const mk_opts *base, const mk_claim *c,
    int fixed, mk_check_row **rows, size_t *n, mk_err *err);

/* Internal consistency of a claim without data (analysis scale). */
typedef struct mk_consistency {
	double est, centre, centre_min, centre_max, se, z, p, p_min, p_max;
	int centred;		/* estimate within rounding of the centre */
	int p_checked, p_ok;
} mk_consistency;

void mk_check_consistency(const mk_claim *c, mk_consistency *k);
/* Rendering (checkout.c). */
void mk_render_check_json(mk_buf *b, const mk_claim *c,
    const mk_check_row *rows, size_t n);
void mk_render_check_text(mk_buf *b, const char *file, const mk_claim *c,
    const mk_check_row *rows, size_t n);
void mk_render_consistency(mk_buf *b, const mk_claim *c,
    const mk_consistency *k, int json);

/* ---- small-study effects (bias.c) ------------------------------------ */

typedef struct mk_bias {
	double egger_b0, egger_b1, egger_se, egger_stat, egger_df, egger_p;
	int egger_rma;		/* meta-regression version, not lm */
	double begg_tau, begg_p;
	int begg_exact;
	size_t k0;		/* trim-and-fill: studies filled */
	int side_right;
	double *fill_y, *fill_v;	/* the filled studies (k0) */
	mk_fit tf_fit;		/* the fit of the filled data */
	/* 2x2 data only (binary set; binbias.c): Harbord's test on the
	 * intercept, Peters' on the slope, each over the tables it can use */
	int binary;
	double harbord_b0, harbord_se, harbord_stat, harbord_df, harbord_p;
	double peters_b1, peters_se, peters_stat, peters_df, peters_p;
	size_t harbord_k, peters_k;
} mk_bias;

int mk_bias_run(const mk_studies *s, const mk_opts *o, int egger_rma, int r0,
    mk_bias *b, mk_err *err);
void mk_bias_free(mk_bias *b);

/* ---- rendering (report.c) ---------------------------------------------- */

/* Labels of a forest plot; NULL picks the default. */
#define MK_PLOT_MAXAT 16
typedef struct mk_plot_opts {
	const char *title;
	const char *favours_left, *favours_right;
	const char *label_t, *label_c;	/* the arms' headings */
	int xlim_set;			/* xlim holds the axis' range */
	double xlim[2];			/* natural scale */
	double at[MK_PLOT_MAXAT];	/* ticks, natural scale */
	int nat;
	int sort;			/* mk_sort: the study rows' order */
	const char *sort_col;		/* MK_SORT_COLUMN: by this column */
	int no_imputed;			/* funnel: trim-and-fill points hidden */
} mk_plot_opts;

typedef enum { MK_SORT_FILE, MK_SORT_EFFECT, MK_SORT_WEIGHT, MK_SORT_YEAR,
    MK_SORT_COLUMN } mk_sort;

typedef struct mk_result {
	const mk_rows *rows;
	const mk_studies *studies;
	const mk_opts *opts;
	const mk_fit *fit;
	const mk_subgroups *sub;	/* NULL without --by */
	int no_studies;			/* leave the per-study rows out */
	const mk_plot_opts *plot;	/* NULL: defaults */
	const char *analysis;		/* --each: JSON Lines, this name */
	const mk_metareg *reg;		/* a meta-regression (--mods) */
	int cols;			/* text to a terminal this wide; 0:
					 * not a terminal (80 columns, or
					 * wider for long labels) */
} mk_result;

void mk_render_text(mk_buf *b, const mk_result *r);
void mk_render_json(mk_buf *b, const mk_result *r);
void mk_render_csv(mk_buf *b, const mk_result *r);
/* --each output: the CSV header and row (f NULL: not fitted, NA), and the
 * JSON line of an analysis that could not be fitted (fitted ones:
 * mk_render_json with mk_result.analysis set). */
void mk_render_each_header(mk_buf *b);
void mk_render_each_csv(mk_buf *b, const char *analysis, const mk_fit *f,
    size_t k);
void mk_render_each_json_error(mk_buf *b, const char *analysis, size_t k,
    const char *error);
/* A meta-regression (regout.c; r->reg set) and its bubble plot
 * (bubble.c): one numeric moderator on the x axis, the others at their
 * means. */
void mk_render_reg_json(mk_buf *b, const mk_result *r);
void mk_render_reg_csv(mk_buf *b, const mk_result *r);
void mk_render_reg_text(mk_buf *b, const mk_result *r);
int mk_render_bubble(mk_buf *b, const mk_result *r, mk_err *err);
/* Leave-one-out or cumulative steps (stepsout.c). */
void mk_render_steps_text(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);
void mk_render_steps_csv(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);
void mk_render_steps_json(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);
void mk_render_steps_svg(mk_buf *b, const mk_result *r, const mk_step *st,
    int cumulative);
/* Small-study tests as JSON or text (biasout.c); funnel plot (funnel.c). */
void mk_render_bias_json(mk_buf *b, const mk_result *r, const mk_bias *bi);
void mk_render_bias_text(mk_buf *b, const mk_result *r, const mk_bias *bi);
void mk_render_funnel(mk_buf *b, const mk_result *r, const mk_bias *bi,
    int contours);
/* Forest plot as a standalone SVG document (svg.c); for a multilevel
 * model without moderators (r->reg), its rows grouped by the outermost
 * level. */
void mk_render_svg(mk_buf *b, const mk_result *r);
int mk_render_svg_ml(mk_buf *b, const mk_result *r, mk_err *err);
/* Label of table row row, and of study i of s (the study column, else
 * "line N"). */
const char *mk_row_label(const mk_result *r, size_t row, char *tmp,
    size_t tmpsz);
const char *mk_study_label(const mk_result *r, const mk_studies *s, size_t i,
    char *tmp, size_t tmpsz);

#endif
