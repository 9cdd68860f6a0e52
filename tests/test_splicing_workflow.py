"""The splicing and liver arms end to end on the tiny configuration, and their real-data entry
points: the same rules read a user's genome FASTA, event table, voila TSVs, feature matrix,
knockout deltapsi TSV and PAR-CLIP BAM, and bad files stop the run with the file, the field
and the fix named and nothing written."""
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from eigflow_arms.common import methods, stage
from eigflow_arms.liver.adapter import LiverArm
from eigflow_arms.splicing.adapter import EXPLAINED, SplicingArm
from test_workflow import make_project, pytestmark, snakemake  # noqa: F401

FIGURES = SplicingArm.figures + ("ground_truth",)
LIVER_FIGURES = LiverArm.figures
N_METHODS = len(methods.names(EXPLAINED))
INPUT = "results/splicing/input"


def _table(project, name):
    return pd.read_csv(project / "results" / "tables" / f"{name}.tsv", sep="\t")


def test_every_splicing_figure_and_table_is_made(tiny_run):
    for name in FIGURES:
        for ext in ("png", "pdf"):
            assert (tiny_run / "results" / "figures" / f"{name}.{ext}").stat().st_size > 5000
    assert len(_table(tiny_run, "figS7")) == 24
    assert len(_table(tiny_run, "fig3a")) == 5 and len(_table(tiny_run, "fig3b")) == 6
    truth = _table(tiny_run, "ground_truth")
    assert len(truth) == N_METHODS
    assert truth.recall.between(0, 1).all()
    for score in ("auprc_t", "auprc_model_use", "auprc_mean_abs", "auprc_mean_abs_vs_use", "auprc_t_vs_use"):
        assert truth[score].between(0, 1).all(), score
    assert truth.auprc_model_use.nunique() == 1  # a property of the one model
    use = pd.read_csv(tiny_run / "results" / "splicing" / "model_use.tsv", sep="\t")
    meta = pd.read_csv(tiny_run / "results" / "splicing" / "meta_features.tsv", sep="\t")
    assert use.meta_feature.tolist() == list(dict.fromkeys(meta.meta_feature)) and (use.model_use >= 0).all()
    assert (truth.precision.isna() == (truth.n_significant == 0)).all()
    metrics = _table(tiny_run, "splicing_model_metrics")
    assert {"auc_differential_inclusion", "auc_oracle_boosted_trees", "auc_oracle_program",
            "auc_oracle_sequence"} <= set(metrics.metric)
    assert metrics.description.notna().all()
    baselines = _table(tiny_run, "splicing_baselines")
    assert len(baselines) == len(methods.baselines()) and baselines.output_percentile.between(0, 100).all()


def test_every_liver_figure_and_table_is_made(tiny_run):
    for name in LIVER_FIGURES:
        for ext in ("png", "pdf"):
            assert (tiny_run / "results" / "figures" / f"{name}.{ext}").stat().st_size > 5000
        assert len(_table(tiny_run, name)) > 0
    motif = _table(tiny_run, "fig4a")
    assert {"meta_feature", "n_methods", "target", "p", "q"} <= set(motif.columns)
    matches = _table(tiny_run, "fig4a_tomtom")
    assert matches.p.is_monotonic_increasing and matches.target.iloc[0] == motif.target.iloc[0]
    venn = _table(tiny_run, "fig4e").iloc[0]
    assert 0 <= venn.p <= 1 and venn.both + venn.a_only + venn.b_only + venn.neither > 0
    binding = _table(tiny_run, "fig4d")
    assert set(binding.region) == {"upstream", "exon", "downstream", "any"}
    assert pysam.AlignmentFile(str(tiny_run / INPUT / "parclip" / "parclip.bam")).check_index()


def test_simulated_inputs_are_in_real_formats(tiny_run):
    inputs = tiny_run / INPUT
    with pysam.FastaFile(str(inputs / "genome.fa")) as fasta:
        assert len(fasta.references) >= 1
    events = pd.read_csv(inputs / "events.tsv", sep="\t")
    assert set(events.event_type) == {"cassette", "constitutive"}
    assert len(pd.read_csv(inputs / "events.bed", sep="\t", header=None).columns) == 12
    deltapsi = pd.read_csv(inputs / "majiq" / "hippocampus-heart.deltapsi.tsv", sep="\t", comment="#")
    assert {"lsv_id", "mean_dpsi_per_lsv_junction", "probability_changing"} <= set(deltapsi.columns)


def test_significance_runs_on_every_meta_feature_and_sets_are_the_class(tiny_run):
    meta = pd.read_csv(tiny_run / "results" / "splicing" / "meta_features.tsv", sep="\t")
    table = stage.read_significance(tiny_run / "results" / "splicing" / "significance" / "H-L-IG.median.tsv")
    assert sorted(table.feature) == sorted(meta.meta_feature.unique())
    classes = _table(tiny_run, "splicing_classes")
    sets = np.load(tiny_run / "results" / "splicing" / "sample_sets.npz")
    assert classes.interest.to_numpy()[sets["interest"]].all()
    assert not set(sets["interest"]) & set(sets["null"])


def test_deep_shap_and_eig_conserve_the_output_difference(tiny_run):
    attr = tiny_run / "results" / "splicing" / "attributions"
    shap = np.load(attr / "deep-shap" / "shard0.npz")
    assert shap["interest.completeness_error"].max() < 1e-3
    eig = np.load(attr / "O-L-IG.median" / "shard0.npz")
    gap = np.abs(eig["interest.output"] - eig["interest.baseline_output"].mean(axis=1))
    assert np.median(eig["interest.completeness_error"] / np.maximum(gap, 1e-6)) < 0.2  # 8 steps only


def _user_files(tiny_run, where):
    """The tiny run's simulated inputs, copied where a user would keep their own data."""
    shutil.copytree(tiny_run / INPUT, where)
    return {"genome": str(where / "genome.fa"), "events": str(where / "events.tsv"),
            "majiq_dir": str(where / "majiq"), "expression": str(where / "expression" / "rbp_tpm.tsv")}


def _user_liver_files(where):
    return {"knockout_deltapsi": str(where / "knockout" / "WT-KO.deltapsi.tsv"),
            "parclip_bam": str(where / "parclip" / "parclip.bam")}


def test_real_data_entry_points_give_the_simulated_run_s_results(tiny_run, tmp_path):
    files = _user_files(tiny_run, tmp_path / "data")
    features = np.load(tiny_run / "results" / "splicing" / "features.npz")
    matrix = pd.DataFrame(features["matrix"].astype(np.float64), columns=features["feature"])
    matrix.insert(0, "event_id", features["event_id"])
    matrix.to_csv(tmp_path / "features.tsv", sep="\t", index=False, float_format="%.9g")

    project = make_project(tmp_path / "project", splicing={"source": "files", "files": files},
                           liver={"files": _user_liver_files(tmp_path / "data")})
    run = snakemake(project, "--config", "arms=[splicing,liver]")
    said = run.stdout + run.stderr
    assert "simulate_splicing" not in said and "simulate_parclip" not in said and "simulate_knockout" not in said
    for name in FIGURES[:-1] + LIVER_FIGURES:
        assert (project / "results" / "figures" / f"{name}.png").exists()
    assert not (project / "results" / "figures" / "ground_truth.png").exists()  # no planted truth
    for table in ("fig3a", "fig3g", "figS7", "figS9", "splicing_classes", "splicing_baselines",
                  "fig4a", "fig4b", "fig4c", "fig4d", "fig4e"):
        assert (project / "results" / "tables" / f"{table}.tsv").read_bytes() == \
            (tiny_run / "results" / "tables" / f"{table}.tsv").read_bytes(), table
    # Real data have no planted program, so no oracle rows; the model's rows are the same.
    simulated = _table(tiny_run, "splicing_model_metrics")
    pd.testing.assert_frame_equal(_table(project, "splicing_model_metrics"),
                                  simulated[~simulated.metric.str.startswith("auc_oracle")])

    given = make_project(tmp_path / "given", splicing={"source": "files",
                                                       "files": {**files, "features": str(tmp_path / "features.tsv")}})
    snakemake(given, "results/splicing/features.npz")
    read = np.load(given / "results" / "splicing" / "features.npz")
    np.testing.assert_allclose(read["matrix"], features["matrix"], rtol=1e-6)
    np.testing.assert_array_equal(read["feature"], features["feature"])


def _rename_chromosome(fasta, out, old, new):
    text = fasta.read_text().replace(f">{old}\n", f">{new}\n")
    out.write_text(text)
    pysam.faidx(str(out))


@pytest.mark.parametrize("damage", ["unindexed", "unsorted"])
def test_bad_parclip_bam_names_the_file_and_fix_with_nothing_written(tiny_run, tmp_path, damage):
    files = _user_files(tiny_run, tmp_path / "data")
    liver = _user_liver_files(tmp_path / "data")
    bam = tmp_path / "data" / "parclip" / "parclip.bam"
    if damage == "unindexed":
        (tmp_path / "data" / "parclip" / "parclip.bam.bai").unlink()
        fix = "samtools index"
    else:
        with pysam.AlignmentFile(str(bam)) as sorted_bam:
            header = sorted_bam.header.to_dict()
            reads = list(sorted_bam)
        header["HD"] = {"VN": "1.6", "SO": "unsorted"}
        unsorted = tmp_path / "unsorted.bam"
        with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
            for read in reversed(reads):
                out.write(read)
        liver["parclip_bam"] = str(unsorted)
        fix = "samtools sort"
    project = make_project(tmp_path / "project", splicing={"source": "files", "files": files},
                           liver={"files": liver})
    target = "results/liver/parclip_sites.bed"
    run = snakemake(project, target, check=False)
    said = (project / "results" / "logs" / "liver" / "parclip_sites.log").read_text()
    assert run.returncode != 0
    assert Path(liver["parclip_bam"]).name in said and fix in said, said[-2000:]
    assert not (project / target).exists()


@pytest.mark.parametrize("damage", ["missing_chromosome", "malformed_coordinates", "nan_feature", "no_index"])
def test_bad_splicing_input_names_file_field_and_fix_with_nothing_written(tiny_run, tmp_path, damage):
    files = _user_files(tiny_run, tmp_path / "data")
    data = tmp_path / "data"
    target, expect = "results/splicing/features.npz", []
    if damage == "missing_chromosome":
        chrom = pd.read_csv(data / "events.tsv", sep="\t").chrom.iloc[0]
        _rename_chromosome(data / "genome.fa", tmp_path / "renamed.fa", chrom, "chrUn_other")
        files["genome"] = str(tmp_path / "renamed.fa")
        expect = [chrom, "renamed.fa", "rename the chrom column"]
    elif damage == "malformed_coordinates":
        events = pd.read_csv(data / "events.tsv", sep="\t", dtype=str)
        events.loc[3, "a_start"] = "12,345"
        events.to_csv(data / "events.tsv", sep="\t", index=False)
        expect = ["events.tsv", events.event_id[3], "a_start", "1-based inclusive integers"]
    elif damage == "nan_feature":
        features = np.load(tiny_run / "results" / "splicing" / "features.npz")
        matrix = pd.DataFrame(features["matrix"], columns=features["feature"])
        matrix.insert(0, "event_id", features["event_id"])
        matrix.iloc[5, 10] = np.nan
        matrix.to_csv(tmp_path / "features.tsv", sep="\t", index=False)
        files["features"] = str(tmp_path / "features.tsv")
        expect = ["features.tsv", matrix.columns[10], str(features["event_id"][5])]
    else:
        (data / "genome.fa.fai").unlink()
        expect = ["genome.fa", "faidx"]
    project = make_project(tmp_path / "project", splicing={"source": "files", "files": files})
    run = snakemake(project, target, check=False)
    said = (project / "results" / "logs" / "splicing" / "features.log").read_text()
    assert run.returncode != 0
    for text in expect:
        assert text in said, f"{text!r} not in the log:\n{said[-2000:]}"
    assert not (project / target).exists()
    assert not (data / "genome.fa.fai").exists() or damage != "no_index"  # nothing built behind the user's back


def test_malformed_motif_collection_stops_the_run_with_file_line_and_fix(tmp_path):
    # The shipped collection with one matrix row cut to three columns, as a truncated or
    # hand-edited CISBP-RNA export would have it.
    lines = (Path(__file__).parents[1] / "resources" / "motifs" / "rbp_consensus.meme").read_text().splitlines()
    row = next(i for i, text in enumerate(lines) if text.startswith("letter-probability")) + 2
    lines[row] = " ".join(lines[row].split()[:3])
    bad = tmp_path / "collection.meme"
    bad.write_text("\n".join(lines) + "\n")
    project = make_project(tmp_path / "project", liver={"motifs": str(bad)})
    target = "results/liver/motif_collection.meme"
    run = snakemake(project, target, check=False)
    said = (project / "results" / "logs" / "liver" / "motif_collection.log").read_text()
    assert run.returncode != 0
    assert f"{bad}, line {row + 1}:" in said and "has 3 columns" in said
    assert not (project / target).exists()
    shutil.copy(Path(__file__).parents[1] / "resources" / "motifs" / "rbp_consensus.meme", bad)
    snakemake(project, target)
    assert (project / target).read_bytes() == bad.read_bytes()


def test_empty_class_of_interest_stops_with_the_fix_named(tmp_path):
    project = make_project(tmp_path, splicing={"changing": {"dpsi": 0.99, "probability": 1.0}})
    target = "results/splicing/sample_sets.npz"
    run = snakemake(project, target, check=False)
    said = (project / "results" / "logs" / "splicing" / "sample_sets.log").read_text()
    assert run.returncode != 0
    assert "only 0 cassette exons changing in hippocampus" in said and "loosen splicing.changing" in said
    assert not (project / target).exists()
