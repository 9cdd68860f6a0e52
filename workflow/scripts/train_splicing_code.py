import numpy as np
from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import arm, models

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
data = io.load_npz(snakemake.input[0])
train_rows = np.flatnonzero(data["train"])
autoencoder = models.train_autoencoder(data["x"][train_rows], seed=p.seed, **p.autoencoder)
code = models.train_splicing_code(autoencoder, data["x"], data["psi"], data["dpsi"], train_rows,
                                  seed=p.seed, **p.code)
models.save_bundle(snakemake.output.model, autoencoder, code,
                   {"tissues": data["tissues"].tolist(), "autoencoder": p.autoencoder, "code": p.code})

table = arm.model_metrics(autoencoder, code, data, p.tissue, **p.changing)
io.write_tsv(snakemake.output.metrics, table)
