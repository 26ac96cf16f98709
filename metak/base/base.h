/* base.h: the bottom layer: errors and warnings, the output buffer, the
 * tables of measures and methods and the options of an analysis,
 * distributions, root finding, string maps and number parsing. It calls
 * nothing of metak's. */
#ifndef METAK_BASE_H
#define METAK_BASE_H

#include <stddef.h>

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
/* Puts the text fmt makes before the warnings from index from on (those a
 * fit added, naming where it ran). */
void mk_warn_prefix(mk_warn *w, size_t from, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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

/* One canonical-name -> column-name mapping from --map. */
typedef struct mk_map {
	const char *name, *column;
} mk_map;

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
	MK_SJ, MK_HS, MK_BAYES
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

/* The GLMMs of --glmm (metafor's rma.glmm models, fit/glmm.c) and the
 * measures each fits (names.c). */
typedef enum {
	MK_GLMM_NONE, MK_GLMM_UMFS, MK_GLMM_UMRS, MK_GLMM_CMEL, MK_GLMM_CMAL,
	MK_GLMM_BN
} mk_glmm;
typedef struct mk_glmm_info {
	const char *name;	/* "UM.FS" */
	mk_glmm id;
	const char *label;
	mk_measure measures[2];
} mk_glmm_info;
extern const mk_glmm_info mk_glmms[];
extern const size_t mk_nglmms;
const mk_glmm_info *mk_glmm_find(const char *name);
const mk_glmm_info *mk_glmm_get(mk_glmm id);
/* Does model g fit measure m? */
int mk_glmm_fits(mk_glmm g, mk_measure m);
/* The valid pairs, in words, for a usage error. */
#define MK_GLMM_PAIRS "UM.FS, UM.RS, CM.EL and CM.AL fit OR (2x2 counts) " \
	"and IRR (two rates; CM.AL is then CM.EL), BN fits PLO (one " \
	"proportion) and IRLN (one rate)"
/* A prior of --method BAYES (prior.c has the table of kinds, their
 * densities and names): on tau, on mu; a and b its parameters. */
typedef enum {
	MK_PRIOR_DEFAULT, MK_PRIOR_FLAT, MK_PRIOR_HALFNORMAL,
	MK_PRIOR_HALFCAUCHY, MK_PRIOR_HALFT, MK_PRIOR_UNIFORM,
	MK_PRIOR_EXPONENTIAL, MK_PRIOR_LNTAU2, MK_PRIOR_NORMAL
} mk_prior_kind;
typedef struct mk_prior {
	mk_prior_kind kind;
	double a, b;
} mk_prior;
/* Reads a prior ("halfnormal:0.5", "normal:0,4", "flat"; on_mu: a prior
 * for --prior-mu) into p: 0, or -1 with why (n bytes) saying the
 * expected form (prior.c). */
int mk_prior_parse(const char *spec, int on_mu, mk_prior *p, char *why,
    size_t n);
/* "halfnormal(0.5)", "normal(0,4)", "flat": as JSON's prior_tau names it. */
void mk_prior_name(const mk_prior *p, char *out, size_t n);
/* The forms --prior-tau takes, for messages: "halfnormal:S, ...". */
const char *mk_prior_forms(void);
/* The normalised prior density of tau at tau (NaN for an improper one). */
double mk_prior_density(const mk_prior *p, double tau);
/* The default prior on tau for measure m (halfnormal(0.5) for those
 * without units): 0, or -1 when it has none; and then the usage error
 * that says so and names the choices, in err. */
int mk_prior_default(mk_measure m, mk_prior *p);
void mk_prior_no_default(mk_measure m, mk_err *err);
/* The error that the posterior of k studies under prior tau on tau and a
 * flat or normal (normal_mu) prior on mu is improper: it falls off as
 * tau^-a, a <= 1. */
void mk_prior_improper(const mk_prior *tau, int normal_mu, size_t k,
    double a, mk_err *err);

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
	int include_flagged;	/* keep rows with an integrity concern */
	int drop00;		/* OR, RR: leave out studies with no events
				 * (or only events) in both arms */
	int dl_mhq;		/* DL: tau2 from Q around the Mantel-Haenszel
				 * estimate (RevMan 5; meta's Q.Cochrane) */
	double tau2_fixed;	/* NaN: estimate tau2; else this value */
	mk_pitype pi;
	mk_glmm glmm;		/* --glmm: the model of the counts; NONE:
				 * pool yi, vi */
	int sep;		/* the CSV's field separator (0: ',') */
	int decimal;		/* its decimal mark, '.' (0) or ',' */
	mk_prior prior_tau;	/* BAYES: MK_PRIOR_DEFAULT picks by measure */
	mk_prior prior_mu;	/* BAYES: flat (default) or normal */
	double threshold;	/* BAYES: natural scale; NaN: no effect */
	int bayes_brief;	/* BAYES: 1 without each study's shrunken
				 * effect, 2 also without the predictive and
				 * tau's intervals (--each's CSV) */
} mk_opts;

void mk_opts_init(mk_opts *o);

/* "Did you mean" (suggest.c): the edit distance of a and b, ignoring case
 * (SIZE_MAX when memory runs out); the most edits a suggestion for word
 * may be away (1 for up to 4 characters, else a third of them, at least
 * 2); the nearest of names[0..n) to word within that, other than word
 * itself (the first of equals; NULL: none; NULL names are skipped). */
size_t mk_edit_distance(const char *a, const char *b);
size_t mk_suggest_limit(const char *word);
const char *mk_closest(const char *word, const char *const *names, size_t n);

#endif
