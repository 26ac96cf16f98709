# cases.R: the case list every generate*.R script writes, in the format
# tests/reference/check_reference.py reads. source("cases.R"), then
# add() each case and emit() the file to standard output.
num <- function(x) formatC(x, digits = 15, format = "g")
cases <- character()
# One case: metak COMMAND FILE ARGS --format json must give EXPECT (a named
# list of JSON paths; non-finite values are left out).
add <- function(id, file, args, expect, command = NULL) {
  expect <- expect[sapply(expect, function(x) length(x) == 1 && is.finite(x))]
  kv <- paste(sprintf('"%s": %s', names(expect), sapply(expect, num)), collapse = ",\n    ")
  cmd <- if (is.null(command)) "" else sprintf(' "command": "%s",', command)
  cases[length(cases) + 1] <<- sprintf('  {"id": "%s", "file": "%s",%s "args": [%s],\n   "expect": {\n    %s}}',
    id, file, cmd, paste(sprintf('"%s"', args), collapse = ", "), kv)
}
emit <- function(generator) {
  cat(sprintf('{\n "generator": "%s",\n "tolerance": {"rel": 1e-06, "abs": 1e-09},\n "cases": [\n%s\n]}\n',
              generator, paste(cases, collapse = ",\n")))
}
