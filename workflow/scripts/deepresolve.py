import numpy as np
from eigflow_arms.common import io, jobs
from eigflow_arms.liver.motifs.meme import read_meme
from eigflow_arms.liver.motifs.tomtom import match
from eigflow_arms.sequence import deepresolve
from eigflow_arms.sequence.deepresolve_truth import output_names
from eigflow_arms.sequence.model import load

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, seed = snakemake.params.settings, snakemake.params.seed
cnn, meta = load(snakemake.input.model)
result = deepresolve.resolve(cnn, p["layer"], p["n_starts"], p["l2"], p["steps"], p["lr"], seed)
data = io.load_npz(snakemake.input.data)
train = np.flatnonzero(data["train"])
rows = np.sort(np.random.default_rng(seed).choice(train, min(p["n_sequences"], len(train)), replace=False))
fragments = deepresolve.top_fragments(cnn, p["layer"], data["codes"][rows], p["n_fragments"])
motifs = deepresolve.channel_motifs(cnn, p["layer"], fragments, p["l2"], p["steps"], p["lr"])
collection = read_meme(snakemake.input.collection)
best = [match(deepresolve.trim(m, cnn.stem.kernel_size[0]), collection, n=1).iloc[0] for m in motifs]
outputs = output_names(meta["tissues"], [c[0] for c in meta["contrasts"]])
for name, inconsistent in zip(outputs, result["non_additive"]):
    log.info("%s: %d of %d channels non-additive", name, inconsistent.sum(), len(inconsistent))
io.save_npz(snakemake.output[0], **result, motifs=motifs, outputs=np.array(outputs),
            target=np.array([b.target for b in best]), p=np.array([b.p for b in best], dtype=float),
            q=np.array([b.q for b in best], dtype=float))
