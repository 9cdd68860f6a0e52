"""The liver arm (paper Fig. 4, supp. S11, S12): EIG on liver-changing exons with the splicing
arm's data and model; exon sets, motifs, the knockout and PAR-CLIP that check its hit."""
