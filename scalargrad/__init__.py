"""scalargrad: a tiny scalar autograd engine, and the book that builds it.

``import scalargrad`` needs nothing outside the standard library; graphviz and
matplotlib are imported only by the functions that draw (:mod:`scalargrad.viz`).

>>> from scalargrad import Value
>>> x = Value(2.0)
>>> y = x * x * x
>>> y.backward()
>>> x.grad
12.0
"""

from scalargrad.engine import Value, build_topo

__all__ = ["Value", "build_topo"]
__version__ = "0.1.0"
