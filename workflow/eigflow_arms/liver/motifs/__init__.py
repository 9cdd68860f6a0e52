"""Motifs of the liver program (paper Fig. 4a, 4c, supp. S11): MEME motif files, PSSMs of
significant k-mer meta-features, Tomtom against an RBP motif collection, and motif maps
around cassette exons."""
