let vocabulary = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "runs",
                  "away", "from", "a", "big", "red", "barn", "while", "cat", "sleeps", "sun"]
let words = []
let seed = 7
for i in 0 until 400000
    seed = (seed * 1103515245 + 12345) % 2147483648
    words.push(vocabulary[seed % 20])
end
let text = words.join(" ")
let counts = {}
for w in text.split(" ")
    counts[w] = counts.get(w, 0) + 1
end
let keys = counts.keys().sorted()
for k in keys
    puts(k, ": ", counts[k])
end
