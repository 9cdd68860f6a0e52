"""The simulated transcriptome: real file formats, the planted truth, and the MAJIQ/TPM readers."""
import filecmp
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from eigflow_arms.splicing import events as ev
from eigflow_arms.splicing import expression, majiq, simulate
from eigflow_arms.splicing import sequence as sq
from eigflow_arms.splicing.program import BASAL, read_program
from scipy.special import logit

PROGRAM = read_program(Path(__file__).resolve().parents[1] / "resources" / "program.tsv")
TISSUES = PROGRAM.tissues


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One small simulation: its paths, event table, regions (event_id -> REGIONS and SITES)
    read back from the FASTA, true PSI and planted sites."""
    paths = simulate.simulate(tmp_path_factory.mktemp("sim"), 150, 150, seed=0, program=PROGRAM)
    events = ev.read_events(paths["events"])
    with pysam.FastaFile(str(paths["genome"])) as fasta:
        regions = dict(ev.event_sequences(fasta, events))
    truth = pd.read_csv(paths["psi_true"], sep="\t").set_index("event_id").loc[events.event_id]
    planted = pd.read_csv(paths["planted_sites"], sep="\t")
    return paths, events, regions, truth, planted


def _with_sites(events, planted, rbps, region=None) -> np.ndarray:
    chosen = planted[planted.rbp.isin(rbps) & ((planted.region == region) if region else True)]
    return events.event_id.isin(chosen.event_id).to_numpy()


# --- genome and events ------------------------------------------------------------------------

def test_genome_and_event_files_agree(run):
    paths, events, _, _, _ = run
    with pysam.FastaFile(str(paths["genome"])) as fasta:
        lengths = dict(zip(fasta.references, fasta.lengths))
    assert sorted(lengths) == [f"chr{k}" for k in range(1, 6)]
    ev.check_genome(events, lengths, paths["events"], paths["genome"])  # every exon on its chromosome
    fai = pd.read_csv(paths["fai"], sep="\t", header=None)
    assert (fai[3] == 60).all() and (fai[4] == 61).all()
    assert events.event_type.value_counts().to_dict() == {"cassette": 150, "constitutive": 150}
    bed = pd.read_csv(paths["bed"], sep="\t", header=None)
    gtf = pd.read_csv(paths["gtf"], sep="\t", header=None)
    assert len(bed) == 300 and (bed[9] == 3).all()
    assert len(gtf) == 900 and gtf[8].str.startswith('gene_id "G').all()


def test_splice_sites_sit_at_the_exon_boundaries(run):
    _, events, regions, _, _ = run
    five = [regions[e]["A_5ss"] for e in events.event_id]
    three = [regions[e]["A_3ss"] for e in events.event_id]
    # The invariant GU and AG of every site, exactly where the event table puts the exon ends.
    exonic5, intronic3 = sq.FIVE_SS_EXONIC, len(sq.THREE_SS) - sq.THREE_SS_EXONIC
    assert all(s[exonic5:exonic5 + 2] == "GU" for s in five)
    assert all(s[intronic3 - 2:intronic3] == "AG" for s in three)
    assert all(regions[e]["C1_5ss"][exonic5:exonic5 + 2] == "GU" for e in events.event_id)
    strength = sq.score_sites(five, sq.FIVE_SS) + sq.score_sites(three, sq.THREE_SS)
    flanking = (sq.score_sites([regions[e]["C1_5ss"] for e in events.event_id], sq.FIVE_SS)
                + sq.score_sites([regions[e]["C2_3ss"] for e in events.event_id], sq.THREE_SS))
    cassette = events.event_type.eq("cassette").to_numpy()
    assert strength[~cassette].mean() > strength[cassette].mean() + 5
    assert flanking.mean() > strength[cassette].mean() + 5  # C1, C2: constitutive everywhere


def test_planted_sites_are_in_the_fasta_where_recorded(run):
    paths, events, regions, _, planted = run
    assert len(planted) > 100
    with pysam.FastaFile(str(paths["genome"])) as fasta:
        for site in planted.itertuples():
            width = len(site.instance)
            lo = site.position - 1 if site.strand == "+" else site.position - width
            genomic = fasta.fetch(site.chrom, lo, lo + width)
            assert ev.oriented(genomic, site.strand) == site.instance
            region = regions[site.event_id][site.region]
            assert region[site.offset:site.offset + len(site.instance)] == site.instance
            assert sq.count_motif(site.instance, PROGRAM.rbp(site.rbp).motif) >= 1
    constitutive = set(events.event_id[events.event_type.eq("constitutive")])
    everywhere = {r.name for r in PROGRAM if r.everywhere}
    assert set(planted.rbp[planted.event_id.isin(constitutive)]) <= everywhere
    # A1CF downstream of the exon lands 150-250 nt into the intron (paper Fig. 4c).
    a1cf = planted[(planted.rbp == "A1CF") & (planted.region == "I2_5")]
    assert len(a1cf) and a1cf.offset.between(150, 250).mean() > 0.9


# --- the planted truth ------------------------------------------------------------------------

def test_a1cf_sites_downstream_raise_inclusion_in_liver(run):
    _, events, _, truth, planted = run
    cassette = events.event_type.eq("cassette").to_numpy()
    a1cf = _with_sites(events, planted, ["A1CF"], "I2_5") & cassette
    change = (truth.liver - truth.hippocampus).to_numpy()
    assert a1cf.sum() >= 8
    assert change[a1cf].mean() > 0.05
    assert change[a1cf].mean() > change[cassette & ~a1cf].mean() + 0.05
    # On the log-odds scale the known answer is ~0.7 per site, two sites: ~1.4 vs lung.
    step = logit(truth.liver.to_numpy()) - logit(truth.lung.to_numpy())
    assert 0.8 < step[a1cf].mean() < 2.0


def test_events_without_the_differing_regulators_change_by_noise_only(run):
    """Liver and lung differ only in A1CF and ESRP1 activity. Where neither motif occurs in the
    regions they act from (planted or by chance), liver vs lung is per-tissue noise alone:
    N(0, 2 noise^2) on the log-odds scale, around a constant (the motif counts' centring)."""
    _, events, regions, truth, planted = run
    activity = PROGRAM.activities(["liver", "lung"])
    differing = [r for r, (a, b) in zip(PROGRAM, activity) if abs(a - b) > 0.01]
    assert {r.name for r in differing} == {"A1CF", "ESRP1"}
    hits = np.array([sum(sq.count_motif(regions[e][region], r.motif)
                         for r in differing for region in r.effects) for e in events.event_id])
    cassette = events.event_type.eq("cassette").to_numpy()
    free, regulated = (hits == 0) & cassette, _with_sites(events, planted, ["A1CF", "ESRP1"]) & cassette
    step = logit(truth.liver.to_numpy()) - logit(truth.lung.to_numpy())
    noise = np.sqrt(2) * BASAL.noise
    assert free.sum() >= 30
    assert 0.7 < step[free].std() / noise < 1.4
    assert abs(step[free].mean()) < 0.4
    assert np.abs(step[regulated]).mean() > 1.8 * np.abs(step[free]).mean()
    assert np.abs(truth.liver - truth.lung).to_numpy()[free].mean() < 0.08


# --- MAJIQ files ------------------------------------------------------------------------------

def test_majiq_files_recover_the_quantification(run):
    paths, events, _, truth, _ = run
    psi = majiq.event_psi(events, paths["majiq"], TISSUES)
    dpsi, p_changing, p_non_changing = majiq.event_dpsi(events, paths["majiq"], TISSUES)
    assert psi.shape == (300, 6) and dpsi.shape == p_changing.shape == (300, 6, 6)
    assert not np.isnan(psi).any() and not np.isnan(dpsi).any()
    assert np.corrcoef(psi.ravel(), truth[list(TISSUES)].to_numpy().ravel())[0, 1] > 0.9
    np.testing.assert_allclose(dpsi, -dpsi.transpose(0, 2, 1))
    np.testing.assert_allclose(dpsi, psi[:, :, None] - psi[:, None, :], atol=2e-4)
    np.testing.assert_allclose(p_changing, p_changing.transpose(0, 2, 1))
    assert (p_changing >= 0).all() and (p_changing <= 1).all() and (p_non_changing <= 1).all()
    diagonal = np.arange(6)
    assert (dpsi[:, diagonal, diagonal] == 0).all() and (p_changing[:, diagonal, diagonal] == 0).all()
    # Large changes are called changing, and tiny ones are not.
    assert p_changing[np.abs(dpsi) > 0.5].min() > 0.5
    assert p_changing[(np.abs(dpsi) < 0.05)].max() < 0.5


def _events(n=4):
    """Events on both strands, the last one without any LSV in the files."""
    rows = []
    for i in range(n):
        base = 1000 * (i + 1)
        plus = i % 2 == 0
        c1, a, c2 = (base, base + 99), (base + 300, base + 379), (base + 600, base + 699)
        if not plus:
            c1, c2 = c2, c1
        rows.append((f"E{i}", f"G{i}", "chr1", "+" if plus else "-", *c1, *a, *c2, "cassette"))
    return pd.DataFrame(rows, columns=ev.COLUMNS)


def test_majiq_round_trip_either_pair_order(tmp_path):
    events = _events()
    tissues = ("liver", "lung", "heart")
    rng = np.random.default_rng(0)
    psi = rng.uniform(0.05, 0.95, (4, 3))
    quantified = majiq.source_lsvs(events.iloc[:3])
    for k, t in enumerate(tissues):
        majiq.write_psi(tmp_path / majiq.psi_name(t), quantified, psi[:3, k], np.full(3, 0.01), {})
    for a, b in ((0, 1), (2, 0), (1, 2)):  # heart-liver: the reverse of the tissues' order
        majiq.write_deltapsi(tmp_path / majiq.deltapsi_name(tissues[a], tissues[b]), quantified,
                             (tissues[a], tissues[b]), psi[:3, b] - psi[:3, a], np.full(3, 0.7),
                             np.full(3, 0.1), psi[:3, [a, b]], {})
    got = majiq.event_psi(events, tmp_path, tissues)
    np.testing.assert_allclose(got[:3], psi[:3], atol=5e-5)
    assert np.isnan(got[3]).all()
    dpsi, p_changing, p_non_changing = majiq.event_dpsi(events, tmp_path, tissues)
    np.testing.assert_allclose(dpsi[:3], psi[:3, :, None] - psi[:3, None, :], atol=1e-4)
    off = ~np.eye(3, dtype=bool)
    assert np.allclose(p_changing[:3][:, off], 0.7) and np.allclose(p_non_changing[:3][:, off], 0.1)
    assert np.isnan(dpsi[3][off]).all()


def test_majiq_1_column_names_are_read(run, tmp_path):
    paths, _, _, _, _ = run
    source = Path(paths["majiq"]) / majiq.deltapsi_name("liver", "lung")
    table = pd.read_csv(source, sep="\t", comment="#")
    old = table.rename(columns={"gene_name": "#Gene Name", "lsv_id": "LSV ID",
                                "mean_dpsi_per_lsv_junction": "E(dPSI) per LSV junction",
                                "probability_changing": "P(|dPSI|>=0.20) per LSV junction",
                                "probability_non_changing": "P(|dPSI|<=0.05) per LSV junction",
                                "liver_mean_psi": "liver E(PSI)", "lung_mean_psi": "lung E(PSI)",
                                "seqid": "chr", "junctions_coords": "Junctions coords"})
    old.to_csv(tmp_path / "old.tsv", sep="\t", index=False)
    pd.testing.assert_frame_equal(majiq.read_deltapsi(tmp_path / "old.tsv"), majiq.read_deltapsi(source))


def test_majiq_errors_name_the_file_and_the_fix(run, tmp_path):
    paths, events, _, _, _ = run
    table = pd.read_csv(Path(paths["majiq"]) / "liver-lung.deltapsi.tsv", sep="\t", comment="#")
    broken = tmp_path / "liver-lung.deltapsi.tsv"
    table.drop(columns="probability_changing").to_csv(broken, sep="\t", index=False)
    with pytest.raises(majiq.MajiqError, match=r"liver-lung\.deltapsi\.tsv.*'probability_changing'.*voila"):
        majiq.read_deltapsi(broken)
    for t in ("liver", "lung", "heart"):
        (tmp_path / majiq.psi_name(t)).write_text((Path(paths["majiq"]) / majiq.psi_name(t)).read_text())
    with pytest.raises(majiq.MajiqError, match=r"heart-lung\.deltapsi\.tsv or lung-heart\.deltapsi\.tsv"):
        majiq.event_dpsi(events, tmp_path, ("heart", "liver", "lung"))
    with pytest.raises(majiq.MajiqError, match=r"spleen\.psi\.tsv"):
        majiq.event_psi(events, tmp_path, ("liver", "spleen"))
    table.assign(mean_dpsi_per_lsv_junction="0.1").to_csv(broken, sep="\t", index=False)
    with pytest.raises(majiq.MajiqError, match="1 ';'-separated values but junctions_coords has 2"):
        majiq.read_deltapsi(broken)


# Per-junction values of three events' LSVs, each within its range; one test puts one out.
_VALUES = {"mean": [0.2, 0.5, 0.8], "stdev": [0.01, 0.02, 0.03], "dpsi": [0.1, -0.2, 0.3],
           "p_changing": [0.7, 0.2, 0.9], "p_non_changing": [0.1, 0.6, 0.05],
           "group_psi": [[0.2, 0.3], [0.5, 0.3], [0.8, 0.9]]}


def _write_voila(folder, events, values, groups=("liver", "lung")):
    """liver.psi.tsv and liver-lung.deltapsi.tsv of ``events`` from :data:`_VALUES`-like values."""
    v = {k: np.asarray(x, float) for k, x in values.items()}
    lsvs = majiq.source_lsvs(events)
    majiq.write_psi(folder / majiq.psi_name(groups[0]), lsvs, v["mean"], v["stdev"], {})
    majiq.write_deltapsi(folder / majiq.deltapsi_name(*groups), lsvs, groups, v["dpsi"],
                         v["p_changing"], v["p_non_changing"], v["group_psi"], {})
    return lsvs


@pytest.mark.parametrize("key, value, kind, column, bounds", [
    ("mean", 1.7, "psi", "mean_psi_per_lsv_junction", "[0, 1]"),
    ("mean", -0.7, "psi", "mean_psi_per_lsv_junction", "[0, 1]"),
    ("stdev", 0.8, "psi", "stdev_psi_per_lsv_junction", "[0, 0.5]"),
    ("dpsi", 2.0, "deltapsi", "mean_dpsi_per_lsv_junction", "[-1, 1]"),
    ("p_changing", 3.5, "deltapsi", "probability_changing", "[0, 1]"),
    ("p_non_changing", -0.1, "deltapsi", "probability_non_changing", "[0, 1]"),
    ("group_psi", 1.5, "deltapsi", "liver_mean_psi", "[0, 1]"),
])
def test_voila_values_out_of_range_name_the_file_lsv_and_column(tmp_path, key, value, kind, column, bounds):
    values = {k: np.array(x, float) for k, x in _VALUES.items()}
    values[key][1] = value
    lsvs = _write_voila(tmp_path, _events(3), values)
    name = majiq.psi_name("liver") if kind == "psi" else majiq.deltapsi_name("liver", "lung")
    reader = majiq.read_psi if kind == "psi" else majiq.read_deltapsi
    lsv = lsvs.columns.lsv_id[1]
    with pytest.raises(majiq.MajiqError, match=rf"{re.escape(name)}: LSV '{lsv}': field {column}="
                                               rf"'[-+.e0-9]+' is outside {re.escape(bounds)}"):
        reader(tmp_path / name)


def test_voila_values_at_the_ends_of_their_ranges_are_read(tmp_path):
    values = {**_VALUES, "mean": [0.0, 1.0, 0.5], "stdev": [0.0, 0.5, 0.1], "dpsi": [-1.0, 1.0, 0.0],
              "p_changing": [0.0, 1.0, 0.5]}
    _write_voila(tmp_path, _events(3), values)
    assert majiq.read_psi(tmp_path / "liver.psi.tsv").mean_psi_per_lsv_junction.between(0, 1).all()
    assert majiq.read_deltapsi(tmp_path / "liver-lung.deltapsi.tsv").mean_dpsi_per_lsv_junction.abs().max() == 1


@pytest.mark.parametrize("coords, message", [
    ("1099-", "not 'start-end' with integer"), ("1099.5-1300", "not 'start-end' with integer"),
    ("1300-1099", "not a junction: need 1 <= start < end"),
    ("0-1300", "not a junction: need 1 <= start < end")])
def test_voila_junction_coordinates_that_are_no_junction_are_refused(tmp_path, coords, message):
    _write_voila(tmp_path, _events(3), _VALUES)
    path = tmp_path / "liver.psi.tsv"
    text = path.read_text()
    first = pd.read_csv(path, sep="\t", comment="#").junctions_coords[0]
    path.write_text(text.replace(first, f"{coords};{first.split(';')[1]}", 1))
    with pytest.raises(majiq.MajiqError, match=rf"liver\.psi\.tsv: LSV 'G0:s:[0-9-]+': junctions_coords "
                                               rf"entry '{re.escape(coords)}' is {re.escape(message)}"):
        majiq.read_psi(path)


def test_voila_seqids_unlike_the_events_name_both_spellings(tmp_path, caplog):
    events = _events(3)
    _write_voila(tmp_path, events, _VALUES)
    with caplog.at_level(logging.INFO, logger="eigflow_arms.common.checks"):
        majiq.event_psi(events, tmp_path, ["liver"])
    assert "liver.psi.tsv: matched 3 of 3 cassette events to a source LSV" in caplog.text
    renamed = events.assign(chrom="1")
    with pytest.raises(majiq.MajiqError, match=r"liver\.psi\.tsv: field seqid: matched 0 of 3 cassette "
                                               r"events .*the file says 'chr1', the event table's chrom "
                                               r"says '1'; rename"):
        majiq.event_psi(renamed, tmp_path, ["liver"])
    with pytest.raises(majiq.MajiqError, match=r"liver-lung\.deltapsi\.tsv: field seqid: matched 0 of 3"):
        majiq.event_dpsi(renamed, tmp_path, ["liver", "lung"])


def test_voila_file_holding_few_of_the_events_is_refused(tmp_path):
    # One of 12 cassette events quantified: the file is of another annotation or assembly.
    events = _events(12)
    values = {k: np.asarray(v)[:1] for k, v in _VALUES.items()}
    _write_voila(tmp_path, events.iloc[:1], values)
    with pytest.raises(majiq.MajiqError, match=r"liver\.psi\.tsv: field seqid, strand, junctions_coords: "
                                               r"matched 1 of 12 cassette events to a source LSV "
                                               r"\(only 8\.3%, below 10%\); the file's junctions"):
        majiq.event_psi(events, tmp_path, ["liver"])


# --- expression, determinism ------------------------------------------------------------------

def test_rbp_expression_follows_the_program(run, tmp_path):
    paths, _, _, _, _ = run
    tpm = expression.read_tpm(paths["expression"], TISSUES)
    genes = [r.name for r in PROGRAM] + ["ACTB", "GAPDH"]
    assert sorted(tpm.gene_name.unique()) == sorted(genes) and len(tpm) == len(genes) * 6 * 6
    mean = tpm.groupby(["gene_name", "tissue"]).tpm.mean().unstack()
    a1cf = mean.loc["A1CF"]
    assert a1cf.idxmax() == "liver" and a1cf["liver"] > 20 * a1cf.drop("liver").max()  # Fig. 4b
    table = pd.read_csv(paths["expression"], sep="\t").rename(columns={"liver_rep1": "liver_1"})
    table.to_csv(tmp_path / "bad.tsv", sep="\t", index=False)
    with pytest.raises(expression.ExpressionError, match=r"bad\.tsv.*'liver_1'"):
        expression.read_tpm(tmp_path / "bad.tsv", TISSUES)
    with pytest.raises(expression.ExpressionError, match="'hippocampus_rep1'.*among.*'heart_rep1'"):
        expression.read_tpm(paths["expression"], ("heart", "lung"))


def _tpm_table(path, genes=("A1cf", "Actb", "Rbfox2")):
    """A mouse-style TPM table: three genes, two tissues, two replicates each."""
    table = pd.DataFrame({"gene_name": list(genes),
                          **{expression.sample_column(t, k): [50.0 + k, 10.0, 5.0]
                             for t in ("liver", "lung") for k in (1, 2)}})
    expression.write_tpm(path, table)
    return path


def test_gene_is_found_in_any_case_and_the_spelling_is_logged(tmp_path, caplog):
    path = _tpm_table(tmp_path / "mouse_tpm.tsv")
    tpm = expression.read_tpm(path, ("liver", "lung"))
    with caplog.at_level(logging.INFO):
        rows = expression.gene_tpm(tpm, "A1CF", path)
    assert set(rows.gene_name) == {"A1cf"} and len(rows) == 4
    assert "matched 1 of 1 gene 'A1CF' (in any case)" in caplog.text and "spelt 'A1cf'" in caplog.text
    assert expression.gene_tpm(tpm, "Actb", path).tpm.tolist() == [10.0] * 4


def test_gene_absent_in_every_case_names_the_file_and_the_genes_it_has(tmp_path):
    path = _tpm_table(tmp_path / "mouse_tpm.tsv")
    tpm = expression.read_tpm(path, ("liver", "lung"))
    with pytest.raises(expression.ExpressionError, match=r"mouse_tpm\.tsv: field gene_name: matched 0 of 1 "
                                                         r"gene 'A1CFX'.*no gene 'A1CFX' in any case; it has "
                                                         r"'A1cf', 'Actb', 'Rbfox2'"):
        expression.gene_tpm(tpm, "A1CFX", path)
    twice = pd.concat([tpm, tpm[tpm.gene_name == "A1cf"].assign(gene_name="a1CF")])
    with pytest.raises(expression.ExpressionError, match=r"\['A1cf', 'a1CF'\] are all 'A1CF' in some case"):
        expression.gene_tpm(twice, "A1CF", path)


@pytest.mark.parametrize("value", ["-1", "inf", "high"])
def test_tpm_that_is_not_a_finite_number_at_least_zero_is_refused(tmp_path, value):
    path = _tpm_table(tmp_path / "tpm.tsv")
    table = pd.read_csv(path, sep="\t", dtype=str)
    table.loc[1, "lung_rep2"] = value
    table.to_csv(path, sep="\t", index=False)
    with pytest.raises(expression.ExpressionError, match=rf"tpm\.tsv: gene 'Actb', column 'lung_rep2': "
                                                         rf"TPM '{value}' is not a finite number >= 0"):
        expression.read_tpm(path, ("liver", "lung"))


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_same_seed_same_bytes_other_seed_other_files(tmp_path, caplog):
    settings = dict(n_cassette=40, n_constitutive=20, tissues=("hippocampus", "liver"), n_chromosomes=2,
                    program=PROGRAM)
    with caplog.at_level(logging.INFO, logger="eigflow_arms.splicing.simulate"):
        simulate.simulate(tmp_path / "a", seed=3, **settings)
    simulate.simulate(tmp_path / "b", seed=3, **settings)
    simulate.simulate(tmp_path / "c", seed=4, **settings)
    names = _files(tmp_path / "a")
    assert names == _files(tmp_path / "b") == _files(tmp_path / "c") and len(names) == 12
    assert all(filecmp.cmp(tmp_path / "a" / n, tmp_path / "b" / n, shallow=False) for n in names)
    assert not filecmp.cmp(tmp_path / "a" / "genome.fa", tmp_path / "c" / "genome.fa", shallow=False)
    assert not filecmp.cmp(tmp_path / "a" / "psi_true.tsv", tmp_path / "c" / "psi_true.tsv", shallow=False)
    assert not list((tmp_path / "a").rglob(".*"))  # no temporary files left behind
    assert "hippocampus:" in caplog.text and "cassette true PSI" in caplog.text


def test_an_alias_finds_a_gene_the_table_spells_by_its_motif_name(tmp_path):
    # A collection may name a protein (CELF1) whose motif the program and table call CELF.
    path = _tpm_table(tmp_path / "mouse_tpm.tsv")
    tpm = expression.read_tpm(path, ("liver", "lung"))
    assert set(expression.gene_tpm(tpm, "RBFOX2X", path, aliases=("Rbfox2",)).gene_name) == {"Rbfox2"}
    assert set(expression.gene_tpm(tpm, "A1cf", path, aliases=("Rbfox2",)).gene_name) == {"A1cf"}  # name first
    with pytest.raises(expression.ExpressionError, match=r"no gene 'X1' or 'X2' in any case"):
        expression.gene_tpm(tpm, "X1", path, aliases=("X2",))
