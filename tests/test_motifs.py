"""Motifs of the liver program: MEME files, k-mer PSSMs, Tomtom (A1CF first), motif maps, figures."""
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from eigflow_arms.liver.motif_figures import fig4a, fig4c, figS11
from eigflow_arms.liver.motifs import maps
from eigflow_arms.liver.motifs.meme import (
    MemeFormatError,
    alternate_names,
    consensus_collection,
    read_meme,
    write_meme,
)
from eigflow_arms.liver.motifs.pssm import (
    align_kmers,
    consensus,
    consensus_matrix,
    information_content,
    kmer_weights,
    kmers_of,
    pssm_from_kmers,
)
from eigflow_arms.liver.motifs.tomtom import MATCH_COLUMNS, match
from eigflow_arms.liver.regulator import (
    Regulator,
    check_in_collection,
    core_kmers,
    regulator,
)
from eigflow_arms.splicing.features import (
    feature_annotation,
    known_motifs,
    motif_instances,
)
from eigflow_arms.splicing.metafeatures import family_groups
from eigflow_arms.splicing.program import read_program
from eigflow_arms.splicing.sequence import reverse_complement
from scipy.stats import fisher_exact

PROGRAM = read_program(Path(__file__).resolve().parents[1] / "resources" / "program.tsv")
A1CF_KMERS = ("AAU", "UAA", "AUU")   # paper Fig. 4c

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "motifs"
COLLECTION = RESOURCES / "rbp_consensus.meme"


# --------------------------------------------------------------------------- MEME files

def test_meme_round_trip_keeps_matrices_and_names(tmp_path):
    rng = np.random.default_rng(0)
    motifs = {f"M{i}": rng.dirichlet(np.ones(4), size=w) for i, w in enumerate((4, 7, 12))}
    path = tmp_path / "out.meme"
    write_meme(path, motifs, names={"M1": "A1CF"})
    back = read_meme(path)
    assert list(back) == list(motifs)
    for name, matrix in motifs.items():
        np.testing.assert_allclose(back[name], matrix, atol=1e-6)
    assert alternate_names(path) == {"M0": "", "M1": "A1CF", "M2": ""}


def test_dna_alphabet_reads_t_as_u(tmp_path):
    path = tmp_path / "dna.meme"
    path.write_text("MEME version 5\n\nALPHABET= ACGT\n\nstrands: + -\n\nMOTIF RNCMPT00001 A1CF\n"
                    "letter-probability matrix: alength= 4 w= 2 nsites= 20 E= 0\n"
                    "  0.1\t0.1\t0.1\t0.7\n  0.7 0.1 0.1 0.1\nURL http://example.org\n")
    np.testing.assert_allclose(read_meme(path)["RNCMPT00001"], [[0.1, 0.1, 0.1, 0.7], [0.7, 0.1, 0.1, 0.1]])
    assert alternate_names(path) == {"RNCMPT00001": "A1CF"}


GOOD = ["MEME version 4", "", "ALPHABET= ACGU", "", "MOTIF first",
        "letter-probability matrix: alength= 4 w= 2", "0.25 0.25 0.25 0.25", "0.7 0.1 0.1 0.1", "",
        "MOTIF second", "letter-probability matrix: alength= 4 w= 3", "1 0 0 0", "0 1 0 0", "0 0 1 0", ""]


@pytest.mark.parametrize("edit, line, words", [
    (lambda t: t[1:], 2, "MEME version"),             # no version line: the first non-blank line
    (lambda t: t[:10] + t[11:], 10, "no 'letter-probability matrix:'"),           # missing header
    (lambda t: t[:10] + [t[10].replace("w= 3", "w= 4")] + t[11:], "end", "make w= equal"),  # too few rows
    (lambda t: t[:5] + [t[5].replace("w= 2", "w= 1")] + t[6:], 8, "w= of the matrix above"),  # too many
    (lambda t: t[:7] + ["0.7 0.1 0.1 0.3"] + t[8:], 8, "sums to 1.2"),           # not a distribution
    (lambda t: t[:12] + ["0 1 0"] + t[13:], 13, "has 3 columns"),               # 3-column row
    (lambda t: t[:2] + ["ALPHABET= ACDEFGHIKLMNPQRSTVWY"] + t[3:], 3, "not a nucleotide"),
    (lambda t: t[:9] + ["MOTIF first"] + t[10:], 10, "already used at line 5"),
    (lambda t: t[:5] + [t[5].replace("w= 2", "")] + t[6:], 6, "needs 'w= N'"),
])
def test_malformed_meme_files_name_file_line_and_fix(tmp_path, edit, line, words):
    path = tmp_path / "bad.meme"
    path.write_text("\n".join(edit(list(GOOD))))
    with pytest.raises(MemeFormatError) as err:
        read_meme(path)
    assert str(err.value).startswith(f"{path}, line {line}:")
    assert words in str(err.value)


def test_the_unedited_file_reads(tmp_path):
    # Each malformed case above is one edit away from this file.
    path = tmp_path / "good.meme"
    path.write_text("\n".join(GOOD))
    assert {k: v.shape for k, v in read_meme(path).items()} == {"first": (2, 4), "second": (3, 4)}


def test_shipped_collection_is_built_from_its_table():
    motifs, rbps = consensus_collection(RESOURCES / "rbp_consensus.tsv")
    shipped = read_meme(COLLECTION)
    assert list(shipped) == list(motifs) and alternate_names(COLLECTION) == rbps
    for name in motifs:
        np.testing.assert_allclose(shipped[name], motifs[name], atol=1e-5)   # 6 decimals written
    table = pd.read_csv(RESOURCES / "rbp_consensus.tsv", sep="\t")
    assert len(table) >= 25 and table.source.str.len().min() > 10  # memelite warns below 25 targets
    assert {"A1CF", "ELAVL1", "KHDRBS1", "TIA1"} <= set(table.motif_id)


def test_consensus_matrix_spreads_degenerate_letters():
    m = consensus_matrix("YCAY", pseudocount=0.0)
    np.testing.assert_allclose(m, [[0, .5, 0, .5], [0, 1, 0, 0], [1, 0, 0, 0], [0, .5, 0, .5]])
    with_pc = consensus_matrix("A", pseudocount=0.1)
    np.testing.assert_allclose(with_pc, [[1.1 / 1.4, 0.1 / 1.4, 0.1 / 1.4, 0.1 / 1.4]])
    with pytest.raises(ValueError, match="not IUPAC"):
        consensus_matrix("UAX")


# --------------------------------------------------------------------------- PSSMs from k-mers

def _kmers_of_motif(motif: str, sizes=(3, 4)) -> list[str]:
    return sorted({inst[i:i + k] for inst in motif_instances(motif) for k in sizes
                   for i in range(len(inst) - k + 1)})


def test_align_kmers_assembles_a_known_contig():
    contig, offsets = align_kmers(["AAUU", "UAAU", "AUUA", "UAA", "GGG"], [4, 3, 2, 1, 0.5])
    assert contig == "UAAUUA"
    assert offsets == {"AAUU": 1, "UAAU": 0, "AUUA": 2, "UAA": 0}   # GGG shares nothing: left out
    # A heavy unrelated k-mer does not seed the motif: the contig placing the most weight wins.
    contig, offsets = align_kmers(["AAUU", "UAAU", "AUUA", "UAA", "GGG"], [4, 3, 2, 1, 5])
    assert contig == "UAAUUA" and "GGG" not in offsets


def test_pssm_is_deterministic_and_a_distribution():
    kmers = _kmers_of_motif(PROGRAM.rbp("A1CF").motif)
    weights = np.arange(1, len(kmers) + 1, dtype=float)
    order = np.random.default_rng(3).permutation(len(kmers))
    a = pssm_from_kmers(kmers, weights)
    b = pssm_from_kmers([kmers[i] for i in order], weights[order])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.sum(axis=1), 1)
    assert (information_content(a) >= 0).all() and (information_content(a) <= 2).all()


def test_pssm_of_a1cf_kmers_is_au_rich_and_holds_aauu():
    kmers = _kmers_of_motif(PROGRAM.rbp("A1CF").motif)
    assert {"AAU", "UAA", "AUU", "AAUU"} <= set(kmers)
    pssm = pssm_from_kmers(kmers)
    assert "AAUU" in consensus(pssm) and "UAA" in consensus(pssm)
    assert (pssm[:, [0, 3]].sum(axis=1) > 0.6).all()       # A + U in every column
    assert pssm[:, [0, 3]].sum(axis=1).max() > 0.9         # the centre, which every k-mer covers


def test_kmers_and_weights_of_a_meta_feature():
    meta = pd.DataFrame({
        "feature": ["I2_5:kmer:UAA", "I2_5:motif:A1CF", "I2_5:kmer:AAUU", "I2_5:kmer:UA",
                    "I1_3:kmer:UAA", "I2_5:kmer:GGG"],
        "meta_feature": ["fam", "fam", "fam", "fam", "fam", "other"]})
    assert kmers_of(meta, "fam") == ["UAA", "AAUU"]
    values = np.array([[1.0, 9, -2, 9, 3, 9], [-3.0, 9, 4, 9, 1, 9]])
    weights = kmer_weights(meta, "fam", values)
    assert weights.to_dict() == {"UAA": 2.0 + 2.0, "AAUU": 3.0}   # |UAA| in two regions summed
    with pytest.raises(KeyError, match="not in the meta-feature table"):
        kmers_of(meta, "absent")


# --------------------------------------------------------------------------- Tomtom

def test_every_collection_motif_ranks_itself_first():
    collection = read_meme(COLLECTION)
    for name, motif in collection.items():
        table = match(motif, collection, n=2)
        assert table.target.iloc[0] == name
        assert table.p.iloc[0] < table.p.iloc[1]


def test_tomtom_is_deterministic():
    """Two identical calls agree, offsets included (memelite leaves some unwritten: see tomtom.py)."""
    collection = read_meme(COLLECTION)
    first = [match(m, collection, n=None) for m in collection.values()]
    for table, again in zip(first, [match(m, collection, n=None) for m in collection.values()]):
        pd.testing.assert_frame_equal(table, again)


def test_tomtom_table_columns_e_and_q():
    collection = read_meme(COLLECTION)
    table = match(collection["RBFOX"], collection, n=None)
    assert list(table.columns) == MATCH_COLUMNS and len(table) == len(collection)
    np.testing.assert_allclose(table.e, table.p * len(collection))
    assert (table.q >= table.p - 1e-15).all() and table.q.is_monotonic_increasing
    assert (table.orientation == "+").all()
    # A target nothing aligns with (U-rich query, G-run target) has p = 1 and no offset.
    unrelated = match(collection["ELAVL1"], collection, n=None).set_index("target").loc["HNRNPH1"]
    assert unrelated.p == 1 and pd.isna(unrelated.offset) and pd.isna(unrelated.overlap)
    # A query that is a slice of a target aligns at the slice's start.
    shifted = match(collection["PUM2"][2:7], collection, n=1)
    assert shifted.target.iloc[0] == "PUM2" and shifted.offset.iloc[0] == 2 and shifted.overlap.iloc[0] == 5


def test_reverse_complement_of_a_motif_is_not_a_match():
    """RNA binding is single-stranded: RBFOX's reverse complement (ACAUGCA, a different RNA) is
    not an RBFOX site; comparing both strands, as for DNA, would rank RBFOX first."""
    collection = read_meme(COLLECTION)
    flipped = consensus_matrix(reverse_complement("UGCAUGU"))
    assert match(flipped, collection, n=1).target.iloc[0] != "RBFOX"


def _a1cf_family_meta_table() -> pd.DataFrame:
    known = known_motifs(PROGRAM)
    annotation = feature_annotation(known)
    family = family_groups(annotation, known)
    meta = annotation.feature.copy()
    meta[family.index] = family.to_numpy()
    return pd.DataFrame({"feature": annotation.feature, "meta_feature": meta})


@pytest.mark.parametrize("meta_feature", ["I2_5:family:A1CF", "C1:family:A1CF"])
def test_a1cf_kmer_meta_feature_matches_a1cf_first(meta_feature):
    """The issue's assertion: the PSSM of the simulator's A1CF k-mer meta-feature ranks A1CF
    first, by a wide margin; also where only 3-mers are counted (C1)."""
    collection = read_meme(COLLECTION)
    kmers = kmers_of(_a1cf_family_meta_table(), meta_feature)
    sizes = (3, 4) if meta_feature.startswith("I2_5") else (3,)
    assert set(kmers) == set(_kmers_of_motif(PROGRAM.rbp("A1CF").motif, sizes))
    best = match(pssm_from_kmers(kmers), collection, n=2)
    assert best.target.iloc[0] == "A1CF" and best.q.iloc[0] < 0.05
    assert best.p.iloc[0] * 20 < best.p.iloc[1]


def test_a1cf_match_survives_attribution_weights():
    """Where A1CF acts (I2_5, 3- and 4-mers), any weighting whose k-mers lie within a factor 4
    of each other still ranks A1CF first (the H-L-IG attributions of the tiny run span 3.5x).
    Weight piled on one 3-mer (UUA) would leave a 3-mer, which ELAVL1's AUUUA holds too."""
    collection = read_meme(COLLECTION)
    kmers = kmers_of(_a1cf_family_meta_table(), "I2_5:family:A1CF")
    rng = np.random.default_rng(0)
    for _ in range(50):
        weights = rng.uniform(1, 4, len(kmers))
        assert match(pssm_from_kmers(kmers, weights), collection, n=1).target.iloc[0] == "A1CF"


# --------------------------------------------------------------------------- motif maps

def test_motif_positions_coverage_and_map_on_known_sequences():
    seqs = ["AAUGGG", "GUAAUC", "NAAUNN"]
    hits = maps.motif_positions_matrix(seqs, A1CF_KMERS)
    expected = np.zeros((3, 6), dtype=bool)
    expected[0, 0] = True                  # AAU
    expected[1, [1, 2]] = True             # UAA, AAU
    expected[2, 1] = True                  # AAU between Ns
    np.testing.assert_array_equal(hits, expected)
    coverage = maps.covered(seqs)
    np.testing.assert_allclose(maps.motif_map(hits, coverage), [1 / 2, 2 / 3, 1 / 3, 0, 0, 0])
    assert not maps.motif_positions_matrix(["AANUAA"], ["AAU"]).any()   # never across an N
    np.testing.assert_array_equal(maps.motif_positions_matrix(["CCAUUCAC"], ["YCAY"])[0],
                                  [True, False, False, False, True, False, False, False])


def test_running_mean_is_centred_and_skips_nan():
    np.testing.assert_allclose(maps.running_mean(np.arange(5.0), 2), [0, 0.5, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(maps.running_mean(np.array([1.0, np.nan, 3.0]), 3), [1, 2, 3])
    flat = maps.running_mean(np.full(100, 0.3), 20)
    np.testing.assert_allclose(flat, 0.3)


def test_window_fisher_equals_scipy_fisher_exact():
    regulated = np.array([[1, 0, 0], [1, 0, 0], [1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 0, 0]], dtype=bool)
    background = np.zeros((9, 3), dtype=bool)
    background[:2, 0] = True
    background[:4, 1] = True
    p = maps.window_fisher(regulated, background, window=1)
    for j in range(3):
        a, c = regulated[:, j].sum(), background[:, j].sum()
        assert p[j] == pytest.approx(fisher_exact([[a, 6 - a], [c, 9 - c]]).pvalue, rel=1e-9)
    assert p[2] == 1.0
    rng = np.random.default_rng(1)
    reg, bg = rng.random((40, 60)) < 0.05, rng.random((25, 60)) < 0.02
    p = maps.window_fisher(reg, bg, window=20)
    any_reg, any_bg = maps.window_any(reg, 20).sum(axis=0), maps.window_any(bg, 20).sum(axis=0)
    scipy_p = [fisher_exact([[a, 40 - a], [c, 25 - c]]).pvalue for a, c in zip(any_reg, any_bg)]
    np.testing.assert_allclose(p, scipy_p, rtol=1e-9)


def test_window_any_looks_ahead_window_positions():
    hits = np.zeros((1, 10), dtype=bool)
    hits[0, 6] = True
    np.testing.assert_array_equal(maps.window_any(hits, 3)[0], [0, 0, 0, 0, 1, 1, 1, 0, 0, 0])


@pytest.fixture
def small_genome(tmp_path):
    rng = np.random.default_rng(2)
    chrom = "".join(rng.choice(list("ACGT"), 200))
    path = tmp_path / "genome.fa"
    path.write_text(">chr1\n" + chrom + "\n")
    pysam.faidx(str(path))
    return path, chrom


def test_splice_site_windows_read_both_strands_and_pad_with_n(small_genome):
    path, chrom = small_genome
    # C1 11-20, A 31-34 (4 nt: shorter than exonic=5), C2 51-60; introns of 10 and 16 nt.
    plus = {"event_id": "p", "gene_id": "g", "chrom": "chr1", "strand": "+", "c1_start": 11,
            "c1_end": 20, "a_start": 31, "a_end": 34, "c2_start": 51, "c2_end": 60,
            "event_type": "cassette"}
    minus = {**plus, "event_id": "m", "strand": "-", "c1_start": 151, "c1_end": 160,
             "a_start": 131, "a_end": 134, "c2_start": 101, "c2_end": 110}
    events = pd.DataFrame([plus, minus])
    with pysam.FastaFile(str(path)) as fasta:
        windows = maps.splice_site_windows(fasta, events, exonic=5, intronic=12)

    def g(start, end):  # 1-based inclusive, as RNA
        return chrom[start - 1:end].replace("T", "U")

    def rc(start, end):
        return reverse_complement(chrom[start - 1:end])

    assert windows["C1_5ss"][0] == g(16, 20) + g(21, 30) + "NN"
    assert windows["A_3ss"][0] == "NN" + g(21, 30) + g(31, 34) + "N"
    assert windows["A_5ss"][0] == "N" + g(31, 34) + g(35, 46)
    assert windows["C2_3ss"][0] == g(39, 50) + g(51, 55)
    # Minus strand: transcript order runs from high to low coordinates; introns of 16 and 20 nt.
    assert windows["C1_5ss"][1] == rc(151, 155) + rc(139, 150)
    assert windows["A_3ss"][1] == rc(135, 146) + rc(131, 134) + "N"
    assert windows["A_5ss"][1] == "N" + rc(131, 134) + rc(119, 130)
    assert windows["C2_3ss"][1] == rc(111, 122) + rc(106, 110)
    np.testing.assert_array_equal(maps.relative_positions("A_3ss", 5, 12), np.arange(-12, 5))
    np.testing.assert_array_equal(maps.relative_positions("A_5ss", 5, 12), np.arange(-5, 12))


def _planted_windows(rng, n: int, position: int, length: int = 350) -> list[str]:
    seqs = ["".join(rng.choice(list("CG"), length)) for _ in range(n)]
    return [s[:position] + "AAU" + s[position + 3:] for s in seqs]


def test_map_tables_find_a_planted_position():
    rng = np.random.default_rng(4)
    windows = {"A_5ss": _planted_windows(rng, 30, 250) + ["".join(rng.choice(list("CG"), 350)) for _ in range(40)]}
    sets = {"regulated": np.arange(70) < 30, "non_regulated": np.arange(70) >= 30}
    table, tests = maps.map_tables(windows, sets, [("regulated", "non_regulated")], A1CF_KMERS)
    reg = table[table["set"] == "regulated"].set_index("position")
    assert reg.frequency[200] == 1.0 and reg.frequency.drop(200).max() == 0.0   # 250 - 50 exonic
    assert reg.smoothed[200] == pytest.approx(1 / 20)
    p = tests.set_index("position").p
    assert p[200] < 1e-10 and p.loc[181:200].max() < 1e-10 and p[201] == 1.0 and p[180] == 1.0
    with pytest.raises(KeyError, match="not among the exon sets"):
        maps.map_tables(windows, sets, [("regulated", "absent")], A1CF_KMERS)


# --------------------------------------------------------------------------- figures

def test_figures_write_png_and_pdf(tmp_path):
    collection = read_meme(COLLECTION)
    query = pssm_from_kmers(_kmers_of_motif(PROGRAM.rbp("A1CF").motif))
    row = match(query, collection, n=1).iloc[0]
    fig4a(query, collection[row.target], row, tmp_path / "4a.png", tmp_path / "4a.pdf")
    rng = np.random.default_rng(5)
    names = {name for _, sets, _ in maps.FIG4C_PANELS + maps.FIGS11_PANELS for name in sets}
    windows = {w: _planted_windows(rng, 60, 220) for w in ("A_3ss", "A_5ss")}
    sets = {name: rng.random(60) < 0.5 for name in sorted(names)}
    table, tests = maps.map_tables(windows, sets, maps.comparisons(maps.FIG4C_PANELS + maps.FIGS11_PANELS),
                                   A1CF_KMERS)
    found = Regulator("A1CF", "A1CF", A1CF_KMERS)
    fig4c(table, tests, found, tmp_path / "4c.png", tmp_path / "4c.pdf")
    figS11(table, tests, found, tmp_path / "S11.png", tmp_path / "S11.pdf")
    for stem in ("4a", "4c", "S11"):
        for suffix in (".png", ".pdf"):
            assert (tmp_path / f"{stem}{suffix}").stat().st_size > 1000


# --------------------------------------------------------------------------- the regulator

def test_regulator_is_the_best_match_with_the_core_kmers_of_its_motif():
    """A1CF's collection motif WUAAUUR gives the paper's 3-mers AAU/UAA/AUU: its degenerate
    ends (W, R) take part in none."""
    collection = read_meme(COLLECTION)
    names = alternate_names(COLLECTION)
    query = pssm_from_kmers(_kmers_of_motif(PROGRAM.rbp("A1CF").motif))
    found = regulator(match(query, collection, n=None), collection, names, COLLECTION)
    assert found.rbp == "A1CF" and found.motif_id == "A1CF"
    assert sorted(found.kmers) == sorted(A1CF_KMERS)
    rbfox = regulator(pd.DataFrame({"target": ["RBFOX"]}), collection, names, COLLECTION)
    assert rbfox.rbp == "RBFOX1/RBFOX2"                         # the alternate name, as CISBP spells it
    assert core_kmers(consensus_matrix("UUUUUU")) == ("UUU",)
    with pytest.raises(ValueError, match="no 3 consecutive positions"):
        regulator(pd.DataFrame({"target": ["NOVA"]}), collection, names, COLLECTION)   # YCAY


def test_collection_without_the_programs_regulator_is_refused():
    names = alternate_names(COLLECTION)
    check_in_collection("A1CF", names, COLLECTION, "program.tsv")
    with pytest.raises(ValueError, match=r"no motif for 'LIVR1'.*add a 'MOTIF LIVR1 LIVR1'"):
        check_in_collection("LIVR1", names, COLLECTION, "program.tsv")
