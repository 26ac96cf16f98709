#!/usr/bin/env python3
"""conclusions.py DATA_DIR: what the vitamin K data in DATA_DIR (fractures.csv,
bmd.csv) cannot support, stated plainly for `make run`'s summary. Each
statement is checked against the rows each time it is printed: when the data
change so that one no longer holds, the script says so and exits 1 rather
than print a sentence that has become false."""
import csv, os, sys, textwrap

def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))

def yes(v):
    return (v or "").strip().lower() in ("yes", "true", "1")

def main(folder):
    frac = rows(os.path.join(folder, "fractures.csv"))
    bmd = rows(os.path.join(folder, "bmd.csv"))
    out, broken = [], []

    # 1. postpartum or lactating women: any randomized design at all?
    pp = [r for r in bmd + frac if "postpartum" in r["population"].lower()
          or "lactat" in r["population"].lower()]
    rct = [r for r in pp if "rct" in r["design"].lower() or "random" in r["design"].lower()]
    if rct:
        broken.append("a randomized trial in postpartum or lactating women is now in the data: %s"
                      % ", ".join(sorted({r["study"] for r in rct})))
    else:
        designs = sorted({"%s (%s)" % (r["study"], r["design"]) for r in pp})
        out.append("No randomized trial of any vitamin K form in postpartum or lactating women "
                   "was found: the data hold only %s; the other reports found are case series "
                   "of 2 and 4 women (data/README.md). Nothing can be said about vitamin K2 for "
                   "postpartum bone loss." % ("; ".join(designs) or "no such rows"))

    # 2. MK-7 in postmenopausal women: a row that metak could pool?
    mk7 = [r for r in bmd if r["form"] == "MK-7" and "postmenopausal" in r["population"].lower()]
    usable = [r for r in mk7 if (r["mean_t"] and r["mean_c"] and r["n_t"] and r["n_c"] and
                                 (r["sd_t"] or r["se_t"]) and (r["sd_c"] or r["se_c"])) or
              (r["estimate"] and r["ci_low"] and r["ci_high"])]
    if usable:
        broken.append("an MK-7 postmenopausal BMD row now has numbers: %s"
                      % ", ".join(sorted({r["study"] for r in usable})))
    else:
        out.append("No MK-7 trial in postmenopausal women reports BMD numbers that could be read "
                   "(%s: arm sizes or means missing), so MK-4 and MK-7 cannot be compared in "
                   "postmenopausal women; the only MK-7 effect sizes are from patients on "
                   "dialysis (RenaKvit 2023), a sensitivity result, not an answer for women."
                   % ", ".join(sorted({r["study"] for r in mk7}) or ["none"]))

    # 3. hip fracture: one author group, and all but one trial retracted
    hip = [r for r in frac if r["outcome"] == "hip fracture"]
    authors = {r["study"].split()[0] for r in hip}
    retracted = [r for r in hip if yes(r["retracted"])]
    if len(authors) != 1 or len(hip) - len(retracted) != 1:
        broken.append("the hip-fracture trials are no longer one author group with all but one "
                      "retracted (%d trials, %d retracted, authors %s)"
                      % (len(hip), len(retracted), ", ".join(sorted(authors))))
    else:
        kept = [r["study"] for r in hip if not yes(r["retracted"])][0]
        out.append("Every hip-fracture trial is from one author group (%s) and %d of the %d are "
                   "retracted (two for fabricated data); the one left (%s) shares that risk. Whether "
                   "MK-4 prevents hip fractures cannot be concluded either way."
                   % (authors.pop(), len(retracted), len(hip), kept))

    # 4. vertebral fracture: the one trial with a result carries a concern
    vert = [r for r in frac if r["outcome"] == "vertebral fracture" and r["estimate"]]
    flagged = [r for r in vert if (r.get("concern") or "").strip()]
    if vert and len(flagged) == len(vert):
        out.append("The only vertebral-fracture result (%s) carries an integrity concern and is "
                   "left out of the primary analysis; with it, the result is one trial's."
                   % ", ".join(r["study"] for r in flagged))
    elif not vert:
        broken.append("no vertebral-fracture row has a result")
    else:
        broken.append("a vertebral-fracture result without an integrity concern is now in the data")

    for i, s in enumerate(out, 1):   # wrapped at 76 columns under the number
        print(textwrap.fill(s, 76, initial_indent="%d. " % i, subsequent_indent="   "))
    for b in broken:
        print("conclusions.py: no longer true: %s; update the statement" % b, file=sys.stderr)
    return 1 if broken else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "data/k2"))
