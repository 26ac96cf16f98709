# generate_glmm.R: reference values for metak pool --glmm on data the
# shared glmm cases lack: k = 2, zero cells in one arm (and a study with
# none in either, left out), very unbalanced arms, a trial of 10^5 with
# thousands of events (CM.EL's exact likelihood), rates with a zero count,
# proportions at 0 and 1. metafor's rma.glmm uses 7-point quadrature or
# the Laplace approximation, so the likelihoods are written out here from
# their definitions (metafor 3.8's parameterisation, as
# ../reference/glmm/README.md describes), every integral over a random
# effect by integrate() at rel.tol 1e-12 around the integrand's mode, the
# maximum found by optim() and polished by Newton steps on numDeriv's
# gradient and Hessian, the SE from numDeriv's Hessian of the full
# log-likelihood. Run from this folder:
#   Rscript generate_glmm.R > expected_glmm.json
# It writes glmm_*.csv: small data sets drawn with a fixed seed or written
# out here (test inputs, not data about anything).
suppressMessages(library(numDeriv))
source("cases.R")

# log of int exp(h(z)) dz for a concave h on the N(0, 1) scale: the mode
# by optimize(), the integral in three pieces around it.
logint <- function(h) {
  m <- optimize(h, c(-60, 60), maximum = TRUE, tol = 1e-12)
  c0 <- m$objective; z0 <- m$maximum
  if (!is.finite(c0)) return(-Inf)
  f <- function(z) { v <- exp(h(z) - c0); v[!is.finite(v)] <- 0; v }
  s <- integrate(f, z0 - 12, z0 + 12, rel.tol = 1e-12, subdivisions = 2000L)$value +
    integrate(f, -Inf, z0 - 12, rel.tol = 1e-10)$value +
    integrate(f, z0 + 12, Inf, rel.tol = 1e-10)$value
  c0 + log(s)
}
hv <- function(fun) function(z) sapply(z, fun)
lbin <- function(x, n, eta) dbinom(x, n, plogis(eta), log = TRUE)
lpois <- function(x, t, eta) dpois(x, t * exp(eta), log = TRUE)
# the non-central hypergeometric log-pmf of a given the margins
lnchg <- function(a, n1, n2, m, th) {
  j <- max(0, m - n2):min(n1, m)
  lc <- lchoose(n1, j) + lchoose(n2, m - j) + th * j
  mx <- max(lc)
  lc[j == a] - mx - log(sum(exp(lc - mx)))
}
arm <- function(pois, x, n, eta) if (pois) lpois(x, n, eta) else lbin(x, n, eta)

# The log-likelihood of study i of d under model at beta, tau (tau = 0:
# none integrated), alpha (UM.FS), gamma and sigma (UM.RS FE).
study_ll <- function(model, d, i, pois, beta, tau, alpha = 0, gamma = 0, sigma = 0) {
  x1 <- d$x1[i]; n1 <- d$n1[i]; x2 <- d$x2[i]; n2 <- d$n2[i]
  f <- switch(model,
    UM.FS = function(u) arm(pois, x1, n1, alpha + beta + u / 2) + arm(pois, x2, n2, alpha - u / 2),
    UM.RS = function(v) arm(pois, x1, n1, gamma + beta + v) + arm(pois, x2, n2, gamma + v),
    CM.EL = if (pois) function(u) lbin(x1, x1 + x2, log(n1 / n2) + beta + u)
            else function(u) lnchg(x1, n1, n2, x1 + x2, beta + u),
    CM.AL = function(u) lbin(x1, x1 + x2, log(n1 / n2) + beta + u),
    BN = function(u) arm(pois, x1, n1, beta + u))
  s <- if (model == "UM.RS") sigma else tau
  if (s == 0) return(f(0))
  logint(hv(function(z) f(s * z) + dnorm(z, log = TRUE)))
}

# Maximum likelihood: optim, then Newton on numDeriv's derivatives.
fitml <- function(fn, p) {
  o <- optim(p, fn, method = "BFGS", control = list(fnscale = -1, reltol = 1e-15, maxit = 5000))
  p <- o$par
  for (it in 1:6) {
    g <- grad(fn, p); H <- hessian(fn, p)
    st <- solve(H, g)
    p <- p - st
    if (max(abs(st)) < 1e-11) break
  }
  list(par = p, ll = fn(p), vcov = solve(-hessian(fn, p)))
}

# The saturated model's log-likelihood (all models here but UM.RS).
sat <- function(model, d, pois) {
  sum(sapply(seq_len(nrow(d)), function(i) {
    x1 <- d$x1[i]; n1 <- d$n1[i]; x2 <- d$x2[i]; n2 <- d$n2[i]
    switch(model,
      UM.FS = if (pois) dpois(x1, x1, log = TRUE) + dpois(x2, x2, log = TRUE)
              else dbinom(x1, n1, x1 / n1, log = TRUE) + dbinom(x2, n2, x2 / n2, log = TRUE),
      BN = if (pois) dpois(x1, x1, log = TRUE) else dbinom(x1, n1, x1 / n1, log = TRUE),
      CM.EL = if (pois) dbinom(x1, x1 + x2, x1 / (x1 + x2), log = TRUE) else {
        lo <- max(0, x1 + x2 - n2); hi <- min(n1, x1 + x2)
        if (x1 == lo || x1 == hi) 0 else
          optimize(function(t) lnchg(x1, n1, n2, x1 + x2, t), c(-30, 30),
                   maximum = TRUE, tol = 1e-12)$objective },
      CM.AL = dbinom(x1, x1 + x2, x1 / (x1 + x2), log = TRUE))
  }))
}

# One case: the FE fit (and the ML fit with tau, where asked); tau2 at 0
# where the likelihood falls from there (the ML results are FE's).
one <- function(file, model, method, measure, pois, d0) {
  keep <- if (model == "BN") rep(TRUE, nrow(d0)) else if (pois) !(d0$x1 == 0 & d0$x2 == 0) else
    !((d0$x1 == 0 & d0$x2 == 0) | (d0$x1 == d0$n1 & d0$x2 == d0$n2))
  d <- d0[keep, ]; k <- nrow(d)
  own <- model == "UM.FS"; rs <- model == "UM.RS"
  y0 <- with(d, if (pois) log((x2 + 0.5) / n2) else qlogis((x2 + 0.5) / (n2 + 1)))
  llfun <- function(p, tau) {
    beta <- p[1]
    sum(sapply(seq_len(k), function(i)
      if (own) study_ll(model, d, i, pois, beta, tau, alpha = p[1 + i])
      else if (rs) study_ll(model, d, i, pois, beta, 0, gamma = p[2], sigma = p[3])
      else study_ll(model, d, i, pois, beta, tau)))
  }
  p0 <- c(0, if (own) 0 else NULL, if (own) y0 else NULL, if (rs) c(mean(y0), 0.5) else NULL)
  if (own) p0 <- p0[-2]
  fe <- fitml(function(p) llfun(p, 0), p0)
  ll_fe <- fe$ll; res <- fe; tau <- 0
  if (method == "ML") {
    fn <- function(p) llfun(p[-2], p[2])
    ml <- fitml(fn, c(fe$par[1], 0.5, fe$par[-1]))
    if (abs(ml$par[2]) > 1e-4 && ml$ll > ll_fe + 1e-10) {
      tau <- abs(ml$par[2]); res <- list(par = ml$par[-2], ll = ml$ll, vcov = ml$vcov[-2, -2, drop = FALSE])
    }
  }
  est <- res$par[1]; se <- sqrt(res$vcov[1, 1])
  npar <- (if (own) k else 0) + (if (rs) 3 else 1) + (method == "ML")
  nobs <- if (model %in% c("UM.FS", "UM.RS")) 2 * k else k
  e <- list("k" = k, "pooled.estimate" = est, "pooled.se" = se,
            "pooled.ci_low" = est - qnorm(0.975) * se, "pooled.ci_high" = est + qnorm(0.975) * se,
            "heterogeneity.tau2" = tau^2, "fit.loglik" = res$ll,
            "fit.aic" = -2 * res$ll + 2 * npar, "fit.bic" = -2 * res$ll + npar * log(nobs))
  if (rs) e[["heterogeneity.sigma2"]] <- res$par[3]^2
  else e[["heterogeneity.q_lrt"]] <- 2 * (sat(model, d, pois) - ll_fe)
  add(sprintf("%s/%s/%s", sub(".csv", "", file), model, method), file,
      c("--measure", measure, "--glmm", model, "--method", method), e)
}

set.seed(20261204)
wr <- function(d, file, cols) write.csv(d[, cols], file, row.names = FALSE, quote = FALSE)
b2 <- c("study", "events_t", "n_t", "events_c", "n_c")
# k = 2, heterogeneous
k2 <- data.frame(study = c("a", "b"), events_t = c(1, 15), n_t = c(100, 120), events_c = c(12, 10), n_c = c(100, 115))
wr(k2, "glmm_k2.csv", b2)
# zero cells: treatment arms without events, one study with none at all,
# one with only events in the treatment arm
zc <- data.frame(study = paste0("z", 1:7), n_t = c(40, 55, 60, 35, 80, 25, 50), n_c = c(42, 50, 61, 30, 85, 25, 52))
zc$events_t <- c(0, 2, 0, 1, 3, 0, 50); zc$events_c <- c(3, 5, 4, 0, 9, 0, 41)
wr(zc, "glmm_zeros.csv", b2)
# very unbalanced arms and a trial of 10^5 with thousands of events
ub <- data.frame(study = paste0("u", 1:5), n_t = c(20, 3000, 15, 50000, 400), n_c = c(2000, 25, 900, 50000, 390))
ub$events_t <- c(1, 60, 2, 2700, 30); ub$events_c <- c(40, 2, 45, 3100, 41)
wr(ub, "glmm_unbalanced.csv", b2)
# rates with zero counts, one study with none
rt <- data.frame(study = paste0("r", 1:5), events_t = c(0, 4, 7, 0, 12), time_t = c(150.5, 210, 330, 90, 800),
                 events_c = c(3, 9, 6, 0, 30), time_c = c(140, 200.25, 310, 95, 790))
wr(rt, "glmm_rates.csv", c("study", "events_t", "time_t", "events_c", "time_c"))
# proportions at 0 and 1; one-group rates with a zero count
pr <- data.frame(study = paste0("p", 1:6), events = c(0, 3, 12, 20, 7, 1), n = c(15, 40, 30, 20, 60, 9))
wr(pr, "glmm_props.csv", c("study", "events", "n"))
r1 <- data.frame(study = paste0("t", 1:5), events = c(0, 5, 17, 2, 9), time = c(55.5, 120, 260, 80, 140))
wr(r1, "glmm_rate1.csv", c("study", "events", "time"))

two <- function(d) data.frame(x1 = d[[2]], n1 = d[[3]], x2 = d[[4]], n2 = d[[5]])
for (f in c("glmm_k2.csv", "glmm_zeros.csv", "glmm_unbalanced.csv")) {
  d <- two(read.csv(f))
  for (model in c("UM.FS", "CM.EL", "CM.AL"))
    for (method in c("FE", "ML")) one(f, model, method, "OR", FALSE, d)
  one(f, "UM.RS", "FE", "OR", FALSE, d)
}
d <- two(read.csv("glmm_rates.csv"))
for (model in c("UM.FS", "CM.EL"))
  for (method in c("FE", "ML")) one("glmm_rates.csv", model, method, "IRR", TRUE, d)
one("glmm_rates.csv", "UM.RS", "FE", "IRR", TRUE, d)
p <- read.csv("glmm_props.csv"); d <- data.frame(x1 = p$events, n1 = p$n, x2 = 0, n2 = 1)
for (method in c("FE", "ML")) one("glmm_props.csv", "BN", method, "PLO", FALSE, d)
p <- read.csv("glmm_rate1.csv"); d <- data.frame(x1 = p$events, n1 = p$time, x2 = 0, n2 = 1)
for (method in c("FE", "ML")) one("glmm_rate1.csv", "BN", method, "IRLN", TRUE, d)
emit("tests/metafor_local/generate_glmm.R")
