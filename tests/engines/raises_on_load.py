"""An exception while the file loads: its own test at the bottom divides by zero."""


class Value:
    def __init__(self, data):
        self.data = data
        self.grad = 0.0

    def scaled(self, by):
        return Value(self.data / by)


check = Value(1.0).scaled(0)
