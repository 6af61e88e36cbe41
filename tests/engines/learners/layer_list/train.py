from nn import MLP

model = MLP(3, [4, 4, 1])
print(model([1.0, 2.0, 3.0])[0])
