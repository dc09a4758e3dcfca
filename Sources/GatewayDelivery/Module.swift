// GatewayDelivery: module under construction by its owner.
