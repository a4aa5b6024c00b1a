"""The glue between a Python page and the host: loading the script at build
time, the contract's exports, and the functions jobs, fragments and
callbacks find again in a fresh instance.

A page's script is compiled and its imports are run once, when the page is
built (the component starts from that snapshot), so a run pays only for the
script's body. Its top-level ``def``s, classes, imports and assignments without calls are
also run then, into a namespace of their own: that is what a job, a
fragment's rerun or a widget callback sees in its fresh instance.
"""

import ast
import builtins
import hashlib
import importlib
import importlib.util
import linecache
import os
import pickle
import sys
import traceback
import types

import wit_world
from componentize_py_types import Err
from wit_world.imports import widgets as _widgets

# Standard-library modules the interpreter loads on demand (``strptime``,
# codecs by name): loaded at build time for every page, because only the
# modules loaded then are in the component.
PRELOADED = (
    "_strptime",
    "calendar",
    "copy",
    "encodings.ascii",
    "encodings.cp1252",
    "encodings.idna",
    "encodings.latin_1",
    "encodings.raw_unicode_escape",
    "encodings.unicode_escape",
    "encodings.utf_16",
    "encodings.utf_32",
    "locale",
    "pprint",
    "string",
    "textwrap",
)

# What the build loaded: the script's code, its display name and the
# directory its own modules are in.
_code = None
_display = "page.py"
_script_root = None
# The script's definitions, run at build time: name -> object.
_defs = {}
# Functions jobs, fragments and callbacks are found by: id -> function.
_entries = {}


class BuildError(Exception):
    """Why a script cannot become a page; shown by the host with its line."""


def entry_id(function):
    """The id a top-level function of the script is known by in every
    instance: a hash of its name, stable across builds."""
    name = getattr(function, "__qualname__", None)
    if not isinstance(name, str) or "<" in name or "." in name:
        raise TypeError(
            f"{function!r} is not a function defined at the top level of the script: jobs, "
            "fragments and callbacks run in a fresh instance, which has only the script's "
            "top-level functions (no lambdas, nested functions or methods)"
        )
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def entry(function):
    """Checks that ``function`` can be found again in a fresh instance (the
    same code, defined at the top level of the script) and returns its id."""
    ident = entry_id(function)
    built = _entries.get(ident)
    same = built is not None and (
        getattr(built, "__code__", None) is None
        or getattr(function, "__code__", None) is None
        or (built.__code__.co_filename, built.__code__.co_firstlineno)
        == (function.__code__.co_filename, function.__code__.co_firstlineno)
    )
    if not same:
        raise TypeError(
            f"`{function.__qualname__}` cannot run in a fresh instance: define it with `def` at "
            "the top level of the script, using only its arguments, imports, other top-level "
            "functions and constants (it could not be defined when the page was built)"
        )
    return ident


def _fail(message):
    sys.stderr.write(f"wasmlit-build-error: {message}\n")
    raise BuildError(message)


def _import_names(node):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def load(module, display):
    """Compiles the script of module ``module`` (shown as ``display``),
    runs its imports and definitions, and keeps its code for the runs.
    Called once, at build time."""
    global _code, _display, _script_root
    _display = display
    spec = importlib.util.find_spec(module)
    if spec is None or spec.loader is None:
        _fail(f"{display}: the script was not found on the page's path")
    _script_root = os.path.dirname(spec.origin or "") + os.sep
    source = spec.loader.get_source(module)
    try:
        tree = ast.parse(source, display)
        _code = compile(tree, display, "exec")
    except SyntaxError as e:
        line = (e.text or "").rstrip()
        _fail(f"{display}, line {e.lineno}: {type(e).__name__}: {e.msg}" + (f"\n    {line.strip()}" if line else ""))
    linecache.cache[display] = (len(source), None, source.splitlines(True), display)
    for name in PRELOADED:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    # Imports anywhere in the script run now, so no run pays for them. One
    # at the top level that cannot be imported stops the build.
    for node in ast.walk(tree):
        for name in _import_names(node):
            top = node in tree.body
            try:
                importlib.import_module(name)
            except BaseException as e:  # noqa: BLE001 - any failure is reported
                if top:
                    _fail(
                        f"{display}, line {node.lineno}: `{name}` cannot be imported by a Python "
                        f"page ({type(e).__name__}: {e}). A page may import the standard library "
                        "(without sockets, processes or threads), the wasmlit SDK, and pure-Python "
                        "modules in its own folder"
                    )
    namespace = fresh_namespace()
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        keep = isinstance(node, kinds) or (
            isinstance(node, (ast.Assign, ast.AnnAssign)) and _is_constant(node.value)
        )
        if not keep:
            continue
        try:
            exec(compile(ast.Module([node], []), display, "exec"), namespace)
        except BaseException:  # noqa: BLE001 - such a definition is just unavailable
            continue
    _defs.update(namespace)
    for value in namespace.values():
        target = getattr(value, "__wasmlit_function__", value)
        if callable(target) and getattr(target, "__module__", None) == "__main__":
            try:
                _entries[entry_id(target)] = target
            except TypeError:
                pass


def _is_constant(value):
    """An expression without calls (``MASK = (1 << 64) - 1``, a list of
    names): safe and quick to run at build time."""
    return value is not None and not any(isinstance(n, (ast.Call, ast.Await)) for n in ast.walk(value))


def fresh_namespace():
    """A new ``__main__`` module for the script, registered as such, so that
    classes the script defines pickle (cached values, job results)."""
    module = types.ModuleType("__main__")
    module.__file__ = _display
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    return module.__dict__


# What pickled data of a page (cached values, job inputs and results,
# fragment and callback arguments) may be made of: plain values, the
# standard library's value types, and the page's own classes.
_SAFE_BUILTINS = frozenset(
    "bool bytearray bytes complex dict float frozenset int list object range set slice str "
    "tuple".split()
)
_SAFE_MODULES = frozenset(["datetime", "decimal", "fractions", "uuid", "zoneinfo"])
_SAFE_NAMES = {
    "collections": frozenset(["OrderedDict", "defaultdict", "deque", "Counter"]),
    "copyreg": frozenset(["_reconstructor"]),
    "enum": frozenset(["Enum", "IntEnum"]),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        allowed = (
            (module == "builtins" and name in _SAFE_BUILTINS)
            or module in _SAFE_MODULES
            or name in _SAFE_NAMES.get(module, ())
            or module == "__main__"
            or _is_page_module(module)
        )
        if not allowed:
            raise pickle.UnpicklingError(
                f"{module}.{name} is not something a page's cached or passed data may hold "
                "(plain values, the standard library's value types and the page's own classes)"
            )
        return super().find_class(module, name)


def _is_page_module(name):
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None) or ""
    return bool(_script_root) and origin.startswith(_script_root)


def loads(data):
    """Unpickles data the page itself pickled, refusing anything but values."""
    import io

    return _Unpickler(io.BytesIO(data)).load()


def _message(error):
    """The run's error: the exception and the script's frames of it."""
    if isinstance(error, Err):
        value = error.value
        kind = type(value).__name__.removeprefix("CallError_")
        kind = "".join("-" + c.lower() if c.isupper() else c for c in kind).lstrip("-")
        text = f"host call refused ({kind}): {getattr(value, 'value', value)}"
    else:
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == _display]
    if frames:
        where = "".join(traceback.format_list(frames)).rstrip()
        return f"{text}\n{where}"
    return text


def _guarded(call):
    try:
        return call()
    except BaseException as e:  # noqa: BLE001 - every failure becomes the run's error
        raise Err(_message(e)) from None


def _run_callbacks():
    for callback in _widgets.callbacks():
        function = _entries.get(callback.id)
        if function is None:
            raise RuntimeError(f"callback {callback.id} is not a function of this page")
        args, kwargs = _unpack(callback.args)
        function(*args, **kwargs)


def _unpack(data):
    if not data:
        return (), {}
    return loads(data)


def _run_page():
    from . import _containers

    _containers.reset(0)
    _run_callbacks()
    exec(_code, fresh_namespace())


def _run_fragment(ident, args, at):
    from . import _containers

    _containers.reset(at)
    _run_callbacks()
    function = _entries.get(ident)
    if function is None:
        raise RuntimeError(f"fragment {ident} is not a function of this page")
    a, kw = _unpack(args)
    function(*a, **kw)


def _run_job(ident, at, data):
    from . import _containers

    _containers.reset(0 if at is None else at)
    function = _entries.get(ident)
    if function is None:
        raise RuntimeError(f"job {ident} is not a function of this page")
    a, kw = _unpack(data)
    return pickle.dumps(function(*a, **kw))


class WitWorld(wit_world.WitWorld):
    """The contract's exports for a Python page."""

    def run(self) -> None:
        _guarded(_run_page)

    def run_fragment(self, id: int, args: bytes, at: int) -> None:
        _guarded(lambda: _run_fragment(id, args, at))

    def run_job(self, job: int, at, input: bytes) -> bytes:
        return _guarded(lambda: _run_job(job, at, input))

    def build_resource(self, id: int) -> None:
        raise Err("Python pages have no cached resources (st.cache_resource); use st.cache_data")

    def query_resource(self, id: int, request: bytes) -> bytes:
        raise Err("Python pages have no cached resources (st.cache_resource); use st.cache_data")
