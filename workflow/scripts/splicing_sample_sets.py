from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import arm

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
sets = arm.sample_sets(io.load_npz(snakemake.input[0]), p.tissue, n_samples=p.n_samples, seed=p.seed,
                       min_tissues=p.min_tissues, **p.changing)
io.save_npz(snakemake.output[0], **sets)
