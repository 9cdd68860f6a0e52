from eigflow import select_baselines
from eigflow_arms.common import io, jobs, stage
from eigflow_arms.mnist import arm as mnist_arm
from eigflow_arms.mnist import figures
from eigflow_arms.mnist import models as digits

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
data = io.load_npz(snakemake.input.data)
model, autoencoder, _ = digits.load_model(snakemake.input.model)
index = io.load_npz(snakemake.input.sets)["interest"][: p.n_samples]
samples = data[f"x_{p.pool}"][index]
baselines = select_baselines(p.experiment["baseline"], mnist_arm.reference_class(data, p.baseline_digit),
                             p.n_baselines, samples=samples, autoencoder=autoencoder, seed=p.seed)
path = p.experiment["path"]
arm = stage.adapter("mnist", snakemake.config)
graph = arm.load_graph(snakemake.input, arm.experiment("fig2a"), autoencoder)
table = mnist_arm.steps_study(model, autoencoder, samples, baselines, path, p.digit, p.steps, graph)
io.write_tsv(snakemake.output.table, table)
figures.figS4(table, p.chosen_steps, snakemake.output.png, snakemake.output.pdf)
