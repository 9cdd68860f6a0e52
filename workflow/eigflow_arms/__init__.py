"""The eigflow workflow's own code: one subpackage per arm, and what every arm shares.

The attribution library is :mod:`eigflow`; nothing here is part of it. Rule scripts
(``workflow/scripts/``) glue these modules to Snakemake's inputs and outputs.

- :mod:`.common` -- jobs (logging, device, threads), atomic file io, shards and sample sets,
  the method registry, figure helpers, the network pieces the models share.
- :mod:`.mnist` -- paper Fig. 2, supp. S4-S6: MNIST data, digit models, pixels, figures.
- :mod:`.splicing` -- paper Fig. 3, supp. S3, S7-S10: the simulated transcriptome, events,
  features, meta-features, the splicing code, evaluation against the planted program.
- :mod:`.liver` -- paper Fig. 4, supp. S11, S12: liver exon sets, motifs (MEME, PSSM,
  Tomtom, maps), the knockout and PAR-CLIP.
"""
