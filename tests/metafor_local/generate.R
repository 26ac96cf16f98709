# generate.R: reference values for metak features that ../reference does
# not cover, computed with R metafor (3.8-1 when written) with convergence
# tightened to 1e-12. Run from this folder: Rscript generate.R > cases.json
suppressMessages(library(metafor))
num <- function(x) formatC(x, digits = 15, format = "g")
cases <- character()
add <- function(id, file, args, expect) {
  kv <- paste(sprintf('"%s": %s', names(expect), sapply(expect, num)), collapse = ",\n    ")
  cases[length(cases) + 1] <<- sprintf('  {"id": "%s", "file": "%s", "args": [%s],\n   "expect": {\n    %s}}',
    id, file, paste(sprintf('"%s"', args), collapse = ", "), kv)
}
ctl <- list(threshold = 1e-12, tol = 1e-12)
dat <- read.csv("bcg.csv")
e <- escalc("OR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = dat)
e$alloc <- factor(e$alloc, levels = c("random", "alternate", "systematic"))
for (m in c("REML", "DL", "ML", "HE", "SJ", "HS")) for (t in c("z", "knha")) {
  r <- rma(yi, vi, mods = ~ alloc, data = e, method = m, test = t, control = ctl)
  r0 <- rma(yi, vi, mods = ~ alloc - 1, data = e, method = m, test = t, control = ctl)
  ex <- list("subgroups.test.q" = r$QM,  # F under knha
             "subgroups.test.p" = r$QMp,
             "subgroups.common.tau2" = r$tau2,
             "subgroups.common.qe" = r$QE,
             "subgroups.common.i2" = r$I2,
             "subgroups.groups.random.pooled.estimate" = r0$beta[1],
             "subgroups.groups.random.pooled.se" = r0$se[1],
             "subgroups.groups.alternate.pooled.estimate" = r0$beta[2],
             "subgroups.groups.alternate.pooled.se" = r0$se[2],
             "subgroups.groups.systematic.pooled.ci_low" = r0$ci.lb[3],
             "subgroups.groups.systematic.pooled.ci_high" = r0$ci.ub[3])
  if (t == "z" && m %in% c("REML", "DL")) {
    ci <- confint(r, control = list(tol = 1e-12))$random
    ex[["subgroups.common.tau2_ci_low"]] <- ci[1, 2]
    ex[["subgroups.common.tau2_ci_high"]] <- ci[1, 3]
  }
  add(sprintf("bcg/OR/%s/%s/by/alloc/common", m, t), "bcg.csv",
      c("--measure", "OR", "--method", m, "--ci", if (t == "knha") "hksj" else "z",
        "--by", "alloc", "--common-tau2"), ex)
}
# metak bias: Egger's test as a meta-regression (regtest model "rma") and
# trim and fill with the R0 estimator
add_cmd <- function(id, file, args, expect) {
  add(id, file, args, expect)
  cases[length(cases)] <<- sub('\\{"id"', '{"command": "bias", "id"', cases[length(cases)])
}
li <- read.csv("li2007.csv")
el <- escalc("OR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = li)
for (m in c("REML", "DL", "FE")) {
  r <- rma(yi, vi, data = e, method = m)
  g <- regtest(r, model = "rma")
  add_cmd(sprintf("bias/bcg/OR/%s/egger-rma", m), "bcg.csv",
          c("--measure", "OR", "--method", m, "--egger-model", "rma"),
          list("egger.stat" = g$zval, "egger.p" = g$pval))
  rl <- rma(yi, vi, data = el, method = m)
  tf <- trimfill(rl, estimator = "R0")
  add_cmd(sprintf("bias/li2007/OR/%s/R0", m), "li2007.csv",
          c("--measure", "OR", "--method", m, "--trimfill", "R0"),
          list("trimfill.k0" = tf$k0, "trimfill.estimate" = c(tf$beta),
               "trimfill.ci_low" = tf$ci.lb, "trimfill.ci_high" = tf$ci.ub))
}
# metak pool --leave-one-out / --cumulative (metafor leave1out(), cumul())
steps <- function(id, file, args, res, idx) {
  ex <- list()
  for (j in idx) {
    ex[[sprintf("steps.%d.estimate", j - 1)]] <- res$estimate[j]
    ex[[sprintf("steps.%d.se", j - 1)]] <- res$se[j]
    ex[[sprintf("steps.%d.ci_low", j - 1)]] <- res$ci.lb[j]
    ex[[sprintf("steps.%d.p", j - 1)]] <- res$pval[j]
    ex[[sprintf("steps.%d.q", j - 1)]] <- res$Q[j]
    if (!is.null(res$tau2)) {
      ex[[sprintf("steps.%d.tau2", j - 1)]] <- res$tau2[j]
      ex[[sprintf("steps.%d.i2", j - 1)]] <- res$I2[j]
    }
  }
  ex <- ex[sapply(ex, is.finite)]  # a refit metafor could not do
  add(id, file, args, ex)
}
for (m in c("REML", "DL", "FE")) for (t in c("z", "knha")) {
  if (m == "FE" && t == "knha") next
  r <- rma(yi, vi, data = e, method = m, test = t, control = ctl)
  targs <- c("--measure", "OR", "--method", m, "--ci", if (t == "knha") "hksj" else "z")
  steps(sprintf("bcg/OR/%s/%s/leave-one-out", m, t), "bcg.csv",
        c(targs, "--leave-one-out"), leave1out(r), 1:13)
}
rd <- read.csv("raudenbush1985.csv")
for (m in c("REML", "PM")) {
  # PM keeps rma's default uniroot tolerance, as metak's --pm-tol does
  r <- rma(yi, vi, data = rd, method = m,
           control = if (m == "PM") list(threshold = 1e-12) else ctl)
  steps(sprintf("raudenbush1985/GEN/%s/cumulative", m), "raudenbush1985.csv",
        c("--method", m, "--cumulative"), cumul(r), 2:19)
  cr <- cumul(r, order = rd$weeks)  # metafor sorts by these values
  steps(sprintf("raudenbush1985/GEN/%s/cumulative/weeks", m), "raudenbush1985.csv",
        c("--method", m, "--cumulative", "--order", "weeks"), cr, 2:19)
}
cat(sprintf('{\n "generator": "metafor %s",\n "tolerance": {"rel": 1e-06, "abs": 1e-09},\n "cases": [\n%s\n]}\n',
    packageVersion("metafor"), paste(cases, collapse = ",\n")))
