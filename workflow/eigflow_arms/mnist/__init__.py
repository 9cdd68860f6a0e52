"""The MNIST arm (paper Fig. 2, supp. S4-S6): data, digit models, pixel tasks, figures."""
