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
ctl <- list(threshold = 1e-14, tol = 1e-14, maxiter = 10000)
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
  r <- rma(yi, vi, data = rd, method = m, control = ctl)
  steps(sprintf("raudenbush1985/GEN/%s/cumulative", m), "raudenbush1985.csv",
        c("--method", m, "--cumulative"), cumul(r), 2:19)
  cr <- cumul(r, order = rd$weeks)  # metafor sorts by these values
  steps(sprintf("raudenbush1985/GEN/%s/cumulative/weeks", m), "raudenbush1985.csv",
        c("--method", m, "--cumulative", "--order", "weeks"), cr, 2:19)
}
# --pi t and --pi riley: metafor's fit, its SE and tau2 with t(k-1) (R meta
# 8's default) and t(k-2) (Riley 2011) critical values
er <- escalc("RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = dat)
for (m in c("REML", "DL")) {
  r <- rma(yi, vi, data = er, method = m, control = ctl)
  for (v in list(c("t", 1), c("riley", 2))) {
    cr <- qt(0.975, r$k - as.numeric(v[2]))
    half <- cr * sqrt(r$se^2 + r$tau2)
    add(sprintf("bcg/RR/%s/pi-%s", m, v[1]), "bcg.csv",
        c("--measure", "RR", "--method", m, "--pi", v[1]),
        list("pooled.pi_low" = c(r$beta) - half, "pooled.pi_high" = c(r$beta) + half))
  }
}

# Paule-Mandel's root itself (metak's default; ../reference has metafor's
# default uniroot tolerance, which metak gives with --pm-tol 2^-13)
pm_cases <- function(tag, file, e, measure) for (t in c("z", "knha")) {
  r <- rma(yi, vi, data = e, method = "PM", test = t, control = ctl)
  add(sprintf("%s/%s/PM/%s/exact", tag, measure, t), file,
      c("--measure", measure, "--method", "PM", "--ci", if (t == "knha") "hksj" else "z"),
      list("pooled.estimate" = c(r$beta), "pooled.se" = r$se, "pooled.ci_low" = r$ci.lb,
           "pooled.p" = r$pval, "heterogeneity.tau2" = r$tau2, "heterogeneity.i2" = r$I2))
}
for (ms in c("OR", "RR", "RD")) {
  pm_cases("bcg", "bcg.csv", escalc(ms, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = dat), ms)
  pm_cases("li2007", "li2007.csv", escalc(ms, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = li), ms)
}
pm_cases("raudenbush1985", "raudenbush1985.csv", rd, "GEN")

# Meta-regression where ../reference/metareg's values are not metafor's
# exact fit: PM's root (metafor's default uniroot tolerance is loose) and
# an ML fit at tau2 = 0 (metafor stops at its threshold above 0)
reg_cases <- function(id, file, e, f, measure, m, preds) for (t in c("z", "knha")) {
  r <- rma(yi, vi, mods = f, data = e, method = m, test = t, control = ctl)
  ex <- list("heterogeneity.tau2" = r$tau2, "heterogeneity.i2" = r$I2,
             "heterogeneity.q" = r$QE, "regression.test.stat" = r$QM, "regression.test.p" = r$QMp)
  for (j in seq_along(r$beta)) {
    nm <- rownames(r$beta)[j]
    for (v in all.vars(f)) if (is.factor(e[[v]])) nm <- sub(paste0("^", v), paste0(v, "="), nm)
    ex[[sprintf("regression.coefficients.%s.estimate", nm)]] <- r$beta[j]
    ex[[sprintf("regression.coefficients.%s.se", nm)]] <- r$se[j]
    ex[[sprintf("regression.coefficients.%s.p", nm)]] <- r$pval[j]
  }
  if (m != "FE") ex[["heterogeneity.r2"]] <- r$R2
  args <- c(if (measure != "GEN") c("--measure", measure), "--mods", paste(all.vars(f), collapse = ","),
            "--method", m, "--ci", if (t == "knha") "hksj" else "z")
  add(sprintf("%s/%s/%s/exact", id, m, t), file, args, ex)
}
er$ablat <- dat$ablat
reg_cases("bcg/RR/mods-ablat", "bcg.csv", er, ~ ablat, "RR", "PM")
rm <- read.csv("raudenbush1985_mods.csv")
reg_cases("raudenbush/mods-weeks", "raudenbush1985_mods.csv", rm, ~ weeks, "GEN", "PM")
rm$setting <- factor(rm$setting)
reg_cases("raudenbush/mods-weeks-setting", "raudenbush1985_mods.csv", rm, ~ weeks + setting, "GEN", "ML")

# Random data sets (fixed seed): binary with zero cells, continuous, and
# generic, k from 2 to 25, every estimator; the CSVs are written here too.
set.seed(20261122)
pool_cases <- function(tag, file, escalc_args, measure, binary) {
  d <- read.csv(file)
  e <- do.call(escalc, c(list(measure = measure, data = d), escalc_args))
  for (m in c("FE", "DL", "REML", "ML", "PM", "EB", "HE", "SJ", "HS")) for (t in c("z", "knha")) {
    if (m == "FE" && t == "knha") next
    r <- try(rma(yi, vi, data = e, method = m, test = t, control = ctl), silent = TRUE)
    if (inherits(r, "try-error")) next
    ex <- list("pooled.estimate" = c(r$beta), "pooled.se" = r$se,
               "pooled.ci_low" = r$ci.lb, "pooled.p" = r$pval,
               "heterogeneity.q" = r$QE, "heterogeneity.tau2" = r$tau2)
    if (r$k > 1) { ex[["heterogeneity.i2"]] <- r$I2; ex[["heterogeneity.h2"]] <- r$H2 }
    add(sprintf("%s/%s/%s/%s", tag, measure, m, t), basename(file),
        c("--measure", measure, "--method", m, "--ci", if (t == "knha") "hksj" else "z"), ex)
  }
  if (binary) {
    r <- try(rma.mh(measure = measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d), silent = TRUE)
    if (!inherits(r, "try-error") && is.finite(r$beta))
      add(sprintf("%s/%s/MH", tag, measure), basename(file), c("--measure", measure, "--method", "MH"),
          list("pooled.estimate" = c(r$beta), "pooled.se" = r$se, "heterogeneity.q" = r$QE))
    if (measure == "OR") {
      r <- try(rma.peto(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d), silent = TRUE)
      if (!inherits(r, "try-error"))
        add(sprintf("%s/OR/PETO", tag), basename(file), c("--measure", "OR", "--method", "PETO"),
            list("pooled.estimate" = c(r$beta), "pooled.se" = r$se, "heterogeneity.q" = r$QE))
    }
  }
}
for (j in 1:4) {
  k <- c(2, 5, 12, 25)[j]
  n1 <- sample(10:200, k, TRUE); n2 <- sample(10:200, k, TRUE)
  p <- runif(k, 0.01, 0.3)
  d <- data.frame(study = paste0("s", 1:k), events_t = rbinom(k, n1, p * 0.7), n_t = n1,
                  events_c = rbinom(k, n2, p), n_c = n2)
  d$events_t[1] <- 0  # a zero cell in every set
  f <- sprintf("random_binary_%d.csv", k); write.csv(d, f, row.names = FALSE, quote = FALSE)
  for (ms in c("OR", "RR", "RD"))
    pool_cases(sprintf("random/binary/k%d", k), f,
               list(ai = quote(events_t), n1i = quote(n_t), ci = quote(events_c), n2i = quote(n_c)), ms, TRUE)
  d <- data.frame(study = paste0("s", 1:k), mean_t = round(rnorm(k, 10, 3), 2), sd_t = round(runif(k, 1, 5), 2),
                  n_t = n1, mean_c = round(rnorm(k, 9, 3), 2), sd_c = round(runif(k, 1, 5), 2), n_c = n2)
  f <- sprintf("random_cont_%d.csv", k); write.csv(d, f, row.names = FALSE, quote = FALSE)
  for (ms in c("MD", "SMD", "ROM"))
    pool_cases(sprintf("random/cont/k%d", k), f,
               list(m1i = quote(mean_t), sd1i = quote(sd_t), n1i = quote(n_t), m2i = quote(mean_c),
                    sd2i = quote(sd_c), n2i = quote(n_c)), ms, FALSE)
}
cat(sprintf('{\n "generator": "metafor %s",\n "tolerance": {"rel": 1e-06, "abs": 1e-09},\n "cases": [\n%s\n]}\n',
    packageVersion("metafor"), paste(cases, collapse = ",\n")))
