#!/usr/bin/env python3
"""each_vs_pool.py METAK: --each must give, for every analysis, exactly what
`metak pool --where COLUMN=VALUE` gives for it; --shard I/N outputs must
together be the unsharded output; and --leave-one-out / --cumulative steps
must equal pool on the same subsets. Prints 'each: N passed, M failed'.
Under valgrind (METAK_VALGRIND set) each comparison is made for the first
analysis or step only: memcheck needs each path once, and every metak run
there costs seconds."""
import csv, io, json, os, subprocess, sys, tempfile

VALGRIND = bool(os.environ.get("METAK_VALGRIND"))

def run(metak, *args):
    p = subprocess.run([metak, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(" ".join(args) + ": " + p.stderr)
    return p.stdout

def main(metak):
    here = os.path.dirname(os.path.abspath(__file__))
    gen = os.path.join(here, "..", "bench", "gen.py")
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "each.csv")
        with open(data, "w") as f:
            subprocess.run([sys.executable, gen, "each", "12", "7"], stdout=f, check=True)
        for method in ("REML", "DL", "PM", "FE"):
            for ci in ("z", "hksj"):
                lines = run(metak, "pool", data, "--each", "analysis", "--method", method,
                            "--ci", ci, "--format", "json").splitlines()
                for line in lines[:1] if VALGRIND else lines:
                    got = json.loads(line)
                    want = json.loads(run(metak, "pool", data, "--where",
                                          "analysis=" + got["analysis"], "--method", method,
                                          "--ci", ci, "--format", "json"))
                    ok = got["pooled"] == want["pooled"] and got["heterogeneity"] == want["heterogeneity"]
                    passed += ok
                    failed += not ok
                    if not ok:
                        print("FAIL each %s %s %s" % (method, ci, got["analysis"]))
        whole = run(metak, "pool", data, "--each", "analysis")
        parts = [run(metak, "pool", data, "--each", "analysis", "--shard", "%d/3" % i)
                 for i in range(3)]
        rows = sorted(r for p in parts for r in p.splitlines()[1:])
        ok = rows == sorted(whole.splitlines()[1:])
        passed += ok
        failed += not ok
        if not ok:
            print("FAIL shards differ from the whole")
        # sensitivity steps against pool on the same subsets
        bcg = os.path.join(here, "reference", "bcg.csv")
        names = [r["study"] for r in csv.DictReader(open(bcg))]
        for flag in ("--leave-one-out", "--cumulative"):
            steps = json.loads(run(metak, "pool", bcg, flag, "--format", "json"))["steps"]
            for j, st in enumerate(steps[:2] if VALGRIND else steps):
                keep = [n for i, n in enumerate(names) if (i != j if flag == "--leave-one-out" else i <= j)]
                sub = os.path.join(tmp, "sub.csv")
                with open(bcg) as src, open(sub, "w", newline="") as dst:
                    rd = csv.DictReader(src)
                    w = csv.DictWriter(dst, rd.fieldnames)
                    w.writeheader()
                    for r in rd:
                        if r["study"] in keep:
                            w.writerow(r)
                want = json.loads(run(metak, "pool", sub, "--format", "json"))
                ok = abs(st["estimate"] - want["pooled"]["estimate"]) <= 1e-12 * max(1, abs(st["estimate"])) \
                    and abs(st["tau2"] - want["heterogeneity"]["tau2"]) <= 1e-10
                passed += ok
                failed += not ok
                if not ok:
                    print("FAIL %s step %d" % (flag, j + 1))
    print("each: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
