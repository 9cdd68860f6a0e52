from eigflow_arms.common import io, jobs
from eigflow_arms.liver import binding_figures as figures
from eigflow_arms.liver.regulator import read_regulator
from eigflow_arms.splicing.expression import gene_tpm, read_tpm

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
tpm = read_tpm(snakemake.input.tpm, p.tissues)
found = read_regulator(snakemake.input.regulator)
gene = found.rbp
# The gene's rows as the table spells it (A1cf or A1CF; else by its motif's identifier), or an
# error before anything is drawn.
rows = gene_tpm(tpm, gene, snakemake.input.tpm, aliases=(found.motif_id,))
io.write_tsv(snakemake.output.table, rows)
figures.fig4b(rows, snakemake.output.png, snakemake.output.pdf, gene=rows.gene_name.iloc[0], tissue=p.tissue)
