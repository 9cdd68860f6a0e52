from eigflow import io, jobs
from eigflow.figures import liver_binding as figures
from eigflow.splicing.expression import read_tpm

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
tpm = read_tpm(snakemake.input[0], p.tissues)
io.write_tsv(snakemake.output.table, tpm[tpm.gene_name == p.gene])
figures.fig4b(tpm, snakemake.output.png, snakemake.output.pdf, gene=p.gene, tissue=p.tissue)
