/* internal.h: what the files of analyses/ share with each other and with the
 * layers above, beyond analyses.h; not part of the API. Including it brings
 * in the layers below, and nothing above. */
#ifndef METAK_ANALYSES_INTERNAL_H
#define METAK_ANALYSES_INTERNAL_H

#include "fit/internal.h"
#include "analyses/analyses.h"

/* The multilevel fit of the design in r (mlfit.c): gid (k x L) the group
 * of each row at each level, ng the groups per level, names for messages. */
int mk_mlm_fit(mk_metareg *r, const size_t *gid, const size_t *ng, size_t L,
    const char *const *names, const mk_opts *o, double rho, mk_warn *w,
    mk_err *err);

/* The studies of s with a value in each column col[0..ncol) (robustcl.c):
 * a missing one (empty, NA, ...) leaves the row out of the `what` with a
 * warning naming its line. A new mk_studies, NULL when out of memory. */
mk_studies *mk_complete_in(const mk_table *t, const mk_studies *s,
    const int *col, size_t ncol, const char *what, mk_warn *w);

/* I2 of each level and in total (mo->i2, mo->vt) and the likelihood-ratio
 * test of each component (mlsum.c) for the fitted multilevel model m at
 * theta, whose log-likelihood is ll. 0, or -1 with err. */
int mk_ml_summaries(const mk_ml *m, const double *theta, const int *fixed,
    const char *const *names, double ll, double scale, int maxiter,
    mk_model *mo, mk_err *err);

/* The clusters of the design's rows by the column (robustcl.c), with
 * nesting of outer (gid, NULL: none) checked for CR2. */
int mk_robust_run(const mk_table *t, const mk_studies *s, mk_metareg *r,
    const mk_opts *o, const char *column, int cr1, const size_t *outer,
    size_t stride, size_t nouter, mk_cov_fn cov, void *ud, mk_err *err);

/* The --predict rows of spec for the fitted r (metareg.c), with o's
 * prediction interval: r->pred, r->npred. */
int mk_metareg_predict(mk_metareg *r, const mk_opts *o,
    const mk_regspec *spec, mk_err *err);

/* Harbord's and Peters' tests when every study is a 2x2 table
 * (binbias.c). */
int mk_bias_binary(const mk_studies *s, mk_bias *b, mk_err *err);

/* netsplit.c: the within- and between-design Q of the common-effect
 * model (netmeta's decomp.design) and the SIDE split of every pair with
 * direct evidence, into n (its est, cov, tau2 and Q set). */
int mk_network_decomp(mk_network *n, mk_err *err);
int mk_network_split(mk_network *n, mk_err *err);

#endif
