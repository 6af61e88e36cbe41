def as_value(x, cls):
    return x if isinstance(x, cls) else cls(x)
