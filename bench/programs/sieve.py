def main():
    n = 2000000
    sieve = [True] * (n + 1)
    sieve[0] = False
    sieve[1] = False
    i = 2
    while i * i <= n:
        if sieve[i]:
            j = i * i
            while j <= n:
                sieve[j] = False
                j = j + i
        i = i + 1
    count = 0
    for k in range(0, n + 1):
        if sieve[k]:
            count = count + 1
    print(count)


main()
