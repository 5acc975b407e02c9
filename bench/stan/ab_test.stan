// ab_test.crm: two conversion rates with flat Beta(1, 1) priors; diff and lift are
// deterministics in Credence, generated quantities here, so both tools store the same draws.
data {
  int<lower=0> n_control;
  int<lower=0, upper=n_control> conv_control;
  int<lower=0> n_treatment;
  int<lower=0, upper=n_treatment> conv_treatment;
}
parameters {
  real<lower=0, upper=1> p_control;
  real<lower=0, upper=1> p_treatment;
}
model {
  p_control ~ beta(1, 1);
  p_treatment ~ beta(1, 1);
  conv_control ~ binomial(n_control, p_control);
  conv_treatment ~ binomial(n_treatment, p_treatment);
}
generated quantities {
  real diff = p_treatment - p_control;
  real lift = (p_treatment - p_control) / p_control;
}
