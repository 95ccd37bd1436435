trait AsyncRepository
    async fun save(entity)
    async fun find(id)
    async fun delete(id)
end

type UserRepository
    impl AsyncRepository
        async fun save(user)
            await db.execute("INSERT INTO users ...", [user])
        end

        async fun find(id)
            await db.fetch_one("SELECT * FROM users WHERE id = $1", [id])
        end

        async fun delete(id)
            await db.execute("DELETE FROM users WHERE id = $1", [id])
        end
    end
end
