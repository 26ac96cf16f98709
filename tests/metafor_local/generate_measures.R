# generate_measures.R: reference values for the correlation, proportion and
# rate measures beyond ../reference/measures: data with zero cells (no
# events, every participant an event, double-zero rate pairs), the
# continuity correction variants (--cc-to only0 and all, --cc 0.25, --cc-to
# none where escalc leaves the study out), r near -1 and n = 4 for ZCOR,
# every tau2 estimator on one set, pooled values back on the natural scale
# as predict(transf = ...) gives them, and subgroups. Computed with R
# metafor (3.8-1 when written), convergence 1e-14. Run from this folder:
#   Rscript generate_measures.R > expected_measures.json
# It writes props.csv, rates1.csv, rates2.csv and cors.csv: random data
# drawn with a fixed seed (test input, not data about anything).
suppressMessages(library(metafor))
source("cases.R")
ctl <- list(threshold = 1e-14, tol = 1e-14, maxiter = 10000)
set.seed(20261124)
k <- 10
props <- data.frame(study = paste0("p", 1:k), n = sample(5:60, k, replace = TRUE))
props$events <- rbinom(k, props$n, 0.3)
props$events[2] <- 0; props$events[5] <- props$n[5]   # no events; all events
props$grp <- rep(c("a", "b"), length.out = k)
write.csv(props[, c("study", "events", "n", "grp")], "props.csv", row.names = FALSE, quote = FALSE)
rates1 <- data.frame(study = paste0("r", 1:k), time = round(runif(k, 50, 900), 1))
rates1$events <- rpois(k, rates1$time * 0.02); rates1$events[3] <- 0
write.csv(rates1[, c("study", "events", "time")], "rates1.csv", row.names = FALSE, quote = FALSE)
rates2 <- data.frame(study = paste0("t", 1:k), time_t = round(runif(k, 50, 900), 1),
                     time_c = round(runif(k, 50, 900), 1))
rates2$events_t <- rpois(k, rates2$time_t * 0.01); rates2$events_c <- rpois(k, rates2$time_c * 0.02)
rates2$events_t[4] <- 0; rates2$events_c[7] <- 0; rates2$events_t[9] <- 0; rates2$events_c[9] <- 0
write.csv(rates2[, c("study", "events_t", "time_t", "events_c", "time_c")], "rates2.csv",
          row.names = FALSE, quote = FALSE)
cors <- data.frame(study = paste0("c", 1:k), ni = sample(4:200, k, replace = TRUE))
cors$ri <- round(tanh(rnorm(k, 0.3, 0.3) + rnorm(k, 0, 1 / sqrt(cors$ni - 3))), 3)
cors$ni[1] <- 4; cors$ri[2] <- -0.995
write.csv(cors[, c("study", "ri", "ni")], "cors.csv", row.names = FALSE, quote = FALSE)

transf <- list(ZCOR = transf.ztor, PLO = transf.ilogit, PAS = transf.iarcsin, PLN = exp,
               IRLN = exp, IRR = exp, IRS = transf.isqrt)
case <- function(id, file, measure, es, method = "REML", test = "z", args = character(), ni = NULL) {
  # metak leaves out a study whose variance is 0 (PR, PLN or IR of no
  # events without a correction, IRD of two zero rates): metafor keeps it
  # in a random-effects fit and cannot then compute Q, I2 or H2; these
  # cases fit the studies metak keeps
  keep <- is.finite(es$yi) & is.finite(es$vi) & es$vi > 0
  r <- rma(yi, vi, data = es, subset = keep, method = method, test = test, control = ctl)
  ex <- list("k" = r$k, "pooled.estimate" = c(r$beta), "pooled.se" = r$se,
             "pooled.ci_low" = r$ci.lb, "pooled.ci_high" = r$ci.ub, "pooled.p" = r$pval,
             "heterogeneity.q" = r$QE, "heterogeneity.tau2" = r$tau2)
  for (i in 0:2) {
    ex[[sprintf("studies.%d.yi", i)]] <- es$yi[keep][i + 1]
    ex[[sprintf("studies.%d.vi", i)]] <- es$vi[keep][i + 1]
  }
  p <- NULL
  if (measure == "PFT") p <- predict(r, transf = transf.ipft.hm, targs = list(ni = ni[keep]))
  else if (!is.null(transf[[measure]])) p <- predict(r, transf = transf[[measure]])
  if (!is.null(p)) {
    ex[["pooled.natural.estimate"]] <- p$pred; ex[["pooled.natural.ci_low"]] <- p$ci.lb
    ex[["pooled.natural.ci_high"]] <- p$ci.ub
    if (method != "FE") { ex[["pooled.natural.pi_low"]] <- p$pi.lb; ex[["pooled.natural.pi_high"]] <- p$pi.ub }
  }
  add(id, file, c("--measure", measure, "--method", method, "--ci", if (test == "knha") "hksj" else "z", args), ex)
}
# escalc's add is passed only where metak's --cc is given: PAS, PFT, IRS
# and IRSD take no correction unless it is (escalc's add = 0 by default)
corr <- list(only0 = list(add = NULL, to = "only0", args = character()),
             all = list(add = NULL, to = "all", args = c("--cc-to", "all")),
             quarter = list(add = 0.25, to = "only0", args = c("--cc", "0.25")),
             given = list(add = 0.5, to = "all", args = c("--cc", "0.5", "--cc-to", "all")),
             none = list(add = NULL, to = "none", args = c("--cc-to", "none")))
es_call <- function(m, cc, ...) {
  a <- list(measure = m, ..., to = cc$to)
  if (!is.null(cc$add)) a$add <- cc$add
  suppressWarnings(do.call(escalc, a))
}
for (m in c("PR", "PLO", "PAS", "PFT", "PLN")) for (cn in names(corr)) {
  cc <- corr[[cn]]
  es <- es_call(m, cc, xi = props$events, ni = props$n)
  es$grp <- props$grp
  case(sprintf("props/%s/%s", m, cn), "props.csv", m, es, args = cc$args, ni = props$n)
}
for (m in c("IR", "IRLN", "IRS")) for (cn in names(corr)) {
  cc <- corr[[cn]]
  es <- es_call(m, cc, xi = rates1$events, ti = rates1$time)
  case(sprintf("rates1/%s/%s", m, cn), "rates1.csv", m, es, args = cc$args)
}
for (m in c("IRR", "IRD", "IRSD")) for (cn in names(corr)) {
  cc <- corr[[cn]]
  es <- es_call(m, cc, x1i = rates2$events_t, t1i = rates2$time_t, x2i = rates2$events_c,
                t2i = rates2$time_c)
  case(sprintf("rates2/%s/%s", m, cn), "rates2.csv", m, es, args = cc$args)
}
for (m in c("COR", "ZCOR")) for (meth in c("REML", "DL", "FE", "HE", "SJ", "ML", "EB", "HS")) {
  es <- escalc(m, ri = ri, ni = ni, data = cors)
  case(sprintf("cors/%s/%s", m, meth), "cors.csv", m, es, method = meth)
}
for (m in c("PFT", "PLO")) for (t in c("z", "knha")) {
  es <- escalc(m, xi = events, ni = n, data = props)
  case(sprintf("props/%s/DL/%s", m, t), "props.csv", m, es, method = "DL", test = t, ni = props$n)
}
# subgroups: each level's pooled value on the natural scale (PFT at the
# harmonic mean of the level's n)
for (m in c("PFT", "PLO")) {
  es <- escalc(m, xi = events, ni = n, data = props)
  ex <- list()
  for (g in c("a", "b")) {
    s <- es$grp == g
    r <- rma(yi, vi, data = es, subset = s, method = "REML", control = ctl)
    p <- if (m == "PFT") predict(r, transf = transf.ipft.hm, targs = list(ni = props$n[s]))
         else predict(r, transf = transf.ilogit)
    ex[[sprintf("subgroups.groups.%s.pooled.estimate", g)]] <- c(r$beta)
    ex[[sprintf("subgroups.groups.%s.pooled.natural.estimate", g)]] <- p$pred
    ex[[sprintf("subgroups.groups.%s.pooled.natural.ci_low", g)]] <- p$ci.lb
    ex[[sprintf("subgroups.groups.%s.pooled.natural.pi_high", g)]] <- p$pi.ub
  }
  add(sprintf("props/%s/REML/by-grp", m), "props.csv", c("--measure", m, "--by", "grp"), ex)
}
emit(sprintf("metafor %s", packageVersion("metafor")))
