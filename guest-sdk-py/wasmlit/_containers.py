"""Where elements go: the stack of containers ``with`` blocks opened."""

_stack = [0]


def reset(at):
    """Starts a run, fragment or job drawing into container ``at``."""
    _stack[:] = [at]


def current():
    """The container drawn into by calls on ``st`` itself."""
    return _stack[-1]


def push(at):
    _stack.append(at)


def pop():
    if len(_stack) > 1:
        _stack.pop()
