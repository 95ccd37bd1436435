# Not chosen - implicit concurrency
go fetch_user(123)  # Spawns goroutine
