print("webhook-gateway")
