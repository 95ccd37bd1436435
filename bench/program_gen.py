"""A realistic Quest program of a given length, for the parser benchmark."""

from __future__ import annotations

_CHUNK = '''\
# chunk {i}: a type, methods, loops, strings and async code
type Account{i}
    "A bank account, number {i}."
    pub owner: Str
    balance: Int = 0
    history: Array?

    fun deposit(amount: Int) -> Int
        if amount <= 0
            raise ValueErr.new("amount must be positive, got " .. amount)
        end
        self.balance += amount
        self.balance
    end

    static fun open(owner)
        Account{i}.new(owner: owner, balance: 0, history: [])
    end
end

fun summarize{i}(items, limit = 10, *rest)
    let total = 0, count = 0
    for item, index in items
        if index >= limit
            break
        elif item == nil
            continue
        else
            total = total + item * 2 - (index % 3)
        end
        count += 1
    end
    let label = f"{{count}} items, total {{total:>8}}"
    match count
    in 0
        puts("none")
    in 1, 2, 3
        puts("few: " .. label)
    in 4 to 100 step 2
        puts("many: " .. label)
    else
        puts(label)
    end
    {{"total": total, count: count, "ratio": total / (count ?: 1)}}
end

async fun fetch{i}(ids)
    let tasks = ids.map(fun (id) async.spawn(fun () await load(id) end, name: f"load-{{id}}") end)
    try
        let results = await async.timeout(async.join_all(tasks), 5)
        results.filter(fun (r) r != nil and r.ok end)
    catch async.TimeoutError as e
        puts(f"timed out: {{e.message()}}")
        []
    ensure
        puts("done {i}")
    end
end

let acct{i} = Account{i}.open("user{i}")
acct{i}.deposit(100)
while acct{i}.balance < 1000 and not false
    acct{i}.deposit(acct{i}.balance.abs() + 0x10 + 0b1 + 1_000)
end
'''

CHUNK_LINES = _CHUNK.count("\n")


def program(lines: int) -> str:
    """Quest source of at least `lines` lines."""
    chunks = []
    i = 0
    while i * CHUNK_LINES < lines:
        chunks.append(_CHUNK.format(i=i))
        i += 1
    return "".join(chunks)
