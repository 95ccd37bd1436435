# Declare async function
async fun fetch_user(id)
    let response = await http.get(f"https://api.example.com/users/{id}")
    let data = await response.json()
    data
end

# Static async methods
type UserService
    static async fun fetch_all()
        await http.get("https://api.example.com/users")
    end
end

# Instance async methods
type Database
    str: connection_string

    async fun query(sql)
        await db.execute(self.connection_string, sql)
    end
end
