"""The one Jinja environment of proposal-kit: sandboxed, strict, bounded.

Part B templates, section texts, generic texts, the HTML page and the init scaffold all
render through :func:`make_environment` and :func:`render_bounded`. Besides the sandbox
(no attribute of ``_``-names, no unsafe calls) and strict undefined names, the environment
bounds the work a text can ask for (:mod:`proposal_kit.jinjalimits`): no operator, format,
method or filter may build a value over :data:`MAX_OUTPUT` characters (or a ``range`` over
:data:`MAX_ITEMS` items), checked before the value is built; powers and products cannot
grow past a few thousand bits; a render stops after :data:`TIME_LIMIT` seconds and its
output after :data:`MAX_OUTPUT` characters. Every failure of a template (syntax, runtime,
limits) becomes :class:`~proposal_kit.errors.TemplateError` with the file and line of the
template.

Compiled templates are kept as Jinja bytecode in the user's cache directory (see
:func:`bytecode_folder`), so a new process does not compile them again: the folder is
named by proposal-kit's and Jinja's versions and the environment's options, and each entry
carries the checksum of its source, so an edited template is compiled afresh. A cache that
cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import signal
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
)
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

from . import jinjalimits as limits
from .errors import ProposalKitError, SourceLocation, TemplateError
from .jinjafilters import bounded_filters
from .jinjalimits import MAX_ITEMS, MAX_OUTPUT, LimitExceeded

__all__ = ["CACHE_ENV", "MAX_ITEMS", "MAX_OUTPUT", "TEMPLATE_FAILURES", "TIME_LIMIT",
           "BoundedEnvironment", "ConfinedLoader", "LimitExceeded", "NoIncludes",
           "UnknownFilter", "bytecode_folder", "compile_bounded", "error_line",
           "make_environment", "package_version", "render_bounded", "take_unknown_filters"]

#: Seconds a render may take.
TIME_LIMIT = 10.0


class NoIncludes(BaseLoader):
    """The loader of section texts: they include generic texts with ``text()``, not files."""

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        """Refuse: there is nothing to include."""
        raise TemplateNotFound(template, "section texts cannot include or import files; "
                               "use {{ text(\"key\") }} for a generic text")


class ConfinedLoader(FileSystemLoader):
    """Jinja's file loader, confined: templates stay inside their search folder's parent.

    That is a project's ``templates/`` inside the project, the built-in ones inside the
    package: a template that is a symlink to another place is refused, not read into a
    draft.
    """

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        """The template's source, if the file it resolves to is inside its folder's parent."""
        from .safeio import within

        source, filename, uptodate = super().get_source(environment, template)
        full = os.path.abspath(filename)
        for search in self.searchpath:
            folder = os.path.abspath(search)
            if os.path.commonpath([folder, full]) == folder:
                root = Path(folder).parent
                if not within(Path(full), [root]):
                    raise SecurityError(f"the template {full} is a link to a file outside "
                                        f"{root}; refused")
                break
        return source, filename, uptodate


class _Bounding:
    """A ``str.format`` formatter whose fields, together, stay within the output limit."""

    budget: limits.FieldBudget

    def vformat(self, format_string: str, args: Sequence[Any],
                kwargs: Mapping[str, Any]) -> str:
        """The formatted text, each field checked before it is formatted."""
        limits.check_format_template(format_string)
        self.budget = limits.FieldBudget()
        return str(super().vformat(format_string, args, kwargs))  # type: ignore[misc]

    def format_field(self, value: Any, format_spec: str) -> Any:
        """One field, if its width and value fit in what the call has left."""
        limits.check_field(self.budget, value, format_spec)
        return super().format_field(value, format_spec)  # type: ignore[misc]


class _Formatter(_Bounding, SandboxedFormatter):
    pass


class _EscapeFormatter(_Bounding, SandboxedEscapeFormatter):
    pass


class BoundedEnvironment(SandboxedEnvironment):
    """A sandboxed, strict environment whose templates cannot ask for unbounded work.

    The checks themselves are in :mod:`proposal_kit.jinjalimits`.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = limits.BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        options.setdefault("undefined", StrictUndefined)
        options.setdefault("finalize", limits.finalize)
        super().__init__(**options)
        self.globals["range"] = limits.bounded_range
        self.globals["lipsum"] = limits.bounded_lipsum
        self.filters = bounded_filters(self.filters.items())
        self.concat_bounded = limits.concat_bounded

    def call_binop(self, context: jinja2.runtime.Context, operator_name: str, left: Any,
                   right: Any) -> Any:
        """``*``, ``**``, ``+`` and ``%`` within the size limits."""
        return limits.bounded_binop(operator_name, left, right,
                                    self.binop_table[operator_name])

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format``/``format_map`` through a formatter that bounds its output."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or \
                value.__name__ not in ("format", "format_map") or \
                not isinstance(value.__self__, str):
            return None
        owner: str = value.__self__
        formatter: _Formatter | _EscapeFormatter = \
            _EscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) \
            else _Formatter(self)
        mapping = value.__name__ == "format_map"

        def bounded_format(*args: Any, **kwargs: Any) -> str:
            if not mapping:
                return type(owner)(formatter.vformat(owner, args, kwargs))
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one argument, a mapping")
            return type(owner)(formatter.vformat(owner, (), args[0]))

        return functools.update_wrapper(bounded_format, value)

    def call(self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        """A safe call whose result (and the container it grows) stays within the limits."""
        args = limits.check_call(__obj, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        limits.check_grown(__obj)
        return limits.check_size(result)


#: Environment variable naming the folder of the compiled-template cache ("": no cache).
CACHE_ENV = "PROPOSAL_KIT_CACHE_DIR"


class _QuietCache(FileSystemBytecodeCache):
    """Jinja's file cache; an entry that cannot be read or written is a miss, not an error."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry (truncated, other pickle): compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_folder(options: Mapping[str, Any]) -> Path | None:
    """The cache folder of environments made with ``options`` (None: no cache).

    ``$PROPOSAL_KIT_CACHE_DIR`` if set (empty: off), else ``jinja`` in the user's cache
    directory (``$XDG_CACHE_HOME/proposal-kit`` on Linux). Named by a hash of proposal-kit's
    and Jinja's versions, this module's own file and ``options``: code compiled by another
    version, or with other lexer settings, is never read.
    """
    from .resources import user_cache_dir

    explicit = os.environ.get(CACHE_ENV)
    if explicit is not None and not explicit:
        return None
    root = Path(explicit) if explicit else user_cache_dir() / "jinja"
    try:
        stamp = os.stat(__file__).st_mtime_ns + os.stat(limits.__file__).st_mtime_ns
    except OSError:  # pragma: no cover - a zipped install
        stamp = 0
    key = "|".join([package_version(), jinja2.__version__, str(stamp),
                    *(f"{k}={v!r}" for k, v in sorted(options.items()))])
    return root / hashlib.sha256(key.encode()).hexdigest()[:16]


@functools.cache
def package_version() -> str:
    """proposal-kit's installed version (a key of the compiled templates' cache)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("proposal-kit")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


_CACHES: dict[Path, _QuietCache | None] = {}


def _bytecode_cache(options: Mapping[str, Any]) -> _QuietCache | None:
    """The bytecode cache for ``options``, made once per process (None: off or unusable)."""
    if callable(options.get("autoescape")):  # a function cannot name its folder
        return None
    folder = bytecode_folder(options)
    if folder is None:
        return None
    if folder not in _CACHES:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            _CACHES[folder] = _QuietCache(str(folder))
        except OSError:
            _CACHES[folder] = None
    return _CACHES[folder]


def make_environment(loader: BaseLoader | None = None, *, autoescape: Any = False,
                     trim: bool = False, keep_trailing_newline: bool = True,
                     filters: Mapping[str, Callable[..., Any]] | None = None) \
        -> BoundedEnvironment:
    """The environment for one kind of template (the only place one is made).

    Args:
        loader: Where ``include``/``import``/``get_template`` look; :class:`NoIncludes` by
            default (section texts include generic texts through ``text()`` only).
        autoescape: HTML escaping (``True`` or a ``select_autoescape`` function) for pages.
        trim: ``trim_blocks`` and ``lstrip_blocks``, for templates laid out with tags.
        keep_trailing_newline: Keep the template's last line break.
        filters: Extra filters, bounded like the built-in ones.
    """
    options = {"autoescape": autoescape, "trim_blocks": trim, "lstrip_blocks": trim,
               "keep_trailing_newline": keep_trailing_newline}
    if isinstance(loader, FileSystemLoader) and not isinstance(loader, ConfinedLoader):
        loader = ConfinedLoader(loader.searchpath, loader.encoding, loader.followlinks)
    env = BoundedEnvironment(loader=loader or NoIncludes(),
                             bytecode_cache=_bytecode_cache(options), **options)
    env.filters.update(bounded_filters((filters or {}).items(), text=True))
    return env


class _Deadline:
    """The time a render may end by; checked on every chunk of output and by an alarm."""

    def __init__(self) -> None:
        self.end: float | None = None
        self.depth = 0


_DEADLINE = _Deadline()


def _on_alarm(signum: int, frame: Any) -> None:
    raise LimitExceeded(f"the template took more than {TIME_LIMIT:g} seconds")


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the block after ``seconds``.

    SIGALRM does it in the main thread; nested renders share the outermost deadline.
    """
    with limits.work_scope(), _alarm(seconds):
        yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    main = threading.current_thread() is threading.main_thread() and hasattr(signal,
                                                                           "setitimer")
    if _DEADLINE.depth or not main:
        _DEADLINE.depth += 1
        try:
            yield
        finally:
            _DEADLINE.depth -= 1
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _DEADLINE.depth += 1
    _DEADLINE.end = time.monotonic() + seconds
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _DEADLINE.depth -= 1
        _DEADLINE.end = None


def error_line(exc: BaseException, filename: str | None) -> int | None:
    """The innermost line of template ``filename`` in the traceback of ``exc``.

    ``<template>`` is the name of a template made from a string; a syntax error has its line.
    """
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name == (filename or "<template>") or (filename is None and name.endswith(".j2")):
            line = lineno
    return line


def _innermost(exc: BaseException) -> tuple[str, int] | None:
    """File and line of the innermost template frame of ``exc`` (an included template's)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return (exc.filename, exc.lineno) if exc.filename else None
    found = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if "__jinja_exception__" in frame.f_globals or \
                "__jinja_template__" in frame.f_globals:
            found = (frame.f_code.co_filename, lineno)
    return found


def _message(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "the template calls or includes itself without end"
    if isinstance(exc, MemoryError):
        return "the template needs more memory than is available"
    if isinstance(exc, OverflowError):
        return f"a number is too large ({exc})"
    if isinstance(exc, TemplateNotFound):
        return f"template not found: {exc.name}" + (f" ({exc.message})"
                                                   if exc.message != exc.name else "")
    if isinstance(exc, jinja2.TemplateError):
        return exc.message or type(exc).__name__
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


#: What a template can raise at run time (everything but the interpreter's own exits).
TEMPLATE_FAILURES = (jinja2.TemplateError, ArithmeticError, TypeError, ValueError,
                     AttributeError, LookupError, RecursionError, MemoryError, OSError,
                     RuntimeError, AssertionError)


def render_bounded(template: jinja2.Template, context: Mapping[str, Any], where: str,
                   locate: Callable[[int | None], SourceLocation | None] | None = None,
                   *, hint: str | None = None) -> str:
    """Render ``template`` within the time and output limits.

    Args:
        template: The compiled template.
        context: Its variables.
        where: What is rendered, for messages ("section 'needs' (sections/needs.md)").
        locate: Maps a line of the template to the place in the user's file (a section
            given inline in project.yaml is located in project.yaml, not at "line 1").
        hint: The hint of an undefined-name error.

    Raises:
        TemplateError: anything the template did wrong, at its file and line.
    """
    try:
        with _time_limit(TIME_LIMIT):
            size = 0
            chunks: list[str] = []
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise LimitExceeded(f"the output exceeds {MAX_OUTPUT:,} characters")
                chunks.append(chunk)
            return "".join(chunks)
    except ProposalKitError:
        raise
    except TEMPLATE_FAILURES as exc:
        line = error_line(exc, template.filename)
        location = locate(line) if locate else SourceLocation(None, line)
        inner = _innermost(exc)
        if inner and template.filename and inner[0] != template.filename and \
                not inner[0].startswith("<"):
            location = SourceLocation(Path(inner[0]), inner[1])  # in an included template
        prefix = "syntax error: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        extra = hint if isinstance(exc, jinja2.UndefinedError) else None
        raise TemplateError(f"{where}: {prefix}{_message(exc)}", location=location,
                            hint=extra) from None


def compile_bounded(env: jinja2.Environment, source: str, where: str,
                    locate: Callable[[int | None], SourceLocation | None] | None = None,
                    key: str | None = None) -> jinja2.Template:
    """``env.from_string(source)``; a syntax error is a located :class:`TemplateError`.

    The compiled code is kept in the environment's bytecode cache under ``key`` (default
    ``where``): one entry per place, replaced when its text changes. Texts compiled at the
    same place in one run (a section, then each of its units) need keys of their own, or
    each would replace the other's entry on every run.
    """
    try:
        cache = env.bytecode_cache
        if cache is None:
            return env.from_string(source)
        bucket = cache.get_bucket(env, key or where, None, source)
        if bucket.code is None:
            bucket.code = env.compile(source)
            cache.set_bucket(bucket)
        return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError) as exc:
        line = exc.lineno if isinstance(exc, jinja2.TemplateSyntaxError) else None
        location = locate(line) if locate else SourceLocation(None, line)
        raise TemplateError(f"{where}: syntax error: {_message(exc)}",
                            location=location) from None


@dataclasses.dataclass(frozen=True)
class UnknownFilter:
    """A filter or test a template names that its environment does not know."""

    kind: str  # "filter" or "test"
    name: str
    line: int
    #: "did you mean 'upper'?" when a known one is close.
    hint: str | None

    @property
    def message(self) -> str:
        """Jinja's own words for it, e.g. "No filter named 'uper'."."""
        return f"No {self.kind} named '{self.name}'."


def take_unknown_filters(env: jinja2.Environment,
                         tree: jinja2.nodes.Template) -> list[UnknownFilter]:
    """Each filter and test of ``tree`` that ``env`` does not know, each name once.

    Each is given where it is first used, by line. Jinja stops compiling a
    template at the first of them; every use is renamed in ``tree`` to a known one, so
    that the tree then compiles and the rest of it can still be read (its undefined names,
    its includes).
    """
    from .validation import did_you_mean

    found: dict[tuple[str, str], UnknownFilter] = {}
    for node in tree.find_all((jinja2.nodes.Filter, jinja2.nodes.Test)):
        is_filter = isinstance(node, jinja2.nodes.Filter)
        known = env.filters if is_filter else env.tests
        if node.name in known:
            continue
        kind = "filter" if is_filter else "test"
        if (kind, node.name) not in found:
            hint = did_you_mean(node.name, [k for k in known if not k.startswith("_")])
            found[kind, node.name] = UnknownFilter(kind, node.name, node.lineno, hint)
        node.name = "string" if is_filter else "defined"
    return sorted(found.values(), key=lambda unknown: unknown.line)
