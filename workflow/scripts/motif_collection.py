import shutil

from eigflow_arms.common import io, jobs
from eigflow_arms.liver import regulator
from eigflow_arms.liver.motifs import meme
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
source = snakemake.input.motifs
motifs = meme.read_meme(source)  # MemeFormatError names the file, the line and the fix
p = snakemake.params
if p.simulated:
    # A simulated liver's regulator is the program's: without its motif Tomtom cannot name it.
    rbp = read_program(snakemake.input.program, p.tissues).regulator(p.tissue).name
    regulator.check_in_collection(rbp, meme.alternate_names(source), source,
                                  f"the program {snakemake.input.program}")
log.info("%s: %d motifs, each %s columns wide", source, len(motifs),
         "/".join(sorted({str(len(m)) for m in motifs.values()}, key=int)))
with io.atomic_path(snakemake.output[0]) as tmp:
    shutil.copyfile(source, tmp)
