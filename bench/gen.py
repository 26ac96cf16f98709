#!/usr/bin/env python3
"""gen.py: benchmark data with a fixed seed, written to stdout as CSV.
  gen.py generic K          one meta-analysis of K studies (yi, vi)
  gen.py each N K           N analyses of K studies each (analysis, yi, vi)
  gen.py mods K             K studies with two moderators (yi, vi, x1, x2)
  gen.py ml K C             K effect sizes in C clusters (cluster, es, yi,
                            vi): three-level data, sigma2 0.05 between and
                            0.03 within clusters
  gen.py counts K           K two-arm trials (study, events_t, n_t,
                            events_c, n_c): arms of 50 to 2,000, control
                            risk 1% to 20% (logit normal), log odds ratio
                            -0.3 + N(0, 0.1)
  gen.py eachcounts N K     N analyses of K such trials (analysis first)
True effect 0.2, tau2 0.05, vi uniform on [0.01, 0.5]; with moderators
the effect is 0.2 + 0.1 x1 - 0.05 x2, x1 uniform on [0, 1], x2 normal."""
import math, random, sys

def rows(rng, k):
    for _ in range(k):
        v = rng.uniform(0.01, 0.5)
        yield rng.gauss(0.2, (v + 0.05) ** 0.5), v

def main(argv):
    rng = random.Random(20261122)
    out = sys.stdout
    if argv[0] == "generic":
        out.write("study,yi,vi\n")
        for i, (y, v) in enumerate(rows(rng, int(argv[1]))):
            out.write("s%d,%.6f,%.6f\n" % (i, y, v))
    elif argv[0] == "each":
        out.write("analysis,study,yi,vi\n")
        for a in range(int(argv[1])):
            for i, (y, v) in enumerate(rows(rng, int(argv[2]))):
                out.write("a%d,s%d,%.6f,%.6f\n" % (a, i, y, v))
    elif argv[0] == "mods":
        out.write("study,yi,vi,x1,x2\n")
        for i in range(int(argv[1])):
            v = rng.uniform(0.01, 0.5)
            x1, x2 = rng.uniform(0, 1), rng.gauss(0, 1)
            y = rng.gauss(0.2 + 0.1 * x1 - 0.05 * x2, (v + 0.05) ** 0.5)
            out.write("s%d,%.6f,%.6f,%.4f,%.4f\n" % (i, y, v, x1, x2))
    elif argv[0] == "ml":
        k, c = int(argv[1]), int(argv[2])
        out.write("cluster,es,yi,vi\n")
        u = [rng.gauss(0, 0.05 ** 0.5) for _ in range(c)]
        for i in range(k):
            j = i * c // k
            v = rng.uniform(0.01, 0.5)
            y = rng.gauss(0.2 + u[j], (v + 0.03) ** 0.5)
            out.write("c%d,e%d,%.6f,%.6f\n" % (j, i, y, v))
    elif argv[0] in ("counts", "eachcounts"):
        each = argv[0] == "eachcounts"
        n, k = (int(argv[1]), int(argv[2])) if each else (1, int(argv[1]))
        out.write(("analysis," if each else "") +
                  "study,events_t,n_t,events_c,n_c\n")
        for a in range(n):
            for i in range(k):
                n1, n2 = rng.randint(50, 2000), rng.randint(50, 2000)
                lc = rng.gauss(-3, 0.8)
                lt = lc - 0.3 + rng.gauss(0, 0.1 ** 0.5)
                p1, p2 = 1 / (1 + math.exp(-lt)), 1 / (1 + math.exp(-lc))
                x1 = sum(rng.random() < p1 for _ in range(n1))
                x2 = sum(rng.random() < p2 for _ in range(n2))
                out.write(("a%d," % a if each else "") +
                          "s%d,%d,%d,%d,%d\n" % (i, x1, n1, x2, n2))
    else:
        sys.exit("usage: gen.py generic K | each N K | mods K | ml K C | "
                 "counts K | eachcounts N K")

if __name__ == "__main__":
    main(sys.argv[1:])
