"""The sequence arm: a CNN over raw RNA around the cassette exon, attributed by EIG and the genomics toolbox."""
