def main():
    parts = []
    for i in range(0, 300000):
        parts.append("item" + str(i))
    text = ",".join(parts)
    pieces = text.split(",")
    total = 0
    for p in pieces:
        total = total + len(p)
    s = ""
    for i in range(0, 200000):
        s = s + "x"
    print(len(pieces), " ", total, " ", len(s), " ", pieces[12345].upper(), sep="")


main()
