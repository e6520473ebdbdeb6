"""`sorteermachine ui`: bad options stop at once with exit 2 and a message, before any
server starts."""

import socket

import pytest

from sorteermachine.cli import main


@pytest.mark.parametrize(("args", "message"), [
    (["--lock", "scale"], "'scale' is not a lever; levers are"),
    (["--lock", "daeb_free_share=0.9"], "'daeb_free_share' = 0.9 is not allowed"),
    (["--port", "70000"], "--port 70000: allowed is a port from 1 to 65535"),
])
def test_bad_options_are_refused(args, message, capsys):
    assert main(["ui", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_busy_port_is_named(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["ui", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"--port {port}: cannot listen there" in err and "another --port" in err
