class Counter:
    def __init__(self, count):
        self.count = count

    def inc(self, by):
        self.count = self.count + by

    def get(self):
        return self.count


def main():
    c = Counter(0)
    i = 0
    while i < 1000000:
        c.inc(i % 3)
        i = i + 1
    print(c.get())


main()
