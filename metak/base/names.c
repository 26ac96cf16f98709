/* names.c: the tables of measures and methods, searched by name, so that
 * the option parser, --help, the renderers and the tests agree. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "base/internal.h"

const mk_measure_info mk_measures[] = {
	{ "OR", MK_OR, 1, "Odds ratio", MK_FAM_2X2, MK_TR_EXP },
	{ "RR", MK_RR, 1, "Risk ratio", MK_FAM_2X2, MK_TR_EXP },
	{ "RD", MK_RD, 0, "Risk difference", MK_FAM_2X2, MK_TR_NONE },
	{ "MD", MK_MD, 0, "Mean difference", MK_FAM_ARMS, MK_TR_NONE },
	{ "SMD", MK_SMD, 0, "Standardised mean difference (Hedges' g)",
	    MK_FAM_ARMS, MK_TR_NONE },
	{ "ROM", MK_ROM, 1, "Ratio of means", MK_FAM_ARMS, MK_TR_EXP },
	{ "COR", MK_COR, 0, "Correlation", MK_FAM_COR, MK_TR_NONE },
	{ "ZCOR", MK_ZCOR, 0, "Correlation, Fisher's z", MK_FAM_COR,
	    MK_TR_TANH },
	{ "PR", MK_PR, 0, "Proportion", MK_FAM_PROP, MK_TR_NONE },
	{ "PLO", MK_PLO, 0, "Proportion, logit", MK_FAM_PROP, MK_TR_ILOGIT },
	{ "PAS", MK_PAS, 0, "Proportion, arcsine square root", MK_FAM_PROP,
	    MK_TR_IARCSIN },
	{ "PFT", MK_PFT, 0, "Proportion, Freeman-Tukey double arcsine",
	    MK_FAM_PROP, MK_TR_IPFT },
	{ "PLN", MK_PLN, 0, "Proportion, log", MK_FAM_PROP, MK_TR_EXP },
	{ "IRR", MK_IRR, 1, "Incidence rate ratio", MK_FAM_RATE2,
	    MK_TR_EXP },
	{ "IRD", MK_IRD, 0, "Incidence rate difference", MK_FAM_RATE2,
	    MK_TR_NONE },
	{ "IRSD", MK_IRSD, 0, "Difference of square-root incidence rates",
	    MK_FAM_RATE2, MK_TR_NONE },
	{ "IR", MK_IR, 0, "Incidence rate", MK_FAM_RATE1, MK_TR_NONE },
	{ "IRLN", MK_IRLN, 0, "Incidence rate, log", MK_FAM_RATE1,
	    MK_TR_EXP },
	{ "IRS", MK_IRS, 0, "Incidence rate, square root", MK_FAM_RATE1,
	    MK_TR_ISQRT },
	{ "GEN", MK_GEN, 0, "Generic effect", MK_FAM_ANY, MK_TR_NONE },
};
const size_t mk_nmeasures = sizeof(mk_measures) / sizeof(mk_measures[0]);

const mk_method_info mk_methods[] = {
	{ "FE", MK_FE, 0, "fixed effect, inverse variance" },
	{ "MH", MK_MH, 0, "fixed effect, Mantel-Haenszel" },
	{ "PETO", MK_PETO, 0, "fixed effect, Peto" },
	{ "DL", MK_DL, 1, "random effects, DerSimonian-Laird" },
	{ "REML", MK_REML, 1, "random effects, restricted maximum likelihood" },
	{ "ML", MK_ML, 1, "random effects, maximum likelihood" },
	{ "PM", MK_PM, 1, "random effects, Paule-Mandel" },
	{ "EB", MK_EB, 1, "random effects, empirical Bayes" },
	{ "HE", MK_HE, 1, "random effects, Hedges" },
	{ "SJ", MK_SJ, 1, "random effects, Sidik-Jonkman" },
	{ "HS", MK_HS, 1, "random effects, Hunter-Schmidt" },
	{ "BAYES", MK_BAYES, 1, "Bayesian random effects" },
};
const size_t mk_nmethods = sizeof(mk_methods) / sizeof(mk_methods[0]);

const mk_glmm_info mk_glmms[] = {
	{ "UM.FS", MK_GLMM_UMFS, "unconditional model, fixed study effects",
	    { MK_OR, MK_IRR } },
	{ "UM.RS", MK_GLMM_UMRS, "unconditional model, random study effects",
	    { MK_OR, MK_IRR } },
	{ "CM.EL", MK_GLMM_CMEL, "conditional model, exact likelihood",
	    { MK_OR, MK_IRR } },
	{ "CM.AL", MK_GLMM_CMAL, "conditional model, approximate likelihood",
	    { MK_OR, MK_IRR } },
	{ "BN", MK_GLMM_BN, "binomial-normal (Poisson-normal) model",
	    { MK_PLO, MK_IRLN } },
};
const size_t mk_nglmms = sizeof(mk_glmms) / sizeof(mk_glmms[0]);

const mk_glmm_info *
mk_glmm_find(const char *name)
{
	for (size_t i = 0; i < mk_nglmms; i++)
		if (strcasecmp(mk_glmms[i].name, name) == 0)
			return &mk_glmms[i];
	return NULL;
}

const mk_glmm_info *
mk_glmm_get(mk_glmm id)
{
	for (size_t i = 0; i < mk_nglmms; i++)
		if (mk_glmms[i].id == id)
			return &mk_glmms[i];
	return NULL;
}

int
mk_glmm_fits(mk_glmm g, mk_measure m)
{
	const mk_glmm_info *gi = mk_glmm_get(g);

	return gi != NULL && (gi->measures[0] == m || gi->measures[1] == m);
}

const mk_measure_info *
mk_measure_find(const char *name)
{
	for (size_t i = 0; i < mk_nmeasures; i++)
		if (strcasecmp(mk_measures[i].name, name) == 0)
			return &mk_measures[i];
	return NULL;
}

const mk_measure_info *
mk_measure_get(mk_measure id)
{
	for (size_t i = 0; i < mk_nmeasures; i++)
		if (mk_measures[i].id == id)
			return &mk_measures[i];
	return &mk_measures[mk_nmeasures - 1];
}

const mk_method_info *
mk_method_find(const char *name)
{
	for (size_t i = 0; i < mk_nmethods; i++)
		if (strcasecmp(mk_methods[i].name, name) == 0)
			return &mk_methods[i];
	return NULL;
}

const mk_method_info *
mk_method_get(mk_method id)
{
	for (size_t i = 0; i < mk_nmethods; i++)
		if (mk_methods[i].id == id)
			return &mk_methods[i];
	return &mk_methods[0];
}

void
mk_opts_init(mk_opts *o)
{
	memset(o, 0, sizeof(*o));	/* every field, new ones too */
	o->measure = MK_MEASURE_AUTO;
	o->method = MK_REML;
	o->ci = MK_CI_Z;
	o->level = 95.0;
	o->cc = 0.5;
	o->cc_to = MK_CC_ONLY0;
	o->maxiter = 1000;
	o->tol = 1e-12;
	o->pm_tol = 0;	/* the root itself, not uniroot's 2^-13 */
	o->maps = NULL;
	o->nmaps = 0;
	o->common_tau2 = 0;
	o->no_tau2_ci = 0;
	o->tau2_init = NAN;
	o->tau2_fixed = NAN;
	o->md_pooled_var = 0;
	o->pi = MK_PI_AUTO;
	o->threshold = NAN;
}
