# generate_rel.R: reference values for multilevel models that strained
# metak's optimiser (issue 23): three-level fits with two moderators on
# published data sets, one of them with a year beside the intercept and a
# factor of eleven levels (lehmann2018), as R metafor's rma.mv fits them.
# Each fit is metafor's, its variance components then refined by Newton
# steps on the exact score (dense matrices on an orthonormal basis of X,
# observed information) until they move by less than 1e-15, or by less
# than 1e-10 and no less than the step before (the rounding of the score),
# and the coefficients, SEs, tests and
# log-likelihood taken from metafor's fit with the components fixed there.
# Profile CIs are metafor's confint() (tolerance 1e-12), left out where it
# warns. Then --predict (and --pi) against predict(): one-tau2 models
# under robust() (CR1, CR2 by clubSandwich), rma.mv with and without
# moderators, z and t, and under robust(). Run from this folder:
#   Rscript generate_rel.R > expected_rel.json
# It writes lehmann2018.csv (metadat's dat.lehmann2018, the columns used).
suppressMessages({library(metafor); library(metadat); library(clubSandwich)})
source("cases.R")
options(warn = 1)

leh <- dat.lehmann2018[, c("Short_Title", "Year", "DV_Type", "Design", "yi", "vi")]
leh$es <- seq_len(nrow(leh))
write.csv(leh, "lehmann2018.csv", row.names = FALSE)
ass <- read.csv("../reference/multilevel/assink2016.csv")
kon <- read.csv("../reference/multilevel/konstantopoulos2011.csv")

# factors with levels in byte order, the first the reference (as metak)
bytefactor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))

# the refined fit of rma.mv(yi, vi, mods, random = ~ 1 | lv[1]/lv[2]/...);
# fix: components held at a value (NA: estimated)
refined <- function(d, mods, lv, method, fix = rep(NA, length(lv))) {
  for (m in mods) if (is.character(d[[m]])) d[[m]] <- bytefactor(d[[m]])
  mf <- if (length(mods)) reformulate(mods) else ~ 1
  rf <- as.formula(paste("~ 1 |", paste(lv, collapse = "/")))
  r <- rma.mv(yi, vi, mods = mf, random = rf, data = d, method = method,
              sigma2 = fix)
  X <- qr.Q(qr(r$X)); y <- d$yi; V <- diag(d$vi)  # P does not depend on X's basis
  G <- lapply(seq_along(lv), function(j) {
    g <- interaction(d[lv[1:j]], drop = TRUE); outer(g, g, "==") * 1 })
  # metafor's optimizer stops near 0 for a component at the boundary
  th <- ifelse(r$sigma2 < 1e-6 * mean(d$vi), 0, r$sigma2); last <- Inf
  th[!is.na(fix)] <- fix[!is.na(fix)]
  for (it in 1:500) {
    M <- V; for (j in seq_along(G)) M <- M + th[j] * G[[j]]
    W <- solve(M); A <- t(X) %*% W %*% X
    P <- W - W %*% X %*% solve(A, t(X) %*% W)
    Tm <- if (method == "REML") P else W
    Py <- P %*% y
    sc <- sapply(G, function(g) -0.5 * sum(diag(Tm %*% g)) + 0.5 * c(t(Py) %*% g %*% Py))
    J <- outer(seq_along(G), seq_along(G), Vectorize(function(a, b)
      c(t(Py) %*% G[[a]] %*% P %*% G[[b]] %*% Py) - 0.5 * sum(diag(Tm %*% G[[a]] %*% Tm %*% G[[b]]))))
    free <- !(th <= 0 & sc <= 0) & is.na(fix)
    step <- rep(0, length(th))
    if (any(free)) step[free] <- solve(J[free, free, drop = FALSE], sc[free])
    new <- pmax(0, th + step)
    ch <- max(abs(new - th) / (th + mean(d$vi)))
    # below 1e-15, or at the rounding of the score (steps no longer shrink)
    done <- ch < 1e-15 || (ch < 1e-10 && ch >= last)
    th <- new; last <- ch
    if (done) break
    if (it == 500) stop("the Newton refinement did not converge")
  }
  rr <- rma.mv(yi, vi, mods = mf, random = rf, data = d, method = method, sigma2 = th)
  ci <- if (all(is.na(fix))) tryCatch(confint(r, control = list(tol = 1e-12)),
                 warning = function(w) NULL, error = function(e) NULL) else NULL
  list(free = r, fixed = rr, ci = ci, comps = sapply(seq_along(lv), function(j)
    paste(lv[1:j], collapse = "/")))
}

expect_of <- function(f, mods) {
  r <- f$fixed
  ex <- list("k" = r$k, "heterogeneity.q" = r$QE, "heterogeneity.df" = r$k - r$p)
  st <- r$fit.stats[, if (r$method == "REML") 2 else 1]
  ex[["fit.loglik"]] <- st[1]; ex[["fit.deviance"]] <- st[2]
  for (j in seq_along(f$comps)) {
    ex[[sprintf("variance_components.%s.sigma2", f$comps[j])]] <- r$sigma2[j]
    if (!is.null(f$ci)) {
      cj <- if (length(f$comps) == 1) f$ci$random else f$ci[[j]]$random
      ex[[sprintf("variance_components.%s.sigma2_ci_low", f$comps[j])]] <- cj[1, 2]
      ex[[sprintf("variance_components.%s.sigma2_ci_high", f$comps[j])]] <- cj[1, 3]
    }
  }
  nm <- rownames(r$beta)
  for (j in seq_along(nm)) {
    if (nm[j] != "intrcpt" && !(nm[j] %in% mods))
      next  # factor levels: metak names them column=level
    key <- sprintf("regression.coefficients.%s", nm[j])
    ex[[paste0(key, ".estimate")]] <- r$beta[j]; ex[[paste0(key, ".se")]] <- r$se[j]
    ex[[paste0(key, ".p")]] <- r$pval[j]
  }
  ex[["regression.test.stat"]] <- r$QM; ex[["regression.test.p"]] <- r$QMp
  ex
}

fits <- list(
  list("lehmann2018", "lehmann2018.csv", leh, c("DV_Type", "Year"), c("Short_Title", "es")),
  list("lehmann2018", "lehmann2018.csv", leh, c("Design", "Year"), c("Short_Title", "es")),
  list("assink2016", "../reference/multilevel/assink2016.csv", ass, c("pubstatus", "year"), c("study", "esid")),
  list("assink2016", "../reference/multilevel/assink2016.csv", ass, c("deltype", "pubstatus"), c("study", "esid")),
  list("konstantopoulos2011", "../reference/multilevel/konstantopoulos2011.csv", kon, c("year", "school"), c("district", "school")))
for (f in fits) for (method in c("REML", "ML")) {
  message(f[[1]], " ", paste(f[[4]], collapse = "+"), " ", method)
  r <- refined(f[[3]], f[[4]], f[[5]], method)
  add(sprintf("%s/%s/mods-%s", f[[1]], method, paste(f[[4]], collapse = "+")), f[[2]],
      c("--random", paste(f[[5]], collapse = "/"), "--mods", paste(f[[4]], collapse = ","),
        "--method", method), expect_of(r, f[[4]]))
}
# --predict as metafor's predict(): under robust() the robust SE with t on
# n - p df (CR1) or clubSandwich's Satterthwaite df of the contrast (CR2);
# for rma.mv the PI adds every sigma2; --pi t and riley as pi.type
pred_expect <- function(pr, n) {
  ex <- list()
  for (j in seq_len(n)) {
    key <- sprintf("predictions.%d", j - 1)
    ex[[paste0(key, ".estimate")]] <- pr$pred[j]; ex[[paste0(key, ".se")]] <- pr$se[j]
    ex[[paste0(key, ".ci_low")]] <- pr$ci.lb[j]; ex[[paste0(key, ".ci_high")]] <- pr$ci.ub[j]
    ex[[paste0(key, ".pi_low")]] <- pr$pi.lb[j]; ex[[paste0(key, ".pi_high")]] <- pr$pi.ub[j]
  }
  ex
}
nes <- read.csv("nested.csv")
tight <- list(threshold = 1e-14, tol = 1e-14)
for (m in c("REML", "DL")) {
  r <- rma(yi, vi, mods = ~ dose, data = nes, method = m, control = tight)
  a0 <- c("--mods", "dose", "--method", m, "--predict", "dose=0.5", "--predict", "dose=2")
  for (type in c("cr2", "cr1")) {
    rr <- if (type == "cr2") robust(r, cluster = nes$studyid, clubSandwich = TRUE) else
      robust(r, cluster = nes$studyid, adjust = TRUE)
    for (pit in c("default", "t", "riley")) {
      pr <- predict(rr, newmods = c(0.5, 2), pi.type = pit)
      add(sprintf("predict/uni/%s/robust-%s/pi-%s", m, type, pit), "nested.csv",
          c(a0, "--robust", "studyid", if (type == "cr1") c("--robust-type", "cr1"),
            if (pit != "default") c("--pi", pit)), pred_expect(pr, 2))
    }
  }
}
refit <- function(d, mods, lv, test = "z") {
  f <- refined(d, mods, lv, "REML")
  args <- list(yi = d$yi, V = d$vi, random = as.formula(paste("~ 1 |", paste(lv, collapse = "/"))),
               data = d, method = "REML", sigma2 = f$fixed$sigma2, test = test)
  if (length(mods)) args$mods <- reformulate(mods)
  do.call(rma.mv, args)
}
for (test in c("z", "t")) {
  r <- refit(ass, "year", c("study", "esid"), test)
  r$parms <- r$p + 2  # the components were estimated (refit fixes them)
  for (pit in c("default", "t", "riley")) {
    pr <- predict(r, newmods = c(3, 8), pi.type = pit)
    add(sprintf("predict/mv/assink2016/year/%s/pi-%s", test, pit), "../reference/multilevel/assink2016.csv",
        c("--random", "study/esid", "--mods", "year", "--predict", "year=3", "--predict", "year=8",
          if (test == "t") c("--ci", "hksj"), if (pit != "default") c("--pi", pit)), pred_expect(pr, 2))
  }
  r0 <- refit(ass, character(), c("study", "esid"), test)
  r0$parms <- r0$p + 2
  for (pit in c("default", "t", "riley")) {
    pr <- predict(r0, pi.type = pit)
    add(sprintf("predict/mv/assink2016/pooled/%s/pi-%s", test, pit), "../reference/multilevel/assink2016.csv",
        c("--random", "study/esid", if (test == "t") c("--ci", "hksj"), if (pit != "default") c("--pi", pit)),
        list("pooled.estimate" = pr$pred, "pooled.pi_low" = pr$pi.lb, "pooled.pi_high" = pr$pi.ub))
  }
}
r <- refit(ass, "year", c("study", "esid"))
for (type in c("cr2", "cr1")) {
  rr <- if (type == "cr2") robust(r, cluster = ass$study, clubSandwich = TRUE) else
    robust(r, cluster = ass$study, adjust = TRUE)
  pr <- predict(rr, newmods = c(3, 8))
  add(sprintf("predict/mv/assink2016/year/robust-%s", type), "../reference/multilevel/assink2016.csv",
      c("--random", "study/esid", "--mods", "year", "--predict", "year=3", "--predict", "year=8",
        "--robust", "study", if (type == "cr1") c("--robust-type", "cr1")), pred_expect(pr, 2))
}
# I2 at each level and in total (metafor's FAQ "I^2 for multilevel and
# multivariate models": P = W - WX(X'WX)^-1X'W with W = V^-1, typical
# variance (k - p)/tr P) and the likelihood-ratio test of each component
# against the model with it fixed at 0 (anova(full, reduced)'s LRT, same
# method, chi2(1) p-value)
summ <- function(d, mods, lv, method) {
  f <- refined(d, mods, lv, method); r <- f$fixed
  W <- solve(r$V); X <- r$X
  P <- W - W %*% X %*% solve(t(X) %*% W %*% X) %*% t(X) %*% W
  tv <- (r$k - r$p) / sum(diag(P))
  ex <- list("heterogeneity.i2" = 100 * sum(r$sigma2) / (sum(r$sigma2) + tv))
  for (j in seq_along(lv)) {
    ex[[sprintf("variance_components.%s.i2", f$comps[j])]] <- 100 * r$sigma2[j] / (sum(r$sigma2) + tv)
    fx <- rep(NA, length(lv)); fx[j] <- 0
    red <- refined(d, mods, lv, method, fx)$fixed
    # anova(full, reduced)'s statistic, from the two refined fits (anova
    # itself refuses fits whose components were all given)
    lrt <- max(0, 2 * (as.numeric(logLik(r)) - as.numeric(logLik(red))))
    ex[[sprintf("variance_components.%s.lrt", f$comps[j])]] <- lrt
    ex[[sprintf("variance_components.%s.lrt_p", f$comps[j])]] <- pchisq(lrt, 1, lower.tail = FALSE)
  }
  ex
}
for (method in c("REML", "ML")) {
  add(sprintf("summaries/assink2016/%s", method), "../reference/multilevel/assink2016.csv",
      c("--random", "study/esid", "--method", method), summ(ass, character(), c("study", "esid"), method))
  add(sprintf("summaries/assink2016/%s/mods-year", method), "../reference/multilevel/assink2016.csv",
      c("--random", "study/esid", "--mods", "year", "--method", method),
      summ(ass, "year", c("study", "esid"), method))
  add(sprintf("summaries/konstantopoulos2011/%s", method), "../reference/multilevel/konstantopoulos2011.csv",
      c("--random", "district/school", "--method", method), summ(kon, character(), c("district", "school"), method))
  add(sprintf("summaries/nested/3-levels/%s/mods-dose", method), "nested.csv",
      c("--random", "region/site/study", "--mods", "dose", "--method", method),
      summ(nes, "dose", c("region", "site", "study"), method))
  add(sprintf("summaries/lehmann2018/%s/mods-DV_Type+Year", method), "lehmann2018.csv",
      c("--random", "Short_Title/es", "--mods", "DV_Type,Year", "--method", method),
      summ(leh, c("DV_Type", "Year"), c("Short_Title", "es"), method))
}
emit(sprintf("metafor %s, clubSandwich %s", packageVersion("metafor"),
             packageVersion("clubSandwich")))
