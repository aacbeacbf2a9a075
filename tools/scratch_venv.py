"""A scratch virtualenv outside the repository for the scripts that need the official SDK.

`ensure(script, pins, name)` creates or reuses `${TMPDIR:-/tmp}/<name>` (override with the
environment variable named like the folder, upper-cased with `-` as `_`), installs the pinned
packages from PyPI when its pin marker differs, and re-executes `script` inside it with HOME
pointed at a scratch folder (importing the SDK core writes `~/.huaweicloud/`) and the SDK's
credential variables removed. Inside the venv it returns at once.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _venv_dir(name: str) -> Path:
    custom = os.environ.get(name.upper().replace("-", "_"))
    if custom:
        return Path(custom).resolve()
    return (Path(os.environ.get("TMPDIR") or "/tmp") / name).resolve()


def _python(venv: Path) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def ensure(script: str, pins: list, name: str) -> None:
    """Re-executes `script` inside the scratch venv `name` with `pins` installed."""
    venv = _venv_dir(name)
    flag = "SCRATCH_VENV_" + name.upper().replace("-", "_")
    script_name = Path(script).name
    if os.environ.get(flag) == "1":
        if Path(sys.prefix).resolve() != venv:
            sys.exit("%s: expected to run inside %s, got %s" % (script_name, venv, sys.prefix))
        return
    if venv == REPO_ROOT or REPO_ROOT in venv.parents:
        sys.exit("%s: the scratch venv must live outside the repository" % script_name)
    python = _python(venv)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    marker = venv / ".pins"
    wanted = "\n".join(pins) + "\n"
    if not marker.exists() or marker.read_text() != wanted:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", *pins], check=True)
        marker.write_text(wanted)
    home = venv / "home"
    home.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HUAWEICLOUD_SDK_", "CLOUD_SDK_"))}
    env[flag] = "1"
    env["HOME"] = str(home)
    env["PYTHONHASHSEED"] = "0"
    os.execve(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]], env)
