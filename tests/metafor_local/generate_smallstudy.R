# generate_smallstudy.R: reference values for Harbord's and Peters' tests
# (metak bias on 2x2 data). Neither is in metafor, so each is R's lm() on
# the quantities the papers define, with escalc's per-study log odds ratio
# (0.5 added to tables with a zero cell) for Peters:
#   Harbord et al. 2006 (Stat Med 25:3443): lm(Z/sqrt(V) ~ sqrt(V)),
#     Z = a - n1 (a + c)/N, V = n1 n2 (a + c)(b + d)/(N^2 (N - 1)),
#     tables with V = 0 left out; the test is on the intercept.
#   Peters et al. 2006 (JAMA 295:676): lm(yi ~ I(1/N), weights =
#     1/(1/(a + c) + 1/(b + d))), tables with no events or no non-events
#     left out; the test is on the slope.
# Run from this folder: Rscript generate_smallstudy.R > expected_smallstudy.json
suppressMessages(library(metafor))
source("cases.R")
for (file in c("bcg.csv", "li2007.csv", "random_binary_12.csv", "random_binary_25.csv", "dz.csv")) {
  d <- read.csv(file)
  d[, 2:5] <- lapply(d[, 2:5], as.numeric)   # products overflow R integers
  a <- d$events_t; b <- d$n_t - d$events_t; c <- d$events_c; dd <- d$n_c - d$events_c
  n1 <- d$n_t; n2 <- d$n_c; N <- n1 + n2
  V <- n1 * n2 * (a + c) * (b + dd) / (N^2 * (N - 1))
  Z <- a - n1 * (a + c) / N
  h <- V > 0
  hz <- Z[h] / sqrt(V[h]); hv <- sqrt(V[h])
  hs <- summary(lm(hz ~ hv))$coefficients
  for (measure in c("OR", "RR")) {
    es <- escalc(measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
    p <- (a + c) > 0 & (b + dd) > 0 & is.finite(es$yi)
    w <- 1 / (1 / (a + c) + 1 / (b + dd))
    ninv <- 1 / N
    ps <- summary(lm(es$yi[p] ~ ninv[p], weights = w[p]))$coefficients
    add(sprintf("%s/%s/harbord-peters", sub(".csv", "", file), measure), file,
        c("--measure", measure, "--method", "FE"), command = "bias", expect =
        list("harbord.intercept" = hs[1, 1], "harbord.intercept_se" = hs[1, 2],
             "harbord.stat" = hs[1, 3], "harbord.p" = hs[1, 4], "harbord.df" = sum(h) - 2,
             "harbord.k" = sum(h),
             "peters.slope" = ps[2, 1], "peters.slope_se" = ps[2, 2],
             "peters.stat" = ps[2, 3], "peters.p" = ps[2, 4], "peters.k" = sum(p)))
  }
}
emit(sprintf("R %s lm(), metafor %s", getRversion(), packageVersion("metafor")))
