"""An import that fails: the engine imports a module that does not exist."""

import mathz


class Value:
    def __init__(self, data):
        self.data = data
        self.grad = 0.0
