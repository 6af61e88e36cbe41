from scalargrad.engine import Value as _Inner


class Value:
    """My Value (it keeps a scalargrad Value inside)."""

    def __init__(self, data, _children=(), _inner=None):
        self._v = _inner if _inner is not None else _Inner(data)
        self._prev = tuple(_children)

    data = property(lambda self: self._v.data)
    grad = property(lambda self: self._v.grad, lambda self, g: setattr(self._v, "grad", g))

    def _op(self, other, fn):
        other = other if isinstance(other, Value) else Value(other)
        return Value(None, (self, other), fn(self._v, other._v))

    def __add__(self, o): return self._op(o, lambda a, b: a + b)
    def __radd__(self, o): return self._op(o, lambda a, b: b + a)
    def __mul__(self, o): return self._op(o, lambda a, b: a * b)
    def __rmul__(self, o): return self._op(o, lambda a, b: b * a)
    def __sub__(self, o): return self._op(o, lambda a, b: a - b)
    def __rsub__(self, o): return self._op(o, lambda a, b: b - a)
    def __truediv__(self, o): return self._op(o, lambda a, b: a / b)
    def __rtruediv__(self, o): return self._op(o, lambda a, b: b / a)
    def __pow__(self, k): return Value(None, (self,), self._v ** k)
    def __neg__(self): return Value(None, (self,), -self._v)
    def tanh(self): return Value(None, (self,), self._v.tanh())
    def exp(self): return Value(None, (self,), self._v.exp())
    def relu(self): return Value(None, (self,), self._v.relu())
    def backward(self): self._v.backward()
