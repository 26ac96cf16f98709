"""sm_pool.py FILE METHOD: pandas + statsmodels end to end on one file of
yi, vi: read it and pool (METHOD: chi2 = DerSimonian-Laird, iterated =
Paule-Mandel, statsmodels' names). Prints the pooled estimate."""
import sys, warnings
import pandas as pd
from statsmodels.stats.meta_analysis import combine_effects
warnings.simplefilter("ignore")
d = pd.read_csv(sys.argv[1])
r = combine_effects(d["yi"].values, d["vi"].values, method_re=sys.argv[2])
print(r.mean_effect_re, r.tau2)
