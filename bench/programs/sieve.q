let n = 2000000
let sieve = Array.new(n + 1, true)
sieve[0] = false
sieve[1] = false
let i = 2
while i * i <= n
    if sieve[i]
        let j = i * i
        while j <= n
            sieve[j] = false
            j = j + i
        end
    end
    i = i + 1
end
let count = 0
for k in 0 to n
    if sieve[k]
        count = count + 1
    end
end
puts(count)
