"""The splicing-code arm (paper Fig. 3, supp. S3, S7-S10): simulation, events, features, models' data."""
