/* effects.h: a table's rows as studies: each row read in the form it
 * carries, converted where it must be, and turned into an effect size and
 * its variance (escalc's definitions). Calls read and base. */
#ifndef METAK_EFFECTS_H
#define METAK_EFFECTS_H

#include "read/read.h"

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
	char why[240];
} mk_leftout;

/* Integrity flags of a study kept in spite of them (mk_studies.flag). */
enum { MK_FLAG_RETRACTED = 1, MK_FLAG_CONCERN = 2 };

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
	unsigned char *flag;		/* MK_FLAG_*: kept by --include-retracted
					 * or --include-flagged */
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

/* ---- a network of studies (netread.c, netstudy.c) ----------------------- */

/* The studies of a network meta-analysis: each study's arms (treatments)
 * and the contrasts of its arms with its first arm, y_j = theta_j -
 * theta_0, with their covariance V_s ((a-1) x (a-1) for a arms). From
 * arm rows, V_s = diag(s_j) + s_0 (s the arm variances); from contrast
 * rows, Ruecker's V_jk = (v_0j + v_0k - v_jk) / 2 of the pairwise
 * variances v. Memory is linear in the number of arms. */
typedef struct mk_netdata {
	const char *file;	/* the table's name, for messages */
	mk_measure measure;
	int contrasts;		/* read from one row per contrast */
	size_t ntrt;
	char **trt;		/* treatment names, in byte order */
	size_t k;		/* studies */
	char **study;		/* each study's label */
	long *line;		/* the line of its first row */
	size_t *arm0;		/* k + 1: study s has arms arm0[s] ..
				 * arm0[s + 1] - 1 */
	size_t narms;
	size_t *trt_of;		/* narms: each arm's treatment */
	double *n;		/* narms: participants (NaN: not given) */
	double *y;		/* narms: contrast with the study's first
				 * arm (0 for the first arm) */
	size_t *voff;		/* k + 1: study s's V_s at v + voff[s] */
	double *v;		/* the V_s, row-major */
	double *qin;		/* k: the Q of contrast rows of a multi-arm
				 * study that do not add up (0 when they do) */
	size_t nleft;		/* studies left out (each with a warning) */
	size_t ncc;		/* studies with a zero cell: cc added */
	double cc;		/* to events and non-events of every arm */
} mk_netdata;

/* The studies of a network from t: arm rows (study, treatment and
 * events, n or mean, sd, n) or contrast rows (study, treat1, treat2, yi
 * = treat1 minus treat2, and vi or sei); NULL with err (usage set for a
 * measure the rows cannot give). Each study's rows must be together. */
mk_netdata *mk_netdata_from_table(const mk_table *t, const mk_opts *o,
    mk_warn *w, mk_err *err);
void mk_netdata_free(mk_netdata *d);
/* A column name only network input reads (treatment, treat1, treat2,
 * mean, sd), which --map may name too. */
int mk_net_column(const char *name);

#endif
