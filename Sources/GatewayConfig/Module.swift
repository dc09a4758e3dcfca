// GatewayConfig: module under construction by its owner.
