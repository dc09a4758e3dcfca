print("http-noop-server: see bench/http-noop.sh")
