def main():
    vocabulary = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "runs",
                  "away", "from", "a", "big", "red", "barn", "while", "cat", "sleeps", "sun"]
    words = []
    seed = 7
    for i in range(0, 400000):
        seed = (seed * 1103515245 + 12345) % 2147483648
        words.append(vocabulary[seed % 20])
    text = " ".join(words)
    counts = {}
    for w in text.split(" "):
        counts[w] = counts.get(w, 0) + 1
    keys = sorted(counts.keys())
    for k in keys:
        print(k, ": ", counts[k], sep="")


main()
