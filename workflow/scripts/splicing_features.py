from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import features
from eigflow_arms.splicing.events import read_events
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
events = read_events(snakemake.input.events)
motifs = features.known_motifs(read_program(snakemake.input.program, snakemake.params.tissues))
if snakemake.input.features:
    log.info("reading the feature matrix %s", snakemake.input.features)
    matrix, table = features.read_feature_matrix(snakemake.input.features, events, motifs)
else:
    matrix, table = features.extract_features(snakemake.input.genome, events, motifs)
log.info("%d events x %d features", *matrix.shape)
io.save_npz(snakemake.output.matrix, matrix=matrix, event_id=events.event_id.to_numpy(dtype=str),
            feature=table.feature.to_numpy(dtype=str))
io.write_tsv(snakemake.output.table, table)
