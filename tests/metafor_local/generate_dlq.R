# generate_dlq.R: reference values for DerSimonian-Laird with tau2 from the
# Q around the Mantel-Haenszel estimate (metak --dl-q mh; RevMan 5 and R
# meta's Q.Cochrane = TRUE) and for --drop00. metafor has no such option,
# so the DL step is written out from its definition (Q_MH = sum w (y -
# mu_MH)^2, w = 1/v of escalc's estimates, tau2 = max(0, (Q_MH - (k - 1)) /
# (sum w - sum w^2 / sum w))) around metafor's own rma.mh estimate and
# escalc's estimates, and the pooled values are rma(yi, vi, tau2 = tau2),
# metafor's fit at that tau2. --drop00 is escalc(drop00 = TRUE).
# Computed with R metafor (3.8-1 when written). Run from this folder:
#   Rscript generate_dlq.R > expected_dlq.json
# It writes dz.csv: random trials drawn with a fixed seed, with double-zero
# and all-event studies forced in (test input, not data about anything).
suppressMessages(library(metafor))
source("cases.R")
ctl <- list(threshold = 1e-14, tol = 1e-14, maxiter = 10000)
set.seed(20261124)
k <- 14
dz <- data.frame(study = paste0("d", 1:k), n_t = sample(10:80, k, TRUE), n_c = sample(10:80, k, TRUE))
dz$events_t <- rbinom(k, dz$n_t, 0.08); dz$events_c <- rbinom(k, dz$n_c, 0.15)
dz$events_t[c(2, 9)] <- 0; dz$events_c[c(2, 9)] <- 0          # double zero
dz$events_t[5] <- dz$n_t[5]; dz$events_c[5] <- dz$n_c[5]      # every participant an event
dz$events_c[11] <- 0                                          # one zero cell
write.csv(dz[, c("study", "events_t", "n_t", "events_c", "n_c")], "dz.csv", row.names = FALSE, quote = FALSE)

dlq <- function(file, d, measure, test = "z", drop00 = FALSE) {
  es <- escalc(measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d, drop00 = drop00)
  keep <- is.finite(es$yi) & is.finite(es$vi)
  mh <- rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d, measure = measure,
               subset = keep)
  y <- es$yi[keep]; v <- es$vi[keep]; w <- 1 / v
  q <- sum(w * (y - c(mh$beta))^2)
  t2 <- max(0, (q - (length(y) - 1)) / (sum(w) - sum(w^2) / sum(w)))
  r <- rma(y, v, tau2 = t2, test = test)
  args <- c("--measure", measure, "--method", "DL", "--dl-q", "mh", "--ci", test)
  if (drop00) args <- c(args, "--drop00")
  add(sprintf("%s/%s/%s/dlq%s", sub(".csv", "", file), measure, test, if (drop00) "/drop00" else ""),
      file, sub("knha", "hksj", args),
      list("k" = r$k, "pooled.estimate" = c(r$beta), "pooled.se" = r$se,
           "pooled.ci_low" = r$ci.lb, "pooled.ci_high" = r$ci.ub, "pooled.p" = r$pval,
           "heterogeneity.q" = q, "heterogeneity.tau2" = t2, "heterogeneity.i2" = r$I2,
           "heterogeneity.h2" = r$H2))
}
drop <- function(file, d, measure, method) {
  es <- escalc(measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d, drop00 = TRUE)
  r <- rma(yi, vi, data = es, method = method, control = ctl)
  add(sprintf("%s/%s/%s/drop00", sub(".csv", "", file), measure, method), file,
      c("--measure", measure, "--method", method, "--drop00"),
      list("k" = r$k, "pooled.estimate" = c(r$beta), "pooled.se" = r$se,
           "pooled.ci_low" = r$ci.lb, "pooled.ci_high" = r$ci.ub,
           "heterogeneity.q" = r$QE, "heterogeneity.tau2" = r$tau2))
}
for (file in c("bcg.csv", "li2007.csv", "random_binary_5.csv", "random_binary_25.csv", "dz.csv")) {
  d <- read.csv(file)
  for (measure in c("OR", "RR", "RD")) {
    dlq(file, d, measure)
    dlq(file, d, measure, test = "knha")
  }
}
d <- read.csv("dz.csv")
for (measure in c("OR", "RR")) {
  dlq("dz.csv", d, measure, drop00 = TRUE)
  for (method in c("REML", "DL", "FE")) drop("dz.csv", d, measure, method)
}
emit(sprintf("metafor %s", packageVersion("metafor")))
