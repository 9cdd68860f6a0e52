from eigflow import NeighborGraph
from eigflow_arms.common import jobs, stage

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params.settings
arm = stage.adapter(snakemake.wildcards.arm, snakemake.config)
points, autoencoder = arm.graph_points(snakemake.input, p, snakemake.wildcards.space)
NeighborGraph(points, k=p["k"], autoencoder=autoencoder, connect=True, seed=p["seed"]).save(snakemake.output[0])
