from eigflow import NeighborGraph
from eigflow_arms.common import io, jobs, shards
from eigflow_arms.splicing import arm
from eigflow_arms.splicing.models import load_bundle

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, wc = snakemake.params, snakemake.wildcards
device = jobs.job_device(p.gpus)
data = io.load_npz(snakemake.input.data)
sets = io.load_npz(snakemake.input.sets)
autoencoder, code, _ = load_bundle(snakemake.input.model)
model = arm.joined_model(autoencoder, code, data, p.tissue)
graph = None
if snakemake.input.graph:
    graph = NeighborGraph.load(snakemake.input.graph,
                               autoencoder=autoencoder if wc.method.startswith("H-") else None)
background = arm.deep_shap_background(data, p.background, p.seed)
for sampleset in shards.SAMPLE_SETS:
    index = shards.shard_rows(sets, sampleset, p.shards, int(wc.shard))
    log.info("device %s; %s, %s set shard %s/%s (%d events)", device, wc.method, sampleset, wc.shard,
             p.shards, len(index))
    shard = arm.attribute_method(
        wc.method, model, autoencoder, data, index, graph=graph, n_baselines=p.n_baselines,
        n_steps=p.n_steps, background=background, seed=p.seed, batch_size=p.batch_size,
        device=device, label=f"{wc.method} {sampleset} shard {wc.shard}")
    io.save_npz(snakemake.output[sampleset], **shard)
