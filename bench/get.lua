wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer bench-token"
