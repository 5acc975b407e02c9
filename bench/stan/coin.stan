// coin.crm: 15 heads in 50 flips, Beta(2, 2) prior.
data {
  int<lower=0> n_flips;
  int<lower=0, upper=n_flips> n_heads;
}
parameters {
  real<lower=0, upper=1> p;
}
model {
  p ~ beta(2, 2);
  n_heads ~ binomial(n_flips, p);
}
