import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import models as digits

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
data = io.load_npz(snakemake.input[0])
kind, settings = snakemake.wildcards.model, dict(snakemake.params.settings)
model, autoencoder, info = digits.build_model(kind, settings, data["x_train"], data["y_train"],
                                              seed=snakemake.params.seed, log=log.info)
test_accuracy = digits.accuracy(model, data["x_test"], data["y_test"])
log.info("%s test accuracy %.4f", kind, test_accuracy)
digits.save_model(snakemake.output.model, kind, settings, model, autoencoder)
io.write_tsv(snakemake.output.metrics, pd.DataFrame([{
    "model": kind, "test_accuracy": test_accuracy, "n_train": len(data["y_train"]),
    "n_test": len(data["y_test"])}]))
