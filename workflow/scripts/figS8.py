from eigflow import PATHS
from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import figures
from eigflow_arms.splicing import evaluate

log = jobs.setup_logging(snakemake.log[0])
significance = dict(zip(snakemake.params.methods, map(io.read_tsv, snakemake.input.significance)))
overlap = evaluate.overlap_table(significance)
group_specific = [f"{path}.{b}" for path in PATHS for b in ("k-means", "median", "close", "random")]
only, union = evaluate.only_in(significance, evaluate.PANELS["fig3c"], group_specific)
log.info("%d of %d meta-features significant with encoded-zero are found by no group-specific "
         "baseline (paper: 4 of 534)", only, union)
io.write_tsv(snakemake.output.table, overlap)
figures.figS8(overlap, snakemake.output.png, snakemake.output.pdf)
