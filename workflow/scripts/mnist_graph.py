from eigflow import NeighborGraph
from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import models as digits

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
_, autoencoder, _ = digits.load_model(snakemake.input.model)
if snakemake.wildcards.space == "input":
    autoencoder = None
elif autoencoder is None:
    raise ValueError(f"model {snakemake.wildcards.model!r} has no autoencoder: H-N-IG needs one")
points = io.load_npz(snakemake.input.data)["x_train"][: p.max_points]
NeighborGraph(points, k=p.k, autoencoder=autoencoder, connect=True, seed=p.seed).save(snakemake.output[0])
