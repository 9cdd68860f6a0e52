from eigflow_arms.common import io, jobs
from eigflow_arms.liver import binding_figures as figures
from eigflow_arms.splicing.expression import gene_tpm, read_tpm

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
tpm = read_tpm(snakemake.input[0], p.tissues)
# The gene's rows as the table spells it (A1cf or A1CF), or an error before anything is drawn.
rows = gene_tpm(tpm, p.gene, snakemake.input[0])
io.write_tsv(snakemake.output.table, rows)
figures.fig4b(rows, snakemake.output.png, snakemake.output.pdf, gene=p.gene, tissue=p.tissue)
