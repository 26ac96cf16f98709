#!/usr/bin/env python3
"""summary.py NAME=FILE.json ... [NAME=!REFUSAL.txt ...]: one line per pooled
analysis written by `metak pool --format json`: studies pooled, the model, the
pooled estimate with its interval on the natural scale (ratios as ratios), p
(for --method BAYES the posterior probability of benefit instead), I2 and the
rows left out (NAME=FILE.json,higher: higher values are the benefit, as
for bone density; else lower ones, as for fracture ratios). NAME=!FILE names a pool metak refused (FILE holds its message):
the line says so, with the reason. Decimals follow the interval's width: two
significant digits of its half-width, at least 2 decimals, so that RenaKvit's
0.050 g/cm2 (0.015 to 0.085) is not printed as 0.05 [0.01, 0.09]."""
import json, math, sys

def decimals(lo, hi):
    if lo is None or hi is None or not hi > lo:
        return 2
    return min(6, max(2, math.ceil(-math.log10((hi - lo) / 2) - 1e-9) + 1))

def fmt(x, d):
    return "NA" if x is None else "%.*f" % (d, 0.0 if abs(x) < 0.5 * 10 ** -d else x)

def model(d):
    if d.get("glmm"):
        return "GLMM %s %s" % (d["glmm"], d["method"])
    if d.get("bayes"):
        return "BAYES %s" % d["bayes"].get("prior_tau", "")
    return d["method"]

def left_out(d):
    why = {}
    for r in d.get("left_out", []):
        why.setdefault(r["reason"], []).append(r["study"])
    return "; ".join("%s (%s)" % (", ".join(s), r) for r, s in why.items()) or "none"

def line(name, path):
    higher = path.endswith(",higher")
    path = path[:-len(",higher")] if higher else path
    if path.startswith("!"):
        with open(path[1:]) as f:   # the error, after any warnings
            msg = [l.strip() for l in f if not l.startswith("metak: warning")][-1]
        msg = msg.split(": ", 1)[1] if msg.startswith("metak: ") else msg
        msg = msg.split(": ", 1)[1] if msg.startswith("../") else msg   # the file's path
        return "%-40s %3s  %-22s %s" % (name, "0", "not pooled", msg)
    with open(path) as f:
        d = json.load(f)
    p = d["pooled"]
    nat = p.get("natural") or p
    dec = decimals(nat["ci_low"], nat["ci_high"])
    est = "%s %s [%s, %s]" % (d["measure"], fmt(nat["estimate"], dec),
                              fmt(nat["ci_low"], dec), fmt(nat["ci_high"], dec))
    if d.get("bayes"):   # the posterior probability of benefit
        b = d["bayes"]["p_below"]
        pv = "Pr(ben) %.3f" % (1 - b if higher else b)
    else:
        pv = "NA" if p["p"] is None else ("<0.0001" if p["p"] < 1e-4 else "%.4f" % p["p"])
    i2 = d["heterogeneity"].get("i2")
    i2 = "-" if i2 is None or d["k"] < 2 else "%.0f%%" % i2
    return "%-40s %3d  %-22s %-30s %-13s %-5s %s" % (name, d["k"], model(d), est, pv, i2, left_out(d))

def main(args):
    print("%-40s %3s  %-22s %-30s %-13s %-5s %s" % ("analysis", "k", "model", "pooled [95% CI]",
                                                    "p / Pr(ben)", "I2", "left out"))
    for arg in args:
        name, path = arg.split("=", 1)
        print(line(name, path))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
