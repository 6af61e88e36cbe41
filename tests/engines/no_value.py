"""No Value class: the learner called it Scalar."""


class Scalar:
    def __init__(self, data):
        self.data = data
        self.grad = 0.0
