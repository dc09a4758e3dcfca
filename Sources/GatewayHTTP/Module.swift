// GatewayHTTP: module under construction by its owner.
