wrk.method = "PUT"
wrk.body = '{"selected":"LOCATION_ECBN"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
