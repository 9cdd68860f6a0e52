import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.liver import gia
from eigflow_arms.liver.motifs import meme
from eigflow_arms.liver.regulator import read_regulator
from eigflow_arms.splicing.events import event_sequences, read_events
from eigflow_arms.splicing.features import known_motifs, open_fasta
from eigflow_arms.splicing.models import load_bundle
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
data = io.load_npz(snakemake.input.data)
program = read_program(snakemake.input.program, p.tissues)
features = gia.model_features(known_motifs(program), data)
autoencoder, code, _ = load_bundle(snakemake.input.model)
model = gia.liver_contrast(autoencoder, code, data["tissues"], p.tissue)
sets = pd.read_csv(snakemake.input.liver_sets, sep="\t", dtype={"event_id": str})
chosen = gia.background_events(read_events(snakemake.input.events),
                               sets.event_id[sets.non_changing], p.settings["n_backgrounds"], p.seed)
with open_fasta(snakemake.input.genome) as fasta:
    backgrounds = [regions for _, regions in event_sequences(fasta, chosen)]
found = read_regulator(snakemake.input.regulator)
collection = meme.read_meme(snakemake.input.collection)
# The regulator Tomtom named may be none of the program's (EIG missed it): then it plants nothing.
named = [name for name in (found.rbp, found.motif_id) if name in program.names()]
planted = program.rbp(named[0]).effects if named else {}
motifs = {found.rbp: collection[found.motif_id]}
motifs |= {d: collection[d] for d in gia.decoys(collection, program.names(), found.motif_id, p.settings["n_decoys"])}
table = gia.gia_table(backgrounds, motifs, found.rbp, planted, features, model, p.tissue,
                      p.settings["stride"], p.settings["n_shuffles"], p.seed)
io.write_tsv(snakemake.output[0], table)
