"""The `scenarios` command: thin; parses arguments, calls the library, prints what it returns.

One module per command (`COMMANDS`, in the order `--help` lists them), each with ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int`` (and ``NAME`` when the command's name is not the module's); adding a command is adding its
module and its name here. Shared argument groups are in `scenarios.cli.args`.

Errors the user can fix (`ScenarioError`) print as one block and exit with code 2; an error about an option names its
flag; `--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType

from scenarios.config.paths import allowing
from scenarios.exceptions import ConfigError, ScenarioError

EXIT_USAGE = 2

COMMANDS = (
    "validate",
    "show",
    "trace",
    "run",
    "rerun",
    "summary",
    "compare",
    "plot",
    "report",
    "measures",
    "diff",
    "whatif",
    "sensitivity",
    "importance",
    "discover",
    "calibrate",
    "check",
    "forecast",
    "score",
    "schema",
    "trace_run",
)


def command_modules() -> dict[str, ModuleType]:
    """Each command's name (as typed) and its module, in `COMMANDS` order."""
    modules = (importlib.import_module(f"scenarios.cli.{name}") for name in COMMANDS)
    return {getattr(m, "NAME", m.__name__.rsplit(".", 1)[1]): m for m in modules}


class _Version(argparse.Action):
    """--version, reading the installed version only when asked (keeps `--help` fast)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        import scenarios

        print(f"scenarios {scenarios.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    # no abbreviated flags: `importance --out DIR` would silently be read as `--outcome DIR`
    parser = argparse.ArgumentParser(
        prog="scenarios", description=__doc__.splitlines()[0] if __doc__ else None, allow_abbrev=False
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in command_modules().items():
        p = sub.add_parser(name, help=module.HELP, allow_abbrev=False)
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


def flag_names(parser: argparse.ArgumentParser, command: str) -> Callable[[str], str]:
    """field -> the flag of `command` that sets it, by argparse `dest` (--chunk-size for chunk_size, --set for
    overrides, --base for a what-if's overrides); a field the command has no flag for is named as a flag would be."""
    flags: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            for option in action.choices[command]._actions:
                long = [o for o in option.option_strings if o.startswith("--")]
                if long:
                    flags.setdefault(option.dest, long[0])
    return lambda field: flags.get(field, "--" + field.replace("_", "-"))


def render_error(exc: ScenarioError, flag: Callable[[str], str] | None = None) -> str:
    """One block: each problem of a ConfigError on its own `error:` line (with its hint), then a count; an error
    about an option names it by its flag (`flag`: field -> flag)."""
    if isinstance(exc, ConfigError) and exc.problems:
        lines = [f"error: {p.render()}" for p in exc.problems]
        if len(lines) > 1:
            lines.append(f"{len(lines)} problems found")
        return "\n".join(lines)
    return f"error: {exc.render(flag) if flag is not None else exc}"


def _show_warning(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
    """Warnings for users (partial batches, unpaired comparisons) as one plain line, not a source location."""
    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    if not args.debug:
        warnings.showwarning = _show_warning
    try:
        with allowing(getattr(args, "allow_path", [])):
            return func(args)
    except ScenarioError as exc:
        if args.debug:
            raise
        print(render_error(exc, flag_names(parser, args.command)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # what no check foresaw: one message, never a traceback (--debug shows it)
        if args.debug:
            raise
        print(unexpected(exc, args.command), file=sys.stderr)
        return EXIT_USAGE


def unexpected(exc: BaseException, command: str) -> str:
    """A failure no check of the command foresaw, in one message: a file the system refused, memory, input nested
    too deeply, or anything else (most likely a damaged or edited results folder; else a bug to report)."""
    debug = f"`scenarios --debug {command} ...` shows where"
    if isinstance(exc, OSError):
        name = f"{exc.filename}: " if exc.filename else ""
        return f"error: {name}{exc.strerror or exc}; check the path and its permissions ({debug})"
    if isinstance(exc, MemoryError):
        return f"error: not enough memory for what was asked (a size or count too large?) ({debug})"
    if isinstance(exc, RecursionError):
        return f"error: an input is nested too deeply to be read ({debug})"
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return (
        f"error: {command} failed: {type(exc).__name__}: {text}. If it read a results folder, the folder may be "
        f"damaged, edited or written by another version; otherwise this is a bug ({debug})"
    )
