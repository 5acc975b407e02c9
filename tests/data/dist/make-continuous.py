#!/usr/bin/env python3
"""Reference log densities of Credence's continuous distributions (tests/test-dist-continuous.c).

Writes continuous.txt: one grid point per line, tab-separated,
    Name  x  arg1 ... argk  log_density
with the inputs as the doubles the test evaluates (shortest round-trip repr) and the log
density computed by mpmath at 50 significant digits from the textbook formulas (PyMC's
parameterisations, LANGUAGE.md), rounded to 20 digits. "-inf" marks zero density; at a
boundary where the density is unbounded (Gamma with shape < 1 at 0, ...) the point is outside
the support by Credence's convention and is also written as -inf.

The grid covers the edges of each support and extreme but valid arguments; the test also
runs its finite-difference gradient checks on these points.

Produced with: Python 3.11.7, mpmath 1.3.0.  Run: python3 make-continuous.py > continuous.txt
"""
import sys
import mpmath
from mpmath import mp, mpf, log, pi, sqrt, loggamma, erfc, erf, exp, fabs

mp.dps = 50
INF = float("inf")
LOG2 = log(2)


def log_phi(z):
    return -z * z / 2 - log(2 * pi) / 2


def log_ncdf(t):
    # Φ(t) = erfc(-t/√2)/2 keeps relative precision in the lower tail
    return log(erfc(-t / sqrt(2)) / 2)


def normal(x, mu, s):
    z = (x - mu) / s
    return log_phi(z) - log(s)


def half_normal(x, s):
    if x < 0:
        return None
    return LOG2 + normal(x, 0, s)


def student_t(x, nu, mu, s):
    z = (x - mu) / s
    return (loggamma((nu + 1) / 2) - loggamma(nu / 2) - log(nu * pi) / 2 - log(s)
            - (nu + 1) / 2 * log(1 + z * z / nu))


def half_student_t(x, nu, s):
    if x < 0:
        return None
    return LOG2 + student_t(x, nu, 0, s)


def cauchy(x, a, b):
    z = (x - a) / b
    return -log(pi) - log(b) - log(1 + z * z)


def half_cauchy(x, b):
    if x < 0:
        return None
    return LOG2 + cauchy(x, 0, b)


def laplace(x, mu, b):
    return -log(2 * b) - fabs(x - mu) / b


def logistic(x, mu, s):
    z = (x - mu) / s
    # log(e^-z / (1 + e^-z)^2), symmetric in z
    z = fabs(z)
    return -z - 2 * log(1 + exp(-z)) - log(s)


def exponential(x, lam):
    if x < 0:
        return None
    return log(lam) - lam * x


def gamma_(x, a, b):
    if x < 0:
        return None
    if x == 0:
        return log(b) if a == 1 else None
    return a * log(b) - loggamma(a) + (a - 1) * log(x) - b * x


def inverse_gamma(x, a, b):
    if x <= 0:
        return None
    return a * log(b) - loggamma(a) - (a + 1) * log(x) - b / x


def beta_(x, a, b):
    if x < 0 or x > 1:
        return None
    lnb = loggamma(a) + loggamma(b) - loggamma(a + b)
    if x == 0:
        return -lnb if a == 1 else None
    if x == 1:
        return -lnb if b == 1 else None
    return (a - 1) * log(x) + (b - 1) * log(1 - x) - lnb


def uniform(x, lo, hi):
    if x < lo or x > hi:
        return None
    return -log(hi - lo)


def log_normal(x, mu, s):
    if x <= 0:
        return None
    return normal(log(x), mu, s) - log(x)


def weibull(x, a, b):
    if x < 0:
        return None
    if x == 0:
        return -log(b) if a == 1 else None
    return log(a) - log(b) + (a - 1) * (log(x) - log(b)) - (x / b) ** a


def truncated_normal(x, mu, s, lo, hi):
    if x < lo or x > hi:
        return None
    a = (lo - mu) / s if lo != -INF else -mpmath.inf
    b = (hi - mu) / s if hi != INF else mpmath.inf
    r2 = sqrt(2)
    if a >= 0:
        mass = (erfc(a / r2) - erfc(b / r2)) / 2
    elif b <= 0:
        mass = (erfc(-b / r2) - erfc(-a / r2)) / 2
    else:
        mass = (erf(b / r2) - erf(a / r2)) / 2
    return log_phi((x - mu) / s) - log(s) - log(mass)


def skew_normal(x, mu, s, alpha):
    z = (x - mu) / s
    return LOG2 - log(s) + log_phi(z) + log_ncdf(alpha * z)


def scaled(center, scale, zs):
    return [center + scale * z for z in zs]


def grid():
    rows = []

    def add(name, f, arg_sets, xs_of):
        for args in arg_sets:
            for x in xs_of(*args):
                rows.append((name, f, x, args))

    z_real = [-40.0, -5.0, -1.0, -1e-8, 0.0, 0.3, 2.5, 30.0]
    add("Normal", normal,
        [(0.0, 1.0), (-3.5, 0.25), (1000.0, 1e-6), (0.0, 1e6), (2.0, 1e-8)],
        lambda mu, s: scaled(mu, s, z_real))
    add("HalfNormal", half_normal,
        [(1.0,), (0.01,), (1e5,)],
        lambda s: [-1.0, -1e-300, 0.0] + scaled(0.0, s, [1e-10, 0.5, 1.0, 3.0, 35.0]))
    add("StudentT", student_t,
        [(1.0, 0.0, 1.0), (3.0, -2.0, 0.5), (0.05, 1.0, 2.0), (30.0, 0.0, 1.0),
         (1e4, 5.0, 3.0), (1e8, 0.0, 1.0)],
        lambda nu, mu, s: scaled(mu, s, [-1e6, -20.0, -1.0, 0.0, 0.7, 4.0, 1e3]))
    add("HalfStudentT", half_student_t,
        [(1.0, 1.0), (3.0, 0.5), (0.05, 2.0), (1e4, 3.0), (45.0, 1.0)],
        lambda nu, s: [-1.0, 0.0] + scaled(0.0, s, [1e-8, 0.7, 4.0, 1e4]))
    add("Cauchy", cauchy,
        [(0.0, 1.0), (-3.0, 0.01), (1e4, 1e3)],
        lambda a, b: scaled(a, b, [-1e200, -1e8, -1.0, 0.0, 0.5, 30.0, 1e150]))
    add("HalfCauchy", half_cauchy,
        [(1.0,), (0.01,), (1e3,), (3.5,)],
        lambda b: [-1.0, 0.0] + scaled(0.0, b, [1e-6, 1.0, 40.0, 1e100]))
    add("Laplace", laplace,
        [(0.0, 1.0), (2.0, 0.01), (-1e3, 50.0)],
        lambda mu, b: scaled(mu, b, [-700.0, -3.0, -0.01, 0.0, 0.01, 1.5, 700.0]))
    add("Logistic", logistic,
        [(0.0, 1.0), (3.0, 0.2), (-10.0, 1e3)],
        lambda mu, s: scaled(mu, s, [-800.0, -40.0, -2.0, -1e-9, 0.0, 1e-7, 1.0, 40.0, 800.0]))
    add("Exponential", exponential,
        [(1.0,), (1e-4,), (250.0,)],
        lambda lam: [-1e-300, 0.0, 1e-300] + [z / lam for z in [1e-8, 1.0, 20.0, 700.0]])
    add("Gamma", gamma_,
        [(1.0, 2.0), (0.01, 1.0), (0.5, 3.0), (2.5, 0.1), (1e3, 1e3), (1e5, 2.0)],
        lambda a, b: [-1.0, 0.0, 1e-300] + [z * a / b for z in [1e-6, 0.5, 1.0, 3.0, 50.0]])
    add("InverseGamma", inverse_gamma,
        [(1.0, 1.0), (0.1, 2.0), (3.0, 0.5), (100.0, 100.0)],
        lambda a, b: [-1.0, 0.0] + [z * b / (a + 1) for z in [1e-2, 0.3, 1.0, 5.0, 1e4]])
    add("Beta", beta_,
        [(1.0, 1.0), (1.0, 3.0), (2.0, 1.0), (0.5, 0.5), (0.01, 2.0), (50.0, 200.0),
         (1e4, 0.01)],
        lambda a, b: [-0.1, 0.0, 1e-300, 1e-10, 0.25, 0.5, 0.999999, 1.0 - 2.0 ** -53, 1.0, 1.5])
    add("Uniform", uniform,
        [(0.0, 1.0), (-5.0, 3.0), (1e-10, 2e-10), (-1e300, 1e300)],
        lambda lo, hi: [lo - 1.0 if lo > -1e300 else -INF, lo, lo + 0.3 * (hi - lo) if hi < 1e300
                        else 0.0, hi, 2.0 * hi if hi < 1e300 else 1e308])
    add("LogNormal", log_normal,
        [(0.0, 1.0), (2.0, 0.1), (-5.0, 3.0)],
        lambda mu, s: [-1.0, 0.0] + [float(exp(mpf(mu) + s * z)) for z in
                                     [-30.0, -2.0, 0.0, 1.0, 8.0]])
    add("Weibull", weibull,
        [(1.0, 2.0), (0.5, 1.0), (3.0, 10.0), (50.0, 1.0)],
        lambda a, b: [-1.0, 0.0] + [b * z for z in [1e-8, 0.5, 1.0, 1.5, 3.0]])

    def tn_xs(mu, s, lo, hi):
        left = lo if lo > -INF else (hi - 6.0 * s if hi < INF else mu - 40.0 * s)
        right = hi if hi < INF else (lo + 6.0 * s if lo > -INF else mu + 40.0 * s)
        xs = [left + f * (right - left) for f in [0.0, 0.001, 0.3, 0.5, 0.999, 1.0]]
        if lo > -INF:
            xs.append(lo - s)
        if hi < INF:
            xs.append(hi + s)
        return xs
    add("TruncatedNormal", truncated_normal,
        [(0.0, 1.0, -1.0, 2.0), (0.0, 1.0, -INF, INF), (0.0, 1.0, 0.0, INF),
         (0.0, 1.0, -INF, -3.0), (2.0, 0.5, 3.0, 5.0), (0.0, 1.0, 40.0, 45.0),
         (0.0, 1.0, -1e3, -900.0), (0.0, 1.0, -0.001, 0.001), (0.0, 1.0, 5.0, 5.001),
         (0.0, 1.0, 8.0, INF), (0.0, 1.0, -INF, -38.0), (1e3, 1.0, -INF, INF),
         (-1.0, 3.0, -2.0, 30.0)],
        tn_xs)
    add("SkewNormal", skew_normal,
        [(0.0, 1.0, 0.0), (0.0, 1.0, 4.0), (1.0, 2.0, -3.0), (0.0, 1.0, 50.0),
         (-2.0, 0.3, -1e3)],
        lambda mu, s, al: scaled(mu, s, [-40.0, -5.0, -1.0, -1e-3, 0.0, 0.5, 3.0, 40.0]))
    return rows


def main():
    out = sys.stdout
    out.write("# Generated by make-continuous.py (Python %s, mpmath %s); do not edit.\n"
              % (sys.version.split()[0], mpmath.__version__))
    out.write("# name\tx\targs...\tlog_density\n")
    for name, f, x, args in grid():
        value = f(mpf(x), *[mpf(a) if abs(a) != INF else (mpmath.inf if a > 0 else -mpmath.inf)
                            for a in args])
        text = "-inf" if value is None else mpmath.nstr(value, 20)
        out.write("\t".join([name, repr(float(x))] + [repr(float(a)) for a in args] + [text])
                  + "\n")


if __name__ == "__main__":
    main()
