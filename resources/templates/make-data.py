#!/usr/bin/env python3
"""Writes the example data of the model templates (resources/templates/*.csv).

Each template's data is simulated from its own model with the true parameter values written
below, so a user (and tests/test-templates.c, which hard-codes the same values) can see the
posterior recover them. Every data set has its own fixed seed, so changing one template does
not change the others' data. The calibration template's readings of unknown samples live in
calibration.crm (a `data new_reading = [...]` line), which this script rewrites in place.

Run it from anywhere with python3 (standard library only); CI does not run it, the CSVs are
committed. After changing a true value here, change it in tests/test-templates.c too.
"""

import csv
import math
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))

# --- True values (the same numbers are in tests/test-templates.c) ---------------------------

COIN = {"seed": 101, "n_flips": 100, "p": 0.58}

AB_TEST = {"seed": 202, "n_days": 21, "p_control": 0.040, "p_treatment": 0.048,
           "visitors_low": 380, "visitors_high": 620}

# Weight (kg) of adults from their height (cm); the intercept is the mean weight at 170 cm.
LINEAR = {"seed": 303, "n": 120, "intercept": 68.0, "slope": 0.9, "sigma": 7.0,
          "height_mean": 170.0, "height_sd": 9.0, "height_ref": 170.0}

# Sale price (thousand euros) of flats from floor area (m2), age (years) and distance to the
# centre (km), each centred at a reference flat of 80 m2, 30 years, 5 km.
MULTIPLE = {"seed": 404, "n": 150, "intercept": 240.0, "beta": [2.6, -1.1, -7.5], "sigma": 25.0,
            "reference": [80.0, 30.0, 5.0]}

# Passing an exam from hours of study (centred at 10 h) and attending the review session.
LOGISTIC = {"seed": 505, "n": 300, "intercept": -0.3, "b_hours": 0.35, "b_review": 0.8,
            "hours_ref": 10.0}

# Daily emergency visits for asthma from fine particulate matter (centred at 20 ug/m3) and
# weekends.
POISSON = {"seed": 606, "n_days": 365, "intercept": math.log(8.0), "b_pm25": 0.02,
           "b_weekend": -0.3, "pm25_ref": 20.0}

# Maths scores of pupils in twelve schools. The school means are fixed here, spread as draws
# from Normal(mu, tau) would be, so they are true values too.
HIERARCHICAL = {"seed": 737, "mu": 62.0, "tau": 6.0, "sigma": 12.0,
                "school_mu": [55.1, 63.8, 70.4, 58.2, 61.5, 67.9, 52.6, 64.3, 60.1, 73.0, 59.4,
                              62.7],
                "pupils_low": 15, "pupils_high": 40}

# Monthly sea-surface temperature anomaly (departure from the long-term monthly mean, degC).
AR1 = {"seed": 808, "n_months": 240, "rho": 0.75, "sigma": 0.12}

# Absorbance of standards of known concentration (mg/L), and of four unknown samples.
CALIBRATION = {"seed": 909, "standards": [0.0, 0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0],
               "replicates": 3, "intercept": 0.02, "slope": 0.095, "sigma": 0.01,
               "unknown": [1.7, 3.2, 5.5, 8.9]}

# Durations (minutes) of geyser eruptions: short and long ones.
MIXTURE = {"seed": 1010, "n": 272, "w": [0.35, 0.65], "mu": [2.0, 4.3], "sigma": [0.25, 0.4]}


def write_csv(name, header, rows):
    """Writes rows under header into HERE/name, with LF line ends."""
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def poisson(rng, mu):
    """A Poisson draw by inversion of the CDF (fine for the small means used here)."""
    u, k, p = rng.random(), 0, math.exp(-mu)
    cumulative = p
    while u > cumulative:
        k += 1
        p *= mu / k
        cumulative += p
    return k


def binomial(rng, n, p):
    """A binomial draw as a sum of n Bernoulli trials."""
    return sum(rng.random() < p for _ in range(n))


def invlogit(x):
    return 1.0 / (1.0 + math.exp(-x))


def make_coin():
    t = COIN
    rng = random.Random(t["seed"])
    rows = [(i + 1, int(rng.random() < t["p"])) for i in range(t["n_flips"])]
    write_csv("coin.csv", ["flip", "heads"], rows)


def make_ab_test():
    t = AB_TEST
    rng = random.Random(t["seed"])
    rows = []
    for day in range(1, t["n_days"] + 1):
        for variant, p in (("control", t["p_control"]), ("treatment", t["p_treatment"])):
            visitors = rng.randint(t["visitors_low"], t["visitors_high"])
            rows.append((day, variant, visitors, binomial(rng, visitors, p)))
    write_csv("ab_test.csv", ["day", "variant", "visitors", "conversions"], rows)


def make_linear_regression():
    t = LINEAR
    rng = random.Random(t["seed"])
    rows = []
    for _ in range(t["n"]):
        height = round(rng.gauss(t["height_mean"], t["height_sd"]), 1)
        mu = t["intercept"] + t["slope"] * (height - t["height_ref"])
        rows.append((height, round(rng.gauss(mu, t["sigma"]), 1)))
    write_csv("linear_regression.csv", ["height", "weight"], rows)


def make_multiple_regression():
    t = MULTIPLE
    rng = random.Random(t["seed"])
    rows = []
    for _ in range(t["n"]):
        area = round(rng.lognormvariate(math.log(75.0), 0.3))
        age = rng.randint(0, 60)
        distance = round(rng.uniform(0.5, 12.0), 1)
        x = [area, age, distance]
        mu = t["intercept"] + sum(b * (v - r) for b, v, r in zip(t["beta"], x, t["reference"]))
        rows.append((area, age, distance, round(rng.gauss(mu, t["sigma"]), 1)))
    write_csv("multiple_regression.csv", ["area", "age", "distance", "price"], rows)


def make_logistic_regression():
    t = LOGISTIC
    rng = random.Random(t["seed"])
    rows = []
    for _ in range(t["n"]):
        hours = round(rng.uniform(0.0, 20.0), 1)
        review = int(rng.random() < 0.5)
        eta = t["intercept"] + t["b_hours"] * (hours - t["hours_ref"]) + t["b_review"] * review
        rows.append((hours, review, int(rng.random() < invlogit(eta))))
    write_csv("logistic_regression.csv", ["hours", "review", "passed"], rows)


def make_poisson_regression():
    t = POISSON
    rng = random.Random(t["seed"])
    rows = []
    for day in range(t["n_days"]):
        weekend = int(day % 7 >= 5)
        # Pollution has a seasonal swing and day-to-day noise; it is never below 2 ug/m3.
        season = 8.0 * math.cos(2.0 * math.pi * day / t["n_days"])
        pm25 = round(max(2.0, rng.gauss(20.0 + season, 7.0)), 1)
        log_mu = t["intercept"] + t["b_pm25"] * (pm25 - t["pm25_ref"]) + t["b_weekend"] * weekend
        rows.append((day + 1, pm25, weekend, poisson(rng, math.exp(log_mu))))
    write_csv("poisson_regression.csv", ["day", "pm25", "weekend", "visits"], rows)


def make_hierarchical():
    t = HIERARCHICAL
    rng = random.Random(t["seed"])
    rows = []
    for s, mu in enumerate(t["school_mu"]):
        school = "school_%02d" % (s + 1)
        for _ in range(rng.randint(t["pupils_low"], t["pupils_high"])):
            rows.append((school, round(rng.gauss(mu, t["sigma"]), 1)))
    write_csv("hierarchical.csv", ["school", "score"], rows)


def make_ar1():
    t = AR1
    rng = random.Random(t["seed"])
    rho, sigma = t["rho"], t["sigma"]
    # Start from the stationary distribution, as the AR1 likelihood does.
    x = rng.gauss(0.0, sigma / math.sqrt(1.0 - rho * rho))
    rows = []
    for month in range(1, t["n_months"] + 1):
        if month > 1:
            x = rho * x + rng.gauss(0.0, sigma)
        rows.append((month, round(x, 3)))
    write_csv("ar1.csv", ["month", "anomaly"], rows)


def make_calibration():
    t = CALIBRATION
    rng = random.Random(t["seed"])
    rows = []
    for standard in t["standards"]:
        for _ in range(t["replicates"]):
            reading = rng.gauss(t["intercept"] + t["slope"] * standard, t["sigma"])
            rows.append((standard, round(reading, 4)))
    write_csv("calibration.csv", ["standard", "reading"], rows)
    new = [round(rng.gauss(t["intercept"] + t["slope"] * c, t["sigma"]), 4) for c in t["unknown"]]
    path = os.path.join(HERE, "calibration.crm")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    line = "data new_reading = [%s]" % ", ".join(repr(r) for r in new)
    text, n = re.subn(r"^data new_reading = \[.*\]$", line, text, flags=re.MULTILINE)
    if n != 1:
        raise SystemExit("calibration.crm: expected one 'data new_reading = [...]' line")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_mixture():
    t = MIXTURE
    rng = random.Random(t["seed"])
    rows = []
    for i in range(t["n"]):
        k = 0 if rng.random() < t["w"][0] else 1
        rows.append((i + 1, round(rng.gauss(t["mu"][k], t["sigma"][k]), 2)))
    write_csv("mixture.csv", ["eruption", "duration"], rows)


if __name__ == "__main__":
    make_coin()
    make_ab_test()
    make_linear_regression()
    make_multiple_regression()
    make_logistic_regression()
    make_poisson_regression()
    make_hierarchical()
    make_ar1()
    make_calibration()
    make_mixture()
