/* netsplit.c: what a fitted network says about its consistency: the Q
 * within designs and between them (netmeta's decomp.design) and, for each
 * pair with direct evidence, the direct and the indirect estimate and
 * their difference (SIDE by back-calculation, netmeta's netsplit). The
 * fit itself is network.c's. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analyses/internal.h"

void
mk_network_pair(const mk_network *n, size_t t1, size_t t2, double *est,
    double *se)
{
	size_t T = n->T;

	*est = n->est[t1] - n->est[t2];
	*se = sqrt(n->cov[t1 * T + t1] + n->cov[t2 * T + t2] -
	    2 * n->cov[t1 * T + t2]);
}

/* The studies ordered by design (arms, then their treatments), for
 * grouping; key holds each study's treatments sorted, at arm0[s]. */
struct bydesign {
	const mk_netdata *d;
	const size_t *key;
};

static int
design_cmp(const struct bydesign *B, size_t s, size_t u)
{
	const size_t *a0 = B->d->arm0;
	size_t na = a0[s + 1] - a0[s], nb = a0[u + 1] - a0[u];

	if (na != nb)
		return na < nb ? -1 : 1;
	for (size_t i = 0; i < na; i++)
		if (B->key[a0[s] + i] != B->key[a0[u] + i])
			return B->key[a0[s] + i] < B->key[a0[u] + i] ? -1 : 1;
	return s < u ? -1 : s > u;
}

/* Bottom-up merge sort of ord[0..k) by design (tmp: k more). */
static void
sort_designs(const struct bydesign *B, size_t *ord, size_t *tmp, size_t k)
{
	for (size_t wdt = 1; wdt < k; wdt *= 2) {
		for (size_t lo = 0; lo < k; lo += 2 * wdt) {
			size_t mid = lo + wdt < k ? lo + wdt : k;
			size_t hi = lo + 2 * wdt < k ? lo + 2 * wdt : k;
			size_t i = lo, j = mid, o = lo;
			while (i < mid && j < hi)
				tmp[o++] = design_cmp(B, ord[i], ord[j]) <= 0 ?
				    ord[i++] : ord[j++];
			while (i < mid)
				tmp[o++] = ord[i++];
			while (j < hi)
				tmp[o++] = ord[j++];
		}
		memcpy(ord, tmp, k * sizeof(size_t));
	}
}

static void
sort_small(size_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)	/* insertion: a study's few arms */
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			size_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Design-by-treatment decomposition (Krahn, Binder & Koenig 2013 BMC Med
 * Res Methodol 13:35; netmeta decomp.design) of the common-effect Q: a
 * design is the set of a study's treatments; Q_within = sum over designs
 * of the Q of the design's studies fitted alone (one mean per contrast
 * of the design), df_within = sum (studies - 1)(arms - 1); Q_between = Q
 * - Q_within with df - df_within (the inconsistency between designs).
 * p values only where df > 0. */
int
mk_network_decomp(mk_network *n, mk_err *err)
{
	const mk_netdata *d = n->d;
	size_t k = d->k, T = n->T;
	size_t *key = malloc(d->narms * sizeof(size_t));
	size_t *ord = malloc(2 * k * sizeof(size_t));
	size_t *col = malloc(T * sizeof(size_t));
	long double qw = 0;
	size_t dfw = 0;
	int rc = -1;
	mk_netgls g;

	memset(&g, 0, sizeof(g));
	if (key == NULL || ord == NULL || col == NULL) {
		mk_err_set(err, d->file, 0, "", "out of memory");
		goto done;
	}
	memcpy(key, d->trt_of, d->narms * sizeof(size_t));
	for (size_t s = 0; s < k; s++) {
		sort_small(key + d->arm0[s], d->arm0[s + 1] - d->arm0[s]);
		ord[s] = s;
	}
	struct bydesign B = { d, key };
	sort_designs(&B, ord, ord + k, k);
	for (size_t t = 0; t < T; t++)
		col[t] = SIZE_MAX;
	n->ndesigns = 0;
	for (size_t i = 0; i < k;) {	/* each run of one design */
		size_t j = i + 1, s = ord[i], a0 = d->arm0[s];
		size_t a = d->arm0[s + 1] - a0;
		while (j < k && d->arm0[ord[j] + 1] - d->arm0[ord[j]] == a &&
		    memcmp(key + a0, key + d->arm0[ord[j]], a *
		    sizeof(size_t)) == 0)
			j++;
		n->ndesigns++;
		if (j - i == 1) {
			qw += d->qin[s];	/* one study fits itself */
		} else {
			for (size_t l = 1; l < a; l++)	/* the design's means */
				col[key[a0 + l]] = l - 1;
			if (mk_netgls_at(d, ord + i, j - i, col, a - 1, 0, 0, &g,
			    err) != 0)
				goto done;
			qw += g.q;
			dfw += (j - i - 1) * (a - 1);
			for (size_t l = 1; l < a; l++)
				col[key[a0 + l]] = SIZE_MAX;
		}
		i = j;
	}
	n->q_within = (double)qw;
	n->df_within = (double)dfw;
	n->p_within = dfw > 0 ? gsl_cdf_chisq_Q(n->q_within, n->df_within) :
	    NAN;
	n->q_between = n->q - n->q_within;
	n->df_between = n->df - n->df_within;
	n->p_between = n->df_between > 0 ? gsl_cdf_chisq_Q(fmax(0,
	    n->q_between), n->df_between) : NAN;
	rc = 0;
done:
	mk_netgls_free(&g);
	free(key);
	free(ord);
	free(col);
	return rc;
}

/* SIDE by back-calculation (Dias et al. 2010 Stat Med 29:932; Koenig,
 * Krahn & Binder 2013 Stat Med 32:5414; netmeta netsplit): for a pair
 * t1, t2 with direct evidence, direct = the inverse-variance mean of the
 * t1-minus-t2 contrasts of the studies with both (each with its pairwise
 * variance v, unreduced; weights 1/(v + tau2) under random effects),
 * V_d = 1/sum w; with the network's estimate d and variance V_n,
 * V_i = 1/(1/V_n - 1/V_d), indirect = V_i (d/V_n - direct/V_d), diff =
 * direct - indirect with variance V_d + V_i and a z test. When V_n/V_d
 * >= 0.995 the indirect evidence is nil or negligible (a bridge) and
 * only the direct estimate is given. */
int
mk_network_split(mk_network *n, mk_err *err)
{
	const mk_netdata *d = n->d;
	size_t T = n->T, np = 0;
	long double *sw = calloc(2 * T * T, sizeof(long double));
	double tau2 = n->random ? n->tau2 : 0;

	if (sw == NULL) {
		mk_err_set(err, d->file, 0, "", "out of memory");
		return -1;
	}
	long double *swy = sw + T * T;
	for (size_t s = 0; s < d->k; s++) {	/* each pair of arms */
		size_t a0 = d->arm0[s], m = d->arm0[s + 1] - a0 - 1;
		const double *V = d->v + d->voff[s];
		for (size_t i = 0; i <= m; i++)
			for (size_t l = i + 1; l <= m; l++) {
				size_t ti = d->trt_of[a0 + i];
				size_t tl = d->trt_of[a0 + l];
				double v = i == 0 ? V[(l - 1) * m + (l - 1)] :
				    V[(i - 1) * m + (i - 1)] + V[(l - 1) * m +
				    (l - 1)] - 2 * V[(i - 1) * m + (l - 1)];
				double y = d->y[a0 + i] - d->y[a0 + l];
				long double w = 1 / ((long double)v + tau2);
				if (ti > tl) {	/* t1 before t2 */
					size_t tmp = ti;
					ti = tl;
					tl = tmp;
					y = -y;
				}
				sw[ti * T + tl] += w;
				swy[ti * T + tl] += w * y;
			}
	}
	for (size_t i = 0; i < T * T; i++)
		np += sw[i] > 0;
	n->nsplit = 0;
	if ((n->split = calloc(np ? np : 1, sizeof(mk_netsplit))) == NULL) {
		free(sw);
		mk_err_set(err, d->file, 0, "", "out of memory");
		return -1;
	}
	for (size_t t1 = 0; t1 < T; t1++)
		for (size_t t2 = t1 + 1; t2 < T; t2++) {
			long double w = sw[t1 * T + t2];
			mk_netsplit *x;
			double est, se;
			if (!(w > 0))
				continue;
			x = &n->split[n->nsplit++];
			x->t1 = t1;
			x->t2 = t2;
			x->k = n->direct[t1 * T + t2];
			x->direct = (double)(swy[t1 * T + t2] / w);
			double vd = (double)(1 / w);
			x->direct_se = sqrt(vd);
			mk_network_pair(n, t1, t2, &est, &se);
			double vn = se * se;
			x->prop = vn / vd;
			x->indirect = x->indirect_se = x->diff = x->diff_se =
			    x->p = NAN;
			if (!(x->prop < 0.995))
				continue;
			double vi = 1 / (1 / vn - 1 / vd);
			x->indirect_se = sqrt(vi);
			x->indirect = vi * (est / vn - x->direct / vd);
			x->diff = x->direct - x->indirect;
			x->diff_se = sqrt(vd + vi);
			x->p = 2 * gsl_cdf_ugaussian_Q(fabs(x->diff /
			    x->diff_se));
		}
	free(sw);
	return 0;
}
