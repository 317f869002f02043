"""The middleware stack of the app, in the order create_app installs it."""
