from eigflow_arms.common import io, jobs, stage
from eigflow_arms.mnist import arm as mnist_arm
from eigflow_arms.mnist import figures

jobs.setup_logging(snakemake.log[0])
interest = io.load_npz(snakemake.input.interest)
images = io.load_npz(snakemake.input.data)[f"x_{snakemake.params.pool}"][interest["index"]]
table = mnist_arm.pixel_table(interest["attributions"].mean(axis=0),
                              stage.read_significance(snakemake.input.significance), snakemake.params.patch)
io.write_tsv(snakemake.output.table, table)
getattr(figures, snakemake.rule)(table.mean_attribution.to_numpy(), table.significant.to_numpy(),
                                 images.mean(axis=0), snakemake.output.png, snakemake.output.pdf)
