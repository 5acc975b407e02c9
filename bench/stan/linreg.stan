// linreg.crm: simple linear regression; HalfNormal(2) is normal(0, 2) on a positive
// parameter. mu is a deterministic in Credence (stored every draw), a transformed
// parameter here.
data {
  int<lower=1> N;
  vector[N] x;
  vector[N] y;
}
parameters {
  real intercept;
  real slope;
  real<lower=0> sigma;
}
transformed parameters {
  vector[N] mu = intercept + slope * x;
}
model {
  intercept ~ normal(0, 5);
  slope ~ normal(0, 5);
  sigma ~ normal(0, 2);
  y ~ normal(mu, sigma);
}
