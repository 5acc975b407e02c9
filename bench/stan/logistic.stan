// logistic.crm and logistic_big.crm (the same program, K = 10 or 20 features): logistic
// regression. bernoulli_logit_glm is Stan's fused form of bernoulli_logit(intercept + X * beta),
// the one its manual recommends for speed. logistic.crm's odds_ratio = exp(beta) is a
// generated quantity; logistic_big.crm has none, but 20 exp() per draw is nothing beside
// its 100,000 rows, so one program serves both.
data {
  int<lower=1> N;
  int<lower=1> K;
  matrix[N, K] X;
  int<lower=0, upper=1> y[N];
}
parameters {
  real intercept;
  vector[K] beta;
}
model {
  intercept ~ normal(0, 2);
  beta ~ normal(0, 2);
  y ~ bernoulli_logit_glm(X, intercept, beta);
}
generated quantities {
  vector[K] odds_ratio = exp(beta);
}
