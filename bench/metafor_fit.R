# metafor_fit.R FILE METHOD [loo|mods|mv]: one rma() fit, leave1out() of
# it, the fit with moderators x1 and x2, or rma.mv with random = ~ 1 |
# cluster/es.
suppressMessages(library(metafor))
a <- commandArgs(TRUE)
d <- read.csv(a[1])
if (length(a) > 2 && a[3] == "mods") {
  r <- rma(yi, vi, mods = ~ x1 + x2, data = d, method = a[2])
} else if (length(a) > 2 && a[3] == "mv") {
  r <- rma.mv(yi, vi, random = ~ 1 | cluster/es, data = d, method = a[2])
  r$tau2 <- r$sigma2
} else {
  r <- rma(yi, vi, data = d, method = a[2])
  if (length(a) > 2) invisible(leave1out(r))
}
cat(r$beta, r$tau2, "\n")
