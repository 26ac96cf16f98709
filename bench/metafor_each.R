# metafor_each.R FILE METHOD: the metafor loop for many analyses.
suppressMessages(library(metafor))
a <- commandArgs(TRUE)
d <- read.csv(a[1])
n <- 0
for (g in split(d, factor(d$analysis, levels = unique(d$analysis)))) {
  # a fit that fails to converge is skipped, as a user's loop would
  r <- try(rma(yi, vi, data = g, method = a[2]), silent = TRUE); n <- n + 1
}
cat(n, "\n")
