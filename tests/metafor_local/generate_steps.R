# generate_steps.R: reference values for --leave-one-out and --cumulative
# refits of one study under Knapp-Hartung (issue 23): metafor fits a
# one-study model with test = "knha" by z (it has no t df), so leave1out()
# of k = 2 and the first step of cumul() give z intervals and p. Cases on
# random_cont_2.csv (MD and SMD), random_binary_2.csv (OR) and bcg.csv
# (cumulative, RR), with every estimator metak refits from running sums,
# and PM by metafor's search (--pm-tol), which metak refits from the rows.
# Run from this folder:
#   Rscript generate_steps.R > expected_steps.json
suppressMessages(library(metafor))
source("cases.R")
ctl <- list(threshold = 1e-14, tol = 1e-14, maxiter = 10000)
steps <- function(id, file, args, res) {
  ex <- list("k" = length(res$estimate))
  for (j in seq_along(res$estimate)) {
    for (key in c("estimate", "se", "ci.lb", "ci.ub", "pval", "Q", "tau2")) {
      name <- switch(key, ci.lb = "ci_low", ci.ub = "ci_high", pval = "p",
                     Q = "q", key)
      ex[[sprintf("steps.%d.%s", j - 1, name)]] <- res[[key, exact = FALSE]][j]  # cumul: pvals
    }
  }
  add(id, file, c(args, "--ci", "hksj"), ex)
}
cont <- read.csv("random_cont_2.csv")
bin <- read.csv("random_binary_2.csv")
bcg <- read.csv("bcg.csv")
for (m in c("DL", "REML", "ML", "PM", "EB", "HE", "SJ", "HS")) {
  for (me in c("MD", "SMD")) {
    e <- escalc(me, m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c,
                sd2i = sd_c, n2i = n_c, data = cont)
    r <- suppressWarnings(rma(yi, vi, data = e, method = m, test = "knha",
                              control = ctl))
    a <- c("--measure", me, "--method", m)
    steps(sprintf("random_cont_2/%s/%s/knha/leave-one-out", me, m),
          "random_cont_2.csv", c(a, "--leave-one-out"),
          suppressWarnings(leave1out(r)))
    steps(sprintf("random_cont_2/%s/%s/knha/cumulative", me, m),
          "random_cont_2.csv", c(a, "--cumulative"),
          suppressWarnings(cumul(r)))
  }
  e <- escalc("RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c,
              data = bcg)
  r <- suppressWarnings(rma(yi, vi, data = e, method = m, test = "knha",
                            control = ctl))
  steps(sprintf("bcg/RR/%s/knha/cumulative", m), "bcg.csv",
        c("--measure", "RR", "--method", m, "--cumulative"),
        suppressWarnings(cumul(r)))
}
# refits from rows: PM by metafor's search (--pm-tol 2^-13, its default
# tolerance), OR with a zero cell corrected
e <- escalc("OR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c,
            data = bin)
r <- suppressWarnings(rma(yi, vi, data = e, method = "PM", test = "knha"))
a <- c("--measure", "OR", "--method", "PM", "--pm-tol", "1.220703125e-4")
steps("random_binary_2/OR/PM/pm-tol/knha/leave-one-out", "random_binary_2.csv",
      c(a, "--leave-one-out"), suppressWarnings(leave1out(r)))
steps("random_binary_2/OR/PM/pm-tol/knha/cumulative", "random_binary_2.csv",
      c(a, "--cumulative"), suppressWarnings(cumul(r)))
emit(sprintf("metafor %s", packageVersion("metafor")))
