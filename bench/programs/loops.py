def main():
    total = 0
    for i in range(0, 1500):
        for j in range(0, 1500):
            total = total + i * j % 7
    print(total)


main()
