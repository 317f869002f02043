"""The HTTP tests (a package, so its helpers import as tests.http.support)."""  # noqa: A005
