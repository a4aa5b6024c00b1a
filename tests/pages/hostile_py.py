"""The hostile Python page: one behaviour per `?case=`, each trying to
flood, exhaust, escape or crash. tests/python.rs runs them."""
import os
import sys

import wasmlit as st

case = st.query_params.get("case", "")


def attempt(name, action):
    """Runs `action`; draws `name: refused: <why>` or `name: ALLOWED <what>`."""
    try:
        result = action()
    except BaseException as e:  # noqa: BLE001 - every refusal is reported
        st.text(f"{name}: refused: {type(e).__name__}: {e}")
    else:
        st.text(f"{name}: ALLOWED {result!r}")


def recurse(n):
    return recurse(n + 1) + 1


if case == "spin":
    st.text("spinning")
    while True:
        pass
elif case == "memory":
    hoard = []
    while True:
        hoard.append(bytearray(1 << 20))
elif case == "recursion":
    sys.setrecursionlimit(10**9)
    recurse(0)
elif case == "recursion_default":
    recurse(0)
elif case == "elements":
    while True:
        st.text("flood")
elif case == "stdout":
    line = "x" * 1023
    while True:
        print(line)
elif case == "big_string":
    st.text("x" * (50 << 20))
elif case == "escape":
    secret = st.query_params.get("secret", "/etc/passwd")
    attempt("open", lambda: open(secret).read(10))
    attempt("listdir", lambda: os.listdir("/"))
    attempt("write", lambda: open("/tmp/written.txt", "w").write("x"))
    st.text(f"environ: {len(os.environ)} variables")
    attempt("getenv", lambda: os.environ["PATH"])

    def connect():
        import socket

        return socket.create_connection(("127.0.0.1", int(st.query_params.get("port", "1"))), timeout=2)

    attempt("socket", connect)

    def lookup():
        import socket

        return socket.getaddrinfo("localhost", 80)

    attempt("getaddrinfo", lookup)

    def run_process():
        import subprocess

        return subprocess.run(["/bin/sh", "-c", "echo hi"], capture_output=True)

    attempt("subprocess", run_process)
    attempt("system", lambda: os.system("echo hi"))
    attempt("fork", lambda: os.fork())

    def start_thread():
        import threading

        t = threading.Thread(target=lambda: None)
        t.start()
        return t

    attempt("thread", start_thread)
    attempt("urlopen", lambda: __import__("urllib.request").request.urlopen("http://127.0.0.1:1/"))
elif case == "state":
    st.session_state.ok = {"a": [1, 2.5, None, True, "x"]}
    st.session_state.bad = {1, 2, 3}
elif case == "unpickle":
    import pickle

    from wasmlit import _page

    # Data that would call a function when unpickled, as a tampered cache
    # entry could hold: refused, while plain values load.
    attempt("getcwd", lambda: _page.loads(pickle.dumps(os.getcwd)))
    attempt("eval", lambda: _page.loads(pickle.dumps(eval)))
    st.text(f"plain: {_page.loads(pickle.dumps({'a': [1, 2.5, None]}))}")
elif case == "exit":
    sys.exit(3)
else:
    st.text("no case")
