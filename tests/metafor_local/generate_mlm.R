# generate_mlm.R: reference values for multilevel and cluster-robust fits
# that ../reference/multilevel does not cover: four- and five-level nesting,
# clusters of one row and of more than 50 rows, --rho with --robust, and
# cluster-robust inference for one-tau2 (rma.uni) models. Computed with R
# metafor (3.8-1 when written) and clubSandwich (0.5.8), variance components
# refined to convergence 1e-12 (optimizer tolerances tightened), profile
# CIs with tolerance 1e-12. Run from this folder:
#   Rscript generate_mlm.R > expected_mlm.json
# It writes nested.csv (a random data set drawn with a fixed seed: test
# input, not data about anything).
suppressMessages({library(metafor); library(clubSandwich)})
source("cases.R")
set.seed(20261124)
# five nested levels: region > site > study > outcome > time; one site with
# 60 rows, one study of a single row
rows <- list()
for (r in 1:3) for (s in 1:3) {
  nst <- if (r == 1 && s == 1) 12 else sample(2:3, 1)
  for (st in 1:nst) {
    nout <- if (r == 2 && s == 2 && st == 1) 1 else sample(1:3, 1)
    for (o in 1:nout) {
      nt <- if (r == 2 && s == 2 && st == 1) 1 else if (r == 1 && s == 1) sample(2:3, 1) else sample(1:2, 1)
      for (tm in 1:nt) rows[[length(rows) + 1]] <- c(r, s, st, o, tm)
    }
  }
}
d <- as.data.frame(do.call(rbind, rows)); names(d) <- c("region", "site", "study", "outcome", "time")
k <- nrow(d)
u <- function(f, sd) { g <- interaction(d[f], drop = TRUE); rnorm(nlevels(g), 0, sd)[as.integer(g)] }
d$vi <- round(runif(k, 0.01, 0.08), 4)
d$dose <- round(runif(k, 0, 3), 2)
d$yi <- round(0.3 + 0.1 * d$dose + u("region", 0.15) + u(c("region", "site"), 0.2) +
  u(c("region", "site", "study"), 0.25) + u(c("region", "site", "study", "outcome"), 0.15) +
  rnorm(k, 0, 0.1) + rnorm(k, 0, sqrt(d$vi)), 4)
d$site <- paste0(d$region, "-", d$site)  # site labels unique overall
d$studyid <- paste(d$site, d$study, sep = ":")
d$row <- seq_len(k)  # every row its own cluster
d$lone <- ifelse(d$site == "1-1", d$dose, 0)  # a moderator of site 1-1 alone
write.csv(d, "nested.csv", row.names = FALSE, quote = FALSE)
# fit twice: metafor's defaults, then nlminb again from that optimum with
# its relative tolerance tightened (kept when it converges)
# then Newton steps on the exact score with dense matrices (observed
# information), components kept >= 0, until they move by less than 1e-15;
# the returned fit has metafor's free-fit fields (parms, profile CIs) and
# its coefficients, SEs and log-likelihood replaced by those of metafor's
# fit with the components fixed at the refined optimum.
fitmv <- function(V, mods, random, method = "REML", test = "z") {
  args <- list(yi = d$yi, V = V, mods = mods, random = random, data = d,
               method = method, test = test)
  r0 <- do.call(rma.mv, args)
  args$control <- list(sigma2.init = pmax(r0$sigma2, 1e-10), rel.tol = 1e-13,
                       eval.max = 10000, iter.max = 10000)
  r1 <- try(do.call(rma.mv, args), silent = TRUE)
  r <- if (inherits(r1, "try-error") || logLik(r1) < logLik(r0)) r0 else r1
  X <- r$X; y <- d$yi; Vm <- if (is.null(dim(V))) diag(V) else as.matrix(V)
  lv <- all.vars(random)
  G <- lapply(seq_along(lv), function(j) {
    g <- interaction(d[lv[1:j]], drop = TRUE); outer(g, g, "==") * 1 })
  th <- r$sigma2
  for (it in 1:200) {
    M <- Vm; for (j in seq_along(G)) M <- M + th[j] * G[[j]]
    W <- solve(M); A <- t(X) %*% W %*% X
    P <- W - W %*% X %*% solve(A) %*% t(X) %*% W
    T <- if (method == "REML") P else W
    sc <- sapply(G, function(g) -0.5 * sum(diag(T %*% g)) + 0.5 * c(t(y) %*% P %*% g %*% P %*% y))
    # the observed information (Newton's method)
    Py <- P %*% y
    I <- outer(seq_along(G), seq_along(G), Vectorize(function(a, b)
      c(t(Py) %*% G[[a]] %*% P %*% G[[b]] %*% Py) - 0.5 * sum(diag(T %*% G[[a]] %*% T %*% G[[b]]))))
    free <- !(th <= 0 & sc <= 0)
    step <- rep(0, length(th)); step[free] <- solve(I[free, free, drop = FALSE], sc[free])
    new <- pmax(0, th + step)
    if (max(abs(new - th)) < 1e-15) { th <- new; break }
    th <- new
    if (it == 200) stop("the Newton refinement did not converge")
  }
  args$control <- NULL; args$sigma2 <- th
  rf <- do.call(rma.mv, args)
  for (f in c("beta", "se", "zval", "pval", "ci.lb", "ci.ub", "vb", "QM", "QMp", "sigma2", "fit.stats", "M"))
    r[[f]] <- rf[[f]]
  r$fit.stats <- rf$fit.stats
  attr(r, "ll") <- logLik(rf)
  r
}
ml_expect <- function(r, comps, robustfit = NULL, cis = TRUE) {
  ex <- list("k" = r$k, "heterogeneity.q" = r$QE, "heterogeneity.df" = r$k - r$p)
  f <- r$fit.stats[, if (r$method == "REML") 2 else 1]
  parms <- r$p + length(comps)  # the refined fit has them fixed
  nn <- if (r$method == "REML") r$k - r$p else r$k
  ex[["fit.loglik"]] <- f[1]; ex[["fit.deviance"]] <- f[2]
  ex[["fit.aic"]] <- -2 * f[1] + 2 * parms; ex[["fit.bic"]] <- -2 * f[1] + parms * log(nn)
  ex[["fit.aicc"]] <- -2 * f[1] + 2 * parms * max(nn, parms + 2) / (max(nn, parms + 2) - parms - 1)
  # bounds metafor warns about (a profile fit that did not converge) are
  # left out
  ci <- if (cis) tryCatch(confint(r, control = list(tol = 1e-12)),
                          warning = function(w) NULL, error = function(e) NULL) else NULL
  if (is.null(ci)) ci <- simpleError("no CIs")
  if (!inherits(ci, "try-error") && inherits(ci, "error")) class(ci) <- "try-error"
  for (j in seq_along(comps)) {
    ex[[sprintf("variance_components.%s.sigma2", comps[j])]] <- r$sigma2[j]
    ex[[sprintf("variance_components.%s.nlevels", comps[j])]] <- r$s.nlevels[j]
    if (!inherits(ci, "try-error")) {
      cj <- if (length(comps) == 1) ci$random else ci[[j]]$random
      ex[[sprintf("variance_components.%s.sigma2_ci_low", comps[j])]] <- cj[1, 2]
      ex[[sprintf("variance_components.%s.sigma2_ci_high", comps[j])]] <- cj[1, 3]
    }
  }
  fit <- if (is.null(robustfit)) r else robustfit
  nm <- rownames(fit$beta)
  for (j in seq_along(nm)) {
    key <- if (r$int.only) "pooled" else sprintf("regression.coefficients.%s", nm[j])
    ex[[paste0(key, ".estimate")]] <- fit$beta[j]; ex[[paste0(key, ".se")]] <- fit$se[j]
    ex[[paste0(key, ".p")]] <- fit$pval[j]; ex[[paste0(key, ".ci_low")]] <- fit$ci.lb[j]
    ex[[paste0(key, ".ci_high")]] <- fit$ci.ub[j]
    if (!is.null(fit$ddf) && !all(is.na(fit$ddf))) ex[[paste0(key, ".df")]] <- fit$ddf[j]
  }
  if (!r$int.only) { ex[["regression.test.stat"]] <- fit$QM; ex[["regression.test.p"]] <- fit$QMp }
  ex
}
levels_of <- list(c("region"), c("region", "site"), c("region", "site", "study"),
                  c("region", "site", "study", "outcome"), c("region", "site", "study", "outcome", "time"))
for (L in 2:5) for (m in c("REML", "ML")) {
  lv <- levels_of[[L]]
  f <- as.formula(paste("~ 1 |", paste(lv, collapse = "/")))
  comps <- sapply(1:L, function(j) paste(lv[1:j], collapse = "/"))
  for (mods in c(FALSE, TRUE)) {
    mf <- if (mods) ~ dose else ~ 1
    r <- fitmv(d$vi, mf, f, method = m)
    args <- c("--random", paste(lv, collapse = "/"), "--method", m, if (mods) c("--mods", "dose"))
    add(sprintf("nested/%d-levels/%s%s", L, m, if (mods) "/mods-dose" else ""), "nested.csv", args,
        ml_expect(r, comps, cis = L <= 3))
  }
}
# --rho with --robust (CR2 and CR1) on two levels, and test = "t"
V <- vcalc(vi, cluster = site, obs = seq_len(k), rho = 0.5, data = d)
r <- fitmv(V, ~ dose, ~ 1 | site/study)
comps <- c("site", "site/study")
a0 <- c("--random", "site/study", "--rho", "0.5", "--mods", "dose")
add("nested/rho0.5/robust-site/cr2", "nested.csv", c(a0, "--robust", "site"),
    ml_expect(r, comps, robust(r, cluster = d$site, clubSandwich = TRUE)))
add("nested/rho0.5/robust-site/cr1", "nested.csv", c(a0, "--robust", "site", "--robust-type", "cr1"),
    ml_expect(r, comps, robust(r, cluster = d$site, adjust = TRUE)))
rt <- fitmv(V, ~ dose, ~ 1 | site/study, test = "t")
add("nested/rho0.5/t", "nested.csv", c(a0, "--ci", "hksj"), ml_expect(rt, comps))
# cluster-robust inference for one-tau2 models (rma.uni), by study
for (m in c("REML", "DL")) {
  r <- rma(yi, vi, mods = ~ dose, data = d, method = m, control = list(threshold = 1e-14, tol = 1e-14))
  for (type in c("cr2", "cr1")) {
    rr <- if (type == "cr2") robust(r, cluster = d$studyid, clubSandwich = TRUE) else
      robust(r, cluster = d$studyid, adjust = TRUE)
    ex <- list("k" = r$k, "heterogeneity.tau2" = r$tau2)
    for (j in 1:2) {
      key <- sprintf("regression.coefficients.%s", c("intrcpt", "dose")[j])
      ex[[paste0(key, ".estimate")]] <- rr$beta[j]; ex[[paste0(key, ".se")]] <- rr$se[j]
      ex[[paste0(key, ".p")]] <- rr$pval[j]; ex[[paste0(key, ".df")]] <- rr$ddf[j]
      ex[[paste0(key, ".ci_low")]] <- rr$ci.lb[j]
    }
    ex[["regression.test.stat"]] <- rr$QM; ex[["regression.test.p"]] <- rr$QMp
    add(sprintf("uni/%s/mods-dose/robust-study/%s", m, type), "nested.csv",
        c("--mods", "dose", "--method", m, "--robust", "studyid",
          if (type == "cr1") c("--robust-type", "cr1")), ex)
  }
}
# every row its own cluster: clusters of one row, fewer than the model's
# coefficients
for (m in c("REML", "FE")) {
  r <- rma(yi, vi, mods = ~ dose, data = d, method = m, control = list(threshold = 1e-14, tol = 1e-14))
  for (type in c("cr2", "cr1")) {
    rr <- if (type == "cr2") robust(r, cluster = d$row, clubSandwich = TRUE) else
      robust(r, cluster = d$row, adjust = TRUE)
    ex <- list("k" = r$k)
    for (j in 1:2) {
      key <- sprintf("regression.coefficients.%s", c("intrcpt", "dose")[j])
      ex[[paste0(key, ".estimate")]] <- rr$beta[j]; ex[[paste0(key, ".se")]] <- rr$se[j]
      ex[[paste0(key, ".p")]] <- rr$pval[j]; ex[[paste0(key, ".df")]] <- rr$ddf[j]
      ex[[paste0(key, ".ci_low")]] <- rr$ci.lb[j]
    }
    ex[["regression.test.stat"]] <- rr$QM; ex[["regression.test.p"]] <- rr$QMp
    add(sprintf("uni/%s/mods-dose/robust-row/%s", m, type), "nested.csv",
        c("--mods", "dose", "--method", m, "--robust", "row",
          if (type == "cr1") c("--robust-type", "cr1")), ex)
  }
}
# CR2 with large clusters (site 1-1: 62 rows; region 1: 86), where metak
# works without n x n matrices: one tau2 by site, with a moderator that
# site 1-1 alone identifies (its adjustment matrix is singular), and a
# three-level model whose sites are blocks within the region clusters
rob_expect <- function(r, rr, names) {
  ex <- list("k" = r$k)
  for (j in seq_along(names)) {
    key <- sprintf("regression.coefficients.%s", names[j])
    ex[[paste0(key, ".estimate")]] <- rr$beta[j]; ex[[paste0(key, ".se")]] <- rr$se[j]
    ex[[paste0(key, ".p")]] <- rr$pval[j]; ex[[paste0(key, ".df")]] <- rr$ddf[j]
    ex[[paste0(key, ".ci_low")]] <- rr$ci.lb[j]
  }
  ex[["regression.test.stat"]] <- rr$QM; ex[["regression.test.p"]] <- rr$QMp
  ex
}
for (mods in list(c("dose"), c("dose", "lone"))) {
  r <- rma(yi, vi, mods = reformulate(mods), data = d, method = "REML",
           control = list(threshold = 1e-14, tol = 1e-14))
  rr <- robust(r, cluster = d$site, clubSandwich = TRUE)
  add(sprintf("uni/REML/mods-%s/robust-site/cr2", paste(mods, collapse = "+")), "nested.csv",
      c("--mods", paste(mods, collapse = ","), "--method", "REML", "--robust", "site"),
      rob_expect(r, rr, c("intrcpt", mods)))
}
r <- fitmv(d$vi, ~ 1, ~ 1 | region/site)
add("nested/region-site/robust-region/cr2", "nested.csv",
    c("--random", "region/site", "--robust", "region"),
    ml_expect(r, c("region", "region/site"), robust(r, cluster = d$region, clubSandwich = TRUE)))
emit(sprintf("metafor %s, clubSandwich %s", packageVersion("metafor"),
             packageVersion("clubSandwich")))
