"""OrderZap's shell: configuration, the composition root, the Falcon app and the Click CLI."""
