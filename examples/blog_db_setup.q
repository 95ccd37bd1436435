# Creates the users and posts tables of QEP-027 Example 6 in the database at
# QUEST_DATABASE_URL (dropping them first), with user 123 and three posts:
#   QUEST_DATABASE_URL=postgresql://... trioquest examples/blog_db_setup.q

use "std/os"
use "std/db/postgres"

let db = await postgres.connect(os.getenv("QUEST_DATABASE_URL") ?: "postgresql://localhost/mydb")
async with db.transaction()
    await db.execute("DROP TABLE IF EXISTS posts")
    await db.execute("DROP TABLE IF EXISTS users")
    await db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)")
    await db.execute("CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT NOT NULL)")
    await db.execute("INSERT INTO users (id, name, email) VALUES ($1, $2, $3), ($4, $5, $6)",
                     [123, "Ada Lovelace", "ada@example.com", 7, "Alan Turing", "alan@example.com"])
    for title in ["Notes on the Analytical Engine", "On Bernoulli numbers", "A reply to Babbage"]
        await db.execute("INSERT INTO posts (user_id, title) VALUES ($1, $2)", [123, title])
    end
    await db.execute("INSERT INTO posts (user_id, title) VALUES ($1, $2)", [7, "Computable numbers"])
end
await db.close()
puts("users and posts are ready")
