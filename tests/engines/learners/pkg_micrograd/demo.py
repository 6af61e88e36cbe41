from micrograd.nn import MLP

if __name__ == '__main__':
    print(MLP(2, [3, 1]))
