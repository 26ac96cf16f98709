#!/usr/bin/env python3
"""summary.py NAME=FILE.json ...: one line per pooled analysis written by
`metak pool --format json`: studies pooled, the pooled estimate with its CI
on the natural scale (ratios as ratios), p, I2 and the rows left out."""
import json, sys

def fmt(x):
    return "NA" if x is None else "%.2f" % x

def main(args):
    print("%-38s %3s  %-30s %-8s %-7s %s" % ("analysis", "k", "pooled [95% CI]", "p", "I2", "left out"))
    for arg in args:
        name, path = arg.split("=", 1)
        with open(path) as f:
            d = json.load(f)
        p = d["pooled"]
        nat = p.get("natural") or p
        est = "%s %s [%s, %s]" % (d["measure"], fmt(nat["estimate"]), fmt(nat["ci_low"]), fmt(nat["ci_high"]))
        pv = "NA" if p["p"] is None else ("<0.0001" if p["p"] < 1e-4 else "%.4f" % p["p"])
        i2 = d["heterogeneity"].get("i2")
        i2 = "-" if i2 is None or d["k"] < 2 else "%.0f%%" % i2
        out = d.get("left_out", [])
        why = {}
        for r in out:
            why.setdefault(r["reason"], []).append(r["study"])
        lo = "; ".join("%s (%s)" % (", ".join(s), r) for r, s in why.items()) or "none"
        print("%-38s %3d  %-30s %-8s %-7s %s" % (name, d["k"], est, pv, i2, lo))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
