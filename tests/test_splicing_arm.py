"""The splicing arm's own steps on constructed arrays: the class of interest, the dataset join."""
import numpy as np
import pandas as pd
import pytest
from eigflow_arms.splicing import arm

TISSUES = ["hippocampus", "heart", "liver"]


def _data():
    # Four events: a cassette exon changing hippocampus vs liver, one changing only heart vs
    # liver, one whose change is likely but small, and a constitutive exon that "changes".
    n, t = 4, len(TISSUES)
    dpsi = np.zeros((n, t, t), dtype=np.float32)
    p = np.zeros((n, t, t), dtype=np.float32)
    for i, (a, b, d, prob) in enumerate([(0, 2, 0.5, 0.99), (1, 2, 0.6, 0.99), (0, 1, 0.1, 0.95),
                                         (0, 2, 0.4, 0.99)]):
        dpsi[i, a, b], dpsi[i, b, a] = d, -d
        p[i, a, b] = p[i, b, a] = prob
    return {"x": np.eye(n, dtype=np.float32), "event_id": np.array(list("abcd")), "dpsi": dpsi, "p_change": p, "tissues": np.array(TISSUES),
            "event_type": np.array(["cassette"] * 3 + ["constitutive"]),
            "train": np.array([True, False, True, True])}


def test_class_of_interest_is_cassette_exons_changing_in_the_tissue():
    data = _data()
    np.testing.assert_array_equal(arm.interest_mask(data, "hippocampus", 0.2, 0.9), [True, False, False, False])
    np.testing.assert_array_equal(arm.interest_mask(data, "liver", 0.2, 0.9), [True, True, False, False])
    table = arm.class_table(data, "liver", 0.2, 0.9)
    assert table.changing_vs_other_tissues.tolist() == [1, 1, 0, 1]
    with pytest.raises(ValueError, match="splicing.tissue='brain' is not one of"):
        arm.interest_mask(data, "brain", 0.2, 0.9)


def test_reference_is_constitutive_training_exons_and_sets_come_from_the_class():
    data = _data()
    np.testing.assert_array_equal(arm.reference(data), data["x"][[3]])
    with pytest.raises(ValueError, match="only 1 cassette exons changing in hippocampus.*loosen splicing.changing"):
        arm.sample_sets(data, "hippocampus", 0.2, 0.9, n_samples=2, seed=0)


def test_dataset_drops_unquantified_events_and_orders_features_by_the_event_table():
    events = pd.DataFrame({"event_id": ["b", "a", "c"], "event_type": ["cassette", "constitutive", "cassette"]})
    matrix = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 5.0]], dtype=np.float32)  # rows a, b, c
    psi = np.array([[0.5, 0.4], [1.0, 1.0], [np.nan, 0.3]])
    dpsi = np.zeros((3, 2, 2))
    data = arm.build_dataset(matrix, ["f1", "f2"], ["a", "b", "c"], events, psi, dpsi, dpsi, ["t1", "t2"],
                             test_fraction=0.5, seed=0)
    assert data["event_id"].tolist() == ["b", "a"]
    assert data["x"].shape == (2, 2) and data["x"].min() >= 0 and data["x"].max() <= 1
    assert data["event_type"].tolist() == ["cassette", "constitutive"]
    with pytest.raises(ValueError, match="event 'z' of the event table has no feature row"):
        arm.build_dataset(matrix, ["f1", "f2"], ["a", "b", "c"], events.assign(event_id=["z", "a", "c"]),
                          psi, dpsi, dpsi, ["t1", "t2"], 0.5, 0)
