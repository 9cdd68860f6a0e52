from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import arm, known

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
data = io.load_npz(snakemake.input.data)
interest = arm.interest_mask(data, p.tissue, **p.changing)
constitutive = data["event_type"] == "constitutive"
table, per_feature = known.known_features(data["x"], interest, constitutive,
                                          io.read_tsv(snakemake.input.meta), threshold=p.threshold)
log.info("%d of %d meta-features known", table.known.sum(), len(table))
io.write_tsv(snakemake.output.meta, table)
io.write_tsv(snakemake.output.features, per_feature)
