type Counter
    pub count: Int
    fun inc(by)
        self.count = self.count + by
    end
    fun get()
        self.count
    end
end
let c = Counter.new(count: 0)
let i = 0
while i < 1000000
    c.inc(i % 3)
    i = i + 1
end
puts(c.get())
