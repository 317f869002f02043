"""The HTTP resources: each parses, calls one use case, and renders through ``envelope``."""
