"""Features, meta-features, known features and ground truth of the splicing arm, on
constructed genomes and events with known answers."""
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from eigflow_arms.common.io import write_tsv
from eigflow_arms.splicing import features as F
from eigflow_arms.splicing import known as K
from eigflow_arms.splicing import metafeatures as M
from eigflow_arms.splicing import truth as T
from eigflow_arms.splicing.events import (
    COLUMNS,
    FLANK,
    REGIONS,
    SITES,
    EventTableError,
    event_sequences,
)
from eigflow_arms.splicing.program import read_program
from eigflow_arms.splicing.sequence import (
    FIVE_SS,
    count_motif,
    kmer_counts,
    kmers,
    reverse_complement,
)
from scipy.stats import hypergeom
from sklearn.metrics import average_precision_score

PROGRAM = read_program(Path(__file__).resolve().parents[1] / "resources" / "program.tsv")
KNOWN = F.known_motifs(PROGRAM)

# A hand-built alternative exon: five RBFOX sites, ending in the consensus 5' splice site
# AAG|GUAAGU together with the start of the downstream intron.
A_EXON = "UGCAUG" * 5 + "CAAG"
CONSENSUS_DONOR = "GUAAGU"


def random_rna(rng, n):
    return "".join(rng.choice(list("ACGU"), size=n))


def transcript(rng, a_exon=A_EXON, intron=500, exon=60):
    """(RNA pieces C1, I1, A, I2, C2) of one event in transcript orientation."""
    return [random_rna(rng, exon), random_rna(rng, intron), a_exon,
            CONSENSUS_DONOR + random_rna(rng, intron - 6), random_rna(rng, exon)]


class Genome:
    """Events laid out one after another on chromosomes, written as FASTA + .fai."""

    def __init__(self):
        self.chroms, self.rows = {}, []

    def add(self, event_id, pieces, chrom="chr1", strand="+"):
        seq = self.chroms.get(chrom, "A" * 20)
        first = len(seq) + 1
        dna = "".join(pieces).replace("U", "T")
        genomic = dna if strand == "+" else reverse_complement(dna).replace("U", "T")
        lengths = [len(p) for p in pieces]
        bounds, offset = {}, 0
        for name, size in zip(["c1", "i1", "a", "i2", "c2"], lengths):
            bounds[name] = (offset, offset + size)   # half-open, transcript orientation
            offset += size
        total = offset
        row = {"event_id": event_id, "gene_id": f"g_{event_id}", "chrom": chrom, "strand": strand,
               "event_type": "cassette"}
        for exon in ("c1", "a", "c2"):
            s, e = bounds[exon]
            if strand == "+":
                row[f"{exon}_start"], row[f"{exon}_end"] = first + s, first + e - 1
            else:
                row[f"{exon}_start"], row[f"{exon}_end"] = first + total - e, first + total - s - 1
        self.chroms[chrom] = seq + genomic + "A" * 20
        self.rows.append(row)

    def write(self, directory, index=True):
        path = directory / "genome.fa"
        with open(path, "w") as handle:
            for chrom, seq in self.chroms.items():
                lines = "\n".join(seq[i:i + 60] for i in range(0, len(seq), 60))
                handle.write(f">{chrom}\n{lines}\n")
        if index:
            pysam.faidx(str(path))
        return path, pd.DataFrame(self.rows)[COLUMNS]


@pytest.fixture
def hand_built(tmp_path):
    """The same hand-built transcript on the plus strand of chr1 and the minus strand of chr2."""
    pieces = transcript(np.random.default_rng(1))
    genome = Genome()
    genome.add("plus", pieces, "chr1", "+")
    genome.add("minus", pieces, "chr2", "-")
    path, events = genome.write(tmp_path)
    matrix, annotation = F.extract_features(path, events, KNOWN)
    return pd.DataFrame(matrix, columns=annotation.feature, index=events.event_id), annotation


@pytest.fixture
def random_events(tmp_path):
    """Six random events with a few Ns in their introns, and their region sequences."""
    rng = np.random.default_rng(2)
    genome = Genome()
    for i in range(6):
        pieces = transcript(rng, a_exon=random_rna(rng, 40 + 17 * i), intron=200 + 150 * i)
        pieces[1] = pieces[1][:50] + "NNN" + pieces[1][53:]
        genome.add(f"e{i}", pieces, "chr1", "+-"[i % 2])
    path, events = genome.write(tmp_path)
    with pysam.FastaFile(str(path)) as fasta:
        regions = [r for _, r in event_sequences(fasta, events)]
    matrix, annotation = F.extract_features(path, events, KNOWN)
    return pd.DataFrame(matrix, columns=annotation.feature), annotation, regions, events, path


# --------------------------------------------------------------------------- features

def test_known_motifs_hold_the_program_and_decoys():
    table = {m.name: m.motif for m in KNOWN}
    assert all(table[r.name] == r.motif for r in PROGRAM)
    decoys = set(table) - {r.name for r in PROGRAM}
    assert 6 <= len(decoys) <= 8 and all(m.source for m in KNOWN)
    assert F.motif_instances("YCAY") == ("CCAC", "CCAU", "UCAC", "UCAU")


def test_feature_count_and_names(hand_built):
    frame, annotation = hand_built
    per_region = 2 + 4 + 16 + 64 + len(KNOWN)
    assert len(annotation) == 7 * per_region + 2 * 256 + len(SITES) + 2 == frame.shape[1] == 1246
    assert annotation.feature.is_unique
    assert set(annotation.kind) == {"length", "gc", "kmer", "motif", "splice_site", "frame"}
    assert annotation.set_index("feature").loc["I2_5:kmer:UAAU", "key"] == "UAAU"


def test_hand_built_event_known_answers(hand_built):
    frame, _ = hand_built
    plus = frame.loc["plus"]
    assert plus["A:motif:RBFOX"] == pytest.approx(5 / len(A_EXON) * 100)
    assert plus["A:length"] == pytest.approx(np.log10(len(A_EXON)))
    assert plus["I1_5:length"] == pytest.approx(np.log10(FLANK))
    consensus = np.log2(np.maximum(FIVE_SS, 1e-3) / 0.25).max(axis=1).sum()
    assert plus["A_5ss:score"] == pytest.approx(consensus, abs=1e-4)
    assert plus["A:gc"] == pytest.approx(sum(A_EXON.count(b) for b in "GC") / len(A_EXON))
    ugc = sum(A_EXON[i:i + 3] == "UGC" for i in range(len(A_EXON) - 2))   # 6: ...AUG|CAAG adds one
    assert plus["A:kmer:UGC"] == pytest.approx(ugc / (len(A_EXON) - 2))
    assert plus["A:frame_preserving"] == float(len(A_EXON) % 3 == 0)
    stops = {"UAA", "UAG", "UGA"}
    open_frames = sum(all(A_EXON[i:i + 3] not in stops for i in range(f, len(A_EXON) - 2, 3)) for f in range(3))
    assert plus["A:stop_free_frames"] == open_frames


def test_minus_strand_reads_the_reverse_complement(hand_built):
    frame, _ = hand_built
    np.testing.assert_array_equal(frame.loc["minus"].to_numpy(), frame.loc["plus"].to_numpy())


def test_kmer_frequencies_sum_to_one_and_match_the_counter(random_events):
    frame, _, regions, _, _ = random_events
    for region in REGIONS:
        for k in F.kmer_sizes(region):
            columns = [f"{region}:kmer:{kmer}" for kmer in kmers(k)]
            np.testing.assert_allclose(frame[columns].sum(axis=1), 1, rtol=1e-5)
            expected = np.stack([kmer_counts(r[region], k) / kmer_counts(r[region], k).sum() for r in regions])
            np.testing.assert_allclose(frame[columns].to_numpy(), expected, atol=1e-6)


def test_motif_densities_match_the_regex_counter(random_events):
    frame, _, regions, _, _ = random_events
    for region in REGIONS:
        for motif in KNOWN:
            expected = [count_motif(r[region], motif.motif) / len(r[region]) * 100 for r in regions]
            np.testing.assert_allclose(frame[f"{region}:motif:{motif.name}"], expected, rtol=1e-5)


def test_missing_chromosome_names_it_and_the_fix(tmp_path):
    genome = Genome()
    genome.add("e", transcript(np.random.default_rng(0)))
    path, events = genome.write(tmp_path)
    events.loc[0, "chrom"] = "chrX"
    with pytest.raises(EventTableError, match=r"chrX.*rename the chrom column"):
        F.extract_features(path, events, KNOWN)


def test_missing_index_names_the_file_and_the_fix(tmp_path):
    genome = Genome()
    genome.add("e", transcript(np.random.default_rng(0)))
    path, events = genome.write(tmp_path, index=False)
    with pytest.raises(EventTableError, match=r"genome\.fa\.fai.*samtools faidx"):
        F.extract_features(path, events, KNOWN)
    assert not (tmp_path / "genome.fa.fai").exists()


def test_n_in_a_splice_site_names_feature_and_event(tmp_path):
    genome = Genome()
    pieces = transcript(np.random.default_rng(0))
    pieces[3] = "GN" + pieces[3][2:]
    genome.add("gap", pieces)
    path, events = genome.write(tmp_path)
    with pytest.raises(F.FeatureMatrixError, match=r"'A_5ss:score'.*'gap'.*impute"):
        F.extract_features(path, events, KNOWN)


# --------------------------------------------------------------------------- real matrices

def test_read_feature_matrix_reorders_and_annotates(random_events, tmp_path):
    frame, annotation, _, events, _ = random_events
    table = frame.iloc[:, :5].copy()
    table["conservation_I1"] = np.arange(len(table), dtype=float)
    table.insert(0, "event_id", events.event_id.to_numpy())
    table = pd.concat([table, table.iloc[[0]].assign(event_id="extra")]).iloc[::-1]
    path = tmp_path / "features.tsv"
    write_tsv(path, table)
    matrix, inferred = F.read_feature_matrix(path, events, KNOWN)
    np.testing.assert_allclose(matrix[:, :5], frame.iloc[:, :5].to_numpy(), rtol=1e-5)
    np.testing.assert_array_equal(matrix[:, 5], np.arange(len(events)))
    assert inferred.kind.tolist() == annotation.kind[:5].tolist() + ["other"]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_read_feature_matrix_errors_name_file_column_event(random_events, tmp_path, bad):
    frame, _, _, events, _ = random_events
    table = frame.iloc[:, :3].copy()
    table.insert(0, "event_id", events.event_id.to_numpy())
    table.iloc[2, 2] = bad
    path = tmp_path / "bad.tsv"
    write_tsv(path, table)
    with pytest.raises(F.FeatureMatrixError, match=rf"bad\.tsv.*{table.columns[2]}.*'e2'.*impute"):
        F.read_feature_matrix(path, events, KNOWN)
    write_tsv(path, table.iloc[1:])
    with pytest.raises(F.FeatureMatrixError, match=r"bad\.tsv.*'e0'"):
        F.read_feature_matrix(path, events, KNOWN)


def test_scale_features_percentiles_clip_and_constants():
    rng = np.random.default_rng(0)
    matrix = np.column_stack([rng.normal(size=500), np.full(500, 3.0), np.arange(500.0)])
    train = np.arange(400)
    scaled, lows, highs = F.scale_features(matrix, train)
    np.testing.assert_allclose(highs, np.percentile(matrix[train], 99, axis=0))
    assert scaled.dtype == np.float32 and scaled.min() == 0 and scaled.max() == 1
    np.testing.assert_allclose(lows, np.percentile(matrix[train], 1, axis=0))
    assert (scaled[:, 1] == 0).all()
    assert (scaled[400:, 2] == 1).all()   # beyond the training range: clipped


# --------------------------------------------------------------------------- meta-features

def test_family_rule_groups_a_motif_with_its_kmers():
    annotation = F.feature_annotation(KNOWN)
    matrix = np.random.default_rng(0).random((200, len(annotation)), dtype=np.float32)
    table = M.meta_features(matrix, annotation, KNOWN).set_index("feature").meta_feature
    for member in ["I2_5:motif:A1CF", "I2_5:kmer:UAA", "I2_5:kmer:AAU", "I2_5:kmer:AUU",
                   "I2_5:kmer:UUA", "I2_5:kmer:AAUU"]:
        assert table[member] == "I2_5:family:A1CF"
    assert table["C1:kmer:CAU"] == "C1:family:NOVA"     # listed before RBFOX's UGCAUG
    assert table["C1:kmer:UGC"] == "C1:family:RBFOX"
    assert table["C1:kmer:GGC"] == "C1:kmer:GGC"        # in no motif: independent noise
    assert table.index.tolist() == annotation.feature.tolist()


def test_correlation_rule_merges_correlated_features_only():
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=(2, 300))
    matrix = np.column_stack([x, 2 * x + 1, z, np.ones(300), -x + 0.01 * rng.normal(size=300)])
    annotation = F.annotate(["x", "y", "z", "c", "w"])
    table = M.meta_features(matrix, annotation, KNOWN)
    assert table.meta_feature.tolist() == ["y+2", "y+2", "z", "c", "y+2"]
    assert M.describe(table) == {"features": 5, "meta_features": 3, "families": 0,
                                 "correlation_groups": 1, "singletons": 2}


# --------------------------------------------------------------------------- known features

def test_hypergeometric_p_matches_scipy_and_meta_takes_the_minimum():
    interest = np.r_[np.ones(8, bool), np.zeros(12, bool), np.zeros(5, bool)]
    reference = np.r_[np.zeros(8, bool), np.ones(12, bool), np.zeros(5, bool)]
    binary = np.r_[[1] * 6 + [0] * 2, [1] * 2 + [0] * 10, [9] * 5]     # ignored rows: 9
    majority = np.r_[[1] * 3 + [0] * 5, [1] * 9 + [0] * 3, [0] * 5]    # 12 of 20 ones
    noise = np.random.default_rng(0).normal(size=25)
    matrix = np.column_stack([binary, majority, noise])
    meta = pd.DataFrame({"feature": ["b", "m", "n"], "meta_feature": ["g", "m", "g"]})
    table, per_feature = K.known_features(matrix, interest, reference, meta, threshold=3.0)
    expected = min(hypergeom.sf(5, 20, 8, 8), hypergeom.cdf(6, 20, 8, 8))
    assert per_feature.loc[0, ["N", "K", "n", "k"]].tolist() == [20, 8, 8, 6]
    assert np.exp(per_feature.log_p[0]) == pytest.approx(expected)
    assert per_feature.direction[0] == "enriched"
    assert per_feature.loc[1, ["K", "k"]].tolist() == [12, 3]          # median is the maximum
    assert per_feature.direction[1] == "depleted"
    row = table.set_index("meta_feature").loc["g"]
    assert row.neglog_p == pytest.approx(per_feature.neglog_p[[0, 2]].max())
    assert row.known == (row.neglog_p > 3.0)


def test_scaled_threshold():
    assert K.scaled_threshold(88752, 1357) == pytest.approx(20)
    assert K.scaled_threshold(177504, 1357) == pytest.approx(40)
    assert K.scaled_threshold(1000, 1246) == pytest.approx(-np.log(0.05 / 1246))


# --------------------------------------------------------------------------- truth

def test_truth_tiers_of_named_features():
    truth = T.feature_truth(F.feature_annotation(KNOWN), PROGRAM).set_index("feature")
    expected = {
        "I2_5:motif:NOVA": ("specific", "NOVA"), "I1_3:motif:PTBP1": ("specific", "PTBP1"),
        "I2_5:motif:MBNL": ("differential", "MBNL"), "I2_5:motif:A1CF": ("differential", "A1CF"),
        "C1:motif:NOVA": ("none", ""),        # Nova has no effect in C1
        "A:motif:SRSF1": ("none", ""),        # ubiquitous: not differential
        "I2_5:motif:QKI": ("none", ""),       # decoy
        "I2_5:kmer:UAAU": ("shared", "A1CF"),   # also in the decoy QKI's ACUAAY
        "I2_5:kmer:GCAU": ("kmer", "RBFOX"),
        "I2_5:kmer:CAU": ("shared", "NOVA,RBFOX"),  # also in the decoy PUM2's UGUAHAUA
        "I2_5:kmer:GGC": ("none", ""),
        "I2_3:kmer:UAA": ("none", ""), "A_3ss:score": ("basal", ""), "C1_5ss:score": ("none", ""),
    }
    for feature, (tier, rbp) in expected.items():
        assert (truth.loc[feature, "tier"], truth.loc[feature, "rbp"]) == (tier, rbp), feature


def test_meta_truth_marks_groups_with_any_planted_member():
    ft = pd.DataFrame({"feature": ["a", "b", "c", "d"], "rbp": ["NOVA", "", "", "A1CF"],
                       "tier": ["specific", "none", "none", "kmer"]})
    meta = pd.DataFrame({"feature": ["a", "b", "c", "d"], "meta_feature": ["g1", "g1", "g2", "g3"]})
    table = T.meta_truth(ft, meta, PROGRAM)
    assert table.meta_feature.tolist() == ["g1", "g2", "g3"]
    assert table.truth.tolist() == [True, False, True]
    assert table.tiers.tolist() == ["specific", "", "kmer"] and table.rbps.tolist() == ["NOVA", "", "A1CF"]
    assert not table.shared.any()


def test_shared_kmers_are_counted_apart_on_a_constructed_annotation():
    # Hippocampus: ESRP1 and A1CF are differential (both act in I1_3 and I2_5); CELF is
    # differential but acts in I1_5 and I2_5, not I1_3; D is a decoy.
    names = ["I1_3:motif:CELF", "I1_3:kmer:GUG",   # CELF's family upstream: GUG is ESRP1's too
             "I2_5:motif:ESRP1", "I2_5:kmer:GGU",  # ESRP1's family: GGU in no other motif
             "I2_5:kmer:UAAU",                     # A1CF's k-mer, also in the decoy D
             "I2_5:kmer:GCG", "C1:length"]         # in no motif
    annotation = F.annotate(names)
    decoy = (F.KnownMotif("D", "CUAAUG", ""),)
    program_motifs = tuple(m for m in KNOWN if m not in F.DECOY_MOTIFS)
    truth = T.feature_truth(annotation, PROGRAM, motifs=program_motifs + decoy).set_index("feature")
    assert truth.tier.tolist() == ["none", "shared", "differential", "kmer", "shared", "none", "none"]
    assert truth.loc["I1_3:kmer:GUG", "rbp"] == "ESRP1" and truth.loc["I1_3:kmer:GUG", "shared_with"] == "CELF"
    assert truth.loc["I2_5:kmer:UAAU", "shared_with"] == "D"
    # Without the decoy, A1CF's k-mer is its own again.
    assert T.feature_truth(annotation, PROGRAM, motifs=program_motifs).tier.tolist()[4] == "kmer"
    meta = pd.DataFrame({"feature": names, "meta_feature": ["celf", "celf", "esrp1", "esrp1", "a1cf",
                                                             "other", "other"]})
    table = T.meta_truth(truth.reset_index(), meta, PROGRAM)
    assert table.meta_feature.tolist() == ["celf", "esrp1", "a1cf", "other"]
    assert table.truth.tolist() == [False, True, False, False]
    assert table.shared.tolist() == [True, False, True, False]
    assert table.tiers.tolist() == ["shared", "differential,kmer", "shared", ""]


def test_recovery_scores_on_a_constructed_case():
    is_true = np.array([True] * 4 + [False] * 6)
    planted = {f"t{i}" for i in range(4)}
    first = np.arange(10.0)[::-1]  # truth ranked first
    n, tp, precision, recall, f1, auprc = T.recovery_scores({"t0", "t1", "f0"}, planted, is_true, first)
    assert (n, tp) == (3, 2)
    assert precision == pytest.approx(2 / 3) and recall == pytest.approx(0.5) and f1 == pytest.approx(4 / 7)
    assert auprc == pytest.approx(1.0)
    n, tp, precision, recall, f1, auprc = T.recovery_scores(set(), planted, is_true, np.arange(10.0))
    assert np.isnan(precision) and (recall, f1) == (0, 0)
    assert auprc < 0.5                                               # truth ranked last
    # Nothing planted: recall and AUPRC are undefined, not 0.
    _, _, precision, recall, f1, auprc = T.recovery_scores({"t0"}, set(), np.zeros(10, bool), first)
    assert precision == 0 and f1 == 0
    assert np.isnan(recall) and np.isnan(auprc)

def test_recovery_scores_rank_infinite_t_as_its_order():
    # Algorithm 1 gives t = +-inf to a feature constant in both sets; the AUPRC ranks it.
    is_true = np.array([True, False, True, False, True, False])
    finite = np.array([9.0, 4.0, 2.0, 2.0, -1.0, -5.0])
    infinite = np.array([np.inf, 4.0, 2.0, 2.0, -1.0, -np.inf])
    scores = [T.recovery_scores(set(), {"a"}, is_true, s)[-1] for s in (finite, infinite)]
    assert scores[0] == scores[1] == average_precision_score(is_true, finite)
