from eigflow_arms.common import io, jobs, stage
from eigflow_arms.mnist import arm as mnist_arm
from eigflow_arms.mnist import figures

jobs.setup_logging(snakemake.log[0])
images = io.load_npz(snakemake.input.data)["x_train"]
table = mnist_arm.calibration_filter(stage.read_significance(snakemake.input.significance), images,
                                     snakemake.params.patch)
io.write_tsv(snakemake.output.table, table)
figures.figS6(table.p.to_numpy(), table.p[table.kept].to_numpy(), snakemake.output.png, snakemake.output.pdf,
              n_removed_informative=int(table.significant.sum()), n_removed_dead=int((table.dead & ~table.significant).sum()))
