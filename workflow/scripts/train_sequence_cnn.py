from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import arm, model
from eigflow_arms.splicing.models import load_bundle

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
data, splicing = io.load_npz(snakemake.input.data), io.load_npz(snakemake.input.splicing)
contrasts = [tuple(c) for c in p.contrasts]
cnn = arm.train_cnn(data, splicing, contrasts, seed=p.seed, **p.changing, **p.model)
model.save(snakemake.output.model, cnn, {"contrasts": p.contrasts, "tissues": data["tissues"].tolist()})
autoencoder, code, _ = load_bundle(snakemake.input.feature_model)
table = arm.model_metrics(cnn, data, splicing, autoencoder, code, contrasts, **p.changing,
                          splicing_metrics=io.read_tsv(snakemake.input.feature_metrics))
io.write_tsv(snakemake.output.metrics, table)
