def work(n=80):
    x = 0
    for i in range(n):
        x += i
    return x
def test_one_us(benchmark):
    benchmark(work)
