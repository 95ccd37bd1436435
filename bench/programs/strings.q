let parts = []
for i in 0 until 300000
    parts.push("item" .. i)
end
let text = parts.join(",")
let pieces = text.split(",")
let total = 0
for p in pieces
    total = total + p.len()
end
let s = ""
for i in 0 until 200000
    s = s .. "x"
end
puts(pieces.len(), " ", total, " ", s.len(), " ", pieces[12345].upper())
