#!/usr/bin/env Rscript
# make-reference.R: draws fixtures and R posterior reference values for tests/test-diag.c.
#
# Run from this folder:  Rscript make-reference.R
# It rewrites every *.csv here plus README.md. The diagnostics are computed from the draws as
# read back from the CSV files, so R and the C test see the same decimal text; the draws are
# written with 9 significant digits to keep the fixtures small.

suppressPackageStartupMessages(library(posterior))
set.seed(20240611)

ar1 <- function(n, rho) {
  # Stationary AR(1) with unit marginal variance, started from its stationary law.
  x <- numeric(n)
  x[1] <- rnorm(1)
  innovation_sd <- sqrt(1 - rho^2)
  for (i in 2:n) x[i] <- rho * x[i - 1] + innovation_sd * rnorm(1)
  x
}

# Each case is an iterations x chains matrix.
cases <- list()
cases$normal <- matrix(rnorm(500 * 4), 500, 4)
cases$shifted <- cbind(matrix(rnorm(500 * 3), 500, 3), rnorm(500, mean = 1))
cases$cauchy <- matrix(rcauchy(500 * 4), 500, 4)
cases$sticky <- sapply(1:4, function(chain) ar1(500, 0.99))
cases$antithetic <- sapply(1:4, function(chain) ar1(500, -0.7))
cases$constant <- matrix(2.5, 100, 4)
cases$short <- matrix(rnorm(10 * 4), 10, 4)
cases$one_chain <- matrix(ar1(500, 0.5), 500, 1)
cases$ties <- matrix(as.numeric(rpois(500 * 4, 2)), 500, 4)
cases$nearly_constant <- matrix(0, 100, 4)
cases$nearly_constant[17, 3] <- 1
cases$nan <- matrix(rnorm(100 * 4), 100, 4)
cases$nan[37, 2] <- NaN
cases$inf <- matrix(rnorm(100 * 4), 100, 4)
cases$inf[50, 3] <- Inf
cases$odd <- matrix(rnorm(101 * 3), 101, 3)
cases$tiny3 <- matrix(rnorm(3 * 4), 3, 4)
cases$tiny1 <- matrix(rnorm(1 * 4), 1, 4)
cases$one_chain_tiny <- matrix(rnorm(3), 3, 1)

format_value <- function(x) {
  ifelse(is.na(x), ifelse(is.nan(x), "NaN", "NA"),
         ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"), sprintf("%.15g", x)))
}

write_draws <- function(name, x) {
  text <- matrix(ifelse(is.nan(x), "NaN", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
                                                  sprintf("%.9g", x))), nrow(x), ncol(x))
  lines <- c(paste0("chain", seq_len(ncol(x)), collapse = ","),
             apply(text, 1, paste, collapse = ","))
  writeLines(lines, paste0(name, ".csv"))
  back <- as.matrix(read.csv(paste0(name, ".csv"), header = TRUE))
  dimnames(back) <- NULL
  back
}

measures <- list(
  rhat = function(x) rhat(x),
  rhat_basic = function(x) rhat_basic(x),
  rhat_basic_nosplit = function(x) rhat_basic(x, split = FALSE),
  ess_bulk = function(x) ess_bulk(x),
  ess_tail = function(x) ess_tail(x),
  ess_basic = function(x) ess_basic(x),
  ess_basic_nosplit = function(x) ess_basic(x, split = FALSE),
  ess_mean = function(x) ess_mean(x),
  ess_sd = function(x) ess_sd(x),
  ess_q0 = function(x) ess_quantile(x, 0, names = FALSE),
  ess_q5 = function(x) ess_quantile(x, 0.05, names = FALSE),
  ess_q50 = function(x) ess_quantile(x, 0.5, names = FALSE),
  ess_q95 = function(x) ess_quantile(x, 0.95, names = FALSE),
  ess_q100 = function(x) ess_quantile(x, 1, names = FALSE),
  mcse_mean = function(x) mcse_mean(x),
  mcse_sd = function(x) mcse_sd(x),
  mcse_q5 = function(x) mcse_quantile(x, 0.05, names = FALSE),
  mcse_q50 = function(x) mcse_quantile(x, 0.5, names = FALSE),
  mcse_q95 = function(x) mcse_quantile(x, 0.95, names = FALSE),
  mean = function(x) mean(x),
  sd = function(x) sd(x),
  q5 = function(x) quantile2(x, 0.05, names = FALSE),
  q50 = function(x) quantile2(x, 0.5, names = FALSE),
  q95 = function(x) quantile2(x, 0.95, names = FALSE)
)

reference <- character()
autocorr <- character()
for (name in names(cases)) {
  x <- write_draws(name, cases[[name]])
  for (measure in names(measures)) {
    # posterior warns when it caps an ESS; the capped value is the reference.
    value <- suppressWarnings(measures[[measure]](x))
    reference <- c(reference, paste(name, measure, format_value(value), sep = ","))
  }
  if (name %in% c("normal", "sticky", "odd")) {
    acf <- autocorrelation(x[, 1])
    autocorr <- c(autocorr, paste(name, seq_along(acf) - 1, format_value(acf), sep = ","))
  }
}
writeLines(c("case,measure,value", reference), "reference.csv")
writeLines(c("case,lag,value", autocorr), "autocorr.csv")

session <- capture.output(sessionInfo())
readme <- c(
  "# Fixtures for tests/test-diag.c",
  "",
  "Made by `Rscript make-reference.R` run in this folder (fixed seed 20240611).",
  "",
  "- `<case>.csv`: draws of one scalar quantity, one column per chain (`chain1`, `chain2`, ...),",
  "  one row per draw, 9 significant digits; `NaN` and `Inf` are written as such.",
  "- `reference.csv`: `case,measure,value`, every diagnostic from R's posterior package on the",
  "  draws as read back from `<case>.csv`, 15 significant digits, `NA` where posterior returns NA.",
  "  Measures: rhat, rhat_basic (split and not), ess_bulk, ess_tail, ess_basic (split and not),",
  "  ess_mean, ess_sd, ess_quantile at 0, 0.05, 0.5, 0.95, 1, mcse_mean, mcse_sd, mcse_quantile",
  "  at 0.05, 0.5, 0.95, mean, sd, quantile2 (type 7) at 0.05, 0.5, 0.95.",
  "- `autocorr.csv`: `case,lag,value`, posterior:::autocorrelation of chain 1 of three cases.",
  "",
  "Cases: normal (4 x 500 iid normal), shifted (chain 4 shifted by 1), cauchy, sticky (AR(1),",
  "rho 0.99), antithetic (AR(1), rho -0.7), constant, short (4 x 10), one_chain (1 x 500, AR(1)",
  "rho 0.5), ties (Poisson(2) integers), nearly_constant (one 1 among zeros), nan (one NaN), inf",
  "(one Inf), odd (3 x 101), tiny3 (4 x 3), tiny1 (4 x 1), one_chain_tiny (1 x 3).",
  "",
  "## Versions",
  "",
  "```",
  paste0("packageVersion(\"posterior\"): ", packageVersion("posterior")),
  paste0("packageVersion(\"matrixStats\"): ", packageVersion("matrixStats")),
  paste0("packageVersion(\"checkmate\"): ", packageVersion("checkmate")),
  "",
  session,
  "```"
)
writeLines(readme, "README.md")
