# Runs the local HTTP service of examples/services/api.q, for QEP-027
# Examples 1 and 3:
#   trioquest examples/api_server.q &
#   QUEST_API_URL=http://127.0.0.1:8081 trioquest examples/qep_example1_http.q
# QUEST_API_ADDRESS chooses the address (default 127.0.0.1:8081).

use "std/async"
use "std/os"
use "std/http/server"
use "./services/api" as api

let address = os.getenv("QUEST_API_ADDRESS") ?: "127.0.0.1:8081"
let server = http.server(address)
puts(f"API service on http://{address}")
await api.serve(server)
