// GatewayCrypto: module under construction by its owner.
