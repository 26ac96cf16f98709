#!/usr/bin/env python3
"""claims.py METAK POOLS KIND: checks the internal consistency of every
published pooled result of one kind ("fracture" or "bmd") in the K2 sheet
of published pools, with `metak check` (no trial data: is the estimate at
the centre of its CI on the analysis scale, and does a printed p agree?).
Writes a table; a claim with no CI is listed as not checkable."""
import csv, subprocess, sys

# the measure column's first word (units follow in parentheses)
MEASURES = {"OR": "OR", "RR": "RR", "MD": "MD", "WMD": "MD", "SMD": "SMD"}

def main(metak, pools, kind):
    print("%-54s %-30s %-4s %-24s %s" % ("review", "outcome", "", "claim", "verdict"))
    for r in csv.DictReader(open(pools, newline="")):
        is_bmd = any(w in r["outcome"] for w in ("BMD", "osteocalcin", "ucOC"))
        if (kind == "bmd") != is_bmd:
            continue
        m = MEASURES.get(r["measure"].split(" ")[0])
        claim = "%s %s (%s to %s)" % (r["measure"].split(" ")[0] if m else "-", r["estimate"] or "-",
                                      r["ci_low"] or "-", r["ci_high"] or "-")
        if r["p"]:
            claim += " p=%s" % r["p"]
        review = ("RETRACTED " if r.get("retracted") == "yes" else "") + r["review"]
        if not (m and r["estimate"] and r["ci_low"] and r["ci_high"]):
            why = "not checkable: no CI printed" if r["estimate"] else "not checkable: no estimate printed"
            print("%-54.54s %-30.30s %-4s %-24s %s" % (review, r["outcome"], "", claim, why))
            continue
        args = [metak, "check", "--measure", m, "--estimate", r["estimate"],
                "--ci-low", r["ci_low"], "--ci-high", r["ci_high"]]
        if r["p"]:
            args += ["--p", r["p"]]
        p = subprocess.run(args, capture_output=True, text=True)
        verdict = {0: "consistent", 3: "NOT consistent"}.get(p.returncode, "error: " + p.stderr.strip())
        centre = [l for l in p.stdout.splitlines() if "implied SE" in l]
        print("%-54.54s %-30.30s %-4s %-24s %s%s" % (review, r["outcome"], m, claim, verdict,
              ("; " + centre[0].strip()) if centre else ""))
    return 0

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
