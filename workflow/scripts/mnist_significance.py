from eigflow import significance
from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import arm as mnist_arm

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
table = significance(io.load_npz(snakemake.input.interest)["attributions"],
                     io.load_npz(snakemake.input.null)["attributions"],
                     groups=mnist_arm.significance_groups(p.patch), fwer=p.fwer, alpha=p.alpha)
log.info("%d of %d features significant", int(table.significant.sum()), len(table))
io.write_tsv(snakemake.output[0], table)
