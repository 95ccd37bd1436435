let total = 0
for i in 0 until 1500
    for j in 0 until 1500
        total = total + i * j % 7
    end
end
puts(total)
