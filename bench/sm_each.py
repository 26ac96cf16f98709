"""sm_each.py FILE METHOD: the statsmodels loop a user would write for many
analyses: read with pandas, group by 'analysis', combine_effects on each,
collect estimate, SE and tau2. Prints how many were pooled."""
import sys, warnings
import pandas as pd
from statsmodels.stats.meta_analysis import combine_effects
warnings.simplefilter("ignore")
d = pd.read_csv(sys.argv[1])
out = []
for name, g in d.groupby("analysis", sort=False):
    r = combine_effects(g["yi"].values, g["vi"].values, method_re=sys.argv[2])
    out.append((name, r.mean_effect_re, r.sd_eff_w_re, r.tau2))
print(len(out))
