// hier_intercepts.crm: varying intercepts (centred), one per level of the group column.
data {
  int<lower=1> N;
  int<lower=1> J;
  int<lower=1, upper=J> group[N];
  vector[N] x;
  vector[N] y;
}
parameters {
  real mu_a;
  real<lower=0> sigma_a;
  vector[J] a;
  real beta;
  real<lower=0> sigma_y;
}
model {
  mu_a ~ normal(0, 10);
  sigma_a ~ normal(0, 5);
  a ~ normal(mu_a, sigma_a);
  beta ~ normal(0, 10);
  sigma_y ~ normal(0, 5);
  y ~ normal(a[group] + beta * x, sigma_y);
}
