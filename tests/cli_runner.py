"""Running ``kliping`` as a real process, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def kliping(config: Path | None, *args: str, timeout: float = 120, input: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kliping"]
    if config is not None:
        command += ["--config", str(config)]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(command + list(args), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          input=input, env=full_env)


def kliping_json(config: Path | None, *args: str, ok_codes: tuple[int, ...] = (0,)) -> Any:
    result = kliping(config, *args, "--json")
    assert result.returncode in ok_codes, result.stderr + result.stdout
    return json.loads(result.stdout)
