"""Server CPU per click on the same counter script, Streamlit's real server
against wasmlit's: a headless Chromium (driven over chromedriver's W3C REST
API) clicks Increment N times, each click waiting for the new count; the
server process's user+system CPU time is read from /proc before and after.

    python3 -m venv /tmp/st && /tmp/st/bin/pip install streamlit
    cargo build --release -p host
    /tmp/st/bin/python tests/streamlit/server_cpu.py 100 streamlit
    /tmp/st/bin/python tests/streamlit/server_cpu.py 100 wasmlit

The script is pages/py_counter.py, with `import streamlit as st` for Streamlit.
"""
import json, os, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = tempfile.mkdtemp()
SCRIPT = open(os.path.join(ROOT, "pages", "py_counter.py")).read()
open(os.path.join(WORK, "st_counter.py"), "w").write(SCRIPT.replace("import wasmlit as st", "import streamlit as st"))
os.makedirs(os.path.join(WORK, "wl"))
open(os.path.join(WORK, "wl", "py_counter.py"), "w").write(SCRIPT)
os.chdir(WORK)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def cpu_seconds(pid):
    # The whole process, threads that already ended included (Streamlit
    # starts a script thread per rerun).
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def call(base, method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req, timeout=60).read())["value"]

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
which = sys.argv[2] if len(sys.argv) > 2 else "streamlit"
port, dport = free_port(), free_port()
if which == "streamlit":
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "st_counter.py", "--server.headless", "true",
                               "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    health, page = "/_stcore/health", "/"
else:
    server = subprocess.Popen([os.path.join(ROOT, "target", "release", "host"), "serve", "wl", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    health, page = "/_/ready", "/py_counter"
driver = subprocess.Popen(["chromedriver", f"--port={dport}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{dport}"
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=1); urllib.request.urlopen(base + "/status", timeout=1); break
    except Exception:
        time.sleep(0.2)
sid = call(base, "POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu"]}}}})["sessionId"]
s = f"/session/{sid}"
call(base, "POST", s + "/url", {"url": f"http://127.0.0.1:{port}{page}"})
def text():
    return call(base, "POST", s + "/execute/sync", {"script": "return document.body.innerText", "args": []})
def wait_for(fragment):
    deadline = time.time() + 30
    while fragment not in text():
        if time.time() > deadline: raise SystemExit(f"no {fragment!r}")
        time.sleep(0.005)
wait_for("count: 0")
def click():
    call(base, "POST", s + "/execute/sync", {"script": "[...document.querySelectorAll('button')].find(b => b.innerText.includes('Increment')).click()", "args": []})
for i in range(1, 11):
    click(); wait_for(f"count: {i}")
before, started = cpu_seconds(server.pid), time.time()
for i in range(11, 11 + n):
    click(); wait_for(f"count: {i}")
used, wall = cpu_seconds(server.pid) - before, time.time() - started
print(f"{which} server CPU per click+rerun: {used / n * 1000:.1f} ms over {n} clicks ({wall / n * 1000:.0f} ms each end to end)")
call(base, "DELETE", s)
driver.kill(); server.kill()
