# `snakemake` from the repository root: the workflow itself is workflow/Snakefile (the layout
# the Snakemake workflow catalog and snakedeploy expect), included here unchanged.


include: "workflow/Snakefile"


# An included file's `default_target` stays in that file; make its `rule all` the default here.
workflow.default_target = "all"
