from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import arm, majiq
from eigflow_arms.splicing.events import read_events

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
events = read_events(snakemake.input.events)
features = io.load_npz(snakemake.input.features)
psi = majiq.event_psi(events, p.majiq_dir, p.tissues)
dpsi, p_change, _ = majiq.event_dpsi(events, p.majiq_dir, p.tissues)
data = arm.build_dataset(features["matrix"], features["feature"], features["event_id"], events, psi,
                         dpsi, p_change, p.tissues, p.test_fraction, p.seed)
classes = arm.class_table(data, p.tissue, **p.changing)
log.info("%d cassette and %d constitutive events; %d cassette exons change in %s",
         (data["event_type"] == "cassette").sum(), (data["event_type"] == "constitutive").sum(),
         classes.interest.sum(), p.tissue)
io.save_npz(snakemake.output.data, **data)
io.write_tsv(snakemake.output.classes, classes)
