"""The hub on the fediverse: its ActivityPub actor, its inbox and its deliveries."""
