/* prior.c: the table of the priors --method BAYES takes (on tau, and
 * flat or normal on mu), searched by name: reading "halfnormal:0.5",
 * naming a prior, its log density, normalising constant, tail and where
 * its mass lies; the default prior by measure. fit/bayes.c computes the
 * posterior. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

#define LOG_SQRT_2PI 0.91893853320467274178032973640562
#define LN2 0.69314718055994530941723212145818
#define PI 3.14159265358979323846264338327950

static double lp_flat(double t, const mk_prior *p) { (void)t; (void)p; return 0; }
static double
lp_hnorm(double t, const mk_prior *p)
{
	double u = t / p->a;

	return -0.5 * u * u;
}
static double
lp_hcauchy(double t, const mk_prior *p)
{
	double u = t / p->a;

	return -log1p(u * u);
}
static double
lp_ht(double t, const mk_prior *p)
{
	double u = t / p->a;

	return -0.5 * (p->b + 1) * log1p(u * u / p->b);
}
static double
lp_unif(double t, const mk_prior *p)
{
	return t <= p->a ? 0 : -INFINITY;
}
static double lp_exp(double t, const mk_prior *p) { return -p->a * t; }
/* log tau^2 ~ N(M, S^2): the density of tau is 2/tau times that of
 * log tau^2 at 2 log tau */
static double
lp_lntau2(double t, const mk_prior *p)
{
	double z = (2 * log(t) - p->a) / p->b;

	return t > 0 ? -0.5 * z * z - log(t) : -INFINITY;
}

static double ln_none(const mk_prior *p) { (void)p; return NAN; }
static double
ln_hnorm(const mk_prior *p)
{
	return LN2 - log(p->a) - LOG_SQRT_2PI;
}
static double ln_hcauchy(const mk_prior *p) { return log(2 / (PI * p->a)); }
static double
ln_ht(const mk_prior *p)
{
	return LN2 + lgamma((p->b + 1) / 2) - lgamma(p->b / 2) -
	    0.5 * log(p->b * PI) - log(p->a);
}
static double ln_unif(const mk_prior *p) { return -log(p->a); }
static double ln_exp(const mk_prior *p) { return log(p->a); }
static double
ln_lntau2(const mk_prior *p)
{
	return LN2 - log(p->b) - LOG_SQRT_2PI;
}

/* The exponent a of a power tail tau^-a; INFINITY: lighter. */
static double tl_light(const mk_prior *p) { (void)p; return INFINITY; }
static double tl_flat(const mk_prior *p) { (void)p; return 0; }
static double tl_hcauchy(const mk_prior *p) { (void)p; return 2; }
static double tl_ht(const mk_prior *p) { return p->b + 1; }

/* Where the prior's mass lies: from lo to hi (NaN: anywhere). */
static void
sc_none(const mk_prior *p, double *lo, double *hi)
{
	(void)p;
	*lo = *hi = NAN;
}
static void
sc_a(const mk_prior *p, double *lo, double *hi)
{
	*lo = *hi = p->a;
}
static void
sc_rate(const mk_prior *p, double *lo, double *hi)
{
	*lo = *hi = 1 / p->a;
}
static void
sc_lntau2(const mk_prior *p, double *lo, double *hi)
{
	*lo = exp((p->a - 12 * p->b) / 2);	/* 12 sd of log tau^2 */
	*hi = exp((p->a + 12 * p->b) / 2);
}

#define ON_TAU 1
#define ON_MU 2
static const struct pkind {
	const char *name;
	mk_prior_kind kind;
	int on;			/* ON_TAU, ON_MU */
	int np;			/* parameters */
	unsigned pos;		/* bit i: parameter i must be positive */
	const char *form;	/* as written on the command line */
	const char *cond;	/* what its parameters must be */
	double (*logd)(double, const mk_prior *);	/* log density of tau
						 * up to a constant */
	double (*lognorm)(const mk_prior *);	/* its log normalising constant */
	double (*tail)(const mk_prior *);
	void (*scales)(const mk_prior *, double *, double *);
} pkinds[] = {
	{ "halfnormal", MK_PRIOR_HALFNORMAL, ON_TAU, 1, 1, "halfnormal:S",
	  " with S positive", lp_hnorm, ln_hnorm, tl_light, sc_a },
	{ "halfcauchy", MK_PRIOR_HALFCAUCHY, ON_TAU, 1, 1, "halfcauchy:S",
	  " with S positive", lp_hcauchy, ln_hcauchy, tl_hcauchy, sc_a },
	{ "halft", MK_PRIOR_HALFT, ON_TAU, 2, 3, "halft:S,NU",
	  " with S and NU positive", lp_ht, ln_ht, tl_ht, sc_a },
	{ "uniform", MK_PRIOR_UNIFORM, ON_TAU, 1, 1, "uniform:A",
	  " with A positive", lp_unif, ln_unif, tl_light, sc_a },
	{ "exponential", MK_PRIOR_EXPONENTIAL, ON_TAU, 1, 1, "exponential:R",
	  " with R positive", lp_exp, ln_exp, tl_light, sc_rate },
	{ "lognormal-tau2", MK_PRIOR_LNTAU2, ON_TAU, 2, 2, "lognormal-tau2:M,S",
	  " with S positive", lp_lntau2, ln_lntau2, tl_light, sc_lntau2 },
	{ "flat", MK_PRIOR_FLAT, ON_TAU | ON_MU, 0, 0, "flat", "", lp_flat,
	  ln_none, tl_flat, sc_none },
	{ "normal", MK_PRIOR_NORMAL, ON_MU, 2, 2, "normal:M,S",
	  " with S positive", NULL, ln_none, tl_light, sc_none },
};
#define NPKINDS (sizeof(pkinds) / sizeof(pkinds[0]))

static const struct pkind *
pkind_of(mk_prior_kind k)
{
	for (size_t i = 0; i < NPKINDS; i++)
		if (pkinds[i].kind == k)
			return &pkinds[i];
	return &pkinds[0];
}

const char *
mk_prior_forms(void)
{
	return "halfnormal:S, halfcauchy:S, halft:S,NU, uniform:A, "
	    "exponential:R, lognormal-tau2:M,S or flat";
}

int
mk_prior_parse(const char *spec, int on_mu, mk_prior *p, char *why, size_t n)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct pkind *pk = NULL;
	double par[2] = { NAN, NAN };
	int np = 0;

	for (size_t i = 0; i < NPKINDS && pk == NULL; i++)
		if ((pkinds[i].on & (on_mu ? ON_MU : ON_TAU)) &&
		    strlen(pkinds[i].name) == len &&
		    strncmp(pkinds[i].name, spec, len) == 0)
			pk = &pkinds[i];
	/* "uniform" alone is bayesmeta's name of the flat prior */
	if (pk != NULL && pk->kind == MK_PRIOR_UNIFORM && colon == NULL)
		pk = pkind_of(MK_PRIOR_FLAT);
	if (pk == NULL) {
		snprintf(why, n, "expected %s, got \"%s\"", on_mu ?
		    "flat or normal:M,S (S positive)" : mk_prior_forms(), spec);
		return -1;
	}
	for (const char *s = colon ? colon + 1 : NULL; s != NULL && np < 3;
	    np++) {
		char *end;
		double x = strtod(s, &end);
		if (end == s || !isfinite(x) || (*end != ',' && *end != '\0') ||
		    np == 2)
			goto bad;
		par[np] = x;
		s = *end == ',' ? end + 1 : NULL;
	}
	if (np != pk->np)
		goto bad;
	for (int i = 0; i < np; i++)
		if (((pk->pos >> i) & 1) && !(par[i] > 0))
			goto bad;
	p->kind = pk->kind;
	p->a = par[0];
	p->b = par[1];
	return 0;
bad:
	snprintf(why, n, "expected %s%s, got \"%s\"", pk->form, pk->cond,
	    spec);
	return -1;
}

void
mk_prior_name(const mk_prior *p, char *out, size_t n)
{
	const struct pkind *pk = pkind_of(p->kind);
	char a[32], b[32];

	if (p->kind == MK_PRIOR_DEFAULT || pk->np == 0) {
		snprintf(out, n, "flat");
		return;
	}
	mk_fmt_g15(a, p->a);
	mk_fmt_g15(b, p->b);
	snprintf(out, n, "%s(%s%s%s)", pk->name, a, pk->np > 1 ? "," : "",
	    pk->np > 1 ? b : "");
}

double
mk_prior_density(const mk_prior *p, double tau)
{
	const struct pkind *pk = pkind_of(p->kind);

	if (!(tau >= 0) || pk->logd == NULL)
		return NAN;
	return exp(pk->lognorm(p) + pk->logd(tau, p));
}

double
mk_prior_logd(const mk_prior *p, double tau)
{
	return pkind_of(p->kind)->logd(tau, p);
}

double
mk_prior_tail(const mk_prior *p)
{
	return pkind_of(p->kind)->tail(p);
}

void
mk_prior_scales(const mk_prior *p, double *lo, double *hi)
{
	pkind_of(p->kind)->scales(p, lo, hi);
}

/* The measures whose default prior on tau is halfnormal(0.5): those
 * without units (Roever et al. 2021, Res Synth Methods 12:448). */
static const mk_measure unitless[] = { MK_OR, MK_RR, MK_ROM, MK_IRR, MK_SMD,
    MK_ZCOR, MK_PLO };

int
mk_prior_default(mk_measure m, mk_prior *p)
{
	for (size_t i = 0; i < sizeof(unitless) / sizeof(unitless[0]); i++)
		if (m == unitless[i]) {
			p->kind = MK_PRIOR_HALFNORMAL;
			p->a = 0.5;
			p->b = NAN;
			return 0;
		}
	return -1;
}

void
mk_prior_no_default(mk_measure measure, mk_err *err)
{
	const char *m = mk_measure_get(measure)->name;

	mk_err_set(err, "", 0, "", "--method BAYES with %s needs --prior-tau: "
	    "tau is on the scale of %s, so no default prior fits every "
	    "analysis; choose one of %s (S, A and 1/R in the unit of %s)", m,
	    m, mk_prior_forms(), m);
	err->usage = 1;
}

void
mk_prior_improper(const mk_prior *tau, int normal_mu, size_t k, double a,
    mk_err *err)
{
	char name[80];

	mk_prior_name(tau, name, sizeof(name));
	mk_err_set(err, "", 0, "", "the posterior is improper: with %zu "
	    "stud%s, a %s prior on tau and a %s prior on mu, p(tau | y) "
	    "falls off as tau^-%g for large tau and does not integrate; a "
	    "flat prior on tau needs at least 3 studies (2 with a normal "
	    "prior on mu); use a proper prior such as halfnormal:S or "
	    "halfcauchy:S", k, k == 1 ? "y" : "ies", name, normal_mu ?
	    "normal" : "flat", a);
}
