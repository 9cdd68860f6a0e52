from eigflow_arms.common import io, jobs
from eigflow_arms.liver import exon_sets, knockout
from eigflow_arms.splicing.events import read_events

jobs.setup_logging(snakemake.log[0])
events = read_events(snakemake.input.events)
sets = knockout.knockout_sets(events, snakemake.input.deltapsi, snakemake.params.regulated,
                              snakemake.params.non_regulated)
dpsi = sets.pop("dpsi")
io.write_tsv(snakemake.output[0], exon_sets.sets_table(events.event_id, sets).assign(dpsi=dpsi))
