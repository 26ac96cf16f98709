# metafor_network.R FILE [STUDIES]: the REML fit metak network makes, by
# metafor: rma.mv on each study's log odds ratios against its first arm
# (covariance diag(s_j) + s_0 of the arm variances; 0.5 added to every arm
# of a study with a zero cell), random = ~ comp | study with rho = 1/2.
# With STUDIES, only the first STUDIES studies. Prints the elapsed seconds
# of the fit (not the reading), tau2 and the first coefficient.
suppressMessages(library(metafor))
a <- commandArgs(TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE)
if (length(a) > 1) d <- d[d$study %in% unique(d$study)[seq_len(as.integer(a[2]))], ]
trt <- sort(unique(d$treatment), method = "radix")
ref <- trt[1]
y <- c(); V <- list(); comp <- c(); st <- c(); X <- NULL
for (s in unique(d$study)) {
	r <- d[d$study == s, ]
	x <- r$events; n <- r$n
	if (any(x == 0 | x == n)) { x <- x + 0.5; n <- n + 1 }
	th <- log(x / (n - x)); v <- 1 / x + 1 / (n - x)
	m <- nrow(r) - 1
	y <- c(y, th[-1] - th[1])
	B <- matrix(v[1], m, m); diag(B) <- diag(B) + v[-1]
	V[[length(V) + 1]] <- B
	comp <- c(comp, paste(r$treatment[-1], r$treatment[1]))
	st <- c(st, rep(s, m))
	Xs <- matrix(0, m, length(trt))
	for (j in seq_len(m)) {
		Xs[j, match(r$treatment[j + 1], trt)] <- 1
		Xs[j, match(r$treatment[1], trt)] <- -1
	}
	X <- rbind(X, Xs)
}
X <- X[, -1, drop = FALSE]
VV <- bldiag(V)
t0 <- proc.time()[["elapsed"]]
f <- rma.mv(y, VV, mods = X, intercept = FALSE, random = ~ comp | st,
    rho = 1/2, method = "REML")
cat(sprintf("%.3f s; tau2 %.10g; b1 %.10g (studies %d, contrasts %d)\n",
    proc.time()[["elapsed"]] - t0, f$tau2, f$beta[1], length(unique(st)),
    length(y)))
