from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import truth
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
program = read_program(snakemake.input.program, snakemake.params.tissues)
features = truth.feature_truth(io.read_tsv(snakemake.input.table), program, tissue=snakemake.params.tissue)
meta = truth.meta_truth(features, io.read_tsv(snakemake.input.meta), program)
log.info("%d of %d meta-features carry planted signal for %s; %d more only through a k-mer shared "
         "with a motif that does not act there (counted apart)", meta.truth.sum(), len(meta),
         snakemake.params.tissue, meta.shared.sum())
io.write_tsv(snakemake.output.features, features)
io.write_tsv(snakemake.output.meta, meta)
