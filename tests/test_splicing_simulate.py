"""The simulated transcriptome: real file formats, the planted truth, and the MAJIQ/TPM readers."""
import filecmp
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from eigflow_arms.splicing import events as ev
from eigflow_arms.splicing import expression, majiq, program, simulate
from eigflow_arms.splicing import sequence as sq
from scipy.special import logit

TISSUES = program.TISSUES


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One small simulation: its paths, event table, regions (event_id -> REGIONS and SITES)
    read back from the FASTA, true PSI and planted sites."""
    paths = simulate.simulate(tmp_path_factory.mktemp("sim"), 150, 150, seed=0)
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
            assert sq.count_motif(site.instance, program.rbp(site.rbp).motif) >= 1
    constitutive = set(events.event_id[events.event_type.eq("constitutive")])
    everywhere = {r.name for r in program.PROGRAM if r.everywhere}
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
    activity = program.activities()[:, [TISSUES.index("liver"), TISSUES.index("lung")]]
    differing = [r for r, (a, b) in zip(program.PROGRAM, activity) if abs(a - b) > 0.01]
    assert {r.name for r in differing} == {"A1CF", "ESRP1"}
    hits = np.array([sum(sq.count_motif(regions[e][region], r.motif)
                         for r in differing for region in r.effects) for e in events.event_id])
    cassette = events.event_type.eq("cassette").to_numpy()
    free, regulated = (hits == 0) & cassette, _with_sites(events, planted, ["A1CF", "ESRP1"]) & cassette
    step = logit(truth.liver.to_numpy()) - logit(truth.lung.to_numpy())
    noise = np.sqrt(2) * program.BASAL.noise
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


# --- expression, determinism ------------------------------------------------------------------

def test_rbp_expression_follows_the_program(run, tmp_path):
    paths, _, _, _, _ = run
    tpm = expression.read_tpm(paths["expression"], TISSUES)
    genes = [r.name for r in program.PROGRAM] + ["ACTB", "GAPDH"]
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


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_same_seed_same_bytes_other_seed_other_files(tmp_path, caplog):
    settings = dict(n_cassette=40, n_constitutive=20, tissues=("hippocampus", "liver"), n_chromosomes=2)
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
