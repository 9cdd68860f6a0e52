import numpy as np
import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import arm, models, simulate
from eigflow_arms.splicing.events import read_events
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
data = io.load_npz(snakemake.input.data)
train_rows = np.flatnonzero(data["train"])
autoencoder = models.train_autoencoder(data["x"][train_rows], seed=p.seed, **p.autoencoder)
autoencoder, code = models.train_splicing_code(autoencoder, data["x"], data["psi"], data["dpsi"], train_rows,
                                               seed=p.seed, **p.code)
autoencoder, code = models.centre_latent(autoencoder, code, data["x"][train_rows])
models.save_bundle(snakemake.output.model, autoencoder, code,
                   {"tissues": data["tissues"].tolist(), "autoencoder": p.autoencoder, "code": p.code})

table = arm.model_metrics(autoencoder, code, data, p.tissue, **p.changing)
if "genome" in snakemake.input.keys():  # simulated data: the oracles of what they allow
    events = read_events(snakemake.input.events)
    program = read_program(snakemake.input.program, data["tissues"].tolist())
    regulation = simulate.program_regulation(snakemake.input.genome, events, program)
    oracles = arm.oracle_metrics(data, io.load_npz(snakemake.input.features),
                                 io.read_tsv(snakemake.input.feature_truth), program, regulation,
                                 events.event_id, p.tissue, seed=p.seed, **p.changing)
    table = pd.concat([table, oracles], ignore_index=True)
io.write_tsv(snakemake.output.metrics, table)
