"""The planted program as data: resources/program.tsv, its reader's errors, and the regulator
each tissue's experiments target."""
from pathlib import Path

import pandas as pd
import pytest
from eigflow_arms.splicing.events import REGIONS
from eigflow_arms.splicing.features import DECOY_MOTIFS, known_motifs
from eigflow_arms.splicing.program import ProgramError, read_program

SHIPPED = Path(__file__).resolve().parents[1] / "resources" / "program.tsv"
TISSUES = ("hippocampus", "heart", "liver", "lung", "spleen", "thymus")


def _table() -> pd.DataFrame:
    return pd.read_csv(SHIPPED, sep="\t", dtype=str, keep_default_na=False)


def _written(tmp_path, table: pd.DataFrame) -> Path:
    path = tmp_path / "program.tsv"
    table.to_csv(path, sep="\t", index=False)
    return path


def test_shipped_program_holds_the_papers_regulators():
    program = read_program(SHIPPED, TISSUES)
    assert program.tissues == TISSUES and len(program) == 10
    assert [c for c in _table().columns if c.startswith("effect_")] == [f"effect_{r}" for r in REGIONS]
    a1cf = program.rbp("A1CF")
    assert a1cf.motif == "UAAUUA" and a1cf.window == ("I2_5", 150, 250)
    # Strongest effect first: the simulator draws a gene's region by position in this order.
    assert list(program.rbp("NOVA").effects) == ["I2_5", "I1_3", "A"]
    assert program.regulator("liver").name == "A1CF" and program.regulator("hippocampus").name == "NOVA"
    assert program.specific_rbps("liver") == ["A1CF"]
    assert set(program.differential_rbps("hippocampus")) >= {"NOVA", "RBFOX", "PTBP1"}


def test_known_motifs_put_the_program_first_and_drop_decoys_it_plants(tmp_path):
    table = _table()
    table.loc[table.name == "A1CF", ["name", "motif"]] = ["TIA1", "UUUUUU"]
    known = known_motifs(read_program(_written(tmp_path, table)))
    names = [m.name for m in known]
    assert names[:10] == table.name.tolist() and names.count("TIA1") == 1
    assert len(known) == 10 + len(DECOY_MOTIFS) - 1


@pytest.mark.parametrize("damage, said", [
    (lambda t: t.drop(columns="copies"), r"no column 'copies'.*add it"),
    (lambda t: t.assign(motif=t.motif.where(t.name != "RBFOX", "UGCXUG")),
     r"line 3 \(RBP 'RBFOX'\), column 'motif': 'UGCXUG' has X letter that is not IUPAC"),
    (lambda t: t.assign(tpm_liver=t.tpm_liver.where(t.name != "A1CF", "high")),
     r"line 7 \(RBP 'A1CF'\), column 'tpm_liver': 'high' is not a number"),
    (lambda t: t.rename(columns={"effect_I2_5": "effect_I3_5"}),
     r"column 'effect_I3_5' names no region of the feature model; regions are"),
    (lambda t: t.drop(columns="tpm_thymus"),
     r"no column 'tpm_thymus'; the run's tissues \(config splicing.tissues"),
    (lambda t: t.assign(everywhere="maybe"),
     r"line 2 \(RBP 'NOVA'\), column 'everywhere': 'maybe'; give true or false"),
    (lambda t: t.assign(window=t.window.where(t.name != "A1CF", "I1_5:150-250")),
     r"column 'window': 'I1_5:150-250'; give .* in a region where the RBP has an effect"),
    (lambda t: pd.concat([t, t.iloc[[0]]]), r"RBP 'NOVA' has more than one row"),
])
def test_bad_program_names_file_row_column_and_fix(tmp_path, damage, said):
    path = _written(tmp_path, damage(_table()))
    with pytest.raises(ProgramError, match=said) as caught:
        read_program(path, TISSUES)
    assert str(path) in str(caught.value)


def test_program_without_a_liver_regulator_is_refused(tmp_path):
    table = _table()
    table.loc[table.name == "A1CF", "tpm_liver"] = "0.5"
    program = read_program(_written(tmp_path, table), TISSUES)
    with pytest.raises(ProgramError, match="no RBP is expressed specifically in liver"):
        program.regulator("liver")
