from eigflow_arms.common import io, jobs
from eigflow_arms.liver import binding_figures as figures
from eigflow_arms.splicing.expression import read_tpm

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
tpm = read_tpm(snakemake.input[0], p.tissues)
io.write_tsv(snakemake.output.table, tpm[tpm.gene_name == p.gene])
figures.fig4b(tpm, snakemake.output.png, snakemake.output.pdf, gene=p.gene, tissue=p.tissue)
