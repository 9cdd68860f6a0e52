# eigflow: Enhanced Integrated Gradients (Jha et al., Genome Biology 2020), end to end.
#   snakemake --cores all                      # config/config.yaml
#   snakemake --cores all --configfile tests/config/tiny.yaml
#   snakemake --cores all --config arms=[splicing]   # one arm only
from pathlib import Path

from eigflow_arms.common.config_check import check_schema
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


# Every key the schema refuses, and every count written as a float (which JSON Schema lets
# through), at once, by its dotted key and with the fix; Snakemake's validation below then fills
# in the defaults.
check_schema(config, Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml")
validate(config, "workflow/schemas/config.schema.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/attribution.smk"
include: "workflow/rules/mnist_data.smk"
include: "workflow/rules/mnist_models.smk"
include: "workflow/rules/mnist_figures.smk"
include: "workflow/rules/splicing_data.smk"
include: "workflow/rules/splicing_models.smk"
include: "workflow/rules/splicing_figures.smk"
include: "workflow/rules/liver.smk"
include: "workflow/rules/liver_figures.smk"


rule all:
    input:
        all_targets(),
    default_target: True
