"""Unit tests of scalargrad.training: the losses, accuracy, the update, the schedule,
and the training loops (against the lecture's and micrograd's loops written out by hand)."""

from __future__ import annotations

import itertools
import math

import pytest

from scalargrad import Value
from scalargrad.datasets import lecture_dataset, make_moons
from scalargrad.nn import MLP
from scalargrad.training import (
    accuracy,
    hinge_loss,
    linear_decay,
    sgd_step,
    sum_of_squares,
    train,
    train_classifier,
    train_minibatches,
)
from tests.test_nn import seeded

# ---------------------------------------------------------------------------
# sum_of_squares
# ---------------------------------------------------------------------------


def test_sum_of_squares_value():
    loss = sum_of_squares([Value(0.5), Value(-2.0), Value(1.0)], [1.0, -1.0, 1.0])
    assert loss.data == pytest.approx(0.25 + 1.0 + 0.0)


def test_sum_of_squares_is_the_lectures_expression():
    model = seeded(0, 3, [4, 4, 1])
    xs, ys = lecture_dataset()
    ypred = [model(x) for x in xs]
    lecture = sum([(yout - ygt) ** 2 for ygt, yout in zip(ys, ypred, strict=True)])
    assert sum_of_squares(ypred, ys).data == lecture.data


def test_sum_of_squares_gradient_is_twice_the_error():
    ypred = [Value(0.5), Value(-0.25)]
    sum_of_squares(ypred, [1.0, -1.0]).backward()
    assert [y.grad for y in ypred] == [2 * (0.5 - 1.0), 2 * (-0.25 + 1.0)]


def test_sum_of_squares_is_zero_on_perfect_predictions():
    assert sum_of_squares([Value(1.0), Value(-1.0)], [1.0, -1.0]).data == 0.0


def test_sum_of_squares_rejects_mismatched_or_empty_input():
    with pytest.raises(ValueError, match="ypred and ys must have the same length, got 2 and 3"):
        sum_of_squares([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="ypred and ys must not be empty"):
        sum_of_squares([], [])


# ---------------------------------------------------------------------------
# hinge_loss and accuracy
# ---------------------------------------------------------------------------


def test_hinge_loss_is_the_mean_of_relu_one_minus_margin():
    scores = [Value(2.0), Value(0.5), Value(-0.5), Value(0.25)]
    labels = [1, 1, 1, -1]
    # margins y*s: 2, 0.5, -0.5, -0.25 -> costs 0, 0.5, 1.5, 1.25
    assert hinge_loss(scores, labels).data == pytest.approx((0 + 0.5 + 1.5 + 1.25) / 4)


def test_hinge_loss_adds_alpha_times_sum_of_squared_parameters():
    params = [Value(3.0), Value(-4.0)]
    loss = hinge_loss([Value(2.0)], [1], params, alpha=0.01)
    assert loss.data == pytest.approx(0.01 * 25.0)
    loss.backward()
    assert [p.grad for p in params] == pytest.approx([0.06, -0.08])


def test_hinge_loss_takes_parameters_from_a_generator():
    params = [Value(1.0), Value(2.0)]
    loss = hinge_loss([Value(0.0)], [1], (p for p in params), alpha=1.0)
    assert loss.data == pytest.approx(1.0 + 5.0)


def test_hinge_loss_gradient_on_scores():
    scores = [Value(0.5), Value(3.0), Value(0.5)]
    hinge_loss(scores, [1, 1, -1]).backward()
    # d/ds relu(1 - y s) / n = -y/n inside the margin, 0 outside
    assert [s.grad for s in scores] == pytest.approx([-1 / 3, 0.0, 1 / 3])


def test_hinge_loss_matches_micrograd_demo_formula():
    X, y = make_moons(20, seed=2)
    model = seeded(3, 2, [4, 1], activation="relu", output_activation="linear")
    scores = [model(x) for x in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    expected = data_loss + reg_loss
    assert hinge_loss(scores, y, model.parameters()).data == expected.data


@pytest.mark.parametrize("bad", [0, 2, -1.5, 0.5, True])
def test_hinge_loss_labels_must_be_plus_or_minus_one(bad):
    with pytest.raises(ValueError, match=rf"labels must be -1 or \+1, got labels\[1\] = {bad!r}"):
        hinge_loss([Value(1.0), Value(1.0)], [1, bad])


def test_hinge_loss_rejects_mismatched_or_empty_input():
    with pytest.raises(ValueError, match="scores and labels must have the same length, got 1 and"):
        hinge_loss([Value(1.0)], [1, -1])
    with pytest.raises(ValueError, match="scores and labels must not be empty"):
        hinge_loss([], [])


def test_accuracy_counts_matching_signs():
    assert accuracy([Value(0.3), Value(-2.0), Value(1.0), Value(-0.1)], [1, 1, -1, -1]) == 0.5
    assert accuracy([Value(0.0)], [1]) == 0.0  # a score of 0 counts as negative, as in micrograd


def test_accuracy_rejects_mismatched_or_empty_input():
    with pytest.raises(ValueError, match="scores and labels must have the same length, got 3 and"):
        accuracy([Value(1.0), Value(2.0), Value(3.0)], [1])
    with pytest.raises(ValueError, match="scores and labels must not be empty"):
        accuracy([], [])


# ---------------------------------------------------------------------------
# sgd_step and linear_decay
# ---------------------------------------------------------------------------


def test_sgd_step_moves_each_parameter_against_its_gradient():
    params = [Value(1.0), Value(-2.0), Value(0.5)]
    for p, g in zip(params, [2.0, -1.0, 0.0], strict=True):
        p.grad = g
    sgd_step(params, lr=0.1)
    assert [p.data for p in params] == [1.0 - 0.1 * 2.0, -2.0 + 0.1 * 1.0, 0.5]
    assert [p.grad for p in params] == [2.0, -1.0, 0.0]  # grads are left for zero_grad


def test_sgd_step_is_the_lectures_update_bit_for_bit():
    ours, lecture = Value(0.123456789), Value(0.123456789)
    ours.grad = lecture.grad = -0.987654321
    sgd_step([ours], 0.05)
    lecture.data += -0.05 * lecture.grad
    assert ours.data == lecture.data


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, math.inf, math.nan])
def test_sgd_step_lr_must_be_finite_and_positive(bad):
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got"):
        sgd_step([Value(1.0)], bad)


@pytest.mark.parametrize("bad", ["0.1", None, True])
def test_sgd_step_lr_must_be_a_number(bad):
    with pytest.raises(TypeError, match="lr must be a number, got"):
        sgd_step([Value(1.0)], bad)


def test_linear_decay_is_micrograds_demo_schedule():
    schedule = linear_decay(1.0, 0.1, 100)
    assert [schedule(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]


def test_linear_decay_ends_at_end_and_stays_there():
    schedule = linear_decay(0.5, 0.0, 10)
    assert schedule(0) == 0.5
    assert schedule(5) == pytest.approx(0.25)
    assert schedule(10) == 0.0
    assert schedule(1000) == 0.0


def test_linear_decay_can_increase_too():
    schedule = linear_decay(0.1, 0.3, 2)
    assert [schedule(k) for k in range(3)] == pytest.approx([0.1, 0.2, 0.3])


def test_linear_decay_rejects_bad_arguments():
    with pytest.raises(ValueError, match="start must be a finite number > 0, got 0"):
        linear_decay(0, 0.1, 10)
    with pytest.raises(ValueError, match=r"end must be a finite number >= 0, got -0\.1"):
        linear_decay(1.0, -0.1, 10)
    with pytest.raises(TypeError, match="end must be a number, got str"):
        linear_decay(1.0, "0", 10)
    with pytest.raises(ValueError, match="steps must be at least 1, got 0"):
        linear_decay(1.0, 0.1, 0)
    with pytest.raises(TypeError, match="steps must be an int, got float"):
        linear_decay(1.0, 0.1, 10.0)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None])
def test_linear_decay_step_must_be_a_non_negative_int(bad):
    with pytest.raises(ValueError, match=r"the step k must be an int >= 0, got"):
        linear_decay(1.0, 0.1, 10)(bad)


# ---------------------------------------------------------------------------
# train
# ---------------------------------------------------------------------------


def lecture_loop(model, xs, ys, steps, lr):
    """The lecture's fixed loop, written out as in the notebook."""
    losses = []
    for _ in range(steps):
        ypred = [model(x) for x in xs]
        loss = sum([(yout - ygt) ** 2 for ygt, yout in zip(ys, ypred, strict=True)])
        for p in model.parameters():
            p.grad = 0.0
        loss.backward()
        for p in model.parameters():
            p.data += -lr * p.grad
        losses.append(loss.data)
    return losses


def test_train_is_the_lectures_loop_bit_for_bit():
    xs, ys = lecture_dataset()
    ours = train(seeded(0, 3, [4, 4, 1]), xs, ys, steps=20, lr=0.05)
    lecture = lecture_loop(seeded(0, 3, [4, 4, 1]), xs, ys, steps=20, lr=0.05)
    assert ours == lecture


def test_train_reduces_the_loss_on_the_lecture_dataset():
    xs, ys = lecture_dataset()
    model = seeded(0, 3, [4, 4, 1])
    losses = train(model, xs, ys, steps=50, lr=0.1)
    assert len(losses) == 50
    assert losses[0] == pytest.approx(7.7298, abs=1e-4)
    assert losses[-1] < 0.01
    assert all(b < a for a, b in itertools.pairwise(losses))
    assert [math.copysign(1.0, model(x).data) for x in xs] == ys


def test_train_records_the_loss_before_each_update():
    xs, ys = lecture_dataset()
    model = seeded(1, 3, [4, 4, 1])
    first = sum_of_squares([model(x) for x in xs], ys).data
    assert train(model, xs, ys, steps=1, lr=0.05) == [first]
    assert sum_of_squares([model(x) for x in xs], ys).data < first


def test_train_with_the_global_random_module_like_the_lecture():
    xs, ys = lecture_dataset()
    a = train(seeded(1, 3, [4, 4, 1]), xs, ys, steps=5, lr=0.05)
    b = train(seeded(1, 3, [4, 4, 1]), xs, ys, steps=5, lr=0.05)
    assert a == b


def test_train_pauses_the_garbage_collector_and_restores_it():
    import gc

    xs, ys = lecture_dataset()
    seen = []

    class Watching:
        def __init__(self):
            self.model = seeded(0, 3, [2, 1])

        def __call__(self, x):
            seen.append(gc.isenabled())
            return self.model(x)

        def parameters(self):
            return self.model.parameters()

        def zero_grad(self):
            self.model.zero_grad()

    assert gc.isenabled()
    train(Watching(), xs, ys, steps=1, lr=0.05)
    assert seen == [False] * 4
    assert gc.isenabled()


# ---------------------------------------------------------------------------
# train_classifier and train_minibatches
# ---------------------------------------------------------------------------


def relu_net(seed, *sizes):
    return seeded(seed, 2, list(sizes), activation="relu", output_activation="linear")


def test_train_classifier_records_accuracy_and_learns_the_moons():
    X, y = make_moons(30, noise=0.1, seed=0)
    model = relu_net(1, 8, 8, 1)
    losses, accs = train_classifier(model, X, y, steps=30, lr=linear_decay(1.0, 0.1, 30))
    assert len(losses) == len(accs) == 30
    assert losses[-1] < losses[0] / 2
    assert accs[-1] >= 0.85
    assert accs[-1] > accs[0]


def micrograd_demo_loop(model, X, y, steps, alpha):
    """micrograd's demo loop (full batch), written out with scalargrad Values."""
    losses, accs = [], []
    for k in range(steps):
        scores = [model(x) for x in X]
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True))
        data_loss = data_loss * (1.0 / len(scores))
        total = data_loss + alpha * sum(p * p for p in model.parameters())
        acc = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)]
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        losses.append(total.data)
        accs.append(sum(acc) / len(acc))
    return losses, accs


def test_train_classifier_is_micrograds_demo_loop_bit_for_bit():
    X, y = make_moons(16, seed=4)
    ours = train_classifier(relu_net(5, 4, 4, 1), X, y, steps=4, lr=linear_decay(1.0, 0.1, 100))
    theirs = micrograd_demo_loop(relu_net(5, 4, 4, 1), X, y, steps=4, alpha=1e-4)
    assert ours == theirs


def test_train_classifier_calls_the_schedule_with_each_step():
    seen = []

    def schedule(k):
        seen.append(k)
        return 0.05

    X, y = make_moons(6, seed=0)
    train_classifier(relu_net(0, 3, 1), X, y, steps=6, lr=schedule)
    assert seen == [0, 1, 2, 3, 4, 5]


def test_train_classifier_alpha_weights_the_regularization():
    X, y = make_moons(10, seed=0)

    def first_loss(alpha):
        model = relu_net(0, 3, 1)
        return train_classifier(model, X, y, steps=1, lr=lambda k: 0.1, alpha=alpha)[0][0]

    squares = sum(p.data**2 for p in relu_net(0, 3, 1).parameters())
    assert first_loss(0.5) - first_loss(0.0) == pytest.approx(0.5 * squares)


def test_train_minibatches_uses_the_samples_each_batch_picks():
    X, y = make_moons(20, seed=0)
    batches = [[0, 3, 5], [19, 2, 2], [7]]
    losses, accs = train_minibatches(relu_net(0, 4, 1), X, y, batches=batches,
                                     lr=lambda k: 0.5)
    model = relu_net(0, 4, 1)
    expected = []
    for picks in batches:
        expected += train_classifier(model, [X[i] for i in picks], [y[i] for i in picks],
                                     steps=1, lr=lambda k: 0.5)[0]
    assert losses == expected and len(accs) == 3


def test_train_minibatches_of_every_sample_equal_train_classifier():
    X, y = make_moons(12, seed=1)
    schedule = linear_decay(1.0, 0.1, 3)
    whole = [list(range(12))] * 3
    assert train_minibatches(relu_net(2, 4, 1), X, y, batches=whole, lr=schedule) == (
        train_classifier(relu_net(2, 4, 1), X, y, steps=3, lr=schedule))


# ---------------------------------------------------------------------------
# the loops: rejected input
# ---------------------------------------------------------------------------


@pytest.fixture
def data():
    xs, ys = lecture_dataset()
    return seeded(0, 3, [4, 4, 1]), xs, ys


@pytest.mark.parametrize("bad", [0, -1])
def test_train_steps_must_be_at_least_one(data, bad):
    with pytest.raises(ValueError, match=rf"steps must be at least 1, got {bad}"):
        train(*data, steps=bad, lr=0.05)


@pytest.mark.parametrize("bad", [1.5, "10", None])
def test_train_steps_must_be_an_int(data, bad):
    with pytest.raises(TypeError, match="steps must be an int, got"):
        train(*data, steps=bad, lr=0.05)


def test_train_steps_and_lr_are_required(data):
    with pytest.raises(TypeError, match="steps"):
        train(*data, lr=0.05)
    with pytest.raises(TypeError, match="lr"):
        train(*data, steps=1)


@pytest.mark.parametrize("bad", [0.0, -0.05, math.nan, math.inf])
def test_train_lr_must_be_positive(data, bad):
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0"):
        train(*data, steps=1, lr=bad)


def test_train_lr_must_be_a_number(data):
    with pytest.raises(TypeError, match=r"lr must be a number, got str"):
        train(*data, steps=1, lr="0.05")


def test_train_classifier_lr_must_be_a_schedule():
    X, y = make_moons(4, seed=0)
    with pytest.raises(TypeError, match=r"lr must be a schedule.*lambda k: r"):
        train_classifier(relu_net(0, 1), X, y, steps=1, lr=0.05)


def test_train_classifier_schedule_values_are_checked():
    X, y = make_moons(4, seed=0)
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got 0\.0"):
        train_classifier(relu_net(0, 1), X, y, steps=3, lr=linear_decay(0.1, 0.0, 1))


def test_train_classifier_needs_plus_minus_one_labels():
    X, _ = make_moons(4, seed=0)
    with pytest.raises(ValueError, match=r"labels must be -1 or \+1, got labels\[0\] = 0"):
        train_classifier(relu_net(0, 1), X, [0, 1, 1, 0], steps=1, lr=lambda k: 0.1)


def test_train_classifier_alpha_must_be_a_non_negative_number():
    X, y = make_moons(4, seed=0)
    model = relu_net(0, 1)
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0, got -1"):
        train_classifier(model, X, y, steps=1, lr=lambda k: 0.1, alpha=-1)
    with pytest.raises(TypeError, match="alpha must be a number, got str"):
        train_classifier(model, X, y, steps=1, lr=lambda k: 0.1, alpha="0")


@pytest.mark.parametrize("bad", [[], [[]], [[0, 4]], [[1.0]], [[True]], "0", 3])
def test_train_minibatches_batches_must_be_lists_of_indices(bad):
    X, y = make_moons(4, seed=0)
    with pytest.raises((TypeError, ValueError), match=r"batches"):
        train_minibatches(relu_net(0, 1), X, y, batches=bad, lr=lambda k: 0.1)


def test_train_xs_and_ys_must_pair_up():
    xs, ys = lecture_dataset()
    model = seeded(0, 3, [4, 4, 1])
    with pytest.raises(ValueError, match="xs and ys must have the same length, got 4 and 3"):
        train(model, xs, ys[:3], steps=1, lr=0.05)
    with pytest.raises(ValueError, match="xs and ys must not be empty"):
        train(model, [], [], steps=1, lr=0.05)


@pytest.mark.parametrize("bad", [None, "model", lambda x: x])
def test_train_model_must_be_a_model(bad):
    xs, ys = lecture_dataset()
    with pytest.raises(TypeError, match=r"model must be callable and have parameters\(\)"):
        train(bad, xs, ys, steps=1, lr=0.05)


def test_losses_need_one_value_per_sample():
    with pytest.raises(TypeError, match=r"ypred\[1\] must be a single Value .*, got list"):
        sum_of_squares([Value(1.0), [Value(1.0), Value(2.0)]], [1.0, 1.0])
    with pytest.raises(TypeError, match=r"scores\[0\] must be a single Value .*, got str"):
        hinge_loss(["1"], [1])


def test_train_rejects_a_model_with_several_outputs():
    xs, ys = lecture_dataset()
    with pytest.raises(TypeError, match=r"ypred\[0\] must be a single Value \(a model with one"):
        train(MLP(3, [4, 2]), xs, ys, steps=1, lr=0.05)


def test_train_rejects_inputs_of_the_wrong_size():
    xs, ys = lecture_dataset()
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        train(MLP(2, [1]), xs, ys, steps=1, lr=0.05)
