# generate_network.R: reference values for `metak network` on networks
# ../reference/network does not have: a star (every treatment against one
# comparator, no loop), a four-arm and a three-arm trial under random
# effects (arm rows, OR; contrast rows of the same data), mean differences
# with a four-arm trial, and risk ratios on a network with a strongly
# inconsistent loop. Computed with R metafor (3.8-1 when written):
# rma.mv on each study's contrasts with its first arm, V = diag(s_j) + s_0,
# random = ~ comp | study with rho = 1/2; REML tau2 refined by Fisher
# scoring on the exact restricted likelihood (dense matrices) until it
# moves by less than 1e-15, then metafor refitted with tau2 fixed there.
# q_within is metafor's QE of the design-by-treatment model (each design
# its own treatment effects). P-scores and the SIDE split are computed here
# from metafor's estimates and covariance by their definitions (Rucker &
# Schwarzer 2015; Dias et al. 2010, back-calculation). Run from this
# folder:
#   Rscript generate_network.R > expected_network.json
# It writes net_*.csv (random data drawn with a fixed seed: test input, not
# data about anything).
suppressMessages(library(metafor))
source("cases.R")
set.seed(20261204)

# ---- data -----------------------------------------------------------------
binary_arms <- function(designs, d, tau, name) {
  rows <- list(); s <- 0
  for (des in designs) {
    s <- s + 1
    base <- rnorm(1, -1, 0.4); shared <- rnorm(1, 0, tau / sqrt(2))
    for (i in seq_along(des)) {
      t <- des[i]
      delta <- if (i == 1) 0 else shared + rnorm(1, 0, tau / sqrt(2))
      eta <- base + d[[t]] - d[[des[1]]] + delta
      n <- sample(40:250, 1)
      rows[[length(rows) + 1]] <- data.frame(study = sprintf("%s%02d", name, s),
        treatment = t, events = rbinom(1, n, plogis(eta)), n = n)
    }
  }
  do.call(rbind, rows)
}
cont_arms <- function(designs, d, tau, name) {
  rows <- list(); s <- 0
  for (des in designs) {
    s <- s + 1
    base <- rnorm(1, 10, 2); shared <- rnorm(1, 0, tau / sqrt(2))
    for (i in seq_along(des)) {
      t <- des[i]
      delta <- if (i == 1) 0 else shared + rnorm(1, 0, tau / sqrt(2))
      n <- sample(20:120, 1); sd <- runif(1, 2, 5)
      rows[[length(rows) + 1]] <- data.frame(study = sprintf("%s%02d", name, s),
        treatment = t, mean = round(base + d[[t]] - d[[des[1]]] + delta +
          rnorm(1, 0, sd / sqrt(n)), 3), sd = round(sd, 3), n = n)
    }
  }
  do.call(rbind, rows)
}

star_des <- c(rep(list(c("placebo", "A")), 3), rep(list(c("B", "placebo")), 2),
  rep(list(c("placebo", "C")), 4), rep(list(c("placebo", "D")), 2), list(c("E", "placebo")))
star <- binary_arms(star_des, list(placebo = 0, A = -0.3, B = -0.5, C = 0.2,
  D = -0.1, E = -0.8), 0.3, "st")
four_des <- c(list(c("placebo", "A", "B", "C")), list(c("A", "B", "D")),
  rep(list(c("placebo", "A")), 3), rep(list(c("placebo", "B")), 3),
  rep(list(c("C", "placebo")), 2), rep(list(c("B", "C")), 2),
  rep(list(c("D", "placebo")), 2), list(c("A", "D")))
four <- binary_arms(four_des, list(placebo = 0, A = -0.4, B = -0.6, C = -0.2,
  D = -0.9), 0.35, "fa")
md_des <- c(list(c("control", "low", "mid", "high")), rep(list(c("control", "low")), 3),
  rep(list(c("control", "high")), 3), rep(list(c("low", "mid")), 2),
  list(c("mid", "high", "control")), rep(list(c("control", "mid")), 2))
md <- cont_arms(md_des, list(control = 0, low = -1, mid = -1.8, high = -2.5), 0.6, "md")
loop_des <- c(rep(list(c("X", "Y")), 4), rep(list(c("Y", "Z")), 4),
  rep(list(c("X", "Z")), 4), list(c("X", "Y", "Z")))
loop <- binary_arms(loop_des, list(X = 0, Y = -0.5, Z = -1), 0.1, "lp")
# an inconsistent loop: the X-Z trials (rows 17 to 24) move the other way
loop$events[17:24] <- ifelse(loop$treatment[17:24] == "Z",
  pmin(loop$n[17:24], round(loop$events[17:24] * 2.2)), loop$events[17:24])

write.csv(star, "net_star.csv", row.names = FALSE, quote = FALSE)
write.csv(four, "net_fourarm.csv", row.names = FALSE, quote = FALSE)
write.csv(md, "net_md.csv", row.names = FALSE, quote = FALSE)
write.csv(loop, "net_loop.csv", row.names = FALSE, quote = FALSE)

# ---- contrasts, fits ------------------------------------------------------
# the contrasts of each study with its first arm: y, V, X (all treatments),
# comp, study, design, and the arms' estimates and variances per study
contrasts <- function(d, measure) {
  trt <- sort(unique(d$treatment), method = "radix")
  y <- c(); V <- list(); X <- NULL; comp <- c(); st <- c(); des <- c(); arms <- list()
  for (s in unique(d$study)) {
    r <- d[d$study == s, ]
    if (measure == "MD") { th <- r$mean; v <- r$sd^2 / r$n } else {
      x <- r$events; n <- r$n
      if (any(x == 0 | x == n)) { x <- x + 0.5; n <- n + 1 }
      if (measure == "OR") { th <- log(x / (n - x)); v <- 1 / x + 1 / (n - x) }
      else { th <- log(x / n); v <- 1 / x - 1 / n }
    }
    m <- nrow(r) - 1
    y <- c(y, th[-1] - th[1])
    B <- matrix(v[1], m, m); diag(B) <- diag(B) + v[-1]; V[[length(V) + 1]] <- B
    Xs <- matrix(0, m, length(trt))
    for (j in seq_len(m)) {
      Xs[j, match(r$treatment[j + 1], trt)] <- 1
      Xs[j, match(r$treatment[1], trt)] <- -1
    }
    X <- rbind(X, Xs)
    comp <- c(comp, paste(r$treatment[-1], r$treatment[1]))
    st <- c(st, rep(s, m))
    des <- c(des, rep(paste(sort(r$treatment, method = "radix"), collapse = "|"), m))
    arms[[s]] <- list(trt = r$treatment, th = th, v = v)
  }
  colnames(X) <- trt
  list(y = y, V = bldiag(V), X = X, comp = comp, st = st, des = des, trt = trt, arms = arms)
}

# REML tau2 of the model, by Fisher scoring from metafor's estimate
reml_tau2 <- function(cn, Xr, t0) {
  C <- outer(cn$st, cn$st, "==") * 0.5; diag(C) <- 1
  t <- t0
  for (it in 1:500) {
    M <- cn$V + t * C; Mi <- solve(M)
    A <- t(Xr) %*% Mi %*% Xr
    P <- Mi - Mi %*% Xr %*% solve(A, t(Xr) %*% Mi)
    PC <- P %*% C; Py <- P %*% cn$y
    score <- -0.5 * sum(diag(PC)) + 0.5 * sum(Py * (C %*% Py))
    info <- 0.5 * sum(PC * t(PC))
    tn <- max(0, t + score / info)
    if (abs(tn - t) < 1e-15 * max(1, t)) { t <- tn; break }
    t <- tn
  }
  t
}

network_case <- function(id, file, d, measure, args, model, ref = NULL,
    small_bad = FALSE, cn = NULL) {
  if (is.null(cn)) cn <- contrasts(d, measure)
  trt <- cn$trt
  if (is.null(ref)) {
    ns <- sapply(trt, function(t) sum(d$treatment == t))
    ref <- trt[which.max(ns)]
  }
  Xr <- cn$X[, colnames(cn$X) != ref, drop = FALSE]
  fe <- rma.mv(cn$y, cn$V, mods = Xr, intercept = FALSE)
  tau2 <- NA
  if (model == "random") {
    dd <- data.frame(comp = cn$comp, st = cn$st)
    r0 <- rma.mv(cn$y, cn$V, mods = Xr, intercept = FALSE,
      random = ~ comp | st, rho = 1/2, data = dd)
    tau2 <- reml_tau2(cn, Xr, r0$tau2)
    f <- rma.mv(cn$y, cn$V, mods = Xr, intercept = FALSE,
      random = ~ comp | st, rho = 1/2, tau2 = tau2, data = dd)
  } else f <- fe
  b <- setNames(rep(0, length(trt)), trt); b[colnames(Xr)] <- f$beta
  Vb <- matrix(0, length(trt), length(trt), dimnames = list(trt, trt))
  Vb[colnames(Xr), colnames(Xr)] <- f$vb
  pair <- function(t1, t2) c(b[t1] - b[t2], sqrt(Vb[t1, t1] + Vb[t2, t2] - 2 * Vb[t1, t2]))
  z <- qnorm(0.975); df <- fe$k - fe$p
  e <- list(k = length(unique(cn$st)), reference = NULL)
  e$k <- length(unique(cn$st))
  e[["heterogeneity.q"]] <- fe$QE; e[["heterogeneity.df"]] <- df
  e[["heterogeneity.p"]] <- fe$QEp
  e[["heterogeneity.i2"]] <- 100 * max(0, (fe$QE - df) / fe$QE)
  if (model == "random") e[["heterogeneity.tau2"]] <- tau2
  for (t in setdiff(trt, ref)) {
    p <- pair(t, ref)
    e[[sprintf("effects.%s.estimate", t)]] <- p[1]
    e[[sprintf("effects.%s.se", t)]] <- p[2]
    e[[sprintf("effects.%s.ci_low", t)]] <- p[1] - z * p[2]
    e[[sprintf("effects.%s.ci_high", t)]] <- p[1] + z * p[2]
    e[[sprintf("effects.%s.p", t)]] <- 2 * pnorm(-abs(p[1] / p[2]))
    if (model == "random" && df >= 2) {
      e[[sprintf("effects.%s.pi_low", t)]] <- p[1] - qt(0.975, df) * sqrt(p[2]^2 + tau2)
      e[[sprintf("effects.%s.pi_high", t)]] <- p[1] + qt(0.975, df) * sqrt(p[2]^2 + tau2)
    }
  }
  for (i in seq_along(trt)) {
    ps <- 0
    for (j in seq_along(trt)) if (i != j) {
      p <- pair(trt[j], trt[i])
      ps <- ps + pnorm((if (small_bad) -p[1] else p[1]) / p[2])
    }
    e[[sprintf("ranking.%s.pscore", trt[i])]] <- ps / (length(trt) - 1)
    for (j in seq_along(trt)) if (i < j) {
      p <- pair(trt[i], trt[j])
      key <- sprintf("league.%s:%s", trt[i], trt[j])
      e[[paste0(key, ".estimate")]] <- p[1]
      e[[paste0(key, ".se")]] <- p[2]
    }
  }
  # the design-by-treatment model: each design its own effects
  Xd <- NULL
  for (g in unique(cn$des)) {
    rows <- cn$des == g
    tr <- strsplit(g, "|", fixed = TRUE)[[1]]
    Xg <- matrix(0, length(cn$y), length(tr) - 1)
    Xg[rows, ] <- cn$X[rows, tr[-1], drop = FALSE]
    Xd <- cbind(Xd, Xg)
  }
  dbt <- rma.mv(cn$y, cn$V, mods = Xd, intercept = FALSE)
  e[["inconsistency.q_within"]] <- dbt$QE
  e[["inconsistency.df_within"]] <- dbt$k - dbt$p
  e[["inconsistency.q_between"]] <- fe$QE - dbt$QE
  e[["inconsistency.df_between"]] <- df - (dbt$k - dbt$p)
  # SIDE by back-calculation, from the arms of the studies with both
  tw <- if (model == "random") tau2 else 0
  for (i in seq_along(trt)) for (j in seq_along(trt)) if (i < j) {
    sw <- 0; swy <- 0
    for (a in cn$arms) {
      k1 <- match(trt[i], a$trt); k2 <- match(trt[j], a$trt)
      if (is.na(k1) || is.na(k2)) next
      w <- 1 / (a$v[k1] + a$v[k2] + tw)
      sw <- sw + w; swy <- swy + w * (a$th[k1] - a$th[k2])
    }
    if (sw == 0) next
    key <- sprintf("split.%s:%s", trt[i], trt[j])
    dir <- swy / sw; vd <- 1 / sw; p <- pair(trt[i], trt[j]); vn <- p[2]^2
    e[[paste0(key, ".direct")]] <- dir
    e[[paste0(key, ".direct_se")]] <- sqrt(vd)
    if (vn / vd < 0.995) {
      vi <- 1 / (1 / vn - 1 / vd); ind <- vi * (p[1] / vn - dir / vd)
      e[[paste0(key, ".indirect")]] <- ind
      e[[paste0(key, ".indirect_se")]] <- sqrt(vi)
      e[[paste0(key, ".diff")]] <- dir - ind
      e[[paste0(key, ".p")]] <- 2 * pnorm(-abs((dir - ind) / sqrt(vd + vi)))
    }
  }
  e$reference <- NULL
  add(id, file, args, e, command = "network")
}

# contrast rows of the arm rows: every pair, yi = treat1 minus treat2
pairs_of <- function(cn) {
  rows <- list()
  for (s in names(cn$arms)) {
    a <- cn$arms[[s]]
    for (i in seq_along(a$trt)) for (j in seq_along(a$trt)) if (i < j)
      rows[[length(rows) + 1]] <- data.frame(study = s, treat1 = a$trt[i],
        treat2 = a$trt[j], yi = sprintf("%.17g", a$th[i] - a$th[j]),
        vi = sprintf("%.17g", a$v[i] + a$v[j]))
  }
  do.call(rbind, rows)
}
cf <- contrasts(four, "OR")
write.csv(pairs_of(cf), "net_fourarm_contrasts.csv", row.names = FALSE, quote = FALSE)

network_case("star/OR/REML", "net_star.csv", star, "OR", character(), "random")
network_case("star/OR/common", "net_star.csv", star, "OR", c("--model", "common"), "common")
network_case("star/OR/REML/ref-A/bad", "net_star.csv", star, "OR",
  c("--reference", "A", "--small-values", "bad"), "random", ref = "A", small_bad = TRUE)
network_case("fourarm/OR/REML", "net_fourarm.csv", four, "OR", character(), "random")
network_case("fourarm/OR/common", "net_fourarm.csv", four, "OR", c("--model", "common"), "common")
network_case("fourarm/RR/REML/ref-D", "net_fourarm.csv", four, "RR",
  c("--measure", "RR", "--reference", "D"), "random", ref = "D")
network_case("fourarm/contrasts/REML", "net_fourarm_contrasts.csv", four, "OR",
  character(), "random", cn = cf)
network_case("md/MD/REML", "net_md.csv", md, "MD", character(), "random")
network_case("md/MD/common/ref-high", "net_md.csv", md, "MD",
  c("--model", "common", "--reference", "high"), "common", ref = "high")
network_case("loop/RR/REML", "net_loop.csv", loop, "RR", c("--measure", "RR"), "random")
network_case("loop/RR/common", "net_loop.csv", loop, "RR", c("--measure", "RR", "--model", "common"), "common")
emit(sprintf("metafor %s", packageVersion("metafor")))
