# metafor_glmm.R FILE MODEL: one rma.glmm() fit of the two-arm counts in
# FILE (metafor's defaults: 7-point quadrature, or integrate() over
# BiasedUrn's pmf for CM.EL, which needs r-cran-biasedurn).
suppressMessages(library(metafor))
a <- commandArgs(TRUE)
d <- read.csv(a[1])
r <- rma.glmm(measure = "OR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c,
              data = d, model = a[2])
cat(r$beta, r$tau2, "\n")
