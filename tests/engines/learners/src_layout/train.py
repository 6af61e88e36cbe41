from src.nn import MLP

model = MLP(3, [4, 4, 1])
