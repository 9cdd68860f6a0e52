from eigflow import NeighborGraph
from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import arm as mnist_arm
from eigflow_arms.mnist import models as digits

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, wc = snakemake.params, snakemake.wildcards
device = jobs.job_device(p.gpus)
model, autoencoder, _ = digits.load_model(snakemake.input.model)
graph = None
if snakemake.input.graph:
    graph = NeighborGraph.load(snakemake.input.graph,
                               autoencoder=autoencoder if wc.path.startswith("H-") else None)
sets = io.load_npz(snakemake.input.sets)
log.info("device %s; %s %s baseline (digit %s), %s set shard %s/%s", device, wc.path, wc.baseline,
         wc.ref, wc.sampleset, wc.shard, p.shards)
shard = mnist_arm.attribute_shard(
    model, autoencoder, io.load_npz(snakemake.input.data), sets, p.pool, wc.sampleset,
    int(wc.shard), p.shards, wc.path, wc.baseline, int(wc.ref), p.digit, p.n_baselines, p.n_steps,
    graph, p.seed, p.batch_size, device)
io.save_npz(snakemake.output[0], **shard)
