"""What every arm shares: job setup, atomic io, sample sets and shards, methods, figures, nets."""
