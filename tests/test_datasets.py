"""Unit tests of scalargrad.datasets: the lecture's samples and the two moons."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys

import pytest

from scalargrad.datasets import lecture_dataset, make_moons

# ---------------------------------------------------------------------------
# lecture_dataset
# ---------------------------------------------------------------------------


def test_lecture_dataset_is_the_lectures_four_samples():
    xs, ys = lecture_dataset()
    assert xs == [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    assert ys == [1.0, -1.0, -1.0, 1.0]
    assert all(type(v) is float for row in xs for v in row)


def test_lecture_dataset_returns_fresh_lists():
    xs, ys = lecture_dataset()
    xs[0][0] = 99.0
    xs.append([0.0, 0.0, 0.0])
    ys[0] = 99.0
    xs2, ys2 = lecture_dataset()
    assert xs2[0][0] == 2.0
    assert len(xs2) == 4
    assert ys2[0] == 1.0


# ---------------------------------------------------------------------------
# make_moons: shape, labels, determinism
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 10, 99, 100])
def test_moons_shape_and_label_counts(n):
    X, y = make_moons(n_samples=n, seed=1)
    assert len(X) == len(y) == n
    assert all(len(point) == 2 for point in X)
    assert all(type(c) is float for point in X for c in point)
    assert y.count(-1) == n // 2  # the outer moon
    assert y.count(1) == n - n // 2  # the inner moon
    assert set(y) == {-1, 1}


def test_moons_defaults_are_100_points():
    X, y = make_moons()
    assert len(X) == len(y) == 100


def test_moons_same_seed_same_data():
    assert make_moons(50, 0.2, seed=3) == make_moons(50, 0.2, seed=3)


def test_moons_different_seed_different_data():
    assert make_moons(50, 0.2, seed=3)[0] != make_moons(50, 0.2, seed=4)[0]


def test_moons_are_shuffled():
    _, y = make_moons(100, seed=0)
    assert y != sorted(y)


def test_moons_do_not_touch_the_global_random_state():
    import random

    random.seed(5)
    before = random.getstate()
    make_moons(30, seed=1)
    assert random.getstate() == before


# ---------------------------------------------------------------------------
# make_moons: geometry
# ---------------------------------------------------------------------------


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = make_moons(n_samples=41, noise=0.0, seed=2)
    for (px, py), label in zip(X, y, strict=True):
        if label == -1:  # outer moon: upper half of the unit circle around (0, 0)
            assert math.hypot(px, py) == pytest.approx(1.0)
            assert py >= -1e-12
        else:  # inner moon: lower half of the unit circle around (1, 0.5)
            assert math.hypot(px - 1.0, py - 0.5) == pytest.approx(1.0)
            assert py <= 0.5 + 1e-12


def test_moons_without_noise_reach_the_ends_of_each_arc():
    X, y = make_moons(n_samples=10, noise=0.0)
    rounded = [(round(px, 9), round(py, 9)) for px, py in X]
    outer = sorted(p for p, label in zip(rounded, y, strict=True) if label == -1)
    inner = sorted(p for p, label in zip(rounded, y, strict=True) if label == 1)
    assert outer[0] == (-1.0, 0.0)
    assert outer[-1] == (1.0, 0.0)
    assert inner[0] == (0.0, 0.5)
    assert inner[-1] == (2.0, 0.5)


def test_moons_noise_has_the_requested_spread():
    clean, _ = make_moons(2000, noise=0.0, seed=7)
    noisy, _ = make_moons(2000, noise=0.1, seed=7)
    # same seed, same shuffle: the difference is the added Gaussian noise
    dx = [n[0] - c[0] for n, c in zip(noisy, clean, strict=True)]
    dy = [n[1] - c[1] for n, c in zip(noisy, clean, strict=True)]
    for d in (dx, dy):
        assert abs(statistics.fmean(d)) < 0.01
        assert statistics.stdev(d) == pytest.approx(0.1, rel=0.05)


def test_moons_accept_an_int_noise():
    with_int, _ = make_moons(10, noise=0, seed=0)
    with_float, _ = make_moons(10, noise=0.0, seed=0)
    assert with_int == with_float


# ---------------------------------------------------------------------------
# make_moons: rejected input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [1, 0, -5])
def test_moons_need_at_least_two_samples(bad):
    with pytest.raises(ValueError, match=rf"n_samples must be at least 2 .*got {bad}"):
        make_moons(bad)


@pytest.mark.parametrize("bad", [10.0, "10", None, True])
def test_moons_n_samples_must_be_an_int(bad):
    with pytest.raises(TypeError, match="n_samples must be an int, got"):
        make_moons(bad)


@pytest.mark.parametrize("bad", [-0.1, math.inf, math.nan])
def test_moons_noise_must_be_finite_and_not_negative(bad):
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0, got"):
        make_moons(10, noise=bad)


@pytest.mark.parametrize("bad", ["0.1", None, False])
def test_moons_noise_must_be_a_number(bad):
    with pytest.raises(TypeError, match="noise must be a number, got"):
        make_moons(10, noise=bad)


@pytest.mark.parametrize("bad", [None, 1.0, "0", True])
def test_moons_seed_must_be_an_int(bad):
    with pytest.raises(TypeError, match="seed must be an int, got"):
        make_moons(10, seed=bad)


# ---------------------------------------------------------------------------
# Standard library only
# ---------------------------------------------------------------------------


def test_these_modules_import_only_the_standard_library_and_nothing_slow():
    # typing, dataclasses and inspect are standard, but they would slow down `import scalargrad`
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import scalargrad.datasets, scalargrad.nn, scalargrad.training, scalargrad.pitfalls\n"
        "new = set(sys.modules) - before\n"
        "avoid = ('numpy', 'torch', 'matplotlib', 'graphviz', 'sklearn', 'micrograd',\n"
        "         'typing', 'dataclasses', 'inspect')\n"
        "print(sorted(m for m in avoid if m in new))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
