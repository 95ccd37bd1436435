# Word frequencies of a short text: strings, dicts, arrays, functions, f-strings.

let text = """the quick brown fox jumps over the lazy dog
the dog sleeps and the fox runs"""

fun count_words(text)
    let counts = {}
    for line in text.split("\n")
        for word in line.split(" ")
            if word != ""
                counts[word] = (counts[word] ?: 0) + 1
            end
        end
    end
    counts
end

let counts = count_words(text)
for word in counts.keys().sorted()
    let n = counts[word]
    if n > 1
        puts(f"{word:<6} {n}")
    end
end
