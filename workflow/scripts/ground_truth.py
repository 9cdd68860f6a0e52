from eigflow_arms.common import io, jobs, stage
from eigflow_arms.splicing import evaluate, figures

log = jobs.setup_logging(snakemake.log[0])
arm = stage.adapter("splicing", snakemake.config)
methods = snakemake.params.methods
significance = dict(zip(methods, map(stage.read_significance, snakemake.input.significance)))
groups = io.read_tsv(snakemake.input.meta).meta_feature.to_numpy()
shards = stage.split_shards(arm, snakemake.input.shards)
mean_abs = {method: evaluate.mean_abs_attribution(stage.load_set(shards[method], "interest")["attributions"], groups)
            for method in methods}
table = evaluate.ground_truth_table(significance, io.read_tsv(snakemake.input.truth),
                                    io.read_tsv(snakemake.input.model_use), mean_abs)
log.info("AUPRC vs the planted program, median over methods: model use %.2f, mean |attribution| %.2f, "
         "t %.2f; %d meta-features counted apart as shared", table.auprc_model_use.median(),
         table.auprc_mean_abs.median(), table.auprc_t.median(), table.n_shared.iloc[0])
io.write_tsv(snakemake.output.table, table)
figures.fig_ground_truth(table, snakemake.output.png, snakemake.output.pdf)
