"""Every value the search's Slurm writer (search_slurm.py) puts into slurm.sbatch or gather.sh goes
through here: quoted for where it goes, or refused with an error naming the option it came from.

The same rules as experiments/sweep/script_quote.hpp, which the C++ writer (`saccade sweep --emit
slurm`) uses and which explains them; tests/py/test_script_quote.py checks that both give the same text
and the same errors. In short: a shell word is shlex.quote'd; an #SBATCH line is read by sbatch's own
tokenizer (Slurm's src/sbatch/opt.c, get_argument), for which sbatch_word writes one word; a value
holding a newline (or a carriage return, or NUL) would leave its line and is refused."""
import re
import shlex

shell_quote = shlex.quote  # the C++ shell_quote gives the same text

_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")  # means nothing to a shell nor to sbatch (shlex's safe set)
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_HELD = {"\n": "a newline", "\r": "a carriage return", "\0": "a NUL byte"}


class ScriptValueError(ValueError):
    """A value that cannot be written into a generated script; the message names the option."""


def one_line(what, value, hint=""):
    """Refuses a value that would not stay on its line."""
    held = next((_HELD[c] for c in value if c in _HELD), None)
    if held:
        shown = value.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0")
        raise ScriptValueError(f"{what} '{shown}' holds {held}: a value written into a generated script must be one line"
                               + (f"; {hint}" if hint else ""))


def sbatch_word(s):
    """One word of a #SBATCH line that sbatch reads back as `s` (which must be one line)."""
    if _PLAIN.fullmatch(s):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sbatch_directive(value):
    """`--sbatch KEY=VALUE` (or a bare KEY) as the word of its #SBATCH line."""
    one_line("--sbatch value", value, "one #SBATCH directive per --sbatch")
    key, eq, rest = value.partition("=")
    if not _KEY.fullmatch(key):
        raise ScriptValueError(f"--sbatch value '{value}': expected KEY=VALUE, KEY an sbatch option without its dashes "
                               "(e.g. partition=cpu)")
    return f"--{key}" + (f"={sbatch_word(rest)}" if eq else "")


def slurm_output_dir(what, directory):
    """`directory` as the start of an --output pattern: % doubled; a backslash refused (Slurm drops it and
    then expands no pattern at all)."""
    directory = str(directory)
    one_line(what, directory)
    if "\\" in directory:
        raise ScriptValueError(f"{what} '{directory}' holds a backslash, which Slurm's --output drops (and then writes "
                               "every array task's log to one file): choose a directory without one")
    return directory.replace("%", "%%")
