"""Workflow plumbing: device choice, shards, atomic outputs, sample sets."""
import numpy as np
import pandas as pd
import pytest
from eigflow import significance
from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import arm as mnist_arm


def test_job_device_follows_the_resources_it_was_given():
    assert jobs.job_device(0, cuda_available=True, visible="0") == "cpu"
    assert jobs.job_device(1, cuda_available=True, visible="3") == "cuda:0"
    with pytest.raises(RuntimeError, match="gpus: 0"):
        jobs.job_device(1, cuda_available=False, visible=None)
    with pytest.raises(RuntimeError, match="CUDA_VISIBLE_DEVICES"):
        jobs.job_device(2, cuda_available=True, visible="")


def test_shards_partition_the_samples():
    parts = [jobs.shard_indices(10, 3, i) for i in range(3)]
    np.testing.assert_array_equal(np.concatenate(parts), np.arange(10))
    assert [len(p) for p in parts] == [4, 3, 3]
    with pytest.raises(ValueError, match="outside"):
        jobs.shard_indices(10, 3, 3)


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out" / "table.tsv"
    with pytest.raises(RuntimeError):
        with io.atomic_path(target) as tmp:
            tmp.write_text("half a table")
            raise RuntimeError("killed")
    assert list(target.parent.iterdir()) == []
    io.write_tsv(target, pd.DataFrame({"a": [1.0 / 3]}))
    assert target.read_text() == "a\n0.333333\n"
    assert [p.name for p in target.parent.iterdir()] == ["table.tsv"]


def test_sample_sets_are_disjoint_seeded_and_of_the_right_class():
    labels = np.random.default_rng(0).integers(0, 10, 2000)
    sets = mnist_arm.sample_sets(labels, 5, 50, seed=1)
    assert (labels[sets["interest"]] == 5).all()
    assert len(set(sets["interest"]) | set(sets["null"]) | set(sets["null2"])) == 150
    again = mnist_arm.sample_sets(labels, 5, 50, seed=1)
    for key in sets:
        np.testing.assert_array_equal(sets[key], again[key])
    with pytest.raises(ValueError, match="lower n_samples"):
        mnist_arm.sample_sets(labels, 5, 1000, seed=1)


def test_patch_significance_maps_back_to_every_pixel_of_the_patch():
    rng = np.random.default_rng(0)
    interest, null = rng.normal(size=(2, 40, 784))
    interest[:, [0, 1, 28, 29]] *= 6  # the top-left 3x3 patch
    table = significance(interest, null, groups=mnist_arm.significance_groups(3))
    pixels = mnist_arm.pixel_significance(table, 3)
    top_left = (pixels.row < 3) & (pixels.col < 3)
    assert pixels.significant[top_left].all() and not pixels.significant[~top_left].any()
