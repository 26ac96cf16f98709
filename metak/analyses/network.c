/* network.c: a network meta-analysis from a table: the studies
 * (effects/netread.c), the reference, the check that the network is
 * connected, the fit (fit/netfit.c) under the model asked for, prediction
 * intervals and P-scores. The design decomposition and SIDE split are
 * netsplit.c's; showing them is render/'s. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analyses/internal.h"

void
mk_network_free(mk_network *n)
{
	if (n == NULL)
		return;
	mk_netdata_free(n->d);
	free(n->est);
	free(n->cov);
	free(n->pscore);
	free(n->nstudies);
	free(n->npart);
	free(n->direct);
	free(n->split);
	free(n);
}

/* Studies and participants per treatment, studies per pair, comparisons
 * and multi-arm studies. */
static void
count(mk_network *n)
{
	const mk_netdata *d = n->d;
	size_t T = n->T;

	for (size_t t = 0; t < T; t++)
		n->npart[t] = 0;
	for (size_t s = 0; s < d->k; s++) {
		size_t a0 = d->arm0[s], a = d->arm0[s + 1] - a0;
		n->ncomparisons += a * (a - 1) / 2;
		n->nmulti += a > 2;
		for (size_t i = 0; i < a; i++) {
			size_t ti = d->trt_of[a0 + i];
			n->nstudies[ti]++;
			n->npart[ti] += d->n[a0 + i];	/* NaN stays NaN */
			for (size_t l = i + 1; l < a; l++) {
				size_t tl = d->trt_of[a0 + l];
				n->direct[ti * T + tl]++;
				n->direct[tl * T + ti]++;
			}
		}
	}
}

/* --reference, else the treatment in most studies (ties: the first in
 * byte order). */
static int
reference(mk_network *n, const char *want, mk_err *err)
{
	const mk_netdata *d = n->d;

	if (want == NULL) {
		n->ref = 0;
		for (size_t t = 1; t < n->T; t++)
			if (n->nstudies[t] > n->nstudies[n->ref])
				n->ref = t;
		return 0;
	}
	for (size_t t = 0; t < n->T; t++)
		if (strcmp(d->trt[t], want) == 0) {
			n->ref = t;
			return 0;
		}
	char list[300];
	size_t len = 0;
	for (size_t t = 0; t < n->T && len < sizeof(list) - 60; t++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s\"%.40s\"",
		    t ? ", " : "", d->trt[t]);
	if (len >= sizeof(list) - 60)
		snprintf(list + len, sizeof(list) - len, ", ...");
	mk_err_set(err, d->file, 0, "", "--reference: no treatment \"%.60s\" "
	    "in the studies (treatments: %s)", want, list);
	return -1;
}

static size_t
root(size_t *up, size_t t)
{
	while (up[t] != t) {
		up[t] = up[up[t]];	/* halve the path */
		t = up[t];
	}
	return t;
}

/* The parts of the network no study links (union-find over the
 * studies' treatments): an error naming them when there are two or
 * more. */
static int
connected(const mk_network *n, mk_err *err)
{
	const mk_netdata *d = n->d;
	size_t T = n->T, parts = 0, *up = malloc(T * sizeof(size_t));
	char msg[400];
	size_t len = 0;

	if (up == NULL) {
		mk_err_set(err, d->file, 0, "", "out of memory");
		return -1;
	}
	for (size_t t = 0; t < T; t++)
		up[t] = t;
	for (size_t s = 0; s < d->k; s++)
		for (size_t i = d->arm0[s] + 1; i < d->arm0[s + 1]; i++) {
			size_t a = root(up, d->trt_of[d->arm0[s]]);
			size_t b = root(up, d->trt_of[i]);
			if (a != b)
				up[a > b ? a : b] = a < b ? a : b;
		}
	for (size_t t = 0; t < T; t++)
		parts += root(up, t) == t;
	if (parts == 1) {
		free(up);
		return 0;
	}
	/* each part as its treatments in byte order, parts by their first */
	for (size_t r = 0, k = 0; r < T && len < sizeof(msg) - 80; r++) {
		if (root(up, r) != r)
			continue;
		int first = 1;
		k++;
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s{",
		    k == 1 ? "" : k == parts ? " and " : ", ");
		for (size_t t = r; t < T && len < sizeof(msg) - 80; t++)
			if (root(up, t) == r) {
				len += (size_t)snprintf(msg + len, sizeof(msg) - len,
				    "%s%.40s", first ? "" : ", ", d->trt[t]);
				first = 0;
			}
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "}");
	}
	if (len >= sizeof(msg) - 80)
		snprintf(msg + len, sizeof(msg) - len, " ...");
	mk_err_set(err, d->file, 0, "", "the network is disconnected: no "
	    "study links its %zu parts %s; analyse each part on its own "
	    "(--where)", parts, msg);
	free(up);
	return -1;
}

/* P-scores (Ruecker & Schwarzer 2015 BMC Med Res Methodol 15:58; netmeta
 * netrank): P_T = mean over U != T of Phi((d_U - d_T) / se_TU) when small
 * values are good, Phi((d_T - d_U) / se_TU) when they are bad: the mean
 * one-sided certainty that T is better than another treatment. */
static void
pscores(mk_network *n)
{
	for (size_t t = 0; t < n->T; t++) {
		long double s = 0;
		for (size_t u = 0; u < n->T; u++) {
			double e, se;
			if (u == t)
				continue;
			mk_network_pair(n, u, t, &e, &se);
			s += gsl_cdf_ugaussian_P((n->small_bad ? -e : e) / se);
		}
		n->pscore[t] = (double)(s / (long double)(n->T - 1));
	}
}

mk_network *
mk_network_run(const mk_table *t, const mk_opts *o, const mk_netspec *spec,
    mk_warn *w, mk_err *err)
{
	mk_network *n = calloc(1, sizeof(*n));
	size_t *col = NULL, T, p;
	mk_netgls g0, g;

	memset(&g0, 0, sizeof(g0));
	memset(&g, 0, sizeof(g));
	if (n == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return NULL;
	}
	if (o->method != MK_REML && o->method != MK_DL) {
		mk_err_set(err, "", 0, "", "--method %s: metak network "
		    "estimates tau2 by REML or DL%s", mk_method_get(o->method)->name,
		    o->method == MK_FE ? " (--model common fits the common-"
		    "effect model)" : "");
		err->usage = 1;
		goto fail;
	}
	if ((n->d = mk_netdata_from_table(t, o, w, err)) == NULL)
		goto fail;
	T = n->T = n->d->ntrt;
	p = T - 1;
	if (T > MK_NET_MAXTRT) {	/* T^2 memory, p^3 work per fit */
		mk_err_set(err, t->file, 0, "", "%zu treatments: metak network "
		    "fits up to %d", T, MK_NET_MAXTRT);
		goto fail;
	}
	n->random = !spec->common;
	n->method = o->method;
	n->level = o->level;
	n->small_bad = spec->small_bad;
	n->tau2 = NAN;
	n->est = calloc(T, sizeof(double));
	n->cov = calloc(T * T, sizeof(double));
	n->pscore = calloc(T, sizeof(double));
	n->nstudies = calloc(T, sizeof(size_t));
	n->npart = calloc(T, sizeof(double));
	n->direct = calloc(T * T, sizeof(size_t));
	col = malloc(T * sizeof(size_t));
	if (n->est == NULL || n->cov == NULL || n->pscore == NULL ||
	    n->nstudies == NULL || n->npart == NULL || n->direct == NULL ||
	    col == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		goto fail;
	}
	count(n);
	if (reference(n, spec->reference, err) != 0 || connected(n, err) != 0)
		goto fail;
	for (size_t i = 0; i < T; i++)	/* the reference's effect is 0 */
		col[i] = i == n->ref ? SIZE_MAX : i < n->ref ? i : i - 1;
	if (mk_netgls_at(n->d, NULL, 0, col, p, 0, 0, &g0, err) != 0)
		goto fail;
	n->q = g0.q;
	n->df = (double)(n->d->narms - n->d->k - p);
	n->qp = n->df > 0 ? gsl_cdf_chisq_Q(n->q, n->df) : NAN;
	n->i2 = n->df > 0 && n->q > 0 ? 100 * fmax(0, (n->q - n->df) / n->q) :
	    n->df > 0 ? 0 : NAN;
	if (n->random) {
		if (mk_net_tau2(n->d, col, p, o->method, o, &n->tau2,
		    &n->iters, err) != 0)
			goto fail;
		if (n->df == 0)
			mk_warn_add(w, "%s: the model fits the data exactly (no "
			    "residual degrees of freedom): tau2 cannot be "
			    "estimated and is taken as 0", t->file);
		if (mk_netgls_at(n->d, NULL, 0, col, p, n->tau2, 0, &g,
		    err) != 0)
			goto fail;
	}
	const mk_netgls *f = n->random ? &g : &g0;
	for (size_t i = 0; i < T; i++) {	/* back to all T treatments */
		n->est[i] = col[i] == SIZE_MAX ? 0 : f->b[col[i]];
		for (size_t j = 0; j < T; j++)
			n->cov[i * T + j] = col[i] == SIZE_MAX || col[j] ==
			    SIZE_MAX ? 0 : f->cov[col[i] * p + col[j]];
	}
	pscores(n);
	if (mk_network_decomp(n, err) != 0 || mk_network_split(n, err) != 0)
		goto fail;
	mk_netgls_free(&g0);
	mk_netgls_free(&g);
	free(col);
	return n;
fail:
	mk_netgls_free(&g0);
	mk_netgls_free(&g);
	free(col);
	mk_network_free(n);
	return NULL;
}
