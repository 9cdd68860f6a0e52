from eigflow import significance
from eigflow_arms.common import io, jobs, shards

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
groups = io.read_tsv(snakemake.input.meta).meta_feature.to_numpy()
sets = {name: shards.merge_shards([io.load_npz(f) for f in snakemake.input[name]])["attributions"]
        for name in shards.SAMPLE_SETS}
# Algorithm 1 on the class of interest; and on a second random set (calibration: supp. S9).
for contrast, tested in (("interest", "interest"), ("calibration", "null2")):
    table = significance(sets[tested], sets["null"], groups=groups, fwer=p.fwer, alpha=p.alpha)
    log.info("%s: %d of %d meta-features significant", contrast, int(table.significant.sum()), len(table))
    io.write_tsv(snakemake.output[contrast], table)
