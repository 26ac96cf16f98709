/* ghq.c: Gauss-Hermite rules for integrals over normal random effects
 * (fit/glmmlik.c centres and scales them at each integrand's mode): the
 * nodes and weights of n points from GSL's gsl_integration_fixed, made
 * once per n and kept for every thread. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include <gsl/gsl_integration.h>

#include "base/internal.h"

/* The rule for weight exp(-x^2): sum_j w_j f(x_j) ~ int exp(-x^2) f(x) dx
 * (Golub and Welsch 1969, as GSL computes it). Kept with lw_j = log w_j
 * + x_j^2, so that sum_j exp(lw_j) g(x_j) ~ int g(x) dx for any g. */
struct rule {
	double *x, *lw;
	int done;	/* 1 made, -1 failed */
};

static struct rule rules[MK_GH_MAX + 1];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int
make(struct rule *r, size_t n)
{
	gsl_integration_fixed_workspace *ws;

	ws = gsl_integration_fixed_alloc(gsl_integration_fixed_hermite, n, 0,
	    1, 0, 0);
	r->x = malloc(n * sizeof(double));
	r->lw = malloc(n * sizeof(double));
	if (ws == NULL || r->x == NULL || r->lw == NULL) {
		gsl_integration_fixed_free(ws);
		free(r->x);
		free(r->lw);
		r->x = r->lw = NULL;
		return -1;
	}
	const double *x = gsl_integration_fixed_nodes(ws);
	const double *w = gsl_integration_fixed_weights(ws);
	for (size_t j = 0; j < n; j++) {	/* log w_j + x_j^2 */
		r->x[j] = x[j];
		r->lw[j] = w[j] > 0 ? log(w[j]) + x[j] * x[j] : -INFINITY;
	}
	gsl_integration_fixed_free(ws);
	return 0;
}

int
mk_gh_rule(size_t n, const double **x, const double **lw)
{
	struct rule *r;

	if (n < 1 || n > MK_GH_MAX)
		return -1;
	r = &rules[n];
	pthread_mutex_lock(&lock);
	if (r->done == 0)
		r->done = make(r, n) == 0 ? 1 : -1;
	int ok = r->done == 1;
	pthread_mutex_unlock(&lock);
	if (!ok)
		return -1;
	*x = r->x;
	*lw = r->lw;
	return 0;
}
