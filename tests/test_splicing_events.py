"""The event table: its checks, and reading regions through pysam without reading whole introns."""
import numpy as np
import pandas as pd
import pysam
import pytest
from eigflow_arms.splicing import events as ev
from eigflow_arms.splicing import sequence as sq


@pytest.fixture
def genome(tmp_path):
    rng = np.random.default_rng(1)
    chrom = sq.decode(rng.integers(0, 4, 400_000).astype(np.int8)).replace("U", "T")
    path = tmp_path / "genome.fa"
    path.write_text(">chr1\n" + "\n".join(chrom[i:i + 60] for i in range(0, len(chrom), 60)) + "\n")
    pysam.faidx(str(path))
    return path


def _event(i, strand, start, intron, a_len=80):
    c1 = (start, start + 99)
    a = (c1[1] + intron + 1, c1[1] + intron + a_len)
    c2 = (a[1] + intron + 1, a[1] + intron + 120)
    if strand == "-":
        c1, c2 = c2, c1
    return dict(event_id=f"e{i}", gene_id=f"g{i}", chrom="chr1", strand=strand, c1_start=c1[0],
                c1_end=c1[1], a_start=a[0], a_end=a[1], c2_start=c2[0], c2_end=c2[1],
                event_type="cassette")


def test_windows_read_the_same_regions_as_the_whole_span(genome):
    table = pd.DataFrame([_event(0, "+", 1000, 60_000), _event(1, "-", 130_000, 60_000),
                          _event(2, "+", 300_000, 200), _event(3, "-", 310_000, 350),
                          _event(4, "+", 320_000, 610)])
    with pysam.FastaFile(str(genome)) as fasta:
        for event in table.itertuples(index=False):
            start, end = ev.span(event)
            whole = ev.regions(ev.oriented(fasta.fetch("chr1", start, end), event.strand), ev.layout(event))
            read = ev.regions(ev.oriented(ev.span_sequence(fasta, event), event.strand), ev.layout(event))
            assert read == whole
            assert "N" not in "".join(read.values())
            assert len(read["A"]) == 80 and len(read["A_3ss"]) == 23 and len(read["A_5ss"]) == 9


def test_minus_strand_regions_are_the_reverse_complement(genome):
    with pysam.FastaFile(str(genome)) as fasta:
        event = pd.DataFrame([_event(0, "-", 5000, 700)]).iloc[0]
        regions = dict(ev.event_sequences(fasta, pd.DataFrame([event])))["e0"]
        exon = fasta.fetch("chr1", event.a_start - 1, event.a_end)
    assert regions["A"] == sq.reverse_complement(exon)


@pytest.mark.parametrize("field, value, message", [
    ("a_start", "12x", "field a_start='12x' is not a positive integer"),
    ("a_start", -5, "is not a positive integer"),
    ("strand", "*", "field strand='*'"),
    ("event_type", "exon", "field event_type='exon'"),
    ("a_end", 50, "a_start=.* > a_end=50"),
    ("c2_start", 1100, "exons overlap or are out of order"),
])
def test_malformed_coordinates_name_the_file_event_and_field(tmp_path, field, value, message):
    table = pd.DataFrame([_event(0, "+", 1000, 500), _event(1, "+", 9000, 500)])
    table[field] = table[field].astype(object)
    table.loc[1, field] = value
    path = tmp_path / "events.tsv"
    table.to_csv(path, sep="\t", index=False)
    with pytest.raises(ev.EventTableError, match=message) as err:
        ev.read_events(path)
    assert str(path) in str(err.value) and "'e1'" in str(err.value)


def test_missing_column_and_duplicate_ids(tmp_path):
    table = pd.DataFrame([_event(0, "+", 1000, 500), _event(0, "+", 9000, 500)])
    path = tmp_path / "events.tsv"
    table.drop(columns="strand").to_csv(path, sep="\t", index=False)
    with pytest.raises(ev.EventTableError, match=r"missing column\(s\) \['strand'\]"):
        ev.read_events(path)
    table.to_csv(path, sep="\t", index=False)
    with pytest.raises(ev.EventTableError, match="event_id 'e0' appears more than once"):
        ev.read_events(path)


def test_chromosome_absent_from_the_genome_is_named(tmp_path):
    table = pd.DataFrame([_event(0, "+", 1000, 500)]).assign(chrom="chrX")
    with pytest.raises(ev.EventTableError, match=r"chromosome\(s\) \['chrX'\].*rename the chrom column"):
        ev.check_genome(table, {"chr1": 10_000}, "events.tsv", "genome.fa")
    with pytest.raises(ev.EventTableError, match="ends at .* but chr1 is 2000 nt long"):
        ev.check_genome(table.assign(chrom="chr1"), {"chr1": 2000}, "events.tsv", "genome.fa")


def test_bed12_blocks_cover_the_three_exons():
    table = pd.DataFrame([_event(0, "-", 1000, 500)])
    bed = ev.to_bed12(table).iloc[0]
    sizes = [int(v) for v in bed.blockSizes.split(",")]
    starts = [int(v) for v in bed.blockStarts.split(",")]
    assert starts[0] == 0 and bed.chromStart + starts[-1] + sizes[-1] == bed.chromEnd
    assert sorted(sizes) == [80, 100, 120]
