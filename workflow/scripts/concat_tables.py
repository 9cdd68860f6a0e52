import pandas as pd
from eigflow_arms.common import io, jobs

jobs.setup_logging(snakemake.log[0])
io.write_tsv(snakemake.output[0], pd.concat([io.read_tsv(f) for f in snakemake.input], ignore_index=True))
