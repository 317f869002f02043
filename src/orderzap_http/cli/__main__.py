"""``python -m orderzap_http.cli``: the same as the ``orderzap`` script."""

from orderzap_http.cli import main

main(prog_name="orderzap")
