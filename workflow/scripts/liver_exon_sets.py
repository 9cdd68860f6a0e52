from eigflow_arms.common import io, jobs
from eigflow_arms.liver import exon_sets

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
data = io.load_npz(snakemake.input[0])
sets = exon_sets.liver_sets(data["dpsi"], data["p_change"], data["event_type"], data["tissues"],
                            tissue=p.tissue, dpsi_min=p.changing["dpsi"],
                            probability=p.changing["probability"], min_tissues=p.min_tissues,
                            non_changing_max=p.non_changing_max)
io.write_tsv(snakemake.output[0], exon_sets.sets_table(data["event_id"], sets))
