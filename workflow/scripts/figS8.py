from eigflow import BASELINES
from eigflow_arms.common import io, jobs, methods, stage
from eigflow_arms.splicing import evaluate, figures

log = jobs.setup_logging(snakemake.log[0])
significance = dict(zip(snakemake.params.methods, map(stage.read_significance, snakemake.input.significance)))
overlap = evaluate.overlap_table(significance)
group_specific = methods.eig_methods(baselines=[b for b in methods.baselines() if BASELINES[b].needs_reference])
only, union = evaluate.only_in(significance, evaluate.panel("fig3c"), group_specific)
log.info("%d of %d meta-features significant with encoded-zero are found by no group-specific "
         "baseline (paper: 4 of 534)", only, union)
io.write_tsv(snakemake.output.table, overlap)
figures.figS8(overlap, snakemake.output.png, snakemake.output.pdf)
