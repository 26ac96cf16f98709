# metafor_fit.R FILE METHOD [loo]: one rma() fit, or leave1out() of it.
suppressMessages(library(metafor))
a <- commandArgs(TRUE)
d <- read.csv(a[1])
r <- rma(yi, vi, data = d, method = a[2])
if (length(a) > 2) invisible(leave1out(r))
cat(r$beta, r$tau2, "\n")
