from eigflow import io, jobs
from eigflow.clip import sites as clip
from eigflow.figures import liver_binding as figures
from eigflow.splicing import liver
from eigflow.splicing.events import read_events

jobs.setup_logging(snakemake.log[0])
events = read_events(snakemake.input.events)
sets = liver.sets_over_events(events, io.read_tsv(snakemake.input.liver_sets),
                              io.read_tsv(snakemake.input.knockout_sets))
sites = clip.read_bed(snakemake.input.sites)
enrichment = clip.motif_enrichment_at_sites(snakemake.input.genome, sites, seed=snakemake.params.seed)
tags = clip.tags_by_position(sites, events, {name: sets[name] for name in liver.FIGS12_SETS},
                             flank=snakemake.params.flank)
io.write_tsv(snakemake.output.table, tags)
io.write_tsv(snakemake.output.enrichment, enrichment)
figures.figS12(enrichment, tags, snakemake.output.png, snakemake.output.pdf)
