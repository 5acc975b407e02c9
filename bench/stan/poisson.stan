// poisson.crm: Poisson regression on the log scale. poisson_log_glm is Stan's fused form of
// poisson_log(intercept + X * beta), the one its manual recommends for speed; Credence's tape
// fuses the same way, so each tool runs its fastest way of writing the model.
// It is written as target += ..._lpmf, not as y ~ poisson_log_glm(...): in Stan 2.21 the
// sampling statement drops a term that depends on the parameters (stan-dev/math issue 1498,
// fixed in 2.22), and the sampler then runs at step size 1e-5 against the wrong density.
data {
  int<lower=1> N;
  int<lower=1> K;
  matrix[N, K] X;
  int<lower=0> y[N];
}
parameters {
  real intercept;
  vector[K] beta;
}
model {
  intercept ~ normal(0, 2);
  beta ~ normal(0, 2);
  target += poisson_log_glm_lpmf(y | X, intercept, beta);
}
generated quantities {
  vector[K] rate_ratio = exp(beta);
}
