# stan.R: the Stan side of bench/run (rstan 2.21 from Debian's r-cran-rstan).
#
#   Rscript stan.R compile PROGRAM.stan OUT.rds
#     Compiles PROGRAM once and saves the model (with its shared object) to OUT.rds.
#     Prints one JSON object: {"compile_seconds": ...}.
#
#   Rscript stan.R sample MODEL.rds NAME DATA.csv|- SEED CHAINS DRAWS TUNE CORES OUT_DIR
#     Samples the model NAME (a conformance model; it says how to turn DATA.csv into Stan's
#     data list) with NUTS, adapt_delta 0.8, max_treedepth 10, and writes one CmdStan-layout
#     CSV per chain, OUT_DIR/chain-<k>.csv, holding the kept draws only (the warmup rows that
#     save_warmup wrote are stripped, so `credence-cli diagnose` reads the same draws as
#     rstan's summary). Prints one JSON object: the wall seconds of the sampling() call, the
#     warmup and sampling seconds summed over chains (get_elapsed_time), and the gradient
#     evaluations (n_leapfrog__ summed over every iteration of every chain, warmup included).

suppressPackageStartupMessages(library(rstan))
# Debian's r-cran-bh is an empty shell over libboost-dev, so rstan's default Boost path
# (BH's include folder) does not exist; point it at the system headers instead.
if (system.file("include", package = "BH") == "" && dir.exists("/usr/include/boost"))
  rstan_options(boost_lib = "/usr/include")

json_object <- function(values) {
  fields <- vapply(names(values), function(name) {
    sprintf("\"%s\": %.17g", name, values[[name]])
  }, "")
  cat("{", paste(fields, collapse = ", "), "}\n", sep = "")
}

# The data each conformance model reads: its constants (the `data` lines of the .crm file)
# and its dataset's columns, under the names the Stan programs in bench/stan/ declare.
model_data <- function(name, path) {
  d <- if (path == "-") NULL else read.csv(path)
  design <- function(d) {
    X <- as.matrix(d[, grep("^x[0-9]+$", names(d))])
    list(N = nrow(d), K = ncol(X), X = X, y = as.integer(d$y))
  }
  switch(name,
    coin = list(n_flips = 50L, n_heads = 15L),
    ab_test = list(n_control = 1000L, conv_control = 45L,
                   n_treatment = 1200L, conv_treatment = 72L),
    eight_schools_c = ,
    eight_schools_nc = list(J = nrow(d), y = d$y, sigma = d$sigma),
    linreg = list(N = nrow(d), x = d$x, y = d$y),
    hier_intercepts = {
      group <- factor(d$group)
      list(N = nrow(d), J = nlevels(group), group = as.integer(group), x = d$x, y = d$y)
    },
    poisson = ,
    logistic = ,
    logistic_big = design(d),
    stop("stan.R: no data recipe for model '", name, "'"))
}

# rstan writes save_warmup's rows first; keep the '#' lines, the header and the last `draws`
# rows, so the file holds what CmdStan writes without save_warmup.
strip_warmup <- function(path, draws) {
  lines <- readLines(path)
  comment <- startsWith(lines, "#") | lines == ""
  header <- which(!comment)[1]
  rows <- which(!comment)[-1]
  if (length(rows) < draws)
    stop("stan.R: ", path, " has ", length(rows), " draws, fewer than ", draws)
  drop <- head(rows, length(rows) - draws)
  columns <- strsplit(lines[header], ",", fixed = TRUE)[[1]]
  needed <- c("lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__",
              "divergent__", "energy__")
  if (!all(needed %in% columns))
    stop("stan.R: ", path, " lacks the sampler columns ",
         paste(setdiff(needed, columns), collapse = ", "))
  if (length(drop) > 0)
    lines <- lines[-drop]
  writeLines(lines, path)
}

command_compile <- function(program, out) {
  seconds <- system.time(
    model <- stan_model(program, model_name = sub("\\.stan$", "", basename(program)),
                        save_dso = TRUE, auto_write = FALSE))[["elapsed"]]
  saveRDS(model, out)
  json_object(list(compile_seconds = seconds))
}

command_sample <- function(rds, name, data_path, seed, chains, draws, tune, cores, out_dir) {
  model <- readRDS(rds)
  data <- model_data(name, data_path)
  dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
  sample_file <- file.path(out_dir, "chain.csv")
  start <- proc.time()[["elapsed"]]
  fit <- sampling(model, data = data, chains = chains, iter = tune + draws, warmup = tune,
                  seed = seed, cores = cores, refresh = 0, save_warmup = TRUE,
                  sample_file = sample_file,
                  control = list(adapt_delta = 0.8, max_treedepth = 10))
  wall <- proc.time()[["elapsed"]] - start
  # rstan names the chains' files chain_1.csv ... chain_<chains>.csv.
  for (k in seq_len(chains)) {
    from <- file.path(out_dir, sprintf("chain_%d.csv", k))
    to <- file.path(out_dir, sprintf("chain-%d.csv", k))
    if (!file.exists(from))
      stop("stan.R: rstan wrote no ", from)
    file.rename(from, to)
    strip_warmup(to, draws)
  }
  elapsed <- get_elapsed_time(fit)
  leapfrogs <- sum(vapply(get_sampler_params(fit, inc_warmup = TRUE),
                          function(p) sum(p[, "n_leapfrog__"]), 0))
  json_object(list(wall_seconds = wall,
                   warmup_seconds = sum(elapsed[, "warmup"]),
                   sampling_seconds = sum(elapsed[, "sample"]),
                   gradient_evaluations = leapfrogs))
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) == 3 && args[1] == "compile") {
  command_compile(args[2], args[3])
} else if (length(args) == 10 && args[1] == "sample") {
  command_sample(args[2], args[3], args[4], as.integer(args[5]), as.integer(args[6]),
                 as.integer(args[7]), as.integer(args[8]), as.integer(args[9]), args[10])
} else {
  stop("usage: Rscript stan.R compile PROGRAM.stan OUT.rds\n",
       "       Rscript stan.R sample MODEL.rds NAME DATA.csv|- SEED CHAINS DRAWS TUNE CORES OUT_DIR")
}
