"""PAR-CLIP of the liver's regulator (A1CF in the paper; Fig. 4d, supp. S12): simulated reads and
CTK-like site calls.

* :mod:`.simulate` -- aligned PAR-CLIP reads of a simulated transcriptome as a sorted,
  indexed BAM: tags around the program's planted liver-regulator sites with T-to-C transitions at the crosslinked U,
  background tags, sequencing errors and PCR duplicates.
* :mod:`.sites` -- the CLIP Tool Kit's PAR-CLIP steps on any such BAM (real or simulated):
  collapse exact duplicates, call unique tags with T-to-C transitions, keep positions with
  >= 2 unique tags (a BED of sites); then binding around exon sets, motif enrichment at the
  sites and tags by position.
"""
