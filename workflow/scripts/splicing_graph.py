from eigflow import NeighborGraph
from eigflow_arms.common import io, jobs
from eigflow_arms.splicing.models import load_bundle

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
data = io.load_npz(snakemake.input.data)
autoencoder = load_bundle(snakemake.input.model)[0] if snakemake.wildcards.space == "latent" else None
points = data["x"][data["train"]][: p.max_points]
NeighborGraph(points, k=p.k, autoencoder=autoencoder, connect=True, seed=p.seed).save(snakemake.output[0])
