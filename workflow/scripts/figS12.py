from eigflow_arms.common import io, jobs
from eigflow_arms.liver import arm as liver
from eigflow_arms.liver import binding_figures as figures
from eigflow_arms.liver.clip import sites as clip
from eigflow_arms.liver.regulator import read_regulator

jobs.setup_logging(snakemake.log[0])
events, sets = liver.read_sets(snakemake.input.events, snakemake.input.liver_sets,
                               snakemake.input.knockout_sets)
sites = clip.read_sites_for_events(snakemake.input.sites, events, snakemake.input.events)
found = read_regulator(snakemake.input.regulator)
enrichment = clip.motif_enrichment_at_sites(snakemake.input.genome, sites, found.kmers,
                                            seed=snakemake.params.seed)
tags = clip.tags_by_position(sites, events, {name: sets[name] for name in liver.FIGS12_SETS},
                             flank=snakemake.params.flank)
io.write_tsv(snakemake.output.table, tags)
io.write_tsv(snakemake.output.enrichment, enrichment)
figures.figS12(enrichment, tags, found, snakemake.output.png, snakemake.output.pdf)
