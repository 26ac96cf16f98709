# generate_influence.R: reference values for `metak pool --influence`
# beyond ../reference/influence (REML, DL and FE on four data sets): every
# other tau2 estimator, Knapp-Hartung, k = 2 and 3, a study whose weight is
# near 0, data on a small scale, and k = 100 (the refits' sums then come
# from series). R metafor (3.8-1 when written), influence() and baujat() on
# rma() fits with convergence tightened to 1e-14. Writes the CSVs it draws
# (infl_*.csv) beside it. Run from this folder:
#   Rscript generate_influence.R > expected_influence.json
suppressMessages(library(metafor))
num <- function(x) formatC(x, digits = 15, format = "g")
cases <- character()
add <- function(id, file, args, expect) {
  kv <- paste(sprintf('"%s": %s', names(expect), sapply(expect, num)), collapse = ",\n    ")
  cases[length(cases) + 1] <<- sprintf('  {"id": "%s", "file": "%s", "args": [%s],\n   "expect": {\n    %s}}',
    id, file, paste(sprintf('"%s"', args), collapse = ", "), kv)
}
ctl <- list(threshold = 1e-14, tol = 1e-14, maxiter = 10000)

# one case: the fit of yi, vi with method m and test t, its influence()
# and baujat() values per study (those metafor could not compute left out)
infl_case <- function(id, file, args, yi, vi, m, t, control = ctl) {
  r <- suppressWarnings(rma(yi, vi, method = m, test = t, control = control))
  inf <- suppressWarnings(influence(r))
  pdf(NULL)
  bj <- suppressWarnings(baujat(r))
  dev.off()
  ex <- list()
  for (i in seq_len(r$k)) {
    p <- sprintf("influence.%d.", i - 1)
    v <- list(rstudent = inf$inf$rstudent[i], dffits = inf$inf$dffits[i],
              cook_d = inf$inf$cook.d[i], cov_r = inf$inf$cov.r[i],
              tau2_del = inf$inf$tau2.del[i], qe_del = inf$inf$QE.del[i],
              hat = inf$inf$hat[i], weight = inf$inf$weight[i],
              influential = as.numeric(inf$is.infl[i] & !is.na(inf$is.infl[i])),
              baujat_x = bj$x[i], baujat_y = bj$y[i],
              dfbetas = inf$dfbs[[1]][i])
    for (n in names(v)) if (is.finite(v[[n]])) ex[[paste0(p, n)]] <- v[[n]]
  }
  add(id, file, c(args, "--method", m, "--ci", if (t == "knha") "hksj" else "z",
                  "--influence"), ex)
}

bcg <- read.csv("bcg.csv")
e <- escalc("RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = bcg)
for (m in c("ML", "PM", "EB", "HE", "SJ", "HS")) for (t in c("z", "knha"))
  infl_case(sprintf("bcg/RR/%s/%s/influence", m, t), "bcg.csv",
            c("--measure", "RR"), e$yi, e$vi, m, t)
for (m in c("REML", "DL")) infl_case(sprintf("bcg/RR/%s/knha/influence", m),
  "bcg.csv", c("--measure", "RR"), e$yi, e$vi, m, "knha")

ra <- read.csv("raudenbush1985.csv")
for (m in c("REML", "PM", "FE")) for (t in c("z", "knha")) {
  if (m == "FE" && t == "knha") next
  infl_case(sprintf("raudenbush1985/%s/%s/influence", m, t), "raudenbush1985.csv",
            character(), ra$yi, ra$vi, m, t)
}

# k = 3 (the first three BCG trials) and k = 2 (refits of one study: z)
b3 <- bcg[1:3, ]
write.csv(b3, "infl_bcg3.csv", row.names = FALSE)
e3 <- escalc("OR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = b3)
for (m in c("REML", "DL", "FE")) infl_case(sprintf("bcg3/OR/%s/z/influence", m),
  "infl_bcg3.csv", c("--measure", "OR"), e3$yi, e3$vi, m, "z")
infl_case("bcg3/OR/REML/knha/influence", "infl_bcg3.csv", c("--measure", "OR"),
          e3$yi, e3$vi, "REML", "knha")
k2 <- data.frame(study = c("a", "b"), yi = c(0.1, 0.5), vi = c(0.04, 0.09))
write.csv(k2, "infl_k2.csv", row.names = FALSE)
for (t in c("z", "knha")) infl_case(sprintf("k2/REML/%s/influence", t), "infl_k2.csv",
  character(), k2$yi, k2$vi, "REML", t)

# a study whose weight is near 0 (its variance 10^6 times the others')
tw <- rbind(ra[, c("study", "yi", "vi")], data.frame(study = "tiny weight", yi = 0.8, vi = 1e4))
write.csv(tw, "infl_tinyweight.csv", row.names = FALSE)
for (m in c("REML", "DL")) infl_case(sprintf("tinyweight/%s/z/influence", m),
  "infl_tinyweight.csv", character(), tw$yi, tw$vi, m, "z")

# the same studies on a scale a thousand times smaller (metafor's
# convergence thresholds are absolute: tightened by the scale of tau2)
sc <- data.frame(study = ra$study, yi = ra$yi / 1000, vi = ra$vi / 1e6)
write.csv(sc, "infl_scaled.csv", row.names = FALSE)
for (m in c("REML", "DL")) for (t in c("z", "knha"))
  infl_case(sprintf("scaled/%s/%s/influence", m, t), "infl_scaled.csv",
            character(), sc$yi, sc$vi, m, t,
            list(threshold = 1e-20, tol = 1e-20, maxiter = 10000))

# k = 100 random studies (a fixed seed)
set.seed(20261129)
k <- 100
vi <- round(runif(k, 0.01, 0.2), 4)
big <- data.frame(study = paste0("s", 1:k), yi = round(rnorm(k, 0.3, sqrt(vi + 0.05)), 4), vi = vi)
write.csv(big, "infl_k100.csv", row.names = FALSE)
for (m in c("REML", "DL", "FE"))
  infl_case(sprintf("k100/%s/z/influence", m), "infl_k100.csv", character(),
            big$yi, big$vi, m, "z")
infl_case("k100/REML/knha/influence", "infl_k100.csv", character(), big$yi, big$vi, "REML", "knha")

cat(sprintf('{\n "generator": "metafor %s",\n "tolerance": {"rel": 1e-06, "abs": 1e-09},\n "cases": [\n%s\n]}\n',
    packageVersion("metafor"), paste(cases, collapse = ",\n")))
