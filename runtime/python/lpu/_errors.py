"""lpu.Error: what the runtime or the compiler refused, with its message."""


class Error(RuntimeError):
    """A failed runtime call or compile; str() is the runtime's or lpuc's message."""
