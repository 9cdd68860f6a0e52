import shutil

from eigflow_arms.common import io, jobs
from eigflow_arms.liver.motifs import meme

log = jobs.setup_logging(snakemake.log[0])
source = snakemake.input[0]
motifs = meme.read_meme(source)  # MemeFormatError names the file, the line and the fix
log.info("%s: %d motifs, each %s columns wide", source, len(motifs),
         "/".join(sorted({str(len(m)) for m in motifs.values()}, key=int)))
with io.atomic_path(snakemake.output[0]) as tmp:
    shutil.copyfile(source, tmp)
