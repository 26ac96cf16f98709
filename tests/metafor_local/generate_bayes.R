# generate_bayes.R: reference values for --method BAYES (the normal-normal
# model with priors on tau and mu) for priors, measures and numbers of
# studies (k = 1 to 5) that ../reference/bayes does not cover: the flat
# prior on tau, half-t, exponential, uniform with the posterior against its
# end, Turner's log-normal priors, normal priors on mu, PLO, ZCOR, IRR, ROM
# and MD, levels and thresholds. yi and vi are metafor's escalc(); the
# posterior is computed here from its definition, independently of metak:
#   p(tau | y) ~ p(tau) prod (v + tau^2)^-1/2 P^-1/2 exp(-Q/2)
# (P and Q as in ../reference/bayes/README.md), integrated over tau itself
# (not log tau, as metak does) by R's integrate() at rel.tol 1e-13, split
# at the posterior's mode; every quantile by uniroot() on the CDF, itself
# an integrate() over tau of the conditional normal CDFs. Run from this
# folder (R 4.2, metafor 3.8-1 when written):
#   Rscript generate_bayes.R > expected_bayes.json
# It writes the small data sets it uses (bayes_*.csv): subsets of bcg.csv,
# props.csv, cors.csv, rates2.csv and random_cont_5.csv.
suppressMessages(library(metafor))
source("cases.R")

lprior <- function(spec) {   # log density of tau, up to a constant
  p <- as.numeric(strsplit(sub("^[^:]*:?", "", spec), ",")[[1]])
  switch(sub(":.*", "", spec),
    flat = function(t) 0 * t,
    halfnormal = function(t) -t^2 / (2 * p[1]^2),
    halfcauchy = function(t) -log1p((t / p[1])^2),
    halft = function(t) -(p[2] + 1) / 2 * log1p((t / p[1])^2 / p[2]),
    uniform = function(t) ifelse(t <= p[1], 0, -Inf),
    exponential = function(t) -p[1] * t,
    "lognormal-tau2" = function(t) dnorm(2 * log(t), p[1], p[2], log = TRUE) - log(t))
}

posterior <- function(y, v, tau_spec, mu_spec) {
  lp <- lprior(tau_spec)
  p0 <- 0; m0 <- 0
  if (mu_spec != "flat") {
    mp <- as.numeric(strsplit(sub("normal:", "", mu_spec), ",")[[1]])
    m0 <- mp[1]; p0 <- 1 / mp[2]^2
  }
  cond <- function(t) {   # m, V and the log posterior at each tau
    sapply(t, function(tt) {
      w <- 1 / (v + tt^2); P <- sum(w) + p0
      m <- (sum(w * y) + p0 * m0) / P
      q <- sum(w * (y - m)^2) + p0 * (m0 - m)^2
      c(m, 1 / P, -0.5 * (sum(log(v + tt^2)) + log(P) + q))
    })
  }
  # the mode on a grid of log tau, for the split and the scale
  grid <- exp(seq(log(1e-6 * sqrt(min(v))), log(100 * max(sqrt(v), diff(range(y)), 1)), length.out = 2000))
  lg <- cond(grid)[3, ] + lp(grid) + log(grid)
  top <- max(lg[is.finite(lg)])
  mode <- grid[which.max(lg)]
  dens <- function(t) { r <- numeric(length(t)); ok <- t > 0
                        r[ok] <- exp(cond(t[ok])[3, ] + lp(t[ok]) - top); r[!ok] <- exp(cond(1e-300)[3] + lp(0) - top)
                        r[!is.finite(r)] <- 0; r }
  upper <- if (sub(":.*", "", tau_spec) == "uniform") as.numeric(sub("uniform:", "", tau_spec)) else Inf
  integ <- function(f) {   # over (0, upper), split at the mode and at 20 modes
    cuts <- c(0, min(mode, upper), min(20 * mode + 1e-300, upper), upper)
    cuts <- unique(cuts)
    s <- 0
    for (i in seq_len(length(cuts) - 1))
      s <- s + integrate(f, cuts[i], cuts[i + 1], rel.tol = 1e-13, abs.tol = 0, subdivisions = 10000L)$value
    s
  }
  Z <- integ(dens)
  list(cond = cond, dens = dens, Z = Z, integ = integ, mode = mode, y = y, v = v, upper = upper)
}

# the integrand p(tau) g(tau), 0 where the density is (g may be NaN there)
wt <- function(po, g) function(t) {
  d <- po$dens(t); out <- numeric(length(t)); nz <- d > 0
  if (any(nz)) out[nz] <- d[nz] * g(t[nz])
  out
}
mixq <- function(po, p, mean_sd) {   # p-quantile of the mixture over tau
  cdf <- function(x) po$integ(wt(po, function(t) { ms <- mean_sd(t); pnorm(x, ms[1, ], ms[2, ]) })) / po$Z
  c0 <- po$integ(wt(po, function(t) mean_sd(t)[1, ])) / po$Z
  s0 <- sqrt(po$cond(po$mode)[2]) + diff(range(po$y)) + sqrt(max(po$v))
  lo <- c0 - s0; hi <- c0 + s0
  while (cdf(lo) > p) lo <- lo - 4 * (hi - lo)
  while (cdf(hi) < p) hi <- hi + 4 * (hi - lo)
  uniroot(function(x) cdf(x) - p, c(lo, hi), tol = 1e-13 * s0, maxiter = 1000)$root
}

summarise <- function(po, level, threshold, nshrink, drop) {
  a <- (1 - level / 100) / 2
  cond <- po$cond
  mu <- function(t) { cc <- cond(t); rbind(cc[1, ], sqrt(cc[2, ])) }
  pred <- function(t) { cc <- cond(t); rbind(cc[1, ], sqrt(cc[2, ] + t^2)) }
  tq <- function(p) {
    g <- function(x) { s <- 0; cuts <- sort(unique(c(0, min(po$mode, x), x)))
      for (i in seq_len(length(cuts) - 1)) s <- s + integrate(po$dens, cuts[i], cuts[i + 1], rel.tol = 1e-13, abs.tol = 0, subdivisions = 10000L)$value
      s / po$Z - p }
    hi <- po$mode * 4 + 1e-12; while (g(hi) < 0) hi <- hi * 4
    if (is.finite(po$upper)) hi <- min(hi, po$upper)
    uniroot(g, c(0, hi), tol = 1e-14 * po$mode)$root
  }
  r <- list()
  r[["bayes.mu.median"]] <- mixq(po, 0.5, mu)
  r[["bayes.mu.ci_low"]] <- mixq(po, a, mu)
  r[["bayes.mu.ci_high"]] <- mixq(po, 1 - a, mu)
  Em <- po$integ(wt(po, function(t) cond(t)[1, ])) / po$Z
  if (!("bayes.mu.mean" %in% drop)) r[["bayes.mu.mean"]] <- Em
  if (!("bayes.mu.sd" %in% drop))
    r[["bayes.mu.sd"]] <- sqrt(po$integ(wt(po, function(t) { cc <- cond(t); cc[2, ] + (cc[1, ] - Em)^2 })) / po$Z)
  r[["bayes.tau.median"]] <- tq(0.5)
  r[["bayes.tau.ci_low"]] <- tq(a)
  r[["bayes.tau.ci_high"]] <- tq(1 - a)
  if (!("bayes.tau.mean" %in% drop))
    r[["bayes.tau.mean"]] <- po$integ(wt(po, function(t) t)) / po$Z
  r[["bayes.predict.median"]] <- mixq(po, 0.5, pred)
  r[["bayes.predict.ci_low"]] <- mixq(po, a, pred)
  r[["bayes.predict.ci_high"]] <- mixq(po, 1 - a, pred)
  r[["bayes.threshold"]] <- threshold
  r[["bayes.p_below"]] <- po$integ(wt(po, function(t) { ms <- mu(t); pnorm(threshold, ms[1, ], ms[2, ]) })) / po$Z
  for (i in seq_len(min(nshrink, length(po$y)))) {
    yi <- po$y[i]; vi <- po$v[i]
    sh <- function(t) { cc <- cond(t); B <- vi / (vi + t^2)
      rbind(B * cc[1, ] + (1 - B) * yi, sqrt(vi * (1 - B) + B^2 * cc[2, ])) }
    r[[sprintf("bayes.shrinkage.%d.median", i - 1)]] <- mixq(po, 0.5, sh)
    r[[sprintf("bayes.shrinkage.%d.ci_low", i - 1)]] <- mixq(po, a, sh)
    r[[sprintf("bayes.shrinkage.%d.ci_high", i - 1)]] <- mixq(po, 1 - a, sh)
  }
  r[["pooled.estimate"]] <- r[["bayes.mu.median"]]
  r[["pooled.ci_low"]] <- r[["bayes.mu.ci_low"]]
  r[["pooled.ci_high"]] <- r[["bayes.mu.ci_high"]]
  r[["pooled.pi_low"]] <- r[["bayes.predict.ci_low"]]
  r[["pooled.pi_high"]] <- r[["bayes.predict.ci_high"]]
  r[["heterogeneity.tau"]] <- r[["bayes.tau.median"]]
  r
}

# drop: the moments that do not exist (see ../reference/bayes/README.md)
bayes_case <- function(file, es, measure, tau_spec, mu_spec = "flat", level = 95,
                       threshold = NA, drop = character()) {
  message(file, " ", tau_spec, " ", mu_spec)
  po <- posterior(es$yi, es$vi, tau_spec, mu_spec)
  th <- if (is.na(threshold)) 0 else switch(measure, OR =, RR =, IRR =, ROM = log(threshold),
                                             ZCOR = atanh(threshold), PLO = qlogis(threshold), threshold)
  r <- summarise(po, level, th, 3, drop)
  args <- c("--measure", measure, "--method", "BAYES", "--prior-tau", tau_spec)
  if (mu_spec != "flat") args <- c(args, "--prior-mu", mu_spec)
  if (level != 95) args <- c(args, "--level", level)
  if (!is.na(threshold)) args <- c(args, "--threshold", threshold)
  add(sprintf("%s/%s/%s/%s%s%s", sub(".csv", "", file), measure, tau_spec, mu_spec,
              if (level != 95) sprintf("/level%g", level) else "",
              if (!is.na(threshold)) sprintf("/threshold%g", threshold) else ""),
      file, args, c(list(k = length(es$yi)), r))
}

sub_csv <- function(src, rows, dst) {
  d <- read.csv(src)[rows, ]
  write.csv(d, dst, row.names = FALSE, quote = FALSE)
  d
}


for (k in 1:5) {
  d <- sub_csv("bcg.csv", 1:k, sprintf("bayes_bcg_k%d.csv", k))
}
b <- function(k) escalc("RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c,
                        data = read.csv(sprintf("bayes_bcg_k%d.csv", k)))
bo <- function(k) escalc("OR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c,
                         data = read.csv(sprintf("bayes_bcg_k%d.csv", k)))
# k = 1: the posterior of tau is the prior; the mean of mu exists only
# for light-tailed priors
bayes_case("bayes_bcg_k1.csv", b(1), "RR", "halfnormal:0.5")
bayes_case("bayes_bcg_k1.csv", b(1), "RR", "exponential:2")
bayes_case("bayes_bcg_k1.csv", b(1), "RR", "halft:0.5,3")
bayes_case("bayes_bcg_k1.csv", bo(1), "OR", "lognormal-tau2:-3.95,1.34", "normal:0,2")
bayes_case("bayes_bcg_k1.csv", b(1), "RR", "uniform:0.3", level = 90)
# k = 2: a flat prior on tau needs a normal prior on mu
bayes_case("bayes_bcg_k2.csv", b(2), "RR", "flat", "normal:0,1", drop = c("bayes.tau.mean"))
bayes_case("bayes_bcg_k2.csv", b(2), "RR", "halft:0.5,2")
bayes_case("bayes_bcg_k2.csv", bo(2), "OR", "lognormal-tau2:-2.56,1.74", threshold = 0.8)
# k = 3 to 5: the flat prior on tau, the others at other levels
bayes_case("bayes_bcg_k3.csv", b(3), "RR", "flat", drop = c("bayes.mu.mean", "bayes.mu.sd", "bayes.tau.mean"))
bayes_case("bayes_bcg_k4.csv", b(4), "RR", "flat", drop = c("bayes.mu.sd"))
bayes_case("bayes_bcg_k5.csv", b(5), "RR", "flat")
bayes_case("bayes_bcg_k3.csv", bo(3), "OR", "exponential:1", level = 99)
bayes_case("bayes_bcg_k4.csv", bo(4), "OR", "uniform:0.2")
bayes_case("bayes_bcg_k5.csv", b(5), "RR", "halfcauchy:1", "normal:-0.5,1", level = 80)
bayes_case("bayes_bcg_k5.csv", b(5), "RR", "halft:0.3,1", threshold = 0.5)

# one proportion (PLO), correlations (ZCOR), rates (IRR), ratio of means
pr <- escalc("PLO", xi = events, ni = n, data = sub_csv("props.csv", 1:4, "bayes_props.csv"))
bayes_case("bayes_props.csv", pr, "PLO", "halfnormal:0.5", threshold = 0.2)
bayes_case("bayes_props.csv", pr, "PLO", "halfcauchy:1", level = 90)
co <- escalc("ZCOR", ri = ri, ni = ni, data = sub_csv("cors.csv", 1:3, "bayes_cors.csv"))
bayes_case("bayes_cors.csv", co, "ZCOR", "halfnormal:0.5", threshold = 0.3)
ra <- escalc("IRR", x1i = events_t, t1i = time_t, x2i = events_c, t2i = time_c,
             data = sub_csv("rates2.csv", 1:4, "bayes_rates.csv"))
bayes_case("bayes_rates.csv", ra, "IRR", "halfnormal:0.5", threshold = 1.5)
cont <- sub_csv("random_cont_5.csv", 1:5, "bayes_cont.csv")
ro <- escalc("ROM", m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = cont)
bayes_case("bayes_cont.csv", ro, "ROM", "halfnormal:0.5")
md <- escalc("MD", m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = cont)
bayes_case("bayes_cont.csv", md, "MD", "halfcauchy:2", threshold = -1)
sm <- escalc("SMD", m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = cont)
bayes_case("bayes_cont.csv", sm, "SMD", "exponential:4", "normal:0,0.5")

emit("generate_bayes.R (posterior integrated over tau by integrate(); R 4.2.2)")
