#!/usr/bin/env python3
"""gen_network.py: a network meta-analysis benchmark with a fixed seed, as
arm rows (study, treatment, events, n) on stdout.
  gen_network.py T K [SEED]   T treatments, K studies
Designs: 85% two-arm, 12% three-arm, 3% four-arm trials; the first arm is
treatment_01 (the common comparator) in 30% of them, else any treatment.
True log odds ratios against treatment_01 are normal (sd 0.5); each trial
has a baseline log odds N(-1, 0.5^2) and random effects on its contrasts
with tau2 = 0.04 and correlation 1/2 (a shared and an own part of
variance tau2/2 each); arms of 50 to 300 participants."""
import math, random, sys

def main(argv):
    T, K = int(argv[0]), int(argv[1])
    rng = random.Random(int(argv[2]) if len(argv) > 2 else 20261204)
    names = ["treatment_%02d" % (t + 1) for t in range(T)]
    d = [0.0] + [rng.gauss(0, 0.5) for _ in range(T - 1)]
    out = sys.stdout
    out.write("study,treatment,events,n\n")
    for s in range(K):
        u = rng.random()
        a = 2 if u < 0.85 else 3 if u < 0.97 else 4
        first = 0 if rng.random() < 0.3 else rng.randrange(T)
        arms = [first]
        while len(arms) < a:
            t = rng.randrange(T)
            if t not in arms:
                arms.append(t)
        base = rng.gauss(-1, 0.5)
        shared = rng.gauss(0, math.sqrt(0.02))
        for i, t in enumerate(arms):
            delta = 0 if i == 0 else shared + rng.gauss(0, math.sqrt(0.02))
            eta = base + d[t] - d[first] + delta
            p = 1 / (1 + math.exp(-eta))
            n = rng.randint(50, 300)
            x = sum(rng.random() < p for _ in range(n))
            out.write("s%d,%s,%d,%d\n" % (s + 1, names[t], x, n))

if __name__ == "__main__":
    main(sys.argv[1:])
