/* bayes_fit.c: the time of one --method BAYES fit of the first K studies
 * (yi, vi) of a bench/gen.py file, as the library does it for `metak pool`
 * (every summary, each study's shrunken effect), against one REML fit of
 * the same studies; reading and printing are left out. bench.sh builds
 * it against build/libmetak.a.
 * Usage: bayes_fit FILE K PRIOR REPEATS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metak.h"

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Seconds per fit of s under o, best of 3 runs of n fits. */
static double
per_fit(const mk_studies *s, const mk_opts *o, int n, double *median)
{
	double best = 1e300;

	for (int run = 0; run < 3; run++) {
		double t0 = now();
		for (int i = 0; i < n; i++) {
			mk_fit f;
			mk_warn w = { 0 };
			mk_err e;
			memset(&f, 0, sizeof(f));
			if (mk_fit_run(s, o, &f, &w, &e) != 0) {
				fprintf(stderr, "bayes_fit: %s\n", e.msg);
				exit(1);
			}
			*median = f.est;
			mk_fit_free(&f);
			mk_warn_clear(&w);
		}
		double t = (now() - t0) / n;
		if (t < best)
			best = t;
	}
	return best;
}

int
main(int argc, char **argv)
{
	char line[256], why[256];
	size_t k = argc > 2 ? strtoul(argv[2], NULL, 10) : 0, n = 0;
	FILE *fp = argc > 4 ? fopen(argv[1], "r") : NULL;

	if (fp == NULL || k == 0) {
		fprintf(stderr, "usage: bayes_fit FILE K PRIOR REPEATS\n");
		return 2;
	}
	mk_studies *s = mk_studies_alloc(MK_KIND_GENERIC, 0, 0, k);
	if (s == NULL || fgets(line, sizeof(line), fp) == NULL)
		return 1;
	while (n < k && fgets(line, sizeof(line), fp) != NULL) {
		char *c = strchr(line, ',');	/* study,yi,vi */
		if (c == NULL || sscanf(c + 1, "%lf,%lf", &s->yi[n],
		    &s->vi[n]) != 2)
			return 1;
		s->row[n] = n;
		n++;
	}
	fclose(fp);
	s->k = n;
	s->measure = MK_GEN;

	mk_opts o;
	double est, reml, bayes;
	int reps = atoi(argv[4]);
	mk_opts_init(&o);
	o.measure = MK_GEN;
	o.method = MK_REML;
	reml = per_fit(s, &o, reps, &est);
	o.method = MK_BAYES;
	if (mk_prior_parse(argv[3], 0, &o.prior_tau, why, sizeof(why)) != 0) {
		fprintf(stderr, "bayes_fit: %s\n", why);
		return 2;
	}
	bayes = per_fit(s, &o, reps, &est);
	printf("k = %zu: BAYES (%s) %.1f us per fit (posterior median %.6f); "
	    "REML %.1f us; ratio %.1f\n", n, argv[3], 1e6 * bayes, est,
	    1e6 * reml, bayes / reml);
	mk_studies_free(s);
	return 0;
}
