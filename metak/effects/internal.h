/* internal.h: what the files of effects/ share with each other and with the
 * layers above, beyond effects.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_EFFECTS_INTERNAL_H
#define METAK_EFFECTS_INTERNAL_H

#include "read/internal.h"
#include "effects/effects.h"

/* Warnings (plausible.c) for studies of s that look wrong: |SMD| > 3,
 * and a row with the same study label (column scol; -1: none) and data as
 * an earlier one, and no other column to tell them apart. */
void mk_studies_plausible(const mk_table *t, int scol, const mk_studies *s,
    mk_warn *w);

/* An arm's SD from the SE or the 95% CI of its mean; its mean and SD
 * from q = min, q1, median, q3, max (NaN where not printed: the range
 * and/or the quartiles) as R meta does (convert.c), returning MK_ARMS_*;
 * Wan et al.'s expected range xi(n) and interquartile range eta(n). */
double mk_sd_from_se(double se, double n);
double mk_sd_from_ci(double lo, double hi, double n);
int mk_from_quantiles(double n, const double *q, double *mean, double *sd);
double mk_wan_xi(double n);
double mk_wan_eta(double n);

/* The forms of a study's data (forms.c): the measure's own data (fam
 * not MK_FAM_ANY), reported estimates, given yi, in reading order. The
 * means form reads each arm from whichever of SD, SE, CI or median it
 * carries. */
struct mk_form {
	mk_from from;
	mk_kind kind;
	mk_family fam;
	int cols[4];
	int ncols;
	mk_measure deflt;
};
extern const struct mk_form mk_forms[];
extern const size_t mk_nforms;
int mk_form_in_header(const struct mk_form *f, const int *col);
/* One row being read: the table, its columns, the measure. */
struct mk_rowctx {
	const mk_table *t;
	size_t r;
	const int *col;
	mk_measure m;
	mk_err *err;
};
/* What a row gave in one form: the kind's inputs x (the data forms),
 * yi and vi (reported and given forms), the form and the arms' reading. */
struct mk_read {
	double x[6];
	double yi, vi;
	mk_from from;
	unsigned char arms;
};
/* Reads row R->r in form f: 0 complete (out set, values checked), 1
 * incomplete (miss lists the empty columns), -1 an error at a cell. */
int mk_form_read(const struct mk_rowctx *R, const struct mk_form *f,
    struct mk_read *out, char *miss, size_t nmiss);

/* One study of a network (netstudy.c): y (a - 1 contrasts with arm 0)
 * and V ((a-1) x (a-1)) from a arms' data: x = events or mean, sd (MD),
 * n. Binary measures add cc to events and non-events of every arm when
 * one arm has no events or only events; *drop is set (and nothing
 * computed) for a study netmeta leaves out: OR with no events or only
 * events in every arm, RR with no events in every arm. */
int mk_net_study_arms(mk_measure m, double cc, size_t a, const double *x,
    const double *sd, const double *n, double *y, double *V, int *drop,
    int *corrected);
/* The same from a study's a (a - 1) / 2 pairwise contrasts, a x a with
 * Y[j a + k] = theta_j - theta_k and D[j a + k] their variances. When
 * they do not add up, y is their weighted least-squares fit under the
 * study's reduced pairwise weights (Ruecker 2012), *q its residual
 * sum of squares and *dev the largest misfit of a contrast; else *q =
 * *dev = 0. -1 when V is not positive definite (no trial's variances),
 * -2 when memory runs out. */
int mk_net_study_pairs(size_t a, const double *Y, const double *D,
    double *y, double *V, double *q, double *dev);

#endif
