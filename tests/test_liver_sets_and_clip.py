"""The liver exon sets, the A1cf knockout, and PAR-CLIP sites (paper Fig. 4b, 4d, 4e, supp. S12)."""
import filecmp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from eigflow_arms.liver import binding_figures as liver_binding
from eigflow_arms.liver import exon_sets, knockout
from eigflow_arms.liver.clip import simulate as clip_simulate
from eigflow_arms.liver.clip import sites as cl
from eigflow_arms.liver.regulator import Regulator
from eigflow_arms.splicing import events as ev
from eigflow_arms.splicing import expression, majiq, simulate
from eigflow_arms.splicing.program import read_program
from scipy.stats import fisher_exact

PROGRAM = read_program(Path(__file__).resolve().parents[1] / "resources" / "program.tsv")
TISSUES = PROGRAM.tissues
A1CF = PROGRAM.rbp("A1CF")
A1CF_KMERS = ("AAU", "UAA", "AUU")   # paper Fig. 4c
FOUND = Regulator("A1CF", "A1CF", A1CF_KMERS)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A tiny simulation with its knockout and PAR-CLIP BAM, and the sets and sites of each."""
    root = tmp_path_factory.mktemp("liver")
    paths = simulate.simulate(root / "sim", 150, 150, seed=0, program=PROGRAM)
    events = ev.read_events(paths["events"])
    ko_paths = knockout.simulate_knockout(root / "sim", root / "ko", seed=1, program=PROGRAM)
    truth = clip_simulate.simulate_parclip(paths["genome"], events, paths["planted_sites"],
                                           root / "clip" / "parclip.bam", seed=2, rbp=A1CF)
    planted = pd.read_csv(paths["planted_sites"], sep="\t")
    a1cf = events.event_id.isin(planted.event_id[planted.rbp == "A1CF"]).to_numpy()
    return {"root": root, "paths": paths, "events": events, "ko": ko_paths, "truth": truth,
            "bam": root / "clip" / "parclip.bam", "a1cf": a1cf,
            "liver": exon_sets.liver_sets_from_voila(events, paths["majiq"], TISSUES),
            "knockout": knockout.knockout_sets(events, ko_paths["deltapsi"]),
            "sites": cl.crosslink_sites(root / "clip" / "parclip.bam")}


# --- liver exon sets --------------------------------------------------------------------------

def _arrays(n, tissues, changes):
    """dpsi, p_change (n, T, T) from {(event, a, b): (E[PSI_a - PSI_b], P(change))}; every
    other pair: dPSI 0, P 0.01."""
    t = len(tissues)
    dpsi, p = np.zeros((n, t, t)), np.full((n, t, t), 0.01)
    p[:, np.arange(t), np.arange(t)] = 0
    for (i, a, b), (value, prob) in changes.items():
        a, b = tissues.index(a), tissues.index(b)
        dpsi[i, a, b], dpsi[i, b, a] = value, -value
        p[i, a, b] = p[i, b, a] = prob
    return dpsi, p


def test_liver_sets_on_constructed_arrays():
    tissues = ["heart", "liver", "lung", "spleen"]
    changes = {
        (0, "liver", "heart"): (0.3, 0.95), (0, "liver", "lung"): (0.25, 0.99),       # up vs 2
        (1, "liver", "heart"): (-0.3, 0.95), (1, "liver", "lung"): (-0.4, 0.95),
        (1, "liver", "spleen"): (-0.5, 0.99),                                          # down vs 3
        (2, "liver", "heart"): (0.5, 0.99),                                            # vs 1 only
        (3, "heart", "lung"): (0.3, 0.95), (3, "heart", "spleen"): (0.3, 0.95),        # others only
        (4, "liver", "heart"): (0.3, 0.95), (4, "liver", "lung"): (0.3, 0.95),         # constitutive
        (5, "liver", "heart"): (0.1, 0.5),                                             # uncertain
        (6, "liver", "heart"): (np.nan, np.nan),                                       # unquantified
        (7, "liver", "heart"): (0.4, 0.95), (7, "liver", "lung"): (-0.25, 0.95),       # mixed, net up
        (8, "liver", "heart"): (0.5, 0.85), (8, "liver", "lung"): (0.5, 0.85),         # P too low
        (9, "liver", "heart"): (0.19, 0.95), (9, "liver", "lung"): (-0.19, 0.95),      # |dPSI| too low
        (10, "heart", "lung"): (0.3, 0.95), (10, "liver", "spleen"): (0.3, 0.95),      # liver changes
        (10, "heart", "spleen"): (0.3, 0.95),
    }
    dpsi, p = _arrays(11, tissues, changes)
    event_type = np.array(["cassette"] * 11)
    event_type[4] = "constitutive"
    sets = exon_sets.liver_sets(dpsi, p, event_type, tissues)
    members = {name: np.flatnonzero(mask).tolist() for name, mask in sets.items()}
    assert members["changing"] == [0, 1, 7]
    assert members["increased"] == [0, 7] and members["decreased"] == [1]
    assert members["other_alternative"] == [3]
    # Confidently unchanged in every liver comparison: P(|dPSI| >= 0.2) <= 0.1.
    assert members["non_changing"] == [3]
    assert members["quantified"] == [0, 1, 2, 3, 5, 7, 8, 9, 10]
    # Looser calls: one liver comparison is enough (events 2 and 10), P(change) <= 0.6 is unchanged.
    loose = exon_sets.liver_sets(dpsi, p, event_type, tissues, min_tissues=1, non_changing_max=0.6)
    assert np.flatnonzero(loose["changing"]).tolist() == [0, 1, 2, 7, 10]
    assert np.flatnonzero(loose["non_changing"]).tolist() == [3, 5]
    with pytest.raises(ValueError, match="'kidney' is not among"):
        exon_sets.liver_sets(dpsi, p, event_type, tissues, tissue="kidney")


def test_sets_from_voila_equal_sets_from_arrays(run):
    events, paths = run["events"], run["paths"]
    dpsi, p_change, _ = majiq.event_dpsi(events, paths["majiq"], TISSUES)
    direct = exon_sets.liver_sets(dpsi, p_change, events.event_type.to_numpy(), TISSUES)
    for name in exon_sets.SETS:
        assert np.array_equal(direct[name], run["liver"][name])
    liver = run["liver"]
    assert liver["changing"].sum() >= 5 and liver["non_changing"].sum() >= 10
    assert not (liver["changing"] & liver["non_changing"]).any()
    assert np.array_equal(liver["increased"] | liver["decreased"], liver["changing"])
    # The program makes liver exons change through A1CF: its sites are enriched there.
    a1cf = run["a1cf"]
    table = [[(liver["changing"] & a1cf).sum(), (liver["changing"] & ~a1cf).sum()],
             [(liver["non_changing"] & a1cf).sum(), (liver["non_changing"] & ~a1cf).sum()]]
    assert fisher_exact(table)[1] < 0.05
    table = exon_sets.sets_table(events.event_id, liver)
    assert list(table.columns) == ["event_id", *exon_sets.SETS] and len(table) == len(events)


def test_overlap_test_counts_and_fisher():
    a = np.array([1, 1, 1, 0, 0, 0, 0, 1, 0, 1], bool)
    b = np.array([1, 1, 0, 1, 0, 0, 0, 0, 1, 1], bool)
    universe = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 0], bool)   # the last exon: not quantified
    result = exon_sets.overlap_test(a, b, universe)
    assert {k: result[k] for k in ("a_only", "both", "b_only", "neither")} == \
        {"a_only": 2, "both": 2, "b_only": 2, "neither": 3}
    odds, p = fisher_exact([[2, 2], [2, 3]])
    assert result["odds_ratio"] == pytest.approx(odds) and result["p"] == pytest.approx(p)


def test_every_drawn_set_has_one_label_and_colour(run):
    # Fig. 4 panels of both figure modules name and colour the sets from these tables.
    from eigflow_arms.liver import arm
    from eigflow_arms.liver.motifs import maps

    sets = {name for name in [*run["liver"], *run["knockout"]] if name not in ("quantified", "dpsi")}
    assert set(exon_sets.SET_LABELS) == set(exon_sets.SET_COLORS) == sets
    assert len(set(exon_sets.SET_LABELS.values())) == len(sets)
    drawn = {*arm.FIGS12_SETS, *(name for pair in arm.FIG4D_COMPARISONS for name in pair),
             *(name for _, names, _ in (*maps.FIG4C_PANELS, *maps.FIGS11_PANELS) for name in names)}
    assert drawn <= sets


# --- knockout ---------------------------------------------------------------------------------

def test_knockout_regulated_exons_carry_planted_a1cf_sites(run):
    sets, a1cf = run["knockout"], run["a1cf"]
    regulated, non_regulated = sets["regulated"], sets["non_regulated"]
    assert regulated.sum() >= 10 and non_regulated.sum() >= 10
    assert not (regulated & non_regulated).any()
    assert np.array_equal(sets["enhanced"] | sets["repressed"], regulated)
    assert not (sets["enhanced"] & sets["repressed"]).any()
    quantified = sets["quantified"]
    table = [[(regulated & a1cf).sum(), (regulated & ~a1cf).sum()],
             [(quantified & ~regulated & a1cf).sum(), (quantified & ~regulated & ~a1cf).sum()]]
    assert fisher_exact(table)[1] < 0.05
    # The file's sign, read back: KO minus WT follows the true change.
    true = pd.read_csv(run["ko"]["psi_true"], sep="\t")
    change = (true.KO - true.WT).to_numpy()
    assert np.corrcoef(change[quantified], sets["dpsi"][quantified])[0, 1] > 0.7
    # Enhanced / repressed follow the true direction where the knockout truly changes the exon;
    # the rest of the regulated set is read noise (E[dPSI] of a lowly covered exon).
    strong = regulated & (np.abs(change) >= 0.05)
    assert strong.sum() >= 0.8 * regulated.sum()
    assert (change[sets["enhanced"] & strong] < 0).mean() > 0.9
    assert (change[sets["repressed"] & strong] > 0).mean() > 0.9
    assert run["ko"]["deltapsi"].name == "WT-KO.deltapsi.tsv"


def test_simulate_knockout_same_seed_same_bytes(run, tmp_path):
    again = knockout.simulate_knockout(run["root"] / "sim", tmp_path / "ko", seed=1, program=PROGRAM)
    assert filecmp.cmp(again["deltapsi"], run["ko"]["deltapsi"], shallow=False)
    other = knockout.simulate_knockout(run["root"] / "sim", tmp_path / "other", seed=2, program=PROGRAM)
    assert not filecmp.cmp(other["deltapsi"], run["ko"]["deltapsi"], shallow=False)


_EVENTS = pd.DataFrame({
    "event_id": ["P1", "P2", "P3", "P4", "M1"], "gene_id": ["G1", "G2", "G3", "G4", "G5"],
    "chrom": "chr1", "strand": ["+", "+", "+", "+", "-"],
    "c1_start": [100, 10100, 20100, 30100, 45000], "c1_end": [200, 10200, 20200, 30200, 45100],
    "a_start": [1000, 11000, 21000, 31000, 44000], "a_end": [1100, 11100, 21100, 31100, 44100],
    "c2_start": [2000, 12000, 22000, 32000, 43000], "c2_end": [2100, 12100, 22100, 32100, 43100],
    "event_type": "cassette"})


def _voila(path, lsvs, groups=("WT", "KO")):
    """A hand-written voila deltapsi TSV: lsvs = (lsv_id, strand, [(coords, E[dPSI]), ...])."""
    rows = [{"lsv_id": lsv, "seqid": "chr1", "strand": strand,
             "mean_dpsi_per_lsv_junction": ";".join(f"{d:.4f}" for _, d in junctions),
             "probability_changing": ";".join("0.5" for _ in junctions),
             "probability_non_changing": ";".join("0.5" for _ in junctions),
             **{f"{g}_mean_psi": ";".join("0.5" for _ in junctions) for g in groups},
             "junctions_coords": ";".join(c for c, _ in junctions)}
            for lsv, strand, junctions in lsvs]
    pd.DataFrame(rows).to_csv(path, sep="\t", index=False)
    return path


# E[PSI_KO - PSI_WT] in a WT-KO file. P1: exactly 0.10 on both (regulated, enhanced); P2: the
# exclusion junction reaches only 0.08 (neither set); P3: regulated through the target LSV at
# C2 (repressed); P4: below 0.05 in its source LSV but its target LSV has a third junction at
# 0.05 (not non-regulated); M1 ('-' strand): every junction below 0.05 (non-regulated).
_LSVS = [
    ("G1:s:100-200", "+", [("200-1000", -0.10), ("200-2000", 0.10)]),
    ("G2:s:10100-10200", "+", [("10200-11000", 0.30), ("10200-12000", -0.08)]),
    ("G3:t:22000-22100", "+", [("20200-22000", -0.12), ("21100-22000", 0.12)]),
    ("G4:s:30100-30200", "+", [("30200-31000", 0.04), ("30200-32000", -0.04)]),
    ("G4:t:32000-32100", "+", [("30200-32000", -0.04), ("31100-32000", 0.0), ("30050-32000", 0.05)]),
    ("G5:s:45000-45100", "-", [("43100-45000", 0.0499), ("44100-45000", -0.0499)]),
    ("G5:t:43000-43100", "-", [("43100-44000", 0.01), ("43100-45000", 0.0499)]),
]


def test_knockout_sets_follow_the_thresholds_on_a_hand_written_tsv(tmp_path):
    sets = knockout.knockout_sets(_EVENTS, _voila(tmp_path / "WT-KO.deltapsi.tsv", _LSVS))
    members = {name: _EVENTS.event_id[np.asarray(mask, bool)].tolist()
               for name, mask in sets.items() if name != "dpsi"}
    assert members == {"regulated": ["P1", "P3"], "enhanced": ["P1"], "repressed": ["P3"],
                       "non_regulated": ["M1"], "quantified": ["P1", "P2", "P3", "P4", "M1"]}
    # The inclusion junction of largest |dPSI|: P2's C1->A, P3's A->C2.
    assert sets["dpsi"].round(4).tolist() == [-0.10, 0.30, 0.12, 0.04, -0.0499]
    # The same values in a KO-WT file mean the opposite change.
    flipped = knockout.knockout_sets(_EVENTS, _voila(tmp_path / "KO-WT.deltapsi.tsv", _LSVS, ("KO", "WT")))
    assert _EVENTS.event_id[flipped["enhanced"]].tolist() == ["P3"]
    assert _EVENTS.event_id[flipped["repressed"]].tolist() == ["P1"]
    with pytest.raises(majiq.MajiqError, match="do not name the control 'WT'"):
        knockout.knockout_sets(_EVENTS, _voila(tmp_path / "x.tsv", _LSVS, ("ctrl", "ko")))


def test_knockout_seqids_unlike_the_events_name_field_and_both_spellings(tmp_path, caplog):
    path = _voila(tmp_path / "WT-KO.deltapsi.tsv", _LSVS)
    with caplog.at_level("INFO", logger="eigflow_arms.common.checks"):
        knockout.knockout_sets(_EVENTS, path)
    assert "WT-KO.deltapsi.tsv: matched 5 of 5 cassette events to a junction" in caplog.text
    # Ensembl names in the events, UCSC names in the voila file: nothing joins.
    with pytest.raises(majiq.MajiqError, match=r"WT-KO\.deltapsi\.tsv: field seqid: matched 0 of 5 cassette "
                                               r"events to a junction \(none\); the file says 'chr1', the "
                                               r"event table's chrom says '1'; rename the seqid column"):
        knockout.knockout_sets(_EVENTS.assign(chrom="1"), path)
    # Same names, other coordinates (another assembly): the coordinates are named.
    shifted = _EVENTS.assign(**{c: _EVENTS[c] + 7 for c in ev.COORDINATES})
    with pytest.raises(majiq.MajiqError, match=r"field seqid, strand, junctions_coords: matched 0 of 5"):
        knockout.knockout_sets(shifted, path)


def test_knockout_file_holding_few_of_the_events_is_refused(tmp_path):
    # P1 of _LSVS among 20 cassette events: 1 in 20 is no knockout of this annotation.
    many = pd.concat([_EVENTS.iloc[:1]] + [_EVENTS.iloc[:1].assign(
        event_id=f"X{k}", **{c: _EVENTS[c].iloc[0] + 200_000 * (k + 1) for c in ev.COORDINATES})
        for k in range(19)], ignore_index=True)
    with pytest.raises(majiq.MajiqError, match=r"matched 1 of 20 cassette events to a junction "
                                               r"\(only 5\.0%, below 10%\)"):
        knockout.knockout_sets(many, _voila(tmp_path / "WT-KO.deltapsi.tsv", _LSVS))


def test_knockout_dpsi_out_of_range_is_refused_by_the_voila_reader(tmp_path):
    lsvs = [("G1:s:100-200", "+", [("200-1000", -0.10), ("200-2000", 2.0)])] + _LSVS[1:]
    with pytest.raises(majiq.MajiqError, match=r"WT-KO\.deltapsi\.tsv: LSV 'G1:s:100-200': field "
                                               r"mean_dpsi_per_lsv_junction='2\.0000' is outside \[-1, 1\]"):
        knockout.knockout_sets(_EVENTS, _voila(tmp_path / "WT-KO.deltapsi.tsv", lsvs))


def test_sets_tables_meet_the_event_table_by_event_id(tmp_path):
    from eigflow_arms.common import io
    from eigflow_arms.liver import arm

    # Numeric-looking ids: text in the event table, and they must stay text in the sets.
    events = _EVENTS.assign(event_id=["17", "18", "19", "20", "21"])
    events.to_csv(tmp_path / "events.tsv", sep="\t", index=False)
    io.write_tsv(tmp_path / "liver.tsv", exon_sets.sets_table(
        events.event_id[:3], {"changing": [True, False, True], "quantified": [True] * 3}))
    ko = exon_sets.sets_table(events.event_id, {"regulated": [True, True, False, False, False],
                                                "quantified": [True] * 5})
    io.write_tsv(tmp_path / "ko.tsv", ko)
    _, sets = arm.read_sets(tmp_path / "events.tsv", tmp_path / "liver.tsv", tmp_path / "ko.tsv")
    assert sets["changing"].tolist() == [True, False, True, False, False]
    assert sets["regulated"].tolist() == [True, True, False, False, False]
    # Sets made from another event table (stale) are refused, not read as empty sets.
    io.write_tsv(tmp_path / "stale.tsv", ko.assign(event_id=[f"E{k}" for k in range(5)]))
    with pytest.raises(ev.EventTableError, match=r"stale\.tsv: field event_id: matched 0 of 5 exon-set rows "
                                                 r"to an event \(none\); the sets name events 'E0', 'E1', "
                                                 r"'E2' \(of 5\), the event table .* has '17', '18', '19'"):
        arm.read_sets(tmp_path / "events.tsv", tmp_path / "liver.tsv", tmp_path / "stale.tsv")


# --- PAR-CLIP: the simulated BAM --------------------------------------------------------------

def test_simulated_bam_is_sorted_indexed_with_true_md_tags(run):
    with pysam.AlignmentFile(str(run["bam"])) as bam, pysam.FastaFile(str(run["paths"]["genome"])) as fasta:
        assert bam.header.to_dict()["HD"]["SO"] == "coordinate" and bam.has_index()
        starts = [(r.reference_id, r.reference_start) for r in bam.fetch(until_eof=True)]
        assert starts == sorted(starts)
        for read in bam.fetch(until_eof=True):
            # MD rebuilds the reference exactly: the alignment is what the FASTA holds.
            reference = fasta.fetch(read.reference_name, read.reference_start, read.reference_end)
            assert read.get_reference_sequence().upper() == reference.upper()
            assert read.get_tag("NM") == sum(a != b for a, b in zip(reference, read.query_sequence))


def test_same_seed_same_bam(run, tmp_path):
    events, paths = run["events"], run["paths"]
    again = tmp_path / "a.bam"
    clip_simulate.simulate_parclip(paths["genome"], events, paths["planted_sites"], again, seed=2, rbp=A1CF)
    assert filecmp.cmp(again, run["bam"], shallow=False)


def test_duplicates_collapse_to_unique_tags(run):
    with pysam.AlignmentFile(str(run["bam"])) as bam:
        reads = pd.DataFrame([(r.reference_id, r.is_reverse, r.reference_start, r.reference_end,
                               r.query_sequence) for r in bam.fetch(until_eof=True)])
    with cl.open_bam(run["bam"]) as bam:
        tags = list(cl.unique_tags(cl.collapse_duplicates(cl.aligned_reads(bam, run["bam"]))))
    assert len(reads) > 1.5 * len(tags)
    assert len(tags) == len(reads.drop_duplicates())


def test_sites_are_the_planted_crosslinks(run):
    truth, sites = run["truth"], run["sites"]
    called = set(zip(sites.chrom, sites.pos0, sites.strand))
    expected = truth[truth.converted >= 2]
    recalled = [key in called for key in zip(expected.chrom, expected.pos0, expected.strand)]
    assert np.mean(recalled) > 0.95
    planted = expected.source == "planted"
    assert planted.sum() >= 30 and np.mean(np.array(recalled)[planted.to_numpy()]) > 0.95
    true_sites = set(zip(truth.chrom, truth.pos0, truth.strand))
    background = [key for key in called if key not in true_sites]
    assert len(background) <= 0.05 * len(called)
    assert (sites.tags >= 2).all()


def test_bed_round_trip(run, tmp_path):
    cl.write_bed(tmp_path / "sites.bed", run["sites"])
    back = cl.read_bed(tmp_path / "sites.bed")
    pd.testing.assert_frame_equal(back, run["sites"], check_dtype=False)
    first = (tmp_path / "sites.bed").read_text().splitlines()[0].split("\t")
    assert len(first) == 6 and int(first[2]) == int(first[1]) + 1
    (tmp_path / "bad.bed").write_text("chr1\t10\t12\tT2C\t3\t+\n")
    with pytest.raises(cl.ClipError, match=r"bad.bed: line 1 .*end = start \+ 1"):
        cl.read_bed(tmp_path / "bad.bed")


# --- PAR-CLIP: CTK steps on constructed reads -------------------------------------------------

_HEADER = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr1", "LN": 10000}]}


def _bam(path, reads, header=_HEADER, index=True):
    """reads: (start, reverse, sequence, MD or None); written in the given order."""
    with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
        for k, (start, reverse, sequence, md) in enumerate(reads):
            read = pysam.AlignedSegment(bam.header)
            read.query_name, read.query_sequence = f"r{k}", sequence
            read.flag, read.reference_id, read.reference_start = 16 if reverse else 0, 0, start
            read.mapping_quality, read.cigartuples = 37, [(0, len(sequence))]
            if md:
                read.set_tag("MD", md)
            bam.write(read)
    if index:
        pysam.index(str(path))
    return path


# Reference at 100..109 is ACGTTACGTA; at 200..209 AAGAAAGAAA.
_READS = [
    (100, False, "ACGCTACGTA", "3T6"),     # T>C at 103
    (100, False, "ACGCTACGTA", "3T6"),     # its PCR duplicate
    (101, False, "CGCTACGTA", "2T6"),      # another tag, T>C at 103: the site has 2 unique tags
    (102, False, "GTTACCTA", "5G2"),       # a G>C mismatch: no transition
    (104, False, "TACGCA", "4T1"),         # T>C at 108, one unique tag ...
    (104, False, "TACGCA", "4T1"),         # ... however many duplicates it has
    (104, False, "TACGCA", "4T1"),
    (200, True, "AAGAGAGAAA", "4A5"),      # reverse strand: genome A>G = transcript T>C at 204
    (202, True, "GAGAGAAA", "2A5"),        # a second unique tag at 204
    (202, True, "GACAGAAA", "2A5"),        # A>C on the reverse strand: not a T-to-C transition
]


def test_crosslink_sites_on_constructed_reads(tmp_path):
    sites = cl.crosslink_sites(_bam(tmp_path / "reads.bam", _READS))
    assert sites.to_dict("records") == [{"chrom": "chr1", "pos0": 103, "strand": "+", "tags": 2},
                                        {"chrom": "chr1", "pos0": 204, "strand": "-", "tags": 2}]
    one_tag = cl.crosslink_sites(tmp_path / "reads.bam", min_tags=1)
    assert one_tag.pos0.tolist() == [103, 108, 204]


def _refuse(tmp_path, bam, match):
    bed = tmp_path / "out.bed"
    with pytest.raises(cl.ClipError, match=match):
        cl.call_sites(bam, bed)
    assert not bed.exists() and not list(tmp_path.glob(".out.bed*"))
    done = subprocess.run([sys.executable, "-m", "eigflow_arms.liver.clip.sites", str(bam), str(bed)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and str(bam) in done.stderr and not bed.exists()
    return done.stderr


def test_unindexed_bam_is_refused_with_the_fix(tmp_path):
    bam = _bam(tmp_path / "reads.bam", _READS, index=False)
    stderr = _refuse(tmp_path, bam, r"reads.bam: no index .*`samtools index .*reads.bam`")
    assert "samtools index" in stderr


def test_unsorted_bam_is_refused_with_the_fix(tmp_path):
    header = {**_HEADER, "HD": {"VN": "1.6", "SO": "unsorted"}}
    bam = _bam(tmp_path / "reads.bam", _READS[::-1], header=header, index=False)
    stderr = _refuse(tmp_path, bam, r"reads.bam: header says SO:unsorted.*samtools sort -o")
    assert "samtools sort" in stderr


def test_reads_out_of_order_are_refused_while_reading(tmp_path):
    # A sorted BAM indexed, then rewritten out of order under the same header and index.
    bam = _bam(tmp_path / "reads.bam", _READS)
    _bam(bam, _READS[::-1], index=False)
    _refuse(tmp_path, bam, r"reads.bam: read 'r\d+' at chr1:\d+ comes after .*samtools sort")


def test_reads_without_md_are_refused(tmp_path):
    bam = _bam(tmp_path / "reads.bam", [(100, False, "ACGTTACGTA", None)])
    with pytest.raises(cl.ClipError, match="no MD tag.*samtools calmd"):
        cl.crosslink_sites(bam)


def test_empty_bam_is_refused_as_having_no_reads(tmp_path):
    # Header only, sorted and indexed: a valid BAM that would give every figure 0 sites.
    stderr = _refuse(tmp_path, _bam(tmp_path / "reads.bam", []), r"reads\.bam: no crosslink site, no reads")
    assert "no reads" in stderr


def test_bam_without_t_to_c_tags_is_refused(tmp_path):
    bam = _bam(tmp_path / "reads.bam", [_READS[3], _READS[9]])   # a G>C and a reverse A>C mismatch
    _refuse(tmp_path, bam, r"reads\.bam: no crosslink site, no T-to-C tags: none of its 2 unique tags")
    with pytest.raises(cl.ClipError, match=r"no position has T-to-C transitions in >= 3 unique tags"):
        cl.crosslink_sites(_bam(tmp_path / "some.bam", _READS), min_tags=3)


# --- binding around exon sets -----------------------------------------------------------------

def test_binding_regions_on_constructed_sites():
    # P1 '+': I1 is 201..999, A 1000..1100, I2 1101..1999; M1 '-': A 44000..44100, I1 44101..44999.
    events = _EVENTS.iloc[[0, 1, 4]].reset_index(drop=True)
    sites = pd.DataFrame([
        ("chr1", 1000 - 1 - 300, "+", 2),   # P1: first base of the 300-nt upstream window
        ("chr1", 1100 + 299, "+", 2),       # P1: last base of the downstream window
        ("chr1", 11000 - 1 - 301, "+", 2),  # P2: one base beyond the upstream window
        ("chr1", 11100 + 300, "+", 2),      # P2: one base beyond the downstream window
        ("chr1", 11050, "-", 2),            # P2: inside A, but on the other strand
        ("chr1", 44100, "-", 5),            # M1: first intronic base upstream of A (transcript)
        ("chr1", 43998, "-", 5),            # M1: first intronic base downstream of A
        ("chr1", 44000 - 1, "-", 5),        # M1: A's last base in transcript order
    ], columns=cl.SITE_COLUMNS)
    table = cl.binding_table(sites, events)
    assert table.set_index("event_id")[list(cl.REGIONS)].astype(int).values.tolist() == [
        [1, 0, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1]]
    tags = cl.tags_by_position(sites, events, {"both": np.array([1, 0, 1], bool)})
    at = tags.set_index(["splice_site", "position"]).mean_tags
    # Means over the two exons of the set: M1's 5 tags count 2.5, P1's 2 tags 1.0.
    assert at["3ss", -1] == at["5ss", -1] == at["5ss", 0] == pytest.approx(2.5)   # around M1's A
    assert at["3ss", -300] == at["5ss", 299] == pytest.approx(1.0)                 # P1's flank ends
    assert at.sum() == pytest.approx(3 * 2.5 + 2 * 1.0)


def _sites_bed(path, chroms):
    """A BED of one site per chromosome name in ``chroms``, 100 nt apart."""
    cl.write_bed(path, pd.DataFrame({"chrom": list(chroms), "pos0": np.arange(len(chroms)) * 100 + 1000,
                                     "strand": "+", "tags": 2}))
    return path


def test_sites_meet_the_events_by_chromosome_or_name_both_spellings(tmp_path, caplog):
    events = _EVENTS.iloc[[0, 1, 4]].reset_index(drop=True)
    with caplog.at_level("INFO", logger="eigflow_arms.common.checks"):
        sites = cl.read_sites_for_events(_sites_bed(tmp_path / "ok.bed", ["chr1"] * 3), events, "events.tsv")
    assert len(sites) == 3 and "ok.bed: matched 3 of 3 crosslink sites on a chromosome" in caplog.text
    # A BAM aligned to Ensembl names (1..5) against UCSC events (chr1..5).
    with pytest.raises(cl.ClipError, match=r"ensembl\.bed: field chrom: matched 0 of 3 crosslink sites .*\(none\); "
                                           r"the BAM says '1', '2', '5' .*the events \(events\.tsv\) say "
                                           r"'chr1'; rename the BAM's references with `samtools reheader`"):
        cl.read_sites_for_events(_sites_bed(tmp_path / "ensembl.bed", ["1", "2", "5"]), events, "events.tsv")
    # A join that keeps 1 site in 20.
    with pytest.raises(cl.ClipError, match=r"matched 1 of 20 crosslink sites .*\(only 5\.0%, below 10%\)"):
        cl.read_sites_for_events(_sites_bed(tmp_path / "few.bed", ["chr1"] + ["chrUn"] * 19), events, "e.tsv")
    (tmp_path / "empty.bed").write_text("")
    with pytest.raises(cl.ClipError, match=r"empty\.bed: field chrom: matched 0 of 0 .*no reads or no T-to-C"):
        cl.read_sites_for_events(tmp_path / "empty.bed", events, "events.tsv")


def test_motif_enrichment_refuses_sites_the_fasta_does_not_hold(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "genome.fa").write_text(">chr1\n" + "".join(rng.choice(list("ACGT"), 3000)) + "\n")
    pysam.faidx(str(tmp_path / "genome.fa"))
    sites = pd.DataFrame({"chrom": "chr1", "pos0": [1000, 1500, 2000], "strand": "+", "tags": 2})
    assert cl.motif_enrichment_at_sites(tmp_path / "genome.fa", sites, A1CF_KMERS).n.iloc[0] == 3
    with pytest.raises(cl.ClipError, match=r"genome\.fa: field sequence names: matched 0 of 3 crosslink "
                                           r"sites .*say '1', the FASTA says 'chr1'; rename"):
        cl.motif_enrichment_at_sites(tmp_path / "genome.fa", sites.assign(chrom="1"), A1CF_KMERS)
    # Right names, wrong assembly: every site's window runs off the chromosome.
    with pytest.raises(cl.ClipError, match=r"field pos0 of the sites: matched 0 of 3 crosslink sites whose "
                                           r"350-nt flanks fit"):
        cl.motif_enrichment_at_sites(tmp_path / "genome.fa", sites.assign(pos0=sites.pos0 + 5000), A1CF_KMERS)


def test_fisher_by_region_on_a_constructed_table():
    binding = pd.DataFrame({"upstream": [1, 1, 0, 0, 0, 0, 1, 0], "exon": [0] * 8,
                            "downstream": [1, 1, 1, 0, 0, 0, 0, 0]}).astype(bool)
    binding["any"] = binding.any(axis=1)
    a = np.array([1, 1, 1, 1, 0, 0, 0, 0], bool)
    table = cl.fisher_by_region(binding, a, ~a).set_index("region")
    assert table.loc["downstream", "fraction_a"] == 0.75 and table.loc["downstream", "fraction_b"] == 0
    assert table.loc["downstream", "p"] == pytest.approx(fisher_exact([[3, 1], [0, 4]])[1])
    assert table.loc["upstream", "p"] == pytest.approx(fisher_exact([[2, 2], [1, 3]])[1])
    assert table.loc["exon", "p"] == 1.0 and (table.n_a == 4).all()


def test_binding_and_overlap_on_the_simulation(run):
    events, sets = run["events"], {**run["liver"], **run["knockout"]}
    binding = cl.binding_table(run["sites"], events)
    tests = cl.binding_tests(binding, sets, [("changing", "non_changing"), ("regulated", "non_regulated")])
    any_region = tests[tests.region == "any"].set_index("set_a")
    assert (any_region.fraction_a > any_region.fraction_b).all()
    assert any_region.loc["regulated", "p"] < 0.05
    overlap = exon_sets.overlap_test(sets["changing"], sets["regulated"],
                                     run["liver"]["quantified"] & run["knockout"]["quantified"])
    assert overlap["odds_ratio"] > 1 and overlap["p"] < 0.05


def test_motifs_are_enriched_at_crosslink_sites(run):
    enrichment = cl.motif_enrichment_at_sites(run["paths"]["genome"], run["sites"], A1CF_KMERS, seed=0)
    centre = enrichment.set_index("offset").loc[0]
    assert centre.n == len(run["sites"])
    assert centre.sites > centre.background + 0.3
    assert enrichment.sites.between(0, 1).all() and enrichment.background.between(0, 1).all()


# --- figures ----------------------------------------------------------------------------------

def test_figures_write_png_and_pdf(run, tmp_path):
    tpm = expression.read_tpm(run["paths"]["expression"], TISSUES)
    binding = pd.DataFrame({r: [True, False, True, False] for r in cl.REGIONS})
    sets = {"changing": np.array([1, 1, 0, 0], bool), "non_changing": np.array([0, 0, 1, 1], bool)}
    tests = cl.binding_tests(binding, sets, [("changing", "non_changing")])
    counts = {"a_only": 4, "both": 13, "b_only": 32, "neither": 101, "odds_ratio": 10.3, "p": 3.5e-5}
    enrichment = pd.DataFrame({"offset": np.arange(-5, 6), "sites": np.linspace(0, 1, 11),
                               "background": 0.3, "n": 10})
    tags = pd.concat([pd.DataFrame({"set": name, "splice_site": site, "position": np.arange(-30, 10),
                                    "mean_tags": np.linspace(0, 1, 40)})
                      for name in sets for site in ("3ss", "5ss")])
    for name, draw in (("fig4b", lambda png, pdf: liver_binding.fig4b(tpm, png, pdf, gene="A1CF")),
                       ("fig4d", lambda png, pdf: liver_binding.fig4d(tests, "A1CF", png, pdf)),
                       ("fig4e", lambda png, pdf: liver_binding.fig4e(counts, "A1CF", png, pdf)),
                       ("figS12", lambda png, pdf: liver_binding.figS12(enrichment, tags, FOUND, png, pdf))):
        png, pdf = tmp_path / f"{name}.png", tmp_path / f"{name}.pdf"
        draw(png, pdf)
        assert png.stat().st_size > 1000 and pdf.stat().st_size > 1000
    with pytest.raises(ValueError, match="no gene 'Nope'"):
        liver_binding.fig4b(tpm, tmp_path / "x.png", tmp_path / "x.pdf", gene="Nope")
